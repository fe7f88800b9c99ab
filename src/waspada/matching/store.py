"""Tables and queries: watchlist entries, person records, dedupe runs and cluster reviews.

The watchlist index used by the web app is cached per process and rebuilt when the
watchlist's version (count of entries, newest id, newest change) moves.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from waspada.matching import warmstart
from waspada.matching.index import WatchlistIndex
from waspada.matching.records import PersonRecord
from waspada.matching.schemas import (
    ACTOR_MAX,
    ADDRESS_MAX,
    BIRTH_PLACE_MAX,
    DOC_NO_MAX,
    FULL_NAME_MAX,
    LIST_KIND_MAX,
    LIST_KINDS,
    RECORD_ID_MAX,
    SOURCE_MAX,
)
from waspada.matching.verdicts import DECISIONS
from waspada.platform.db import Base, UTCDateTime, utcnow

__all__ = ["LIST_KINDS", "WatchlistEntry", "PersonRecordRow", "DedupeRun", "DedupeCluster",
           "DedupeMember"]


class _PersonColumns:
    """The person columns both tables share (the CSV columns of :class:`PersonRecord`)."""

    record_id: Mapped[str] = mapped_column(String(RECORD_ID_MAX), unique=True, index=True)
    full_name: Mapped[str] = mapped_column(String(FULL_NAME_MAX))
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    sex: Mapped[str | None] = mapped_column(String(1), nullable=True)
    birth_place: Mapped[str | None] = mapped_column(String(BIRTH_PLACE_MAX), nullable=True)
    address: Mapped[str | None] = mapped_column(String(ADDRESS_MAX), nullable=True)
    passport_no: Mapped[str | None] = mapped_column(String(DOC_NO_MAX), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(DOC_NO_MAX), nullable=True)
    nik: Mapped[str | None]

    def _record(self, source: str) -> PersonRecord:
        return PersonRecord(self.record_id, self.full_name, self.birth_date, self.sex,
                            self.birth_place, self.address, self.nik, self.passport_no,
                            self.phone, source)


class WatchlistEntry(_PersonColumns, Base):
    __tablename__ = "matching_watchlist_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nik: Mapped[str | None] = mapped_column(String(DOC_NO_MAX), nullable=True, index=True)
    list_kind: Mapped[str] = mapped_column(String(LIST_KIND_MAX), default="other")
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(SOURCE_MAX), default="")
    expires_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(ACTOR_MAX), default="")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    removed_by: Mapped[str | None] = mapped_column(String(ACTOR_MAX), nullable=True)
    removal_reason: Mapped[str | None] = mapped_column(Text, nullable=True)

    def to_record(self) -> PersonRecord:
        return self._record(self.list_kind)


class PersonRecordRow(_PersonColumns, Base):
    """Person records (passport applications, departures...) for batch deduplication."""

    __tablename__ = "matching_person_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nik: Mapped[str | None] = mapped_column(String(DOC_NO_MAX), nullable=True)
    source: Mapped[str] = mapped_column(String(SOURCE_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def to_record(self) -> PersonRecord:
        return self._record(self.source)


class DedupeRun(Base):
    __tablename__ = "matching_dedupe_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(ACTOR_MAX))
    origin: Mapped[str] = mapped_column(String(20))  # upload | database
    threshold: Mapped[str] = mapped_column(String(16))
    n_records: Mapped[int] = mapped_column(Integer, default=0)
    n_clusters: Mapped[int] = mapped_column(Integer, default=0)


class DedupeCluster(Base):
    """A cluster of two or more records found by a run, with the analyst's decision."""

    __tablename__ = "matching_dedupe_clusters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("matching_dedupe_runs.id"), index=True)
    cluster_key: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # confirmed | split
    decided_by: Mapped[str | None] = mapped_column(String(ACTOR_MAX), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: the score the review page showed beside the decision (``matching/verdicts.py``): the
    #: weakest pair's score of a cluster, the match probability of a review pair
    decided_score: Mapped[float | None] = mapped_column(Float, nullable=True)

    @property
    def review_probability(self) -> float | None:
        """For a pair of the review queue (two records the run left apart, scored just below
        its threshold): its match probability; None for a cluster."""
        if not self.cluster_key.startswith(REVIEW_KEY):
            return None
        return float(self.cluster_key[len(REVIEW_KEY):])


class DedupeMember(Base):
    __tablename__ = "matching_dedupe_members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("matching_dedupe_clusters.id"),
                                            index=True)
    record_id: Mapped[str] = mapped_column(String(RECORD_ID_MAX))
    full_name: Mapped[str] = mapped_column(String(FULL_NAME_MAX))
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    sex: Mapped[str | None] = mapped_column(String(1), nullable=True)
    nik: Mapped[str | None] = mapped_column(String(DOC_NO_MAX), nullable=True)
    passport_no: Mapped[str | None] = mapped_column(String(DOC_NO_MAX), nullable=True)

    @property
    def record(self) -> PersonRecord:
        """The member as the engine reads a person."""
        return PersonRecord(self.record_id, self.full_name, self.birth_date, self.sex,
                            nik=self.nik, passport_no=self.passport_no)


