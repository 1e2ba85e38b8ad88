"""Every text style a card uses is readable in Teams: WCAG 2.x AA contrast (4.5:1) in the light and the dark theme.

The colours are the ones Teams' host config gives each colour name (tests/fixtures/teams_host_colours.yaml, with
its source). A TextBlock or TextRun names a colour ("Good", "Attention", ...) and maybe `isSubtle`; Teams draws it
in that colour of the container style it sits in (default, emphasis, good, ...) over that style's background.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from core.kernel.model import Role
from tests.clinics.data import add_booking, add_session
from tests.dialogs.harness import Chat, card_text, find_action
from tests.dialogs.test_cards_schema import every_card

AA = 4.5  # WCAG 2.x success criterion 1.4.3, normal-size text
HOST = yaml.safe_load((Path(__file__).parents[1] / "fixtures" / "teams_host_colours.yaml").read_text())
THEMES = ("light", "dark")


# --- WCAG 2.x contrast --------------------------------------------------------------------------------------------


def rgba(colour: str) -> tuple[tuple[float, float, float], float]:
    """A host config colour: "#RRGGBB" or "#AARRGGBB" (alpha first), as 0-1 channels and the alpha."""
    digits = colour.removeprefix("#")
    alpha = 1.0
    if len(digits) == 8:
        alpha, digits = int(digits[:2], 16) / 255, digits[2:]
    if len(digits) != 6:
        raise ValueError(f"not a host config colour: {colour!r}")
    red, green, blue = (int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return (red, green, blue), alpha


def over(colour: str, background: str) -> tuple[float, float, float]:
    """The colour as seen: composited over the (opaque) background, as a translucent text colour is drawn."""
    (fg, alpha), (bg, _) = rgba(colour), rgba(background)
    return tuple(alpha * f + (1 - alpha) * b for f, b in zip(fg, bg, strict=True))  # type: ignore[return-value]


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2.x relative luminance of an sRGB colour."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(colour: str, background: str) -> float:
    """(L1 + 0.05) / (L2 + 0.05), L1 the lighter of the two."""
    text, back = relative_luminance(over(colour, background)), relative_luminance(rgba(background)[0])
    return (max(text, back) + 0.05) / (min(text, back) + 0.05)


def ratio(theme: str, container: str, colour: str, subtle: bool) -> float:
    style = HOST[theme][container]
    shade = style["foregroundColors"][colour]["subtle" if subtle else "default"]
    return contrast(shade, style["backgroundColor"])


# --- what the cards use -------------------------------------------------------------------------------------------


def text_styles(card: dict) -> set[tuple[str, str, bool]]:
    """Every (container style, colour name, subtle) a text on the card is drawn in; uncoloured text is "default"."""
    found: set[tuple[str, str, bool]] = set()

    def walk(node, container: str) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, container)
            return
        if not isinstance(node, dict):
            return
        if node.get("type") in ("Container", "Column", "ColumnSet", "TableCell") and node.get("style"):
            container = str(node["style"]).lower()
        if node.get("type") in ("TextBlock", "TextRun"):
            found.add((container, str(node.get("color", "default")).lower(), bool(node.get("isSubtle"))))
        for value in node.values():  # also the card of an Action.ShowCard
            walk(value, container)

    walk(card, "default")
    return found


async def clinic_states(content) -> list[tuple[str, dict]]:
    """The clinic cards whose colours the other transcripts may not reach: a nearly full session (one seat left),
    a full one, sessions I hold a place on or wait for, my bookings, the limit and the cancel question."""
    chat = Chat(content)
    await chat.press("onboarding.save", site="basildon", staff_group="ahp", experience="none")
    other = Chat(content, n=2, uow=chat.uow)
    await other.say("hi")
    someone = await other.user()
    now = chat.clock.now()
    nearly_full = add_session(chat, capacity=2, days=2)
    full = add_session(chat, capacity=1, days=3)
    one_to_one = add_session(chat, capacity=1, days=4, online="https://teams.microsoft.com/l/x")
    for session in (nearly_full, full):
        await chat.uow.clinics.take_seat(session.id)
        await add_booking(chat.uow, session_id=session.id, user_id=someone.id, now=now)
    steps = [
        chat.say("book clinic"),
        chat.press("clinics.choose", session_id=nearly_full.id),
        chat.press("clinics.choose", session_id=full.id),
        chat.press("clinics.book", session_id=one_to_one.id, help_with="other"),
        chat.press("clinics.book", session_id=full.id, help_with="other", waitlist=True),
        chat.say("book clinic"),
        chat.say("my bookings"),
    ]
    for step in steps:
        await step
    mine = chat.cards[-1]
    await chat.press(find_action(mine, "Cancel")["verb"], **find_action(mine, "Cancel")["data"])  # the question
    more = [add_session(chat, days=days) for days in (5, 6, 7)]
    for session in more[:2]:
        await chat.press("clinics.book", session_id=session.id, help_with="other")
    await chat.press("clinics.choose", session_id=more[2].id)  # at the limit
    await chat.say("book clinic")
    admin = Chat(content, n=3, uow=chat.uow, admins=frozenset({"aad-3"}))
    await admin.grant(Role.COACH)
    await admin.say("book clinic")
    return [("clinic states", card) for card in chat.cards + admin.cards]


@pytest.fixture
async def all_cards(content) -> list[tuple[str, dict]]:
    return await every_card(content) + await clinic_states(content)


# --- the tests ----------------------------------------------------------------------------------------------------


def test_the_contrast_formula_gives_the_wcag_reference_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the lightest grey that passes on white
    assert contrast("#777777", "#ffffff") < AA
    assert contrast("#80000000", "#ffffff") == pytest.approx(contrast("#7f7f7f", "#ffffff"), abs=0.05)  # alpha first


def test_the_check_can_fail_teams_yellow_and_green_are_unreadable_on_light_and_red_on_dark():
    assert ratio("light", "default", "warning", False) < AA
    assert ratio("light", "default", "good", False) < AA
    assert ratio("dark", "default", "attention", False) < AA
    assert ratio("light", "default", "default", False) > AA and ratio("dark", "default", "default", True) > AA


async def test_every_text_style_on_every_card_meets_aa_in_both_teams_themes(all_cards):
    used: dict[tuple[str, str, bool], str] = {}
    for label, card in all_cards:
        for style in text_styles(card):
            used.setdefault(style, label)
    assert ("default", "default", False) in used and ("default", "default", True) in used
    assert any(container != "default" for container, _, _ in used)  # the certificate's and the bite's containers
    failing = [
        f"{colour}{' subtle' if subtle else ''} in a {container} container on {theme} "
        f"({ratio(theme, container, colour, subtle):.2f}:1), first on a {label!r} card"
        for (container, colour, subtle), label in sorted(used.items())
        for theme in THEMES
        if ratio(theme, container, colour, subtle) < AA
    ]
    assert not failing, "\n".join(failing)


async def test_the_clinic_states_are_among_the_cards_checked(all_cards):
    text = "\n".join(card_text(card) for _, card in all_cards)
    for shown in ("Last seat", "Full: join the waitlist", "Booked", "On the waitlist (number 1)", "Cancel your place"):
        assert shown in text, shown
    assert "the most you can hold at once" in text
