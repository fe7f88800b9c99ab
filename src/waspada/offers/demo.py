"""Demo placement-agency (P3MI) registry for the public "Cek Agensi" page. Idempotent.

The names in ``demo_agencies.csv`` are made up (combinations of common Indonesian words, licence
numbers ``DEMO-…``, addresses marked "fiktif"); they are not the official KP2MI registry, whose
list was not available from a source that could be verified here. A real deployment loads the
official list with ``waspada offers import-agencies``.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from waspada.offers import store
from waspada.platform.db import session_scope

DEMO_REGISTRY = Path(__file__).with_name("demo_agencies.csv")
DEMO_SOURCE = "demo: fictional names, not the KP2MI registry"


def load_demo_agencies(seed: int) -> tuple[int, int]:
    """(entries added, entries already present); entries already present are left as they are."""
    rows = store.parse_agency_csv(DEMO_REGISTRY.read_bytes())
    with session_scope() as db:
        present = set(db.scalars(select(store.Agency.name_key)))
        new = [row for row in rows if store.normalise_company(row["name"]) not in present]
        if new:
            store.import_agencies(db, new, DEMO_SOURCE)
    return len(new), len(rows) - len(new)
