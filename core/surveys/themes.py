"""Themes for free text (the scoping survey is "analysed by theme"): coaches and admins see the free-text answers
one at a time, with no names, tag each with themes from a list they can extend, and the report counts the themes
by staff group.

An answer is shown with its respondent's site and staff group only when at least 5 people of that site (or
group, or both together) answered that wave (reports.shown_facts); otherwise that fact is left out, so a text
cannot be tied to a small group. Theme
counts are counts of people: each theme's staff-group breakdown is suppressed against the theme's total.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.kernel.model import Role, User
from core.kernel.ports import UnitOfWork
from core.kernel.suppression import THRESHOLD, Breakdown, Cell, count, suppress_counts
from core.kernel.text import clean_text
from core.surveys.commands import InvalidAnswer, ThemeTags
from core.surveys.content import Instrument
from core.surveys.model import TextAnswer, Theme
from core.surveys.reports import NOT_RECORDED, shown_facts

MAX_THEME = 60


def _require_coach(user: User) -> None:
    if not user.has_role(Role.COACH):
        raise NotAllowed("Theming free-text answers is for QI coaches and admins.")


def themed_instruments(content: Content) -> list[Instrument]:
    return [i for i in content.surveys.instruments.values() if any(item.themed for item in i.items)]


def _instrument(content: Content, instrument_id: str) -> Instrument:
    instrument = content.surveys.instrument(instrument_id)
    if instrument is None or not any(item.themed for item in instrument.items):
        raise NotFound("That survey has no free-text answers to theme.")
    return instrument


@dataclass(frozen=True)
class ThemingView:
    instrument: Instrument
    answer: TextAnswer | None  # None: every answer is themed
    question: str | None
    themes: list[Theme]
    left: int  # answers still to theme, this one included


async def _answers(uow: UnitOfWork, instrument: Instrument) -> tuple[list[TextAnswer], dict]:
    responses = await uow.surveys.responses(instrument.id)
    codes = await uow.surveys.codes(instrument.id)
    facts = shown_facts(responses)
    found = []
    for r in responses:
        for item in instrument.items:
            text = r.answers.get(item.id)
            if item.themed and isinstance(text, str) and text:
                site, group = facts[r.id]
                found.append(TextAnswer(r.id, item.id, text, site, group, codes.get((r.id, item.id), ())))
    return found, codes


async def next_answer(uow: UnitOfWork, *, user: User, instrument_id: str, content: Content) -> ThemingView:
    """The next free-text answer nobody has themed yet (oldest first), with the theme list."""
    _require_coach(user)
    instrument = _instrument(content, instrument_id)
    answers, codes = await _answers(uow, instrument)
    todo = [a for a in answers if (a.response_id, a.item_id) not in codes]
    themes = await uow.surveys.themes(instrument.id)
    if not todo:
        return ThemingView(instrument, None, None, themes, 0)
    first = todo[0]
    return ThemingView(instrument, first, instrument.item(first.item_id).text, themes, len(todo))


async def tag_answer(
    uow: UnitOfWork, *, user: User, instrument_id: str, tags: ThemeTags, content: Content, now: datetime
) -> ThemingView:
    """Tag one answer (no theme fits is an answer too), adding a new theme to the list if one is typed."""
    _require_coach(user)
    instrument = _instrument(content, instrument_id)
    response = await uow.surveys.get_response(tags.response_id)
    item = instrument.item(tags.item_id)
    if (
        response is None
        or response.instrument_id != instrument.id
        or item is None
        or not item.themed
        or not isinstance(response.answers.get(item.id), str)
    ):
        raise InvalidInput("That answer is no longer available; here is the next one.")
    known = {t.id for t in await uow.surveys.themes(instrument.id)}
    if set(tags.theme_ids) - known:
        raise InvalidAnswer("theme_ids", "Please choose themes from the list.")
    try:
        label = clean_text(tags.new_theme, MAX_THEME, "the new theme")
    except InvalidInput as problem:
        raise InvalidAnswer("new_theme", problem.message) from None
    chosen = list(dict.fromkeys(tags.theme_ids))
    if label:
        theme = await uow.surveys.add_theme(instrument.id, label, by=user.id, now=now)
        chosen = list(dict.fromkeys([*chosen, theme.id]))
    await uow.surveys.save_code(response.id, item.id, chosen, by=user.id, now=now)
    return await next_answer(uow, user=user, instrument_id=instrument.id, content=content)


@dataclass(frozen=True)
class ThemeCount:
    theme: Theme
    total: Cell
    by_staff_group: Breakdown | None  # None when the theme's own total is too small to break down


async def theme_report(uow: UnitOfWork, *, user: User, instrument_id: str, content: Content) -> list[ThemeCount]:
    """People whose answers were tagged with each theme, and by staff group (suppressed against that total)."""
    _require_coach(user)
    instrument = _instrument(content, instrument_id)
    responses = {r.id: r for r in await uow.surveys.responses(instrument.id)}
    codes = await uow.surveys.codes(instrument.id)
    people: dict[int, set[int]] = {}
    for (response_id, _), theme_ids in codes.items():
        for theme_id in theme_ids:
            people.setdefault(theme_id, set()).add(response_id)
    groups = [g.id for g in content.organisation.staff_groups] + [NOT_RECORDED]
    result = []
    for theme in await uow.surveys.themes(instrument.id):
        who = [responses[r] for r in people.get(theme.id, ()) if r in responses]
        n = len(who)
        split = None
        if n >= THRESHOLD:
            by_group = {g: sum(1 for r in who if (r.staff_group or NOT_RECORDED) == g) for g in groups}
            split = suppress_counts(by_group, n, total_published=True)  # n is shown beside it
        result.append(ThemeCount(theme, count(n), split))
    return result
