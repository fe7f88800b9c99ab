from __future__ import annotations

from typer.testing import CliRunner

from waspada.cli import app

runner = CliRunner()


def test_help_everywhere() -> None:
    for args in ([], ["db"], ["demo"], ["users"], ["audit"], ["users", "add"], ["serve"]):
        result = runner.invoke(app, [*args, "--help"])
        assert result.exit_code == 0, args
        assert "Usage" in result.output


def test_db_upgrade_is_repeatable() -> None:
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0 and "revision" in result.output


def test_demo_load_is_idempotent() -> None:
    """A second load in a row adds nothing. (The first load here may still link records that
    earlier tests wrote straight into tables: the network graph is derived from all data.)"""
    from sqlalchemy import func, select

    from waspada.platform.db import session_scope
    from waspada.platform.security.models import Unit, User

    assert runner.invoke(app, ["demo", "load"]).exit_code == 0
    with session_scope() as session:
        before = (session.scalar(select(func.count(User.id))),
                  session.scalar(select(func.count(Unit.id))))
    result = runner.invoke(app, ["demo", "load"])
    assert result.exit_code == 0
    assert "Added 0 new records" in result.output
    assert "petugas.tpi" in result.output and "Demo-petugas.tpi-2026" in result.output
    with session_scope() as session:
        after = (session.scalar(select(func.count(User.id))),
                 session.scalar(select(func.count(Unit.id))))
    assert before == after


def test_users_add_list_token_disable() -> None:
    result = runner.invoke(app, ["users", "add", "cli.uji", "--role", "checkpoint_officer",
                                 "--unit", "TPI Kualanamu", "--password-stdin", "--create-unit"],
                           input="Sangat-rahasia-123\n")
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["users", "list"])
    assert "cli.uji" in listed.output and "TPI Kualanamu" in listed.output
    token = runner.invoke(app, ["users", "token", "cli.uji"])
    assert token.exit_code == 0 and token.output.strip().startswith("wsp_")
    assert runner.invoke(app, ["users", "disable", "cli.uji"]).exit_code == 0
    refused = runner.invoke(app, ["users", "token", "cli.uji"])
    assert refused.exit_code == 2 and "disabled" in refused.output


def test_users_add_errors_are_clear() -> None:
    bad_role = runner.invoke(app, ["users", "add", "x.uji", "--role", "boss", "--unit", "U",
                                   "--password-stdin"], input="Sangat-rahasia-123\n")
    assert bad_role.exit_code == 2 and "unknown role" in bad_role.output
    assert "Traceback" not in bad_role.output
    short = runner.invoke(app, ["users", "add", "y.uji", "--role", "analyst", "--unit", "U",
                                "--password-stdin"], input="short\n")
    assert short.exit_code == 2 and "at least 10" in short.output
    no_stdin = runner.invoke(app, ["users", "add", "z.uji", "--role", "analyst", "--unit", "U"])
    assert no_stdin.exit_code == 2
    missing = runner.invoke(app, ["users", "disable", "tidak.ada"])
    assert missing.exit_code == 2 and "no user named" in missing.output


def test_audit_verify_bad_head_argument() -> None:
    result = runner.invoke(app, ["audit", "verify", "--expect-head", "abc"])
    assert result.exit_code == 2


def test_a_command_run_on_its_own_writes_its_audit_entry() -> None:
    """``waspada watchlist list`` in a fresh interpreter (as a user runs it) imports only its
    capability's modules; its audit entry names the users table, which must be known too. It
    ended in NoReferencedTableError and a traceback (walk16)."""
    import os
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "from waspada.cli import main; main()", "watchlist", "list",
         "--limit", "1"],
        capture_output=True, text=True, timeout=120, env=os.environ.copy())
    assert result.returncode == 0, result.stderr[-800:]
    assert "Traceback" not in result.stderr
