"""Indonesian synthetic matching data: base people, variants of them, and hard negatives.

Base people come from ``waspada.demo.synthetic.generate_people``. Each variant is the same
person written differently (one kind per variant); hard negatives are different people built to
look alike. Used by ``bench/matching.py`` and the tests.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace
from datetime import date, timedelta

from waspada.demo.synthetic import generate_people, nik_for
from waspada.matching.records import PersonRecord

POSITIVE_KINDS = (
    "one_year_shift", "old_spelling", "muhammad_variant", "title", "bin_binti", "single_name",
    "token_merge", "day_month_swap", "jan1_default", "typo",
)
NEGATIVE_KINDS = ("same_common_name", "father_son_bin", "twins")

_OLD = [("u", "oe"), ("j", "dj"), ("c", "tj"), ("y", "j"), ("ny", "nj"), ("sy", "sj"),
        ("kh", "ch")]
_MUH = ("Muhammad", "Mohammad", "Moch.", "M.", "Muh.", "Mochamad", "Mohd.", "Muhamad")
_TITLES_M = ("H.", "Drs.", "Ir.", "Bapak", "Dr.", "KH.")
_TITLES_F = ("Hj.", "Dra.", "Ny.", "Ibu", "Dr.")
_DEGREES = ("S.H.", "S.E.", "S.Pd.", "M.M.", "S.Kom.", "A.Md.")
_MERGEABLE = {"Nur": True, "Siti": True, "Abdul": True, "Sri": True, "Dwi": True, "Tri": True}
_FATHER = ("Slamet", "Sutrisno", "Ahmad", "Yusuf", "Hasan", "Usman", "Ibrahim", "Daud",
           "Abdullah", "Ismail", "Karto", "Suparman", "Sugeng", "Rahmat", "Anwar")


def _rec(p, **kw) -> PersonRecord:
    base = PersonRecord(p.record_id, p.full_name, p.birth_date, p.sex, p.birth_place, p.address,
                        p.nik, p.passport_no, p.phone.replace("+62", "0"))
    return replace(base, **kw)


def _old_spelling(name: str, rng: random.Random) -> str | None:
    low = name
    options = [(a, b) for a, b in _OLD if a in low.lower()]
    if not options:
        return None
    out = name
    for a, b in rng.sample(options, k=min(len(options), rng.randint(1, 2))):
        out = re.sub(a, b, out)
        out = re.sub(a.capitalize(), b.capitalize(), out)
    return out if out != name else None


def _typo(name: str, rng: random.Random) -> str:
    parts = name.split()
    i = max(range(len(parts)), key=lambda k: len(parts[k]))
    w = parts[i]
    if len(w) < 5:
        return name + "h" if not name.endswith("h") else name[:-1]
    j = rng.randint(1, len(w) - 2)
    op = rng.choice(("swap", "drop", "double"))
    if op == "swap":
        w = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    elif op == "drop":
        w = w[:j] + w[j + 1:]
    else:
        w = w[:j] + w[j] + w[j:]
    parts[i] = w
    return " ".join(parts)


def variant(p, kind: str, rng: random.Random, rid: str) -> PersonRecord | None:
    """A record of the same person ``p`` written with variant ``kind`` (None if impossible)."""
    name, bd = p.full_name, p.birth_date
    if kind == "one_year_shift":
        try:
            bd = bd.replace(year=bd.year + rng.choice((-1, 1)))
        except ValueError:
            return None
    elif kind == "old_spelling":
        name = _old_spelling(name, rng)
        if name is None:
            return None
    elif kind == "muhammad_variant":
        toks = name.split()
        if toks[0] in ("Muhammad", "Teuku"):
            toks[toks.index("Muhammad")] = rng.choice(_MUH[1:])
        elif p.sex == "M":
            # add the Muhammad prefix in both records (base gets the full form)
            return None
        name = " ".join(toks)
    elif kind == "title":
        t = rng.choice(_TITLES_M if p.sex == "M" else _TITLES_F)
        name = f"{t} {name}"
        if rng.random() < 0.5:
            name += ", " + rng.choice(_DEGREES)
    elif kind == "bin_binti":
        if " bin " in name or " binti " in name:
            name = name.split(" bin")[0]
        else:
            name = f"{name} {'bin' if p.sex == 'M' else 'binti'} {rng.choice(_FATHER)}"
    elif kind == "single_name":
        if len(name.split()) != 1:
            return None
        name = rng.choice((f"{name} {name}", name.upper(), name))
    elif kind == "token_merge":
        toks = name.split()
        merged = None
        for i in range(len(toks) - 1):
            if toks[i] in _MERGEABLE:
                merged = toks[:i] + [toks[i] + toks[i + 1].lower()] + toks[i + 2:]
                break
        if merged is None:
            return None
        name = " ".join(merged)
    elif kind == "day_month_swap":
        if bd.day > 12 or bd.day == bd.month:
            return None
        bd = date(bd.year, bd.day, bd.month)
    elif kind == "jan1_default":
        if bd.month == 1 and bd.day == 1:
            return None
        bd = date(bd.year, 1, 1)
    elif kind == "typo":
        name = _typo(name, rng)
    else:
        raise ValueError(kind)
    # a second identity: NIK often absent or different, passport different, phone sometimes kept
    r = rng.random()
    nik = p.nik if r < 0.25 else (None if r < 0.75 else
                                  nik_for(p.nik[:6], bd, p.sex, rng.randint(1, 9999)))
    phone = p.phone.replace("+62", "0") if rng.random() < 0.3 else None
    return PersonRecord(rid, name, bd, p.sex, p.birth_place, None if rng.random() < 0.5
                        else p.address, nik, None, phone)


def negative(p, kind: str, rng: random.Random, rid: str) -> tuple[PersonRecord, PersonRecord
                                                                  ] | None:
    """(record resembling p, p itself possibly renamed) for a hard-negative ``kind``."""
    if kind == "same_common_name":
        delta = rng.randint(3, 25) * rng.choice((-1, 1))
        try:
            bd = p.birth_date.replace(year=p.birth_date.year + delta)
        except ValueError:
            bd = p.birth_date + timedelta(days=365 * delta)
        nik = nik_for(p.nik[:6], bd, p.sex, rng.randint(1, 9999))
        return (PersonRecord(rid, p.full_name, bd, p.sex, p.birth_place, None, nik, None, None),
                _rec(p))
    if kind == "father_son_bin":
        if p.sex != "M":
            return None
        given = p.full_name.split(" bin ")[0].split()[0]
        father_name = f"{rng.choice(_FATHER)} bin {rng.choice(_FATHER)}"
        son = _rec(p, full_name=f"{p.full_name.split(' bin ')[0]} bin {father_name.split()[0]}")
        fbd = p.birth_date - timedelta(days=365 * rng.randint(20, 35))
        father = PersonRecord(rid, f"{father_name.split(' bin ')[0]} {given}"
                              if rng.random() < 0.3 else father_name, fbd, "M", p.birth_place,
                              p.address, nik_for(p.nik[:6], fbd, "M", rng.randint(1, 9999)),
                              None, None)
        return father, son
    if kind == "twins":
        toks = p.full_name.split(" bin")[0].split()
        if len(toks) < 2:
            return None
        from waspada.demo.synthetic import TRADITIONS

        pool = [g for t in TRADITIONS.values() for g in (t[1] if p.sex == "M" else t[2])
                if " " not in g and g != toks[0]]
        twin_name = " ".join([rng.choice(pool)] + toks[1:])
        twin = PersonRecord(rid, twin_name, p.birth_date, p.sex, p.birth_place, p.address,
                            nik_for(p.nik[:6], p.birth_date, p.sex, rng.randint(1, 9999)),
                            None, None)
        return twin, _rec(p)
    raise ValueError(kind)


def build(n_base: int, *, per_kind: int = 100, seed: int = 11
          ) -> tuple[list[PersonRecord], dict[str, list[tuple[str, str]]],
                     dict[str, list[tuple[str, str]]]]:
    """(records, positive pairs by kind, negative pairs by kind).

    ``records`` holds ``n_base`` base people plus variants and hard negatives; pairs are
    (record_id, record_id).
    """
    rng = random.Random(seed)
    people = generate_people(n_base, seed=seed)
    recs: dict[str, PersonRecord] = {p.record_id: _rec(p) for p in people}
    pos: dict[str, list[tuple[str, str]]] = {k: [] for k in POSITIVE_KINDS}
    neg: dict[str, list[tuple[str, str]]] = {k: [] for k in NEGATIVE_KINDS}
    # Muhammad variants need Muhammad names: rename some base men
    men = {p.record_id for p in people if p.sex == "M" and " " in p.full_name}
    used: set[str] = set()
    n = 0
    for kind in POSITIVE_KINDS + NEGATIVE_KINDS:
        tries = 0
        got = 0
        while got < per_kind and tries < per_kind * 200:
            tries += 1
            p = rng.choice(people)
            if p.record_id in used:
                continue
            if kind == "muhammad_variant" and not p.full_name.startswith("Muhammad"):
                if p.record_id not in men or rng.random() < 0.5:
                    continue
                p = replace(p, full_name="Muhammad " + p.full_name.split(" bin")[0])
                recs[p.record_id] = _rec(p)
            if kind == "token_merge" and not any(p.full_name.startswith(k + " ")
                                                 for k in _MERGEABLE):
                continue
            if kind == "single_name" and " " in p.full_name:
                continue
            n += 1
            rid = f"V{n:07d}"
            if kind in POSITIVE_KINDS:
                v = variant(p, kind, rng, rid)
                if v is None:
                    continue
                recs[rid] = v
                pos[kind].append((p.record_id, rid))
            else:
                out = negative(p, kind, rng, rid)
                if out is None:
                    continue
                other, base = out
                recs[rid] = other
                recs[base.record_id] = base
                neg[kind].append((base.record_id, rid))
            used.add(p.record_id)
            got += 1
    return list(recs.values()), pos, neg
