"""The project register's services, one module per task; this module is their one public surface (dialogs and
other capabilities import it, never the tables).

- wizard: the five-step wizard kept as a draft, governance triage, similar projects, submit
- drafts: leaving a step half done (Back, Finish later) keeps every valid value and what was typed
- review: approve, or return for changes
- progress: IHI progress score, PDSA cycles, data points, chart settings, the stale-project nudge
- evaluation: close, the lead's evaluation, the coach's rubric, the one-page summary
- team: search, ask to join, accept to the team, a person's projects
- rules: who may do what, decided once, and the view of a project with it
"""

from core.projects.drafts import Kept, LeftOff, left_off, save_partial, step_done
from core.projects.evaluation import Summary, close, project_summary, score_evaluation, submit_evaluation
from core.projects.model import RUBRIC
from core.projects.progress import ACTS, add_data, chart_data, log_pdsa, nudge_stale, set_chart, set_score
from core.projects.review import approve, return_for_changes
from core.projects.rules import (
    can_change,
    get_project,
    project_view,
    view_to_evaluate,
    view_to_review,
    view_to_score,
    view_to_update,
)
from core.projects.team import (
    accept_member,
    ask_to_join,
    live_projects,
    my_projects,
    open_projects_led_by,
    project_colleagues,
    projects_coached_by,
    search_projects,
)
from core.projects.wizard import (
    REVIEW_STEP,
    STEPS,
    aim_hints,
    coach_choices,
    missing_steps,
    open_draft,
    parse_team,
    research_signpost,
    save_aim,
    save_basics,
    save_governance,
    save_measures,
    save_team,
    similar_projects,
    start_or_resume,
    submit,
    suggested_direction,
    triage,
)

__all__ = [
    "ACTS",
    "Kept",
    "LeftOff",
    "REVIEW_STEP",
    "RUBRIC",
    "STEPS",
    "Summary",
    "accept_member",
    "add_data",
    "aim_hints",
    "approve",
    "ask_to_join",
    "can_change",
    "chart_data",
    "close",
    "coach_choices",
    "get_project",
    "left_off",
    "live_projects",
    "log_pdsa",
    "missing_steps",
    "my_projects",
    "nudge_stale",
    "open_draft",
    "open_projects_led_by",
    "project_colleagues",
    "projects_coached_by",
    "parse_team",
    "project_summary",
    "project_view",
    "research_signpost",
    "return_for_changes",
    "save_aim",
    "save_basics",
    "save_governance",
    "save_measures",
    "save_partial",
    "save_team",
    "score_evaluation",
    "search_projects",
    "set_chart",
    "set_score",
    "similar_projects",
    "start_or_resume",
    "step_done",
    "submit",
    "submit_evaluation",
    "suggested_direction",
    "triage",
    "view_to_evaluate",
    "view_to_review",
    "view_to_score",
    "view_to_update",
]
