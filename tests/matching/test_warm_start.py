"""A restarted server loads the watchlist and earlier-screening indexes from their snapshots,
catches up with the changes made since, answers as a fresh build would, and rebuilds (with a
log line) when a snapshot is tampered with or belongs to another database."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert, select

from waspada.matching import store, warmstart
from waspada.matching.index import WatchlistIndex
from waspada.matching.records import PersonRecord
from waspada.platform.db import session_scope
from waspada.screening import persons
from waspada.screening.store import ScreeningPerson

NAMES = ["Darmawan Kusumo", "Siti Rahayu", "Ahmad Fauzi bin Hasan", "Nur Hidayah", "Budi Santoso",
         "Wayan Sudarsana", "Maria Goreti Lein", "Muhammad Rizki Pratama"]


@pytest.fixture()
def snapshots(settings, monkeypatch) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Snapshots for any index size, removed afterwards; both indexes start cold."""
    monkeypatch.setattr(settings, "index_snapshot_min_entries", 1)
    store.reset_index_cache()
    persons.PERSONS.reset()
    yield
    warmstart.wait()
    for name in (store.SNAPSHOT, persons.PersonIndex.SNAPSHOT):
        warmstart.path_of(name).unlink(missing_ok=True)
    store.reset_index_cache()
    persons.PERSONS.reset()


def _add(record_id: str, name: str, born: date) -> None:
    with session_scope() as db:
        store.add_entry(db, PersonRecord(record_id, name, born), reason="uji", source="uji",
                        list_kind="recruiter", expires_on=None, actor="test")


def _answers(index: WatchlistIndex) -> list:
    queries = [PersonRecord("q", n.replace("u", "oe", 1), date(1979, 3, 2)) for n in NAMES]
    return [[(m.record_id, m.score, m.explanation) for m in index.search(q, threshold=0.3)]
            for q in queries]


def _restart() -> None:
    """What a restart does to the process: the in-memory indexes are gone."""
    warmstart.wait()
    store.reset_index_cache()
    persons.PERSONS.reset()


def test_restart_loads_the_watchlist_snapshot_and_catches_up(snapshots, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for i, name in enumerate(NAMES[:5]):
        _add(f"WARM-{i}", name, date(1979, 3, 2))
    with session_scope() as db:
        store.watchlist_index(db)  # cold: built, then snapshotted
    _restart()
    assert warmstart.path_of(store.SNAPSHOT).exists()
    # changes after the snapshot: two new entries and one removal
    for i, name in enumerate(NAMES[5:], start=5):
        _add(f"WARM-{i}", name, date(1979, 3, 2))
    with session_scope() as db:
        store.remove_entry(db, "WARM-1", reason="selesai", actor="test")

    def no_build(db):  # type: ignore[no-untyped-def]
        raise AssertionError("the index was built, not loaded")

    with monkeypatch.context() as m:
        m.setattr(store, "_build_index", no_build)
        with session_scope() as db:
            warm = store.watchlist_index(db)
    with session_scope() as db:
        fresh = store._build_index(db)
    assert len(warm) == len(fresh)
    assert warm.get("WARM-1") is None and warm.get("WARM-7") is not None
    answers = _answers(warm)
    assert answers == _answers(fresh)
    assert any(a and a[0][0] == "WARM-7" for a in answers)


def test_bulk_rows_with_one_timestamp_are_not_applied_twice(snapshots) -> None:  # type: ignore[no-untyped-def]
    """A bulk import stamps many rows with one changed_at: the catch-up applies only the rows
    after the snapshot's newest id, not every row sharing its timestamp."""
    stamp = datetime.now(UTC)  # the newest change (later tests' changes come after it)
    run = uuid.uuid4().hex[:8]
    rows = [{"record_id": f"BULK-{run}-{i}", "full_name": n, "birth_date": date(1980, 1, 1 + i),
             "list_kind": "recruiter", "reason": "uji", "source": "uji", "active": True,
             "created_by": "test", "created_at": stamp, "changed_at": stamp}
            for i, n in enumerate(NAMES)]
    with session_scope() as db:
        db.execute(insert(store.WatchlistEntry), rows[:4])
        index = store.watchlist_index(db)
        version = store.watchlist_version(db)
        assert store._catch_up(db, index, version) == 0
        db.execute(insert(store.WatchlistEntry), rows[4:])
        assert store._catch_up(db, index, version) == 4
        assert index.get(f"BULK-{run}-7") is not None


def test_tampered_snapshot_is_rebuilt_with_a_log_line(snapshots, caplog) -> None:  # type: ignore[no-untyped-def]
    _add("WARM-T", "Darmawan Kusumo", date(1979, 3, 2))
    with session_scope() as db:
        store.watchlist_index(db)
    _restart()
    path = warmstart.path_of(store.SNAPSHOT)
    data = bytearray(path.read_bytes())
    data[-50] ^= 0x04
    path.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="waspada.matching"), session_scope() as db:
        index = store.watchlist_index(db)
    assert index.get("WARM-T") is not None
    messages = [r.getMessage() for r in caplog.records]
    assert any("snapshot watchlist not used (integrity check failed" in m for m in messages)
    assert not any("Kusumo" in m for m in messages)  # no personal data in the log


