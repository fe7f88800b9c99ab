"""The measuring helpers of bench/matching_ceiling.py (the supervised ceiling, issue #13)."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def ceiling():
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("matching_ceiling",
                                                      BENCH / "matching_ceiling.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        yield mod
    finally:
        sys.path.remove(str(BENCH))


def test_best_recall_counts_unblocked_true_pairs_and_takes_ties_together(ceiling):
    scores = np.array([0.9, 0.8, 0.8, 0.7, 0.1])
    labels = np.array([True, True, False, True, False])
    # at 0.9: 1 of 1 right (P 1); at 0.8 both tied pairs come in: 2/3 < 0.99
    r, p, t = ceiling.best_recall_at(scores, labels, total_true=4)
    assert (r, p, t) == (0.25, 1.0, 0.9)
    r, p, t = ceiling.best_recall_at(scores, labels, total_true=4, target=0.6)
    assert (r, t) == (0.75, 0.7) and p == pytest.approx(0.75)


def test_best_recall_when_no_threshold_reaches_the_precision(ceiling):
    r, p, t = ceiling.best_recall_at(np.array([0.9]), np.array([False]), total_true=3)
    assert r == 0.0 and t == float("inf")


def test_pr_at_a_threshold(ceiling):
    p, r = ceiling.pr_at(np.array([0.6, 0.5, 0.4]), np.array([True, False, True]), 4, 0.5)
    assert (p, r) == (0.5, 0.25)


def test_folds_keep_a_person_together_and_are_balanced(ceiling):
    persons = [f"p{i}" for i in range(100)] * 3
    folds = ceiling.person_folds(persons)
    assert set(folds) == set(persons)
    counts = np.bincount(list(folds.values()), minlength=ceiling.FOLDS)
    assert counts.tolist() == [20] * ceiling.FOLDS


def test_hamming_only_for_equal_lengths(ceiling):
    assert ceiling._hamming("3171012345", "3171012845") == 1
    assert ceiling._hamming("317", "3171") == -1
    assert ceiling._hamming("", "") == -1


def test_blind_data_reads_the_records_as_the_cli_does(ceiling):
    recs, person_of, rejects = ceiling.blind_data(60, 2)
    ds = ceiling.generate_blind(60, 2)
    assert [r.record_id for r in recs] == [r["record_id"] for r in ds.records]
    assert person_of == ds.labels
    assert not any(r.skipped for r in rejects)
    assert recs[0].full_name == ds.records[0]["full_name"].strip()
    # normalised as the reader does: a phone's digits only
    assert all(r.phone is None or r.phone.isdigit() for r in recs)
    assert any(r.phone for r in recs) and any(r.birth_date for r in recs)


def test_blind_data_skips_records_without_a_name_and_reads_bad_values_as_missing(
        ceiling, monkeypatch):
    rows = [{"record_id": "R1", "full_name": "Siti Aminah", "birth_date": "1980-13-01",
             "sex": "P"},
            {"record_id": "R2", "full_name": " ", "birth_date": "1980-01-01", "sex": "L"},
            {"record_id": "R3", "full_name": "Siti Aminah", "birth_date": "1980-01-03",
             "sex": "x"}]
    labels = {"R1": "p1", "R2": "p1", "R3": "p1"}
    monkeypatch.setattr(ceiling, "generate_blind",
                        lambda size, seed: SimpleNamespace(records=rows, labels=labels))
    recs, person_of, rejects = ceiling.blind_data(3, 2)
    assert [r.record_id for r in recs] == ["R1", "R3"]
    assert person_of == {"R1": "p1", "R3": "p1"}
    assert recs[0].birth_date is None and recs[1].sex is None
    assert recs[1].birth_date == date(1980, 1, 3)
    assert sorted((r.line, r.column, r.skipped) for r in rejects) == [
        (2, "birth_date", False), (3, "full_name", True), (4, "sex", False)]
