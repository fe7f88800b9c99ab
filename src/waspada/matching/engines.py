"""Splink backends: DuckDB (embedded, the default) and Spark (distributed) behind one call,
and how feature frames and the name-frequency table are registered with either."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
import uuid
import weakref
from collections.abc import Sequence
from typing import Any

from waspada.matching.splink_features import name_term_frequencies
from waspada.platform.settings import get_settings

__all__ = ["AUTO_MEMORY_CAP", "ENGINES", "SPILL_PREFIX", "duckdb_connection", "interrupted",
           "make_db_api", "memory_hint", "memory_limit", "out_of_disk", "out_of_memory",
           "register_frame", "register_name_frequencies", "remove_orphaned_spill_folders",
           "spark_session", "spill_root", "table_name"]

ENGINES = ("duckdb", "spark")

_SPARK: Any = None


def spark_session(app_name: str = "waspada-matching", master: str | None = None) -> Any:
    """A local (or configured) Spark session; reused within the process.

    Shuffle partitions come from the settings (``WASPADA_SPARK_PARTITIONS``); an active
    session created beforehand (``spark-submit``) is reused as it is.
    """
    global _SPARK
    if _SPARK is None:
        import tempfile

        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location

        builder = SparkSession.builder.appName(app_name).master(master or "local[2]")
        # Spark would otherwise create ./spark-warehouse in the caller's directory
        builder = builder.config("spark.sql.warehouse.dir",
                                 tempfile.mkdtemp(prefix="waspada-spark-warehouse-"))
        builder = builder.config("spark.sql.shuffle.partitions",
            str(get_settings().spark_partitions)).config(
            "spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").config(
            "spark.driver.memory", "4g").config(
            "spark.jars", similarity_jar_location())
        _SPARK = builder.getOrCreate()
        _SPARK.sparkContext.setLogLevel("ERROR")
        _SPARK.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="waspada-spark-"))
    return _SPARK


def make_db_api(engine: str = "duckdb") -> Any:
    """Splink's database API for ``engine`` (``duckdb`` or ``spark``)."""
    if engine == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI(connection=duckdb_connection())
    if engine == "spark":
        from splink import SparkAPI

        return SparkAPI(spark_session=spark_session(), break_lineage_method="persist")
    raise ValueError(f"unknown engine {engine!r} (duckdb or spark)")


def duckdb_connection() -> Any:
    """An in-memory DuckDB connection for one dedupe or link. What DuckDB writes when memory
    runs short (at 1,000,000 records, gigabytes of record pairs with names and NIKs) goes to a
    private temporary folder (mode 0700, under :func:`spill_root`), removed when the connection
    is gone, instead of DuckDB's default ``.tmp`` in the working directory of whoever ran it (the
    server's, an analyst's home), where a killed run left it. ``WASPADA_MATCHING_MEMORY_LIMIT``
    caps the memory DuckDB holds before it writes there, ``WASPADA_MATCHING_SPILL_LIMIT`` what
    it may write.

    A run killed with ``kill -9`` cannot remove its folder; the folder's name carries the
    process id (``waspada-duckdb-<pid>-XXXX``) so that the next connection removes the folders
    of runs that have ended (:func:`remove_orphaned_spill_folders`)."""
    import duckdb

    root = spill_root()
    remove_orphaned_spill_folders(root)
    folder = tempfile.mkdtemp(prefix=f"{SPILL_PREFIX}{os.getpid()}-", dir=root)
    config: dict[str, str | bool | int | float | list[str]] = {"temp_directory": folder}
    limit = memory_limit()
    if limit:
        config["memory_limit"] = limit
    spill_limit = get_settings().matching_spill_limit
    if spill_limit:
        config["max_temp_directory_size"] = spill_limit.strip()
    try:
        con = duckdb.connect(":memory:", config=config)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    weakref.finalize(con, shutil.rmtree, folder, ignore_errors=True)
    return con


SPILL_PREFIX = "waspada-duckdb-"

