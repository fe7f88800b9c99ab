"""The blind third generator (``bench/matching_blind.py``) at ~500 records, without the dedupe."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import Counter
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load():
    spec = importlib.util.spec_from_file_location("matching_blind", ROOT / "bench" / "matching_blind.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["matching_blind"] = module
    spec.loader.exec_module(module)
    return module


mb = _load()


@pytest.fixture(scope="module")
def ds():
    # 3,000 records: enough households that twins and a son named after his father appear
    return mb.generate(3000, 1)


def test_deterministic_for_a_seed():
    a, b, c = mb.generate(500, 7), mb.generate(500, 7), mb.generate(500, 8)
    assert a.records == b.records and a.labels == b.labels
    assert a.records != c.records
    assert len(a.records) == 500


def test_nik_consistent_with_birth_date_sex_and_place(ds):
    for p in ds.people.values():
        nik = p.nik
        assert len(nik) == 16 and nik.isdigit()
        assert nik[:6] == p.prov + p.reg + p.dist
        day = int(nik[6:8])
        assert (day > 40) == (p.sex == "F")
        assert date(p.birth.year, int(nik[8:10]), day - (40 if p.sex == "F" else 0)) == p.birth
        assert int(nik[10:12]) == p.birth.year % 100
        assert int(nik[12:]) >= 1
    assert len({p.nik for p in ds.people.values()}) == len(ds.people)  # unique per person


def test_every_duplicate_shares_its_originals_label(ds):
    ids = [r["record_id"] for r in ds.records]
    assert len(set(ids)) == len(ids) == 3000
    assert set(ds.labels) == set(ids)
    per_person = Counter(ds.labels.values())
    assert set(per_person) == set(ds.people)  # every person has a record, every label a person
    dup_people = sum(1 for n in per_person.values() if n > 1)
    assert 0.10 <= dup_people / len(ds.people) <= 0.20
    by_person: dict[str, list[dict[str, str]]] = {}
    for rec in ds.records:
        by_person.setdefault(ds.labels[rec["record_id"]], []).append(rec)
    for pid, recs in by_person.items():
        p = ds.people[pid]
        # the original is there, written as the person's name (in some case)
        assert any(r["full_name"].casefold() == p.name.casefold() for r in recs)
        # and every duplicate is recognisably that person's: same NIK, same birth date, a
        # shared name part or a close name
        words = set(re.findall(r"[a-z]{3,}", p.name.casefold()))
        for r in recs:
            name = r["full_name"].casefold()
            for title in mb.TITLES_M + mb.TITLES_F + mb.SUFFIXES:
                name = name.replace(title.casefold(), " ")
            close = SequenceMatcher(None, p.name.casefold(), " ".join(name.split())).ratio()
            assert (r["nik"] == p.nik or r["birth_date"] == p.birth.isoformat()
                    or words & set(re.findall(r"[a-z]{3,}", name)) or close >= 0.6), (p.name, name)


def test_hard_negative_kinds_present(ds):
    assert ds.twins and ds.father_son
    for a, b in ds.twins:
        assert ds.people[a].birth == ds.people[b].birth and a != b
        assert ds.people[a].household == ds.people[b].household
    for father, son in ds.father_son:
        assert ds.people[father].name == ds.people[son].name
        assert ds.people[son].birth.year - ds.people[father].birth.year >= 15
    names = Counter(p.name.casefold() for p in ds.people.values())
    assert names.most_common(1)[0][1] >= 5  # same name, different person


def test_traditions_and_name_shapes(ds):
    names = [p.name for p in ds.people.values()]
    assert any(n.startswith(("I ", "Ni ")) for n in names)  # Balinese birth-order names
    assert any(n.split()[-1] in mb.MARGA for n in names)  # Batak marga
    assert any(len(n.split()) == 1 for n in names)  # mononyms
    assert any(n.startswith(("Muhammad", "Abdul", "Ahmad")) for n in names)


def test_evaluation_counts_pairs():
    small = mb.generate(500, 3)
    perfect = mb.evaluate(small, dict(small.labels))
    assert perfect["precision"] == perfect["recall"] == perfect["f1"] == 1.0
    singletons = mb.evaluate(small, {r: r for r in small.labels})
    assert singletons["recall"] == 0.0 and singletons["predicted_pairs"] == 0
    one = mb.evaluate(small, {r: "all" for r in small.labels})
    assert one["largest"] == 500 and one["recall"] == 1.0 and one["precision"] < 0.01
    hard = one["hard"]
    assert all(merged == total for total, merged in hard.values())
