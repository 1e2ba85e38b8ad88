"""`register project`, `my projects`, `projects`, `add data`: the QI project register in chat."""

from __future__ import annotations

from datetime import timedelta

from core.kernel.content import Choice, Content
from core.kernel.errors import InvalidInput
from core.kernel.model import OutboundMessage, Role
from core.measurement import run_chart, xmr
from core.projects import reports as project_reports
from core.projects import services as service
from core.projects.model import Project, ProjectStatus
from dialogs.kit import cards
from dialogs.kit.feature import FeatureRouter
from dialogs.kit.types import Response, Turn
from dialogs.projects.pages import SUMMARY, chart_url, report_url

router = FeatureRouter("projects")
SUMMARY_LINK_LIFE = timedelta(days=365)
YES_NO = (Choice("yes", "Yes"), Choice("no", "No"))
STEP_TITLES = {1: "The basics", 2: "Your aim", 3: "Team and coach", 4: "Measures", 5: "QI, audit or research?"}
GOVERNANCE_LABEL = {
    "qi": "Quality improvement",
    "audit": "Clinical audit",
    "service_evaluation": "Service evaluation",
    "research": "Research",
}


def _id(turn: Turn, key: str = "project_id") -> int:
    try:
        return int(turn.inbound.data.get(key))
    except (TypeError, ValueError):
        raise InvalidInput("That card is out of date. Type **my projects** to carry on.") from None


def _text_input(
    input_id: str, label: str, value: str | None, *, multiline=False, max_length=200, placeholder=None, required=False
) -> dict:
    element = {
        "type": "Input.Text",
        "id": input_id,
        "label": label,
        "value": value or "",
        "maxLength": max_length,
        "isMultiline": multiline,
    }
    if placeholder:
        element["placeholder"] = placeholder
    if required:
        element |= {"isRequired": True, "errorMessage": f"Please fill in: {label.lower()}."}
    return element


def _wizard_card(project: Project, step: int, body: list, *, error: str | None = None) -> dict:
    actions = [cards.execute("Save and continue", f"projects.step{step}", {"project_id": project.id}, style="positive")]
    if step > 1:
        actions.append(cards.execute("Back", "projects.wizard", {"project_id": project.id, "step": step - 1}))
    actions.append(cards.execute("Finish later", "projects.later", {"project_id": project.id}))
    return cards.card(
        cards.notice(error, good=False) if error else None,
        cards.text(f"Register a QI project · step {step} of {service.STEPS}", subtle=True, size="Small"),
        cards.title(STEP_TITLES[step]),
        *body,
        actions=actions,
    )


async def wizard_card(turn: Turn, project: Project, step: int, error: str | None = None) -> dict:
    content = turn.content
    rules, org = content.projects, content.organisation
    if step == 1:
        body = [
            _text_input(
                "title",
                "Title",
                project.title,
                max_length=120,
                required=True,
                placeholder="e.g. Fewer falls at night on Ward 7",
            ),
            _text_input(
                "problem",
                f"The problem, in at most {rules.problem_max_words} words",
                project.problem,
                multiline=True,
                max_length=2000,
                required=True,
            ),
            cards.choice_set("site", "Site", org.sites, project.site or turn.user.site),
            cards.choice_set("division", "Division or specialty", rules.divisions, project.division),
            cards.choice_set(
                "strategic_aim", "Trust strategic aim it supports", rules.strategic_aims, project.strategic_aim
            ),
        ]
    elif step == 2:
        body = [
            cards.text("A SMART aim says what will improve, for whom, how much and by when.", subtle=True),
            _text_input(
                "aim_what",
                "What will improve?",
                project.aim_what,
                required=True,
                placeholder="e.g. Reduce falls at night",
            ),
            _text_input("aim_who", "For whom?", project.aim_who, placeholder="e.g. patients on Ward 7"),
            _text_input(
                "aim_how_much",
                "How much? (with a number)",
                project.aim_how_much,
                required=True,
                placeholder="e.g. from 8 to 4 a month",
            ),
            {
                "type": "Input.Date",
                "id": "aim_by",
                "label": "By when?",
                "value": project.aim_by.isoformat() if project.aim_by else "",
                "min": (turn.now.date() + timedelta(days=1)).isoformat(),
                "isRequired": True,
                "errorMessage": "Please choose the date the aim should be met by.",
            },
        ]
    elif step == 3:
        coaches = await turn.uow.projects.coaches(project.site)
        choices = [Choice(str(i), name) for i, name in coaches] + [Choice("find", "Please find me a coach")]
        current = "find" if project.needs_coach else (str(project.coach_id) if project.coach_id else None)
        team = "\n".join(f"{m.name} - {m.role}" for m in project.team)
        body = [
            cards.text(
                "You are the lead. A good team has 5 to 8 people from different roles, ideally a patient or carer.",
                subtle=True,
            ),
            _text_input(
                "team",
                "Team: one person a line, 'Name - role'",
                team,
                multiline=True,
                max_length=2000,
                placeholder="Sam Lee - ward manager\nAlex Khan - physiotherapist",
            ),
            _text_input(
                "sponsor",
                "Sponsor (a senior person who will unblock things)",
                project.sponsor,
                max_length=120,
                required=True,
            ),
            cards.choice_set("coach", "QI coach", choices, current),
        ]
    elif step == 4:
        by_kind = {"outcome": [], "process": [], "balancing": []}
        for m in project.measures:
            by_kind[m.kind].append(m)
        body = [
            cards.text(
                "Outcome: is the aim met? Process: are the steps happening? Balancing: is anything "
                "else getting worse? Define each so anyone would count it the same way.",
                subtle=True,
            )
        ]
        slots = [
            ("outcome", "Outcome measure", by_kind["outcome"][:1], True),
            ("process1", "Process measure 1", by_kind["process"][0:1], True),
            ("process2", "Process measure 2 (optional)", by_kind["process"][1:2], False),
            ("process3", "Process measure 3 (optional)", by_kind["process"][2:3], False),
            ("balancing", "Balancing measure", by_kind["balancing"][:1], True),
        ]
        for key, label, found, required in slots:
            m = found[0] if found else None
            short = label.replace(" (optional)", "")
            body += [
                cards.heading(label),
                _text_input(f"{key}_name", f"{short}: name", m.name if m else None, max_length=120, required=required),
                _text_input(
                    f"{key}_definition",
                    f"{short}: operational definition",
                    m.definition if m else None,
                    multiline=True,
                    max_length=500,
                    required=required,
                ),
            ]
    else:
        body = [cards.text("Three questions to check this is QI (Health Research Authority definitions).", subtle=True)]
        answered = previous_answers(content, project.governance)
        for question in content.projects.governance:
            body.append(
                cards.choice_set(
                    f"gov_{question.id}",
                    question.question,
                    YES_NO,
                    answered.get(question.id),
                    compact=False,
                    error="Please answer yes or no.",
                )
            )
    return _wizard_card(project, step, body, error=error)