#: the most ``auto`` lets DuckDB hold (half the machine's memory where that is less): in
#: round 22 a 1,000,000-record dedupe of synth2 needed between 6 and 8 GiB to stay in memory
#: (4 GiB: three times slower, spilling) and the blind generator's peaked at 9.4 GB under it.
#: Since round 23's join order (``name_levels.join_order_as_written``) both peak below 5 GB
#: and 4 GiB no longer spills (synth2: 158 s against 91 s at 8 GiB, the machine shared)
AUTO_MEMORY_CAP = 8 * 2**30


def memory_limit() -> str | None:
    """DuckDB's ``memory_limit`` for a run: ``WASPADA_MATCHING_MEMORY_LIMIT``, where ``auto``
    is :data:`AUTO_MEMORY_CAP` or half the machine's memory, whichever is less."""
    value = (get_settings().matching_memory_limit or "").strip()
    if value.lower() != "auto":
        return value or None
    try:
        machine = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        machine = 2 * AUTO_MEMORY_CAP
    return f"{min(AUTO_MEMORY_CAP, machine // 2) // 2**20}MiB"


def spill_root(*, make: bool = True) -> str:
    """The folder the spill folders go in: ``WASPADA_MATCHING_SPILL_DIR`` (made, 0700, when
    missing and ``make``), else ``TMPDIR``."""
    configured = get_settings().matching_spill_dir
    if configured is None:
        return tempfile.gettempdir()
    if make:
        os.makedirs(configured, mode=0o700, exist_ok=True)
    return str(configured)


