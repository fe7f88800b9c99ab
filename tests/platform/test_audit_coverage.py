"""Every operation that writes personal data records its audit entry in the same transaction
(issue #12, items 1 and 9): a listener (audit_watch.py) judges every transaction the app and the
CLI commit while representative write operations of every capability run, pages, API and CLI."""

from __future__ import annotations

from collections.abc import Iterator

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from tests.cases.conftest import create_case
from tests.conftest import csrf_headers, sign_in
from tests.platform.audit_watch import AuditWatch
from waspada.cli import app as cli_app
from waspada.platform import audit
from waspada.platform.db import session_scope
from waspada.platform.security.models import ApiToken, User
from waspada.platform.security.users import add_user

PASSWORD = "Correct-horse-1"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture()
def watch() -> Iterator[AuditWatch]:
    watcher = AuditWatch()
    watcher.install()
    try:
        yield watcher
    finally:
        watcher.remove()


def _report(watcher: AuditWatch) -> str:
    return "; ".join(sorted(",".join(sorted(u.tables)) for u in watcher.unaudited))


def test_the_watch_sees_an_unaudited_write_and_accepts_an_audited_one(watch: AuditWatch) -> None:
    with watch.watching(), session_scope() as session:
        add_user(session, "watch.plain", role="auditor", unit="Unit Uji", password=PASSWORD)
    assert len(watch.unaudited) == 1 and "users" in watch.unaudited[0].tables
    with watch.watching(), session_scope() as session:
        user = add_user(session, "watch.audited", role="auditor", unit="Unit Uji",
                        password=PASSWORD)
        audit.record("user.create", None, object_type="user", object_id=user.id,
                     session=session)
    assert len(watch.unaudited) == 1 and watch.audited_writes == 1
    # the old pattern: commit the change, then write the entry in a transaction of its own
    with watch.watching():
        with session_scope() as session:
            session.scalar(select(User).where(User.username == "watch.plain")).full_name = "X"
        audit.record("user.update", None, object_type="user")
    assert len(watch.unaudited) == 2


def test_platform_operations_audit_in_the_same_transaction(app, watch: AuditWatch) -> None:  # type: ignore[no-untyped-def]
    with session_scope() as session:
        add_user(session, "watch.admin", role="admin", unit="Unit Uji", password=PASSWORD)
    runner = CliRunner()
    with watch.watching():
        with TestClient(app, raise_server_exceptions=False) as api:
            me = api.post("/api/v1/auth/login", json={"username": "watch.admin",
                                                      "password": PASSWORD})
            assert me.status_code == 200, me.text
            assert api.post("/api/v1/auth/login", json={"username": "watch.admin",
                                                        "password": "wrong-password-1"}
                            ).status_code == 401
            assert api.post("/api/v1/auth/logout", headers=csrf_headers(api)).status_code == 204
        client = sign_in(TestClient(app, raise_server_exceptions=False), "watch.admin", PASSWORD)
        headers = csrf_headers(client)
        page = client.post("/account/tokens", data={"name": "skrip-pantau"}, headers=headers)
        raw = page.text.split('id="new-token">')[1].split("<")[0]
        with TestClient(app, raise_server_exceptions=False) as bearer:
            assert bearer.get("/api/v1/me",
                              headers={"Authorization": f"Bearer {raw}"}).status_code == 200
        with session_scope() as session:
            token_id = session.scalar(select(ApiToken.id).where(ApiToken.name == "skrip-pantau"))
        client.post(f"/account/tokens/{token_id}/revoke", headers=headers)
        start = client.post("/account/totp/start", headers=headers)
        secret = start.text.split("<p><code>")[1].split("<")[0]
        client.post("/account/totp/confirm", headers=headers,
                    data={"secret": secret, "code": pyotp.TOTP(secret).now()})
        client.post("/account/totp/disable", headers=headers)
        client.post("/admin/units", data={"name": "Unit Pantau", "kind": "other"},
                    headers=headers)
        assert client.post("/admin/users", headers=headers, data={
            "username": "watch.new", "role": "auditor", "unit": "Unit Pantau",
            "password": PASSWORD}, follow_redirects=False).status_code == 303
        with session_scope() as session:
            new_id = session.scalar(select(User.id).where(User.username == "watch.new"))
        client.post(f"/admin/users/{new_id}/active", data={"active": "0", "confirmed": "1"},
                    headers=headers)
        client.post(f"/admin/users/{new_id}/edit", data={"role": "analyst", "unit_id": "1",
                                                         "confirmed": "1"}, headers=headers)
        client.post(f"/admin/users/{new_id}/password", data={"confirmed": "1"},
                    headers=headers)
        client.post("/logout", headers=headers)
        assert runner.invoke(cli_app, ["users", "add", "watch.cli", "--role", "analyst",
                                       "--unit", "Unit Uji", "--password-stdin", "--create-unit"],
                             input=PASSWORD + "\n").exit_code == 0
        assert runner.invoke(cli_app, ["users", "token", "watch.cli"]).exit_code == 0
        assert runner.invoke(cli_app, ["users", "disable", "watch.cli"]).exit_code == 0
        assert runner.invoke(cli_app, ["users", "enable", "watch.cli"]).exit_code == 0
        assert runner.invoke(cli_app, ["users", "set-role", "watch.cli", "--role",
                                       "auditor"]).exit_code == 0
        assert runner.invoke(cli_app, ["users", "set-unit", "watch.cli", "--unit",
                                       "Unit Pantau Dua", "--create-unit"]).exit_code == 0
        assert runner.invoke(cli_app, ["users", "reset-password", "watch.cli",
                                       "--password-stdin"], input="Baru-sekali-456\n"
                             ).exit_code == 0
    assert not watch.unaudited, f"written without an audit entry: {_report(watch)}"
    assert watch.audited_writes >= 15


