"""Snapshots of a :class:`~waspada.matching.index.WatchlistIndex`: a restarted server loads the
index in seconds instead of computing the features of every entry again (docs/matching.md,
"Warm start").

File layout (one file per index under ``settings.data_dir/index-snapshots/``)::

    WASPADA-INDEX-SNAPSHOT\\n
    <header: one line of JSON>\\n
    <body: marshal of (rows, keys, offsets, positions, token counts, token total)>

The header names the format version, the Python ``marshal`` version, a hash of the entry
layout (the fields of ``Features`` and ``PersonRecord``), the index kind, the caller's
watermark (what the snapshot contains: the newest change applied), the body length and an
HMAC-SHA256 over header and body keyed with a key derived from the installation's secret key.
A snapshot is loaded only when all of these match; otherwise :class:`SnapshotRejected` names the
reason (no personal data) and the caller builds the index afresh. ``marshal`` is used because it
loads plain tuples, strings and ints several times faster than pickle or JSON; it is not safe
against crafted input, which is why nothing is unmarshalled before the HMAC has been checked.

Entries stay plain rows after loading and become ``Features`` on first use; postings are one
array of positions with offsets, under keys kept sorted (found by bisection, so no dict of
millions of keys is built). Removed entries are dropped and positions renumbered when a
snapshot is written, so a snapshot equals the index a fresh build would make of the same
entries. Writing goes to a private temporary file that is then renamed over the old snapshot
(atomic), so two processes writing at once or a reader during a write never see half a file.
The file holds personal data (names, NIKs, passports), like the database: mode 0600.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import hmac
import json
import marshal
import os
import secrets
import sys
from array import array
from datetime import date
from pathlib import Path
from typing import Any

from waspada.matching.features import Features, TokenFrequencies
from waspada.matching.index import WatchlistIndex, _Postings
from waspada.matching.records import PersonRecord

__all__ = ["FORMAT_VERSION", "SnapshotRejected", "load", "snapshot_key", "write"]

MAGIC = b"WASPADA-INDEX-SNAPSHOT\n"
#: 2: posting keys sorted; 3: entries per full name (common-name cap); 4: Features carry the
#: name's script, and names in Hangul, Chinese characters, Wade-Giles or katakana have other
#: tokens (an older snapshot is refused and the index rebuilt from the entries)
FORMAT_VERSION = 4
MAX_HEADER = 1 << 16

_FEATURE_FIELDS = [f for f in dataclasses.fields(Features) if f.name != "record"]
_RECORD_FIELDS = list(dataclasses.fields(PersonRecord))


def _date_slots(fields: list[dataclasses.Field]) -> tuple[int, ...]:
    return tuple(i for i, f in enumerate(fields) if str(f.type).startswith("date"))


_FEATURE_DATES = _date_slots(_FEATURE_FIELDS)
_RECORD_DATES = _date_slots(_RECORD_FIELDS)
#: changes whenever either dataclass gains, loses or retypes a field
LAYOUT = hashlib.sha256(json.dumps(
    [[f.name, str(f.type)] for f in _FEATURE_FIELDS + _RECORD_FIELDS]).encode()).hexdigest()[:16]


class SnapshotRejected(Exception):
    """The snapshot cannot be used (missing, other format, failed integrity check...)."""


def snapshot_key(secret_key: str) -> bytes:
    """The HMAC key of index snapshots, derived from the installation's secret key."""
    return hmac.new(secret_key.encode(), b"waspada index snapshot v1", hashlib.sha256).digest()


def _encode(values: tuple, dates: tuple[int, ...]) -> tuple:
    if not dates:
        return values
    out = list(values)
    for i in dates:
        if out[i] is not None:
            out[i] = out[i].toordinal()
    return tuple(out)


def _decode_dates(values: tuple, dates: tuple[int, ...]) -> list:
    out = list(values)
    for i in dates:
        if out[i] is not None:
            out[i] = date.fromordinal(out[i])
    return out


def _row(f: Features) -> tuple:
    feats = _encode(tuple(getattr(f, x.name) for x in _FEATURE_FIELDS), _FEATURE_DATES)
    rec = f.record
    if rec is None:
        return (feats, None)
    return (feats, _encode(tuple(getattr(rec, x.name) for x in _RECORD_FIELDS), _RECORD_DATES))


def decode_row(row: tuple) -> Features:
    """A snapshot row back into ``Features`` with its record."""
    feats, rec = row
    record = PersonRecord(*_decode_dates(rec, _RECORD_DATES)) if rec is not None else None
    values = _decode_dates(feats, _FEATURE_DATES)
    values.append(record)
    return Features(*values)


