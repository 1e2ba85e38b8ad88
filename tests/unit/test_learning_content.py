"""The learning pack: validated at start-up; a broken file names the file, line and problem."""

import re
import shutil

import pytest
import yaml

from bot import registry
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
