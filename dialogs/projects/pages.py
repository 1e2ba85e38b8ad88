"""The project pages behind signed links: a measure's chart, a project's one-page summary, and the admins'
report exports (the admin role is checked again on every download)."""

from __future__ import annotations

import asyncio

from core.kernel.model import Role
from core.kernel.pages import Page, PageError, PageRequest, PageResult
from core.kernel.roles import effective_roles
from core.projects.reports import projects_report
from dialogs.projects.charts import render_chart
from dialogs.projects.exports import FORMATS
from dialogs.projects.summary import render_summary


async def _chart(request: PageRequest) -> PageResult:
    measure = await request.uow.projects.measure(request.claims["m"])
    points = await request.uow.projects.points(measure.id) if measure else []
    if measure is None or not points:
        raise PageError(404, "No data for this chart.")
    png = await asyncio.to_thread(
        render_chart, measure, points, runs_table=request.content.runs_table
    )  # keep drawing off the event loop
    return PageResult(png, "image/png", cache="private, max-age=300")


CHART = Page("projects.chart", "/charts/{token}.png", _chart, claims=("m",))


def chart_url(links, measure_id: int, version: int) -> str:
    """`version` (the number of points) makes a new URL when data is added."""
    return links.url(CHART, {"m": measure_id, "v": version}, expires_at=None)


async def _summary(request: PageRequest) -> PageResult:
    uow = request.uow
    project = await uow.projects.get(request.claims["p"])
    if project is None:
        raise PageError(404, "This project no longer exists.")
    pdsas = await uow.projects.pdsas(project.id)
    evaluation = await uow.projects.evaluation(project.id)
    charts = {}
    for measure in project.measures:
        points = await uow.projects.points(measure.id)
        if points:
            charts[measure.id] = chart_url(request.links, measure.id, len(points))
    html = render_summary(request.content, project, pdsas, evaluation, charts)
    return PageResult(html.encode("utf-8"), "text/html; charset=utf-8")


SUMMARY = Page("projects.summary", "/projects/summary/{token}.html", _summary, claims=("p",))


async def _report(request: PageRequest) -> PageResult:
    kind = request.params.get("kind", "")
    if kind not in FORMATS or request.claims.get("k") != kind:
        raise PageError(404, "This report link is not valid or has expired.")
    user = await request.uow.users.get(request.claims["u"])
    if user is None or Role.ADMIN not in effective_roles(user, request.admins):
        raise PageError(403, "Project exports are for QI admins.")
    report = await projects_report(request.uow, content=request.content, now=request.now)
    render, content_type, filename = FORMATS[kind]
    body = await asyncio.to_thread(render, report)
    return PageResult(body, content_type, filename=filename, inline=kind == "png")


REPORT = Page("projects.report", "/reports/{token}.{kind}", _report, claims=("u",))


def report_url(links, kind: str, *, user_id: int, expires_at) -> str:
    return links.url(REPORT, {"u": user_id, "k": kind}, expires_at=expires_at, kind=kind)


PAGES = (CHART, SUMMARY, REPORT)
