from __future__ import annotations

from datetime import timedelta

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import csrf_headers, sign_in
from waspada.platform.db import session_scope, utcnow
from waspada.platform.security.models import User, WebSession
from waspada.platform.security.users import add_user


def _new_user(username: str, role: str = "analyst", password: str = "Correct-horse-1") -> None:
    with session_scope() as session:
        add_user(session, username, role=role, unit="Unit Uji", password=password)


def test_login_page_is_indonesian_by_default(client: TestClient) -> None:
    response = client.get("/login")
    assert response.status_code == 200
    assert "Masuk ke Waspada" in response.text
    assert 'lang="id"' in response.text


def test_english_can_be_chosen(client: TestClient) -> None:
    client.get("/lang/en?next=/login")
    assert "Sign in to Waspada" in client.get("/login").text


def test_every_demo_account_signs_in(client: TestClient) -> None:
    from waspada.demo.synthetic import DEMO_ACCOUNTS

    for username, _role, unit, _name in DEMO_ACCOUNTS:
        with TestClient(client.app) as fresh:
            sign_in(fresh, username)
            me = fresh.get("/api/v1/me").json()
            assert me["username"] == username and me["unit"] == unit


def test_wrong_password_is_refused_in_indonesian(client: TestClient) -> None:
    client.get("/login")
    response = client.post("/login", data={"username": "admin", "password": "nope",
                                           "csrf_token": client.cookies["waspada_csrf"]})
    assert response.status_code == 401
    assert "Nama pengguna atau kata sandi salah" in response.text
    assert "waspada_session" not in response.cookies


def test_lockout_after_repeated_failures(client: TestClient, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from waspada.platform.security.auth import login_throttle

    _new_user("kunci.uji")
    client.get("/login")
    token = client.cookies["waspada_csrf"]
    for _ in range(settings.login_max_failures):
        client.post("/login", data={"username": "kunci.uji", "password": "wrong-wrong",
                                    "csrf_token": token})
    # even the right password is refused while locked, with the wrong-password answer (the
    # lockout is no longer announced: that told strangers which usernames exist)
    response = client.post("/login", data={"username": "kunci.uji", "password": "Correct-horse-1",
                                           "csrf_token": token})
    assert response.status_code == 401
    assert "Nama pengguna atau kata sandi salah" in response.text
    later = login_throttle.clock() + settings.lockout_minutes * 60 + 1
    monkeypatch.setattr(login_throttle, "clock", lambda: later)
    sign_in(client, "kunci.uji", "Correct-horse-1")


def test_ip_throttling(client: TestClient, settings) -> None:  # type: ignore[no-untyped-def]
    statuses = []
    for _ in range(settings.login_ip_attempts_per_5min + 1):
        statuses.append(client.post("/api/v1/auth/login",
                                    json={"username": "nobody", "password": "x"}).status_code)
    assert statuses[-1] == 429
    assert set(statuses[:-1]) == {401}


def test_api_login_logout_and_expiry(client: TestClient) -> None:
    _new_user("sesi.uji")
    credentials = {"username": "sesi.uji", "password": "Correct-horse-1"}
    response = client.post("/api/v1/auth/login", json=credentials)
    assert response.status_code == 200 and response.json()["role"] == "analyst"
    assert "httponly" in response.headers["set-cookie"].lower()
    assert "samesite=lax" in response.headers["set-cookie"].lower()
    assert client.get("/api/v1/me").status_code == 200
    # expire every session of this user: the next request is refused
    with session_scope() as session:
        user = session.scalar(select(User).where(User.username == "sesi.uji"))
        for row in session.scalars(select(WebSession).where(WebSession.user_id == user.id)):
            row.expires_at = utcnow() - timedelta(seconds=1)
    assert client.get("/api/v1/me").status_code == 401
    client.post("/api/v1/auth/login", json=credentials)
    assert client.post("/api/v1/auth/logout", json={}).status_code == 204
    assert client.get("/api/v1/me").status_code == 401


def test_malformed_login_json(client: TestClient) -> None:
    response = client.post("/api/v1/auth/login", content=b"{not json",
                           headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


def test_personal_token_create_use_revoke(client: TestClient) -> None:
    _new_user("token.uji")
    sign_in(client, "token.uji", "Correct-horse-1")
    page = client.post("/account/tokens", data={"name": "skrip",
                                                "csrf_token": client.cookies["waspada_csrf"]})
    assert page.status_code == 200
    raw = page.text.split('id="new-token">')[1].split("<")[0]
    assert raw.startswith("wsp_")
    with TestClient(client.app) as api:
        me = api.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
        assert me.status_code == 200 and me.json()["via"] == "token"
        assert api.get("/api/v1/me", headers={"Authorization": "Bearer wsp_forged"}).status_code == 401
    from waspada.platform.security.models import ApiToken

    with session_scope() as session:
        # this user's (test_cli_tables makes tokens named "skrip" too, in the same database)
        token = session.scalar(select(ApiToken).join(ApiToken.user).where(
            ApiToken.name == "skrip", User.username == "token.uji"))
        assert token.token_hash != raw and raw not in token.token_hash
        assert token.last_used_at is not None
        token_id = token.id
    client.post(f"/account/tokens/{token_id}/revoke", headers=csrf_headers(client))
    with TestClient(client.app) as api:
        assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_totp_second_factor(client: TestClient) -> None:
    _new_user("totp.uji")
    sign_in(client, "totp.uji", "Correct-horse-1")
    page = client.post("/account/totp/start", headers=csrf_headers(client))
    secret = page.text.split("<p><code>")[1].split("<")[0]
    bad = client.post("/account/totp/confirm", data={"secret": secret, "code": "000000",
                                                     "csrf_token": client.cookies["waspada_csrf"]})
    assert "tidak benar" in bad.text
    client.post("/account/totp/confirm", data={"secret": secret, "code": pyotp.TOTP(secret).now(),
                                               "csrf_token": client.cookies["waspada_csrf"]})
    with TestClient(client.app) as fresh:
        no_code = fresh.post("/api/v1/auth/login",
                             json={"username": "totp.uji", "password": "Correct-horse-1"})
        assert no_code.status_code == 401 and no_code.json()["error"]["code"] == "totp_required"
        ok = fresh.post("/api/v1/auth/login", json={"username": "totp.uji",
                                                    "password": "Correct-horse-1",
                                                    "totp": pyotp.TOTP(secret).now()})
        assert ok.status_code == 200


def test_disabled_user_cannot_sign_in_and_loses_tokens(client: TestClient) -> None:
    _new_user("nonaktif.uji")
    sign_in(client, "nonaktif.uji", "Correct-horse-1")
    with session_scope() as session:
        session.scalar(select(User).where(User.username == "nonaktif.uji")).is_active = False
    assert client.get("/api/v1/me").status_code == 401
    response = client.post("/api/v1/auth/login",
                           json={"username": "nonaktif.uji", "password": "Correct-horse-1"})
    assert response.status_code == 401


def test_next_parameter_cannot_leave_the_site(client: TestClient) -> None:
    client.get("/login")
    response = client.post("/login", data={"username": "admin", "password": "Demo-admin-2026",
                                           "next": "//evil.example/x",
                                           "csrf_token": client.cookies["waspada_csrf"]},
                           follow_redirects=False)
    assert response.headers["location"] == "/"


def test_secure_cookie_over_https(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app, base_url="https://waspada.test") as https_client:
        https_client.get("/login")
        response = https_client.post("/api/v1/auth/login",
                                     json={"username": "admin", "password": "Demo-admin-2026"})
        assert "secure" in response.headers["set-cookie"].lower()