def previous_answers(content: Content, governance: str | None) -> dict[str, str]:
    """The answers that gave the stored class (the first "yes" decides, so the ones after it are shown as "no")."""
    if governance is None:
        return {}
    answers, decided = {}, False
    for question in content.projects.governance:
        answers[question.id] = "yes" if question.id == governance and not decided else "no"
        decided = decided or question.id == governance
    return answers


@router.command(
    "register project",
    title="Register project",
    description="Register a QI project in five short steps (you can stop and resume)",
    aliases=("register a project", "new project", "register"),
)
async def register(turn: Turn) -> Response:
    project, resumed = await service.start_or_resume(turn.uow, user=turn.user, now=turn.now)
    step = min(project.wizard_step, service.REVIEW_STEP)
    card = await (review_card(turn, project) if step == service.REVIEW_STEP else wizard_card(turn, project, step))
    if resumed:
        card["body"].insert(0, cards.notice(f"Welcome back: your draft '{project.title or 'untitled'}' is saved."))
    return Response.show(card)


@router.action("wizard")
async def wizard(turn: Turn) -> Response:
    project = await service._draft(turn.uow, turn.user, _id(turn))
    step = max(1, min(service.STEPS, int(turn.inbound.data.get("step") or 1)))
    return Response(card=await wizard_card(turn, project, step))


@router.action("later")
async def later(turn: Turn) -> Response:
    return Response(
        card=cards.card(
            cards.notice("Saved as a draft."),
            cards.text("Type **register project** any time to carry on where you left off."),
        )
    )


async def _step(turn: Turn, step: int, save) -> Response:
    project_id = _id(turn)
    try:
        project = await save()
    except InvalidInput as problem:
        project = await service._draft(turn.uow, turn.user, project_id)
        for key, value in turn.inbound.data.items():  # keep what they typed
            if hasattr(project, key) and isinstance(value, str) and key not in ("aim_by",):
                setattr(project, key, value)
        return Response(card=await wizard_card(turn, project, step, problem.message), commit=False)
    if step < service.STEPS:
        return Response(card=await wizard_card(turn, project, step + 1))
    return Response(card=await review_card(turn, project))


SAVERS = {
    1: (service.save_basics, True),
    2: (service.save_aim, False),
    3: (service.save_team, True),
    4: (service.save_measures, False),
    5: (service.save_governance, True),
}


def _step_action(step: int):
    saver, needs_content = SAVERS[step]

    async def save_step(turn: Turn) -> Response:
        extra = {"content": turn.content} if needs_content else {}
        return await _step(
            turn,
            step,
            lambda: saver(
                turn.uow, user=turn.user, project_id=_id(turn), data=turn.inbound.data, now=turn.now, **extra
            ),
        )

    return save_step


for _number in SAVERS:  # projects.step1 ... projects.step5
    router.action(f"step{_number}")(_step_action(_number))


def summary_facts(content: Content, project: Project) -> dict:
    org, rules = content.organisation, content.projects
    pairs = [
        ("Aim", project.aim or "not set"),
        ("Site", org.label("sites", project.site)),
        ("Division", next((c.label for c in rules.divisions if c.id == project.division), "not set")),
        ("Lead", project.lead_name or "you"),
        ("Coach", project.coach_name or ("to be found" if project.needs_coach else "none")),
        ("Status", project.status.value.capitalize()),
    ]
    if project.governance:
        pairs.append(("Type", GOVERNANCE_LABEL[project.governance]))
    if project.progress_score is not None:
        pairs.append(("Progress", f"{project.progress_score:.1f}: {rules.score_meaning(project.progress_score)}"))
    if project.approval_comment:
        pairs.append(("Coach's comment", project.approval_comment))
    return cards.facts(pairs)


