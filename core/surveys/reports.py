"""What the programme reports about its surveys, with every count of people suppressed (core.kernel.suppression).

Per instrument and wave (a campaign): responses, the response rate and item means. For the before/after scale
score, matched pairs only, matched through the pseudonym: paired n next to baseline n, the mean change with its
95% CI, d_z, the paired t-test, a Wilcoxon test per item with Holm's correction, Cronbach's alpha at baseline; and
the change by site, legacy trust and staff group.

The breakdowns: site, legacy trust and staff group are three breakdowns of the same matched people, and a legacy
trust is the sum of its sites. Sites and staff groups are suppressed together against their shared total
(suppress_breakdowns); a legacy trust is then shown only when every one of its sites is, as their sum, so the
trust breakdown says nothing the site breakdown does not (a trust shown beside a hidden site would give it away
by subtraction). Every site, trust and staff group is listed, zeros included, and people with none recorded keep
their own row, so each breakdown adds up.

A group's mean change is shown only where its count is shown, and only while no line (the sites, the trusts, the
staff groups, the sites of one trust) leaves a remainder of 1-4 people whose mean could be worked out from the
line's total mean minus the shown ones: then the whole line's group means are hidden. Item means and statistics
need 5 responses or pairs; fewer show no figure.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from core.kernel import suppression
from core.kernel.content import Content
from core.kernel.errors import NotAllowed
from core.kernel.model import Role
from core.kernel.ports import UnitOfWork
from core.kernel.roles import effective_roles
from core.kernel.suppression import THRESHOLD, Cell, Share, count, share
from core.surveys.content import Instrument, Scoring
from core.surveys.model import Campaign, Response, ScoredResponse
from core.surveys.pairs import first_and_latest
from core.surveys.scoring import scored_responses
from core.surveys.statistics import ItemTest, PairedChange, cronbach_alpha, item_tests, mean_ci, paired_change

NOT_RECORDED = "Not recorded"
NO_LEGACY_TRUST = "No legacy trust"
DIMENSIONS = (("site", "By site"), ("legacy_trust", "By legacy trust"), ("staff_group", "By staff group"))


# --- per wave -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WaveSummary:
    campaign: Campaign
    title: str
    responses: Cell
    rate: Share  # "12 of 40", with its percentage, protected on both sides
    item_means: list[tuple[str, float | None]]  # (item text, mean) for scale items; None: fewer than 5 answers


def _wave(
    campaign: Campaign, instrument: Instrument, n: int, totals: dict[tuple[int, str], tuple[int, float]], invited: int
) -> WaveSummary:
    """`totals`: (campaign, item) -> (answers that are numbers, their sum), from the stored numeric answers."""
    means = []
    for item in instrument.items:
        if item.numeric:
            answered, total = totals.get((campaign.id, item.id), (0, 0.0))
            means.append((item.text, total / answered if answered >= THRESHOLD else None))
    return WaveSummary(campaign, instrument.title, count(n), share(n, max(invited, n)), means)


# --- before and after -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupChange:
    key: str
    label: str
    n: Cell
    mean_change: float | None = None  # None: hidden, or too few
    ci: tuple[float, float] | None = None


@dataclass(frozen=True)
class ChangeReport:
    instrument: Instrument
    scoring: Scoring
    series: str
    baseline_n: Cell  # scored "before" responses
    paired_n: Cell  # people with a scored "before" and "after"
    change: PairedChange | None  # None with fewer than 5 pairs
    before_ci: tuple[float, float, float] | None  # (mean, low, high) of the matched "before" scores
    after_ci: tuple[float, float, float] | None
    items: list[tuple[str, ItemTest]]  # (item text, test)
    alpha: float | None  # Cronbach's alpha of the scored items at baseline (5+ complete responses)
    alpha_n: int
    groups: dict[str, list[GroupChange]] = field(default_factory=dict)
    follow_up_n: Cell = field(default_factory=lambda: count(0))
    follow_up: PairedChange | None = None  # before vs 3-month follow-up, matched

    @property
    def suppressed(self) -> bool:
        return any(g.n.suppressed for rows in self.groups.values() for g in rows) or bool(self.withheld)

    @property
    def withheld(self) -> list[str]:
        """The breakdowns not shown at all, because any figure in them would identify somebody."""
        return [dim for dim, rows in self.groups.items() if not rows]


def _group_keys(response: ScoredResponse, content: Content) -> dict[str, str]:
    site = response.site or NOT_RECORDED
    trust = NOT_RECORDED if response.site is None else (content.surveys.legacy_trust(response.site) or NO_LEGACY_TRUST)
    return {"site": site, "legacy_trust": trust, "staff_group": response.staff_group or NOT_RECORDED}


def _labels(content: Content) -> dict[str, list[tuple[str, str]]]:
    org = content.organisation
    trusts = list(dict.fromkeys(content.surveys.legacy_trust(s.id) or NO_LEGACY_TRUST for s in org.sites))
    return {
        "site": [(s.id, s.label) for s in org.sites] + [(NOT_RECORDED, NOT_RECORDED)],
        "legacy_trust": [(t, t) for t in trusts] + [(NOT_RECORDED, NOT_RECORDED)],
        "staff_group": [(g.id, g.label) for g in org.staff_groups] + [(NOT_RECORDED, NOT_RECORDED)],
    }


def _counts(members: list[dict[str, str]], dim: str, labels: list[tuple[str, str]]) -> dict[str, int]:
    found = Counter(m[dim] for m in members)
    return {key: found[key] for key, _ in labels}


def suppress_groups(members: list[dict[str, str]], content: Content) -> dict[str, dict[str, Cell]]:
    """The counts by site, legacy trust and staff group of the same people, suppressed together (module doc).

    The total is the report's paired n, shown as the headline once it reaches 5, so it cannot be hidden to protect
    a breakdown: a breakdown that would still pin somebody down against it is withheld whole (an empty dict)."""
    labels = _labels(content)
    line = suppression.suppress_breakdowns(
        {dim: _counts(members, dim, labels[dim]) for dim in ("site", "staff_group")},
        total=len(members),
        total_published=len(members) >= THRESHOLD,
    )
    sites = line["site"].cells
    trust_of = {site: content.surveys.legacy_trust(site) or NO_LEGACY_TRUST for site, _ in labels["site"]}
    trust_of[NOT_RECORDED] = NOT_RECORDED
    trusts = {}
    for trust, _ in labels["legacy_trust"] if sites else ():  # trusts are sums of sites: withheld with them
        parts = [sites[s] for s in sites if trust_of[s] == trust]
        # a trust is the sum of its sites: shown only when all of them are, so it says nothing they do not
        trusts[trust] = (
            Cell(suppression.HIDDEN, None, True)
            if any(c.suppressed for c in parts)
            else Cell(str(sum(c.value for c in parts)), sum(c.value for c in parts))
        )
    return {
        "site": dict(sites),
        "legacy_trust": trusts,
        "staff_group": dict(line["staff_group"].cells),
        "total": {"": line["site"].total},
    }


def _shown_means(members: list[dict[str, str]], cells: dict[str, dict[str, Cell]]) -> dict:
    """Which groups' means may be shown: their count is, and no line leaves 1-4 people's mean to subtraction."""
    known = {
        (dim, key): not cell.suppressed for dim, found in cells.items() if dim != "total" for key, cell in found.items()
    }
    counted = {dim: Counter(m[dim] for m in members) for dim in cells if dim != "total"}
    size = {(dim, key): counted[dim][key] for dim, key in known}
    trust_of = {}
    for m in members:
        trust_of[m["site"]] = m["legacy_trust"]
    lines = [[(dim, key) for key in cells[dim]] for dim in ("site", "legacy_trust", "staff_group")]
    lines += [[("site", s) for s in cells["site"] if trust_of.get(s) == trust] for trust in cells["legacy_trust"]]
    changed = True
    while changed:
        changed = False
        for line in lines:
            rest = sum(size[k] for k in line if not known[k])
            if 0 < rest < THRESHOLD and any(known[k] for k in line):
                for k in line:
                    changed |= known[k]
                    known[k] = False
    return known


def _group_changes(pairs: list[tuple[ScoredResponse, float, float]], content: Content) -> dict[str, list[GroupChange]]:
    keys: dict[tuple[str | None, str | None], dict[str, str]] = {}  # one per site and staff group, not per pair
    members = []
    for before, _, _ in pairs:
        at = (before.site, before.staff_group)
        if at not in keys:
            keys[at] = _group_keys(before, content)
        members.append(keys[at])
    cells = suppress_groups(members, content)
    shown = _shown_means(members, cells)
    grouped: dict[tuple[str, str], list[float]] = defaultdict(list)  # in the pairs' order, as before
    for (_, b, a), m in zip(pairs, members, strict=True):
        for dim, _ in DIMENSIONS:
            grouped[(dim, m[dim])].append(a - b)
    result = {}
    for dim, _ in DIMENSIONS:
        rows = []
        for key, label in _labels(content)[dim] if cells[dim] else ():  # withheld: no rows
            changes = grouped.get((dim, key), [])
            summary = mean_ci(changes) if shown[(dim, key)] and len(changes) >= THRESHOLD else None
            rows.append(
                GroupChange(
                    key,
                    label,
                    cells[dim][key],
                    summary[0] if summary else None,
                    (summary[1], summary[2]) if summary else None,
                )
            )
        result[dim] = rows
    return result


def change_report(
    instrument: Instrument, scoring: Scoring, series: str, rows: list[ScoredResponse], content: Content
) -> ChangeReport:
    """`rows`: the series' scored responses in id order (core.surveys.scoring)."""
    before = first_and_latest(rows, "before", latest=False)
    after = first_and_latest(rows, "after", latest=True)
    follow = first_and_latest(rows, "follow_up", latest=True)
    paired = [p for p in before if p in after]  # in the order of the first "before"
    matched = [(before[p], before[p].score, after[p].score) for p in paired]
    enough = len(matched) >= THRESHOLD
    items = []
    if enough:
        b = np.array([before[p].items for p in paired], dtype=float)
        a = np.array([after[p].items for p in paired], dtype=float)
        pairs = {item_id: (b[:, j], a[:, j]) for j, item_id in enumerate(scoring.items)}
        items = [(instrument.item(t.item_id).text, t) for t in item_tests(pairs)]
    baseline_rows = [r.items for r in before.values()]
    alpha = cronbach_alpha(baseline_rows) if len(baseline_rows) >= THRESHOLD else None
    followed = [(before[p].score, follow[p].score) for p in before if p in follow]
    return ChangeReport(
        instrument=instrument,
        scoring=scoring,
        series=series,
        baseline_n=count(len(before)),
        paired_n=count(len(matched)),
        change=paired_change([b for _, b, _ in matched], [a for _, _, a in matched]) if enough else None,
        before_ci=mean_ci([b for _, b, _ in matched]) if enough else None,
        after_ci=mean_ci([a for _, _, a in matched]) if enough else None,
        items=items,
        alpha=alpha,
        alpha_n=len(baseline_rows),
        groups=_group_changes(matched, content) if matched else {},
        follow_up_n=count(len(followed)),
        follow_up=paired_change([b for b, _ in followed], [f for _, f in followed])
        if len(followed) >= THRESHOLD
        else None,
    )


