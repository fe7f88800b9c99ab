from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import sign_in


def test_form_post_without_csrf_token_is_refused(client: TestClient) -> None:
    sign_in(client, "admin")
    response = client.post("/account/tokens", data={"name": "x"})
    assert response.status_code == 403
    assert "Formulir sudah kedaluwarsa" in response.text


def test_form_post_with_wrong_token_is_refused(client: TestClient) -> None:
    sign_in(client, "admin")
    response = client.post("/account/tokens", data={"name": "x", "csrf_token": "A" * 43})
    assert response.status_code == 403


def test_login_form_needs_the_token_too(client: TestClient) -> None:
    client.get("/login")
    response = client.post("/login", data={"username": "admin", "password": "Demo-admin-2026"})
    assert response.status_code == 403


def test_multipart_form_token_is_read(client: TestClient) -> None:
    sign_in(client, "admin")
    ok = client.post("/account/tokens", data={"name": "m", "csrf_token":
                                              client.cookies["waspada_csrf"]},
                     files={"ignored": ("a.txt", b"x")})
    assert ok.status_code == 200


def test_api_session_needs_json_or_header(client: TestClient) -> None:
    client.post("/api/v1/auth/login", json={"username": "admin", "password": "Demo-admin-2026"})
    refused = client.post("/api/v1/auth/logout", data={"a": "b"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf"


def test_security_headers(client: TestClient) -> None:
    response = client.get("/login")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "httponly" in response.headers["set-cookie"].lower()
