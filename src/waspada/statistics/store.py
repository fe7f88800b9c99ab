"""Statistics tables: pre-aggregated counts and durations, the refresh watermark, the origin
region memo of cases, and alert acknowledgements. No commits, no audit (service.py does both).

The aggregates hold no personal data: a row is (indicator, period, province/regency code,
destination, unit id, count). They are rebuilt incrementally by :mod:`statistics.refresh`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from waspada.platform.db import Base, UTCDateTime, utcnow

__all__ = ["AlertAck", "StatCaseRegion", "StatCount", "StatDuration", "StatRegencyCount",
           "StatResult", "StatWatermark"]

INDICATOR = 40
PERIOD = 8
NOTE = 1000
DESTINATION = 8


class StatCount(Base):
    """Events of one indicator in one period (``grain`` month or week) by province,
    destination and unit (``unit_id`` 0: the event has no unit, e.g. offer reports)."""

    __tablename__ = "stats_counts"
    __table_args__ = (Index("ix_stats_counts_read", "indicator", "grain", "unit_id", "period"),)

    indicator: Mapped[str] = mapped_column(String(INDICATOR), primary_key=True)
    grain: Mapped[str] = mapped_column(String(8), primary_key=True)
    period: Mapped[str] = mapped_column(String(PERIOD), primary_key=True)
    province: Mapped[str] = mapped_column(String(2), primary_key=True)
    destination: Mapped[str] = mapped_column(String(DESTINATION), primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class StatRegencyCount(Base):
    """Events of one indicator in one month by regency (first four NIK digits) and unit
    (``unit_id`` -1: over all units)."""

    __tablename__ = "stats_regency_counts"
    __table_args__ = (Index("ix_stats_regency_counts_read", "indicator", "unit_id", "period"),)

    indicator: Mapped[str] = mapped_column(String(INDICATOR), primary_key=True)
    period: Mapped[str] = mapped_column(String(PERIOD), primary_key=True)
    regency: Mapped[str] = mapped_column(String(4), primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class StatDuration(Base):
    """How many items of ``measure`` (e.g. report -> located) took ``days`` whole days, by
    month of the start event and unit: a histogram, so medians need no individual rows."""

    __tablename__ = "stats_durations"
    __table_args__ = (Index("ix_stats_durations_read", "measure", "unit_id", "period"),)

    measure: Mapped[str] = mapped_column(String(INDICATOR), primary_key=True)
    period: Mapped[str] = mapped_column(String(PERIOD), primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    days: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class StatCaseRegion(Base):
    """The origin province and regency codes of a case, taken from its first victim's NIK
    while it is held: retention clears the NIK, the statistics keep the region."""

    __tablename__ = "stats_case_regions"

    case_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    province: Mapped[str] = mapped_column(String(2))
    regency: Mapped[str] = mapped_column(String(4))


class StatWatermark(Base):
    """How far the refresh has read one source: the last id (and change time) seen."""

    __tablename__ = "stats_watermarks"

    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer, default=0)
    changed_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AlertAck(Base):
    """An officer's acknowledgement of one spike alert, with a note."""

    __tablename__ = "stats_alert_acks"
    __table_args__ = (Index("ix_stats_alert_acks_alert", "indicator", "kind", "area", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator: Mapped[str] = mapped_column(String(INDICATOR))
    kind: Mapped[str] = mapped_column(String(8))
    area: Mapped[str] = mapped_column(String(2))
    period: Mapped[str] = mapped_column(String(PERIOD))
    note: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                nullable=True)
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class StatResult(Base):
    """A result computed from the aggregates and kept until they change: the spike alerts of
    one unit scope (``kind`` "alerts") or the suppressed public tables of one indicator
    (``kind`` "public"), as JSON. Counts and codes only, nothing personal."""

    __tablename__ = "stats_results"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    body: Mapped[str] = mapped_column(Text)
