"""In-memory announcement repository over the shared FakeDatabase (users, addresses and outbox rows)."""

from __future__ import annotations

from dataclasses import replace

from core.announcements.model import (
    Announcement,
    AudienceMember,
    Delivery,
    Draft,
    InstallStatus,
    RecipientState,
    RecipientStatus,
    Status,
)
from tests.fakes import _Repo


class FakeAnnouncements(_Repo):
    def _d(self, name: str) -> dict:
        return self.db.__dict__.setdefault(f"announcements_{name}", {})

    def _installed(self, user_id: int) -> bool:
        return any(
            a.user_id == user_id and a.active and a.reachable and a.address.conversation_type == "personal"
            for a in self.db.addresses.values()
        )

    def _outbox(self, key):
        return next((r for r in self.db.outbox.values() if r["dedupe_key"] == key), None) if key else None

    async def add_draft(self, *, author_id, form_token, draft: Draft, now):
        if any(a.form_token == form_token for a in self._d("rows").values()):
            return None
        announcement = Announcement(
            id=next(self.db.ids),
            author_id=author_id,
            status=Status.DRAFT,
            created_at=now,
            form_token=form_token,
            **_fields(draft),
        )
        self._d("rows")[announcement.id] = announcement
        return announcement.id

    async def for_form(self, form_token):
        return next((replace(a) for a in self._d("rows").values() if a.form_token == form_token), None)

    async def update_draft(self, announcement_id, draft, *, now):
        found = self._d("rows").get(announcement_id)
        if found is None or found.status != Status.DRAFT:
            return False
        self._d("rows")[announcement_id] = replace(found, **_fields(draft))
        return True

    async def get(self, announcement_id, *, lock=False):
        found = self._d("rows").get(announcement_id)
        return replace(found) if found else None

    async def move(self, announcement_id, *, from_, to, now, **fields):
        found = self._d("rows").get(announcement_id)
        if found is None or found.status not in from_:
            return False
        self._d("rows")[announcement_id] = replace(found, status=to, **fields)
        return True

    async def audience(self, audience):
        members = []
        for user in sorted(self.db.users.values(), key=lambda u: u.id):
            if audience.sites is not None and user.site not in audience.sites:
                continue
            if audience.staff_groups is not None and user.staff_group not in audience.staff_groups:
                continue
            if audience.experience is not None and user.experience not in audience.experience:
                continue
            if audience.roles is not None and not {r.value for r in user.roles} & audience.roles:
                continue
            members.append(AudienceMember(user.id, self._installed(user.id)))
        return members

    async def add_recipients(self, announcement_id, user_ids, *, now):
        rows = self._d("recipients")
        added = 0
        for user_id in user_ids:
            if (announcement_id, user_id) not in rows:
                rows[(announcement_id, user_id)] = dict(
                    round=1, state=RecipientState.WAITING, key=None, install=None, attempts=0, at=now
                )
                added += 1
        return added

    def _of(self, announcement_id):
        return sorted(
            ((u, r) for (a, u), r in self._d("recipients").items() if a == announcement_id), key=lambda x: x[0]
        )

    async def is_recipient(self, announcement_id, user_id):
        return (announcement_id, user_id) in self._d("recipients")

    async def waiting(self, announcement_id, *, limit):
        return [(u, r["round"]) for u, r in self._of(announcement_id) if r["state"] == RecipientState.WAITING][:limit]

    async def set_states(self, announcement_id, states, *, now):
        for user_id, state, key in states:
            self._d("recipients")[(announcement_id, user_id)].update(state=state, key=key, at=now)

    def _delivery(self, row) -> Delivery:
        if row["state"] != RecipientState.QUEUED:
            return Delivery(row["state"].value)
        out = self._outbox(row["key"])
        if out is None:
            return Delivery.SENT
        return Delivery.QUEUED if out["status"] in ("pending", "sending") else Delivery(out["status"])

    async def queued_count(self, announcement_id):
        return sum(1 for _, r in self._of(announcement_id) if self._delivery(r) == Delivery.QUEUED)

    async def requeue(self, announcement_id, outbox_status, *, now):
        changed = 0
        for _, row in self._of(announcement_id):
            out = self._outbox(row["key"]) if row["state"] == RecipientState.QUEUED else None
            if out is not None and out["status"] == outbox_status:
                row.update(state=RecipientState.WAITING, key=None, round=row["round"] + 1, at=now)
                changed += 1
        return changed

    async def arrived(self, announcement_id, *, now):
        changed = 0
        for user_id, row in self._of(announcement_id):
            if row["state"] == RecipientState.NOT_INSTALLED and self._installed(user_id):
                row.update(state=RecipientState.WAITING, at=now)
                changed += 1
        return changed

    async def progress(self, announcement_id):
        counts: dict[str, int] = {}
        for _, row in self._of(announcement_id):
            delivery = self._delivery(row).value
            counts[delivery] = counts.get(delivery, 0) + 1
        return counts

    async def statuses(self, announcement_id):
        result = []
        for user_id, row in self._of(announcement_id):
            user = self.db.users[user_id]
            out = self._outbox(row["key"]) if row["state"] == RecipientState.QUEUED else None
            at = (out or {}).get("sent_at") or row["at"]
            result.append(
                RecipientStatus(
                    user_id, user.name, user.site, user.staff_group, self._delivery(row), at, row["install"]
                )
            )
        return sorted(result, key=lambda s: (s.name or "", s.user_id))

    async def active(self, *, since):
        live = {Status.SCHEDULED, Status.SENDING, Status.PAUSED}
        return [
            replace(a)
            for a in sorted(self._d("rows").values(), key=lambda a: a.id)
            if a.status in live
            or (a.status in (Status.DONE, Status.CANCELLED) and a.finished_at and a.finished_at >= since)
        ]

    async def save_progress(self, announcement_id, *, seen, now):
        found = self._d("rows")[announcement_id]
        self._d("rows")[announcement_id] = replace(
            found, progress_seen=seen, progress_updates=found.progress_updates + 1
        )
        return found.progress_updates + 1

    async def install_candidates(self, announcement_id, *, attempts, limit):
        found = []
        for user_id, row in self._of(announcement_id):
            user = self.db.users[user_id]
            ever = any(
                a.user_id == user_id and a.address.conversation_type == "personal" for a in self.db.addresses.values()
            )
            retry = row["install"] is None or (row["install"] == InstallStatus.ERROR and row["attempts"] < attempts)
            if row["state"] == RecipientState.NOT_INSTALLED and user.aad_object_id and not ever and retry:
                found.append((user_id, user.aad_object_id))
        return found[:limit]

    async def record_install(self, announcement_id, user_id, status, *, now):
        row = self._d("recipients")[(announcement_id, user_id)]
        row.update(install=status, attempts=row["attempts"] + 1, at=now)


def _fields(draft: Draft) -> dict:
    return dict(
        title=draft.title,
        text=draft.text,
        image_url=draft.image_url,
        buttons=draft.buttons,
        audience=draft.audience,
        send_at=draft.send_at,
        spread=draft.spread,
        urgent=draft.urgent,
    )


FAKE_REPOSITORY = FakeAnnouncements
