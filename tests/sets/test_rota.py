"""The presenter rota's rule (core/sets/rota.py): fair, never skipping anyone for ever, swaps allowed."""

from hypothesis import given, settings
from hypothesis import strategies as st

from core.sets.model import PresenterTurn
from core.sets.rota import next_presenter

A, B, C, D, E, F = range(1, 7)
MEMBERS = [A, B, C, D, E, F]


def run(members, meetings, *, absent=None, swaps=None):
    """Twelve (or `meetings`) meetings: the rota picks, a swap may hand the turn to a volunteer, and the presenter
    presents unless absent. Returns (picked by the rota, who presented) per meeting."""
    absent, swaps, history, log = absent or {}, swaps or {}, [], []
    for number in range(1, meetings + 1):
        picked = next_presenter(members, history)
        presenter = swaps.get(number, picked)
        history.append(PresenterTurn(presenter, presenter not in absent.get(number, ())))
        log.append((picked, presenter))
    return log, history


def test_a_round_with_no_absences_is_everyone_once_in_joining_order():
    log, _ = run(MEMBERS, 12)
    assert [picked for picked, _ in log] == MEMBERS + MEMBERS


def test_twelve_meetings_with_absences_and_swaps():
    # B sends apologies at meeting 2; D passes meeting 4 to B; A is absent at meeting 8.
    log, history = run(MEMBERS, 12, absent={2: {B}, 8: {A}}, swaps={4: B})
    picked = [p for p, _ in log]
    presented = [t.presenter_id for t in history if t.presented]
    assert picked == [A, B, C, D, D, E, F, A, C, D, E, F]
    # B missed their turn (2), was passed over once (3), and presented by volunteering for D's turn (4); D, who
    # passed, presented next (5). Everyone presented once before anyone presented twice.
    assert presented[:6] == [A, C, B, D, E, F]
    # A missed meeting 8: passed over once, then behind those who have not missed a turn, never skipped: A is next.
    assert next_presenter(MEMBERS, history) == A
    counts = {m: presented.count(m) for m in MEMBERS}
    assert counts == {A: 1, B: 1, C: 2, D: 2, E: 2, F: 2}


def test_someone_who_keeps_missing_does_not_stall_the_rota():
    log, history = run([A, B, C, D, E], 10, absent={n: {A} for n in range(1, 11)})
    picked = [p for p, _ in log]
    assert picked.count(A) >= 3  # A keeps being given a turn (never skipped for ever) ...
    assert all(picked[i] != A or picked[i + 1] != A for i in range(9))  # ... but never twice running
    assert {t.presenter_id for t in history if t.presented} == {B, C, D, E}


def test_a_member_who_left_is_not_counted_and_a_new_member_presents_soon():
    _, history = run(MEMBERS, 3)
    assert next_presenter([B, C, D, E, F], history) == D
    assert next_presenter([A, B, C, D, E, F, 7], [*history, *run(MEMBERS, 6)[1][3:]]) == 7


def test_unrecorded_attendance_counts_as_presented_and_no_members_means_nobody():
    assert next_presenter([A, B], [PresenterTurn(A, None)]) == B
    assert next_presenter([], []) is None
    assert next_presenter([A], [PresenterTurn(A, False)]) == A  # the only member is not passed over


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    size=st.integers(min_value=5, max_value=8),
    absences=st.lists(st.sets(st.integers(min_value=1, max_value=8), max_size=3), min_size=12, max_size=12),
)
def test_fairness_holds_for_any_pattern_of_absences(size, absences):
    members = list(range(1, size + 1))
    history: list[PresenterTurn] = []
    waiting_since: dict[int, int] = {}  # who missed their turn, since which meeting
    for number, away in enumerate(absences, start=1):
        picked = next_presenter(members, history)
        presented = {m: sum(1 for t in history if t.presenter_id == m and t.presented) for m in members}
        last = history[-1] if history else None
        passed_over = last.presenter_id if last and last.presented is False else None
        # Everyone presents before anyone presents once more than them (the one just passed over aside).
        assert presented[picked] == min(presented[m] for m in members if m != passed_over)
        waiting_since.pop(picked, None)
        # Nobody who missed a turn waits longer than a round (plus the one meeting they are passed over).
        assert all(number - since <= size + 1 for since in waiting_since.values()), (number, waiting_since)
        there = picked not in away
        if not there:
            waiting_since.setdefault(picked, number)
        history.append(PresenterTurn(picked, there))
