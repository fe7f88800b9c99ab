"""Statistics operations: access check, queries, audit entry. Interfaces call only these.

Counts come from the pre-aggregated tables (``store.py``) that :mod:`statistics.refresh` keeps
up to date; a read brings them up to date first when the last refresh is older than
:data:`REFRESH_EVERY_SECONDS` (cheap when nothing changed). Unit-scoped roles
(policy.CROSS_UNIT_ROLES excepted) count only their own unit's screenings and cases.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from waspada.platform import audit
from waspada.platform.db import session_scope, utcnow
from waspada.platform.domain import DomainError
from waspada.platform.exports import csv_writer
from waspada.platform.files import FileError, atomic_writer, dumps_json
from waspada.platform.i18n import N_
from waspada.platform.labels import alpha2
from waspada.platform.security.policy import CROSS_UNIT_ROLES, Principal, allowed

from . import queries, results
from . import refresh as refresher
from .aggregate import UNKNOWN, Fact, count_by
from .alerts import Alert, detect
from .catalogue import computed, durations, indicators
from .periods import Kind, Period, parse_period, period_of
from .schemas import AckIn, AckOut
from .store import AlertAck
from .suppression import DEFAULT_K, SuppressedTable, suppress_linked
from .tilemap import province_name

__all__ = ["AccessDenied", "PublishResult", "acknowledge", "alerts", "facts", "publish",
           "refresh", "series"]

#: a read refreshes the aggregates first when the last refresh (by this process, by cron or
#: by any other process) is older than this; with ``waspada stats refresh`` in cron every
#: minute no page request pays for a refresh
REFRESH_EVERY_SECONDS = 90.0
_last_refresh = [float("-inf")]


class AccessDenied(PermissionError):
    """The principal may not perform the statistics action."""


class StatsError(DomainError):
    """A refused statistics operation (English message for the API and CLI)."""


def _check(principal: Principal, action: str) -> None:
    if not allowed(principal, action):
        raise AccessDenied(action)


NO_UNIT_SCOPE = -2
"""the scope of a unit-scoped principal without a unit: matches no rows (-1 is the rollup
over all units)"""


def _scoped_unit(principal: Principal) -> int | None:
    """The unit to restrict to, or None for cross-unit roles and the CLI."""
    if principal.is_cli or principal.role in CROSS_UNIT_ROLES:
        return None
    return principal.unit_id if principal.unit_id is not None else NO_UNIT_SCOPE


def refresh(db: Session, principal: Principal, *, full: bool = False
            ) -> refresher.RefreshResult:
    """Bring the aggregates up to date (``full``: recompute every period); audited."""
    _check(principal, "stats.refresh")
    result = refresher.refresh(db, full=full)
    audit.record("stats.refresh", principal, object_type="statistics", session=db,
                 full=full, periods=sum(result.periods.values()))
    db.commit()
    _last_refresh[0] = time.monotonic()
    _ALERT_CACHE.clear()
    _PUBLIC_CACHE.clear()
    if any(result.periods.values()) or not results.keys(db, "alerts"):
        _precompute(db)
    return result


def _precompute(db: Session) -> None:
    """After a refresh that changed the aggregates (the cron job): the alerts over all units
    and the public tables are computed once and stored, so no page request runs the detector
    or the suppression audit for them. Unit-scoped alerts are computed on the first read after
    a change (at most once per :data:`results.GRACE_SECONDS` per unit)."""
    wanted = {_alert_key(None, "month", 3)} | {
        k for k in results.keys(db, "alerts") if k.startswith("all:")}
    kinds: dict[str, Kind] = {"month": "month", "quarter": "quarter", "week": "week"}
    for key in sorted(wanted):
        _, kind, latest = key.split(":")
        if kind in kinds:
            _scope_alerts(db, None, kinds[kind], int(latest), stored=False)
    for indicator in public_indicators():
        _public(db, indicator, DEFAULT_K, stored=False)


def _fresh(db: Session) -> None:
    """Refresh the aggregates if the last refresh is older than
    :data:`REFRESH_EVERY_SECONDS` (reads by officers and the public page)."""
    if time.monotonic() - _last_refresh[0] < REFRESH_EVERY_SECONDS:
        return
    last = refresher.last_run(db)
    if last is not None and (utcnow() - last).total_seconds() < REFRESH_EVERY_SECONDS:
        _last_refresh[0] = time.monotonic() - (utcnow() - last).total_seconds()
        return
    result = refresher.refresh(db)
    db.commit()
    _last_refresh[0] = time.monotonic()
    if any(result.periods.values()):
        _ALERT_CACHE.clear()
        _PUBLIC_CACHE.clear()


def _facts(db: Session, unit: int | None, *, only: list[str] | None = None,
           since: str | None = None, grain: Kind = "month") -> list[Fact]:
    """Pre-aggregated rows as weighted facts (no personal data: codes and counts only)."""
    codes = queries.unit_codes(db)
    names = only if only is not None else [i.id for i in computed()]
    # over all units the province x destination rollup; for one unit, province rows
    by = (("indicator", "period", "province", "destination") if unit is None else
          ("indicator", "period", "province", "unit_id"))
    rows = queries.counts(db, names, grain, by, unit=unit, since=since)
    starts: dict[str, date] = {}
    out = []
    for ind, label, prov, other, n in rows:
        day = starts.get(label)
        if day is None:
            day = starts[label] = parse_period(label).monday
        if unit is None:
            out.append(Fact(ind, day, prov, other, UNKNOWN, n))
        else:
            out.append(Fact(ind, day, prov, UNKNOWN, codes.get(other, UNKNOWN), n))
    return out


def facts(db: Session, principal: Principal, grain: Kind = "month") -> list[Fact]:
    """Every count the principal may see, as weighted facts (no personal data)."""
    _fresh(db)
    return _facts(db, _scoped_unit(principal), grain=grain)


def _series(db: Session, unit: int | None, names: list[str], kind: Kind, dimension: str | None,
            since: str | None = None) -> dict[str, dict[str, dict[Period, int]]]:
    """{indicator: {dimension value: {period: count}}} read from the aggregates."""
    by = ["indicator", "period"] + ([] if dimension is None else
                                    ["unit_id" if dimension == "unit" else dimension])
    codes = queries.unit_codes(db) if dimension == "unit" else {}
    out: dict[str, dict[str, dict[Period, int]]] = {}
    for row in queries.counts(db, names, queries.grain_of(kind), by, unit=unit, since=since):
        ind, label = row[0], row[1]
        key = "ALL" if dimension is None else str(row[2])
        if dimension == "unit":
            key = codes.get(int(row[2]), UNKNOWN)
        p = queries.to_kind(label, kind)
        area = out.setdefault(ind, {}).setdefault(key, {})
        area[p] = area.get(p, 0) + row[-1]
    return out


def series(db: Session, principal: Principal, indicator: str, kind: Kind = "month",
           dimension: str | None = "province", *, data: list[Fact] | None = None
           ) -> dict[str, dict[Period, int]]:
    _check(principal, "stats.view")
    if indicator not in indicators():
        raise ValueError(f"unknown indicator {indicator!r}")
    if data is not None:
        return count_by(data, indicator, kind, dimension)
    _fresh(db)
    return _series(db, _scoped_unit(principal), [indicator], kind, dimension).get(indicator, {})


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    actor: str
    at: datetime
    note: str


@dataclass(frozen=True, slots=True)
class IndicatorAlert:
    indicator: str
    alert: Alert
    kind: Kind = "month"
    ack: Acknowledgement | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"indicator": self.indicator, **self.alert.to_dict(),
                "acknowledged": self.ack is not None,
                "acknowledged_by": None if self.ack is None else self.ack.actor,
                "acknowledged_at": None if self.ack is None else self.ack.at.isoformat(),
                "note": None if self.ack is None else self.ack.note}


_ALERT_CACHE: dict[tuple[int | None, str, int], tuple[float, list[IndicatorAlert]]] = {}
log = logging.getLogger(__name__)
ALERT_CACHE_SECONDS = 300.0
#: periods of history read for the detector (three years of baseline + the latest periods)
HISTORY = {"month": 40, "quarter": 14, "week": 160}


def _detect_by_area(by_indicator: dict[str, dict[str, dict[Period, int]]], kind: Kind,
                    latest: int) -> list[IndicatorAlert]:
    now = period_of(date.today(), kind)
    out: list[IndicatorAlert] = []
    for ind in computed():
        if "province" not in ind.dimensions:
            continue
        by_area = dict(by_indicator.get(ind.id, {}))
        by_area.pop(UNKNOWN, None)
        if not by_area:
            continue
        for a in detect(by_area, since=now.shift(1 - latest)):
            p = next(pp for pp in by_area[a.area] if pp.label == a.period)
            if 0 <= now.index - p.index < latest:
                out.append(IndicatorAlert(ind.id, a, kind))
    return out


def _detect_all(data: list[Fact], kind: Kind, latest: int) -> list[IndicatorAlert]:
    """Alerts in the ``latest`` periods up to today (later-dated records never hide them)."""
    return _detect_by_area({ind.id: count_by(data, ind.id, kind, "province")
                            for ind in computed()}, kind, latest)


def _with_acks(db: Session, found: list[IndicatorAlert], kind: Kind) -> list[IndicatorAlert]:
    done = queries.acks(db, kind, sorted({a.alert.period for a in found}))
    out = []
    for a in found:
        ack = done.get((a.indicator, a.alert.area, a.alert.period))
        out.append(IndicatorAlert(a.indicator, a.alert, kind, None if ack is None else
                                  Acknowledgement(ack.actor, ack.at, ack.note)))
    return out


def _alert_key(unit: int | None, kind: Kind, latest: int) -> str:
    return f"{'all' if unit is None else unit}:{kind}:{latest}"


_ALERT_FIELDS = ("area", "period", "observed", "expected", "ratio", "p_value")
_pending: set[str] = set()
_pending_lock = threading.Lock()


def recompute_in_background(unit: int, kind: Kind, latest: int) -> threading.Thread | None:
    """Run the detector for one unit scope in a thread and store the result (at most one run
    per scope at a time); the thread, or None when one is already running."""
    key = _alert_key(unit, kind, latest)
    with _pending_lock:
        if key in _pending:
            return None
        _pending.add(key)

    def work() -> None:
        try:
            with session_scope() as db:
                _scope_alerts(db, unit, kind, latest, stored=False)
        except Exception as exc:  # noqa: BLE001 - a page already has its answer; logged only
            log.warning("statistics: background alert detection failed (%s)",
                        type(exc).__name__)
        finally:
            with _pending_lock:
                _pending.discard(key)

    thread = threading.Thread(target=work, name=f"stats-alerts-{key}", daemon=True)
    thread.start()
    return thread


def _scope_alerts(db: Session, unit: int | None, kind: Kind, latest: int, *,
                  stored: bool = True) -> list[IndicatorAlert]:
    """The current alerts of one unit scope: the stored result when current (``stored``),
    else the detector's, which is then stored (:mod:`statistics.results`)."""
    key = _alert_key(unit, kind, latest)
    body = results.load(db, "alerts", key) if stored else None
    if body is None and stored and unit is not None:
        # a unit's alerts computed earlier today: shown at once while the detector (about a
        # second at national scale) runs for that unit in the background
        body = results.load_earlier(db, "alerts", key)
        if body is not None:
            recompute_in_background(unit, kind, latest)
    if body is not None:
        return [IndicatorAlert(d["indicator"], Alert(*(d[f] for f in _ALERT_FIELDS)), kind)
                for d in body]
    now = period_of(date.today(), kind)
    since = now.shift(-HISTORY[kind])
    if kind == "quarter":
        since = period_of(since.monday, "month")
    names = [i.id for i in computed() if "province" in i.dimensions]
    out = _detect_by_area(_series(db, unit, names, kind, "province", since.label), kind, latest)
    results.save(db, "alerts", key, [{"indicator": a.indicator, **a.alert.to_dict()}
                                     for a in out])
    return out


