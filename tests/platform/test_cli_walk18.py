"""walk18: the command line as a new user meets it - bad settings, bad ports, help texts that
fit 80 columns and say what an option means."""

from __future__ import annotations

import os
import subprocess
import sys

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
