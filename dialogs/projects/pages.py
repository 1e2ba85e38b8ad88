"""The project pages behind signed links: a measure's chart, a project's one-page summary, and the admins'
report exports (the admin role is checked again on every download).

A chart is fetched by Teams' image proxy, not by a signed-in person, so its link says who it was issued for: it
carries the measure, that person and the chart's version (core.projects.progress.chart_version, which changes
with every point and setting), and expires like the other links. Each fetch checks again that the person may
still see the project; a link that fails any check gets the same 404 as a forged one. The PNG is drawn once per
version: a small LRU of images, and requests for a chart being drawn wait for that drawing.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import UTC, datetime, time, timedelta

from core.kernel.errors import NotAllowed, NotFound
from core.kernel.pages import Page, PageError, PageRequest, PageResult
from core.projects.model import Measure
from core.projects.reports import report_for_admin
from core.projects.services import chart_for, chart_version, project_summary
from dialogs.projects.charts import render_chart
from dialogs.projects.exports import FORMATS
from dialogs.projects.summary import render_summary

INVALID_LINK = "This link is not valid or has expired."  # as bot/http.py answers a forged or expired token
CHART_LINK_LIFE = timedelta(days=30)  # at most: to the midnight before


class ChartCache:
    """Chart images by key, least recently used dropped first, bounded in count and bytes. `get` draws a missing
    image once however many requests ask for it at the same time (one future per key, off the event loop)."""

    def __init__(self, *, max_items: int = 128, max_bytes: int = 16 * 1024 * 1024) -> None:
        self.max_items, self.max_bytes = max_items, max_bytes
        self._images: OrderedDict[Hashable, bytes] = OrderedDict()
        self._drawing: dict[Hashable, asyncio.Future[bytes]] = {}
        self.size = 0  # bytes held
        self.drawn = 0  # images drawn (a test counts them)

    def __len__(self) -> int:
        return len(self._images)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._images

    async def get(self, key: Hashable, draw: Callable[[], bytes]) -> bytes:
        image = self._images.get(key)
        if image is not None:
            self._images.move_to_end(key)
            return image
        drawing = self._drawing.get(key)
        if drawing is None:
            drawing = asyncio.ensure_future(self._draw(key, draw))
            self._drawing[key] = drawing
        # A request that goes away does not cancel the drawing the others wait for.
        return await asyncio.shield(drawing)

    async def _draw(self, key: Hashable, draw: Callable[[], bytes]) -> bytes:
        try:
            image = await asyncio.to_thread(draw)
            self.drawn += 1
            self.put(key, image)
            return image
        finally:
            self._drawing.pop(key, None)

    def put(self, key: Hashable, image: bytes) -> None:
        if len(image) > self.max_bytes:
            return
        old = self._images.pop(key, None)
        self.size -= len(old) if old is not None else 0
        self._images[key] = image
        self.size += len(image)
        while len(self._images) > self.max_items or self.size > self.max_bytes:
            _, dropped = self._images.popitem(last=False)
            self.size -= len(dropped)

    def clear(self) -> None:
        self._images.clear()
        self.size = 0


CHARTS = ChartCache()


async def _chart(request: PageRequest) -> PageResult:
    claims = request.claims
    found = await chart_for(request.uow, measure_id=claims["m"], viewer_id=claims["u"], admins=request.admins)
    if found is None:
        raise PageError(404, INVALID_LINK)
    measure, points = found
    version = chart_version(measure, points)
    runs_table = request.content.runs_table

    def draw() -> bytes:
        return render_chart(
            measure, points, runs_table=runs_table, fix_after=measure.fix_after, rebases=measure.rebases
        )

    png = await CHARTS.get((measure.id, version, id(runs_table)), draw)
    if claims["v"] != version:
        # An older card's link: the chart as it is now, never kept (its address does not change with the data).
        return PageResult(png, "image/png", cache="no-store")
    # A versioned address shows one picture for ever: it may be kept until the link expires.
    life = int(claims["e"] - request.now.timestamp())
    return PageResult(png, "image/png", cache=f"private, max-age={max(0, life)}, immutable")


CHART = Page("projects.chart", "/charts/{token}.png", _chart, claims=("m", "u", "v", "e"))


def chart_url(links, measure: Measure, points, *, viewer: int, now: datetime) -> str:
    """The chart's link for the person shown it: its version changes with every point and setting, so a changed
    chart has a new address (and Teams shows the new picture at once). It expires at the midnight (UTC) 30 days
    on, so the same chart keeps one address all day."""
    expires = datetime.combine((now + CHART_LINK_LIFE).astimezone(UTC).date(), time(), tzinfo=UTC)
    claims = {"m": measure.id, "u": viewer, "v": chart_version(measure, points)}
    return links.url(CHART, claims, expires_at=expires)


async def _summary(request: PageRequest) -> PageResult:
    try:
        summary = await project_summary(request.uow, project_id=request.claims["p"])
    except NotFound as gone:
        raise PageError(404, gone.message) from None
    measures = {m.id: m for m in summary.project.measures}
    charts = {
        m: chart_url(request.links, measures[m], points, viewer=summary.project.lead_id, now=request.now)
        for m, points in summary.points.items()
        if points and m in measures
    }
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
    body = await asyncio.to_thread(render, report, request.content)  # labels, not internal codes
    return PageResult(body, content_type, filename=filename, inline=kind == "png")


REPORT = Page("projects.report", "/reports/{token}.{kind}", _report, claims=("u",))


def report_url(links, kind: str, *, user_id: int, expires_at) -> str:
    return links.url(REPORT, {"u": user_id, "k": kind}, expires_at=expires_at, kind=kind)


PAGES = (CHART, SUMMARY, REPORT)
