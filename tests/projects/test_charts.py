"""Measure charts: a PNG drawn with matplotlib from the measurement module, behind a signed link."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from matplotlib import dates as mdates
from matplotlib.colors import to_rgba

from bot import keys
from core.kernel.contacts import record_contact
from core.kernel.model import Role
from core.measurement import Rebase, xmr
from core.projects.commands import Pdsa
from core.projects.model import Measure
from dialogs.projects.charts import (
    DPI,
    KIND_COLOURS,
    MIN_TEXT_PX,
    PHONE_PX,
    SHORT_RUN_NOTE,
    SIZE,
    TRIAL_NOTE,
    draw_chart,
    render_chart,
    text_px,
)
from dialogs.projects.exports import registrations_chart, registrations_figure
from dialogs.projects.pages import SUMMARY, chart_url, report_url
from tests.fakes import teams_address

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def measure(uows, clock):
    async with uows() as uow:
        user = (await record_contact(uow, address=teams_address(1), now=clock.now())).user
        project = await uow.projects.create_draft(user.id, now=clock.now())
        await uow.projects.set_measures(project.id, [("outcome", "Falls at night", "Datix falls 20:00-08:00")])
        measure = (await uow.projects.get(project.id)).measures[0]
        for week, value in enumerate([8, 7, 9, 6, 5, 4, 4, 3]):
            await uow.projects.add_point(
                measure.id, on=date(2026, 9, 1) + timedelta(weeks=week), value=value, now=clock.now()
            )
        await uow.commit()
        return measure


async def test_chart_link_serves_a_small_png(client, measure, uows, clock):
    async with uows() as uow:
        points = await uow.projects.points(measure.id)
        lead_id = (await uow.projects.get(measure.project_id)).lead_id
    url = chart_url(client.app[keys.LINKS], measure, points, viewer=lead_id, now=clock.now())
    response = await client.get(url.split("127.0.0.1:3978", 1)[1])
    assert response.status == 200 and response.headers["Content-Type"] == "image/png"
    body = await response.read()
    assert body.startswith(PNG) and len(body) < 60_000  # small enough for a Teams card


async def test_forged_chart_link_is_refused(client):
    assert (await client.get("/charts/not-a-token.png")).status == 404


@pytest.mark.parametrize("chart", ["run", "xmr"])
def test_both_chart_kinds_render(chart):
    measure = Measure(
        id=1, project_id=1, kind="outcome", name="Falls", definition="x", chart=chart, improvement="decrease"
    )
    points = [(date(2026, 1, 1) + timedelta(weeks=i), v) for i, v in enumerate([5, 6, 4, 5, 6, 2, 2, 2, 2, 2, 2, 2])]
    assert render_chart(measure, points).startswith(PNG)


def weekly(values, start=date(2026, 1, 5)):
    return [(start + timedelta(weeks=i), v) for i, v in enumerate(values)]


def xmr_measure(improvement="increase"):
    return Measure(
        id=1, project_id=1, kind="outcome", name="Falls", definition="x", chart="xmr", improvement=improvement
    )


def texts(fig) -> list[str]:
    """The chart's words: labels on the plot and the notes under it."""
    return [t.get_text() for t in [*fig.axes[0].texts, *fig.texts]]


def point_colours(fig) -> list[tuple]:
    return [tuple(c) for c in fig.axes[0].collections[-1].get_facecolors()]


def colour(kind) -> tuple:
    return to_rgba(KIND_COLOURS[kind])


FLAT = [5, 4, 6, 5, 4, 6, 5, 4, 6, 5, 4, 6]


def test_xmr_limits_from_fewer_than_12_points_are_labelled_trial_limits():
    assert TRIAL_NOTE in texts(draw_chart(xmr_measure(), weekly(FLAT[:11])))
    assert TRIAL_NOTE not in texts(draw_chart(xmr_measure(), weekly(FLAT)))


def test_fixed_limits_are_labelled_and_later_points_judged_against_them():
    fig = draw_chart(xmr_measure(), weekly(FLAT + [9, 9.5]), fix_after=12)
    assert "limits fixed on the first 12 points" in texts(fig)
    assert point_colours(fig)[-2:] == [colour("improvement")] * 2  # outside the baseline's upper limit


def test_a_rebase_shows_the_break_and_its_reason():
    points = weekly(FLAT + [v + 10 for v in FLAT])
    fig = draw_chart(xmr_measure(), points, rebases=[Rebase(at=points[12][0], reason="New stroke pathway")])
    ax = fig.axes[0]
    assert "rebased 30 Mar: New stroke pathway" in texts(fig)
    breaks = [line for line in ax.lines if line.get_linestyle() == "-."]
    assert len(breaks) == 1
    x = breaks[0].get_xdata()[0]
    assert mdates.date2num(points[11][0]) < x < mdates.date2num(points[12][0])
    assert len(ax.lines) == 3  # the data line in two pieces, broken at the rebase, and the break itself
    assert set(point_colours(fig)) == {colour("common_cause")}  # judged on their own limits: no step signal
    unbroken = draw_chart(xmr_measure(), points)
    assert colour("improvement") in point_colours(unbroken) and not any("rebased" in t for t in texts(unbroken))