# --- the whole report -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyReport:
    waves: list[WaveSummary]
    changes: list[ChangeReport]

    @property
    def suppressed(self) -> bool:
        return any(c.suppressed for c in self.changes) or any(
            w.responses.suppressed or w.rate.text.startswith(("<", "some", "all but")) for w in self.waves
        )


async def survey_report(uow: UnitOfWork, *, content: Content, now: datetime) -> SurveyReport:
    campaigns = await uow.surveys.campaigns()
    invited = await uow.surveys.invited_counts(now=now)
    totals = await uow.surveys.item_totals([c.id for c in campaigns])
    submitted = await uow.surveys.submitted_counts()
    waves, changes = [], []
    for instrument in content.surveys.instruments.values():
        mine = [c for c in campaigns if c.instrument_id == instrument.id]
        for campaign in mine:
            n = submitted.get(campaign.id, 0)
            if n or invited.get(campaign.id):
                waves.append(_wave(campaign, instrument, n, totals, invited.get(campaign.id, 0)))
        # Only a series with a campaign before and one after can have a change to report.
        waves_of: dict[str, set[str]] = defaultdict(set)
        for c in mine:
            if c.series:
                waves_of[c.series].add(c.wave)
        for scoring in instrument.scoring if any({"before", "after"} <= w for w in waves_of.values()) else ():
            by_series: dict[str, list[ScoredResponse]] = defaultdict(list)
            for row in await scored_responses(uow, instrument, scoring):
                by_series[row.series].append(row)
            for series, rows in sorted(by_series.items()):
                if {"before", "after"} <= {r.wave for r in rows}:
                    changes.append(change_report(instrument, scoring, series, rows, content))
    return SurveyReport(waves, changes)


