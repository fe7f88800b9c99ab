"""Results computed from the aggregates and stored until the aggregates change (store level:
no access checks, no audit): the spike alerts of a unit scope and the suppressed public tables
of an indicator. A page reads one row instead of running the detector (about a second at
national scale) or the suppression audit.

A stored result is current when it was computed on the same local day (the periods shown move
with the date) and either after the last refresh that changed the aggregates or less than
:data:`GRACE_SECONDS` ago (the staleness the in-process caches already allowed).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from waspada.platform.db import utcnow
from waspada.platform.files import dumps_json

from . import refresh as refresher
from .store import StatResult

__all__ = ["GRACE_SECONDS", "keys", "load", "load_earlier", "save"]

GRACE_SECONDS = 300.0


def load(db: Session, kind: str, key: str) -> Any | None:
    """The stored body (decoded JSON) if current, else None."""
    row = db.get(StatResult, (kind, key))
    if row is None:
        return None
    body = json.loads(row.body)
    if body.get("day") != date.today().isoformat():
        return None
    changed = refresher.last_change(db)
    if changed is not None and row.computed_at < changed and \
            (utcnow() - row.computed_at).total_seconds() >= GRACE_SECONDS:
        return None
    return body["value"]


def load_earlier(db: Session, kind: str, key: str) -> Any | None:
    """Today's stored body even when the aggregates changed since (served while a fresh one is
    computed in the background), else None."""
    row = db.get(StatResult, (kind, key))
    if row is None:
        return None
    body = json.loads(row.body)
    return body["value"] if body.get("day") == date.today().isoformat() else None


def save(db: Session, kind: str, key: str, value: Any) -> None:
    """Store ``value`` (JSON-serialisable) and commit; a concurrent writer of the same row
    wins silently (both computed the same thing)."""
    body = dumps_json({"day": date.today().isoformat(), "value": value})
    row = db.get(StatResult, (kind, key))
    if row is None:
        db.add(StatResult(kind=kind, key=key, body=body, computed_at=utcnow()))
    else:
        row.body, row.computed_at = body, utcnow()
    try:
        db.commit()
    except IntegrityError:
        db.rollback()


def keys(db: Session, kind: str) -> list[str]:
    """The keys of the stored results of ``kind``."""
    return list(db.scalars(select(StatResult.key).where(StatResult.kind == kind)))
