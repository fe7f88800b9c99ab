"""walk18: the open data's destination column speaks one code system, and --output naming a
file says so."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from waspada.cli import app as root_app
from waspada.statistics.aggregate import Fact
from waspada.statistics.service import open_tables

runner = CliRunner()


def test_destinations_are_alpha2_in_every_open_table() -> None:
    # screenings carry the passport's alpha-3 (KHM), cases alpha-2 (KH): one column, one system
    day = date(2026, 11, 3)
    data = [Fact("screenings", day, "35", "KHM", n=20), Fact("screenings", day, "35", "KH", n=5),
            Fact("screenings", day, "35", "MYS", n=30), Fact("screenings", day, "32", "??", n=12),
            Fact("cases_reported", day, "35", "KH", n=15)]
    tables = open_tables(data, k=11)
    screenings = tables["screenings_by_province_destination"][1]
    assert list(screenings.columns) == ["??", "KH", "MY"]
    assert screenings.published(screenings.rows.index("35"), screenings.columns.index("KH")) == 25
    assert list(tables["cases_reported_by_province_destination"][1].columns) == ["KH"]


def test_publish_to_a_file_says_it_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "open.csv"
    target.write_text("keep me", encoding="utf-8")
    r = runner.invoke(root_app, ["stats", "publish", "--output", str(target)])
    assert r.exit_code == 2 and "is a file; give a folder" in r.output
    assert target.read_text(encoding="utf-8") == "keep me"
