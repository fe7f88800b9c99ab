"""walk18: the command line as a new user meets it - bad settings, bad ports, help texts that
fit 80 columns and say what an option means."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from waspada.cli import app

runner = CliRunner()


def _waspada(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The real entry point in a fresh process (settings are read once per process)."""
    return subprocess.run([sys.executable, "-c", "from waspada.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env})


def test_a_bad_setting_is_one_clear_line_not_a_traceback() -> None:
    for value, words in (("abc", "valid integer"), ("99999", "less than or equal to 65535")):
        done = _waspada("users", "units", WASPADA_PORT=value)
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        assert "Error: invalid setting: WASPADA_PORT:" in done.stderr and words in done.stderr
    done = _waspada("users", "units", WASPADA_COOKIE_SECURE="yes")
    assert done.returncode == 2 and "WASPADA_COOKIE_SECURE" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_good_setting_still_runs() -> None:
    done = _waspada("version", WASPADA_PORT="8080")
    assert done.returncode == 0 and done.stdout.strip(), done.stderr


def test_serve_refuses_a_port_out_of_range_before_starting() -> None:
    for port in ("0", "99999"):
        result = runner.invoke(app, ["serve", "--port", port])
        assert result.exit_code == 2, result.output
        assert "--port" in result.output and "Traceback" not in result.output


def test_help_texts_are_reflowed_not_broken_at_the_source_line_ends() -> None:
    # in a wide terminal a reflowed sentence stays on one line; Typer printed the docstring's
    # own line breaks ("... The password is" / "read from stdin ...")
    done = _waspada("users", "--help", COLUMNS="200")
    assert done.returncode == 0, done.stderr
    assert "The password is read from stdin (never from the command line)." in done.stdout
    done = _waspada("offers", "scan", "--help", COLUMNS="200")
    assert "invalid UTF-8, no text) stops the command before any analysis" in done.stdout


def test_reflow_keeps_paragraphs() -> None:
    from waspada.cli import _reflow

    assert _reflow("One line\n    and its end.\n\n    Second\n    paragraph.") == (
        "One line and its end.\n\nSecond paragraph.")
    assert _reflow(None) is None and _reflow("") == ""


def test_options_say_what_they_take() -> None:
    from waspada.platform.cli import ROLE_HELP
    from waspada.platform.security.roles import Role

    assert all(role.value in ROLE_HELP for role in Role)
    for args, words in ((["users", "add"], "protection_officer"),
                        (["jobs", "list"], "newest first"),
                        (["network", "suggestions"], "Print JSON."),
                        (["cases", "anonymise-expired"], "WASPADA_CASES_RETENTION_DAYS"),
                        (["cases", "list"], "cases workflow")):
        result = runner.invoke(app, [*args, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0 and words in result.output, (args, result.output)
    lookup = runner.invoke(app, ["network", "lookup", "--help"], env={"COLUMNS": "200"})
    assert "(default 100)" not in lookup.output and "[default: 100]" in lookup.output


def test_users_list_shows_whole_usernames_and_roles_at_80_columns() -> None:
    result = runner.invoke(app, ["users", "list"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "petugas.paspor" in result.output and "protection_officer" in result.output
    assert "petugas.pasp…" not in result.output and "protection_o…" not in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80


def test_an_unknown_state_or_status_is_an_error_not_an_empty_list() -> None:
    result = runner.invoke(app, ["cases", "list", "--status", "bogus"])
    assert result.exit_code == 2 and "reported" in result.output and "closed" in result.output
    assert runner.invoke(app, ["cases", "list", "--status", "reported"]).exit_code == 0
    result = runner.invoke(app, ["network", "suggestions", "--status", "bogus"])
    assert result.exit_code == 2 and "open, confirmed, rejected, unsure" in result.output
    result = runner.invoke(app, ["network", "suggestions", "--status", "unsure"])
    assert result.exit_code == 0 and result.output.strip(), "an empty list says so"


def test_an_empty_checkpoints_file_verifies_nothing_and_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "checkpoints.jsonl"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["audit", "verify", "--checkpoints", str(empty)])
    assert result.exit_code == 2 and "holds no checkpoint" in result.output
    head = runner.invoke(app, ["audit", "checkpoint"])
    assert head.exit_code == 0, head.output
    empty.write_text(head.output, encoding="utf-8")
    result = runner.invoke(app, ["audit", "verify", "--checkpoints", str(empty)])
    assert result.exit_code == 0 and "1 checkpoints match" in result.output


def test_an_empty_network_value_is_refused_before_any_lookup_or_export(tmp_path: Path) -> None:
    result = runner.invoke(app, ["network", "lookup", " "])
    assert result.exit_code == 2 and "give a value" in result.output
    target = tmp_path / "graph.ftm"
    result = runner.invoke(app, ["network", "export", "--format", "ftm", "--output",
                                 str(target), "--seed", ""])
    assert result.exit_code == 2 and "--seed is empty" in result.output
    assert not target.exists()
