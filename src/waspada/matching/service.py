"""Matching operations that other capabilities call (they import this module or the pure core,
never ``matching.store``).

Added by the screening helper for issue #12 with only the read screening needs; the matching
rewrite owns the rest of this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from waspada.matching import store
from waspada.matching.records import PersonRecord


@dataclass(frozen=True)
class WatchlistCandidate:
    """An active watchlist entry that resembles a query, with the engine's explanation."""

    entry_id: str
    full_name: str
    list_kind: str
    score: float
    explanation: dict[str, Any] = field(default_factory=dict)


def watchlist_candidates(db: Session, record: PersonRecord, *, top: int = 5,
                         threshold: float = 0.5) -> list[WatchlistCandidate]:
    """The best ``top`` active entries scoring at least ``threshold`` against ``record``."""
    matches = store.watchlist_index(db).search(record, top=top, threshold=threshold)
    details = store.entry_details(db, [m.record_id for m in matches])
    return [WatchlistCandidate(entry_id=m.record_id, full_name=details[m.record_id].full_name,
                               list_kind=details[m.record_id].list_kind, score=m.score,
                               explanation=dict(m.explanation))
            for m in matches if m.record_id in details]
