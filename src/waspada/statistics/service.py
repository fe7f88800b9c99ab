"""Statistics operations: access check, queries, audit entry. Interfaces call only these.

Counts are computed from the operational tables on each call (no pre-aggregated tables yet,
see docs/statistics.md). Unit-scoped roles (policy.CROSS_UNIT_ROLES excepted) count only
their own unit's screenings and cases.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from waspada.platform import audit
from waspada.platform.files import FileError, atomic_writer, csv_cells, dumps_json
from waspada.platform.security.policy import CROSS_UNIT_ROLES, Principal, allowed

from .aggregate import UNKNOWN, Fact, count_by, province_of_nik
from .alerts import Alert, detect
from .catalogue import computed, indicators
from .periods import Kind, Period
from .suppression import DEFAULT_K, SuppressedTable, suppress_linked
from .tilemap import province_name

__all__ = ["AccessDenied", "PublishResult", "alerts", "facts", "publish", "series"]

#: case codes (cases/pages.py EXPLOITATION_LABELS, COMPOUND_LABELS) counted as scam compounds
SCAM_EXPLOITATION = frozenset({"ForcedCriminality"})
SCAM_COMPOUNDS = frozenset({"OnlineScam", "OnlineGambling", "OtherCompound"})
REFERRED = ("refer_kp2mi", "refer_police")


class _Dimensions(TypedDict):
    """The keyword arguments a ``Fact`` shares with the other facts of one row."""

    day: date
    province: str
    destination: str
    unit: str


class AccessDenied(PermissionError):
    """The principal may not perform the statistics action."""


def _check(principal: Principal, action: str) -> None:
    if not allowed(principal, action):
        raise AccessDenied(action)


def _scoped_unit(principal: Principal) -> int | None:
    """The unit to restrict to, or None for cross-unit roles and the CLI."""
    if principal.is_cli or principal.role in CROSS_UNIT_ROLES:
        return None
    return principal.unit_id if principal.unit_id is not None else -1


def _day(value: Any) -> date:
    return value.date() if hasattr(value, "date") else value


def _known_provinces() -> frozenset[str]:
    from waspada.identity.nik import province_codes

    return frozenset(province_codes())


def _screening_facts(db: Session, unit: int | None, known: frozenset[str]) -> Iterator[Fact]:
    from waspada.platform.security.models import Unit
    from waspada.screening.store import Screening

    q = (select(Screening.created_at, Screening.nik, Screening.destination_country,
                Unit.code, Screening.final_action, Screening.level)
         .join(Unit, Unit.id == Screening.unit_id))
    if unit is not None:
        q = q.where(Screening.unit_id == unit)
    for created, nik, dest, unit_code, final, level in db.execute(q).yield_per(5000):
        base = _Dimensions(day=_day(created), province=province_of_nik(nik, known),
                    destination=(dest or UNKNOWN).upper(), unit=unit_code)
        yield Fact("screenings", **base)
        if final == "postpone":
            yield Fact("screenings_postponed", **base)
        if final in REFERRED:
            yield Fact("screenings_referred", **base)
        if level == "high":
            yield Fact("screenings_high_risk", **base)


def _case_facts(db: Session, unit: int | None, known: frozenset[str]) -> Iterator[Fact]:
    from waspada.cases.models import Case, Person
    from waspada.platform.security.models import Unit

    victims: dict[int, str] = {}
    vq = (select(Person.case_id, Person.identity_number).where(Person.role == "victim")
          .order_by(Person.id))
    for case_id, nik in db.execute(vq).yield_per(5000):
        victims.setdefault(case_id, province_of_nik(nik, known))
    q = (select(Case.id, Case.reported_at, Case.destination_country, Unit.code,
                Case.exploitation_type, Case.compound_type)
         .join(Unit, Unit.id == Case.owner_unit_id).where(Case.merged_into_id.is_(None)))
    if unit is not None:
        q = q.where(Case.owner_unit_id == unit)
    for cid, reported, dest, unit_code, exploitation, compound in db.execute(q).yield_per(5000):
        base = _Dimensions(day=_day(reported), province=victims.get(cid, UNKNOWN),
                    destination=(dest or UNKNOWN).upper(), unit=unit_code)
        yield Fact("cases_reported", **base)
        if exploitation in SCAM_EXPLOITATION or compound in SCAM_COMPOUNDS:
            yield Fact("cases_scam_compound", **base)


def _offer_facts(db: Session) -> Iterator[Fact]:
    from waspada.offers.store import OfferReport

    q = select(OfferReport.created_at).where(OfferReport.level == "high")
    for (created,) in db.execute(q).yield_per(5000):
        yield Fact("offer_reports_high", _day(created))


def facts(db: Session, principal: Principal) -> list[Fact]:
    """Every counted event the principal may see (no personal data leaves this function)."""
    return _collect(db, _scoped_unit(principal))


def _collect(db: Session, unit: int | None) -> list[Fact]:
    known = _known_provinces()
    out = list(_screening_facts(db, unit, known))
    out.extend(_case_facts(db, unit, known))
    if unit is None:
        out.extend(_offer_facts(db))
    return out


def series(db: Session, principal: Principal, indicator: str, kind: Kind = "month",
           dimension: str | None = "province", *, data: list[Fact] | None = None
           ) -> dict[str, dict[Period, int]]:
    _check(principal, "stats.view")
    if indicator not in indicators():
        raise ValueError(f"unknown indicator {indicator!r}")
    return count_by(data if data is not None else facts(db, principal), indicator, kind,
                    dimension)


@dataclass(frozen=True, slots=True)
class IndicatorAlert:
    indicator: str
    alert: Alert

    def to_dict(self) -> dict[str, Any]:
        return {"indicator": self.indicator, **self.alert.to_dict()}


_ALERT_CACHE: dict[tuple[int | None, str, int], tuple[float, list[IndicatorAlert]]] = {}
ALERT_CACHE_SECONDS = 300.0


def _detect_all(data: list[Fact], kind: Kind, latest: int) -> list[IndicatorAlert]:
    """Alerts in the ``latest`` periods up to today (later-dated records never hide them)."""
    from .periods import period_of

    now = period_of(date.today(), kind)
    out: list[IndicatorAlert] = []
    for ind in computed():
        if "province" not in ind.dimensions:
            continue
        by_area = count_by(data, ind.id, kind, "province")
        by_area.pop(UNKNOWN, None)
        if not by_area:
            continue
        for a in detect(by_area):
            p = next(pp for pp in by_area[a.area] if pp.label == a.period)
            if 0 <= now.index - p.index < latest:
                out.append(IndicatorAlert(ind.id, a))
    return out


def alerts(db: Session, principal: Principal, kind: Kind = "month", *, latest: int = 3,
           data: list[Fact] | None = None) -> list[IndicatorAlert]:
    """Province spikes for every computed indicator in the ``latest`` periods up to today.

    Without ``data`` the result is cached for five minutes per unit scope.
    """
    import time

    _check(principal, "stats.view")
    if data is not None:
        out = _detect_all(data, kind, latest)
    else:
        key = (_scoped_unit(principal), kind, latest)
        hit = _ALERT_CACHE.get(key)
        if hit is not None and time.monotonic() - hit[0] < ALERT_CACHE_SECONDS:
            out = hit[1]
        else:
            out = _detect_all(facts(db, principal), kind, latest)
            _ALERT_CACHE[key] = (time.monotonic(), out)
    audit.record("stats.alerts", principal, object_type="statistics", count=len(out))
    return out


# -- open data ---------------------------------------------------------------------------------

@dataclass
class PublishResult:
    files: list[str]
    suppressed: int
    cells: int


def _table_rows(tab: SuppressedTable, col_name: str, ind: str) -> Iterator[list[Any]]:
    r, c = tab.shape
    for i in range(r + 1):
        row_code = tab.rows[i] if i < r else "ALL"
        for j in range(c + 1):
            col = tab.columns[j] if j < c else "ALL"
            v = tab.published(i, j)
            flag = "" if v is not None else ("suppressed" if (i, j) in tab.primary
                                             else "suppressed_complementary")
            name = province_name(row_code) if row_code not in ("ALL", UNKNOWN) else row_code
            yield [ind, row_code, name, col, "" if v is None else v, flag]


def open_tables(data: list[Fact], k: int, months: int = 12
                ) -> dict[str, tuple[str, SuppressedTable]]:
    """{file stem: (column dimension, table)} for every computed province indicator."""
    out: dict[str, tuple[str, SuppressedTable]] = {}
    for ind in computed():
        if "province" not in ind.dimensions:
            continue
        by_month = count_by(data, ind.id, "month", "province")
        if not by_month:
            continue
        last = max(max(p) for p in by_month.values())
        periods = [last.shift(-i) for i in range(months - 1, -1, -1)]
        provinces = sorted(by_month)
        month_counts = [[by_month[p].get(m, 0) for m in periods] for p in provinces]
        # the destination table covers the same months, so both share their row totals
        lo = periods[0].monday
        dest_counter: dict[str, dict[str, int]] = {}
        for f in data:
            if f.indicator == ind.id and f.day >= lo:
                dest_counter.setdefault(f.province, {}).setdefault(f.destination, 0)
                dest_counter[f.province][f.destination] += 1
        dests = sorted({d for v in dest_counter.values() for d in v})
        dest_counts = [[dest_counter.get(p, {}).get(d, 0) for d in dests] for p in provinces]
        if not dests:
            continue
        by_period, by_dest = suppress_linked(
            provinces, [([m.label for m in periods], month_counts), (dests, dest_counts)], k)
        out[f"{ind.id}_by_province_month"] = ("period", by_period)
        out[f"{ind.id}_by_province_destination"] = ("destination", by_dest)
    return out


def _schema(col: str) -> dict[str, Any]:
    return {"fields": [
        {"name": "indicator", "type": "string"},
        {"name": "province_code", "type": "string",
         "description": "Kemendagri province code (first two NIK digits); ALL = total; "
                        "?? = unknown"},
        {"name": "province_name", "type": "string"},
        {"name": col, "type": "string",
         "description": "YYYY-MM" if col == "period" else "ISO 3166 country code; ALL = total"},
        {"name": "count", "type": "integer", "description": "number of events; empty when "
         "suppressed", "constraints": {"minimum": 0}},
        {"name": "flag", "type": "string", "description": "suppressed (count below k) or "
         "suppressed_complementary (hidden so a suppressed count cannot be derived)",
         "constraints": {"enum": ["", "suppressed", "suppressed_complementary"]}},
    ], "missingValues": [""], "primaryKey": ["indicator", "province_code", col]}


def publish(db: Session, principal: Principal, output: Path, k: int = DEFAULT_K
            ) -> PublishResult:
    """Write suppressed open data (CSV per table + datapackage.json) into folder ``output``."""
    _check(principal, "stats.publish")
    if k < 2:
        raise ValueError("k must be at least 2")
    if not output.is_dir():
        raise FileError(f"the output folder {output} does not exist")
    data = facts(db, principal)
    tables = open_tables(data, k)
    resources = []
    files: list[str] = []
    suppressed = cells = 0
    for stem, (col, tab) in sorted(tables.items()):
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["indicator", "province_code", "province_name", col, "count", "flag"])
        ind = stem.split("_by_")[0]
        for row in _table_rows(tab, col, ind):
            w.writerow(csv_cells(row))
            cells += 1
            suppressed += row[5] != ""
        name = f"{stem}.csv"
        with atomic_writer(output / name) as fh:
            fh.write(buf.getvalue())
        files.append(name)
        resources.append({"name": stem.replace("_", "-"), "path": name, "format": "csv",
                          "mediatype": "text/csv", "encoding": "utf-8",
                          "title": indicators()[ind].name_en,
                          "description": indicators()[ind].formula,
                          "schema": _schema(col)})
    package = {
        "name": "waspada-statistics", "title": "Waspada open statistics",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "description": (
            f"Counts by province and month (last 12 months) and by province and destination. "
            f"Suppression: no published count is between 1 and {k - 1} (k = {k}); further "
            "cells and totals are hidden (complementary suppression) so hidden counts cannot "
            "be derived from row/column totals or from the other table of the same indicator. "
            "Hidden cells have an empty count and a flag."),
        "suppression": {"k": k, "method": "primary k-threshold + complementary, LP-audited"},
        "resources": resources,
    }
    with atomic_writer(output / "datapackage.json") as fh:
        fh.write(dumps_json(package, indent=2, ensure_ascii=False) + "\n")
    files.append("datapackage.json")
    audit.record("stats.publish", principal,
                 object_type="statistics", files=len(files), k=k)
    return PublishResult(files, suppressed, cells)


# -- views for the pages -----------------------------------------------------------------------

@dataclass
class PublicView:
    indicator: str
    months: list[str]
    national: list[int | None]
    provinces: list[tuple[str, str, int | None]]
    destinations: list[tuple[str, int | None]]
    map_values: dict[str, int | None]
    csv_rows: list[list[Any]]
    k: int


_PUBLIC_CACHE: dict[tuple[str, int], tuple[float, PublicView | None]] = {}
PUBLIC_CACHE_SECONDS = 300.0


def public_indicators() -> list[str]:
    return [i.id for i in computed() if "province" in i.dimensions]


def public_view(db: Session, indicator: str, k: int = DEFAULT_K) -> PublicView | None:
    """Suppressed open statistics for one indicator (no account needed; nothing personal).

    Cached for five minutes: the suppression audit solves linear programs.
    """
    import time

    if indicator not in public_indicators():
        raise ValueError(f"unknown indicator {indicator!r}")
    key = (indicator, k)
    hit = _PUBLIC_CACHE.get(key)
    if hit is not None and time.monotonic() - hit[0] < PUBLIC_CACHE_SECONDS:
        return hit[1]
    data = [f for f in _collect(db, None) if f.indicator == indicator]  # leaves only suppressed
    tables = open_tables(data, k)
    view: PublicView | None = None
    if f"{indicator}_by_province_month" in tables:
        by_month = tables[f"{indicator}_by_province_month"][1]
        by_dest = tables[f"{indicator}_by_province_destination"][1]
        r, c = by_month.shape
        view = PublicView(
            indicator, list(by_month.columns), [by_month.column_total(j) for j in range(c)],
            [(code, province_name(code) if code != UNKNOWN else "?", by_month.row_total(i))
             for i, code in enumerate(by_month.rows)],
            [(d, by_dest.column_total(j)) for j, d in enumerate(by_dest.columns)],
            {code: by_month.row_total(i) for i, code in enumerate(by_month.rows)
             if code != UNKNOWN},
            list(_table_rows(by_month, "period", indicator)), k)
    _PUBLIC_CACHE[key] = (time.monotonic(), view)
    return view


@dataclass
class OfficerView:
    indicator: str
    scope: str
    months: list[str]
    trend: list[int]
    provinces: list[tuple[str, str, int]]
    destinations: list[tuple[str, int]]
    units: list[tuple[str, int]]
    alerts: list[IndicatorAlert]


def officer_view(db: Session, principal: Principal, indicator: str, months: int = 12
                 ) -> OfficerView:
    """Unit-scoped counts for the officer statistics page (audited)."""
    from collections import Counter

    from waspada.statistics.periods import period_of

    _check(principal, "stats.view")
    if indicator not in {i.id for i in computed()}:
        raise ValueError(f"unknown indicator {indicator!r}")
    data = facts(db, principal)
    mine = [f for f in data if f.indicator == indicator]
    today = date.today()
    last = period_of(today, "month")
    periods = [last.shift(-i) for i in range(months - 1, -1, -1)]
    lo = periods[0].monday
    window = [f for f in mine if f.day >= lo]
    by_month = Counter(period_of(f.day, "month") for f in window)
    prov = Counter(f.province for f in window)
    dest = Counter(f.destination for f in window)
    unit = Counter(f.unit for f in window)
    found = alerts(db, principal)
    scope = "all" if _scoped_unit(principal) is None else "unit"
    audit.record("stats.view", principal, object_type="statistics", indicator=indicator)
    return OfficerView(
        indicator, scope, [p.label for p in periods], [by_month.get(p, 0) for p in periods],
        sorted(((c, province_name(c) if c != UNKNOWN else "?", n) for c, n in prov.items()),
               key=lambda x: (-x[2], x[0])),
        dest.most_common(), unit.most_common(), found)