def alerts(db: Session, principal: Principal, kind: Kind = "month", *, latest: int = 3,
           data: list[Fact] | None = None, refresh: bool = True) -> list[IndicatorAlert]:
    """Province spikes for every computed indicator in the ``latest`` periods up to today,
    each with its acknowledgement if any.

    Without ``data`` the detection is cached for five minutes per unit scope (the
    acknowledgements are read on every call). ``refresh=False`` (the home page) reads the
    aggregates as they are: a home page never waits for a refresh of the statistics.
    """
    _check(principal, "stats.view")
    if data is not None:
        out = _detect_all(data, kind, latest)
    else:
        if refresh:
            _fresh(db)
        unit = _scoped_unit(principal)
        key = (unit, kind, latest)
        hit = _ALERT_CACHE.get(key)
        if hit is not None and time.monotonic() - hit[0] < ALERT_CACHE_SECONDS:
            out = hit[1]
        else:
            out = _scope_alerts(db, unit, kind, latest)
            _ALERT_CACHE[key] = (time.monotonic(), out)
    out = _with_acks(db, out, kind)
    audit.record("stats.alerts", principal, object_type="statistics", count=len(out))
    return out


def acknowledge(db: Session, principal: Principal, data: AckIn) -> AckOut:
    """Record that an officer has seen a current alert, with a note (audited)."""
    _check(principal, "stats.acknowledge")
    note = data.note.strip()
    if not note:
        raise StatsError("empty_note", N_("Write a note: what was checked or done."),
                         status=422, problems={"note": N_("Write a note: what was checked or "
                                                          "done.")})
    current = {(a.indicator, a.alert.area, a.alert.period)
               for a in alerts(db, principal, data.kind)}
    indicator, area, period, kind = data.indicator, data.area, data.period, data.kind
    if (indicator, area, period) not in current:
        raise StatsError("no_such_alert", N_("There is no current alert for this indicator, "
                                             "province and period."), status=404)
    ack = AlertAck(indicator=indicator, kind=kind, area=area, period=period, note=note,
                   user_id=principal.user_id, actor=principal.username)
    db.add(ack)
    db.flush()
    audit.record("stats.acknowledge", principal, object_type="stats_alert_ack",
                 object_id=str(ack.id), session=db, indicator=indicator, area=area,
                 period=period, kind=kind)
    db.commit()
    return AckOut(indicator=indicator, area=area, period=period, kind=kind,
                  acknowledged_by=ack.actor, acknowledged_at=ack.at.isoformat(), note=ack.note)


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
                # one code system in every file: screenings record alpha-3 (KHM, from the
                # passport), cases alpha-2 (KH); the open data printed both (walk18)
                dest = alpha2(f.destination) or f.destination
                dest_counter.setdefault(f.province, {}).setdefault(dest, 0)
                dest_counter[f.province][dest] += f.n
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
         "description": "YYYY-MM" if col == "period"
         else "ISO 3166-1 alpha-2 country code (KH, MY); ALL = total"},
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
    if output.exists() and not output.is_dir():
        raise FileError(f"--output {output} is a file; give a folder")
    if not output.is_dir():
        raise FileError(f"the output folder {output} does not exist")
    data = facts(db, principal)
    tables = open_tables(data, k)
    resources = []
    files: list[str] = []
    suppressed = cells = 0
    for stem, (col, tab) in sorted(tables.items()):
        buf = io.StringIO()
        w = csv_writer(buf, lineterminator="\n")
        w.writerow(["indicator", "province_code", "province_name", col, "count", "flag"])
        ind = stem.split("_by_")[0]
        for row in _table_rows(tab, col, ind):
            w.writerow(row)
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
    _fresh(db)
    view = _public(db, indicator, k)
    _PUBLIC_CACHE[key] = (time.monotonic(), view)
    return view