# -- watchlist ---------------------------------------------------------------------------------

def add_entry(db: Session, rec: PersonRecord, *, reason: str, source: str, list_kind: str,
              expires_on: date | None, actor: str) -> WatchlistEntry:
    """Add (or reactivate and replace) an entry; the service checked the limits, audits and
    commits."""
    if list_kind not in LIST_KINDS:
        raise ValueError(f"list kind must be one of {', '.join(LIST_KINDS)}")
    row = db.scalar(select(WatchlistEntry).where(WatchlistEntry.record_id == rec.record_id))
    now = utcnow()
    if row is None:
        # one clock reading for both: the column default ran at the flush, after changed_at,
        # and yente's first_seen came out later than its last_seen (walk21)
        row = WatchlistEntry(record_id=rec.record_id, created_at=now)
        db.add(row)
    row.full_name = rec.full_name
    row.birth_date = rec.birth_date
    row.sex = rec.sex
    row.birth_place = rec.birth_place
    row.address = rec.address
    row.nik = rec.nik
    row.passport_no = rec.passport_no
    row.phone = rec.phone
    row.list_kind = list_kind
    row.reason = reason
    row.source = source
    row.expires_on = expires_on
    row.active = True
    row.created_by = actor
    row.changed_at = now
    row.removed_by = None
    row.removal_reason = None
    return row


def remove_entry(db: Session, record_id: str, *, reason: str, actor: str
                 ) -> WatchlistEntry | None:
    row = db.scalar(select(WatchlistEntry).where(WatchlistEntry.record_id == record_id,
                                                 WatchlistEntry.active.is_(True)))
    if row is None:
        return None
    row.active = False
    row.removed_by = actor
    row.removal_reason = reason
    row.changed_at = utcnow()
    return row


def _active_clause():
    today = date.today()
    return (WatchlistEntry.active.is_(True)) & (
        (WatchlistEntry.expires_on.is_(None)) | (WatchlistEntry.expires_on >= today))


def active_entries(db: Session, limit: int | None = None) -> list[WatchlistEntry]:
    stmt = select(WatchlistEntry).where(_active_clause()).order_by(WatchlistEntry.id.desc())
    if limit:
        stmt = stmt.limit(limit)
    return list(db.scalars(stmt))


Version = tuple[int | None, datetime | None, str]


def watchlist_version(db: Session) -> Version:
    """Cheap on a million entries: both maxima come from indexes. Entries are never deleted
    (removal sets ``active`` and ``changed_at``), so the newest id and change time identify
    the state; the date makes expired entries drop out at midnight."""
    newest_id = db.scalar(select(func.max(WatchlistEntry.id)))
    newest_change = db.scalar(select(func.max(WatchlistEntry.changed_at)))
    return (newest_id, newest_change, date.today().isoformat())


@dataclass
class _IndexCache:
    version: Version | None = None
    index: WatchlistIndex | None = None
    #: changes applied since the snapshot was last written (-1: never written)
    changes: int = -1


_cache_lock = threading.Lock()
_cache = _IndexCache()

#: name of the watchlist index snapshot (matching.warmstart)
SNAPSHOT = "watchlist"


