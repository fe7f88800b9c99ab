"""Incremental refresh of the pre-aggregated statistics tables (store level: no commit, no audit).

Why a refresh job with a watermark and not a write in every capability's transaction: the
counts depend on several capabilities' rows (screenings and their decisions, cases and their
transitions, referrals, offer reports), and hooking each of their services would tie them to
this one. Instead the refresh reads what changed since its watermark, through primary keys and
indexed columns only, and recomputes the affected periods:

* screenings: new ids and new signed decisions (``screening_decisions.id``) -> the months and
  ISO weeks of those screenings' ``created_at``;
* offer reports: new ids;
* cases: new ids, ``last_update_at`` after the watermark, new transitions -> the months and
  weeks of those cases' ``reported_at`` (case counts and stage durations);
* referrals: created or answered after the watermark -> the month they were sent.

A dirty period is recomputed from its source rows with one ``GROUP BY`` over an indexed date
range, so the refresh never scans a whole table after the first build, and the dashboards read
only the aggregates. Timestamps are re-read with a ten-minute overlap (recomputing is
idempotent), so a transaction that commits late is not missed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from typing import Any, cast

from sqlalchemy import (
    String,
    Table,
    and_,
    bindparam,
    case,
    column,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session

from waspada.platform.db import utcnow

from .periods import Kind, Period, period_of
from .store import (
    StatCaseRegion,
    StatCount,
    StatDuration,
    StatRegencyCount,
    StatWatermark,
)

__all__ = ["CASE_INDICATORS", "DURATION_MEASURES", "GRAINS", "OFFER_INDICATORS",
           "SCREENING_INDICATORS", "RefreshResult", "last_change", "last_run", "refresh",
           "region_of"]

GRAINS: tuple[Kind, ...] = ("month", "week")
UNKNOWN = "??"
NO_UNIT = 0
ANY = "*"
"""province or destination summed over (a rollup row)"""
ALL_UNITS = -1
"""unit_id of rows summed over every unit"""
RUN = "refresh"
"""the watermark row whose ``refreshed_at`` is the last refresh of any process"""
OVERLAP = timedelta(minutes=10)
CHUNK = 10_000
"""ids bound in one IN list (PostgreSQL's driver takes at most 65,535 parameters)"""
_ADVISORY_KEY = 190_500

#: case codes (cases/pages.py EXPLOITATION_LABELS, COMPOUND_LABELS) counted as scam compounds
SCAM_EXPLOITATION = frozenset({"ForcedCriminality"})
SCAM_COMPOUNDS = frozenset({"OnlineScam", "OnlineGambling", "OtherCompound"})
REFERRED = ("refer_kp2mi", "refer_police")
SCREENING_INDICATORS = ("screenings", "screenings_postponed", "screenings_referred",
                        "screenings_high_risk", "returning_flagged")
CASE_INDICATORS = ("cases_reported", "cases_scam_compound", "cases_other_exploitation")
OFFER_INDICATORS = ("offer_reports", "offer_reports_high")
#: duration measure -> the case status whose first entry ends it (None: referral answers)
STAGES = {"case_located_days": "located", "case_splp_days": "splp_issued",
          "case_repatriated_days": "repatriated"}
DURATION_MEASURES = (*STAGES, "referral_answer_days")


@lru_cache(maxsize=1)
def _provinces() -> frozenset[str]:
    from waspada.identity.nik import province_codes

    return frozenset(province_codes())


@lru_cache(maxsize=1024)
def _known_regency(prefix: str) -> bool:
    from waspada.identity.nik import region_names

    return region_names(prefix)[1] is not None


def region_of(prefix: str | None, length: int | None) -> tuple[str, str]:
    """(province, regency) codes from the first four digits of a 16-digit NIK.

    Unknown province: ``("??", "????")``; known province, unknown regency: ``("73", "73??")``.
    """
    if length != 16 or not prefix or len(prefix) != 4 or not prefix.isascii() \
            or not prefix.isdigit() or prefix[:2] not in _provinces():
        return UNKNOWN, UNKNOWN * 2
    return prefix[:2], prefix if _known_regency(prefix) else prefix[:2] + UNKNOWN


def _bounds(p: Period) -> tuple[datetime, datetime]:
    return (datetime.combine(p.monday, time(), UTC),
            datetime.combine(p.shift(1).monday, time(), UTC))


def _periods_between(lo: date, hi: date, grain: Kind) -> set[Period]:
    a, b = period_of(lo, grain), period_of(hi, grain)
    return {Period(grain, i) for i in range(a.index, b.index + 1)}


def _day(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value


@dataclass
class RefreshResult:
    periods: dict[str, int] = field(default_factory=dict)
    """source -> periods recomputed"""
    seconds: float = 0.0


class _Marks:
    def __init__(self, db: Session) -> None:
        self.db = db
        self.rows = {w.source: w for w in db.scalars(select(StatWatermark))}

    def get(self, source: str) -> StatWatermark | None:
        return self.rows.get(source)

    def set(self, source: str, last_id: int, changed_until: datetime | None = None) -> None:
        row = self.rows.get(source)
        if row is None:
            row = StatWatermark(source=source, last_id=last_id)
            self.db.add(row)
            self.rows[source] = row
        row.last_id = last_id
        if changed_until is not None:
            row.changed_until = changed_until
        row.refreshed_at = utcnow()


def _dirty(days: Iterable[date], span: tuple[date, date] | None) -> dict[Kind, set[Period]]:
    days = set(days)
    out: dict[Kind, set[Period]] = {g: set() for g in GRAINS}
    for g in GRAINS:
        if span is not None:
            out[g] |= _periods_between(span[0], span[1], g)
        out[g] |= {period_of(d, g) for d in days}
    return out


def _span(db: Session, col: Any, *where: Any) -> tuple[date, date] | None:
    lo, hi = db.execute(select(func.min(col), func.max(col)).where(*where)).one()
    return None if lo is None else (_day(lo), _day(hi))


def rollups(counts: Counter[tuple[str, str, str, int]], grain: Kind
            ) -> Counter[tuple[str, str, str, int]]:
    """The rows stored for (indicator, province, destination, unit) counts: the full cube
    would be as large as the sources at national scale, so only what the dashboards read is
    kept: province x destination over all units (months), province by unit and over all units
    (months and weeks), each unit over all provinces and destinations (months and weeks),
    destination by unit and over all units (months)."""
    out: Counter[tuple[str, str, str, int]] = Counter()
    for (ind, prov, dest, unit), n in counts.items():
        out[(ind, prov, ANY, unit)] += n
        out[(ind, prov, ANY, ALL_UNITS)] += n
        out[(ind, ANY, ANY, unit)] += n
        if grain == "month":
            out[(ind, prov, dest, ALL_UNITS)] += n
            out[(ind, ANY, dest, unit)] += n
            out[(ind, ANY, dest, ALL_UNITS)] += n
    return out


def _write_counts(db: Session, indicators: tuple[str, ...], grain: Kind, p: Period,
                  counts: Counter[tuple[str, str, str, int]],
                  regency: Counter[tuple[str, str, int]] | None) -> None:
    counts = rollups(counts, grain)
    db.execute(delete(StatCount).where(StatCount.indicator.in_(indicators),
                                       StatCount.grain == grain, StatCount.period == p.label))
    if counts:
        db.execute(insert(StatCount), [
            {"indicator": i, "grain": grain, "period": p.label, "province": prov,
             "destination": dest, "unit_id": unit, "n": n}
            for (i, prov, dest, unit), n in counts.items()])
    if regency is not None:
        db.execute(delete(StatRegencyCount).where(StatRegencyCount.indicator.in_(indicators),
                                                  StatRegencyCount.period == p.label))
        if regency:
            db.execute(insert(StatRegencyCount), [
                {"indicator": i, "period": p.label, "regency": reg, "unit_id": unit, "n": n}
                for (i, reg, unit), n in regency.items()])


def _dest(value: str | None) -> str:
    return (value or UNKNOWN).strip().upper()[:8] or UNKNOWN


def _dest_sql(col: Any) -> Any:
    """:func:`_dest` in SQL (ASCII country codes)."""
    return func.coalesce(func.nullif(func.substr(func.upper(func.trim(col)), 1, 8), ""),
                         UNKNOWN)


@lru_cache(maxsize=1)
def _region_values() -> str:
    """``VALUES (prefix, province, regency)`` for every four-digit prefix of a known
    province: what :func:`region_of` answers, as a table the server joins on."""
    rows = []
    for prov in sorted(_provinces()):
        for i in range(100):
            prefix = f"{prov}{i:02d}"
            reg = prefix if _known_regency(prefix) else prov + UNKNOWN
            rows.append(f"('{prefix}', '{prov}', '{reg}')")
    return "VALUES " + ", ".join(rows)


@lru_cache(maxsize=1)
def _regions() -> Any:
    """The region table as a subquery, built once: a ``text()`` of 3,800 rows costs ~10 ms
    to construct (its bind-parameter scan), which every period's recount used to pay."""
    return (text(_region_values())
            .columns(column("column1", String), column("column2", String),
                     column("column3", String))
            .subquery("regions"))


def _flag(cond: Any) -> Any:
    return func.sum(case((cond, 1), else_=0))


#: the period's label and bounds as bound parameters: a period's statements are built once per
#: indicator group and grain and then executed for every period (SQLAlchemy's compiled cache
#: serves them; building and compiling them anew for each of thousands of periods cost most of a
#: refresh's time)
PERIOD_LABEL = bindparam("period_label", type_=String)
PERIOD_LO, PERIOD_HI = "period_lo", "period_hi"


def _period_params(p: Period) -> dict[str, Any]:
    lo, hi = _bounds(p)
    return {PERIOD_LABEL.key: p.label, PERIOD_LO: lo, PERIOD_HI: hi}


def _count_statements(indicators: tuple[str, ...], grain: Kind, rows: Any
                      ) -> tuple[Any, ...]:
    """The statements that replace a period's rows of ``indicators`` by the rollups of ``rows``
    (a CTE with columns prov, reg, dest, unit and one count column per indicator), computed on
    the server: ``INSERT ... SELECT ... GROUP BY``, nothing read back (see :func:`rollups`).
    Executed with :func:`_period_params`."""
    facts = union_all(*(
        select(literal(name, String).label("ind"), rows.c.prov, rows.c.reg, rows.c.dest,
               rows.c.unit, rows.c[name].label("n")).where(rows.c[name] > 0)
        for name in indicators)).cte("facts")
    f = facts.c
    label, n = PERIOD_LABEL, func.sum(f.n)
    # Core tables, not the ORM entities: an ORM insert would read the parameters as rows to
    # insert, and no stored count is ever loaded as an object for a delete to synchronise
    counts = cast(Table, StatCount.__table__)
    regency = cast(Table, StatRegencyCount.__table__)

    def roll(prov: Any, dest: Any, unit: Any, *by: Any) -> Any:
        return select(f.ind, literal(grain, String), label, prov, dest, unit, n).group_by(
            f.ind, *by)

    parts = [roll(f.prov, literal(ANY, String), f.unit, f.prov, f.unit),
             roll(f.prov, literal(ANY, String), literal(ALL_UNITS), f.prov),
             roll(literal(ANY, String), literal(ANY, String), f.unit, f.unit)]
    if grain == "month":
        parts += [roll(f.prov, f.dest, literal(ALL_UNITS), f.prov, f.dest),
                  roll(literal(ANY, String), f.dest, f.unit, f.dest, f.unit),
                  roll(literal(ANY, String), f.dest, literal(ALL_UNITS), f.dest)]
    out = [delete(counts).where(counts.c.indicator.in_(indicators), counts.c.grain == grain,
                                counts.c.period == label),
           insert(counts).from_select(
               ["indicator", "grain", "period", "province", "destination", "unit_id", "n"],
               union_all(*parts))]
    if grain == "month":
        out += [delete(regency).where(regency.c.indicator.in_(indicators),
                                      regency.c.period == label),
                insert(regency).from_select(
                    ["indicator", "period", "regency", "unit_id", "n"],
                    union_all(select(f.ind, label, f.reg, f.unit, n)
                              .group_by(f.ind, f.reg, f.unit),
                              select(f.ind, label, f.reg, literal(ALL_UNITS), n)
                              .group_by(f.ind, f.reg)))]
    return tuple(out)


def _insert_counts(db: Session, statements: tuple[Any, ...], p: Period) -> None:
    """Run a period's :func:`_count_statements`."""
    params = _period_params(p)
    for statement in statements:
        db.execute(statement, params)


# -- screenings -------------------------------------------------------------------------------

def _screening_period(db: Session, grain: Kind, p: Period) -> None:
    """Recount one period of screenings on the server (:func:`_screening_statements`)."""
    _insert_counts(db, _screening_statements(grain), p)


@cache
def _screening_statements(grain: Kind) -> tuple[Any, ...]:
    """The first ``GROUP BY`` groups the period's rows by NIK prefix, destination and unit with
    one count per indicator; the prefix is then mapped to its province and regency
    (:func:`_regions`)."""
    from waspada.screening.store import Screening

    s = Screening.__table__.c
    prefix, length, dest = func.substr(s.nik, 1, 4), func.length(s.nik), _dest_sql(
        s.destination_country)
    groups = (select(prefix.label("p4"), length.label("len"), dest.label("dest"),
                     s.unit_id.label("unit"), func.count().label("screenings"),
                     _flag(s.final_action == "postpone").label("screenings_postponed"),
                     _flag(s.final_action.in_(REFERRED)).label("screenings_referred"),
                     _flag(s.level == "high").label("screenings_high_risk"),
                     _flag(and_(s.prior_json != "[]", s.level.in_(("medium", "high"))))
                     .label("returning_flagged"))
              .where(s.created_at >= bindparam(PERIOD_LO), s.created_at < bindparam(PERIOD_HI))
              .group_by(prefix, length, dest, s.unit_id).cte("groups"))
    g, r = groups.c, _regions()
    rows = (select(func.coalesce(r.c.column2, UNKNOWN).label("prov"),
                   func.coalesce(r.c.column3, UNKNOWN * 2).label("reg"), g.dest, g.unit,
                   *(g[name] for name in SCREENING_INDICATORS))
            .select_from(groups.outerjoin(r, and_(r.c.column1 == g.p4, g.len == 16)))
            .cte("rows"))
    return _count_statements(SCREENING_INDICATORS, grain, rows)


def _refresh_screenings(db: Session, marks: _Marks, full: bool) -> int:
    from waspada.screening.store import Screening, ScreeningDecision

    top = db.scalar(select(func.max(Screening.id))) or 0
    top_d = db.scalar(select(func.max(ScreeningDecision.id))) or 0
    mark, mark_d = marks.get("screenings"), marks.get("screening_decisions")
    if full or mark is None or mark_d is None:
        dirty = _dirty((), _span(db, Screening.created_at))
        if full:
            for g in GRAINS:
                dirty[g] |= _stored_periods(db, SCREENING_INDICATORS, g)
    else:
        if top == mark.last_id and top_d == mark_d.last_id:
            return 0
        span = _span(db, Screening.created_at, Screening.id > mark.last_id)
        decided = db.scalars(
            select(Screening.created_at).join(ScreeningDecision,
                                              ScreeningDecision.screening_id == Screening.id)
            .where(ScreeningDecision.id > mark_d.last_id).distinct())
        dirty = _dirty((_day(d) for d in decided), span)
    for grain, periods in dirty.items():
        for p in sorted(periods):
            _screening_period(db, grain, p)
    marks.set("screenings", top)
    marks.set("screening_decisions", top_d)
    return sum(len(v) for v in dirty.values())


def _stored_periods(db: Session, indicators: tuple[str, ...], grain: Kind) -> set[Period]:
    from .periods import parse_period

    labels = db.scalars(select(StatCount.period).where(StatCount.indicator.in_(indicators),
                                                       StatCount.grain == grain).distinct())
    return {parse_period(label) for label in labels}


# -- offer reports ----------------------------------------------------------------------------

def _offer_period(db: Session, grain: Kind, p: Period) -> None:
    from waspada.offers.store import OfferReport as R

    lo, hi = _bounds(p)
    counts: Counter[tuple[str, str, str, int]] = Counter()
    q = (select(R.level, func.count()).where(R.created_at >= lo, R.created_at < hi)
         .group_by(R.level))
    for level, n in db.execute(q):
        counts[("offer_reports", UNKNOWN, UNKNOWN, NO_UNIT)] += n
        if level == "high":
            counts[("offer_reports_high", UNKNOWN, UNKNOWN, NO_UNIT)] += n
    _write_counts(db, OFFER_INDICATORS, grain, p, counts, None)


def _refresh_offers(db: Session, marks: _Marks, full: bool) -> int:
    from waspada.offers.store import OfferReport

    top = db.scalar(select(func.max(OfferReport.id))) or 0
    mark = marks.get("offer_reports")
    if not full and mark is not None and top == mark.last_id:
        return 0
    since = [] if full or mark is None else [OfferReport.id > mark.last_id]
    dirty = _dirty((), _span(db, OfferReport.created_at, *since))
    if full:
        for g in GRAINS:
            dirty[g] |= _stored_periods(db, OFFER_INDICATORS, g)
    for grain, periods in dirty.items():
        for p in sorted(periods):
            _offer_period(db, grain, p)
    marks.set("offer_reports", top)
    return sum(len(v) for v in dirty.values())


# -- cases ------------------------------------------------------------------------------------

def _remember_regions(db: Session, case_ids: Iterable[int] | None) -> None:
    """Record the origin region of cases whose first victim has a valid NIK now.

    ``case_ids`` None: every case not remembered yet. A region once recorded is kept when the
    NIK is later cleared (retention), and replaced only by another valid NIK.
    """
    from waspada.cases.models import Person

    q = (select(Person.case_id, Person.identity_number).where(Person.role == "victim")
         .order_by(Person.case_id, Person.id))
    if case_ids is None:
        known = select(StatCaseRegion.case_id)
        q = q.where(Person.case_id.not_in(known), Person.identity_number.is_not(None))
    else:
        ids = list(case_ids)
        if not ids:
            return
        if len(ids) > CHUNK:
            for lo in range(0, len(ids), CHUNK):
                _remember_regions(db, ids[lo:lo + CHUNK])
            return
        q = q.where(Person.case_id.in_(ids))
    first: dict[int, tuple[str, str]] = {}
    for case_id, nik in db.execute(q):
        if case_id in first or not nik:
            continue
        region = region_of(nik[:4], len(nik) if nik.isascii() and nik.isdigit() else None)
        if region[0] != UNKNOWN:
            first[case_id] = region
    if not first:
        return
    keys = list(first)
    stored: dict[int, StatCaseRegion] = {}
    for lo in range(0, len(keys), CHUNK):  # a bound list stays under the driver's limit
        stored.update((r.case_id, r) for r in db.scalars(
            select(StatCaseRegion).where(StatCaseRegion.case_id.in_(keys[lo:lo + CHUNK]))))
    new = []
    for case_id, (prov, reg) in first.items():
        row = stored.get(case_id)
        if row is None:
            new.append({"case_id": case_id, "province": prov, "regency": reg})
        else:
            row.province, row.regency = prov, reg
    db.flush()
    for lo in range(0, len(new), CHUNK):  # one multi-row statement per chunk, no ORM objects
        db.execute(insert(StatCaseRegion), new[lo:lo + CHUNK])


def _case_period(db: Session, grain: Kind, p: Period) -> None:

    _insert_counts(db, _case_statements(grain), p)
    if grain == "month":
        _stage_durations(db, p)


@cache
def _case_statements(grain: Kind) -> tuple[Any, ...]:
    """One period's case counts, by the case's region (``StatCaseRegion``), destination and
    owning unit."""
    from waspada.cases.models import Case

    c = Case.__table__.c
    prov = func.coalesce(StatCaseRegion.province, UNKNOWN)
    reg = func.coalesce(StatCaseRegion.regency, UNKNOWN * 2)
    dest = _dest_sql(c.destination_country)
    scam = or_(c.exploitation_type.in_(sorted(SCAM_EXPLOITATION)),
               c.compound_type.in_(sorted(SCAM_COMPOUNDS)))
    other = case((scam, 0), (func.coalesce(c.exploitation_type, "") != "", 1), else_=0)
    rows = (select(prov.label("prov"), reg.label("reg"), dest.label("dest"),
                   c.owner_unit_id.label("unit"), func.count().label("cases_reported"),
                   _flag(scam).label("cases_scam_compound"),
                   func.sum(other).label("cases_other_exploitation"))
            .select_from(Case.__table__.outerjoin(StatCaseRegion,
                                                  StatCaseRegion.case_id == c.id))
            .where(c.merged_into_id.is_(None), c.reported_at >= bindparam(PERIOD_LO),
                   c.reported_at < bindparam(PERIOD_HI))
            .group_by(prov, reg, dest, c.owner_unit_id).cte("rows"))
    return _count_statements(CASE_INDICATORS, grain, rows)


def _write_durations(db: Session, measures: Iterable[str], p: Period,
                     hist: Counter[tuple[str, int, int]]) -> None:
    db.execute(delete(StatDuration).where(StatDuration.measure.in_(list(measures)),
                                          StatDuration.period == p.label))
    for (m, _unit, d), n in list(hist.items()):  # the rollup over all units
        hist[(m, ALL_UNITS, d)] += n
    if hist:
        db.execute(insert(StatDuration), [
            {"measure": m, "period": p.label, "unit_id": unit, "days": d, "n": n}
            for (m, unit, d), n in hist.items()])


def _whole_days(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds() // 86400))


def _stage_durations(db: Session, p: Period) -> None:
    from waspada.cases.models import Case as C
    from waspada.cases.models import CaseTransition as T

    lo, hi = _bounds(p)
    stage_of = {status: m for m, status in STAGES.items()}
    q = (select(C.reported_at, C.owner_unit_id, T.to_status, func.min(T.at))
         .join(T, T.case_id == C.id)
         .where(C.merged_into_id.is_(None), C.reported_at >= lo, C.reported_at < hi,
                T.to_status.in_(list(stage_of)))
         .group_by(C.id, C.reported_at, C.owner_unit_id, T.to_status))
    hist: Counter[tuple[str, int, int]] = Counter()
    for reported, unit, status, at in db.execute(q):
        hist[(stage_of[status], unit, _whole_days(reported, at))] += 1
    _write_durations(db, STAGES, p, hist)


def _refresh_cases(db: Session, marks: _Marks, full: bool) -> int:
    from waspada.cases.models import Case, CaseTransition

    top = db.scalar(select(func.max(Case.id))) or 0
    top_t = db.scalar(select(func.max(CaseTransition.id))) or 0
    changed = db.scalar(select(func.max(Case.last_update_at)))
    mark, mark_t = marks.get("cases"), marks.get("case_transitions")
    if full or mark is None or mark_t is None:
        _remember_regions(db, None)
        dirty = _dirty((), _span(db, Case.reported_at))
        if full:
            for g in GRAINS:
                dirty[g] |= _stored_periods(db, CASE_INDICATORS, g)
    else:
        since = (mark.changed_until or datetime.min.replace(tzinfo=UTC)) - OVERLAP
        if top == mark.last_id and top_t == mark_t.last_id and \
                (changed is None or mark.changed_until is None or changed <= mark.changed_until):
            return 0
        touched = select(CaseTransition.case_id).where(CaseTransition.id > mark_t.last_id)
        rows = db.execute(select(Case.id, Case.reported_at).where(
            (Case.id > mark.last_id) | (Case.last_update_at > since) | Case.id.in_(touched)
        )).all()
        _remember_regions(db, [r[0] for r in rows])
        _remember_regions(db, None)
        dirty = _dirty((_day(r[1]) for r in rows), None)
    for grain, periods in dirty.items():
        for p in sorted(periods):
            _case_period(db, grain, p)
    marks.set("cases", top, changed)
    marks.set("case_transitions", top_t)
    return sum(len(v) for v in dirty.values())


# -- referrals --------------------------------------------------------------------------------

def _referral_period(db: Session, p: Period) -> None:
    from waspada.cases.models import Referral as R

    lo, hi = _bounds(p)
    q = select(R.created_at, R.responded_at, R.from_unit_id).where(
        R.created_at >= lo, R.created_at < hi, R.responded_at.is_not(None))
    hist: Counter[tuple[str, int, int]] = Counter()
    for sent, answered, unit in db.execute(q):
        if answered is None:
            continue
        hist[("referral_answer_days", unit or NO_UNIT, _whole_days(sent, answered))] += 1
    _write_durations(db, ("referral_answer_days",), p, hist)


def _refresh_referrals(db: Session, marks: _Marks, full: bool) -> int:
    from waspada.cases.models import Referral as R

    latest = db.execute(select(func.max(R.created_at), func.max(R.responded_at))).one()
    changed = max((t for t in latest if t is not None), default=None)
    mark = marks.get("referrals")
    if full or mark is None:
        span = _span(db, R.created_at)
        months = _periods_between(*span, "month") if span else set()
    else:
        if changed is None or (mark.changed_until is not None and changed <= mark.changed_until):
            return 0
        since = (mark.changed_until or datetime.min.replace(tzinfo=UTC)) - OVERLAP
        sent = db.scalars(select(R.created_at).where(
            (R.created_at > since) | (R.responded_at > since)))
        months = {period_of(_day(d), "month") for d in sent}
    for p in sorted(months):
        _referral_period(db, p)
    marks.set("referrals", 0, changed)
    return len(months)


def last_run(db: Session) -> datetime | None:
    """When the aggregates were last refreshed (by any process), or None."""
    return db.scalar(select(StatWatermark.refreshed_at).where(StatWatermark.source == RUN))


def last_change(db: Session) -> datetime | None:
    """When a refresh last changed the aggregates (results computed before are stale)."""
    return db.scalar(select(StatWatermark.changed_until).where(StatWatermark.source == RUN))


def _lock(db: Session) -> None:
    """One refresh at a time (PostgreSQL advisory transaction lock; SQLite's write lock)."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(select(func.pg_advisory_xact_lock(_ADVISORY_KEY)))


def refresh(db: Session, *, full: bool = False) -> RefreshResult:
    """Bring the aggregates up to date (``full``: recompute every period). Not committed."""
    import time as _time

    start = _time.perf_counter()
    _lock(db)
    marks = _Marks(db)
    result = RefreshResult()
    result.periods["screenings"] = _refresh_screenings(db, marks, full)
    result.periods["offer_reports"] = _refresh_offers(db, marks, full)
    result.periods["cases"] = _refresh_cases(db, marks, full)
    result.periods["referrals"] = _refresh_referrals(db, marks, full)
    marks.set(RUN, 0, utcnow() if any(result.periods.values()) else None)
    db.flush()
    result.seconds = _time.perf_counter() - start
    return result
