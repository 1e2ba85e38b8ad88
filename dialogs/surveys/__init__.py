"""Surveys in chat, one module per task: answering (answer.py: the section cards, the thank-you, `my surveys`),
an admin starting a survey (campaign.py), the admins' `survey report` (report.py) with its chart and downloads
(files.py, pages.py), theming free text (themes.py), the messages the services send (messages.py), and how a
survey reads (wording.py)."""

from __future__ import annotations

from dialogs.surveys import answer, campaign, report, themes  # noqa: F401 (their handlers register)
from dialogs.surveys.messages import SurveyCards
from dialogs.surveys.router import router

__all__ = ["SurveyCards", "router"]
