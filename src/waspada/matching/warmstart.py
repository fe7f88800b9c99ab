"""Where index snapshots live and when they are written (docs/matching.md, "Warm start").

The watchlist index (``matching.store``) and the earlier-screening index
(``screening.persons``) use these helpers: :func:`load` on a cold start (None, with one log
line saying why, when there is no usable snapshot), :func:`save_in_background` after a cold
build and whenever :func:`due` says enough changes were applied since the last snapshot;
a :class:`Warmer` per index loads it when the server starts.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from waspada.matching import snapshot
from waspada.matching.index import WatchlistIndex
from waspada.platform.settings import get_settings

__all__ = ["Warmer", "due", "load", "path_of", "save", "save_in_background", "wait"]

log = logging.getLogger("waspada.matching")

_writers: dict[str, threading.Thread] = {}
_writers_lock = threading.Lock()


def path_of(name: str) -> Path:
    return get_settings().data_dir / "index-snapshots" / f"{name}.snapshot"


def _key() -> bytes:
    return snapshot.snapshot_key(get_settings().effective_secret_key)


def load(name: str) -> tuple[WatchlistIndex, dict[str, Any]] | None:
    """The snapshot ``name`` and its watermark, or None (logged) when it cannot be used."""
    path = path_of(name)
    if not path.exists() or not get_settings().index_snapshot_min_entries:
        return None
    started = time.perf_counter()
    try:
        index, watermark = snapshot.load(path, key=_key(), kind=name)
    except snapshot.SnapshotRejected as exc:
        log.warning("index snapshot %s not used (%s): building the index afresh", name, exc)
        return None
    log.info("index snapshot %s loaded: %d entries in %.1f s", name, len(index),
             time.perf_counter() - started)
    return index, watermark


def due(index: WatchlistIndex, changes: int) -> bool:
    """Whether ``index`` (with ``changes`` applied since its last snapshot) should be written."""
    settings = get_settings()
    return bool(settings.index_snapshot_min_entries) and \
        len(index) >= settings.index_snapshot_min_entries and \
        (changes < 0 or changes >= settings.index_snapshot_refresh_changes)


def save(index: WatchlistIndex, name: str, watermark: dict[str, Any]) -> None:
    """Write the snapshot now (logged; a failure to write is logged, never raised)."""
    started = time.perf_counter()
    try:
        n = snapshot.write(index, path_of(name), key=_key(), kind=name, watermark=watermark)
    except OSError as exc:
        log.warning("index snapshot %s not written (%s)", name, exc.strerror or exc)
        return
    log.info("index snapshot %s written: %d entries in %.1f s", name, n,
             time.perf_counter() - started)


def save_in_background(index: WatchlistIndex, name: str, watermark: dict[str, Any]) -> None:
    """Write the snapshot in a daemon thread (at most one writer per snapshot at a time)."""
    with _writers_lock:
        running = _writers.get(name)
        if running is not None and running.is_alive():
            return
        thread = threading.Thread(target=save, args=(index, name, watermark), daemon=True,
                                  name=f"index-snapshot-{name}")
        _writers[name] = thread
        thread.start()


def wait(name: str | None = None) -> None:
    """Wait for background snapshot writes (tests, the bench, an orderly shutdown)."""
    with _writers_lock:
        threads = [t for n, t in _writers.items() if name is None or n == name]
    for thread in threads:
        thread.join()


class Warmer:
    """Brings one index into memory when the server starts, before the first screening asks:
    from its snapshot when there is one, else by building it when the table is large enough to
    be worth a snapshot (small installations build on first use, in well under a second).
    A capability background worker (``Capability.workers``); ``WASPADA_WARM_INDEXES_ON_START=0``
    turns it off."""

    def __init__(self, name: str, warm: Callable[[Session], object],
                 size: Callable[[Session], int]) -> None:
        self.name, self.warm, self.size = name, warm, size
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if get_settings().warm_indexes_on_start:
            self._thread = threading.Thread(target=self.run, daemon=True,
                                            name=f"index-warm-{self.name}")
            self._thread.start()

    def stop(self) -> None:
        """Nothing to stop: a warm-up still running ends with the process (daemon thread)."""

    def run(self) -> None:
        from waspada.platform.db import session_factory

        started = time.perf_counter()
        try:
            with session_factory()() as db:
                minimum = get_settings().index_snapshot_min_entries
                if not path_of(self.name).exists() and (
                        not minimum or self.size(db) < minimum):
                    return
                self.warm(db)
        except Exception as exc:  # noqa: BLE001 - the first screening will try again
            log.warning("index %s not warmed at start-up (%s)", self.name, type(exc).__name__)
            return
        log.info("index %s ready %.1f s after start-up", self.name,
                 time.perf_counter() - started)
