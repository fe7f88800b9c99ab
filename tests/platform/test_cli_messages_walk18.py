"""CLI messages the walk18 walk-through found in the matching and offers commands: a folder
given as input, a path named twice, a zero limit, a default shown as "(0.5)"."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from waspada.cli import app

runner = CliRunner()


def test_a_folder_is_named_once_and_refused(tmp_path: Path) -> None:
    for args in (["identity", "dedupe", str(tmp_path), "--output", str(tmp_path / "o.csv")],
                 ["offers", "import-agencies", str(tmp_path)]):
        result = runner.invoke(app, args)
        assert result.exit_code != 0, args
        assert "folder" in result.output and result.output.count(str(tmp_path)) == 1, \
            result.output
    result = runner.invoke(app, ["offers", "scan", str(tmp_path), "-o", str(tmp_path / "x")])
    assert result.exit_code == 2 and "is a folder" in result.output
    assert "unsupported input type ''" not in result.output


def test_a_line_problem_still_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "dup.csv"
    bad.write_text("record_id,full_name\n1,Budi\n1,Budi\n", encoding="utf-8")
    result = runner.invoke(app, ["identity", "dedupe", str(bad), "--output",
                                 str(tmp_path / "o.csv")])
    assert result.exit_code != 0 and f"input {bad}: line 3" in result.output.replace("\n", "")


def test_watchlist_list_refuses_a_zero_limit_and_remove_reads_as_a_sentence() -> None:
    assert runner.invoke(app, ["watchlist", "list", "--limit", "0"]).exit_code == 2
    assert runner.invoke(app, ["watchlist", "list", "--limit", "1"]).exit_code == 0
    result = runner.invoke(app, ["watchlist", "remove", "NOPE-WALK18", "--reason", "x"])
    assert result.exit_code != 0
    assert "No active watchlist entry has this id: 'NOPE-WALK18'." in result.output
    assert ".:" not in result.output


def test_the_threshold_default_reads_plainly() -> None:
    for command in ("dedupe", "link"):
        text = runner.invoke(app, ["identity", command, "--help"]).output
        assert "Default: 0.5." in text and "(0.5)" not in text
