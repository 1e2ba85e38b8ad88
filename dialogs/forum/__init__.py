"""The forum in chat, one module per task: `ask` (ask.py: the question card, the duplicate check, post or "this
answers it"), `my questions` (mine.py: a question with its replies; reply, helpful, close, withdraw), coaches'
`open questions`, answering and `forum topics` (coaching.py), `forum channels` and the claim on replies in a
post's thread (channels.py), `faq` and promoting an answer (faq.py), share your story (stories.py), the report
(report.py), the thread card (thread_card.py) and the messages the services send (messages.py).

Commands register in import order, which is the menu's order: `ask` first (the forum's menu button).
"""

from __future__ import annotations

from dialogs.forum import ask, channels, coaching, faq, mine, report, stories  # noqa: F401 (their handlers register)
from dialogs.forum.messages import ForumCards
from dialogs.forum.router import router

__all__ = ["ForumCards", "router"]