def _public(db: Session, indicator: str, k: int, *, stored: bool = True) -> PublicView | None:
    """The suppressed tables of one indicator: the stored result when current (``stored``),
    else computed (suppression audit) and stored."""
    key = f"{indicator}:{k}"
    body = results.load(db, "public", key) if stored else None
    if body is not None:
        v = body["view"]
        return None if v is None else PublicView(
            v["indicator"], v["months"], v["national"], [tuple(x) for x in v["provinces"]],
            [tuple(x) for x in v["destinations"]], v["map_values"], v["csv_rows"], v["k"])
    since = period_of(date.today(), "month").shift(-24).label
    data = _facts(db, None, only=[indicator], since=since)  # leaves only suppressed
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
    results.save(db, "public", key, {"view": None if view is None else asdict(view)})
    return view


PERIODS_SHOWN: dict[str, int] = {"month": 12, "quarter": 8, "week": 26}


@dataclass
class Duration:
    measure: str
    periods: list[str]
    medians: list[float | None]
    counts: list[int]


@dataclass
class OfficerView:
    indicator: str
    scope: str
    kind: Kind
    months: list[str]
    """the labels of the shown periods (months, quarters or weeks)"""
    trend: list[int]
    provinces: list[tuple[str, str, int]]
    destinations: list[tuple[str, int]]
    units: list[tuple[str, int]]
    alerts: list[IndicatorAlert]
    regencies: SuppressedTable | None
    regency_province: str | None
    durations: list[Duration]


