"""The platform's operations (platform/security/service.py): each audit entry commits with its
change, refusals are DomainErrors, and the pages re-show a refused form filled in."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.conftest import csrf_headers, sign_in
from waspada.cli import app as cli_app
from waspada.platform import audit
from waspada.platform.db import session_scope
from waspada.platform.domain import DomainError
from waspada.platform.security.models import ApiToken, User
from waspada.platform.security.users import UserError, add_user

PASSWORD = "Correct-horse-1"


class _Crash(RuntimeError):
    pass


def _crash(session: object) -> None:
    raise _Crash("simulated crash while writing the audit entry")


def _new_user(username: str, role: str = "analyst") -> None:
    with session_scope() as session:
        add_user(session, username, role=role, unit="Unit Uji", password=PASSWORD)


def _user(username: str) -> User:
    with session_scope() as session:
        user = session.scalar(select(User).where(User.username == username))
        assert user is not None
        session.expunge(user)
        return user


def test_user_error_is_a_domain_error_with_its_localized_message() -> None:
    error = UserError("user {username} already exists", code="user_exists", status=409,
                      username="'budi'")
    assert isinstance(error, DomainError) and error.status == 409
    assert str(error) == "user 'budi' already exists"
    from waspada.platform.i18n import translate

    assert error.localized(lambda m: translate(m, "id")) == "pengguna 'budi' sudah ada"


def test_sign_in_is_not_kept_without_its_audit_entry(client: TestClient,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _new_user("svc.login")
    monkeypatch.setattr(audit, "_take_chain_lock", _crash)
    response = client.post("/api/v1/auth/login",
                           json={"username": "svc.login", "password": PASSWORD})
    assert response.status_code == 500 and "Traceback" not in response.text
    assert _user("svc.login").last_login_at is None  # the sign-in left no trace unaudited


def test_sign_out_is_not_kept_without_its_audit_entry(client: TestClient,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _new_user("svc.logout")
    sign_in(client, "svc.logout", PASSWORD)
    monkeypatch.setattr(audit, "_take_chain_lock", _crash)
    assert client.post("/api/v1/auth/logout", headers=csrf_headers(client)).status_code == 500
    monkeypatch.undo()
    # before, the session was revoked and committed first, and its audit entry then lost
    assert client.get("/api/v1/me").status_code == 200
    assert client.post("/api/v1/auth/logout", headers=csrf_headers(client)).status_code == 204
    assert client.get("/api/v1/me").status_code == 401


def test_token_revoke_is_not_kept_without_its_audit_entry(client: TestClient,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    _new_user("svc.token")
    sign_in(client, "svc.token", PASSWORD)
    client.post("/account/tokens", data={"name": "skrip-layanan"}, headers=csrf_headers(client))
    with session_scope() as session:
        token_id = session.scalar(select(ApiToken.id).join(User)
                                  .where(User.username == "svc.token"))
    monkeypatch.setattr(audit, "_take_chain_lock", _crash)
    client.post(f"/account/tokens/{token_id}/revoke", headers=csrf_headers(client))
    with session_scope() as session:
        assert session.get(ApiToken, token_id).revoked_at is None


def test_cli_user_commands_are_not_kept_without_their_audit_entry(
        monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    monkeypatch.setattr(audit, "_take_chain_lock", _crash)
    result = runner.invoke(cli_app, ["users", "add", "svc.cli", "--role", "analyst", "--unit",
                                     "Unit Uji", "--password-stdin", "--create-unit"],
                           input=PASSWORD + "\n")
    assert result.exit_code != 0
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(User)
                              .where(User.username == "svc.cli")) == 0
    monkeypatch.undo()
    _new_user("svc.cli2")
    monkeypatch.setattr(audit, "_take_chain_lock", _crash)
    assert runner.invoke(cli_app, ["users", "disable", "svc.cli2"]).exit_code != 0
    assert _user("svc.cli2").is_active


def test_cli_enable_and_clear_errors() -> None:
    runner = CliRunner()
    _new_user("svc.enable")
    assert runner.invoke(cli_app, ["users", "disable", "svc.enable"]).exit_code == 0
    assert not _user("svc.enable").is_active
    assert runner.invoke(cli_app, ["users", "enable", "svc.enable"]).exit_code == 0
    assert _user("svc.enable").is_active
    missing = runner.invoke(cli_app, ["users", "enable", "nobody.here"])
    assert missing.exit_code == 2 and "no user named 'nobody.here'" in missing.output
    long_name = runner.invoke(cli_app, ["users", "add", "svc.long", "--role", "analyst",
                                        "--unit", "U", "--full-name", "x" * 201,
                                        "--password-stdin", "--create-unit"], input=PASSWORD + "\n")
    assert long_name.exit_code == 2 and "at most 200 characters" in long_name.output
    assert "Traceback" not in long_name.output


def test_over_long_full_name_is_a_clear_error_and_the_form_comes_back_filled(
        role_clients: dict[str, TestClient]) -> None:
    admin = role_clients["admin"]
    page = admin.post("/admin/users", data={
        "username": "svc.panjang", "full_name": "N" * 250, "role": "auditor",
        "unit": "TPI Kualanamu", "password": PASSWORD}, headers=csrf_headers(admin))
    assert page.status_code == 400
    assert "terlalu panjang: paling banyak 200 karakter" in page.text
    assert 'value="svc.panjang"' in page.text
    assert '<option value="TPI Kualanamu" selected>' in page.text
    assert '<option value="auditor" selected>' in page.text
    with session_scope() as session:
        # before, the name was silently cut to 200 characters and the user created
        assert session.scalar(select(User).where(User.username == "svc.panjang")) is None


def test_api_me_role_label_is_english(role_clients: dict[str, TestClient]) -> None:
    me = role_clients["checkpoint_officer"].get("/api/v1/me").json()
    assert me["role_label"] == "Checkpoint officer"


def test_pages_show_role_labels_in_the_users_language(client: TestClient) -> None:
    _new_user("svc.label", role="checkpoint_officer")
    sign_in(client, "svc.label", PASSWORD)
    assert "Petugas TPI" in client.get("/account").text
    client.get("/lang/en?next=/account")
    assert "Checkpoint officer" in client.get("/account").text


def test_cli_set_role_set_unit_and_reset_password(client: TestClient) -> None:
    runner = CliRunner()
    _new_user("svc.admin.ops")
    sign_in(client, "svc.admin.ops", PASSWORD)
    assert runner.invoke(cli_app, ["users", "set-role", "svc.admin.ops", "--role",
                                   "auditor"]).exit_code == 0
    assert _user("svc.admin.ops").role == "auditor"
    bad = runner.invoke(cli_app, ["users", "set-role", "svc.admin.ops", "--role", "boss"])
    assert bad.exit_code == 2 and "unknown role 'boss'" in bad.output
    moved = runner.invoke(cli_app, ["users", "set-unit", "svc.admin.ops", "--unit",
                                    "TPI Pindahan", "--create-unit"])
    assert moved.exit_code == 0 and "TPI Pindahan" in moved.output
    weak = runner.invoke(cli_app, ["users", "reset-password", "svc.admin.ops",
                                   "--password-stdin"], input="short\n")
    assert weak.exit_code == 2 and "at least 10 characters" in weak.output
    assert client.get("/api/v1/me").status_code == 200
    reset = runner.invoke(cli_app, ["users", "reset-password", "svc.admin.ops",
                                    "--password-stdin"], input="Baru-sekali-456\n")
    assert reset.exit_code == 0, reset.output
    assert client.get("/api/v1/me").status_code == 401  # the open session ended
    sign_in(client, "svc.admin.ops", "Baru-sekali-456")
    me = client.get("/api/v1/me").json()
    assert me["role"] == "auditor" and me["unit"] == "TPI Pindahan"
    with session_scope() as session:
        actions = set(session.scalars(select(audit.AuditEntry.action)
                                      .where(audit.AuditEntry.object_id
                                             == str(_user("svc.admin.ops").id))))
    assert {"user.role", "user.unit", "user.password_reset"} <= actions


def test_over_long_sign_in_input_is_a_clear_error_on_the_page(client: TestClient) -> None:
    client.get("/login")
    page = client.post("/login", data={"username": "svc.panjang2", "password": "p" * 1025,
                                       "csrf_token": client.cookies.get("waspada_csrf")})
    assert page.status_code == 400 and "Traceback" not in page.text
    assert "Kata sandi terlalu panjang: paling banyak 1024 karakter." in page.text
    assert 'value="svc.panjang2"' in page.text