async def review_card(turn: Turn, project: Project, error: str | None = None) -> dict:
    content = turn.content
    similar = await service.similar_projects(turn.uow, project=project)
    gov = next((g for g in content.projects.governance if g.id == project.governance), None)
    blocks = [
        cards.notice(error, good=False) if error else None,
        cards.text("Register a QI project · check and submit", subtle=True, size="Small"),
        cards.title(project.title or "Untitled project"),
        summary_facts(content, project),
        cards.facts(
            [
                ("Problem", project.problem or "not set"),
                (
                    "Strategic aim",
                    next(
                        (c.label for c in content.projects.strategic_aims if c.id == project.strategic_aim), "not set"
                    ),
                ),
                ("Sponsor", project.sponsor or "not set"),
                ("Team", "; ".join(f"{m.name} ({m.role})" for m in project.team) or "just you so far"),
            ]
        ),
        cards.heading("Measures"),
        cards.facts([(f"{m.name} ({m.kind})", m.definition) for m in project.measures]),
    ]
    if gov is not None:
        blocks.append(cards.notice(gov.signpost, good=gov.id != "research"))
    if similar:
        blocks.append(cards.heading("Similar projects you may want to talk to"))
        blocks += [
            cards.text(
                f"- **{p.title}** ({content.organisation.label('sites', p.site)}, {p.status.value}), "
                f"lead {p.lead_name or 'unknown'}",
                size="Small",
            )
            for p, _ in similar
        ]
    actions = [cards.execute("Back", "projects.wizard", {"project_id": project.id, "step": service.STEPS})]
    if project.governance != "research":
        actions.insert(
            0, cards.execute("Submit for approval", "projects.submit", {"project_id": project.id}, style="positive")
        )
    return cards.card(*blocks, actions=actions)


@router.action("submit")
async def submit(turn: Turn) -> Response:
    project = await service.submit(
        turn.uow,
        user=turn.user,
        project_id=_id(turn),
        content=turn.content,
        now=turn.now,
        message_for=ProjectCards(turn.content).review_request,
    )
    return Response(card=await project_card(turn, project, notice="Submitted. Your coach will review it."))


# --- viewing and changing a project ----------------------------------------------------------------------------


async def project_card(turn: Turn, project: Project, notice: str | None = None) -> dict:
    content = turn.content
    editable = service.can_change(turn.user, project)
    live = project.status in (ProjectStatus.APPROVED, ProjectStatus.ACTIVE)
    blocks = [
        cards.notice(notice) if notice else None,
        cards.title(project.title or "Untitled project"),
        summary_facts(content, project),
    ]
    for measure in project.measures:
        points = await turn.uow.projects.points(measure.id)
        blocks.append(cards.heading(f"{measure.name} ({measure.kind})"))
        if turn.links is not None and points:
            blocks.append(
                {
                    "type": "Image",
                    "url": chart_url(turn.links, measure.id, len(points)),
                    "altText": f"{measure.name}: chart of {len(points)} points",
                    "size": "Stretch",
                }
            )
        if live or points:
            blocks.append(
                cards.text(
                    describe_signals(measure, [v for _, v in points], runs_table=content.runs_table), size="Small"
                )
            )
        else:
            blocks.append(cards.text("Data can be added once the project is approved.", subtle=True, size="Small"))
        if editable and len(points) >= 2:
            kind = "XmR chart" if measure.chart == "xmr" else "run chart"
            blocks.append(
                cards.text(
                    f"Shown as a {kind}; {'lower' if measure.improvement == 'decrease' else 'higher'} is better.",
                    subtle=True,
                    size="Small",
                )
            )
            other = "xmr" if measure.chart == "run" else "run"
            better = "lower" if measure.improvement == "increase" else "higher"
            blocks.append(
                cards.action_set(
                    cards.execute(
                        "Show as XmR chart" if other == "xmr" else "Show as run chart",
                        "projects.chart",
                        {"measure_id": measure.id, "chart": other, "improvement": measure.improvement},
                    ),
                    cards.execute(
                        f"{better.capitalize()} is better",
                        "projects.chart",
                        {
                            "measure_id": measure.id,
                            "chart": measure.chart,
                            "improvement": "decrease" if better == "lower" else "increase",
                        },
                    ),
                )
            )
    actions = []
    if editable and live:
        actions = [
            cards.execute("Add data", "projects.data_form", {"project_id": project.id}),
            cards.execute("Progress score", "projects.score_form", {"project_id": project.id}),
            cards.execute("Log a PDSA", "projects.pdsa_form", {"project_id": project.id}),
            cards.execute("Close project", "projects.close_form", {"project_id": project.id}),
        ]
    if project.status == ProjectStatus.SUBMITTED and (
        turn.user.id == project.coach_id or turn.user.has_role(Role.ADMIN)
    ):
        actions.append(cards.execute("Approve", "projects.approve_form", {"project_id": project.id}))
    if project.status == ProjectStatus.COMPLETED:
        evaluation = await turn.uow.projects.evaluation(project.id)
        if turn.user.id == project.lead_id and not (evaluation and evaluation.get("scored_at")):
            actions.append(cards.execute("Write the evaluation", "projects.eval_form", {"project_id": project.id}))
        if evaluation and (turn.user.id == project.coach_id or turn.user.has_role(Role.ADMIN)):
            actions.append(cards.execute("Score the evaluation", "projects.rubric_form", {"project_id": project.id}))
        if evaluation and evaluation.get("scored_at") and turn.links is not None and editable:
            url = turn.links.url(SUMMARY, {"p": project.id}, expires_at=turn.now + SUMMARY_LINK_LIFE)
            actions.append({"type": "Action.OpenUrl", "title": "One-page summary", "url": url})
    if not editable and project.status != ProjectStatus.DRAFT:
        actions.append(cards.execute("Ask to join the team", "projects.join", {"project_id": project.id}))
    if not editable:
        blocks.append(
            cards.text(
                "Read-only: only the lead, the team, the coach and QI admins can change a project.",
                subtle=True,
                size="Small",
            )
        )
    actions.append(cards.execute("My projects", "projects.mine"))
    return cards.card(*blocks, actions=actions)


