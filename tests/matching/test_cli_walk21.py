"""A new user's walk through the matching commands (walk21): what broke on small realistic
files, each checked here."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from waspada.cli import app

runner = CliRunner()

DIRTY = ("record_id,full_name,birth_date,sex\n"
         "r1,Budi Santoso,1985-03-12,L\n"
         "r2,BUDI SANTOSO,1985-03-12,M\n"
         "r3,,1970-01-01,L\n"
         "r4,Ahmad Fauzi,1938-11-31,L\n")


def test_a_file_name_with_brackets_is_printed_as_it_is_not_as_markup(tmp_path: Path) -> None:
    """``ekspor[/lama]x.csv`` (folder ``ekspor[``) raised rich's MarkupError, a traceback, and
    ``reg[bold]2024.csv`` was printed as ``reg2024.csv``: paths are text, not markup."""
    (tmp_path / "ekspor[").mkdir()
    bad = tmp_path / "ekspor[" / "lama]x.csv"
    bad.write_text("record_id,birth_date\nr1,1985-03-12\n")
    out = tmp_path / "out.csv"
    res = runner.invoke(app, ["identity", "dedupe", str(bad), "--output", str(out)])
    assert res.exit_code == 2, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "ekspor[/lama]x.csv" in res.output and "missing required column" in res.output
    dirty = tmp_path / "reg[bold]2024.csv"
    dirty.write_text(DIRTY)
    res = runner.invoke(app, ["watchlist", "match", "--watchlist", str(dirty), "--queries",
                              str(dirty), "--output", str(tmp_path / "res[1].csv")])
    assert res.exit_code == 0, res.output
    assert "reg[bold]2024.csv:" in res.output and "res[1].csv" in res.output


def test_the_bad_value_summary_is_one_line_in_words_that_count(tmp_path: Path) -> None:
    """The summary wrapped at 80 columns ("1 records \\nskipped") although the docs promise
    one line per input, and said "1 records"."""
    src = tmp_path / "a-rather-long-registry-file-name-from-the-dukcapil-extract.csv"
    src.write_text(DIRTY)
    res = runner.invoke(app, ["watchlist", "match", "--watchlist", str(src), "--queries",
                              str(src), "--output", str(tmp_path / "o.csv")])
    assert res.exit_code == 0, res.output
    line = next(x for x in res.output.splitlines() if x.startswith("queries "))
    assert line.endswith("1 bad value read as missing (birth_date 1); "
                         "1 record skipped (line 4: full_name is empty)"), line