def require_admin(user, admins: frozenset[str] = frozenset()) -> None:
    roles = effective_roles(user, admins)
    if Role.ADMIN not in roles:
        raise NotAllowed("Survey reports are for QI admins.")


async def report_for_admin(
    uow: UnitOfWork, *, user_id: int, admins: frozenset[str], content: Content, now: datetime
) -> SurveyReport:
    """For a download: the link's holder must still be an admin (checked again on every download)."""
    user = await uow.users.get(user_id)
    if user is None:
        raise NotAllowed("Survey reports are for QI admins.")
    require_admin(user, admins)
    return await survey_report(uow, content=content, now=now)


def shown_facts(responses: list[Response]) -> dict[int, tuple[str | None, str | None]]:
    """Per response, the site and staff group that may be shown beside its row or its free text: the site only
    where at least 5 of that wave share it, the staff group only where 5 share it and, with the site shown, 5
    share both. A fact left out is None."""
    sites = Counter((r.campaign_id, r.site) for r in responses)
    groups = Counter((r.campaign_id, r.staff_group) for r in responses)
    both = Counter((r.campaign_id, r.site, r.staff_group) for r in responses)
    shown = {}
    for r in responses:
        site = r.site if r.site and sites[(r.campaign_id, r.site)] >= THRESHOLD else None
        group = r.staff_group if r.staff_group and groups[(r.campaign_id, r.staff_group)] >= THRESHOLD else None
        if site and group and both[(r.campaign_id, r.site, r.staff_group)] < THRESHOLD:
            group = None
        shown[r.id] = (site, group)
    return shown