def test_a_long_reason_is_shortened_on_the_chart():
    points = weekly(FLAT + FLAT)
    fig = draw_chart(xmr_measure(), points, rebases=[Rebase(at=12, reason="x" * 100)])
    (label,) = [t for t in texts(fig) if t.startswith("rebased ")]
    assert len(label) < 60 and label.endswith("…")


def test_a_falling_trend_above_the_mean_is_blue_when_lower_is_better():
    fig = draw_chart(xmr_measure("decrease"), weekly(FLAT + [8.5, 8.0, 7.6, 7.2, 6.8, 6.4, 6.0]), fix_after=12)
    assert point_colours(fig)[12:] == [colour("improvement")] * 7
    # The baseline's last point (6) starts a run of 8 above the mean but is not in the trend: that is a concern.
    assert point_colours(fig)[:12] == [colour("common_cause")] * 11 + [colour("concern")]


def test_a_short_run_chart_colours_nothing_and_says_why():
    measure = Measure(id=1, project_id=1, kind="outcome", name="Falls", definition="x", improvement="increase")
    short = draw_chart(measure, weekly([5, 3, 1, 2, 3, 4, 5, 3, 4]))  # a rising trend, were the rules applied
    assert SHORT_RUN_NOTE in texts(short) and set(point_colours(short)) == {colour("common_cause")}
    judged = draw_chart(measure, weekly([5, 3, 1, 2, 3, 4, 5, 3, 4, 2]))
    assert SHORT_RUN_NOTE not in texts(judged)
    assert point_colours(judged)[2:7] == [colour("improvement")] * 5  # rising, and higher is better
    lower_better = Measure(id=1, project_id=1, kind="outcome", name="Falls", definition="x", improvement="decrease")
    assert (
        point_colours(draw_chart(lower_better, weekly([5, 3, 1, 2, 3, 4, 5, 3, 4, 2])))[2:7] == [colour("concern")] * 5
    )


async def test_summary_page_is_printable_html_behind_an_expiring_link(client, measure, uows, clock):
    async with uows() as uow:
        project_id = (await uow.projects.measure(measure.id)).project_id
        cycle = Pdsa("Huddle at 20:00", "Fewer falls <fast>", study="Falls fell", act="adopt")
        await uow.projects.add_pdsa(project_id, cycle, by=None, now=clock.now())
        await uow.commit()
    links = client.app[keys.LINKS]
    url = links.url(SUMMARY, {"p": project_id}, expires_at=clock.now() + timedelta(days=1))
    response = await client.get(url.split("127.0.0.1:3978", 1)[1])
    assert response.status == 200 and response.content_type == "text/html"
    html = await response.text()
    assert "Falls at night" in html and "/charts/" in html and "@media print" in html
    assert "Fewer falls &lt;fast&gt;" in html  # what people typed is escaped
    clock.advance(days=2)
    assert (await client.get(url.split("127.0.0.1:3978", 1)[1])).status == 404


async def test_report_downloads_are_for_admins_only(client, uows, clock):
    async with uows() as uow:
        staff = (await record_contact(uow, address=teams_address(7), now=clock.now())).user
        admin = (await record_contact(uow, address=teams_address(8), now=clock.now())).user
        await uow.users.grant_role(admin.id, Role.ADMIN, now=clock.now())
        await uow.commit()
    links = client.app[keys.LINKS]
    soon = clock.now() + timedelta(hours=1)

    def path(kind, user):
        return report_url(links, kind, user_id=user.id, expires_at=soon).split("127.0.0.1:3978", 1)[1]

    xlsx = await client.get(path("xlsx", admin))
    assert xlsx.status == 200 and "spreadsheetml" in xlsx.headers["Content-Type"]
    assert (await xlsx.read()).startswith(b"PK")  # a zip: the XLSX container
    csv_response = await client.get(path("csv", admin))
    assert csv_response.status == 200 and "attachment" in csv_response.headers["Content-Disposition"]
    assert (await client.get(path("csv", staff))).status == 403
    swapped = path("csv", admin).replace(".csv", ".xlsx")  # a CSV link cannot be used for another format
    assert (await client.get(swapped)).status == 404
    assert (
        await client.get(
            report_url(links, "csv", user_id=admin.id, expires_at=clock.now() - timedelta(seconds=1)).split(
                "127.0.0.1:3978", 1
            )[1]
        )
    ).status == 404


# --- legible on a phone ------------------------------------------------------------------------------------------


