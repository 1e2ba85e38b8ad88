"""The words under a measure's chart judge the number of runs on the published runs table (content)."""

from core.projects.model import Measure
from dialogs.projects.view import describe_signals

RUN = Measure(id=1, project_id=1, kind="outcome", name="Falls", definition="x", chart="run", improvement="decrease")


def runs(lengths: list[int]) -> list[float]:
    return [float(1 if k % 2 == 0 else 9) for k, length in enumerate(lengths) for _ in range(length)]


def test_six_runs_in_20_points_is_not_too_few(content):
    text = describe_signals(RUN, runs([4, 3, 3, 4, 3, 3]), runs_table=content.runs_table)
    assert "too few" not in text and "No signal" in text


def test_five_runs_in_20_points_is_too_few(content):
    assert "too few runs (5)" in describe_signals(RUN, runs([4, 5, 3, 5, 3]), runs_table=content.runs_table)
