"""`learn`, `quiz`, `my progress`: QI basics in two-minute bites with spaced-repetition questions.

One module per task: topics and bites (topics), the questions (quiz), progress and the site league (progress),
the faculty report (report), and the proactive messages (messages). Importing them registers their handlers.
"""

from dialogs.learning import progress, quiz, report, topics
from dialogs.learning.messages import LearningCards, certificate_card
from dialogs.learning.router import MENU_ORDER, router

# The menu and the manifest list the commands in this order, whichever module happened to be imported first.
router.commands.sort(key=lambda command: MENU_ORDER.index(command.name))

__all__ = ["LearningCards", "certificate_card", "progress", "quiz", "report", "router", "topics"]
