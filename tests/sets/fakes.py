"""In-memory sets repository and a recorder of the set messages the services queue."""

from __future__ import annotations

from dataclasses import replace

from core.kernel.model import OutboundMessage
from core.sets.model import (
    OPEN_SWAPS,
    ActionItem,
    ActionSet,
    Mark,
    Meeting,
    Member,
    SetFigures,
    SetStatus,
    Swap,
    SwapStatus,
)
from tests.fakes import _Repo


class FakeSets(_Repo):
    """Sets, members, meetings, attendance, actions and swaps as plain values in the fake database."""

    def _table(self, name: str) -> dict:
        return self.db.__dict__.setdefault(f"sets_{name}", {})

    def _name(self, user_id):
        user = self.db.users.get(user_id)
        return user.name if user else None

    # --- sets -----------------------------------------------------------------------------------------------

    async def create_draft(self, *, facilitator_id, name, site, cohort, pattern, minutes, now):
        set_id = next(self.db.ids)
        self._table("sets")[set_id] = ActionSet(
            set_id, name, site, cohort, facilitator_id, SetStatus.DRAFT, pattern, minutes, now
        )
        return await self.get_set(set_id)

    async def update_draft(self, set_id, *, name, site, cohort, pattern, now):
        found = self._table("sets")[set_id]
        if found.status == SetStatus.DRAFT:
            self._table("sets")[set_id] = replace(found, name=name, site=site, cohort=cohort, pattern=pattern)

    async def get_set(self, set_id, *, lock=False):
        found = self._table("sets").get(set_id)
        return replace(found, facilitator_name=self._name(found.facilitator_id)) if found else None

    async def draft_of(self, facilitator_id):
        drafts = [
            s
            for s in self._table("sets").values()
            if s.facilitator_id == facilitator_id and s.status == SetStatus.DRAFT
        ]
        return await self.get_set(drafts[-1].id) if drafts else None

    async def activate(self, set_id, *, now):
        found = self._table("sets")[set_id]
        if found.status != SetStatus.DRAFT:
            return False
        self._table("sets")[set_id] = replace(found, status=SetStatus.ACTIVE)
        return True

    async def sets_of(self, user_id):
        mine = {k[0] for k, m in self._table("members").items() if k[1] == user_id and m.left_at is None}
        return [
            await self.get_set(s.id)
            for s in sorted(self._table("sets").values(), key=lambda s: s.id)
            if s.status == SetStatus.ACTIVE and (s.facilitator_id == user_id or s.id in mine)
        ]

    # --- members --------------------------------------------------------------------------------------------

    async def add_member(self, set_id, user_id, *, now):
        existing = self._table("members").get((set_id, user_id))
        if existing is not None and existing.left_at is None:
            return False
        self._table("members")[(set_id, user_id)] = Member(set_id, user_id, None, None, now)
        self.db.__dict__["sets_join_order"] = self.db.__dict__.get("sets_join_order", 0) + 1
        self._table("order")[(set_id, user_id)] = self.db.__dict__["sets_join_order"]
        return True

    async def remove_member(self, set_id, user_id):
        return self._table("members").pop((set_id, user_id), None) is not None

    async def leave(self, set_id, user_id, *, now):
        member = self._table("members").get((set_id, user_id))
        if member is None or member.left_at is not None:
            return False
        self._table("members")[(set_id, user_id)] = replace(member, left_at=now)
        return True

    async def members(self, set_id):
        found = [m for (s, _), m in self._table("members").items() if s == set_id and m.left_at is None]
        found.sort(key=lambda m: (m.joined_at, self._table("order")[(set_id, m.user_id)]))
        people = self.db.users
        return [
            replace(m, name=people[m.user_id].name, site=people[m.user_id].site) if m.user_id in people else m
            for m in found
        ]

    # --- meetings -------------------------------------------------------------------------------------------

    def _full(self, meeting: Meeting) -> Meeting:
        return replace(meeting, presenter_name=self._name(meeting.presenter_id) if meeting.presenter_id else None)

    async def add_meetings(self, set_id, times, *, now):
        taken = {m.number for m in self._table("meetings").values() if m.set_id == set_id}
        for number, (start, end) in enumerate(times, start=1):
            if number not in taken:
                meeting_id = next(self.db.ids)
                self._table("meetings")[meeting_id] = Meeting(meeting_id, set_id, number, start, end)

    async def meetings(self, set_id):
        found = [m for m in self._table("meetings").values() if m.set_id == set_id]
        return [self._full(m) for m in sorted(found, key=lambda m: (m.starts_at, m.id))]

    async def get_meeting(self, meeting_id):
        found = self._table("meetings").get(meeting_id)
        return self._full(found) if found else None

    def _update_meeting(self, meeting_id, **changes):
        self._table("meetings")[meeting_id] = replace(self._table("meetings")[meeting_id], **changes)

    async def set_presenter(self, meeting_id, presenter_id, *, replace, now):
        if self._table("meetings")[meeting_id].presenter_id != replace:
            return False
        self._update_meeting(meeting_id, presenter_id=presenter_id)
        return True

    async def clear_presenter(self, meeting_id, presenter_id, *, now):
        if self._table("meetings")[meeting_id].presenter_id != presenter_id:
            return False
        self._update_meeting(meeting_id, presenter_id=None, issue=None)
        return True

    async def set_issue(self, meeting_id, issue, *, now):
        self._update_meeting(meeting_id, issue=issue)

    def _active(self, meeting):
        return self._table("sets")[meeting.set_id].status == SetStatus.ACTIVE

    async def starting_between(self, start, end):
        found = [m for m in self._table("meetings").values() if self._active(m) and start <= m.starts_at < end]
        return [self._full(m) for m in sorted(found, key=lambda m: (m.starts_at, m.id))]

    async def ended_between(self, start, end):
        found = [m for m in self._table("meetings").values() if self._active(m) and start < m.ends_at <= end]
        return [self._full(m) for m in sorted(found, key=lambda m: (m.starts_at, m.id))]

    async def mark_attendance(self, meeting_id, marks, *, now):
        for user_id, mark in marks.items():
            self._table("attendance")[(meeting_id, user_id)] = Mark(mark)
        meeting = self._table("meetings")[meeting_id]
        self._update_meeting(meeting_id, attendance_at=meeting.attendance_at or now)

    async def attendance(self, meeting_id):
        return {u: mark for (m, u), mark in self._table("attendance").items() if m == meeting_id}

    async def presenter_marks(self, set_id):
        marks = {}
        for meeting in self._table("meetings").values():
            key = (meeting.id, meeting.presenter_id)
            if meeting.set_id == set_id and meeting.attendance_at and key in self._table("attendance"):
                marks[meeting.id] = self._table("attendance")[key]
        return marks

    # --- actions --------------------------------------------------------------------------------------------

    async def save_actions(self, *, set_id, meeting_id, user_id, texts, now):
        table = self._table("actions")
        for slot, value in texts.items():
            current = next(
                (a for a in table.values() if (a.meeting_id, a.user_id, a.slot) == (meeting_id, user_id, slot)), None
            )
            if current is not None and current.done:
                continue
            if value is None:
                if current is not None:
                    del table[current.id]
            elif current is not None:
                table[current.id] = replace(current, text=value)
            else:
                action_id = next(self.db.ids)
                table[action_id] = ActionItem(action_id, set_id, meeting_id, user_id, slot, value, now)

    async def actions(self, set_id, user_id, *, meeting_id=None):
        found = [
            a
            for a in self._table("actions").values()
            if a.set_id == set_id and a.user_id == user_id and meeting_id in (None, a.meeting_id)
        ]
        return sorted(found, key=lambda a: (a.meeting_id, a.slot))

    async def get_action(self, action_id):
        return self._table("actions").get(action_id)

    async def mark_done(self, action_id, *, now):
        action = self._table("actions")[action_id]
        if action.done:
            return False
        self._table("actions")[action_id] = replace(action, done_at=now)
        return True

    # --- swaps ----------------------------------------------------------------------------------------------

    async def open_swap(self, meeting_id, presenter_id, *, now):
        if await self.current_swap(meeting_id):
            return None
        swap_id = next(self.db.ids)
        self._table("swaps")[swap_id] = Swap(swap_id, meeting_id, presenter_id, SwapStatus.OPEN)
        return self._table("swaps")[swap_id]

    async def current_swap(self, meeting_id):
        return next(
            (s for s in self._table("swaps").values() if s.meeting_id == meeting_id and s.status in OPEN_SWAPS), None
        )

    async def get_swap(self, swap_id):
        return self._table("swaps").get(swap_id)

    async def volunteer(self, swap_id, volunteer_id, *, now):
        swap = self._table("swaps")[swap_id]
        if swap.status != SwapStatus.OPEN:
            return False
        self._table("swaps")[swap_id] = replace(swap, status=SwapStatus.VOLUNTEERED, volunteer_id=volunteer_id)
        return True

    async def resolve_swap(self, swap_id, status, *, now):
        swap = self._table("swaps")[swap_id]
        if swap.status != SwapStatus.VOLUNTEERED:
            return False
        volunteer = None if status == SwapStatus.OPEN else swap.volunteer_id
        self._table("swaps")[swap_id] = replace(swap, status=SwapStatus(status), volunteer_id=volunteer)
        return True

    # --- reports --------------------------------------------------------------------------------------------

    async def figures(self, *, now):
        active = {s.id for s in self._table("sets").values() if s.status == SetStatus.ACTIVE}
        meetings = [m for m in self._table("meetings").values() if m.set_id in active]
        running = {m.set_id for m in meetings if m.ends_at > now}
        marks = [
            mark
            for (meeting_id, _), mark in self._table("attendance").items()
            if meeting_id in {m.id for m in meetings}
        ]
        people = {
            user_id
            for (set_id, user_id), member in self._table("members").items()
            if set_id in running and member.left_at is None
        }
        users = self.db.users
        return SetFigures(
            sets_running=len(running),
            meetings_planned=len(meetings),
            meetings_due=sum(1 for m in meetings if m.starts_at <= now),
            meetings_held=sum(1 for m in meetings if m.attendance_at),
            marks_present=sum(1 for mark in marks if mark == Mark.PRESENT),
            marks_total=len(marks),
            members=sorted((u, users[u].site, users[u].staff_group) for u in people),
        )


