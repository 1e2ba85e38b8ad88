"""The learning pack: validated at start-up; a broken file names the file, line and problem."""

import re
import shutil

import pytest
import yaml

from bot import registry
from core.measurement import MIN_FIX_AFTER, TRIAL_POINTS, run_chart
from storage.content import DEFAULT_CONTENT_DIR, ContentError

US_SPELLINGS = re.compile(r"\b(behavior|organization|organize|center|analyze|color|program)\b", re.IGNORECASE)


def test_the_shipped_pack_covers_the_qsir_basics(content):
    topics = content.learning.topics
    assert len(topics) >= 10
    assert all(2 <= len(t.bites) <= 4 and len(t.questions) >= 6 for t in topics)
    assert len(content.learning.questions) >= 80
    titles = " ".join(t.title.lower() for t in topics)
    for subject in ("model for improvement", "pdsa", "run chart", "spc", "demand", "audit"):
        assert subject in titles, subject


def test_every_bite_is_short_with_an_example_and_questions_are_well_formed(content):
    for topic in content.learning.topics:
        for bite in topic.bites:
            assert len(f"{bite.text} {bite.example}".split()) <= 80, bite.id
        for q in topic.questions:
            assert 3 <= len(q.options) <= 4 and 0 <= q.answer < len(q.options), q.id
            assert len(set(q.options)) == len(q.options), q.id
            assert q.source and q.explanation, q.id


def test_rule_questions_name_their_rule_set(content):
    for topic in content.learning.topics:
        if topic.id in ("run-charts", "spc-making-data-count") or "run chart" in topic.title.lower():
            rules = [q for q in topic.questions if re.search(r"\b(shift|trend|limit|runs?)\b", q.stem, re.I)]
            assert rules and all(q.rule_set for q in rules), topic.id


def test_uk_english(content):
    for topic in content.learning.topics:
        for text in (
            [topic.summary]
            + [b.text + b.example for b in topic.bites]
            + [q.stem + q.explanation + " ".join(q.options) for q in topic.questions]
        ):
            assert not US_SPELLINGS.search(text), (topic.id, US_SPELLINGS.search(text).group())


@pytest.fixture
def content_copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target)
    return target


def first_topic(content_copy):
    return sorted((content_copy / "learning").glob("*.yaml"))[0]


def test_a_broken_yaml_file_stops_loading_naming_file_and_line(content_copy):
    path = first_topic(content_copy)
    path.write_text(path.read_text() + "\nquestions: [oops\n")
    with pytest.raises(ContentError, match=rf"{path.name}:\d+: not valid YAML"):
        registry.load_content(content_copy)


def test_a_missing_field_is_reported_with_its_line(content_copy):
    path = first_topic(content_copy)
    lines = path.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("explanation:"))
    del lines[index]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ContentError, match=rf"{path.name}:\d+: questions/\d+: 'explanation' is a required property"):
        registry.load_content(content_copy)


def test_an_answer_beyond_the_options_is_refused(content_copy):
    path = first_topic(content_copy)
    doc = yaml.safe_load(path.read_text())
    doc["questions"][0]["options"] = doc["questions"][0]["options"][:3]
    doc["questions"][0]["answer"] = 3
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    with pytest.raises(ContentError, match=rf"{path.name}:\d+: questions/0/answer: 3 but only 3 options"):
        registry.load_content(content_copy)


def test_a_bite_over_80_words_is_refused(content_copy):
    path = first_topic(content_copy)
    text = path.read_text()
    long = " ".join(["word"] * 81)
    path.write_text(re.sub(r"(\n\s+text: ).*", rf"\g<1>{long}", text, count=1))
    with pytest.raises(ContentError, match=r"bites/0: \d+ words; a bite has at most 80"):
        registry.load_content(content_copy)


def test_a_question_id_used_twice_is_refused(content_copy):
    files = sorted((content_copy / "learning").glob("*.yaml"))
    taken = yaml.safe_load(files[0].read_text())["questions"][0]["id"]
    second = yaml.safe_load(files[1].read_text())["questions"][0]["id"]
    files[1].write_text(files[1].read_text().replace(f"id: {second}", f"id: {taken}", 1))
    with pytest.raises(ContentError, match=rf"{files[1].name}:\d+: questions/0/id: '{taken}' is also used in"):
        registry.load_content(content_copy)


def test_a_trust_can_add_a_topic_without_code(content_copy):
    extra = content_copy / "learning" / "99-local-topic.yaml"
    extra.write_text(
        "pack: local\nid: local-topic\ntitle: Our local way\norder: 99\nsummary: How we register QI here.\n"
        "bites:\n"
        + "".join(
            f"  - id: local-b{i}\n    title: Bite {i}\n    text: Register on the intranet.\n"
            f"    example: Ward {i} registered first.\n"
            for i in range(2)
        )
        + "questions:\n"
        + "".join(
            f"  - id: local-q{i}\n    stem: Where do you register?\n    options: [Intranet, Post, Fax]\n"
            f"    answer: 0\n    explanation: On the intranet.\n    source: Local policy\n"
            for i in range(6)
        )
    )
    content = registry.load_content(content_copy)
    assert content.learning.topics[-1].id == "local-topic"