def visible_texts(fig):
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def assert_phone_legible(fig):
    """Every word at least MIN_TEXT_PX tall when Teams shows the image 320 px wide, and all of it inside the image
    (nothing cut off, as the XmR title was)."""
    assert PHONE_PX == 320 and MIN_TEXT_PX >= 11
    found = visible_texts(fig)
    assert found
    for text in found:
        assert text_px(text.get_fontsize(), fig) >= MIN_TEXT_PX, (text.get_text(), text.get_fontsize())
    renderer = fig.canvas.get_renderer()
    drawn = fig.get_tightbbox(renderer)  # in inches: what is drawn, texts included
    assert drawn.x0 >= -0.01 and drawn.y0 >= -0.01, drawn
    assert drawn.x1 <= fig.get_figwidth() + 0.01 and drawn.y1 <= fig.get_figheight() + 0.01, drawn
    assert fig.get_figwidth() * fig.dpi >= 2 * PHONE_PX  # sharp on a phone's screen


def ticks_shown(ax, axis: str) -> list[float]:
    low, high = ax.get_ylim() if axis == "y" else ax.get_xlim()
    ticks = ax.get_yticks() if axis == "y" else ax.get_xticks()
    return [t for t in ticks if low <= t <= high]


def key(fig) -> list[tuple[str, tuple]]:
    (legend,) = fig.legends
    return [
        (t.get_text(), to_rgba(h.get_color())) for t, h in zip(legend.get_texts(), legend.legend_handles, strict=True)
    ]


@pytest.mark.parametrize("chart", ["run", "xmr"])
@pytest.mark.parametrize("count", [3, 12, 40])
def test_charts_are_drawn_for_a_phone(chart, count):
    measure = Measure(id=1, project_id=1, kind="outcome", name="Falls", definition="x", chart=chart)
    values = [(FLAT * 4)[i] * 13 for i in range(count)]  # whole numbers, up to 78
    fig = draw_chart(measure, weekly(values))
    assert_phone_legible(fig)
    ax = fig.axes[0]
    assert ax.get_title() == ""  # the card has the measure's name
    assert len(ticks_shown(ax, "x")) <= 4 and 2 <= len(ticks_shown(ax, "y")) <= 5
    assert all(float(t).is_integer() for t in ticks_shown(ax, "y"))  # counts: whole numbers
    labels = " ".join(texts(fig))
    if chart == "xmr":
        assert "mean " in labels and "upper " in labels and "lower " in labels
    else:
        assert "median " in labels
    assert ("common cause", colour("common_cause")) in key(fig)


def test_the_key_says_what_each_colour_means_and_the_data_line_is_not_a_signal_colour():
    fig = draw_chart(xmr_measure("decrease"), weekly(FLAT + [8.5, 8.0, 7.6, 7.2, 6.8, 6.4, 6.0]), fix_after=12)
    assert key(fig) == [
        ("common cause", colour("common_cause")),
        ("improvement", colour("improvement")),
        ("concern", colour("concern")),
    ]
    assert set(point_colours(fig)) <= {colour(k) for k in ("common_cause", "improvement", "concern")}
    (line,) = fig.axes[0].lines
    assert to_rgba(line.get_color()) not in {colour("improvement"), colour("concern"), colour("neutral_high")}
    assert_phone_legible(fig)
    assert_phone_legible(draw_chart(xmr_measure(), weekly(FLAT + FLAT), rebases=[Rebase(at=12, reason="x" * 100)]))


def test_the_picture_is_sharp_and_small():
    measure = xmr_measure()
    png = render_chart(measure, weekly(FLAT * 3))
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (round(SIZE[0] * DPI), round(SIZE[1] * DPI)) and width >= 2.5 * PHONE_PX
    assert len(png) < 80_000


def test_the_report_chart_shows_whole_numbers_is_sharp_and_legible():
    vals = [2, 3, 1, 4, 2, 3, 5, 2, 3, 9, 3, 2, 4]
    months = [f"2026-{m:02d}" for m in range(1, 13)] + ["2027-01"]
    per_month = list(zip(months, vals, strict=True))
    report = SimpleNamespace(
        per_month=per_month, complete_months=per_month, incomplete=None, chart=xmr([float(v) for v in vals])
    )
    fig = registrations_figure(report)
    assert_phone_legible(fig)
    ax = fig.axes[0]
    assert all(float(t).is_integer() for t in ticks_shown(ax, "y"))
    assert len(ticks_shown(ax, "x")) <= 4 and [t.get_text() for t in ax.get_xticklabels()][0] == "Jan 26"
    assert "mean 3.3" in texts(fig) and "lower 0.0" in texts(fig)  # a count's lower limit is never below 0
    assert key(fig)[0] == ("common cause", colour("common_cause"))
    png = registrations_chart(report)
    assert int.from_bytes(png[16:20], "big") >= 2.5 * PHONE_PX


def test_the_legibility_check_would_notice_small_or_cut_off_text():
    cut_off = draw_chart(xmr_measure(), weekly(FLAT))
    cut_off.text(0.9, 0.5, "a label that runs off the edge", fontsize=9)
    with pytest.raises(AssertionError, match="Bbox"):
        assert_phone_legible(cut_off)
    tiny = draw_chart(xmr_measure(), weekly(FLAT))
    tiny.axes[0].tick_params(labelsize=6)  # what the old 960 px chart came to on a phone
    with pytest.raises(AssertionError):
        assert_phone_legible(tiny)
