"""The cached watchlist index follows changes incrementally (no rebuild per change)."""

from __future__ import annotations

from datetime import date

from waspada.matching import store
from waspada.matching.records import PersonRecord
from waspada.platform.db import session_scope


def _query(name: str) -> PersonRecord:
    return PersonRecord(record_id="q", full_name=name, birth_date=date(1979, 3, 2))


def test_add_and_remove_update_the_same_index(database) -> None:  # type: ignore[no-untyped-def]
    with session_scope() as db:
        before = store.watchlist_index(db)
    with session_scope() as db:
        store.add_entry(db, PersonRecord("CACHE-1", "Darmawan Kusumo", date(1979, 3, 2)),
                        reason="uji", source="uji", list_kind="recruiter", expires_on=None,
                        actor="test")
    with session_scope() as db:
        index = store.watchlist_index(db)
        assert index is before  # updated in place, not rebuilt
        assert [m.record_id for m in index.search(_query("Darmawan Koesoemo"))][:1] == ["CACHE-1"]
    with session_scope() as db:
        store.remove_entry(db, "CACHE-1", reason="selesai", actor="test")
    with session_scope() as db:
        index = store.watchlist_index(db)
        assert index is before
        assert "CACHE-1" not in [m.record_id for m in index.search(_query("Darmawan Kusumo"))]
