"""Spike detector: catches a tripling, ignores small counts, steady noise, trend, seasonality."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from waspada.cli import app as root_app
from waspada.platform.files import FileError
from waspada.statistics.alerts import detect, evaluate, upper_p
from waspada.statistics.periods import parse_period
from waspada.statistics.series import read_series

runner = CliRunner()


def series(values: list[int], start: str = "2019-Q1") -> dict:
    p = parse_period(start)
    return {p.shift(i): int(v) for i, v in enumerate(values)}


def test_quarter_on_quarter_174_percent_rise_is_an_alert() -> None:
    alerts = detect({"31": series([20, 22, 19, 21, 20, 18, 23, 20, 55])})
    assert [(a.area, a.period, a.observed) for a in alerts] == [("31", "2021-Q1", 55)]
    a = alerts[0]
    assert 18 <= a.expected <= 23 and a.ratio is not None and a.ratio > 2.3
    assert a.p_value < 1e-6


def test_one_to_three_is_not_an_alert() -> None:
    assert detect({"x": series([1, 0, 1, 1, 0, 1, 0, 1, 3])}) == []
    assert detect({"x": series([0, 0, 0, 0, 0, 0, 0, 0, 4])}) == []


def test_new_activity_from_zero_alerts_once_above_min_count() -> None:
    alerts = detect({"x": series([0, 0, 0, 0, 0, 0, 0, 0, 9])})
    assert len(alerts) == 1 and alerts[0].observed == 9


def test_steady_trend_is_not_an_alarm_but_a_jump_above_it_is() -> None:
    months = [round(40 * 1.03 ** i) for i in range(36)]
    assert detect({"x": series(months, "2022-01")}) == []
    months[-1] = months[-1] * 3
    assert [a.period for a in detect({"x": series(months, "2022-01")})] == ["2024-12"]


def test_seasonal_peak_is_expected() -> None:
    base = [round(50 + 35 * math.sin(2 * math.pi * m / 12)) for m in range(48)]
    assert detect({"x": series(base, "2021-01")}) == []
    evals = evaluate("x", series(base, "2021-01"))
    peak = [e for e in evals if e.period == "2024-04"][0]
    assert abs(peak.expected - peak.observed) < 0.2 * peak.observed


def test_false_alarms_on_steady_poisson_series_are_rare() -> None:
    rng = np.random.default_rng(7)
    data = {f"s{i}": series(list(rng.poisson(30, 40)), "2020-01") for i in range(40)}
    years = 40 * (40 - 4) / 12
    assert len(detect(data)) / years * 100 <= 2.0


def test_upper_p_bounds() -> None:
    assert upper_p(0, 3.0, 3.0) == 1.0
    for obs in (1, 5, 50):
        for var in (3.0, 9.0):
            assert 0.0 <= upper_p(obs, 3.0, var) <= 1.0
    assert upper_p(10, 3.0, 9.0) > upper_p(10, 3.0, 3.0)


def test_read_series_errors_name_the_line() -> None:
    ok = "area,period,count\nA,2024-01,3\nA,2024-03,4\nB,2024-W05,1\n"
    s = read_series(ok)
    assert s["A"][parse_period("2024-03")] == 4 and len(s["B"]) == 1
    bad = {
        "area,period,count\nA,2024-01,3\nA,2024-01,4\n": "line 3: area 'A', period 2024-01 "
                                                       "appears twice (first on line 2)",
        "area,period,count\nA,2024-01,-3\n": "line 2: count",
        "area,period,count\nA,2024-01,3.5\n": "line 2: count",
        "area,period,count\nA,2024-01,3\nA,2024-Q2,1\n": "line 3: area 'A' mixes",
        "area,period,count\n,2024-01,3\n": "line 2: area is empty",
        "area,period\nA,2024-01\n": "line 1: missing required column(s): count",
        "area,period,count,x\nA,2024-01,3,1\n": "line 1: unknown column(s): x",
        "area,period,count\nA,2024-01\n": "line 2: expected 3 fields",
        "area,period,count\nA,1901-01,3\nA,2999-01,3\n": "line 3: area 'A' spans more than",
    }
    for text, msg in bad.items():
        with pytest.raises(FileError) as exc:
            read_series(text)
        assert str(exc.value).startswith(msg), (text, str(exc.value))


def test_cli_alerts_json_and_table(tmp_path: Path) -> None:
    f = tmp_path / "s.csv"
    rows = [f"11,{p.label},{v}" for p, v in series([20, 22, 19, 21, 20, 57]).items()]
    rows += [f"32,{p.label},{v}" for p, v in series([1, 1, 0, 1, 1, 3]).items()]
    f.write_text("area,period,count\n" + "\n".join(rows) + "\n", "utf-8")
    r = runner.invoke(root_app, ["stats", "alerts", "--input", str(f), "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert [(a["area"], a["period"]) for a in d["alerts"]] == [("11", "2020-Q2")]
    assert set(d["alerts"][0]) == {"area", "period", "observed", "expected", "ratio", "p_value"}
    r = runner.invoke(root_app, ["stats", "alerts", "--input", str(f)])
    assert r.exit_code == 0 and "2020-Q2" in r.stdout


def test_cli_alerts_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    f = tmp_path / "s.csv"
    f.write_text("area,period,count\n11,2024-13,2\n", "utf-8")
    r = runner.invoke(root_app, ["stats", "alerts", "--input", str(f)])
    assert r.exit_code == 2 and "line 2: period '2024-13'" in r.output
    assert "Traceback" not in r.output
    r = runner.invoke(root_app, ["stats", "alerts", "--input", str(tmp_path / "none.csv")])
    assert r.exit_code == 2 and "not found" in r.output
