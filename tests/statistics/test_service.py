"""Statistics service over the demo database: unit scoping, access, open data that cannot be
re-identified (no count under k; hidden cells not recoverable from the published files)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.statistics.test_suppression import attacker_ranges
from waspada.cli import app as root_app
from waspada.platform.db import session_scope
from waspada.platform.security.policy import CLI_PRINCIPAL, Principal
from waspada.platform.security.roles import Role
from waspada.statistics import service
from waspada.statistics.suppression import SuppressedTable

runner = CliRunner()


def _principal(role: Role, unit_id: int | None) -> Principal:
    return Principal(user_id=None, username="t", role=role, unit_id=unit_id, via="session")


def _unit_with_screenings() -> tuple[int, str]:
    from sqlalchemy import func, select

    from waspada.platform.security.models import Unit
    from waspada.screening.store import Screening

    with session_scope() as db:
        row = db.execute(select(Unit.id, Unit.code).join(Screening, Screening.unit_id == Unit.id)
                         .group_by(Unit.id, Unit.code).order_by(func.count().desc())).first()
        assert row is not None
        return row[0], row[1]


def test_unit_scoped_role_counts_only_its_unit() -> None:
    unit_id, code = _unit_with_screenings()
    with session_scope() as db:
        everyone = service.facts(db, _principal(Role.ANALYST, None))
        own = service.facts(db, _principal(Role.CHECKPOINT_OFFICER, unit_id))
        nounit = service.facts(db, _principal(Role.CHECKPOINT_OFFICER, None))
    assert own and {f.unit for f in own} == {code}
    assert len(own) < len(everyone)
    assert nounit == []
    assert not any(f.indicator == "offer_reports_high" for f in own)


def test_access_is_checked() -> None:
    with session_scope() as db, pytest.raises(service.AccessDenied):
        service.series(db, _principal(Role.AUDITOR, None), "screenings")
    with session_scope() as db, pytest.raises(service.AccessDenied):
        service.publish(db, _principal(Role.CHECKPOINT_OFFICER, 1), Path("."), 11)


def _read_tables(folder: Path) -> dict[str, tuple[SuppressedTable, list[dict]]]:
    out = {}
    for f in sorted(folder.glob("*.csv")):
        rows = list(csv.DictReader(f.open(encoding="utf-8")))
        col = "period" if "period" in rows[0] else "destination"
        provinces = list(dict.fromkeys(r["province_code"] for r in rows
                                       if r["province_code"] != "ALL"))
        cols = list(dict.fromkeys(r[col] for r in rows if r[col] != "ALL"))
        values = [[0] * (len(cols) + 1) for _ in range(len(provinces) + 1)]
        hidden = set()
        for r in rows:
            i = provinces.index(r["province_code"]) if r["province_code"] != "ALL" else len(provinces)
            j = cols.index(r[col]) if r[col] != "ALL" else len(cols)
            if r["count"] == "":
                assert r["flag"] in ("suppressed", "suppressed_complementary")
                hidden.add((i, j))
            else:
                assert r["flag"] == ""
                values[i][j] = int(r["count"])
        out[f.stem] = (SuppressedTable(provinces, cols, values, hidden, set()), rows)
    return out


def test_publish_writes_suppressed_open_data_that_resists_recovery(tmp_path: Path) -> None:
    r = runner.invoke(root_app, ["stats", "publish", "--output", str(tmp_path), "--k", "11"])
    assert r.exit_code == 0, r.output
    package = json.loads((tmp_path / "datapackage.json").read_text("utf-8"))
    assert package["suppression"]["k"] == 11
    tables = _read_tables(tmp_path)
    assert {res["path"] for res in package["resources"]} == {f"{s}.csv" for s in tables}
    assert any(t.suppressed for t, _ in tables.values()), "demo data should need suppression"
    for _stem, (_tab, rows) in tables.items():
        for row in rows:
            assert row["count"] == "" or int(row["count"]) == 0 or int(row["count"]) >= 11
    # the attacker combines the two tables of each indicator (same provinces and totals)
    stems = {s.split("_by_")[0] for s in tables}
    for ind in stems:
        a = tables[f"{ind}_by_province_month"][0]
        b = tables[f"{ind}_by_province_destination"][0]
        assert a.rows == b.rows
        for ranges in attacker_ranges([a, b]):
            for pos, (lo, hi) in ranges.items():
                assert hi - lo >= 1 - 1e-6, (ind, pos, lo, hi)


def test_publish_bad_output_is_a_clear_error(tmp_path: Path) -> None:
    r = runner.invoke(root_app, ["stats", "publish", "--output", str(tmp_path / "none")])
    assert r.exit_code == 2 and "does not exist" in r.output
    r = runner.invoke(root_app, ["stats", "publish", "--output", str(tmp_path), "--k", "1"])
    assert r.exit_code == 2


def test_alerts_service_runs_on_demo_data() -> None:
    with session_scope() as db:
        found = service.alerts(db, CLI_PRINCIPAL)
    for a in found:
        assert a.alert.observed >= 5 and a.to_dict()["indicator"]


def test_alert_window_ends_today_not_at_the_latest_record() -> None:
    """A record dated in the future (a typo, an import) must not push today's spike out of
    the "last three periods" window."""
    from datetime import date, timedelta

    from waspada.statistics.aggregate import Fact

    first = date.today().replace(day=1)
    data = []
    for back in range(2, 26):
        day = first - timedelta(days=30 * back)
        data += [Fact("screenings", day, province="35")] * 20
        data += [Fact("screenings", day, province="73")] * 5
    last_month = first - timedelta(days=15)
    data += [Fact("screenings", last_month, province="35")] * 20
    data += [Fact("screenings", last_month, province="73")] * 40
    data.append(Fact("screenings", date(2030, 1, 1), province="11"))
    found = service._detect_all(data, "month", 3)
    assert [(a.indicator, a.alert.area) for a in found] == [("screenings", "73")]