def describe_signals(measure, values: list[float], runs_table=None) -> str:
    """The chart's signals in words, under the chart."""
    if len(values) < 2:
        return (
            f"{len(values)} data point{'s' if len(values) != 1 else ''} so far: add more to see a chart with signals."
        )
    if measure.chart == "run" and len(values) < 10:
        median = run_chart(values).median
        return (
            f"Run chart (IHI rules): median {median:.3g}. {len(values)} points: the run chart rules need about 10 "
            "before they can show a signal."
        )
    if measure.chart == "xmr":
        chart = xmr(values, improvement=measure.improvement)
        found = sorted({rule for p in chart.points for rule in p.rules})
        words = {
            "outside_limits": "a point outside the process limits",
            "seven_one_side": "7 or more points on one side of the mean",
            "seven_trend": "7 points rising or falling",
            "two_in_three": "2 of 3 points beyond 2 sigma",
        }
        head = (
            f"XmR chart (Making Data Count): mean {chart.mean:.3g}, limits {chart.lower_limit:.3g} to "
            f"{chart.upper_limit:.3g}."
        )
        return head + (
            " Special cause: " + "; ".join(words[f] for f in found) + "."
            if found
            else " Common cause variation only: no signal."
        )
    chart = run_chart(values, runs_table=runs_table)
    parts = []
    if chart.shifts:
        parts.append(f"a shift ({len(chart.shifts[0])} points on one side of the median)")
    if chart.trends:
        parts.append(f"a trend ({len(chart.trends[0])} points in one direction)")
    if chart.too_few_runs or chart.too_many_runs:
        parts.append(f"{'too few' if chart.too_few_runs else 'too many'} runs ({chart.runs})")
    if chart.astronomical:
        parts.append("an astronomical point: check what happened")
    head = f"Run chart (IHI rules): median {chart.median:.3g}."
    return head + (" Signals: " + "; ".join(parts) + "." if parts else " No signal of non-random change yet.")


class ProjectCards:
    """Proactive project messages (review requests, approvals, evaluations, stale-project nudges)."""

    def __init__(self, content: Content, links=None) -> None:
        self.content = content
        self.links = links

    def join_request(self, project: Project, asker) -> OutboundMessage:
        return OutboundMessage(
            card=cards.card(
                cards.text(
                    f"**{asker.name or 'A colleague'}** asks to join the team of your project **{project.title}**."
                    " Team members can add data, PDSA cycles and the progress score."
                ),
                _text_input("role", "Their role on the team", None, max_length=120, placeholder="e.g. Staff nurse"),
                actions=[
                    cards.execute(
                        "Add to the team",
                        "projects.accept",
                        {"project_id": project.id, "member_id": asker.id},
                        style="positive",
                    )
                ],
            )
        )

    def returned(self, project: Project) -> OutboundMessage:
        return OutboundMessage(
            card=cards.card(
                cards.notice(f"Your project '{project.title}' needs a few changes before approval.", good=False),
                cards.facts([("Your coach says", project.approval_comment or "")]),
                actions=[cards.execute("Edit and resubmit", "projects.open", {"project_id": project.id})],
            )
        )

    def evaluation_request(self, project: Project) -> OutboundMessage:
        return OutboundMessage(
            card=cards.card(
                cards.text(
                    f"**{project.title}** is complete and its lead has written the evaluation. Please score it."
                ),
                actions=[cards.execute("Score the evaluation", "projects.rubric_form", {"project_id": project.id})],
            )
        )

    def summary_ready(self, project: Project) -> OutboundMessage:
        actions = []
        if self.links is not None:
            url = self.links.url(SUMMARY, {"p": project.id}, expires_at=project.updated_at + SUMMARY_LINK_LIFE)
            actions.append({"type": "Action.OpenUrl", "title": "Open the one-page summary", "url": url})
        return OutboundMessage(
            card=cards.card(
                cards.notice(f"Your coach has scored the evaluation of '{project.title}'."),
                cards.text("Your one-page summary is ready: print it as a draft poster for the celebration day."),
                actions=actions or None,
            )
        )

    def review_request(self, project: Project) -> OutboundMessage:
        return OutboundMessage(
            card=cards.card(
                cards.text(f"A QI project was submitted for your approval: **{project.title}**"),
                summary_facts(self.content, project),
                actions=[cards.execute("Review", "projects.approve_form", {"project_id": project.id})],
            )
        )

    def approved(self, project: Project) -> OutboundMessage:
        comment = f" Comment: {project.approval_comment}" if project.approval_comment else ""
        return OutboundMessage(
            card=cards.card(
                cards.notice(f"Your project '{project.title}' was approved.{comment}"),
                actions=[cards.execute("Open project", "projects.open", {"project_id": project.id})],
            )
        )

    def stale(self, project: Project) -> OutboundMessage:
        return OutboundMessage(
            card=cards.card(
                cards.text(
                    f"Your QI project **{project.title}** has had no update for a while. A quick update keeps "
                    "its evidence current:"
                ),
                actions=[
                    cards.execute("Add data", "projects.data_form", {"project_id": project.id}),
                    cards.execute("Progress score", "projects.score_form", {"project_id": project.id}),
                    cards.execute("Log a PDSA", "projects.pdsa_form", {"project_id": project.id}),
                ],
            )
        )


