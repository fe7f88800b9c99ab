"""Issue #16 item 13: a second `waspada demo load` reports as present exactly what the first
added (was "Added 306" then "285 already present"), and `make run PORT=8080` serves there."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from waspada.cli import app as cli_app
from waspada.demo.synthetic import DEMO_ACCOUNTS, DEMO_UNITS
from waspada.exchange.demo import DEMO_PARTNERS, RECEIVED_STEPS
from waspada.offers.demo import DEMO_REGISTRY, DEMO_REPORTS

ROOT = Path(__file__).resolve().parents[2]


def test_a_second_demo_load_finds_what_the_first_added() -> None:
    from waspada.demo.loader import load_demo
    from waspada.network.demo import load_demo_network

    # The test session loaded the demo once already. Tests run since may have stored records
    # the network rebuild links (it links the whole database, not only demo data), so settle
    # the graph first; a rebuild on unchanged data must then add nothing.
    load_demo_network(seed=7)
    report = load_demo(seed=7)
    parts = {part: (created, skipped) for part, created, skipped in report.parts}
    registry_rows = len(DEMO_REGISTRY.read_text(encoding="utf-8").splitlines()) - 1
    expected = {"units": len(DEMO_UNITS), "accounts": len(DEMO_ACCOUNTS),
                "offers": registry_rows + len(DEMO_REPORTS), "screening": 12 + 2, "cases": 8 + 1 + 1,  # +1: full HTCDS
                "statistics": 3000 + 40 + 600 + 16, "matching": 40 + 220 + 12, "network": 1,
                "exchange": 1 + len(DEMO_PARTNERS) + RECEIVED_STEPS}
    assert {part: parts[part] for part in expected} == {
        part: (0, n) for part, n in expected.items()}
    assert report.created == 0 and report.skipped == sum(s for _, s in parts.values())


def test_the_demo_command_prints_each_part() -> None:
    result = CliRunner().invoke(cli_app, ["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "Added 0 new records" in result.output
    assert "statistics" in result.output and "3656 already present" in result.output


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(("args", "serve"), [
    ((), "waspada serve\n"),
    (("PORT=8080",), "waspada serve --port 8080\n"),
    (("PORT=8080", "HOST=0.0.0.0"), "waspada serve --port 8080 --host 0.0.0.0\n"),
])
def test_make_run_takes_a_port(args: tuple[str, ...], serve: str, tmp_path: Path) -> None:
    # -n prints the commands without running any; a missing venv only adds install lines
    result = subprocess.run(["make", "-n", "--no-print-directory", "-C", str(ROOT), "run",
                             f"VENV={tmp_path}/venv",
                             *args], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.endswith(serve), result.stdout[-300:]