def _build_index(db: Session) -> WatchlistIndex:
    return WatchlistIndex.build([e.to_record() for e in db.scalars(
        select(WatchlistEntry).where(_active_clause()))])


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def _watermark(db: Session, version: Version) -> dict:
    """What a snapshot taken at ``version`` contains, plus a fingerprint of the database
    (rows up to the newest id and that row's record id, hashed) so a snapshot is never applied
    to another database that happens to live at the same place."""
    newest_id, newest_change, day = version
    rows = db.scalar(select(func.count()).select_from(WatchlistEntry)
                     .where(WatchlistEntry.id <= newest_id)) if newest_id is not None else 0
    probe = db.scalar(select(WatchlistEntry.record_id).where(WatchlistEntry.id == newest_id)) \
        if newest_id is not None else None
    return {"newest_id": newest_id, "rows": rows, "probe": _digest(probe or ""),
            "newest_change": newest_change.isoformat() if newest_change else None, "day": day}


def _from_snapshot(db: Session) -> tuple[WatchlistIndex, Version] | None:
    loaded = warmstart.load(SNAPSHOT)
    if loaded is None:
        return None
    index, mark = loaded
    try:
        version: Version = (mark["newest_id"], datetime.fromisoformat(mark["newest_change"]),
                            mark["day"])
        same = _watermark(db, version) == mark
    except (KeyError, TypeError, ValueError):
        same = False
    if not same:
        warmstart.log.warning("index snapshot %s is of another database: building the index "
                              "afresh", SNAPSHOT)
        return None
    return index, version


def _catch_up(db: Session, index: WatchlistIndex, old: Version) -> int:
    """Apply to ``index`` every change since ``old``: entries added, changed or removed since
    (idempotent: an entry is added or removed as it stands now), and entries that expired since
    ``old``'s day. Returns the number of changes applied."""
    today = date.today()
    n = 0
    if old[1] is not None:
        # changed after the watermark, or added with the very same timestamp (a bulk import
        # stamps many rows alike: those up to the newest id were all applied already)
        newer = WatchlistEntry.changed_at > old[1]
        if old[0] is not None:
            newer = newer | ((WatchlistEntry.changed_at == old[1]) & (WatchlistEntry.id > old[0]))
        for entry in db.scalars(select(WatchlistEntry).where(newer)):
            if entry.active and (entry.expires_on is None or entry.expires_on >= today):
                index.add(entry.to_record())
            else:
                index.remove(entry.record_id)
            n += 1
    if old[2] != today.isoformat():
        for record_id in db.scalars(select(WatchlistEntry.record_id).where(
                WatchlistEntry.expires_on < today,
                WatchlistEntry.expires_on >= date.fromisoformat(old[2]))):
            n += index.remove(record_id)
    return n


def watchlist_index(db: Session) -> WatchlistIndex:
    """The process-wide index over active entries.

    On a cold start it is loaded from its snapshot when there is a usable one (and brought up
    to date from the snapshot's watermark), else built and then snapshotted in the background.
    After that only the entries changed since the last look are added or removed (and, on a new
    day, the entries that expired), so adding one entry to a million-entry watchlist does not
    rebuild the index, nor does midnight.
    """
    version = watchlist_version(db)
    with _cache_lock:
        index, old = _cache.index, _cache.version
        if index is None and version[0] is not None:
            loaded = _from_snapshot(db)
            if loaded is not None:
                index, old = loaded
                _cache.changes = 0
                if old != version:
                    _cache.changes += _catch_up(db, index, old)
                old = version
        if index is None or old is None:
            index = _build_index(db)
            _cache.changes = -1
        elif old != version and old[1] is not None:
            _cache.changes += _catch_up(db, index, old)
        elif old != version:  # the watchlist was empty before
            index = _build_index(db)
            _cache.changes = -1
        _cache.index, _cache.version = index, version
        if warmstart.due(index, _cache.changes):
            warmstart.save_in_background(index, SNAPSHOT, _watermark(db, version))
            _cache.changes = 0
        return index


def _active_count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(WatchlistEntry)
                     .where(_active_clause())) or 0


def warmer() -> warmstart.Warmer:
    """The start-up warmer of the watchlist index (a capability background worker)."""
    return warmstart.Warmer(SNAPSHOT, watchlist_index, _active_count)


def reset_index_cache() -> None:
    """Forget the in-memory index (as a restarted server would; tests and the bench)."""
    with _cache_lock:
        _cache.index, _cache.version, _cache.changes = None, None, -1