def _project_list(turn: Turn, title: str, projects: list[Project], empty: str) -> dict:
    rows = [
        {
            "type": "ColumnSet",
            "separator": True,
            "spacing": "Medium",
            "columns": [
                {
                    "type": "Column",
                    "width": "stretch",
                    "items": [
                        cards.text(f"**{p.title or 'Untitled draft'}**"),
                        cards.text(
                            f"{turn.content.organisation.label('sites', p.site)} · {p.status.value}"
                            + (f" · score {p.progress_score:.1f}" if p.progress_score is not None else ""),
                            subtle=True,
                            size="Small",
                        ),
                    ],
                },
                {
                    "type": "Column",
                    "width": "auto",
                    "verticalContentAlignment": "Center",
                    "items": [
                        cards.action_set(cards.execute("Open", "projects.open", {"project_id": p.id})),
                    ],
                },
            ],
        }
        for p in projects
    ]
    return cards.card(cards.title(title), *rows, cards.text(empty) if not rows else None)


@router.command(
    "my projects", title="My projects", description="The QI projects you lead or coach", aliases=("my project",)
)
async def my_projects(turn: Turn) -> Response:
    projects = await turn.uow.projects.mine(turn.user.id)
    return Response.show(
        _project_list(
            turn, "My QI projects", projects, "You have no projects yet. Type **register project** to start one."
        )
    )


@router.action("mine")
async def mine_again(turn: Turn) -> Response:
    projects = await turn.uow.projects.mine(turn.user.id)
    return Response(
        card=_project_list(
            turn, "My QI projects", projects, "You have no projects yet. Type **register project** to start one."
        )
    )


@router.command(
    "projects",
    title="Find projects",
    description="Search QI projects at every site by words",
    aliases=("find projects", "search projects", "project search"),
    in_manifest=False,
)
async def find_projects(turn: Turn) -> Response:
    return Response.show(search_card(turn))


def search_card(turn: Turn, results: dict | None = None, asked: dict | None = None) -> dict:
    """The search form (keeping what was asked) and, after a search, its results under it."""
    asked = asked or {}
    statuses = tuple(Choice(s.value, s.value.capitalize()) for s in ProjectStatus if s != ProjectStatus.DRAFT)
    return cards.card(
        cards.title("Find QI projects"),
        _text_input(
            "words", "Words in the title, problem or aim", asked.get("words"), placeholder="e.g. falls, discharge"
        ),
        cards.choice_set("site", "Site (optional)", turn.content.organisation.sites, asked.get("site"), required=False),
        cards.choice_set("status", "Status (optional)", statuses, asked.get("status"), required=False),
        results,
        actions=[cards.execute("Search", "projects.search")],
    )


@router.action("search")
async def search(turn: Turn) -> Response:
    data = turn.inbound.data
    words = [w for w in str(data.get("words") or "").lower().split() if len(w) >= 2][:6]
    site = data.get("site") if turn.content.organisation.is_valid("sites", data.get("site")) else None
    status = data.get("status") if data.get("status") in {s.value for s in ProjectStatus} else None
    found = await turn.uow.projects.search(words=words, site=site, status=status)
    listing = _project_list(
        turn,
        f"{len(found)} project{'s' if len(found) != 1 else ''} found",
        found,
        "No projects match. Try fewer words.",
    )
    asked = {"words": " ".join(words), "site": site, "status": status}
    return Response(card=search_card(turn, {"type": "Container", "items": listing["body"]}, asked))


@router.action("open")
async def open_project(turn: Turn) -> Response:
    project = await service.get_project(turn.uow, _id(turn))
    if project.status == ProjectStatus.DRAFT and project.lead_id == turn.user.id:
        if project.wizard_step >= service.REVIEW_STEP:
            return Response(card=await review_card(turn, project))
        return Response(card=await wizard_card(turn, project, project.wizard_step))
    return Response(card=await project_card(turn, project))


