"""The dashboard and the board summary as server-rendered HTML. Every value is escaped (html.escape): labels come
from content files, and nothing a page shows is trusted as markup. Charts and icons are inline PNGs (data URIs),
so the page is one response and works where the phone cannot reach a second link."""

from __future__ import annotations

import base64
from html import escape

from core.measures.breakdowns import DIMENSION_TITLES, MeasureTable
from core.measures.dashboard import Dashboard
from core.measures.months import label
from dialogs.measures.charts import assurance_icon, chart_png, variation_icon
from dialogs.measures.wording import ASSURANCE_WORDS, FOOTNOTE, SIGNAL_WORDS, cumulative, headline, so_far

STYLE = """
*{box-sizing:border-box} body{font-family:"Segoe UI",system-ui,sans-serif;margin:0;color:#242424;background:#f5f5f5}
header{background:#464775;color:#fff;padding:12px 16px} header h1{margin:0;font-size:1.25rem}
header p{margin:4px 0 0;font-size:.85rem;opacity:.9} main{padding:12px;max-width:1400px;margin:auto}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,560px),1fr));gap:12px}
section{background:#fff;border-radius:8px;padding:12px;margin-bottom:12px;box-shadow:0 1px 2px #0002}
h2{font-size:1.05rem;margin:0 0 4px} h3{font-size:.95rem;margin:12px 0 4px} p{margin:4px 0}
.big{font-size:1.4rem;font-weight:600} .muted{color:#616161;font-size:.85rem}
.icons{display:flex;gap:8px;align-items:center;flex-wrap:wrap;margin:6px 0} .icons img{width:32px;height:32px}
.chart{width:100%;max-width:560px;height:auto;display:block} .scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.85rem}
th,td{padding:4px 6px;border-bottom:1px solid #e0e0e0;text-align:right}
th:first-child,td:first-child{text-align:left;position:sticky;left:0;background:#fff;max-width:14em}
thead th{background:#f0f0f0} thead th:first-child{background:#f0f0f0}
@media (max-width:600px){table{font-size:.8rem} th,td{padding:4px} main{padding:8px}}
tr.dim td{background:#fafafa;font-weight:600;text-align:left}
.links a{display:inline-block;margin:4px 8px 4px 0;padding:8px 12px;background:#464775;color:#fff;border-radius:4px;
text-decoration:none} footer{padding:8px 16px 24px;font-size:.8rem;color:#616161}
@media print{body{background:#fff} .links{display:none} section{box-shadow:none;break-inside:avoid}}
"""


def _img(png: bytes | None, alt: str, cls: str = "") -> str:
    if png is None:
        return ""
    data = base64.b64encode(png).decode("ascii")
    return f'<img class="{cls}" alt="{escape(alt)}" src="data:image/png;base64,{data}">'


def _page(title: str, subtitle: str, body: str) -> bytes:
    return (
        '<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>{escape(title)}</h1><p>{escape(subtitle)}</p></header><main>{body}</main>"
        f"<footer>{escape(FOOTNOTE)} Figures are computed when the page is opened.</footer></body></html>"
    ).encode()


def _subtitle(d: Dashboard, organisation: str) -> str:
    heads = f"headcount of {label(d.headcount_month)}" if d.headcount_month else "no headcount loaded yet"
    return f"{organisation}: to the end of {label(d.last_complete)}, {label(d.current)} so far; {heads}."


def _measure_section(series, *, with_chart: bool = True) -> str:
    m = series.measure
    icons = (
        _img(variation_icon(series), SIGNAL_WORDS[series.signal])
        + f"<span>{escape(SIGNAL_WORDS[series.signal])}</span>"
    )
    if series.assurance is not None:
        icons += _img(assurance_icon(series), ASSURANCE_WORDS[series.assurance])
        icons += f"<span>{escape(ASSURANCE_WORDS[series.assurance])}</span>"
    extra = "".join(f'<p class="muted">{escape(t)}</p>' for t in (so_far(series), cumulative(series)) if t)
    chart = _img(chart_png(series), f"XmR chart of {m.label} by month", "chart") if with_chart else ""
    target = f" Target {m.target:g} a month." if m.target is not None else ""
    return (
        f'<section id="{escape(m.id)}"><h2>{escape(m.label)}</h2><p class="big">{escape(headline(series))}</p>'
        f'<div class="icons">{icons}</div>{extra}{chart}'
        f'<p class="muted">{escape(m.description)}{escape(target)}</p></section>'
    )


