"""Reads over the pre-aggregated tables (store level: no access checks, no audit).

Every dashboard query here is a ``GROUP BY`` over ``stats_*`` rows filtered by indicator,
grain, period range and (for unit-scoped roles) unit: never a scan of the operational tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .periods import Kind, Period, parse_period, period_of
from .refresh import ALL_UNITS, ANY
from .store import AlertAck, StatCount, StatDuration, StatRegencyCount

__all__ = ["acks", "counts", "durations", "grain_of", "regency_counts", "to_kind",
           "unit_codes"]

ALL = None
"""``unit`` argument: every unit"""


def grain_of(kind: Kind) -> Kind:
    """The stored grain a period kind is read from (quarters are sums of months)."""
    return "week" if kind == "week" else "month"


def to_kind(label: str, kind: Kind) -> Period:
    """A stored period label as a period of ``kind`` (a month becomes its quarter)."""
    p = parse_period(label)
    return p if p.kind == kind else period_of(p.monday, kind)


def unit_codes(db: Session) -> dict[int, str]:
    from waspada.platform.security.models import Unit

    out = {uid: code for uid, code in db.execute(select(Unit.id, Unit.code))}
    out[0] = "??"
    return out


def counts(db: Session, indicators: Sequence[str], grain: Kind, by: Sequence[str], *,
           unit: int | None = ALL, since: str | None = None,
           until: str | None = None) -> list[tuple[Any, ...]]:
    """Rows ``(*by values, count)`` summed over the other dimensions, read from the rollup
    rows that hold them (:func:`statistics.refresh.rollups`). Province x destination exists
    only over all units (``unit`` None); destinations only by month."""
    cols = [getattr(StatCount, name) for name in by]
    q = (select(*cols, func.sum(StatCount.n))
         .where(StatCount.indicator.in_(list(indicators)), StatCount.grain == grain))
    if "province" in by and "destination" in by:
        if unit is not None:
            raise ValueError("province x destination is kept for all units only")
        q = q.where(StatCount.province != ANY, StatCount.destination != ANY,
                    StatCount.unit_id == ALL_UNITS)
    elif "destination" in by:
        q = q.where(StatCount.province == ANY, StatCount.destination != ANY,
                    StatCount.unit_id == (ALL_UNITS if unit is None else unit))
    elif "unit_id" in by and "province" not in by:
        q = q.where(StatCount.province == ANY, StatCount.destination == ANY,
                    StatCount.unit_id != ALL_UNITS)
        if unit is not None:
            q = q.where(StatCount.unit_id == unit)
    elif "unit_id" in by:
        q = q.where(StatCount.province != ANY, StatCount.destination == ANY,
                    StatCount.unit_id != ALL_UNITS)
        if unit is not None:
            q = q.where(StatCount.unit_id == unit)
    else:
        q = q.where(StatCount.province != ANY, StatCount.destination == ANY,
                    StatCount.unit_id == (ALL_UNITS if unit is None else unit))
    if since is not None:
        q = q.where(StatCount.period >= since)
    if until is not None:
        q = q.where(StatCount.period <= until)
    return [(*row[:-1], int(row[-1])) for row in db.execute(q.group_by(*cols))]


def regency_counts(db: Session, indicator: str, by: Sequence[str], *, unit: int | None,
                   since: str | None = None, province: str | None = None
                   ) -> list[tuple[Any, ...]]:
    cols = [getattr(StatRegencyCount, name) for name in by]
    q = select(*cols, func.sum(StatRegencyCount.n)).where(StatRegencyCount.indicator == indicator)
    if province is not None:
        q = q.where(StatRegencyCount.regency.in_(
            [f"{province}{i:02d}" for i in range(100)] + [f"{province}??"]))
    q = q.where(StatRegencyCount.unit_id == (ALL_UNITS if unit is None else unit))
    if since is not None:
        q = q.where(StatRegencyCount.period >= since)
    return [(*row[:-1], int(row[-1])) for row in db.execute(q.group_by(*cols))]


def durations(db: Session, measure: str, *, unit: int | None, since: str | None = None
              ) -> list[tuple[str, int, int]]:
    """``(month, days, count)`` histogram rows of one measure."""
    q = (select(StatDuration.period, StatDuration.days, func.sum(StatDuration.n))
         .where(StatDuration.measure == measure))
    q = q.where(StatDuration.unit_id == (ALL_UNITS if unit is None else unit))
    if since is not None:
        q = q.where(StatDuration.period >= since)
    q = q.group_by(StatDuration.period, StatDuration.days)
    return [(p, int(d), int(n)) for p, d, n in db.execute(q)]


def acks(db: Session, kind: str, periods: Sequence[str]) -> dict[tuple[str, str, str], AlertAck]:
    """The latest acknowledgement of each (indicator, area, period) among ``periods``."""
    out: dict[tuple[str, str, str], AlertAck] = {}
    if not periods:
        return out
    q = (select(AlertAck).where(AlertAck.kind == kind, AlertAck.period.in_(list(periods)))
         .order_by(AlertAck.id))
    for ack in db.scalars(q):
        out[(ack.indicator, ack.area, ack.period)] = ack
    return out
