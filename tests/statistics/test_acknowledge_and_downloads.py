"""Alert acknowledgement (API and page form, audited), the home page alerts block, period
kinds, regency and duration tables, and the Excel downloads with Indonesian caveats."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select

from waspada.platform.db import session_scope


def _last_month() -> str:
    return (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def _last_audit(action: str) -> dict[str, object] | None:
    from waspada.platform.audit import AuditEntry

    with session_scope() as db:
        entry = db.scalar(select(AuditEntry).where(AuditEntry.action == action)
                          .order_by(AuditEntry.seq.desc()).limit(1))
        return None if entry is None else {"actor": entry.actor, "object_id": entry.object_id}


def test_acknowledge_through_the_api(role_clients: dict[str, TestClient]) -> None:
    analyst = role_clients["analyst"]
    body = {"indicator": "screenings_postponed", "area": "73", "period": _last_month(),
            "note": "Dicek dengan Kanim Makassar: rekrutmen massal lewat media sosial."}
    r = analyst.post("/api/v1/stats/alerts/acknowledge", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["acknowledged_by"] and r.json()["note"] == body["note"]
    audit = _last_audit("stats.acknowledge")
    assert audit is not None and audit["object_id"]
    alerts = analyst.get("/api/v1/stats/alerts").json()["alerts"]
    mine = [a for a in alerts if (a["indicator"], a["area"], a["period"])
            == ("screenings_postponed", "73", _last_month())]
    assert mine and mine[0]["acknowledged"] and mine[0]["note"] == body["note"]
    # refusals: no such current alert, an empty note, a role without the action
    r = analyst.post("/api/v1/stats/alerts/acknowledge",
                     json={**body, "area": "11", "period": "2001-01"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "no_such_alert"
    assert analyst.post("/api/v1/stats/alerts/acknowledge",
                        json={**body, "note": "   "}).status_code == 422
    assert analyst.post("/api/v1/stats/alerts/acknowledge",
                        json={**body, "note": "x" * 1001}).status_code == 422
    assert role_clients["auditor"].post("/api/v1/stats/alerts/acknowledge",
                                        json=body).status_code == 403


def test_acknowledge_through_the_page_form(role_clients: dict[str, TestClient]) -> None:
    analyst = role_clients["analyst"]
    html = analyst.get("/statistics").text
    assert 'action="/statistics/alerts/acknowledge"' in html or 'class="ack"' in html
    token = analyst.cookies.get("waspada_csrf")
    form = {"csrf_token": token, "indicator": "cases_scam_compound", "area": "73",
            "period": _last_month(), "kind": "month"}
    r = analyst.post("/statistics/alerts/acknowledge", data={**form, "note": "  "},
                     follow_redirects=False)
    assert r.status_code == 422 and "Tulis catatan" in r.text
    r = analyst.post("/statistics/alerts/acknowledge", data=form, follow_redirects=False)
    assert r.status_code == 400 and 'id="ack-error"' in r.text
    r = analyst.post("/statistics/alerts/acknowledge",
                     data={**form, "note": "Tim perlindungan sudah menghubungi KBRI."},
                     follow_redirects=False)
    assert r.status_code == 303
    html = analyst.get("/statistics").text
    assert "Tim perlindungan sudah menghubungi KBRI." in html


def test_home_page_lists_current_alerts_for_the_analyst(
        role_clients: dict[str, TestClient]) -> None:
    html = role_clients["analyst"].get("/").text
    assert 'id="home-alerts"' in html and "Sulawesi Selatan (73)" in html
    assert 'id="home-alerts"' not in role_clients["checkpoint_officer"].get("/").text


def test_week_and_quarter_breakdowns_durations_and_regencies(
        role_clients: dict[str, TestClient]) -> None:
    analyst = role_clients["analyst"]
    for kind, n in (("week", 26), ("quarter", 8), ("month", 12)):
        html = analyst.get(f"/statistics?periode={kind}").text
        table = html.split('id="by-month"', 1)[1].split("</table>", 1)[0]
        assert table.count("<tr>") == n + 1, kind
    html = analyst.get("/statistics?indicator=cases_reported").text
    durations = html.split('id="durations"', 1)[1].split("</table>", 1)[0]
    assert re.search(r"<td>\d+(,\d+)? <span class=\"muted\">\(n=\d+", durations)
    regency = html.split('id="by-regency"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r"<td>([^<]*)</td>", regency)
    counts = [c for c in cells if re.fullmatch(r"[\d.]+", c)]
    assert counts and all(int(c.replace(".", "")) == 0 or int(c.replace(".", "")) >= 11
                          for c in counts if len(c) <= 7)
    assert "&lt;11" in regency


def _sheets(content: bytes) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    first, second = wb.worksheets[0], wb.worksheets[1]
    return list(first.iter_rows(values_only=True)), list(second.iter_rows(values_only=True))


def test_excel_downloads_with_indonesian_caveats(role_clients: dict[str, TestClient],
                                                 client: TestClient) -> None:
    r = role_clients["checkpoint_officer"].get("/statistics/export.xlsx?table=province")
    assert r.status_code == 200 and r.headers["content-type"].startswith(
        "application/vnd.openxmlformats")
    rows, notes = _sheets(r.content)
    assert rows[0] == ("indicator", "province_code", "province_name", "count")
    assert len(rows) > 1
    text = " ".join(str(v) for row in notes for v in row)
    assert "Provinsi diambil dari NIK" in text and "Province comes from" not in text
    r = client.get("/statistik/unduh.xlsx?indikator=screenings")
    assert r.status_code == 200
    rows, _notes = _sheets(r.content)
    counts = [row[4] for row in rows[1:]]
    assert counts and all(v is None or v == 0 or v >= 11 for v in counts)
    for table in ("month", "destination", "regency", "duration"):
        r = role_clients["analyst"].get(f"/statistics/export.xlsx?table={table}")
        assert r.status_code == 200, table
        assert role_clients["analyst"].get(
            f"/statistics/export.csv?table={table}").status_code == 200
