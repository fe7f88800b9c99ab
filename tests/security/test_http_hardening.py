"""HTTP hardening: bounded integers, form-field limits, cache and HSTS headers, trusted
proxies, and the sign-in lockout (security review defects 4, 5 and 7)."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from annotated_types import Le, Lt
from fastapi.testclient import TestClient
from pydantic import BaseModel

from tests.conftest import csrf_headers
from waspada.platform.types import MAX_ID, parse_id
from waspada.platform.web import iter_api_routes

# -- 1. every integer a route takes is bounded -------------------------------------------------


def _bounded(metadata: Any) -> bool:
    for item in metadata:
        if isinstance(item, Le | Lt):
            return True
        if _bounded(getattr(item, "metadata", ())):  # a FieldInfo (Field, Path, Query...)
            return True
    return False


def _unbounded_int(annotation: Any, metadata: Any = ()) -> bool:
    """True when the annotation is, or contains (``int | None``), an int without a maximum."""
    if _bounded(metadata):
        return False
    if annotation is int:
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *extra = typing.get_args(annotation)
        return _unbounded_int(inner, extra)
    if origin in (typing.Union, types.UnionType):
        return any(_unbounded_int(arg) for arg in typing.get_args(annotation))
    return False


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


def _model_problems(model: type[BaseModel], seen: set[type]) -> Iterator[str]:
    if model in seen:
        return
    seen.add(model)
    for name, field in model.model_fields.items():
        if _unbounded_int(field.annotation, field.metadata):
            yield f"{model.__name__}.{name}"
        for inner in _models_in(field.annotation):
            yield from _model_problems(inner, seen)


def _route_problems(app) -> list[str]:  # type: ignore[no-untyped-def]
    problems: list[str] = []
    for route in iter_api_routes(app):
        stack = [route.dependant]
        while stack:
            dependant = stack.pop()
            stack.extend(dependant.dependencies)
            params = (dependant.path_params + dependant.query_params + dependant.header_params
                      + dependant.cookie_params + dependant.body_params)
            for param in params:
                info = param.field_info
                if _unbounded_int(info.annotation, info.metadata):
                    problems.append(f"{route.path} {param.name}")
                for model in _models_in(info.annotation):
                    problems.extend(f"{route.path} {p}" for p in _model_problems(model, set()))
    return problems


def test_every_integer_route_parameter_and_body_field_is_bounded(app) -> None:  # type: ignore[no-untyped-def]
    assert _route_problems(app) == []


def test_walker_finds_an_unbounded_integer() -> None:
    class Loose(BaseModel):
        count: int | None = None

    class Outer(BaseModel):
        inner: list[Loose]

    assert list(_model_problems(Outer, set())) == ["Loose.count"]


def _openapi_integers(node: Any, where: str) -> Iterator[str]:
    if isinstance(node, dict):
        if node.get("type") == "integer" and "maximum" not in node \
                and "exclusiveMaximum" not in node:
            yield where
        for key, value in node.items():
            yield from _openapi_integers(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _openapi_integers(value, f"{where}/{index}")


def test_openapi_has_no_unbounded_integer_input(app) -> None:  # type: ignore[no-untyped-def]
    schema = app.openapi()
    problems = list(_openapi_integers(schema.get("paths", {}), "paths"))
    # request models only: response models (ids the server writes) need no maximum
    for name, model in schema.get("components", {}).get("schemas", {}).items():
        if name.endswith(("In", "Request", "Query", "Answer")):
            problems.extend(_openapi_integers(model, name))
    assert problems == []


@pytest.mark.parametrize("text,expected", [
    ("7", 7), (" 12 ", 12), ("0", None), ("-3", None), ("", None), ("x1", None),
    (str(MAX_ID), MAX_ID), (str(2**63), None), (str(2**64), None), ("9" * 4300, None),
    ("\u0661\u0662", None),  # Arabic-Indic digits pass str.isdigit() but are no id
])
def test_parse_id(text: str, expected: int | None) -> None:
    assert parse_id(text) == expected


BAD_NUMBERS = [str(2**31), str(2**63), str(2**64), "9" * 4300, "-1", "0"]


@pytest.mark.parametrize("number", BAD_NUMBERS)
def test_out_of_range_ids_are_refused_not_500(role_clients, number: str) -> None:  # type: ignore[no-untyped-def]
    auditor = role_clients["auditor"]
    officer = role_clients["protection_officer"]
    refused = (404, 422)
    body_id: object = int(number) if len(number) < 30 else number
    for client, method, url, kwargs, expected in [
        (officer, "GET", f"/api/v1/cases/{number}", {}, refused),
        (officer, "GET", f"/api/v1/cases?unit={number}", {}, refused),
        (officer, "GET", f"/api/v1/cases?page={number}", {}, refused),
        (officer, "GET", f"/cases/{number}", {}, refused),
        # the list page's unit filter is a drop-down: an unknown value means "all units"
        (officer, "GET", f"/cases?unit={number}&page=1", {}, (200,)),
        (role_clients["checkpoint_officer"], "GET", f"/api/v1/screenings/{number}", {}, refused),
        (auditor, "GET", f"/audit?page={number}", {}, refused),
        (auditor, "GET", f"/api/v1/audit?limit={number}", {}, refused),
        (officer, "POST", "/api/v1/cases/1/merge",
         {"json": {"duplicate_case_id": body_id, "reason": "same person twice"}}, refused),
        (officer, "POST", "/api/v1/cases/1/consents",
         {"json": {"given": True, "person_id": body_id}}, refused),
        (officer, "POST", f"/api/v1/cases/1/tasks/{number}/done", {}, refused),
        (officer, "POST", f"/cases/1/tasks/{number}/done", {}, refused),
    ]:
        response = client.request(method, url, headers=csrf_headers(client),
                                  follow_redirects=False, **kwargs)
        assert response.status_code in expected, (url, response.status_code)


@pytest.mark.parametrize("number", BAD_NUMBERS)
def test_export_ids_out_of_range_is_a_clear_422(role_clients, number: str) -> None:  # type: ignore[no-untyped-def]
    client = role_clients["protection_officer"]
    response = client.get(f"/api/v1/cases/export?ids=1,{number}")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"
    assert "ids" in response.text


def test_export_valid_ids_still_work(role_clients) -> None:  # type: ignore[no-untyped-def]
    client = role_clients["protection_officer"]
    assert client.get("/api/v1/cases/export?ids=1, 2").status_code == 200
    assert client.get("/api/v1/cases/export?ids=").status_code == 200


# -- 2. too many form fields -------------------------------------------------------------------


def test_too_many_urlencoded_fields_is_413_not_500(client) -> None:  # type: ignore[no-untyped-def]
    client.get("/login")
    body = "&".join(f"f{i}=x" for i in range(2001))
    for path in ("/login", "/api/v1/auth/login", "/lapor"):
        response = client.post(path, content=body, headers={
            "content-type": "application/x-www-form-urlencoded", "accept": "application/json"})
        assert response.status_code == 413, (path, response.status_code)
        assert response.json()["error"]["code"] == "too_many_fields"


def test_too_many_fields_page_is_translated(client) -> None:  # type: ignore[no-untyped-def]
    body = "&".join(f"f{i}=x" for i in range(1001))
    response = client.post("/login", content=body,
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413
    assert "terlalu banyak isian" in response.text


def _multipart(fields: int, files: int) -> tuple[bytes, str]:
    boundary = "testboundary42"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="f{i}"\r\n\r\nx\r\n'
             for i in range(fields)]
    parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="file{i}"; '
              f'filename="a{i}.txt"\r\nContent-Type: text/plain\r\n\r\nabc\r\n'
              for i in range(files)]
    body = ("".join(parts) + f"--{boundary}--\r\n").encode()
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("fields,files", [(2001, 0), (0, 21)])
def test_too_many_multipart_fields_or_files_is_413(client, fields: int, files: int) -> None:  # type: ignore[no-untyped-def]
    body, content_type = _multipart(fields, files)
    for headers in ({}, {"x-csrf-token": "irrelevant-token-value-123456"}):
        response = client.post("/login", content=body,
                               headers={"content-type": content_type, "accept": "application/json",
                                        **headers})
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "too_many_fields"


def test_small_multipart_form_still_passes_the_csrf_check(client) -> None:  # type: ignore[no-untyped-def]
    client.get("/login")
    token = client.cookies.get("waspada_csrf")
    boundary = "b0undary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="username"\r\n\r\nnobody\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="password"\r\n\r\nwrong\r\n'
            f"--{boundary}--\r\n").encode()
    response = client.post("/login", content=body,
                           headers={"content-type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 401  # reached the handler: CSRF accepted, sign-in refused


# -- 3. cache and transport headers ------------------------------------------------------------


def test_pages_and_api_answers_are_not_cached(role_clients, client) -> None:  # type: ignore[no-untyped-def]
    officer = role_clients["protection_officer"]
    for test_client, path in [(officer, "/cases"), (officer, "/api/v1/cases"),
                              (officer, "/api/v1/me"), (officer, "/cases/1"),
                              (client, "/login"), (client, "/api/v1/cases"),
                              (client, "/no-such-page"), (client, "/healthz")]:
        response = test_client.get(path, follow_redirects=False)
        assert response.headers.get("cache-control") == "no-store", path
        assert response.headers.get("pragma") == "no-cache", path


def test_static_assets_stay_cacheable(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/static/favicon.svg")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("cache-control", "")


def test_hsts_only_over_https(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app, base_url="https://waspada.example") as https_client:
        assert https_client.get("/login").headers["strict-transport-security"].startswith(
            "max-age=")
    with TestClient(app) as http_client:
        assert "strict-transport-security" not in http_client.get("/login").headers


# -- 4. trusted proxy --------------------------------------------------------------------------


@pytest.fixture()
def proxied_app(monkeypatch):  # type: ignore[no-untyped-def]
    """An app that trusts the TestClient's peer ("testclient") as its TLS proxy."""
    from waspada.platform.settings import get_settings
    from waspada.platform.web import create_app

    monkeypatch.setenv("WASPADA_FORWARDED_ALLOW_IPS", "10.0.0.0/8, testclient")
    get_settings.cache_clear()
    try:
        yield create_app()
    finally:
        monkeypatch.delenv("WASPADA_FORWARDED_ALLOW_IPS")
        get_settings.cache_clear()


