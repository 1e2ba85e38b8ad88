"""People and answers for the survey tests: onboarded staff with a personal chat, and complete answers."""

from __future__ import annotations

from datetime import UTC, datetime

from core.kernel.contacts import record_contact
from core.surveys.commands import SectionAnswers
from tests.fakes import teams_address

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)  # a Wednesday, 10:00 in London (GMT)
SITES = ("basildon", "broomfield", "southend", "community")
GROUPS = ("nursing_midwifery", "medical_dental", "ahp", "admin_clerical")


async def person(uow, n: int, *, site: str = "basildon", staff_group: str = "nursing_midwifery", now=NOW):
    """An onboarded person with a personal chat with the bot (so nudges can reach them)."""
    user = (await record_contact(uow, address=teams_address(n), now=now)).user
    await uow.users.save_profile(user.id, site=site, staff_group=staff_group, experience="none", now=now)
    return await uow.users.get(user.id)


def confidence(instrument, section: int, value: int | str) -> dict:
    """Every item of one section answered with the same point of the scale."""
    return {item.id: str(value) for item in instrument.sections[section].items}


def section(invitation_id: int, index: int, answers: dict, *, later: bool = False) -> SectionAnswers:
    return SectionAnswers(invitation_id=invitation_id, section=index, answers=answers, finish_later=later)


async def answer_all(uow, content, user, invitation_id: int, value: int, pseudonyms, now=NOW) -> None:
    """Both sections of the self-efficacy survey, every item at `value`."""
    from core.surveys.answering import save_section

    scale = content.surveys.instrument("qi_self_efficacy")
    for index in range(len(scale.sections)):
        command = section(invitation_id, index, confidence(scale, index, value))
        await save_section(uow, user=user, command=command, content=content, pseudonyms=pseudonyms, now=now)
