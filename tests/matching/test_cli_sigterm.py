"""``kill PID`` (SIGTERM, what ``timeout``, ``systemctl stop`` and a job scheduler send) ended
``waspada identity dedupe`` at once, without unwinding: its spill folder — record pairs with
names and NIKs, gigabytes at 1,000,000 records — stayed on disk until the next run (round 22).
The command now stops as on Ctrl+C: DuckDB's query is interrupted, the folder removed, one
line said, nothing written."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("waspada") is None and not Path(
    sys.executable).with_name("waspada").exists(), reason="the waspada entry point is needed")


def _people(path: Path, n: int) -> None:
    rng = random.Random(5)
    first = ["Agus", "Budi", "Siti", "Dewi", "Rina", "Joko", "Sri", "Eko", "Nur", "Wahyu"]
    last = ["Santoso", "Wijaya", "Lestari", "Hidayat", "Saputra", "Rahayu", "Kurniawan"]
    rows = ["record_id,full_name,birth_date"]
    for i in range(n):
        rows.append(f"R{i},{rng.choice(first)} {rng.choice(last)},"
                    f"{rng.randint(1960, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_sigterm_removes_the_spill_folder_and_says_one_line(tmp_path: Path) -> None:
    src, out, tmp = tmp_path / "people.csv", tmp_path / "out.csv", tmp_path / "tmp"
    tmp.mkdir()
    _people(src, 30_000)
    exe = Path(sys.executable).with_name("waspada")
    env = {**os.environ, "TMPDIR": str(tmp), "WASPADA_MATCHING_SPILL_DIR": str(tmp)}
    proc = subprocess.Popen([str(exe), "identity", "dedupe", str(src), "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 120
    while not list(tmp.glob(f"waspada-duckdb-{proc.pid}-*")):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.5)  # into the run
    assert proc.poll() is None
    proc.send_signal(signal.SIGTERM)
    _stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert not list(tmp.glob("waspada-duckdb-*")), list(tmp.iterdir())
    assert "Traceback" not in stderr, stderr
    assert "deduplication stopped" in stderr, stderr
    assert not out.exists()


def test_a_stop_while_duckdb_reads_a_pandas_frame_is_a_stop() -> None:
    """Round 24 (CI, a SIGTERM 1.4 s into the run): the ``KeyboardInterrupt`` raised while
    DuckDB was reading a registered pandas frame came back as a DuckDB ``Error`` whose text is
    the Python traceback; the command said "deduplication failed: Error: Traceback …" and
    exited 1, not "stopped" and 130. Any other DuckDB error, or a traceback of another
    exception, is not a stop."""
    import duckdb
    import pandas as pd

    from waspada.matching.engines import interrupted

    class Stopped(pd.DataFrame):  # a frame whose columns cannot be read: Ctrl+C meanwhile
        @property
        def _constructor(self):  # type: ignore[no-untyped-def]
            return Stopped

        def __getitem__(self, key):  # type: ignore[no-untyped-def]
            raise KeyboardInterrupt

    con = duckdb.connect()
    with pytest.raises(duckdb.Error) as got:  # raised where DuckDB first reads the frame
        con.register("v", Stopped({"a": [1, 2, 3]}))
        con.sql("select * from v").fetchall()
    assert not isinstance(got.value, KeyboardInterrupt)
    assert str(got.value).startswith("Traceback (most recent call last)")
    assert interrupted(got.value)
    assert interrupted(RuntimeError("wrapped")) is False
    assert not interrupted(duckdb.Error("Traceback (most recent call last):\n  File \"x\", "
                                        "line 1, in f\nValueError: KeyboardInterrupt"))
    assert not interrupted(duckdb.Error("Binder Error: KeyboardInterrupt is not a column"))
