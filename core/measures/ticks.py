"""The measures have no scheduled work: the dashboard is computed when it is opened."""

from core.kernel.ticks import TickSpec

TICKS: tuple[TickSpec, ...] = ()
