"""A usage error (a bad value, a missing argument, an unknown option or command, a value outside
the choices) is one plain English line on stderr, ``Error: ...`` with the command's ``--help``
to look at, and exit code 2 — for every command; Typer drew a Rich box of several lines.
``--help`` itself is unchanged."""

from __future__ import annotations

import os
import subprocess
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import pytest
import typer
from typer.testing import CliRunner

from waspada.cli import app
from waspada.platform.console import PlainUsageErrors

BOX = ("╭", "│", "╰", "─")


def _one_line(result: Any) -> str:
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert result.stdout == "", result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("Error: ") and not any(c in line for c in BOX), line
    assert "Traceback" not in result.output
    return line


@pytest.mark.parametrize(("args", "expected"), [
    (["identity", "dedupe", "x.csv", "-o", "y.csv", "--threshold", "abc"],
     "Error: invalid value for '--threshold': "),
    (["identity", "dedupe"], "Error: missing argument 'input'"),
    (["identity", "dedupe", "x.csv", "--threshhold", "1"], "Error: no such option: --threshhold"),
    (["version", "--bogus"], "Error: no such option: --bogus"),
    (["--bogus"], "Error: no such option: --bogus"),
    (["nope"], "Error: no such command 'nope'"),
    (["serve", "--port", "70000"], "Error: invalid value for '--port': "),
    (["version", "extra"], "Error: got unexpected extra argument(s) (extra)"),
])
def test_usage_errors_are_one_plain_line(args: list[str], expected: str) -> None:
    line = _one_line(CliRunner().invoke(app, args))
    assert line.startswith(expected), line
    command = "waspada " + " ".join(a for a in args[:2] if a in ("identity", "dedupe",
                                                                   "version", "serve"))
    assert line.endswith(f"(see '{command.strip()} --help')"), line


def test_the_suggestion_and_the_value_stay_on_the_line() -> None:
    line = _one_line(CliRunner().invoke(app, ["identity", "dedupe", "x.csv",
                                              "--threshhold", "1"]))
    assert "--threshold" in line  # click's "Possible options"
    # a value that looks like Rich markup is printed as it is
    line = _one_line(CliRunner().invoke(app, ["nope[/red]"]))
    assert "nope[/red]" in line


class Engine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


def test_a_value_outside_the_choices_names_them() -> None:
    # no waspada command has a choice option yet: a small app with the same root class
    small = typer.Typer(cls=PlainUsageErrors, name="waspada")

    @small.command()
    def run(engine: Annotated[Engine, typer.Option()] = Engine.duckdb) -> None:
        """Run."""

    @small.command()
    def other() -> None:
        """Other."""

    line = _one_line(CliRunner().invoke(small, ["run", "--engine", "sqlite"]))
    assert line.startswith("Error: invalid value for '--engine': "), line
    assert "duckdb" in line and "spark" in line and line.endswith("(see 'waspada run --help')")


def _leaf_commands(group: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    subs = getattr(group, "commands", None)
    if not subs:
        return [path]
    return [leaf for name, sub in sorted(subs.items()) for leaf in _leaf_commands(sub, (*path, name))]


def test_every_command_answers_an_unknown_option_in_one_line() -> None:
    root = typer.main.get_command(app)
    leaves = _leaf_commands(root)
    assert len(leaves) > 40
    runner = CliRunner()
    for leaf in leaves:
        line = _one_line(runner.invoke(app, [*leaf, "--no-such-option"]))
        assert line == f"Error: no such option: --no-such-option (see 'waspada {' '.join(leaf)} " \
                       "--help')", line


def test_help_is_unchanged() -> None:
    result = CliRunner().invoke(app, ["identity", "dedupe", "--help"])
    assert result.exit_code == 0
    assert "Usage: waspada identity dedupe [OPTIONS]" in result.stdout
    assert "─ Options ─" in result.stdout and "--threshold" in result.stdout
    # no arguments: the help, as before (Typer's no_args_is_help), not an error line
    result = CliRunner().invoke(app, [])
    assert "Usage: waspada" in result.output and "Error" not in result.output


def test_the_installed_entry_point_prints_one_line() -> None:
    script = Path(sys.executable).parent / "waspada"
    assert script.exists(), script
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    done = subprocess.run([str(script), "identity", "dedupe", "x.csv", "--threshold", "abc"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2, done
    assert done.stdout == ""
    assert done.stderr.startswith("Error: invalid value for '--threshold': ")
    assert done.stderr.count("\n") == 1 and done.stderr.endswith(
        "(see 'waspada identity dedupe --help')\n"), done.stderr
