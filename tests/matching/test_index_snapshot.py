"""Index snapshots (docs/matching.md, "Warm start"): a loaded snapshot answers exactly as a
freshly built index, a changed or foreign snapshot is refused, a stale one plus the changes made
since equals a fresh build, and concurrent writers never leave half a file."""

from __future__ import annotations

import json
import random
import threading
from datetime import date
from pathlib import Path

import pytest

from waspada.demo.synthetic import make_person
from waspada.matching import snapshot
from waspada.matching.features import features_of
from waspada.matching.index import WatchlistIndex
from waspada.matching.records import PersonRecord

KEY = snapshot.snapshot_key("test secret")


def _people(n: int, seed: int = 3, start: int = 0) -> list[PersonRecord]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        p = make_person(rng, start + i + 1)
        out.append(PersonRecord(record_id=f"R{start + i}", full_name=p.full_name,
                                birth_date=p.birth_date, sex=p.sex, nik=p.nik,
                                passport_no=p.passport_no))
    # namesakes and a missing birth date, so ties and broad keys are exercised
    out.append(PersonRecord("TWIN-A", "Muhammad Rizki", date(1990, 5, 1), sex="M"))
    out.append(PersonRecord("TWIN-B", "Muhammad Rizki", date(1990, 5, 1), sex="M"))
    out.append(PersonRecord("NODOB", "Siti Nurhaliza binti Ahmad"))
    return out


def _queries(records: list[PersonRecord]) -> list[PersonRecord]:
    qs = [PersonRecord("q", r.full_name.replace("u", "oe", 1), r.birth_date)
          for r in records[::7]]
    qs += [PersonRecord("q", "Muhammad Rizki", date(1990, 1, 5)),
           PersonRecord("q", "Siti Nur Haliza"), PersonRecord("q", "Budi")]
    return qs


def _answers(index: WatchlistIndex, queries: list[PersonRecord]) -> list:
    return [[(m.record_id, m.score, m.explanation, m.record)
             for m in index.search(q, top=5, threshold=0.3)] for q in queries]


def _live_counts(index: WatchlistIndex) -> dict[str, int]:
    return {k: v for k, v in index.freq.counts.items() if v}


def test_round_trip_answers_exactly_as_the_built_index(tmp_path: Path) -> None:
    records = _people(400)
    built = WatchlistIndex.build(records)
    path = tmp_path / "w.snapshot"
    assert snapshot.write(built, path, key=KEY, kind="watchlist", watermark={"id": 7}) == 403
    assert path.stat().st_mode & 0o777 == 0o600  # personal data: the server's account only
    loaded, mark = snapshot.load(path, key=KEY, kind="watchlist")
    assert mark == {"id": 7}
    assert len(loaded) == len(built)
    queries = _queries(records)
    answers = _answers(built, queries)
    assert sum(map(len, answers)) >= len(queries) - 3  # the queries do find entries
    assert _answers(loaded, queries) == answers
    assert loaded.get("NODOB") == records[-1]
    assert loaded.explain(queries[0], answers[0][0][0]) == answers[0][0][2]
    assert _live_counts(loaded) == _live_counts(built)
    assert loaded.freq.total == built.freq.total
    # the common-name cap counts entries per full name: a loaded index counts the same
    twin = loaded.get("TWIN-A")
    assert twin is not None
    assert loaded.common_name_cap(features_of(twin)) == built.common_name_cap(features_of(twin))


def _written(tmp_path: Path) -> Path:
    path = tmp_path / "w.snapshot"
    snapshot.write(WatchlistIndex.build(_people(50)), path, key=KEY, kind="watchlist",
                   watermark={})
    return path


def test_changed_byte_is_refused(tmp_path: Path) -> None:
    path = _written(tmp_path)
    data = bytearray(path.read_bytes())
    data[-100] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(snapshot.SnapshotRejected, match="integrity"):
        snapshot.load(path, key=KEY, kind="watchlist")


def test_another_installations_key_is_refused(tmp_path: Path) -> None:
    path = _written(tmp_path)
    with pytest.raises(snapshot.SnapshotRejected, match="integrity"):
        snapshot.load(path, key=snapshot.snapshot_key("another secret"), kind="watchlist")


def test_truncated_file_and_wrong_kind_are_refused(tmp_path: Path) -> None:
    path = _written(tmp_path)
    with pytest.raises(snapshot.SnapshotRejected, match="kind"):
        snapshot.load(path, key=KEY, kind="persons")
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(snapshot.SnapshotRejected, match="truncated"):
        snapshot.load(path, key=KEY, kind="watchlist")
    path.write_bytes(b"garbage")
    with pytest.raises(snapshot.SnapshotRejected, match="not an index snapshot"):
        snapshot.load(path, key=KEY, kind="watchlist")
    with pytest.raises(snapshot.SnapshotRejected, match="no snapshot"):
        snapshot.load(tmp_path / "absent", key=KEY, kind="watchlist")