def _process_exists(pid: int) -> bool:
    """Whether a process with this id exists (another user's, or a pid reused by an unrelated
    process, counts: its folder is kept)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except (OSError, OverflowError):
        return True  # cannot tell: keep the folder
    return True


def remove_orphaned_spill_folders(root: str | None = None) -> list[str]:
    """Remove the spill folders under ``root`` (:func:`spill_root`) left by runs whose process no
    longer exists; return the names removed.

    Only directories named ``waspada-duckdb-<pid>-...`` (not symlinks, not files) owned by this
    user, whose process id names no existing process, are removed; a folder that vanishes or
    cannot be removed meanwhile (another run cleaning up, a permission) is left as it is."""
    root = root or spill_root()
    uid = os.geteuid()
    removed: list[str] = []
    try:
        entries = list(os.scandir(root))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(SPILL_PREFIX):
            continue
        pid_text, sep, _rest = entry.name[len(SPILL_PREFIX):].partition("-")
        if not sep or not pid_text.isdigit() or not pid_text.isascii():
            continue
        pid = int(pid_text)
        if pid <= 0 or pid == os.getpid():
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != uid or _process_exists(pid):
            continue
        try:
            # rmtree refuses a symlink and, on Linux, removes through file descriptors, so a
            # link swapped in meanwhile is not followed either
            shutil.rmtree(entry.path, ignore_errors=True)
        except OSError:
            continue
        if not os.path.lexists(entry.path):
            removed.append(entry.name)
    return removed


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and what it was raised from (Splink wraps DuckDB's errors)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not s for s in seen):
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def out_of_memory(exc: BaseException) -> bool:
    """Whether ``exc`` (or what it was raised from) is Python's or DuckDB's out-of-memory error
    (DuckDB's when a step cannot fit even by spilling within ``WASPADA_MATCHING_MEMORY_LIMIT``,
    or when its spill folder's disk is full: :func:`out_of_disk`)."""
    return any(isinstance(e, MemoryError) or type(e).__name__ == "OutOfMemoryException"
               for e in _chain(exc)) or out_of_disk(exc)


def interrupted(exc: BaseException) -> bool:
    """Whether ``exc`` is a run stopped by Ctrl+C or SIGTERM: Python's ``KeyboardInterrupt``,
    DuckDB's "Query interrupted" it becomes inside a query (possibly wrapped by Splink), or
    the DuckDB error whose text is the Python traceback of a ``KeyboardInterrupt`` raised
    while DuckDB was reading a registered pandas frame (its last line
    ``KeyboardInterrupt: ``; a SIGTERM 1.4 s into a 30,000-record dedupe, round 24)."""
    return any(isinstance(e, KeyboardInterrupt) or "Query interrupted" in str(e)
               or _raised_keyboard_interrupt(str(e)) for e in _chain(exc))


def _raised_keyboard_interrupt(text: str) -> bool:
    """Whether ``text`` is a Python traceback that ends in a ``KeyboardInterrupt``."""
    if not text.startswith("Traceback (most recent call last)"):
        return False
    last = text.rstrip().rsplit("\n", 1)[-1]
    return last == "KeyboardInterrupt" or last.startswith("KeyboardInterrupt:")


#: DuckDB's words when its spill folder cannot take more (its ``max_temp_directory_size``
#: defaults to the free space of the folder's disk) and the system's for a full disk
_DISK_FULL = ("max_temp_directory_size", "No space left on device")


def out_of_disk(exc: BaseException) -> bool:
    """Whether ``exc`` (or what it was raised from) says the spill folder's disk is full."""
    return any((isinstance(e, OSError) and e.errno == errno.ENOSPC)
               or any(words in str(e) for words in _DISK_FULL) for e in _chain(exc))


def memory_hint(exc: BaseException | None = None) -> str:
    """What to do when a run ran out of memory (or its spill folder of disk space, when
    ``exc`` says so), for the command line."""
    if exc is not None and out_of_disk(exc):
        cap = get_settings().matching_spill_limit
        if cap:
            return (f"its spill folder (under {spill_root(make=False)}) reached "
                    f"WASPADA_MATCHING_SPILL_LIMIT={cap.strip()}: raise the limit, or free "
                    "disk space there")
        return (f"its spill folder ran out of disk space (under {spill_root(make=False)}): "
                "free space there, or set WASPADA_MATCHING_SPILL_DIR to a folder on a disk "
                "with more room")
    setting = (get_settings().matching_memory_limit or "").strip()
    limit = memory_limit()
    if limit:
        shown = setting if setting == limit else f"{setting} ({limit})"
        return (f"it ran out of memory within WASPADA_MATCHING_MEMORY_LIMIT={shown}: "
                "raise the limit")
    return "it ran out of memory: free memory, or run it on a larger machine"


def table_name(prefix: str) -> str:
    """A fresh table name (several runs may share one Spark session)."""
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def register_frame(db_api: Any, engine: str, frame: Any, name: str) -> Any:
    """Register a pandas feature frame as a Splink table (on Spark with an explicit schema:
    the token array, integer years, booleans and floats keep their types)."""
    if engine == "spark":
        import pyspark.sql.types as T

        spark = spark_session()

        def spark_type(col: str) -> Any:
            if col == "name_tokens":
                return T.ArrayType(T.StringType())
            kind = frame[col].dtype.kind
            if col == "dob_year" or kind in "iu":
                return T.LongType()
            return {"b": T.BooleanType(), "f": T.DoubleType()}.get(kind, T.StringType())

        schema = T.StructType([T.StructField(c, spark_type(c), True) for c in frame.columns])
        pdf = frame.astype(object).where(frame.notna(), None)
        rows = [tuple(r) for r in pdf.itertuples(index=False, name=None)]
        sdf = spark.createDataFrame(rows, schema=schema)
        return db_api.register(sdf, table_name=name)
    return db_api.register(frame, table_name=name)


def register_name_frequencies(db_api: Any, engine: str, frames: Sequence[Any]) -> None:
    """Hand Splink this data's name frequencies (:func:`name_term_frequencies`) in place of
    the table it would compute for the exact-name level."""
    tf = name_term_frequencies(frames)
    sdf = register_frame(db_api, engine, tf, table_name("tf_name"))
    db_api._intermediate_table_cache["__splink__df_tf_name_canon"] = (
        db_api.table_to_splink_dataframe("__splink__df_tf_name_canon", sdf.physical_name))
