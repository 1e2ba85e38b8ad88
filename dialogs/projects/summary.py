"""A completed project's one-page summary (aim, team, measures with final charts, PDSAs, results, lessons) as a
printable HTML page behind a signed link: the draft of its poster for the improvement celebration day."""

from __future__ import annotations

from html import escape

from core.kernel.content import Content
from core.projects.model import RUBRIC, EvaluationRecord, PdsaCycle, Project

STYLE = """
body{font-family:Arial,Helvetica,sans-serif;color:#212b32;max-width:1000px;margin:24px auto;padding:0 24px}
h1{color:#005eb8;margin-bottom:0} .aim{font-size:1.3em;margin:8px 0 16px}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px} section{border-top:4px solid #005eb8;padding-top:4px}
img{max-width:100%} table{border-collapse:collapse} td,th{border:1px solid #d8dde0;padding:4px 8px;text-align:left}
.muted{color:#4c6272;font-size:.9em} @media print{body{margin:0} @page{size:A4 landscape;margin:12mm}}
"""


def _p(text: str | None) -> str:
    return "<p>" + escape(text or "not recorded").replace("\n", "<br>") + "</p>"


def render_summary(
    content: Content,
    project: Project,
    pdsas: list[PdsaCycle],
    evaluation: EvaluationRecord | None,
    chart_urls: dict[int, str],
) -> str:
    org = content.organisation
    team = "".join(f"<li>{escape(m.name)}, {escape(m.role)}</li>" for m in project.team)
    measures = "".join(
        f"<div><h3>{escape(m.name)} <span class='muted'>({m.kind})</span></h3>"
        f"<p class='muted'>{escape(m.definition)}</p>"
        + (f"<img src='{escape(chart_urls[m.id])}' alt='Chart of {escape(m.name)}'>" if m.id in chart_urls else "")
        + "</div>"
        for m in project.measures
    )
    cycles = "".join(
        f"<tr><td>{i}</td><td>{escape(c.plan)}</td><td>{escape(c.prediction)}</td><td>{escape(c.study or '')}</td>"
        f"<td>{escape(c.act or '')}</td></tr>"
        for i, c in enumerate(pdsas, start=1)
    )
    scores = evaluation.scores if evaluation else None
    rubric = "".join(
        f"<tr><td>{label}</td><td>{getattr(scores, key) if scores else '-'} / 4</td></tr>" for key, label in RUBRIC
    )

    def said(field: str) -> str | None:
        return getattr(evaluation, field) if evaluation else None

    return f"""<!doctype html><html lang="en-GB"><head><meta charset="utf-8">
<title>{escape(project.title or "QI project")}</title><style>{STYLE}</style></head><body>
<h1>{escape(project.title or "QI project")}</h1>
<p class="muted">{escape(org.label("sites", project.site))} · lead {escape(project.lead_name or "")}
 · coach {escape(project.coach_name or "none")} · {escape(org.name)}</p>
<p class="aim"><strong>Aim:</strong> {escape(project.aim or "not set")}</p>
<div class="grid">
<section><h2>The problem</h2>{_p(project.problem)}<h2>Team</h2><ul>{team}</ul>
<p>Sponsor: {escape(project.sponsor or "")}</p></section>
<section><h2>Results</h2>{_p(said("results"))}<p><strong>Decision:</strong>
 {escape(said("decision") or "")}</p><h2>Sustain and spread</h2>{_p(said("sustain"))}
{_p(said("spread"))}<h2>Lessons</h2>{_p(said("lessons"))}</section>
</div>
<section><h2>Measures</h2><div class="grid">{measures}</div></section>
<section><h2>PDSA cycles</h2><table><tr><th>#</th><th>Plan</th><th>Prediction</th><th>Study</th><th>Act</th></tr>
{cycles}</table></section>
<section><h2>Coach's evaluation</h2><table>{rubric}</table>{_p(said("coach_comment"))}</section>
</body></html>"""
