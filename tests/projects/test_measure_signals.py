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


def measure(chart: str, improvement: str) -> Measure:
    return Measure(
        id=1, project_id=1, kind="outcome", name="Falls", definition="x", chart=chart, improvement=improvement
    )


FLAT = [5, 4, 6, 5, 4, 6, 5, 4, 6, 5, 4, 6]


def test_each_signal_is_said_to_be_an_improvement_or_a_concern(content):
    """The same points read the other way round when the better direction changes; the words say which."""
    shifted_down = [8, 9, 8, 9, 8, 9, 8, 9, 2, 1, 2, 1, 2, 1, 2, 1]  # a run below the median at the end
    lower = describe_signals(measure("run", "decrease"), shifted_down, runs_table=content.runs_table)
    higher = describe_signals(measure("run", "increase"), shifted_down, runs_table=content.runs_table)
    assert "Lower is better. Improvement: a shift (8 points below the median)" in lower
    assert "Concern: a shift (8 points above the median)" in lower
    assert "Higher is better. Improvement: a shift (8 points above the median)" in higher
    assert "Concern: a shift (8 points below the median)" in higher

    rising = FLAT + [20]  # far above the limits
    assert "Improvement: a point outside the process limits." in describe_signals(measure("xmr", "increase"), rising)
    assert "Concern: a point outside the process limits." in describe_signals(measure("xmr", "decrease"), rising)
    quiet = describe_signals(measure("xmr", "increase"), FLAT)
    assert "Common cause variation only: no signal." in quiet and "Concern" not in quiet


def test_a_trend_is_named_by_its_direction(content):
    falling = [9, 9, 9, 9, 9, 8, 7, 6, 5, 4, 3, 3]
    text = describe_signals(measure("run", "decrease"), falling, runs_table=content.runs_table)
    improvement = text.split("Improvement: ")[1].split("Concern")[0]
    assert "a trend (7 points falling)" in improvement  # falling, and lower is better
    rising = describe_signals(measure("run", "increase"), falling, runs_table=content.runs_table)
    assert "a trend (7 points falling)" in rising.split("Concern: ")[1]