def _table(table: MeasureTable) -> str:
    m = table.measure
    start, end = table.this_period
    this, last = f"{label(start)}–{label(end)}", "12 months before"
    means = m.kind == "mean_change"
    heads = (
        ["Group", this, last, "Change"]
        if not means
        else ["Group", f"pairs {this}", "mean change", f"pairs, {last}", "mean change"]
    )
    if m.reach:
        heads += ["All time (each once)", "Headcount", "Reach"]
    rows, dim = [], None
    for r in table.rows:
        if r.dimension != dim:
            dim = r.dimension
            if dim != "total":
                rows.append(f'<tr class="dim"><td colspan="{len(heads)}">{escape(DIMENSION_TITLES[dim])}</td></tr>')
        if means:
            cells = [r.label, r.this_year.text, _mean(r.this_mean), r.last_year.text, _mean(r.last_mean)]
        else:
            cells = [r.label, r.this_year.text, r.last_year.text, r.change]
        if m.reach:
            cells += [
                r.cumulative.text if r.cumulative else "",
                "" if r.headcount is None else str(r.headcount),
                r.reach,
            ]
        rows.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{escape(h)}</th>" for h in heads)
    return (
        f'<section><h2>{escape(m.label)} by site, legacy trust and staff group</h2><div class="scroll"><table>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def _mean(value: float | None) -> str:
    return "–" if value is None else f"{value:+.2f}"


def _equity(d: Dashboard) -> str:
    e = d.equity
    if e is None:
        return ""
    if e.overall is None:
        return (
            '<section id="equity"><h2>Equity: reach against headcount</h2><p>No headcount loaded: '
            "<code>qibot headcount import FILE.csv</code> loads it.</p></section>"
        )
    parts = [
        '<section id="equity"><h2>Equity: reach against headcount</h2>',
        f'<p class="big">{e.overall:.1f}% of all staff {escape(e.verb)}</p>',
    ]
    if (sentence := e.headline()) is not None:
        parts.append(f"<p>Furthest below: {escape(sentence)}</p>")
    for title, rows in (
        ("By staff group", e.by_staff_group),
        ("By site", e.by_site),
        ("Staff group at each site", e.by_site_and_group),
    ):
        body = "".join(
            "<tr>"
            + "".join(
                f"<td>{escape(c)}</td>"
                for c in (
                    r.name,
                    r.count.text,
                    "" if r.headcount is None else str(r.headcount),
                    "" if r.rate is None else f"{r.rate:.1f}%",
                    "" if r.gap is None else f"{r.gap:+.1f}",
                )
            )
            + "</tr>"
            for r in rows
        )
        parts.append(
            f'<h3>{escape(title)}, furthest below first</h3><div class="scroll"><table><thead><tr><th>Group</th>'
            f"<th>{escape(e.verb.capitalize())}</th><th>Headcount</th><th>Reach</th><th>Gap (points)</th>"
            f"</tr></thead><tbody>{body}</tbody></table></div>"
        )
    return "".join(parts) + "</section>"


def dashboard_html(d: Dashboard, *, organisation: str, links: dict[str, str]) -> bytes:
    link_bar = "".join(f'<a href="{escape(url)}">{escape(text)}</a>' for text, url in links.items())
    cards = "".join(_measure_section(s) for s in d.series)
    tables = "".join(_table(t) for t in d.tables)
    body = f'<p class="links">{link_bar}</p><div class="grid">{cards}</div>{_equity(d)}{tables}'
    return _page("Programme measures", _subtitle(d, organisation), body)


def board_html(d: Dashboard, *, organisation: str) -> bytes:
    """One printed page (A4 landscape) for the board: each measure's number, signals and chart, and the equity
    headline. The tables are in the dashboard and the XLSX."""
    cards = "".join(_measure_section(s) for s in d.series)
    e = d.equity
    lead = ""
    if e is not None and e.overall is not None:
        lead = f"<p><b>Reach:</b> {e.overall:.1f}% of all staff {escape(e.verb)}. {escape(e.headline() or '')}</p>"
    style = (
        "<style>@page{size:A4 landscape;margin:8mm} .grid{grid-template-columns:1fr 1fr}"
        " .big{font-size:1.1rem}"
        " @media print{body{font-size:9pt} header{padding:4px 8px} header h1{font-size:13pt} main{padding:0}"
        " .grid{gap:4mm} section{padding:2mm 3mm;margin-bottom:2mm} .chart{height:36mm;width:auto;max-width:100%}"
        " .icons{margin:1mm 0} .icons img{width:18px;height:18px} p{margin:1mm 0} footer{padding:1mm 8px}"
        " .muted{font-size:8pt}}</style>"
    )
    return _page(
        "Programme measures: board summary", _subtitle(d, organisation), f'{style}{lead}<div class="grid">{cards}</div>'
    )