def test_snapshot_of_another_database_is_not_used(snapshots, caplog) -> None:  # type: ignore[no-untyped-def]
    _add("WARM-D", "Siti Rahayu", date(1979, 3, 2))
    with session_scope() as db:
        index = store.watchlist_index(db)
        version = store.watchlist_version(db)
        mark = store._watermark(db, version)
    _restart()
    # an authentic snapshot whose fingerprint does not match this database
    warmstart.save(index, store.SNAPSHOT, {**mark, "rows": mark["rows"] + 1})
    with caplog.at_level(logging.WARNING, logger="waspada.matching"), session_scope() as db:
        rebuilt = store.watchlist_index(db)
    assert rebuilt is not index and rebuilt.get("WARM-D") is not None
    assert any("of another database" in r.getMessage() for r in caplog.records)


def test_restart_loads_the_earlier_screening_snapshot(snapshots) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    with session_scope() as db:
        db.execute(insert(ScreeningPerson), [
            {"full_name": n, "birth_date": date(1979, 3, 2), "created_at": now}
            for n in NAMES[:5]])
    with session_scope() as db:
        persons.PERSONS.sync(db)
    _restart()
    assert warmstart.path_of(persons.PersonIndex.SNAPSHOT).exists()
    with session_scope() as db:
        db.execute(insert(ScreeningPerson), [
            {"full_name": n, "birth_date": date(1979, 3, 2), "created_at": now}
            for n in NAMES[5:]])
    with session_scope() as db:
        warm = persons.PERSONS.sync(db)
        newest = db.scalar(select(ScreeningPerson.id).order_by(ScreeningPerson.id.desc()))
        rows = list(db.scalars(select(ScreeningPerson).order_by(ScreeningPerson.id)))
    assert persons.PERSONS.changes == 3  # loaded, then caught up by id (not rebuilt)
    fresh = WatchlistIndex.build(persons.person_record(r) for r in rows)
    assert warm.get(str(newest)) is not None
    assert len(warm) == len(fresh)
    assert _answers(warm) == _answers(fresh)


def test_start_up_warmer_loads_snapshots_before_the_first_screening(snapshots) -> None:  # type: ignore[no-untyped-def]
    _add("WARM-S", "Nur Hidayah", date(1979, 3, 2))
    with session_scope() as db:
        store.watchlist_index(db)
    _restart()
    store.warmer().run()  # what the server runs in a thread at start-up
    assert store._cache.index is not None and store._cache.index.get("WARM-S") is not None
    assert store._cache.changes == 0  # loaded from the snapshot, not built


def test_start_up_warmer_leaves_small_indexes_to_the_first_screening(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(settings, "index_snapshot_min_entries", 10**9)
    store.reset_index_cache()
    persons.PERSONS.reset()
    store.warmer().run()
    persons.warmer().run()
    assert store._cache.index is None and persons.PERSONS.index is None
