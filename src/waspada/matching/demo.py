"""Idempotent demo data: a synthetic watchlist and person records with duplicate identities."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from waspada.demo.synthetic import SyntheticPerson, generate_people
from waspada.matching import store
from waspada.matching.records import PersonRecord
from waspada.platform.db import session_scope

KINDS = ("pencegahan", "recruiter", "victim", "postponed")


def _rec(p: SyntheticPerson, prefix: str) -> PersonRecord:
    return PersonRecord(f"{prefix}-{p.record_id[4:]}", p.full_name, p.birth_date, p.sex,
                        p.birth_place, p.address, p.nik, p.passport_no,
                        p.phone.replace("+62", "0"), "demo")


#: the demo entries' reason, shown on the search page as "Alasan pencantuman: …": data in
#: the page's language (it was "Synthetic demo entry", English on an Indonesian page)
DEMO_REASON = "Entri demo sintetis (rekaan)"


def load_demo_matching(seed: int) -> tuple[int, int]:
    people = generate_people(260, seed=seed + 101)
    created = skipped = 0
    with session_scope() as db:
        existing = set(db.scalars(select(store.WatchlistEntry.record_id)))
        for i, p in enumerate(people[:40]):
            r = _rec(p, "DEMO-WL")
            if r.record_id in existing:
                skipped += 1
                continue
            store.add_entry(db, r, reason=DEMO_REASON, source="demo",
                            list_kind=KINDS[i % len(KINDS)], expires_on=None, actor="demo")
            created += 1
        have = set(db.scalars(select(store.PersonRecordRow.record_id)))
        recs = [_rec(p, "DEMO-PR") for p in people[40:]]
        # a few second identities: old spelling, title, one-year shift
        for i, r in enumerate(recs[:12]):
            name = r.full_name.replace("u", "oe") if i % 3 == 0 else (
                "H. " + r.full_name if i % 3 == 1 else r.full_name)
            bd = r.birth_date
            if i % 3 == 2 and bd is not None:
                bd = bd.replace(year=bd.year + 1)
            recs.append(replace(r, record_id=f"{r.record_id}-B", full_name=name,
                                birth_date=bd, nik=None, passport_no=None))
        for r in recs:
            if r.record_id in have:
                skipped += 1
                continue
            db.add(store.PersonRecordRow(record_id=r.record_id, full_name=r.full_name,
                                         birth_date=r.birth_date, sex=r.sex,
                                         birth_place=r.birth_place, address=r.address,
                                         nik=r.nik, passport_no=r.passport_no, phone=r.phone,
                                         source="demo"))
            created += 1
    return created, skipped
