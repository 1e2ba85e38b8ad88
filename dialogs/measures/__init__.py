"""`measures`: the programme dashboard for admins and programme leads. A compact card with the four headline
numbers and their signals (card.py), and the full dashboard as a server-rendered page behind a short-lived
signed link, with its XLSX export and a printable board summary (pages.py, html.py, charts.py, exports.py)."""

from dialogs.measures import card  # noqa: F401 (registers the command and the card verbs)
from dialogs.measures.router import router  # noqa: F401