def median_of(hist: dict[int, int]) -> float | None:
    """The median of a {value: count} histogram (mean of the two middle values if even)."""
    total = sum(hist.values())
    if total == 0:
        return None
    lo_rank, hi_rank = (total - 1) // 2, total // 2
    seen, lo_val, hi_val = 0, None, None
    for value in sorted(hist):
        nxt = seen + hist[value]
        if lo_val is None and lo_rank < nxt:
            lo_val = value
        if hi_rank < nxt:
            hi_val = value
            break
        seen = nxt
    assert lo_val is not None and hi_val is not None
    return (lo_val + hi_val) / 2


def _durations(db: Session, unit: int | None, kind: Kind, shown: list[Period]
               ) -> list[Duration]:
    labels = [p.label for p in shown]
    since = period_of(shown[0].monday, "month").label
    out = []
    shown_as: dict[str, str] = {}  # stored month -> shown period (parsed once per label)
    for ind in durations():
        hists: dict[str, dict[int, int]] = {}
        for month, days, n in queries.durations(db, ind.id, unit=unit, since=since):
            label = shown_as.get(month)
            if label is None:
                label = shown_as[month] = queries.to_kind(month, kind).label
            h = hists.setdefault(label, {})
            h[days] = h.get(days, 0) + n
        out.append(Duration(ind.id, labels, [median_of(hists.get(x, {})) for x in labels],
                            [sum(hists.get(x, {}).values()) for x in labels]))
    return out


