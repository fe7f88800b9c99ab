"""Watchlist scores at the API default (issue #13, item 3): a namesake is not an alert, the
listed person with the slips of a register is."""

from __future__ import annotations

import random
from datetime import date, timedelta
from functools import cache

from waspada.demo.synthetic import generate_people
from waspada.matching.index import WatchlistIndex
from waspada.matching.records import PersonRecord as R
from waspada.matching.scorer import list_prior

API_DEFAULT = 0.7


@cache
def _people() -> tuple[R, ...]:
    return tuple(R(p.record_id, p.full_name, p.birth_date, p.sex, nik=p.nik)
                 for p in generate_people(1500, seed=4))


def _list(namesakes: int = 40, name: str = "Siti Aminah") -> list[R]:
    rng = random.Random(5)
    people = list(_people())
    for i in range(namesakes):  # a common full name: many holders, births spread over 50 years
        people.append(R(f"SA-{i}", name, date(1955, 1, 1) + timedelta(
            days=rng.randrange(50 * 365)), "F"))
    people.append(R("W-1", "Wahyu Hidayat Situmorang", date(1984, 3, 12), "M",
                    nik="1271011203840002"))
    return people


def test_namesake_with_a_nearby_birth_date_is_no_alert() -> None:
    for name in ("Siti Aminah", "Stefanie Halim"):
        idx = WatchlistIndex.build(_list(40, name))
        listed = {r.birth_date for r in _list(40, name) if r.full_name == name}
        alerts = 0
        day = date(1956, 2, 3)
        for _ in range(200):  # unlisted women of that name, born on other days
            day += timedelta(days=83)
            if day in listed:
                continue
            alerts += bool(idx.search(R("q", name, day, "F"), threshold=API_DEFAULT))
        assert alerts <= 2, name


def test_a_name_many_entries_hold_weighs_less_and_says_so() -> None:
    common = WatchlistIndex.build(_list(40, "Stefanie Halim"))
    alone = WatchlistIndex.build(_list(1, "Stefanie Halim"))
    q = R("q", "Stefanie Halim", None, "F")
    sc = common.search(q, top=1, threshold=0.0)[0]
    sa = alone.search(q, top=1, threshold=0.0)[0]
    assert sc.explanation["name"]["weight"] < sa.explanation["name"]["weight"]
    assert sc.explanation["name"]["common_name_cap"] < 12
    assert "common_name_cap" not in sa.explanation["name"]


def test_listed_person_with_slips_is_an_alert() -> None:
    idx = WatchlistIndex.build(_list())
    for q in (R("q", "Wahyu Hidayat Situmorang", date(1984, 3, 12), "M"),
              R("q", "WAHYU HIDAJAT SITUMORANG", date(1984, 12, 3), "M"),  # day/month swapped
              R("q", "Wahyu Situmorang", date(1985, 3, 12), "M"),  # middle name, year off
              # the year mistyped, the NIK agrees
              R("q", "Wahyu Hidayat Situmorang", date(1994, 3, 12), "M",
                nik="1271011203840002")):
        m = idx.search(q, top=5, threshold=API_DEFAULT)
        assert m and m[0].record_id == "W-1", q


def test_prior_follows_the_list_size() -> None:
    small = WatchlistIndex.build(_list(1)[:50])
    big = WatchlistIndex.build(_list(1))
    assert list_prior(len(big)) < list_prior(len(small)) < 0
    q = R("q", "Wahyu Hidayat Situmorang", date(1984, 3, 12), "M")
    assert big.search(q, top=1)[0].explanation["prior"] == round(list_prior(len(big)), 2)