class RecordingSetMessages:
    """A SetMessages that records what was rendered, as short texts."""

    def added(self, set_, meetings):
        return OutboundMessage(text=f"added {set_.id} {[m.number for m in meetings]}")

    def member_left(self, set_, name, members_left):
        return OutboundMessage(text=f"left {set_.id} {name} {members_left}")

    def reminder(self, set_, meeting, which, open_actions, user_id):
        return OutboundMessage(text=f"reminder {which} {meeting.id} {user_id} {[a.text for a in open_actions]}")

    def presenter_prompt(self, set_, meeting):
        return OutboundMessage(text=f"prompt {meeting.id} {meeting.presenter_id}")

    def swap_wanted(self, set_, meeting, swap, presenter):
        return OutboundMessage(text=f"swap wanted {swap.id} {presenter}")

    def swap_to_confirm(self, set_, meeting, swap, volunteer):
        return OutboundMessage(text=f"swap confirm {swap.id} {volunteer}")

    def swap_confirmed(self, set_, meeting, presenter, *, to_presenter):
        return OutboundMessage(text=f"swap confirmed {meeting.id} {presenter} {to_presenter}")

    def attendance_check(self, set_, meeting):
        return OutboundMessage(text=f"check {meeting.id}")

    def actions_prompt(self, set_, meeting):
        return OutboundMessage(text=f"actions {meeting.id}")


FAKE_REPOSITORY = FakeSets
