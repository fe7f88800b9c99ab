"""Screened travellers: the in-process index the matching engine searches for earlier
screenings, the explanation of a match, and the person-history read."""

from __future__ import annotations

import hashlib
import threading
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from waspada.matching import warmstart
from waspada.matching.explanation_words import explain
from waspada.matching.index import WatchlistIndex
from waspada.matching.records import PersonRecord
from waspada.platform.security.policy import Principal, may_access_unit
from waspada.platform.settings import get_settings
from waspada.screening.errors import NotFound
from waspada.screening.store import Screening, ScreeningPerson

SAME_PERSON = 0.9  # link to an earlier traveller at or above this matching score
HISTORY_MIN = 0.6  # show earlier screenings of candidates at or above this score
SYNC_LOOKBACK = 200  # ids re-checked on each sync (writers may commit out of id order)



class PersonIndex:
    """All screened travellers, kept in sync with the database by id (cheap increments).

    A cold start loads the snapshot ``persons`` when there is a usable one (docs/matching.md,
    "Warm start") and catches up by id from its watermark; otherwise it builds the index and
    snapshots it in the background."""

    SNAPSHOT = "persons"

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.index: WatchlistIndex | None = None
        self.url: str | None = None
        self.last_id = 0
        self.changes = -1  # added since the last snapshot (-1: none written)

    @staticmethod
    def _watermark(db: Session, last_id: int) -> dict[str, Any]:
        """The newest id in the snapshot, and a fingerprint of the database (rows up to that id
        and that row's creation time, hashed) so a snapshot never serves another database."""
        rows = db.scalar(select(func.count()).select_from(ScreeningPerson)
                         .where(ScreeningPerson.id <= last_id))
        created = db.scalar(select(ScreeningPerson.created_at)
                            .where(ScreeningPerson.id == last_id))
        probe = hashlib.sha256(str(created).encode()).hexdigest()[:16]
        return {"last_id": last_id, "rows": rows, "probe": probe}

    def _load(self, db: Session) -> tuple[WatchlistIndex, int] | None:
        loaded = warmstart.load(self.SNAPSHOT)
        if loaded is None:
            return None
        index, mark = loaded
        last_id = mark.get("last_id")
        if not isinstance(last_id, int) or self._watermark(db, last_id) != mark:
            warmstart.log.warning("index snapshot %s is of another database: building the "
                                  "index afresh", self.SNAPSHOT)
            return None
        return index, last_id

    def sync(self, db: Session) -> WatchlistIndex:
        url = get_settings().effective_database_url
        with self.lock:
            if self.index is None or self.url != url:
                loaded = self._load(db)
                if loaded is not None:
                    self.index, self.last_id = loaded
                    self.url, self.changes = url, 0
                else:
                    rows = list(db.scalars(select(ScreeningPerson).order_by(ScreeningPerson.id)))
                    self.index = WatchlistIndex.build(person_record(r) for r in rows)
                    self.url, self.last_id = url, rows[-1].id if rows else 0
                    self.changes = -1
                    self._snapshot_if_due(db)
                    return self.index
            # look back a little: rows committed out of id order by concurrent writers
            recent = db.scalars(select(ScreeningPerson.id)
                                .where(ScreeningPerson.id > self.last_id - SYNC_LOOKBACK))
            missing = [i for i in recent if i > self.last_id or self.index.get(str(i)) is None]
            if missing:
                for row in db.scalars(select(ScreeningPerson)
                                      .where(ScreeningPerson.id.in_(missing))
                                      .order_by(ScreeningPerson.id)):
                    self.index.add(person_record(row))
                self.last_id = max(self.last_id, *missing)
                self.changes += len(missing)
            self._snapshot_if_due(db)
            return self.index

    def _snapshot_if_due(self, db: Session) -> None:
        if self.index is not None and self.last_id and warmstart.due(self.index, self.changes):
            warmstart.save_in_background(self.index, self.SNAPSHOT,
                                         self._watermark(db, self.last_id))
            self.changes = 0

    def reset(self) -> None:
        with self.lock:
            self.index, self.url, self.last_id, self.changes = None, None, 0, -1


PERSONS = PersonIndex()


def _count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(ScreeningPerson)) or 0


def warmer() -> warmstart.Warmer:
    """The start-up warmer of the earlier-screening index (a capability background worker)."""
    return warmstart.Warmer(PersonIndex.SNAPSHOT, PERSONS.sync, _count)


def person_record(row: ScreeningPerson | Screening, record_id: str | None = None
                  ) -> PersonRecord:
    return PersonRecord(record_id=record_id or str(row.id), full_name=row.full_name,
                        birth_date=row.birth_date, sex=row.sex, nik=row.nik,
                        passport_no=row.passport_no)


def visible_person_ids(db: Session, principal: Principal, person_ids: list[int]) -> set[int]:
    """The persons among ``person_ids`` with at least one screening the principal may see."""
    if not person_ids:
        return set()
    pairs = db.execute(select(Screening.person_id, Screening.unit_id)
                       .where(Screening.person_id.in_(person_ids)).distinct())
    return {pid for pid, unit_id in pairs if may_access_unit(principal, unit_id)}


def history(db: Session, principal: Principal, person_id: int, lang: str) -> dict[str, Any]:
    """A person is visible only through a screening the principal may see; :class:`NotFound`
    otherwise (the same answer as for an id that does not exist, so existence is not revealed)."""
    person = db.get(ScreeningPerson, person_id)
    if person is None:
        raise NotFound()
    rows = list(db.scalars(select(Screening).where(Screening.person_id == person_id)
                           .order_by(Screening.created_at.desc())))
    visible = [s for s in rows if may_access_unit(principal, s.unit_id)]
    if not visible:
        raise NotFound()
    index = PERSONS.sync(db)
    matches = [m for m in index.search(person_record(person, "q"), top=6, threshold=HISTORY_MIN)
               if m.record_id != str(person_id)]
    # look-alikes only where the caller may open them (their identity is theirs, not ours)
    reachable = visible_person_ids(db, principal, [int(m.record_id) for m in matches])
    similar = [m for m in matches if int(m.record_id) in reachable]
    # the person row holds the identity as first screened; when another unit screened first,
    # show the identity as the caller's own unit recorded it (not the other unit's NIK/passport)
    first = min(rows, key=lambda s: s.id)
    shown: ScreeningPerson | Screening = person if first in visible else visible[0]
    return {
        "person": {"id": person.id, "full_name": shown.full_name,
                   "birth_date": shown.birth_date.isoformat() if shown.birth_date else None,
                   "sex": shown.sex, "nik": shown.nik, "passport_no": shown.passport_no},
        "screenings": [{"id": s.id, "record_no": s.record_no, "unit": s.unit.name,
                        "date": s.created_at.isoformat(), "kind": s.kind, "level": s.level,
                        "final_action": s.final_action,
                        "destination_country": s.destination_country} for s in visible],
        "hidden_other_units": len(rows) - len(visible),
        "similar_persons": [{"person_id": int(m.record_id), "score": round(m.score, 4),
                             "explanation": explain(m.explanation, lang)} for m in similar],
    }
