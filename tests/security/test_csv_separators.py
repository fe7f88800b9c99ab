"""CSV exports under a ``;`` list separator (round 18 left, item 1).

Excel with Indonesian regional settings splits a CSV file on ``;``: a cell such as ``x;=1+1``
(a failed sign-in's username, the actor of the audit export) must not become a formula cell
there. Every export writes through :func:`waspada.platform.exports.csv_writer`: a cell
holding ``;`` quoted, and a formula start neutralised at the start of a cell and after each
``;`` or ``,``.
"""

from __future__ import annotations

import csv
import io
import re

from hypothesis import example, given
from hypothesis import strategies as st

from waspada.cases import htcds
from waspada.platform.exports import FORMULA_STARTS, csv_safe, csv_writer, spreadsheet_safe
from waspada.platform.files import read_csv, write_csv

CASE = {"id": 1, "reference": "K-1", "status": "reported", "owner_unit": "KBRI",
        "summary": "cerita", "persons": [], "events": [], "comments": [], "history": []}


def _written(cells: list[str]) -> tuple[str, list[str]]:
    buf = io.StringIO()
    write_csv(buf, ["a"] * len(cells), [cells])
    text = buf.getvalue()
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return text, rows[1]


def _starts_formula(piece: str) -> bool:
    body = piece.lstrip(" ")
    if body[:1] not in FORMULA_STARTS:
        return False
    return not (body[:1] in "+-" and body[1:].replace(" ", "").isdigit())


def test_a_formula_after_a_semicolon_is_neutralised() -> None:
    text, back = _written(["x;=1+1", "y,@SUM(1)", "z; -2+3", "ok;+6281234567890"])
    assert back == ["x;'=1+1", "y,'@SUM(1)", "z; '-2+3", "ok;+6281234567890"]
    # cells holding ";" are quoted, so Excel keeps "x;'=1+1" one cell whatever its separator
    assert text.splitlines()[1] == '"x;\'=1+1","y,\'@SUM(1)","z; \'-2+3","ok;+6281234567890"'


def test_split_at_semicolons_no_piece_of_the_file_starts_a_formula() -> None:
    """What Excel under an Indonesian locale sees: the raw line split at ``;``."""
    text, _ = _written(["admin;=HYPERLINK(\"http://evil.example\",\"x\")", "b"])
    for line in text.splitlines():
        for piece in line.split(";"):
            assert not _starts_formula(piece.lstrip('"')), piece


@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
                min_size=1, max_size=4))
@example(["x;=1+1"])
@example(["=cmd|' /C calc'!A0", "a, +1+1", "\t=1", "\r=1", " =1"])
def test_any_text_cell_reads_back_as_guarded_and_no_piece_starts_a_formula(
        cells: list[str]) -> None:
    _, back = _written(cells)
    assert back == [csv_safe(c) for c in cells]
    for original, cell in zip(cells, back, strict=True):
        if not any(_starts_formula(p) for p in re.split(r"[;,]", original)):
            assert cell == original  # text without a formula start comes back unchanged
        assert csv_safe(cell) == cell  # idempotent
        for piece in re.split(r"[;,]", cell):
            assert not _starts_formula(piece), (original, cell)


@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
                min_size=1, max_size=4))
def test_without_a_semicolon_the_bytes_are_those_of_csv_writer(cells: list[str]) -> None:
    """Only cells holding ``;`` (and formula pieces) change: other files keep their bytes."""
    guarded = [csv_safe(c) for c in cells]
    ours, theirs = io.StringIO(), io.StringIO()
    csv_writer(ours).writerow(cells)
    csv.writer(theirs).writerow(guarded)
    if not any(";" in c for c in guarded):
        assert ours.getvalue() == theirs.getvalue()
    else:
        assert ours.getvalue() != theirs.getvalue()


def test_the_project_reader_reads_the_export_back() -> None:
    buf = io.StringIO()
    write_csv(buf, ["record_id", "full_name", "n"], [["r1", "Siti; Rahayu", 3], ["r2", None, 0]])
    table = read_csv(buf.getvalue(), required=("record_id",))
    assert [r.values for r in table.rows] == [["r1", "Siti; Rahayu", "3"],
                                                     ["r2", "", "0"]]


def test_the_htcds_csv_uses_the_shared_writer() -> None:
    case = dict(CASE, summary="x;=1+1", reference="K-1,@SUM(1)")
    record = htcds.case_to_htcds(case)
    text = htcds.to_csv_files([record])["cases.csv"]
    assert '"x;\'=1+1"' in text  # the cell holding ";" is quoted, its formula neutralised
    for piece in re.split(r"[;,]", text.replace('"', "")):
        assert not _starts_formula(piece.strip("\n")), piece


def test_workbook_cells_keep_the_start_only_guard() -> None:
    """An Excel cell is never split: the XLSX exports keep text after a ``;`` unchanged."""
    assert spreadsheet_safe("x;=1+1") == "x;=1+1"
    assert spreadsheet_safe("=1+1") == "'=1+1"


def test_the_writer_keeps_its_line_terminator() -> None:
    buf = io.StringIO()
    csv_writer(buf, lineterminator="\n").writerows([["a", 1, None, 2.5], [""]])
    assert buf.getvalue() == 'a,1,,2.5\n""\n'