# --- content that must agree with the engine and with the sources -----------------------------------------------


def item(content, item_id):
    for topic in content.learning.topics:
        for thing in (*topic.bites, *topic.questions):
            if thing.id == item_id:
                return thing
    raise KeyError(item_id)


def words(thing) -> str:
    if hasattr(thing, "stem"):
        return " ".join([thing.stem, *thing.options, thing.explanation])
    return f"{thing.text} {thing.example}"


RUNS_STATED = re.compile(r"for (\d+) points not on the median,? (\d+) to (\d+) runs")


def test_run_chart_content_states_the_limits_of_the_table_the_engine_uses(content):
    topic = next(t for t in content.learning.topics if t.id == "run-charts")
    stated = {
        thing.id: [tuple(map(int, m)) for m in RUNS_STATED.findall(" ".join(words(thing).split()))]
        for thing in (*topic.bites, *topic.questions)
    }
    stated = {k: v for k, v in stated.items() if v}
    assert {"rc-bite-3", "rc-q8"} <= set(stated)  # the items that quote the table
    for item_id, claims in stated.items():
        for points, lower, upper in claims:
            assert content.runs_table.limits_for(points) == (lower, upper), item_id


def test_the_run_chart_verdicts_agree_with_the_engine(content):
    lengths = {4: [5, 5, 5, 5], 6: [4, 3, 3, 4, 3, 3]}  # 20 points, 10 each side of the median, in 4 or 6 runs

    def chart(runs: int):
        return run_chart(
            [float(1 if k % 2 == 0 else 9) for k, n in enumerate(lengths[runs]) for _ in range(n)],
            runs_table=content.runs_table,
        )

    q8 = item(content, "rc-q8")
    counted = int(re.search(r"You count (\d+) runs", q8.stem).group(1))
    assert chart(counted).runs == counted and chart(counted).too_few_runs
    assert q8.options[q8.answer].startswith("Too few runs")
    bite = " ".join(item(content, "rc-bite-3").example.split())
    assert "4 runs, fewer than 6, so too few" in bite and "6 runs would not be too few" in bite
    assert chart(4).too_few_runs and not chart(6).too_few_runs


def test_rc_q5_asks_which_statement_is_correct_and_only_the_answer_gives_the_right_reason(content):
    q = item(content, "rc-q5")
    assert "which statement is correct?" in q.stem.lower()
    right = q.options[q.answer]
    assert "trend of 5" in right and "counts once" in right
    for wrong in (o for i, o in enumerate(q.options) if i != q.answer):
        assert "trend of 5" not in wrong and not wrong.startswith(("Yes", "No"))


def test_meas_q4_says_the_measure_is_an_outcome_relative_to_the_aim(content):
    q = item(content, "meas-q4")
    assert "relative to this aim" in q.stem.lower() and q.options[q.answer] == "Outcome measure"
    assert "process measure" in q.explanation and "patient outcome" in q.explanation


def test_dc_q7_is_about_a_same_day_service(content):
    q = item(content, "dc-q7")
    assert "same-day" in q.stem and "same-day" in q.explanation.lower()
    assert q.options[q.answer] == "Move some sessions to Mondays and Tuesdays"


def test_gov_q5_cites_the_trusts_registration_policy(content):
    q = item(content, "gov-q5")
    assert "registration policy" in q.source and "Health Research Authority" not in q.source
    assert "HRA" not in q.source


def test_aim_q7_credits_in_outpatients_as_partly_saying_for_whom(content):
    q = item(content, "aim-q7")
    assert '"In outpatients" only partly says for whom' in " ".join(q.explanation.split())
    assert "none of the last three" not in q.explanation


def test_fixed_limits_content_matches_the_charts(content):
    for item_id in ("spc-bite-4", "spc-q11"):
        text = " ".join(words(item(content, item_id)).split())
        assert f"fewer than {TRIAL_POINTS} points the limits are trial limits" in text, item_id
        assert f"fixed on a baseline of {MIN_FIX_AFTER} or more points" in text, item_id
        assert "reason" in text, item_id


def test_spc_bite_2_states_two_of_three_as_the_engine_applies_it(content):
    text = " ".join(item(content, "spc-bite-2").text.split())
    assert "two of three points in a row beyond 2 sigma, inside the limits, all three on the same side" in text
    assert "A trend is coloured by its direction" in text


def test_making_data_count_2019_is_cited_as_nhs_improvement(content):
    cited = 0
    for topic in content.learning.topics:
        for q in topic.questions:
            if "Making Data Count" in q.source:
                cited += 1
                assert "NHS Improvement, Making Data Count (2019)" in q.source, q.id
        for text in [b.text for b in topic.bites] + [" ".join(q.options) for q in topic.questions]:
            assert "NHS England's Making Data Count" not in text and "Making Data Count (NHS England)" not in text
    assert cited >= 10


def test_the_astronomical_point_rule_is_documented_in_the_content(content):
    text = " ".join(item(content, "rc-q9").explanation.split())
    assert "3 interquartile ranges beyond the quartiles" in text and "3 mean absolute deviations" in text