def _body(index: WatchlistIndex) -> tuple[bytes, int]:
    """Marshalled body of ``index`` with removed entries dropped (caller holds the index lock)."""
    newpos = array("i", [-1]) * len(index._feats)
    rows: list[tuple] = []
    for pos, f in enumerate(index._feats):
        if f is None:
            continue
        newpos[pos] = len(rows)
        rows.append(f if isinstance(f, tuple) else _row(f))
    keys: list[str] = []
    offsets = array("q", (0,))
    positions = array("i")
    post = index._post
    compact = len(rows) == len(index._feats)  # nothing removed: positions stay as they are
    for key in sorted(post.all_keys()):
        arr = post.get(key)
        live = arr if compact else [newpos[p] for p in arr or () if newpos[p] >= 0]
        if not live:
            continue
        keys.append(key)
        positions.extend(live)
        offsets.append(len(positions))
    body = marshal.dumps((rows, keys, offsets.tobytes(), positions.tobytes(),
                          dict(index.freq.counts), index.freq.total, index.version,
                          _live_names(index)))
    return body, len(rows)


def _mac(key: bytes, header: bytes, body: bytes | memoryview) -> str:
    mac = hmac.new(key, header, hashlib.sha256)
    mac.update(body)
    return mac.hexdigest()


def write(index: WatchlistIndex, path: Path, *, key: bytes, kind: str,
          watermark: dict[str, Any]) -> int:
    """Write ``index`` to ``path`` atomically; returns the number of entries written.

    ``watermark`` (JSON) says what the snapshot contains; it is returned by :func:`load` so the
    caller can apply the changes made since. Entries added to the index while it is written may
    or may not be in the file: callers re-apply changes idempotently from the watermark on.
    """
    with index._lock:
        body, n = _body(index)
    header = json.dumps({"format": FORMAT_VERSION, "marshal": marshal.version,
                         "python": list(sys.version_info[:2]), "layout": LAYOUT, "kind": kind,
                         "entries": n, "watermark": watermark, "body_bytes": len(body)},
                        sort_keys=True).encode()
    mac = _mac(key, header, body)
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(path)
    tmp = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        # personal data, like the database: readable by the server's account only
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(MAGIC)
            out.write(header + b"\n")
            out.write(mac.encode() + b"\n")
            out.write(body)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return n


def _remove_leftovers(path: Path) -> None:
    """Temporary files of writers that died mid-write (a killed server), not of live ones."""
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        try:
            pid = int(tmp.name[len(path.name) + 2:].split(".")[0])
            os.kill(pid, 0)
        except ProcessLookupError:
            tmp.unlink(missing_ok=True)
        except (ValueError, PermissionError):
            continue


def load(path: Path, *, key: bytes, kind: str) -> tuple[WatchlistIndex, dict[str, Any]]:
    """The index stored at ``path`` and its watermark; :class:`SnapshotRejected` otherwise."""
    try:
        with open(path, "rb") as src:
            data = src.read()
    except FileNotFoundError:
        raise SnapshotRejected("no snapshot") from None
    except OSError as exc:
        raise SnapshotRejected(f"unreadable ({exc.strerror})") from None
    view = memoryview(data)
    if not data.startswith(MAGIC):
        raise SnapshotRejected("not an index snapshot")
    at = len(MAGIC)
    end = data.find(b"\n", at, at + MAX_HEADER)
    mac_end = data.find(b"\n", end + 1, end + 200) if end >= 0 else -1
    if end < 0 or mac_end < 0:
        raise SnapshotRejected("truncated header")
    header_bytes = data[at:end]
    try:
        header = json.loads(header_bytes)
    except ValueError:
        raise SnapshotRejected("unreadable header") from None
    if not isinstance(header, dict):
        raise SnapshotRejected("unreadable header")
    expected = {"format": FORMAT_VERSION, "marshal": marshal.version,
                "python": list(sys.version_info[:2]), "layout": LAYOUT, "kind": kind}
    for name, want in expected.items():
        if header.get(name) != want:
            raise SnapshotRejected(f"{name} {header.get(name)!r} is not {want!r}")
    body = view[mac_end + 1:]
    if len(body) != header.get("body_bytes"):
        raise SnapshotRejected("truncated body")
    mac = data[end + 1:mac_end].decode("ascii", "replace")
    if not hmac.compare_digest(mac, _mac(key, header_bytes, body)):
        raise SnapshotRejected("integrity check failed (changed, corrupt or another key)")
    # millions of new tuples: the cyclic collector would scan them again and again while they
    # are made (it more than doubles the load time); none of them can form a cycle
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _index_of(marshal.loads(body)), header["watermark"]  # noqa: S302 - HMAC checked
    finally:
        if collecting:
            gc.enable()


def _index_of(loaded: tuple) -> WatchlistIndex:
    rows, keys, offsets, positions, counts, total, version, names = loaded
    index = WatchlistIndex()
    index._feats = rows
    index._decode = decode_row
    index._ids = {row[0][0]: pos for pos, row in enumerate(rows)}
    post = _Postings()
    post.base = keys  # sorted when written
    post.offsets = array("q")
    post.offsets.frombytes(offsets)
    post.positions = array("i")
    post.positions.frombytes(positions)
    index._post = post
    index.freq = TokenFrequencies(counts, total)
    index.version = version
    index._names = names
    return index


def _live_names(index: WatchlistIndex) -> dict[str, int]:
    """Entries per joined full name (the scorer's common-name cap), as the index counts them."""
    return {name: n for name, n in index._names.items() if n > 0}