@router.action("approve_form")
async def approve_form(turn: Turn) -> Response:
    project = await service.get_project(turn.uow, _id(turn))
    return Response(
        card=cards.card(
            cards.title(f"Approve: {project.title}"),
            summary_facts(turn.content, project),
            cards.text(project.problem or "", size="Small"),
            _text_input("comment", "Comment for the lead (optional)", None, multiline=True, max_length=500),
            actions=[
                cards.execute("Approve", "projects.approve", {"project_id": project.id}, style="positive"),
                cards.execute("Return for changes", "projects.return", {"project_id": project.id}),
                cards.execute("Back", "projects.open", {"project_id": project.id}),
            ],
        )
    )


async def _review(turn: Turn, decide, message_for, notice: str) -> Response:
    """Approve or return a submitted project: the service checks the reviewer, the lead is told."""
    project = await decide(
        turn.uow,
        user=turn.user,
        project_id=_id(turn),
        comment=turn.inbound.data.get("comment"),
        content=turn.content,
        now=turn.now,
        message_for=message_for,
    )
    return Response(card=await project_card(turn, project, notice=notice))


@router.action("approve")
async def approve(turn: Turn) -> Response:
    messages = ProjectCards(turn.content)
    return await _review(turn, service.approve, messages.approved, "Approved; the lead has been told.")


@router.action("return")
async def return_project(turn: Turn) -> Response:
    messages = ProjectCards(turn.content)
    return await _review(turn, service.return_for_changes, messages.returned, "Returned to the lead with your comment.")


@router.action("score_form")
async def score_form(turn: Turn) -> Response:
    project = await service.get_project(turn.uow, _id(turn))
    choices = tuple(
        Choice(f"{score:.1f}", f"{score:.1f}: {meaning}") for score, meaning in turn.content.projects.progress_scores
    )
    current = f"{project.progress_score:.1f}" if project.progress_score is not None else None
    return Response(
        card=cards.card(
            cards.title("IHI progress score"),
            cards.text("Set by the team: where is the project now?", subtle=True),
            cards.choice_set("score", "Progress score", choices, current, compact=False),
            actions=[
                cards.execute("Save score", "projects.score", {"project_id": project.id}, style="positive"),
                cards.execute("Back", "projects.open", {"project_id": project.id}),
            ],
        )
    )


@router.action("score")
async def score(turn: Turn) -> Response:
    project = await service.set_score(
        turn.uow,
        user=turn.user,
        project_id=_id(turn),
        score=turn.inbound.data.get("score"),
        content=turn.content,
        now=turn.now,
    )
    return Response(card=await project_card(turn, project, notice="Progress score saved."))


@router.action("pdsa_form")
async def pdsa_form(turn: Turn) -> Response:
    project = await service.get_project(turn.uow, _id(turn))
    acts = (Choice("adopt", "Adopt"), Choice("adapt", "Adapt"), Choice("abandon", "Abandon"))
    return Response(
        card=cards.card(
            cards.title("Log a PDSA cycle"),
            _text_input(
                "plan", "Plan: what change, who, where, when?", None, multiline=True, max_length=1000, required=True
            ),
            _text_input(
                "prediction",
                "Prediction: what do you expect to happen?",
                None,
                multiline=True,
                max_length=500,
                required=True,
            ),
            _text_input("do", "Do: what happened?", None, multiline=True, max_length=1000),
            _text_input(
                "study", "Study: how did it compare with your prediction?", None, multiline=True, max_length=1000
            ),
            cards.choice_set("act", "Act", acts, required=False, compact=False),
            actions=[
                cards.execute("Save PDSA", "projects.pdsa", {"project_id": project.id}, style="positive"),
                cards.execute("Back", "projects.open", {"project_id": project.id}),
            ],
        )
    )


@router.action("pdsa")
async def pdsa(turn: Turn) -> Response:
    await service.log_pdsa(turn.uow, user=turn.user, project_id=_id(turn), data=turn.inbound.data, now=turn.now)
    project = await service.get_project(turn.uow, _id(turn))
    cycles = await turn.uow.projects.pdsas(project.id)
    return Response(card=await project_card(turn, project, notice=f"PDSA cycle {len(cycles)} saved."))


def data_card(turn: Turn, project: Project, error: str | None = None) -> dict:
    measures = tuple(Choice(str(m.id), f"{m.name} ({m.kind})") for m in project.measures)
    return cards.card(
        cards.notice(error, good=False) if error else None,
        cards.title(f"Add data: {project.title}"),
        cards.choice_set("measure_id", "Measure", measures, measures[0].id if measures else None),
        {
            "type": "Input.Date",
            "id": "on",
            "label": "Date",
            "value": turn.now.date().isoformat(),
            "max": turn.now.date().isoformat(),
            "isRequired": True,
            "errorMessage": "Please choose the date.",
        },
        {
            "type": "Input.Number",
            "id": "value",
            "label": "Value",
            "isRequired": True,
            "errorMessage": "Please give a number.",
        },
        actions=[
            cards.execute("Save", "projects.data", {"project_id": project.id}, style="positive"),
            cards.execute("Back", "projects.open", {"project_id": project.id}),
        ],
    )


