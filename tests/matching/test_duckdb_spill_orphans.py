"""A run killed with ``kill -9`` leaves its DuckDB spill folder (record pairs with names and
NIKs) under ``TMPDIR``: the next connection removes the folders of processes that no longer
exist, and only those — never a live process's, another user's, a symlink or a folder that is
not ours."""

from __future__ import annotations

import gc
import os
import signal
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from waspada.matching.engines import duckdb_connection

_CHILD = """
import sys, time
from waspada.matching.engines import duckdb_connection
con = duckdb_connection()
((folder,),) = con.sql("select current_setting('temp_directory')").fetchall()
open(folder + '/spill.tmp', 'w').write('NIK 3507011234560001 SITI AMINAH\\n')
print(folder, flush=True)
time.sleep(120)
"""


@pytest.fixture
def tmpdir_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private TMPDIR for this test and its children (other runs' folders stay untouched)."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setenv("TMPDIR", str(root))
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


def _child_with_folder() -> tuple[subprocess.Popen[str], Path]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    child = subprocess.Popen([sys.executable, "-c", _CHILD], stdout=subprocess.PIPE, text=True,
                             env=env)
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    assert line, "the child did not open a connection"
    return child, Path(line)


def _dead_pid() -> int:
    """The id of a process that has ended and been reaped."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _folder_of(con: object) -> Path:
    ((folder,),) = con.sql(  # type: ignore[attr-defined]
        "select current_setting('temp_directory')").fetchall()
    return Path(folder)


def test_the_folder_name_carries_the_process_id(tmpdir_root: Path) -> None:
    con = duckdb_connection()
    folder = _folder_of(con)
    assert folder.parent == tmpdir_root
    assert folder.name.startswith(f"waspada-duckdb-{os.getpid()}-")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    del con
    gc.collect()
    assert not folder.exists()


def test_a_killed_run_s_folder_is_removed_by_the_next_connection(tmpdir_root: Path) -> None:
    child, folder = _child_with_folder()
    try:
        assert folder.name.startswith(f"waspada-duckdb-{child.pid}-")
        assert (folder / "spill.tmp").exists()
        # while the child lives, a new connection keeps its folder
        con = duckdb_connection()
        assert folder.exists() and (folder / "spill.tmp").exists()
        del con
        gc.collect()
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert folder.exists()  # kill -9: nothing ran to remove it
    con = duckdb_connection()
    assert not folder.exists()
    mine = _folder_of(con)
    assert mine.exists() and sorted(p.name for p in tmpdir_root.iterdir()) == [mine.name]


def test_only_our_own_dead_folders_go(tmpdir_root: Path) -> None:
    dead = _dead_pid()
    ours = tmpdir_root / f"waspada-duckdb-{dead}-abc123"
    ours.mkdir(mode=0o700)
    (ours / "pairs.tmp").write_text("x")
    nested = ours / "sub"
    nested.mkdir()
    (nested / "more.tmp").write_text("y")
    # a live process's folder (this process's parent), even with the same prefix
    live = tmpdir_root / f"waspada-duckdb-{os.getppid()}-live01"
    live.mkdir(mode=0o700)
    # other names: not ours to judge
    other_prefix = tmpdir_root / f"waspada-duckdbx-{dead}-abc"
    other_prefix.mkdir()
    no_pid = tmpdir_root / "waspada-duckdb-abcdef12"  # the old naming, without a pid
    no_pid.mkdir()
    plain_file = tmpdir_root / f"waspada-duckdb-{dead}-file"
    plain_file.write_text("not a folder")
    # a symlink with our prefix to a folder elsewhere: neither the link nor its target goes
    target = tmpdir_root.parent / "elsewhere"
    target.mkdir()
    (target / "keep.txt").write_text("keep")
    link = tmpdir_root / f"waspada-duckdb-{dead}-link"
    link.symlink_to(target, target_is_directory=True)
    # another user's folder with a dead pid (only root can make one)
    foreign = tmpdir_root / f"waspada-duckdb-{dead}-foreign"
    foreign.mkdir(mode=0o700)
    if os.getuid() == 0:
        os.chown(foreign, 65534, 65534)
    con = duckdb_connection()
    assert not ours.exists()
    assert live.exists() and other_prefix.exists() and no_pid.exists() and plain_file.exists()
    assert link.is_symlink() and (target / "keep.txt").read_text() == "keep"
    if os.getuid() == 0:
        assert foreign.exists()
    del con


def test_a_folder_that_cannot_be_removed_does_not_stop_the_run(
        tmpdir_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    dead = _dead_pid()
    stuck = tmpdir_root / f"waspada-duckdb-{dead}-stuck"
    stuck.mkdir(mode=0o700)
    real_rmtree = shutil.rmtree

    def refusing(path: object, *args: object, **kwargs: object) -> None:
        if Path(str(path)) == stuck:
            raise PermissionError(13, "Permission denied", str(path))
        real_rmtree(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(shutil, "rmtree", refusing)
    con = duckdb_connection()  # a race (another run removing it) or a permission error
    assert _folder_of(con).exists() and stuck.exists()
    del con