def entry_details(db: Session, record_ids: list[str]) -> dict[str, WatchlistEntry]:
    if not record_ids:
        return {}
    rows = db.scalars(select(WatchlistEntry).where(WatchlistEntry.record_id.in_(record_ids)))
    return {r.record_id: r for r in rows}


# -- person records and dedupe runs -------------------------------------------------------------

def person_records(db: Session, limit: int = 200_000) -> list[PersonRecord]:
    return [r.to_record() for r in db.scalars(select(PersonRecordRow).order_by(
        PersonRecordRow.id).limit(limit))]


#: cluster key of a review-queue pair (followed by its probability)
REVIEW_KEY = "review:"
#: at most this many pairs in a run's review queue (the most probable first)
REVIEW_QUEUE_MAX = 300


def save_run(db: Session, *, actor: str, origin: str, threshold: float,
             records: list[PersonRecord], clusters: list[tuple[str, str]],
             review: Sequence[tuple[str, str, float]] = ()) -> DedupeRun:
    """Keep a run: its clusters of two or more records and (``review``) the uncertain pairs
    it left apart, each as a two-record group for a person to decide."""
    run = DedupeRun(created_by=actor, origin=origin, threshold=f"{threshold:g}",
                    n_records=len(records))
    db.add(run)
    db.flush()
    by_cluster: dict[str, list[str]] = {}
    for rid, cid in clusters:
        by_cluster.setdefault(cid, []).append(rid)
    recs = {r.record_id: r for r in records}
    n = 0
    for cid, members in sorted(by_cluster.items()):
        if len(members) < 2:
            continue
        n += 1
        c = DedupeCluster(run_id=run.id, cluster_key=cid[:64], size=len(members))
        db.add(c)
        db.flush()
        for rid in members:
            _add_member(db, c, recs[rid])
    run.n_clusters = n
    cluster_of = dict(clusters)
    apart = [t for t in review if cluster_of.get(t[0], t[0]) != cluster_of.get(t[1], t[1])]
    for a, b, p in sorted(apart, key=lambda t: (-t[2], t[0], t[1]))[:REVIEW_QUEUE_MAX]:
        c = DedupeCluster(run_id=run.id, cluster_key=f"{REVIEW_KEY}{p:.4f}", size=2)
        db.add(c)
        db.flush()
        _add_member(db, c, recs[a])
        _add_member(db, c, recs[b])
    return run


def _add_member(db: Session, c: DedupeCluster, r: PersonRecord) -> None:
    db.add(DedupeMember(cluster_id=c.id, record_id=r.record_id, full_name=r.full_name,
                        birth_date=r.birth_date, sex=r.sex, nik=r.nik,
                        passport_no=r.passport_no))


def run_clusters(db: Session, run_id: int, limit: int = 500
                 ) -> tuple[list[DedupeCluster], dict[int, list[DedupeMember]]]:
    """A run's first ``limit`` clusters (and review pairs) with their members."""
    clusters = list(db.scalars(select(DedupeCluster).where(DedupeCluster.run_id == run_id)
                               .order_by(DedupeCluster.id).limit(limit)))
    members: dict[int, list[DedupeMember]] = {c.id: [] for c in clusters}
    if clusters:
        for m in db.scalars(select(DedupeMember).where(
                DedupeMember.cluster_id.in_(list(members)))):
            members[m.cluster_id].append(m)
    return clusters, members


def cluster_members(db: Session, cluster_id: int) -> list[DedupeMember]:
    return list(db.scalars(select(DedupeMember).where(DedupeMember.cluster_id == cluster_id)
                           .order_by(DedupeMember.id)))


def decided_results(db: Session, since: datetime | None
                    ) -> Iterator[tuple[str, str, float | None]]:
    """(``cluster`` | ``pair``, decision, the score shown) of every decided cluster and
    review pair, decided at or after ``since``."""
    c = DedupeCluster
    query = select(c.cluster_key, c.status, c.decided_score).where(
        c.status.in_(DECISIONS))
    if since is not None:
        query = query.where(c.decided_at >= since)
    for key, status, score in db.execute(query):
        yield ("pair" if key.startswith(REVIEW_KEY) else "cluster"), status, score