@router.action("data_form")
async def data_form(turn: Turn) -> Response:
    return Response(card=data_card(turn, await service.get_project(turn.uow, _id(turn))))


@router.action("data")
async def data(turn: Turn) -> Response:
    project = await service.get_project(turn.uow, _id(turn))
    try:
        measure_id = int(turn.inbound.data.get("measure_id"))
    except (TypeError, ValueError):
        return Response(card=data_card(turn, project, "Please choose the measure."), commit=False)
    if measure_id not in {m.id for m in project.measures}:
        return Response(card=data_card(turn, project, "That measure is not part of this project."), commit=False)
    try:
        await service.add_data(
            turn.uow,
            user=turn.user,
            measure_id=measure_id,
            on=turn.inbound.data.get("on"),
            value=turn.inbound.data.get("value"),
            now=turn.now,
        )
    except InvalidInput as problem:
        return Response(card=data_card(turn, project, problem.message), commit=False)
    project = await service.get_project(turn.uow, project.id)
    return Response(card=await project_card(turn, project, notice="Data point saved."))


@router.command(
    "add data",
    title="Add data",
    description="Add a data point to one of your project's measures",
    aliases=("data", "add a data point"),
    in_manifest=False,
)
async def add_data(turn: Turn) -> Response:
    live = [
        p
        for p in await turn.uow.projects.mine(turn.user.id)
        if p.status in (ProjectStatus.APPROVED, ProjectStatus.ACTIVE)
    ]
    if len(live) == 1:
        return Response.show(data_card(turn, live[0]))
    return Response.show(
        _project_list(turn, "Which project?", live, "You have no approved project to add data to yet.")
    )


@router.action("join")
async def join(turn: Turn) -> Response:
    project = await service.ask_to_join(
        turn.uow,
        user=turn.user,
        project_id=_id(turn),
        content=turn.content,
        now=turn.now,
        message_for=ProjectCards(turn.content).join_request,
    )
    return Response(card=await project_card(turn, project, notice="Asked: the lead will decide."))


@router.action("accept")
async def accept(turn: Turn) -> Response:
    project = await service.accept_member(
        turn.uow,
        user=turn.user,
        project_id=_id(turn),
        member_id=_id(turn, "member_id"),
        role=turn.inbound.data.get("role"),
        now=turn.now,
    )
    return Response(card=await project_card(turn, project, notice="Added to the team."))


@router.action("chart")
async def chart(turn: Turn) -> Response:
    data = turn.inbound.data
    measure = await service.set_chart(
        turn.uow,
        user=turn.user,
        measure_id=_id(turn, "measure_id"),
        chart=str(data.get("chart")),
        improvement=str(data.get("improvement")),
        now=turn.now,
    )
    project = await service.get_project(turn.uow, measure.project_id)
    kind = "an XmR chart" if measure.chart == "xmr" else "a run chart"
    better = "higher" if measure.improvement == "increase" else "lower"
    return Response(card=await project_card(turn, project, notice=f"{measure.name}: {kind}, {better} is better."))


@router.action("close_form")
async def close_form(turn: Turn) -> Response:
    project = await service.get_project(turn.uow, _id(turn))
    return Response(
        card=cards.card(
            cards.title(f"Close: {project.title}"),
            cards.text("Completed: the work is done (an evaluation follows). Stopped: the project ended early."),
            actions=[
                cards.execute("Completed", "projects.close", {"project_id": project.id, "completed": True}),
                cards.execute(
                    "Stopped", "projects.close", {"project_id": project.id, "completed": False}, style="destructive"
                ),
                cards.execute("Back", "projects.open", {"project_id": project.id}),
            ],
        )
    )


@router.action("close")
async def close(turn: Turn) -> Response:
    project = await service.close(
        turn.uow, user=turn.user, project_id=_id(turn), completed=bool(turn.inbound.data.get("completed")), now=turn.now
    )
    if project.status == ProjectStatus.COMPLETED:
        return Response(card=evaluation_card(turn, project))
    return Response(card=await project_card(turn, project, notice=f"Project {project.status.value}."))


def evaluation_card(turn: Turn, project: Project, error: str | None = None, answers: dict | None = None) -> dict:
    answers = answers or {}
    acts = (Choice("adopt", "Adopt"), Choice("adapt", "Adapt"), Choice("abandon", "Abandon"))
    return cards.card(
        cards.notice(error, good=False) if error else cards.notice("Project completed: well done."),
        cards.title(f"Evaluation: {project.title}"),
        cards.text(f"Aim: {project.aim or 'not set'}", subtle=True),
        _text_input(
            "results", "Results against the aim", answers.get("results"), multiline=True, max_length=2000, required=True
        ),
        cards.choice_set(
            "decision",
            "Decision",
            acts,
            answers.get("decision"),
            compact=False,
            error="Please choose adopt, adapt or abandon.",
        ),
        _text_input(
            "sustain",
            "What will sustain the change?",
            answers.get("sustain"),
            multiline=True,
            max_length=2000,
            required=True,
        ),
        _text_input("spread", "Spread plans (optional)", answers.get("spread"), multiline=True, max_length=2000),
        _text_input(
            "lessons", "Lessons for other teams", answers.get("lessons"), multiline=True, max_length=2000, required=True
        ),
        actions=[cards.execute("Send to my coach", "projects.evaluate", {"project_id": project.id}, style="positive")],
    )


