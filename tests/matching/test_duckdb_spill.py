"""DuckDB's spill files hold record pairs with names and NIKs: they go to a private temporary
folder removed after the run, never to ``.tmp`` in the working directory (DuckDB's default),
and ``WASPADA_MATCHING_MEMORY_LIMIT`` caps what DuckDB holds in memory before writing there."""

from __future__ import annotations

import gc
import os
import stat
import tempfile
from pathlib import Path

import pytest
from pydantic import ValidationError

from tests.matching.conftest import dataset
from waspada.matching.engines import duckdb_connection
from waspada.matching.pipeline import dedupe
from waspada.platform.settings import Settings, get_settings


def test_spill_folder_is_private_and_removed_with_the_connection() -> None:
    con = duckdb_connection()
    ((folder,),) = con.sql("select current_setting('temp_directory')").fetchall()
    path = Path(folder)
    assert path.parent == Path(tempfile.gettempdir()) and path.name.startswith("waspada-duckdb-")
    assert stat.S_IMODE(path.stat().st_mode) == 0o700
    del con
    gc.collect()
    assert not path.exists()


def test_the_memory_limit_setting_reaches_duckdb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "matching_memory_limit", "256MB")
    con = duckdb_connection()
    ((limit,),) = con.sql("select current_setting('memory_limit')").fetchall()
    assert limit in ("244.1 MiB", "256.0 MiB", "256MB"), limit
    for value in ("auto", "4GB", "512 MiB", "50%", " 1.5GB "):
        assert Settings(matching_memory_limit=value).matching_memory_limit == value
    for value in ("banana", "4", "GB", "-1GB", "4GB; SET x=1"):
        with pytest.raises(ValidationError):
            Settings(matching_memory_limit=value)


def _rounded(pairs: list[tuple[str, str, float]]) -> list[tuple[str, str, float]]:
    return sorted((a, b, round(p, 9)) for a, b, p in pairs)


def test_a_dedupe_under_a_small_limit_writes_nothing_where_it_runs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    recs, _truth = dataset()
    free = dedupe(recs)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(get_settings(), "matching_memory_limit", "300MB")
    capped = dedupe(recs)
    assert sorted(capped.clusters) == sorted(free.clusters)
    assert _rounded(capped.pairs) == _rounded(free.pairs)  # DuckDB's threads order rows freely
    assert os.listdir(tmp_path) == []  # no .tmp left in the working directory


