"""How two birth dates relate, and what each relation weighs in the real-time scorer
(:mod:`waspada.matching.scorer`); re-exported by :mod:`waspada.matching.features`."""

from __future__ import annotations

from datetime import date

__all__ = ["BIRTH_DATE_WEIGHTS", "UNKNOWN_DAY_DATES", "birth_date_relation"]

#: month and day of the dates Indonesian registries write for an unknown day of birth: 31
#: December until SIAK (2004), 1 July since (Permendagri 19/2010), 1 January by custom. In 2019
#: the population database held 10.3 M people born on 1 July, 5.8 M on 31 December and 2.6 M on
#: 1 January (Ditjen Dukcapil, reported by Tribunnews 2019-04-03; docs/matching.md), about a
#: tenth of the voters, against some 0.5 M for any other day
UNKNOWN_DAY_DATES: tuple[str, ...] = ("01-01", "07-01", "12-31")
_UNKNOWN_DAYS = frozenset((int(d[:2]), int(d[3:])) for d in UNKNOWN_DAY_DATES)


def birth_date_relation(a: date | None, b: date | None) -> str:
    """How two birth dates relate.

    ``exact``, ``exact_unknown_day`` (the same date, one a registry writes for an unknown
    day: :data:`UNKNOWN_DAY_DATES`), ``day_month_swap``, ``one_year_shift`` (same day and
    month, years 1 apart),
    ``jan1_default`` (one side is 1 January of the same year: an unknown date recorded as 1/1),
    ``typo`` (one digit of the day or month differs), ``close`` (within 45 days),
    ``same_year``, ``near`` (within 2 years), ``far`` (years apart), ``unknown`` (either missing).
    """
    if a is None or b is None:
        return "unknown"
    if a == b:
        return "exact_unknown_day" if (a.month, a.day) in _UNKNOWN_DAYS else "exact"
    if a.year == b.year and a.month == b.day and a.day == b.month:
        return "day_month_swap"
    if a.month == b.month and a.day == b.day and abs(a.year - b.year) == 1:
        return "one_year_shift"
    if a.year == b.year and ((a.month == 1 and a.day == 1) or (b.month == 1 and b.day == 1)):
        return "jan1_default"
    if a.year == b.year:
        sa, sb = a.isoformat(), b.isoformat()
        if sum(x != y for x, y in zip(sa, sb, strict=True)) == 1:
            return "typo"
    days = abs((a - b).days)
    if days <= 45:
        return "close"
    if a.year == b.year:
        return "same_year"
    if days <= 2 * 366:
        return "near"
    return "far"


#: log2 Bayes factors of each birth-date relation, log2(m / u): m = how often the relation
#: appears between two records of one person (registers: about 90 % exact, 1-2 % each kind of
#: slip, well under 1 % unrelated), u = how often between two people (birth dates spread over
#: some 50 years: exact 1 in 18,000, same year 1 in 50, within two years 1 in 12...). Examples:
#: exact log2(0.9 / 5.5e-5) = 14; typo log2(0.02 / 0.001) = 4.5; same year log2(0.005 / 0.02)
#: = -2; far log2(0.005 / 0.9) = -7.5. (Before issue #13 the agreements counted about half as
#: much, e.g. exact +7, and a far date -16, against a fixed prior of -8 bits.) The same
#: unknown-day date (round 24): a date d held by a share P(d) of people gives log2(0.9 / P(d));
#: a year's 1 July holds about 5.4 % of its people (1 January 1.4 %, 31 December 3 %) against
#: 0.25 % for another day, so log2(0.9 / (0.02 × 0.054)) = 9.7 (1 January 11.7, 31 December
#: 10.6) against 14 for the same real date: 10.
BIRTH_DATE_WEIGHTS: dict[str, float] = {
    "exact": 14.0, "exact_unknown_day": 10.0, "day_month_swap": 7.5, "one_year_shift": 6.5,
    "jan1_default": 6.5,
    "typo": 4.5, "close": 0.0, "same_year": -2.0, "near": -4.5, "far": -7.5, "unknown": 0.0,
}
