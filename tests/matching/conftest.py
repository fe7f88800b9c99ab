"""Fixtures: a small deterministic person file with known duplicate identities."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from waspada.demo.synthetic import generate_people
from waspada.matching.records import COLUMNS, PersonRecord

N_BASE = 600


def base_records() -> list[PersonRecord]:
    return [PersonRecord(p.record_id, p.full_name, p.birth_date, p.sex, p.birth_place,
                         p.address, p.nik, p.passport_no, p.phone.replace("+62", "0"))
            for p in generate_people(N_BASE, seed=21)]


def _variant(r: PersonRecord, i: int) -> PersonRecord:
    kind = i % 5
    rid = f"DUP-{i:03d}"
    if kind == 0:  # title + one-year shift, same NIK
        return replace(r, record_id=rid, full_name="H. " + r.full_name,
                       birth_date=r.birth_date.replace(year=r.birth_date.year + 1),
                       passport_no=None)
    if kind == 1:  # old spelling, new NIK, same phone
        name = r.full_name.replace("u", "oe").replace("j", "dj")
        return replace(r, record_id=rid, full_name=name, nik=None, passport_no=None)
    if kind == 2:  # day/month swap (or same date), same passport
        d = r.birth_date
        bd = date(d.year, d.day, d.month) if d.day <= 12 else d
        return replace(r, record_id=rid, birth_date=bd, nik=None, phone=None)
    if kind == 3:  # bin/binti added, same NIK
        marker = "bin" if r.sex == "M" else "binti"
        return replace(r, record_id=rid, full_name=f"{r.full_name} {marker} Slamet",
                       passport_no=None, phone=None)
    # typo in the name, same NIK
    name = r.full_name[:-2] + r.full_name[-1] if len(r.full_name) > 6 else r.full_name
    return replace(r, record_id=rid, full_name=name, passport_no=None, phone=None)


def dataset() -> tuple[list[PersonRecord], list[tuple[str, str]]]:
    base = base_records()
    dups = []
    pairs = []
    for i in range(40):
        src = base[i * 13]
        v = _variant(src, i)
        dups.append(v)
        pairs.append((src.record_id, v.record_id))
    return base + dups, pairs


def write_csv(path: Path, records: list[PersonRecord]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for r in records:
            row = r.to_row()
            w.writerow([row[c] for c in COLUMNS])
    return path


@pytest.fixture(scope="session")
def person_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, str]]]:
    recs, pairs = dataset()
    return write_csv(tmp_path_factory.mktemp("matching") / "people.csv", recs), pairs
