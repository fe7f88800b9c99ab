"""Officers' verdicts on the public's reports against the engine's level (``offers/verdicts.py``)."""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, date, datetime, timedelta
from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from typer.testing import CliRunner

from waspada.cli import app as cli_app
from waspada.offers import service
from waspada.offers.schemas import ReportIn, ReportStatusIn
from waspada.offers.verdicts import LEVELS, STATUSES, ReportStatus, tally
from waspada.platform.db import session_scope
from waspada.platform.domain import DomainError
from waspada.platform.security.policy import Principal
from waspada.platform.security.roles import Role
from waspada.platform.tallies import Share

RISKY = ("Dibutuhkan CS online untuk kerja di Phnom Penh, Kamboja. Gaji 15jt/bulan, tanpa "
         "pengalaman, tiket dan visa ditanggung, berangkat minggu depan pakai visa turis. "
         "Bilang liburan saja ke imigrasi.")
BENIGN = "Toko roti di Bandung mencari kasir, gaji UMR, pengalaman 1 tahun, kirim CV ke email."
ANALYST = Principal(user_id=None, username="analis-test", role=Role.ANALYST, unit_id=None)
OFFICER = Principal(user_id=None, username="tpi-test", role=Role.CHECKPOINT_OFFICER,
                    unit_id=None)


@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_the_wilson_interval_holds_the_share_inside_zero_and_one(count, total) -> None:  # type: ignore[no-untyped-def]
    count = min(count, total)
    s = Share(count, total)
    assert s.interval is not None and s.value is not None
    lo, hi = s.interval
    assert 0.0 <= lo <= s.value <= hi <= 1.0
    if 0 < count < total:
        assert lo > 0.0 and hi < 1.0


def test_the_wilson_interval_of_known_counts() -> None:
    # 8 of 9: the textbook Wilson score interval at 95 %
    lo, hi = Share(8, 9).interval or (0, 0)
    assert math.isclose(lo, 0.5650, abs_tol=5e-4) and math.isclose(hi, 0.9801, abs_tol=5e-4)
    assert Share(0, 0).value is None and Share(0, 0).interval is None
    # more reports, a narrower interval at the same share
    a, b = Share(5, 10).interval, Share(500, 1000).interval
    assert a and b and b[1] - b[0] < a[1] - a[0]


def test_the_tally_and_its_three_shares() -> None:
    v = tally([("high", "referred", 8), ("high", "dismissed", 1), ("high", "new", 4),
               ("medium", "referred", 3), ("low", "dismissed", 5), ("low", "reviewed", 2)])
    assert list(v.counts) == list(LEVELS) and all(list(r) == list(STATUSES)
                                                  for r in v.counts.values())
    assert v.total == 23 and v.decided == 17 and v.count("high") == 13
    assert (v.high_referred.count, v.high_referred.total) == (8, 9)
    assert (v.referred_high.count, v.referred_high.total) == (8, 11)
    assert (v.dismissed_high.count, v.dismissed_high.total) == (1, 6)
    # an older engine's level name is kept, not dropped
    odd = tally([("critical", "referred", 2)])
    assert odd.count("critical") == 2 and odd.total == 2
    assert json.loads(json.dumps(v.to_dict()))["high_referred"]["count"] == 8


def _report(text: str, status: str) -> int:
    with session_scope() as db:
        report = service.report_offer(db, ReportIn(text=text, consent="yes"))
        report_id = report.id
    if status != "new":
        with session_scope() as db:
            service.set_report_status(db, ANALYST, report_id, ReportStatusIn(status=status))
    return report_id


def test_the_service_counts_what_officers_decided() -> None:
    with session_scope() as db:
        before = service.report_verdicts(db, ANALYST)
    _report(RISKY, "referred")
    _report(RISKY, "dismissed")
    _report(BENIGN, "dismissed")
    _report(BENIGN, "new")
    with session_scope() as db:
        after = service.report_verdicts(db, ANALYST)
        later = service.report_verdicts(db, ANALYST, (datetime.now(UTC) + timedelta(days=2)).date())
    assert after.count("high", "referred") == before.count("high", "referred") + 1
    assert after.count("high", "dismissed") == before.count("high", "dismissed") + 1
    assert after.count("low", "dismissed") == before.count("low", "dismissed") + 1
    assert after.count("low", "new") == before.count("low", "new") + 1
    assert after.decided == before.decided + 3
    assert later.total == 0  # nothing was received tomorrow


