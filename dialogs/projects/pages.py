"""The project pages behind signed links: a measure's chart, a project's one-page summary, and the admins'
report exports (the admin role is checked again on every download)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from core.kernel.errors import NotAllowed, NotFound
from core.kernel.pages import Page, PageError, PageRequest, PageResult
from core.projects.reports import report_for_admin
from core.projects.services import chart_data, project_summary
from dialogs.projects.charts import render_chart
from dialogs.projects.exports import FORMATS
from dialogs.projects.summary import render_summary


async def _chart(request: PageRequest) -> PageResult:
    found = await chart_data(request.uow, measure_id=request.claims["m"])
    if found is None:
        raise PageError(404, "No data for this chart.")
    measure, points = found
    png = await asyncio.to_thread(
        render_chart, measure, points, runs_table=request.content.runs_table
    )  # keep drawing off the event loop
    return PageResult(png, "image/png", cache="private, max-age=300")


CHART = Page("projects.chart", "/charts/{token}.png", _chart, claims=("m",))


def chart_url(links, measure_id: int, version: int) -> str:
    """`version` (the number of points) makes a new URL when data is added."""
    return links.url(CHART, {"m": measure_id, "v": version}, expires_at=None)


async def _summary(request: PageRequest) -> PageResult:
    try:
        summary = await project_summary(request.uow, project_id=request.claims["p"])
    except NotFound as gone:
        raise PageError(404, gone.message) from None
    charts = {m: chart_url(request.links, m, len(points)) for m, points in summary.points.items() if points}
    html = render_summary(request.content, summary.project, summary.pdsas, summary.evaluation, charts)
    return PageResult(html.encode("utf-8"), "text/html; charset=utf-8")


SUMMARY = Page("projects.summary", "/projects/summary/{token}.html", _summary, claims=("p",))
SUMMARY_LINK_LIFE = timedelta(days=365)  # the lead keeps the link to their poster draft


def summary_url(links, project_id: int, *, since: datetime) -> str:
    return links.url(SUMMARY, {"p": project_id}, expires_at=since + SUMMARY_LINK_LIFE)


async def _report(request: PageRequest) -> PageResult:
    kind = request.params.get("kind", "")
    if kind not in FORMATS or request.claims.get("k") != kind:
        raise PageError(404, "This report link is not valid or has expired.")
    try:
        report = await report_for_admin(
            request.uow, user_id=request.claims["u"], admins=request.admins, content=request.content, now=request.now
        )
    except NotAllowed as refused:
        raise PageError(403, refused.message) from None
    render, content_type, filename = FORMATS[kind]
    body = await asyncio.to_thread(render, report)
    return PageResult(body, content_type, filename=filename, inline=kind == "png")


REPORT = Page("projects.report", "/reports/{token}.{kind}", _report, claims=("u",))


def report_url(links, kind: str, *, user_id: int, expires_at) -> str:
    return links.url(REPORT, {"u": user_id, "k": kind}, expires_at=expires_at, kind=kind)


PAGES = (CHART, SUMMARY, REPORT)