def _regency_table(db: Session, unit: int | None, indicator: str, k: int, province: str
                   ) -> SuppressedTable | None:
    """Regency x quarter (last four quarters) of one province, with the same k suppression
    as open data (the province's total is published elsewhere, so it is part of the audit)."""
    now = period_of(date.today(), "quarter")
    quarters = [now.shift(-i) for i in range(3, -1, -1)]
    since = period_of(quarters[0].monday, "month").label
    cells: dict[str, dict[str, int]] = {}
    for month, regency, n in queries.regency_counts(db, indicator, ("period", "regency"),
                                                    unit=unit, since=since,
                                                    province=province):
        q = queries.to_kind(month, "quarter").label
        row = cells.setdefault(regency, {})
        row[q] = row.get(q, 0) + n
    if not cells:
        return None
    cols = [q.label for q in quarters]
    rows = sorted(cells)
    tables = suppress_linked(rows, [(cols, [[cells[r].get(c, 0) for c in cols]
                                            for r in rows])], k)
    return tables[0]


def officer_view(db: Session, principal: Principal, indicator: str, kind: Kind = "month",
                 province: str | None = None) -> OfficerView:
    """Counts for the officer statistics page (unit-scoped; audited). The regency table is
    for ``province`` (default: the province of this indicator's first alert, else the
    province with the most events)."""
    _check(principal, "stats.view")
    if indicator not in {i.id for i in computed()}:
        raise ValueError(f"unknown indicator {indicator!r}")
    _fresh(db)
    unit = _scoped_unit(principal)
    last = period_of(date.today(), kind)
    shown = [last.shift(-i) for i in range(PERIODS_SHOWN[kind] - 1, -1, -1)]
    grain = queries.grain_of(kind)
    since = shown[0].label if kind != "quarter" else period_of(shown[0].monday, "month").label
    trend: dict[str, int] = {}
    for label, n in queries.counts(db, [indicator], grain, ("period",), unit=unit,
                                   since=since):
        key = queries.to_kind(label, kind).label
        trend[key] = trend.get(key, 0) + n
    month_since = period_of(date.today(), "month").shift(-11).label
    prov = queries.counts(db, [indicator], "month", ("province",), unit=unit,
                          since=month_since)
    dest = queries.counts(db, [indicator], "month", ("destination",), unit=unit,
                          since=month_since)
    codes = queries.unit_codes(db)
    units = queries.counts(db, [indicator], "month", ("unit_id",), unit=unit,
                           since=month_since)
    found = alerts(db, principal)
    if province not in {c for c, _n in prov}:
        flagged = [a.alert.area for a in found if a.indicator == indicator]
        ranked = [c for c, _n in sorted(prov, key=lambda x: -x[1]) if c != UNKNOWN]
        province = (flagged or ranked or [None])[0]
    regencies = (_regency_table(db, unit, indicator, DEFAULT_K, province)
                 if province and "province" in indicators()[indicator].dimensions else None)
    scope = "all" if unit is None else "unit"
    audit.record("stats.view", principal, object_type="statistics", indicator=indicator)
    return OfficerView(
        indicator, scope, kind, [p.label for p in shown],
        [trend.get(p.label, 0) for p in shown],
        sorted(((c, province_name(c) if c != UNKNOWN else "?", n) for c, n in prov),
               key=lambda x: (-x[2], x[0])),
        sorted(((d, n) for d, n in dest), key=lambda x: (-x[1], x[0])),
        sorted(((codes.get(u, UNKNOWN), n) for u, n in units), key=lambda x: (-x[1], x[0])),
        found, regencies, province if regencies is not None else None,
        _durations(db, unit, kind, shown))
