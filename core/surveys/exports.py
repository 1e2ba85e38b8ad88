"""Pseudonymous responses for download (admins only; the link re-checks the role, and each download is logged).

Rows carry a respondent code (the start of the pseudonym, the same across waves so analysts can match them),
never a name or id. Site, legacy trust and staff group are given only where reports.shown_facts allows (5 or
more of the wave share them, and the pair), and a survey's own site and staff group questions are not repeated
as answers, so a row cannot be tied to a small group. Free text is included: it is what the theming is for, and
it comes without a small group beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.kernel import suppression
from core.kernel.content import Content
from core.kernel.errors import NotAllowed
from core.kernel.ports import UnitOfWork
from core.surveys.content import DECLINED, DECLINED_LABEL, Instrument, Item
from core.surveys.reports import require_admin, shown_facts

CODE_LENGTH = 16
HIDDEN = suppression.HIDDEN  # the one sign for a withheld value
FIXED = (
    "respondent",
    "instrument",
    "version",
    "series",
    "wave",
    "campaign",
    "submitted_on",
    "site",
    "legacy_trust",
    "staff_group",
)


@dataclass(frozen=True)
class InstrumentExport:
    instrument: Instrument
    columns: list[str]
    rows: list[list]


def answer_text(item: Item, value) -> str | int | float:
    if value is None:
        return ""
    if value == DECLINED:
        return DECLINED_LABEL
    if isinstance(value, list):
        return "; ".join(value)
    return value


async def export_for_admin(
    uow: UnitOfWork, *, user_id: int, admins: frozenset[str], content: Content, now: datetime
) -> list[InstrumentExport]:
    user = await uow.users.get(user_id)
    if user is None:
        raise NotAllowed("Survey exports are for QI admins.")
    require_admin(user, admins)
    tz = content.organisation.timezone
    exports = []
    for instrument in content.surveys.instruments.values():
        responses = await uow.surveys.responses(instrument.id)
        items = [i for i in instrument.items if i.choices_from not in ("sites", "staff_groups")]
        facts = shown_facts(responses)
        rows = []
        for r in responses:
            site, group = facts[r.id]
            trust = content.surveys.legacy_trust(site) if site else None
            rows.append(
                [
                    r.pseudonym[:CODE_LENGTH],
                    instrument.id,
                    r.instrument_version,
                    r.series or "",
                    r.wave,
                    r.campaign_id,
                    r.submitted_at.astimezone(tz).date().isoformat() if r.submitted_at else "",
                    site or (HIDDEN if r.site else ""),
                    trust or (HIDDEN if r.site and not site else ""),
                    group or (HIDDEN if r.staff_group else ""),
                    *(answer_text(i, r.answers.get(i.id)) for i in items),
                ]
            )
        exports.append(InstrumentExport(instrument, [*FIXED, *(i.id for i in items)], rows))
    return exports
