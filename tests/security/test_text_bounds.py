"""Bounded work per input character: no amplification, no tracebacks from the readers."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from waspada.identity.cli import document_app
from waspada.offers.bulk import BadRecord, Record, read_records
from waspada.offers.normalise import normalise
from waspada.offers.spans import SpanIndex

FLAG_KH = "\U0001F1F0\U0001F1ED"
FLAG_MM = "\U0001F1F2\U0001F1F2"


def test_nfkc_expansion_is_bounded() -> None:
    # U+FDFA is 18 characters under NFKC: 1,000 of them were 18,000 characters of work.
    norm = normalise("\ufdfa" * 1000)
    assert len(norm.text) <= 4 * 1000
    assert normalise("\ufb01 \u2460 \uff27\uff21\uff2a\uff29").text == "fi 1 gaji"  # short ones stay


def test_a_run_of_flags_names_each_country_once() -> None:
    norm = normalise(FLAG_KH * 500 + FLAG_MM * 500 + FLAG_KH)
    assert norm.text.split() == ["kamboja", "myanmar"]
    start = norm.text.index("myanmar")
    a, b = norm.span(start, start + len("myanmar"))
    assert norm.original[a:b] == FLAG_MM
    assert normalise(f"kerja {FLAG_KH} loker").text == "kerja kamboja loker"


def test_jsonl_nesting_and_huge_numbers_are_bad_records_not_tracebacks() -> None:
    data = b"[" * 20_000 + b"\n" + b"1" * 20_000 + b"\n" + json.dumps({"text": "ok"}).encode()
    records = list(read_records(data, "jsonl"))
    assert isinstance(records[0], BadRecord) and records[0].line == 1
    assert "nested deeper" in records[0].reason
    assert isinstance(records[1], BadRecord) and records[1].line == 2
    assert records[1].reason == "not valid JSON (a number has too many digits)"
    assert records[2] == Record(3, 3, "ok")


def test_document_check_reports_hostile_json_instead_of_a_traceback(tmp_path: Path) -> None:
    for name, data in (("deep.json", "[" * 20_000), ("long.json", '{"nik": ' + "1" * 20_000 + "}")):
        path = tmp_path / name
        path.write_text(data, encoding="utf-8")
        result = CliRunner().invoke(document_app, ["check", str(path)])
        assert result.exit_code == 2 and isinstance(result.exception, SystemExit), name
        assert ("nested deeper" in result.output if name == "deep.json"
                else "too many digits" in result.output), result.output
        assert "Traceback" not in result.output


def test_span_index_answers_like_a_list_scan() -> None:
    spans = [(10, 20), (15, 25), (40, 41), (5, 6), (30, 30), (60, 70), (50, 61)]
    index = SpanIndex()
    for a, b in spans:  # out of order, overlapping, empty
        index.add(a, b)
    for pos in range(-1, 80):
        assert index.covers(pos) == any(a <= pos < b for a, b in spans), pos
    assert SpanIndex(spans).covers(24) and not SpanIndex(spans).covers(25)
