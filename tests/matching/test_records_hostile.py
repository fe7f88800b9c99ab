"""Person-record and name parsers under arbitrary input (round 21 pass; no database).

``read_records_text`` raises only :class:`RecordError` (strict and tolerant), with a line
number and an Indonesian page message; ``record_from_mapping`` the same for any mapping;
``parse_name`` / ``name_features`` never raise; and their time grows linearly with the input
(1 MB of ``a a a``, 100,000 ``bin``, nested titles). Times are CPU seconds, best of 3.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.security.adversarial import best_time
from waspada.identity.names import clear_caches, parse_name
from waspada.matching.features import features_of, name_features
from waspada.matching.records import (
    COLUMNS,
    PersonRecord,
    RecordError,
    Rejection,
    read_records_text,
    record_from_mapping,
    records_from_bytes,
)
from waspada.platform.files import page_message

_CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "bin", "binti", "Hj.", "1990-02-30", "0000-00-00", "9999-99-99",
                     "1975-13", "L", "P", "x", "=HYPERLINK(\"http://x\")", '"', '""', "\r",
                     "\n", "\x00", "\ufeff", "\u202e", "\u0301", "😀", "a" * 1001]))
_HEADER = st.lists(st.sampled_from([*COLUMNS, "source", "weird", ""]), min_size=1,
                   max_size=12)


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.text(max_size=300),
    st.builds(_csv, _HEADER, st.lists(st.lists(_CELL, max_size=12), max_size=6)),
    st.builds(lambda body: "record_id,full_name,birth_date,sex\n" + body, st.text(max_size=200))),
    st.booleans())
@example('record_id,full_name\nr1,"Ani\nr2,Budi\n', False)
@example("record_id,full_name\nr1,Siti\x00Rahayu\n", True)
@example("record_id,full_name," + ",".join(f"c{i}" for i in range(500)) + "\n", False)
def test_any_text_raises_only_record_error(text: str, tolerant: bool) -> None:
    rejects: list[Rejection] | None = [] if tolerant else None
    try:
        records = read_records_text(text, rejects=rejects)
    except RecordError as exc:
        assert exc.line is None or exc.line >= 1
        message = page_message(exc)
        assert message and len(message) < 1200, len(message)
        return
    assert all(isinstance(r, PersonRecord) and r.record_id and r.full_name for r in records)
    assert len({r.record_id for r in records}) == len(records)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([*COLUMNS, "source", "x"]),
                       st.one_of(_CELL, st.none(), st.integers(), st.floats()), max_size=10),
       st.booleans())
def test_any_mapping_raises_only_record_error(row: dict[str, Any], tolerant: bool) -> None:
    rejects: list[Rejection] | None = [] if tolerant else None
    try:
        rec = record_from_mapping(row, line=2, rejects=rejects)
    except RecordError as exc:
        assert exc.line == 2
        return
    except Exception as exc:  # the tolerant mode's internal skip signal, nothing else
        assert tolerant and type(exc).__name__ == "_Skipped", repr(exc)
        return
    assert rec.full_name and rec.record_id


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000))
def test_names_never_raise(text: str) -> None:
    parse_name(text)
    tokens, phon, patronym, patronym_phon, _ = name_features(text)
    assert len(tokens) == len(phon) and len(patronym) == len(patronym_phon)
    features_of(PersonRecord("q", text or "x"), keep_record=False)


def test_header_errors_list_a_bounded_number_of_columns() -> None:
    # 10,000 unknown columns made a 69,000-character error on the page
    header = "record_id,full_name," + ",".join(f"kolom{i}" for i in range(10_000))
    for text in (header + "\n", "record_id,full_name," + ",".join(["nik"] * 10_000) + "\n"):
        with pytest.raises(RecordError) as info:
            records_from_bytes(text.encode())
        assert len(str(info.value)) < 1000 and len(page_message(info.value)) < 1000
    with pytest.raises(RecordError, match=r"kolom9, … \(\+9,990\)"):
        records_from_bytes((header + "\n").encode())


_NESTED_TITLES = "Haji Prof. Dr. (H. Ir. (Hj. Drs. " * 5000 + "Siti" + "))" * 5000
_SHAPES = {
    "a a a": lambda n: "a " * (n // 2),
    "bin bin": lambda n: "bin " * (n // 4),
    "bin binti": lambda n: "bin binti " * (n // 10),
    "nested titles": lambda n: _NESTED_TITLES[: n // 2] + _NESTED_TITLES[-n // 2:],
    "combining marks": lambda n: "a" + "\u0301" * n,
    "rtl marks": lambda n: "Siti \u202e" * (n // 6),
}


@pytest.mark.parametrize("shape", sorted(_SHAPES))
def test_name_parsing_time_is_linear(shape: str) -> None:
    make = _SHAPES[shape]

    def run(n: int) -> float:
        text = make(n)

        def once() -> None:
            clear_caches()
            name_features(text)
            features_of(PersonRecord("q", text), keep_record=False)
        return best_time(once)

    small, big = run(250_000), run(1_000_000)
    assert big < 0.5, f"{shape}: 1 MB took {big:.2f} s CPU"
    assert big <= 4 * 2.5 * small + 0.02, (shape, small, big)


@pytest.mark.parametrize("name", ["a a a a a", "bin bin bin bin", "Haji Prof. Dr. (H. Siti)"])
def test_person_csv_reading_time_is_linear(name: str) -> None:
    def csv_of(rows: int) -> str:
        return "record_id,full_name\n" + "".join(f"r{i},{name}\n" for i in range(rows))

    small, big = (best_time(lambda t=csv_of(n): read_records_text(t)) for n in (10_000,
                                                                                 40_000))
    assert big <= 4 * 2.0 * small + 0.05, (name, small, big)
    # one 1 MB field of "a a a": refused at once, naming the line
    with pytest.raises(RecordError) as info:
        read_records_text("record_id,full_name\nr1," + "a " * 500_000 + "\n")
    assert info.value.line == 2