@router.action("eval_form")
async def eval_form(turn: Turn) -> Response:
    project = await service.get_project(turn.uow, _id(turn))
    existing = await turn.uow.projects.evaluation(project.id) or {}
    answers = {k: v for k, v in existing.items() if isinstance(v, str)}
    return Response(card=evaluation_card(turn, project, answers=answers))


@router.action("evaluate")
async def evaluate(turn: Turn) -> Response:
    project = await service.get_project(turn.uow, _id(turn))
    messages = ProjectCards(turn.content, turn.links)
    try:
        await service.submit_evaluation(
            turn.uow,
            user=turn.user,
            project_id=project.id,
            data=turn.inbound.data,
            content=turn.content,
            now=turn.now,
            message_for=messages.evaluation_request,
        )
    except InvalidInput as problem:
        answers = {k: v for k, v in turn.inbound.data.items() if isinstance(v, str)}
        return Response(card=evaluation_card(turn, project, problem.message, answers), commit=False)
    return Response(card=await project_card(turn, project, notice="Evaluation sent to your coach for scoring."))


@router.action("rubric_form")
async def rubric_form(turn: Turn) -> Response:
    project = await service.get_project(turn.uow, _id(turn))
    evaluation = await turn.uow.projects.evaluation(project.id) or {}
    scale = tuple(Choice(str(n), str(n)) for n in range(1, 5))
    return Response(
        card=cards.card(
            cards.title(f"Score: {project.title}"),
            cards.facts(
                [
                    ("Aim", project.aim or "not set"),
                    ("Results", evaluation.get("results") or "not yet"),
                    ("Decision", evaluation.get("decision") or ""),
                ]
            ),
            cards.text("1 = not yet, 4 = exemplary.", subtle=True, size="Small"),
            *[
                cards.choice_set(
                    key,
                    label,
                    scale,
                    evaluation.get(key) and str(evaluation[key]),
                    compact=False,
                    error=f"Please score {label.lower()}.",
                )
                for key, label in service.RUBRIC
            ],
            _text_input(
                "comment", "Comment for the lead", evaluation.get("coach_comment"), multiline=True, max_length=1000
            ),
            actions=[cards.execute("Save scores", "projects.rubric", {"project_id": project.id}, style="positive")],
        )
    )


@router.action("rubric")
async def rubric(turn: Turn) -> Response:
    project = await service.get_project(turn.uow, _id(turn))
    messages = ProjectCards(turn.content, turn.links)
    await service.score_evaluation(
        turn.uow,
        user=turn.user,
        project_id=project.id,
        data=turn.inbound.data,
        content=turn.content,
        now=turn.now,
        message_for=messages.summary_ready,
    )
    return Response(card=await project_card(turn, project, notice="Scores saved; the lead has their summary."))


# --- reports for programme leads ----------------------------------------------------------------------------------

REPORT_LINK_LIFE = timedelta(hours=1)


def report_card(turn: Turn, report) -> dict:
    blocks: list = [cards.title("QI projects report")]
    links = turn.links
    expires = turn.now + REPORT_LINK_LIFE
    if links is not None and report.per_month:
        blocks.append(
            {
                "type": "Image",
                "url": report_url(links, "png", user_id=turn.user.id, expires_at=expires),
                "altText": "QI projects registered per month, XmR chart",
                "size": "Stretch",
            }
        )
    if report.chart is not None:
        signals = sorted({rule for p in report.chart.points for rule in p.rules})
        blocks.append(
            cards.text(
                f"Registered per month: mean {report.chart.mean:.1f}, limits {max(0.0, report.chart.lower_limit):.1f} "
                f"to {report.chart.upper_limit:.1f}. "
                + (
                    "Special cause: " + ", ".join(s.replace("_", " ") for s in signals) + "."
                    if signals
                    else "Common cause variation only."
                ),
                size="Small",
            )
        )
    for heading, rows in (
        ("By site", report.by_site),
        ("By division", report.by_division),
        ("By status", report.by_status),
    ):
        blocks += [
            cards.heading(heading),
            cards.facts([(k, str(v)) for k, v in rows]) if rows else cards.text("None yet.", size="Small"),
        ]
    blocks.append(cards.heading(f"Evaluation scores ({report.evaluated} projects evaluated, mean of 1-4)"))
    blocks.append(
        cards.facts([(k, f"{v:.1f}") for k, v in report.scores])
        if report.scores
        else cards.text("No evaluations scored yet.", size="Small")
    )
    actions = []
    if links is not None:
        actions = [
            {
                "type": "Action.OpenUrl",
                "title": "Download CSV",
                "url": report_url(links, "csv", user_id=turn.user.id, expires_at=expires),
            },
            {
                "type": "Action.OpenUrl",
                "title": "Download XLSX",
                "url": report_url(links, "xlsx", user_id=turn.user.id, expires_at=expires),
            },
        ]
    return cards.card(*blocks, actions=actions or None)


@router.action("report", role=Role.ADMIN)
async def report(turn: Turn) -> Response:
    data = await project_reports.projects_report(turn.uow, content=turn.content, now=turn.now)
    return Response(card=report_card(turn, data))