def _latest_failed_login_ip(actor: str) -> str | None:
    from sqlalchemy import select

    from waspada.platform.audit import AuditEntry
    from waspada.platform.db import session_scope

    with session_scope() as session:
        return session.scalar(select(AuditEntry.ip).where(
            AuditEntry.action == "login.failed", AuditEntry.actor == actor)
            .order_by(AuditEntry.seq.desc()).limit(1))


FORWARDED = {"x-forwarded-for": "203.0.113.7", "x-forwarded-proto": "https"}


def _fail_login(test_client: TestClient, username: str) -> Any:
    # the CSRF cookie may be Secure (https behind the proxy): the test client would not send it
    # back over its plain-http connection, so it is sent explicitly
    test_client.cookies.clear()
    page = test_client.get("/login", headers=FORWARDED)
    token = page.headers["set-cookie"].split("waspada_csrf=", 1)[1].split(";", 1)[0]
    test_client.cookies.clear()
    return test_client.post("/login", follow_redirects=False,
                            headers={**FORWARDED, "cookie": f"waspada_csrf={token}"},
                            data={"username": username, "password": "wrong-password-1",
                                  "csrf_token": token})


def test_trusted_proxy_headers_give_client_ip_https_and_secure_cookies(proxied_app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(proxied_app, raise_server_exceptions=False) as test_client:
        page = test_client.get("/login", headers=FORWARDED)
        assert "secure" in page.headers["set-cookie"].lower()
        assert "strict-transport-security" in page.headers
        response = _fail_login(test_client, "proxy.trusted")
    assert response.status_code == 401
    assert _latest_failed_login_ip("proxy.trusted") == "203.0.113.7"


def test_untrusted_proxy_headers_are_ignored(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/login", headers=FORWARDED)
    assert "secure" not in page.headers["set-cookie"].lower()
    assert "strict-transport-security" not in page.headers
    response = _fail_login(client, "proxy.untrusted")
    assert response.status_code == 401
    assert _latest_failed_login_ip("proxy.untrusted") == "testclient"


def test_per_ip_login_limit_uses_the_forwarded_client(proxied_app, settings) -> None:  # type: ignore[no-untyped-def]
    with TestClient(proxied_app, raise_server_exceptions=False) as test_client:
        test_client.get("/login")
        token = test_client.cookies.get("waspada_csrf")

        def attempt(ip: str) -> int:
            return test_client.post("/login", headers={"x-forwarded-for": ip}, data={
                "username": f"nobody.{ip}", "password": "x", "csrf_token": token},
                follow_redirects=False).status_code

        statuses = [attempt("198.51.100.1") for _ in range(settings.login_ip_attempts_per_5min)]
        assert set(statuses) == {401}
        assert attempt("198.51.100.1") == 429
        assert attempt("198.51.100.2") == 401  # another client behind the same proxy


def test_serve_keeps_uvicorns_own_proxy_trust_off(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import uvicorn
    from typer.testing import CliRunner

    from waspada.cli import app as cli_app

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))
    result = CliRunner().invoke(cli_app, ["serve"])
    assert result.exit_code == 0, result.output
    assert seen["proxy_headers"] is False


# -- 5. sign-in: one answer, lockout per (username, address) with backoff ----------------------


def _new_user(username: str, totp_secret: str | None = None) -> None:
    from waspada.platform.db import session_scope
    from waspada.platform.security.users import add_user

    with session_scope() as session:
        user = add_user(session, username, role="analyst", unit="Unit Uji",
                        password="Correct-horse-1")
        user.totp_secret = totp_secret


def _api_login(test_client: TestClient, username: str, password: str,
               headers: dict[str, str] | None = None, totp: str | None = None) -> Any:
    return test_client.post("/api/v1/auth/login", headers=headers or {},
                            json={"username": username, "password": password, "totp": totp})


def test_unknown_user_wrong_password_and_locked_get_one_answer(client, settings) -> None:  # type: ignore[no-untyped-def]
    _new_user("satu.jawaban")
    unknown = _api_login(client, "tidak.ada.orangnya", "Correct-horse-1")
    wrong = _api_login(client, "satu.jawaban", "wrong-password")
    for _ in range(settings.login_max_failures - 1):
        _api_login(client, "satu.jawaban", "wrong-password")
    locked = _api_login(client, "satu.jawaban", "Correct-horse-1")  # right password, locked
    assert unknown.status_code == wrong.status_code == locked.status_code == 401
    assert unknown.json() == wrong.json() == locked.json()

    def page_error(username: str, password: str) -> tuple[int, str]:
        client.get("/login")
        response = client.post("/login", data={"username": username, "password": password,
                                               "csrf_token": client.cookies["waspada_csrf"]})
        return response.status_code, response.text.split('role="alert">')[1].split("<")[0]

    assert page_error("tidak.ada.orangnya", "x") == page_error("satu.jawaban", "x") \
        == page_error("satu.jawaban", "Correct-horse-1")


def test_every_refusal_costs_one_password_hash(client, monkeypatch, settings) -> None:  # type: ignore[no-untyped-def]
    from waspada.platform.security import auth

    _new_user("sama.waktu")
    calls: list[str] = []
    real = auth.verify_password
    monkeypatch.setattr(auth, "verify_password",
                        lambda hashed, password: calls.append(hashed) or real(hashed, password))
    for username, password in [("tidak.ada.sama", "x"), ("sama.waktu", "x")] \
            + [("sama.waktu", "x")] * settings.login_max_failures:
        calls.clear()
        _api_login(client, username, password)
        assert len(calls) == 1, username  # unknown, wrong and locked: one argon2 verification


def test_a_stranger_cannot_lock_the_admin_out(proxied_app, settings) -> None:  # type: ignore[no-untyped-def]
    from waspada.demo.synthetic import demo_password

    stranger = {"x-forwarded-for": "198.51.100.66"}
    admin_desk = {"x-forwarded-for": "10.1.2.3"}
    with TestClient(proxied_app, raise_server_exceptions=False) as test_client:
        for _ in range(settings.login_max_failures + 2):
            assert _api_login(test_client, "admin", "guess-guess", stranger).status_code == 401
        # the stranger is throttled, even with the right password...
        assert _api_login(test_client, "admin", demo_password("admin"),
                          stranger).status_code == 401
        # ...but the admin, signing in from their own address, is not
        assert _api_login(test_client, "admin", demo_password("admin"),
                          admin_desk).status_code == 200


def test_backoff_doubles_and_success_clears() -> None:
    from waspada.platform.security.throttle import LoginThrottle

    now = [1000.0]
    throttle = LoginThrottle(max_failures=3, base_seconds=60, max_seconds=200,
                             clock=lambda: now[0])
    for expected_wait in (60, 120, 200):  # doubled each time, capped
        assert [throttle.failure("u", "ip") for _ in range(3)] == [False, False, True]
        assert throttle.locked_for("u", "ip") == expected_wait
        assert throttle.locked_for("u", "other-ip") == 0
        now[0] += expected_wait
        assert throttle.locked_for("u", "ip") == 0
    throttle.success("u", "ip")
    assert [throttle.failure("u", "ip") for _ in range(3)] == [False, False, True]
    assert throttle.locked_for("u", "ip") == 60


def test_wrong_totp_codes_count_toward_the_lockout(client, settings) -> None:  # type: ignore[no-untyped-def]
    import pyotp

    secret = pyotp.random_base32()
    _new_user("totp.kunci", totp_secret=secret)
    current = pyotp.TOTP(secret).now()
    wrong = f"{(int(current) + 500_000) % 1_000_000:06d}"
    for _ in range(settings.login_max_failures):
        response = _api_login(client, "totp.kunci", "Correct-horse-1", totp=wrong)
        assert response.json()["error"]["code"] == "totp_invalid"
    response = _api_login(client, "totp.kunci", "Correct-horse-1", totp=current)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "bad_credentials"


def test_tokens_work_while_throttled_but_not_once_disabled(client, settings) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from waspada.platform.db import session_scope
    from waspada.platform.security import auth
    from waspada.platform.security.models import User

    _new_user("token.kunci")
    with session_scope() as session:
        user = session.scalar(select(User).where(User.username == "token.kunci"))
        _token, raw = auth.create_api_token(session, user, "skrip penguncian",
                                                scope="full")
    for _ in range(settings.login_max_failures):
        _api_login(client, "token.kunci", "wrong-password")
    assert _api_login(client, "token.kunci", "Correct-horse-1").status_code == 401
    bearer = {"Authorization": f"Bearer {raw}"}
    with TestClient(client.app) as api:
        assert api.get("/api/v1/me", headers=bearer).status_code == 200
        with session_scope() as session:
            session.scalar(select(User).where(User.username == "token.kunci")).is_active = False
        assert api.get("/api/v1/me", headers=bearer).status_code == 401