def test_capability_operations_audit_in_the_same_transaction(role_clients,  # type: ignore[no-untyped-def]
                                                             watch: AuditWatch) -> None:
    protection = role_clients["protection_officer"]
    analyst = role_clients["analyst"]
    checkpoint = role_clients["checkpoint_officer"]
    with watch.watching():
        case = create_case(protection)
        cid = case["id"]
        assert protection.post(f"/api/v1/cases/{cid}/comments",
                               json={"body": "Keluarga dihubungi."}).status_code == 201
        protection.post(f"/api/v1/cases/{cid}/assessments",
                        json={"level": "individual", "risk": "high", "notes": "trauma"})
        protection.post(f"/api/v1/cases/{cid}/consents", json={"scope": "referral",
                                                               "given": True})
        protection.post(f"/api/v1/cases/{cid}/referrals", json={
            "organisation": "TPI_CGK", "reason": "MigrationOrChangeOfLocation",
            "details": "Kepulangan via CGK"})
        protection.post(f"/api/v1/cases/{cid}/transitions",
                        json={"transition": "verify", "values": {}})
        assert analyst.post("/api/v1/watchlist", json={
            "record_id": "WATCH-1", "full_name": "Perekrut Pantau", "reason": "uji",
            "source": "uji"}).status_code == 201
        analyst.delete("/api/v1/watchlist/WATCH-1")
        screening = checkpoint.post("/api/v1/screenings", json={
            "full_name": "Siti Pantau", "birth_date": "1998-03-02",
            "destination_country": "KHM"})
        assert screening.status_code == 201, screening.text
        sid = screening.json()["id"]
        checkpoint.patch(f"/api/v1/screenings/{sid}", json={"answers": {"purpose": "work"}})
        decision = checkpoint.post(f"/api/v1/screenings/{sid}/decision", json={
            "action": "refer_kp2mi", "legal_bases": ["uu_18_2017"],
            "deviation_reason": "Tidak ada unsur paksaan; PMI nonprosedural."})
        assert decision.status_code in (201, 422), decision.text
        checkpoint.post("/api/v1/offers/check", json={
            "text": "Lowongan admin di Kamboja, gaji 15 juta, tiket gratis, tanpa pengalaman"})
        other = create_case(protection)
        protection.post(f"/api/v1/cases/{cid}/merge", json={
            "duplicate_case_id": other["id"], "reason": "sama: nama, tanggal lahir"})
        attached = protection.post(f"/api/v1/cases/{cid}/attachments",
                                   files={"file": ("catatan.pdf", PDF, "application/pdf")},
                                   headers=csrf_headers(protection))
        assert attached.status_code == 201, attached.text
    assert not watch.unaudited, f"written without an audit entry: {_report(watch)}"
    assert watch.audited_writes >= 12


def test_public_report_audits_in_the_same_transaction(app, watch: AuditWatch) -> None:  # type: ignore[no-untyped-def]
    from waspada.cases import pages as case_pages
    from waspada.platform.ratelimit import RateLimiter

    for name in dir(case_pages):  # a fresh allowance for this test's reports
        limiter = getattr(case_pages, name)
        if isinstance(limiter, RateLimiter):
            limiter.reset()
    with TestClient(app, raise_server_exceptions=False) as family, watch.watching():
        family.get("/lapor")
        response = family.post("/lapor", data={
            "csrf_token": family.cookies.get("waspada_csrf") or "",
            "reporter_name": "Ibu Pantau", "reporter_phone": "0812 3456 7890",
            "relationship": "ibu", "victim_name": "Korban Pantau Satu",
            "victim_birth_date": "2001-02-03", "destination_country": "KH",
            "destination_city": "Bavet", "description": "Anak saya tidak bisa pulang.",
            "consent": "1"})
        assert response.status_code == 200, response.text[:300]
    assert not watch.unaudited, f"written without an audit entry: {_report(watch)}"
    assert watch.audited_writes == 1
