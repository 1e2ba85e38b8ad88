"""The QI project register in chat: `register project`, `my projects`, `projects`, `add data`, and the cards
that follow. One module per task, each with its cards next to its handlers:

- wizard: register, the five steps, drafts, Finish later, Back, check and submit
- view: a project's card, my projects
- review: review, approve, return for changes
- progress: IHI score, PDSA, data points, chart setting
- evaluation: close, evaluation, rubric
- search: projects search, join requests and accept
- report: the admins' projects report card
- messages: the proactive messages (ProjectCards, built once in bot/registry.py)
- charts, summary, exports, pages: the images, printable page and downloads behind signed links
"""

from dialogs.projects import evaluation, progress, report, review, search, view, wizard  # noqa: F401 (handlers)
from dialogs.projects.messages import ProjectCards
from dialogs.projects.router import router

__all__ = ["ProjectCards", "router"]