def test_a_role_without_the_analysts_right_is_refused() -> None:
    with session_scope() as db, pytest.raises(DomainError) as refused:
        service.report_verdicts(db, OFFICER)
    assert refused.value.status == 403


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1999, 12, 31), date(3000, 1, 1),
                                 date(9999, 12, 31)])
def test_a_start_day_out_of_range_is_a_clear_error(day: date) -> None:
    with session_scope() as db, pytest.raises(DomainError) as refused:
        service.report_verdicts(db, ANALYST, day)
    assert refused.value.code == "invalid_since" and "2000-01-01" in str(refused.value)


def test_the_api_gives_the_same_counts_to_analysts_only(role_clients) -> None:  # type: ignore[no-untyped-def]
    _report(RISKY, "referred")
    with session_scope() as db:
        want = service.report_verdicts(db, ANALYST).to_dict()
    got = role_clients["analyst"].get("/api/v1/offers/verdicts")
    assert got.status_code == 200 and got.json() == want
    assert role_clients["analyst"].get("/api/v1/offers/verdicts",
                                       params={"since": "2999-12-31"}).json()["total"] == 0
    bad = role_clients["analyst"].get("/api/v1/offers/verdicts", params={"since": "0001-01-01"})
    assert bad.status_code == 422 and "2000-01-01" in bad.text
    assert role_clients["analyst"].get("/api/v1/offers/verdicts",
                                       params={"since": "yesterday"}).status_code == 422
    assert role_clients["checkpoint_officer"].get("/api/v1/offers/verdicts").status_code == 403


def test_the_analysts_page_shows_the_table_in_indonesian(role_clients) -> None:  # type: ignore[no-untyped-def]
    _report(RISKY, "referred")
    page = role_clients["analyst"].get("/offers/scan")
    assert page.status_code == 200
    assert "Keputusan petugas atas lowongan yang dilaporkan" in page.text
    assert 'id="verdict-table"' in page.text and "Dirujuk" in page.text
    assert "Laporan bertingkat tinggi yang dirujuk petugas" in page.text
    # the report list reads its codes in words too
    assert ">high<" not in page.text and ">referred<" not in page.text
    assert role_clients["checkpoint_officer"].get("/offers/scan").status_code == 403


def test_the_cli_prints_the_table_and_json() -> None:
    _report(RISKY, "referred")
    runner = CliRunner()
    out = runner.invoke(cli_app, ["offers", "verdicts", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["counts"]["high"]["referred"] >= 1 and data["decided"] >= 1
    assert set(data) >= {"high_referred", "referred_high", "dismissed_high"}
    text = runner.invoke(cli_app, ["offers", "verdicts"])
    assert text.exit_code == 0 and "referred reports the engine had put at high" in text.output
    future = runner.invoke(cli_app, ["offers", "verdicts", "--since", "2999-01-01", "--json"])
    assert json.loads(future.output)["total"] == 0
    bad = runner.invoke(cli_app, ["offers", "verdicts", "--since", "31/12/2026"])
    assert bad.exit_code != 0 and "not a date" in bad.output and "Traceback" not in bad.output
    edge = runner.invoke(cli_app, ["offers", "verdicts", "--since", "0001-01-01"])
    assert edge.exit_code != 0 and "2000-01-01" in edge.output and "Traceback" not in edge.output



def test_the_report_page_offers_every_status_in_words(role_clients) -> None:  # type: ignore[no-untyped-def]
    report = _report(RISKY, "reviewed")
    page = role_clients["analyst"].get(f"/offers/reports/{report}")
    assert page.status_code == 200
    options = re.findall(r'<option value="(\w+)" ?(selected)?', page.text)
    assert [value for value, _ in options] == list(STATUSES)
    assert [value for value, chosen in options if chosen] == ["reviewed"]
    assert ">referred<" not in page.text and "Dirujuk" in page.text
    # the API model takes exactly these statuses
    assert set(get_args(ReportStatus)) == set(STATUSES)
    with pytest.raises(ValidationError):
        ReportStatusIn(status="closed")  # type: ignore[arg-type]
