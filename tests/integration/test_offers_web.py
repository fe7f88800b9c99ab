"""Offers on the web: the public check page, the API, bulk scans, agency registry."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.jobs_helpers import run_job_page
from waspada.cli import app as cli_app
from waspada.offers.store import OfferReport
from waspada.platform.db import session_scope

RISKY = ("Dibutuhkan CS online untuk kerja di Phnom Penh, Kamboja. Gaji 15jt/bulan, tanpa "
         "pengalaman, tiket dan visa ditanggung, berangkat minggu depan pakai visa turis. "
         "Bilang liburan saja ke imigrasi. WA +855 12 345 678")
BENIGN = "Toko roti di Bandung mencari kasir, gaji UMR, pengalaman 1 tahun, kirim CV ke email."


def _csrf(client: TestClient) -> str:
    client.get("/cek-lowongan")
    return client.cookies["waspada_csrf"]


def test_public_check_needs_no_account_and_stores_nothing(client: TestClient) -> None:
    with session_scope() as session:
        before = session.query(OfferReport).count()
    page = client.post("/cek-lowongan", data={"text": RISKY, "csrf_token": _csrf(client)})
    assert page.status_code == 200
    assert 'id="risk-level">Tinggi' in page.text
    assert "Kamboja bukan negara penempatan" in page.text
    benign = client.post("/cek-lowongan", data={"text": BENIGN, "csrf_token": _csrf(client)})
    assert 'id="risk-level">Rendah' in benign.text
    with session_scope() as session:
        assert session.query(OfferReport).count() == before


def test_public_report_requires_consent_and_is_stored(client: TestClient) -> None:
    token = _csrf(client)
    refused = client.post("/cek-lowongan/laporkan", data={"text": RISKY, "csrf_token": token})
    assert refused.status_code == 400
    stored = client.post("/cek-lowongan/laporkan", data={
        "text": RISKY, "where_seen": "TikTok", "consent": "yes", "csrf_token": token})
    assert stored.status_code == 200 and 'id="reported"' in stored.text
    with session_scope() as session:
        report = session.query(OfferReport).order_by(OfferReport.id.desc()).first()
        assert report.level == "high" and report.where_seen == "TikTok"


def test_public_page_escapes_hostile_html_and_caps_size(client: TestClient) -> None:
    hostile = "<script>alert(1)</script> kerja di Kamboja gaji 20jt"
    page = client.post("/cek-lowongan", data={"text": hostile, "csrf_token": _csrf(client)})
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text
    huge = client.post("/cek-lowongan", data={"text": "a" * 20_001, "csrf_token": _csrf(client)})
    assert huge.status_code == 413 and "terlalu panjang" in huge.text


def test_public_page_is_rate_limited(client: TestClient) -> None:
    from waspada.offers.pages import public_limiter

    public_limiter.reset()
    token = _csrf(client)
    statuses = [client.post("/cek-lowongan", data={"text": BENIGN, "csrf_token": token}
                            ).status_code for _ in range(public_limiter.limit + 1)]
    assert statuses[-1] == 429 and statuses[0] == 200
    public_limiter.reset()


def test_offer_check_api(role_clients) -> None:  # type: ignore[no-untyped-def]
    body = role_clients["checkpoint_officer"].post("/api/v1/offers/check",
                                                   json={"text": RISKY}).json()
    assert body["level"] == "high"
    codes = {i["code"] for i in body["indicators"]}
    assert codes
    for indicator in body["indicators"]:
        for ev in indicator["evidence"]:
            assert RISKY[ev["start"]:ev["end"]] == ev["text"]
    assert "+85512345678" in {p["e164"] for p in body["entities"]["phones"]}
    assert role_clients["auditor"].post("/api/v1/offers/check",
                                        json={"text": RISKY}).status_code == 403


def test_bulk_scan_page_with_contacts_and_downloads(role_clients) -> None:  # type: ignore[no-untyped-def]
    analyst = role_clients["analyst"]
    lines = [json.dumps({"id": f"p{i}", "text": RISKY if i % 2 else BENIGN}) for i in range(6)]
    lines.insert(2, "{broken json")
    data = ("\n".join(lines) + "\n").encode()
    started = analyst.post("/offers/scan", data={"csrf_token": analyst.cookies["waspada_csrf"]},
                           files={"upload": ("posts.jsonl", data, "application/x-ndjson")},
                           follow_redirects=False)
    page = run_job_page(analyst, started)  # the scan is a background job (docs/jobs.md)
    assert page.status_code == 200
    assert "6 data dianalisis, 3 berisiko tinggi, 1 baris dilewati" in page.text
    assert "+85512345678" in page.text
    # the saved scan, newest first in the scan page's list
    scan_id = analyst.get("/offers/scan").text.split("/offers/scan/")[1].split("/")[0]
    results = analyst.get(f"/offers/scan/{scan_id}/results.jsonl")
    rows = [json.loads(x) for x in results.text.splitlines() if x]
    assert len(rows) == 6 and rows[0]["level"] == "high"
    contacts = analyst.get(f"/offers/scan/{scan_id}/contacts.csv").text
    # the columns and words of the job's recurring.csv (round 25; were "phones,…,high")
    assert "Nomor telepon,+85512345678,3,risiko tinggi" in contacts
    wrong = analyst.post("/offers/scan", data={"csrf_token": analyst.cookies["waspada_csrf"]},
                         files={"upload": ("posts.exe", b"MZ", "application/octet-stream")})
    assert wrong.status_code == 400


def test_import_agencies_and_registry_lookup(role_clients, tmp_path) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "p3mi.csv"
    good.write_text("name,license_no,address\nPT Sinar Jaya Abadi Sejahtera,KEP-123,Jakarta\n"
                    "PT Bintang Karya Migran,KEP-456,Surabaya\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli_app, ["offers", "import-agencies", str(good)])
    assert result.exit_code == 0, result.output
    assert "2 added" in result.output
    again = runner.invoke(cli_app, ["offers", "import-agencies", str(good)])
    assert "0 added, 2 updated" in again.output
    bad = tmp_path / "bad.csv"
    bad.write_text("name,license_no\nPT Ok,1\n,2\n", encoding="utf-8")
    failed = runner.invoke(cli_app, ["offers", "import-agencies", str(bad)])
    assert failed.exit_code == 2 and "line 3" in failed.output
    body = role_clients["analyst"].post("/api/v1/offers/check", json={
        "text": "Lowongan resmi ke Taiwan melalui PT Sinar Jaya Abadi Sejahtera, "
                "terdaftar SISKOP2MI. Juga PT Karya Palsu Sekali."}).json()
    statuses = {a["status"] for a in body["agencies"]}
    assert "registered" in statuses
