"""The run chart runs table is content: the published table (Perla, Provost and Murray 2011, Table 1), validated at
start-up like every other content file, and the one the engine judges runs against."""

import re
import shutil

import pytest

from bot.registry import load_content
from storage.content import DEFAULT_CONTENT_DIR, ContentError, load_runs_table

TABLE_FILE = "run_chart_runs_table.yaml"


def test_the_shipped_table_is_table_1_of_the_paper(content):
    table = content.runs_table
    assert (table.smallest, table.largest) == (10, 60)
    assert table.limits[10] == (3, 9) and table.limits[20] == (6, 16) and table.limits[60] == (24, 38)
    assert "Perla" in table.source and "BMJ Qual Saf 2011;20:46-51" in table.source and "Table 1" in table.source


@pytest.fixture
def content_copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target)
    return target


def edit_row(content_copy, points: int, new: str) -> None:
    path = content_copy / TABLE_FILE
    text = path.read_text()
    row = re.compile(rf"  - \{{points: {points}, lower: \d+, upper: \d+\}}\n")
    assert row.search(text)
    path.write_text(row.sub(new, text, count=1))


def test_a_trust_can_edit_the_table(content_copy):
    edit_row(content_copy, 20, "  - {points: 20, lower: 6, upper: 15}\n")
    assert load_content(content_copy).runs_table.limits[20] == (6, 15)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("", "one row for every number of points"),  # a gap at 20
        ("  - {points: 20, lower: 5, upper: 16}\n", "must not fall"),  # 19 has lower 6
        ("  - {points: 20, lower: 17, upper: 16}\n", "1 <= lower <= upper <= 20"),
        ("  - {points: 19, lower: 6, upper: 15}\n", "19 points appear twice"),
    ],
)
def test_a_broken_row_stops_loading_naming_file_and_line(content_copy, row, problem):
    edit_row(content_copy, 20, row)
    with pytest.raises(ContentError, match=rf"{TABLE_FILE}:\d+: rows/\d+.*{re.escape(problem)}"):
        load_content(content_copy)


def test_a_row_without_its_limits_is_a_schema_error(content_copy):
    edit_row(content_copy, 20, "  - {points: 20, lower: 6}\n")
    with pytest.raises(ContentError, match=rf"{TABLE_FILE}:\d+: rows/10: 'upper' is a required property"):
        load_content(content_copy)


def test_content_without_the_file_uses_the_shipped_table(content_copy):
    (content_copy / TABLE_FILE).unlink()
    assert load_runs_table(content_copy).limits == load_runs_table(DEFAULT_CONTENT_DIR).limits
