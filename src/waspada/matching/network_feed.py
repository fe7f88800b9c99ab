"""What the network capability reads of the watchlist (``network/sources.py``): each active
entry as a source of phones, listed persons and reason texts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from waspada.matching import store


def network_records(db: Session, ids: list[int] | None) -> Iterator[dict[str, Any]]:
    """Each active watchlist entry as a source of the network capability: its phone, the
    listed person (by entry) and the reason text."""
    last = 0
    while True:
        q = select(store.WatchlistEntry).where(store.WatchlistEntry.active.is_(True),
                                               store.WatchlistEntry.id > last)
        if ids is not None:
            q = q.where(store.WatchlistEntry.id.in_(ids))
        rows = list(db.scalars(q.order_by(store.WatchlistEntry.id).limit(1_000)))
        if not rows:
            return
        for row in rows:
            fields = [{"kind": "person", "value": f"watchlist:{row.record_id}",
                       "role": row.list_kind, "label": row.full_name}]
            if row.phone:
                fields.append({"kind": "phone", "value": row.phone, "role": row.list_kind})
            if row.reason:
                fields.append({"kind": "text", "value": row.reason, "role": "reason"})
            yield {"source_id": row.id, "unit_id": None, "seen_at": row.created_at,
                   "fields": fields}
        last = rows[-1].id