def test_other_format_version_is_refused_even_with_a_valid_mac(tmp_path: Path) -> None:
    """A snapshot of another format is rebuilt, not read, even when it is authentic."""
    path = _written(tmp_path)
    raw = path.read_bytes()
    at = len(snapshot.MAGIC)
    end = raw.index(b"\n", at)
    mac_end = raw.index(b"\n", end + 1)
    header = json.loads(raw[at:end])
    header["format"] = snapshot.FORMAT_VERSION + 1
    new_header = json.dumps(header, sort_keys=True).encode()
    body = raw[mac_end + 1:]
    mac = snapshot._mac(KEY, new_header, body).encode()
    path.write_bytes(snapshot.MAGIC + new_header + b"\n" + mac + b"\n" + body)
    with pytest.raises(snapshot.SnapshotRejected, match="format"):
        snapshot.load(path, key=KEY, kind="watchlist")


def test_stale_snapshot_plus_changes_equals_a_fresh_build(tmp_path: Path) -> None:
    records = _people(300)
    old = WatchlistIndex.build(records)
    path = tmp_path / "w.snapshot"
    snapshot.write(old, path, key=KEY, kind="watchlist", watermark={"n": 300})
    loaded, _ = snapshot.load(path, key=KEY, kind="watchlist")
    # the changes made since the snapshot: new entries, removals, one entry replaced
    added = _people(60, seed=9, start=1000)[:60]
    removed = {r.record_id for r in records[::5]}
    replaced = PersonRecord(records[1].record_id, "Darmawan Kusumo", date(1979, 3, 2))
    for r in added:
        loaded.add(r)
    for rid in removed:
        loaded.remove(rid)
    loaded.add(replaced)
    final = [r for r in records if r.record_id not in removed and r.record_id != replaced.record_id]
    fresh = WatchlistIndex.build([*final, *added, replaced])
    queries = _queries(records) + _queries(added) + [PersonRecord("q", "Darmawan Koesoemo")]
    assert _answers(loaded, queries) == _answers(fresh, queries)
    assert _live_counts(loaded) == _live_counts(fresh)
    assert loaded.freq.total == fresh.freq.total
    # written again, the caught-up index is compacted: it equals the fresh build too
    snapshot.write(loaded, path, key=KEY, kind="watchlist", watermark={"n": 360})
    again, _ = snapshot.load(path, key=KEY, kind="watchlist")
    assert len(again) == len(fresh)
    assert len(again._feats) == len(fresh._feats)  # removed entries dropped
    assert _answers(again, queries) == _answers(fresh, queries)


def test_concurrent_writers_and_readers_never_see_half_a_file(tmp_path: Path) -> None:
    path = tmp_path / "w.snapshot"
    indexes = [WatchlistIndex.build(_people(80 + 20 * i, seed=i)) for i in range(4)]
    sizes = {len(ix) for ix in indexes}
    seen: list[int] = []
    errors: list[str] = []
    stop = threading.Event()

    def writer(ix: WatchlistIndex) -> None:
        for _ in range(5):
            snapshot.write(ix, path, key=KEY, kind="watchlist", watermark={"n": len(ix)})

    def reader() -> None:
        while not stop.is_set():
            try:
                loaded, mark = snapshot.load(path, key=KEY, kind="watchlist")
            except snapshot.SnapshotRejected as exc:
                if "no snapshot" not in str(exc):
                    errors.append(str(exc))
                continue
            assert mark["n"] == len(loaded)
            seen.append(len(loaded))

    threads = [threading.Thread(target=writer, args=(ix,)) for ix in indexes]
    read = threading.Thread(target=reader)
    read.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    read.join()
    assert errors == []
    assert seen and set(seen) <= sizes
    final, mark = snapshot.load(path, key=KEY, kind="watchlist")
    assert len(final) == mark["n"] in sizes
    assert [p.name for p in tmp_path.iterdir()] == ["w.snapshot"]  # no temporary files left


def test_temporary_file_of_a_dead_writer_is_removed(tmp_path: Path) -> None:
    path = tmp_path / "w.snapshot"
    dead = tmp_path / ".w.snapshot.999999999.abcd1234.tmp"  # no such process
    dead.write_bytes(b"half a snapshot")
    _written(tmp_path)
    assert not dead.exists()
    assert snapshot.load(path, key=KEY, kind="watchlist")[0] is not None
