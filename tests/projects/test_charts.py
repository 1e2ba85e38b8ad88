"""Measure charts: a PNG drawn with matplotlib from the measurement module, behind a signed link."""

from datetime import date, timedelta

import pytest
from matplotlib import dates as mdates
from matplotlib.colors import to_rgba

from bot import keys
from core.kernel.contacts import record_contact
from core.kernel.model import Role
from core.measurement import Rebase
from core.projects.commands import Pdsa
from core.projects.model import Measure
from dialogs.projects.charts import KIND_COLOURS, SHORT_RUN_NOTE, TRIAL_NOTE, draw_chart, render_chart
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
    return [t.get_text() for t in fig.axes[0].texts]


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
    assert "rebased: New stroke pathway" in texts(fig)
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
    (label,) = [t for t in texts(fig) if t.startswith("rebased: ")]
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
