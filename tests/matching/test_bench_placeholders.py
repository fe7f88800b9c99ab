"""The data helpers of bench/matching_placeholders.py (issue #13 item 4, round 23)."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import pytest

from tests.bench_module import bench_module
from waspada.matching.records import PersonRecord, Rejection, read_records_text


@pytest.fixture(scope="module")
def bench() -> Iterator[ModuleType]:
    with bench_module("matching_placeholders") as mod:
        yield mod


def test_the_placeholder_and_the_empty_runs_touch_the_same_records(bench: ModuleType) -> None:
    records = [PersonRecord(f"r{i}", "Budi Santoso", nik=f"32010112038{i:05d}")
               for i in range(400)]
    placed = bench.rows_with(records, "nik", ("0", "TIDAK ADA"), 0.25)
    blank = bench.rows_with(records, "nik", ("0", "TIDAK ADA"), 0.25, blank=True)
    changed = [i for i, row in enumerate(placed) if row["nik"] in ("0", "TIDAK ADA")]
    assert 60 < len(changed) < 140
    assert changed == [i for i, row in enumerate(blank) if row["nik"] == ""]
    noted: list[Rejection] = []
    read = read_records_text(bench.as_csv(placed), rejects=noted)
    assert [i for i, r in enumerate(read) if r.nik is None] == changed
    assert len(noted) == len(changed) and {r.column for r in noted} == {"nik"}