def test_running_out_of_memory_is_one_line_that_says_what_to_do(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from waspada.cli import app

    src = tmp_path / "people.csv"
    recs, _truth = dataset()
    src.write_text("record_id,full_name,birth_date\n" + "".join(
        f"{r.record_id},{r.full_name},{r.birth_date or ''}\n" for r in recs), encoding="utf-8")
    monkeypatch.setattr(get_settings(), "matching_memory_limit", "1MB")
    result = CliRunner().invoke(app, ["identity", "dedupe", str(src), "--output",
                                      str(tmp_path / "out.csv")])
    said = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert "ran out of memory within WASPADA_MATCHING_MEMORY_LIMIT=1MB: raise the limit" in said
    assert "Traceback" not in result.output and not (tmp_path / "out.csv").exists()


def test_the_spill_folder_goes_where_the_setting_says(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where ``/tmp`` is memory (tmpfs, Debian 13's default) the spill would take RAM again:
    ``WASPADA_MATCHING_SPILL_DIR`` puts it on a disk; the folder is made (0700) when missing,
    and the killed runs' folders are looked for there."""
    root = tmp_path / "spill" / "duckdb"
    monkeypatch.setattr(get_settings(), "matching_spill_dir", root)
    con = duckdb_connection()
    ((folder,),) = con.sql("select current_setting('temp_directory')").fetchall()
    assert Path(folder).parent == root and stat.S_IMODE(root.stat().st_mode) == 0o700
    assert Settings(matching_spill_dir="/srv/spill").matching_spill_dir == Path("/srv/spill")
    del con
    gc.collect()
    assert os.listdir(root) == []


def _small_file(tmp_path: Path) -> Path:
    src = tmp_path / "people.csv"
    recs, _truth = dataset()
    src.write_text("record_id,full_name,birth_date\n" + "".join(
        f"{r.record_id},{r.full_name},{r.birth_date or ''}\n" for r in recs), encoding="utf-8")
    return src


def test_a_full_spill_folder_says_so_not_raise_the_memory_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB reports a full spill folder as an out-of-memory error; the line said "raise the
    limit" (of memory) where the disk was what ran out."""
    from typer.testing import CliRunner

    from waspada.cli import app

    src = _small_file(tmp_path)
    monkeypatch.setattr(get_settings(), "matching_spill_dir", tmp_path / "spill")
    # 60 MB: every step that cannot spill fits, the prediction spills (50-80 MB measured)
    monkeypatch.setattr(get_settings(), "matching_memory_limit", "60MB")
    for value in ("1GB", "256 KiB"):
        assert Settings(matching_spill_limit=value).matching_spill_limit == value
    for value in ("50%", "banana", "1GB; SET x=1"):
        with pytest.raises(ValidationError):
            Settings(matching_spill_limit=value)
    monkeypatch.setattr(get_settings(), "matching_spill_limit", "100KB")
    result = CliRunner().invoke(app, ["identity", "dedupe", str(src), "--output",
                                      str(tmp_path / "out.csv")])
    said = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert (f"its spill folder (under {tmp_path / 'spill'}) reached "
            "WASPADA_MATCHING_SPILL_LIMIT=100KB: raise the limit") in said, said
    assert "Traceback" not in result.output and not (tmp_path / "out.csv").exists()
    # with no cap of its own, a full disk: free space or move the folder
    from waspada.matching.engines import memory_hint

    monkeypatch.setattr(get_settings(), "matching_spill_limit", None)
    full = OSError(28, "No space left on device")
    assert "set WASPADA_MATCHING_SPILL_DIR" in memory_hint(full)
    assert "raise the limit" in memory_hint(MemoryError())


def test_the_dedupe_page_names_a_full_disk(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from waspada.matching import dedupejob, service

    recs, _truth = dataset()
    monkeypatch.setattr(get_settings(), "matching_spill_dir", tmp_path / "spill")
    monkeypatch.setattr(get_settings(), "matching_memory_limit", "60MB")
    monkeypatch.setattr(get_settings(), "matching_spill_limit", "100KB")
    with pytest.raises(service.WatchlistError) as caught:
        dedupejob.compute_dedupe(recs, 0.5)
    assert caught.value.code == "dedupe_disk"
    monkeypatch.setattr(get_settings(), "matching_spill_limit", None)
    monkeypatch.setattr(get_settings(), "matching_memory_limit", "1MB")
    with pytest.raises(service.WatchlistError) as caught:
        dedupejob.compute_dedupe(recs, 0.5)
    assert caught.value.code == "dedupe_memory"


def test_auto_caps_at_8_gib_or_half_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default: 4GB made synth2's 1M run three times slower (spilling 45 GB) where 8 GiB
    kept it in memory; on a small machine half of it, not more than the machine has."""
    from waspada.matching import engines

    assert Settings().matching_memory_limit == "auto"
    monkeypatch.setattr(get_settings(), "matching_memory_limit", "auto")
    real = os.sysconf

    def machine(gib: int) -> None:
        pages = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": gib * 2**30 // 4096}
        monkeypatch.setattr(engines.os, "sysconf", lambda name: pages.get(name) or real(name))

    machine(64)
    assert engines.memory_limit() == "8192MiB"
    machine(6)
    assert engines.memory_limit() == "3072MiB"
    con = duckdb_connection()
    ((limit,),) = con.sql("select current_setting('memory_limit')").fetchall()
    assert limit == "3.0 GiB", limit
    assert "WASPADA_MATCHING_MEMORY_LIMIT=auto (3072MiB)" in engines.memory_hint()
    monkeypatch.setattr(get_settings(), "matching_memory_limit", "2GB")
    assert engines.memory_limit() == "2GB"
