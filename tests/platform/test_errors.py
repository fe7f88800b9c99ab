from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import sign_in
from waspada.platform.db import make_engine
from waspada.platform.deps import get_db


def test_unknown_page_is_friendly_and_indonesian(client: TestClient) -> None:
    response = client.get("/tidak-ada", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert "tidak ada" in response.text and "Traceback" not in response.text


def test_unknown_api_route_is_json(client: TestClient) -> None:
    response = client.get("/api/v1/tidak-ada")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_oversized_body_is_refused(client: TestClient, settings) -> None:  # type: ignore[no-untyped-def]
    body = b"x" * (settings.max_body_bytes + 1)
    response = client.post("/api/v1/auth/login", content=body,
                           headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


def test_validation_errors_do_not_echo_values(client: TestClient) -> None:
    response = client.post("/api/v1/auth/login", json={"username": "x" * 200, "password": "p"})
    assert response.status_code == 422
    assert "x" * 100 not in response.text


def test_stopped_database_gives_503_and_no_traceback(app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, "admin")
    dead = make_engine("postgresql+psycopg://nobody:none@127.0.0.1:1/none?connect_timeout=2")

    def broken_db() -> Iterator[Session]:
        with Session(dead) as session:
            yield session

    app.dependency_overrides[get_db] = broken_db
    try:
        page = client.get("/admin/users", headers={"accept": "text/html"})
        api = client.get("/api/v1/me")
        health = client.get("/healthz")
    finally:
        app.dependency_overrides.clear()
    assert page.status_code == 503 and "Basis data" in page.text
    assert api.status_code == 503 and api.json()["error"]["code"] == "database_unavailable"
    assert health.status_code == 503 and health.json()["database"] == "unavailable"
    assert client.get("/api/v1/me").status_code == 200  # and it recovers


def test_admin_user_form_errors_in_indonesian(role_clients) -> None:  # type: ignore[no-untyped-def]
    admin = role_clients["admin"]
    response = admin.post("/admin/users", data={
        "username": "ab", "role": "analyst", "unit": "X", "password": "Sangat-rahasia-1",
        "csrf_token": admin.cookies["waspada_csrf"]})
    assert response.status_code == 400 and "nama pengguna harus" in response.text


def test_openapi_docs_need_sign_in(client: TestClient) -> None:
    assert client.get("/api/openapi.json").status_code == 401
    sign_in(client, "petugas.tpi")
    spec = client.get("/api/openapi.json").json()
    assert "/api/v1/auth/login" in spec["paths"]
    assert client.get("/api/docs").status_code == 200
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200


def test_openapi_describes_the_error_body_the_api_sends(app, role_clients) -> None:  # type: ignore[no-untyped-def]
    """walk17: the OpenAPI document gave every 422 FastAPI's ``{"detail": [...]}``, a body this
    API never sends; a client generated from it could not read a single error."""
    import jsonschema

    schema = app.openapi()
    error = schema["components"]["schemas"]["HTTPValidationError"]
    assert error["required"] == ["error"] and "ValidationError" not in schema["components"]["schemas"]
    analyst = role_clients["analyst"]
    refused = analyst.get("/api/v1/cases/abc")  # a path id that is no integer
    assert refused.status_code == 422
    jsonschema.validate(refused.json(), error)
    assert set(refused.json()["error"]) == {"code", "message", "detail"}
    with_problems = analyst.get("/api/v1/network/lookup", params={"value": "0899-0000-0000"})
    jsonschema.validate(with_problems.json(), error)  # a 404 of a service: the same envelope
    with pytest.raises(jsonschema.ValidationError):  # FastAPI's own shape does not pass
        jsonschema.validate({"detail": [{"loc": ["path"], "msg": "x", "type": "y"}]}, error)


def test_a_server_holding_a_rotated_away_audit_key_refuses_writes_clearly(
        role_clients, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """After `waspada audit rotate-key` a process still holding the old key (the key in its
    environment, not restarted) cannot audit, so it keeps nothing: 503 in words, no trace."""
    from sqlalchemy import func, select

    from waspada.matching.store import WatchlistEntry
    from waspada.platform import audit, audit_keys
    from waspada.platform.db import session_scope

    def stale(session: Session, key: bytes) -> None:
        raise audit_keys.StaleAuditKey("rotated")

    analyst = role_clients["analyst"]
    with session_scope() as db:
        before = db.scalar(select(func.count()).select_from(WatchlistEntry))
    monkeypatch.setattr(audit, "_check_key_in_force", stale)
    api = analyst.post("/api/v1/watchlist", json={
        "record_id": "STALE-KEY-1", "full_name": "Budi Santoso", "reason": "unit test",
        "source": "test", "list_kind": "pencegahan"})
    page = role_clients["auditor"].get("/audit", headers={"accept": "text/html"})  # audited
    monkeypatch.undo()
    assert api.status_code == 503 and api.json()["error"]["code"] == "audit_key_stale"
    assert "restart" in api.json()["error"]["message"]
    assert page.status_code == 503 and "kunci audit telah diganti" in page.text
    assert "Traceback" not in api.text + page.text
    with session_scope() as db:
        assert db.scalar(select(func.count()).select_from(WatchlistEntry)) == before
