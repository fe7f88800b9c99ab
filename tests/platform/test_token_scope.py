"""Least privilege for API tokens (round 19, branch ``tokens19``): a token's scope (``read``
or ``full``) chosen when it is made, and a refused (revoked or expired) token's use audited at
most once an hour per token. Each behaviour check here fails on ``main`` at 0c1a92b."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text, update
from typer.testing import CliRunner

from tests.conftest import csrf_headers, sign_in
from tests.migration_helpers import columns_of, database_at, insert_unit_and_user
from tests.platform.test_route_authorisation import _markers
from waspada.cli import app as cli_app
from waspada.platform import audit
from waspada.platform.db import session_scope, utcnow
from waspada.platform.security import auth
from waspada.platform.security.models import ApiToken, User
from waspada.platform.security.policy import (
    ACTION_KINDS,
    POLICY,
    READ,
    READ_WRITE,
    WRITE,
    Principal,
    allowed,
    scope_allows,
)
from waspada.platform.security.roles import Role
from waspada.platform.security.schemas import TokenIn
from waspada.platform.security.users import add_user
from waspada.platform.web import iter_api_routes

PASSWORD = "Correct-horse-1"
runner = CliRunner()
BODY = {"exploitation_type": ["ForcedCriminality"], "source_channel": "Hotline",
        "persons": [{"role": "victim", "full_name": "Korban Uji Cakupan",
                     "birth_date": "1999-04-12", "gender": "Feminine", "citizenship": "ID"}]}


def _token(username: str, scope: str, name: str = "skrip tokens19") -> tuple[int, str]:
    with session_scope() as session:
        user = session.scalar(select(User).where(User.username == username))
        assert user is not None
        token, raw = auth.create_api_token(session, user, name, scope=scope)
        return token.id, raw


def _bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def _refusals(token_id: int) -> list[audit.AuditEntry]:
    with session_scope() as session:
        rows = list(session.scalars(select(audit.AuditEntry).where(
            audit.AuditEntry.action == "token.refused",
            audit.AuditEntry.object_id == str(token_id)).order_by(audit.AuditEntry.seq)))
        for row in rows:
            session.expunge(row)
        return rows


# -- the classification ----------------------------------------------------------------------

def test_every_policy_action_says_what_it_does_to_data() -> None:
    assert set(ACTION_KINDS) == set(POLICY), set(ACTION_KINDS) ^ set(POLICY)
    assert set(ACTION_KINDS.values()) <= {READ, READ_WRITE, WRITE}


def test_an_unclassified_action_is_a_write_for_a_read_token(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(POLICY, "new.thing", frozenset(Role))
    reader = Principal(1, "x", Role.ANALYST, 1, via="token", scope="read")
    assert not scope_allows(reader, "new.thing", "GET") and not allowed(reader, "new.thing")
    full = Principal(1, "x", Role.ANALYST, 1, via="token", scope="full")
    assert allowed(full, "new.thing")


#: the only routes a read token may call with a method other than GET/HEAD: they compute an
#: answer and store nothing but their audit entry. A new one must be looked at and added here.
READ_POSTS = {
    ("POST", "/api/v1/documents/check"), ("POST", "/api/v1/documents/mrz"),
    ("POST", "/api/v1/documents/nik"), ("POST", "/api/v1/documents/read"),
    ("POST", "/documents"), ("POST", "/documents/read"),
    ("POST", "/api/v1/offers/check"), ("POST", "/api/v1/match"),
    ("POST", "/api/v1/match/{dataset}"), ("POST", "/watchlist/search"), ("POST", "/search"),
    # the HTCDS export as a job: the same data GET /api/v1/cases/export answers a read token,
    # kept as the owner's job and file; no record changes
    ("POST", "/api/v1/cases/export"), ("POST", "/cases/export"),
}


def test_a_read_token_changes_nothing_through_any_route(app) -> None:  # type: ignore[no-untyped-def]
    """Over every registered route: what a read token is admitted to with an unsafe method is
    exactly the reviewed list above."""
    reader = Principal(1, "x", Role.ADMIN, 1, via="token", scope="read")
    admitted = set()
    for route in iter_api_routes(app):
        actions, _public = _markers(route)
        for method in route.methods - {"GET", "HEAD"}:
            if actions and all(scope_allows(reader, a, method) for a in actions):
                admitted.add((method, route.path))
    assert admitted == READ_POSTS, admitted ^ READ_POSTS


# -- 1. scope ----------------------------------------------------------------------------------

def test_a_read_token_reads_cases_and_is_refused_a_write(app) -> None:  # type: ignore[no-untyped-def]
    _token_id, raw = _token("pelindungan", "read")
    with TestClient(app, raise_server_exceptions=False) as api:
        listed = api.get("/api/v1/cases", headers=_bearer(raw))
        assert listed.status_code == 200
        before = api.get("/api/v1/cases", headers=_bearer(raw)).json()
        refused = api.post("/api/v1/cases", json=BODY, headers=_bearer(raw))
        assert refused.status_code == 403
        error = refused.json()["error"]
        assert error["code"] == "token_scope" and "may only read" in error["message"]
        assert "Traceback" not in refused.text
        assert api.get("/api/v1/cases", headers=_bearer(raw)).json() == before  # nothing made
        # a write-only action is refused even before its body is read (PATCH, DELETE alike)
        assert api.patch("/api/v1/cases/1/htcds", json={},
                         headers=_bearer(raw)).json()["error"]["code"] == "token_scope"


def test_a_full_token_writes_as_before(app) -> None:  # type: ignore[no-untyped-def]
    _token_id, raw = _token("pelindungan", "full")
    with TestClient(app, raise_server_exceptions=False) as api:
        made = api.post("/api/v1/cases", json=BODY, headers=_bearer(raw))
        assert made.status_code == 201, made.text
        assert api.get("/api/v1/cases", headers=_bearer(raw)).status_code == 200


def test_read_write_actions_read_with_get_only(app) -> None:  # type: ignore[no-untyped-def]
    """An auditor's read token reads the trail; an analyst's lists the watchlist but cannot
    remove from it; nobody's read token makes itself a full one."""
    _id, auditor = _token("auditor", "read")
    _id, analyst = _token("analis", "read")
    with TestClient(app, raise_server_exceptions=False) as api:
        assert api.get("/api/v1/audit", headers=_bearer(auditor)).status_code == 200
        assert api.get("/api/v1/watchlist", headers=_bearer(analyst)).status_code == 200
        gone = api.delete("/api/v1/watchlist/1", headers=_bearer(analyst))
        assert gone.status_code == 403 and gone.json()["error"]["code"] == "token_scope"
        assert api.get("/api/v1/me", headers=_bearer(analyst)).status_code == 200
        made = api.post("/account/tokens", data={"name": "naik", "scope": "full"},
                        headers=_bearer(analyst))
        assert made.status_code == 403 and "wsp_" not in made.text
        # a read action over POST: checking an offer stores nothing but its audit entry
        assert api.post("/api/v1/offers/check", json={"text": "Lowongan kerja di Kamboja"},
                        headers=_bearer(analyst)).status_code == 200
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(ApiToken)
                              .where(ApiToken.name == "naik")) == 0


def test_the_role_refusal_comes_first(app) -> None:  # type: ignore[no-untyped-def]
    """An analyst may not create cases at all: that is 'forbidden', whatever the scope."""
    _id, raw = _token("analis", "read")
    with TestClient(app, raise_server_exceptions=False) as api:
        refused = api.post("/api/v1/cases", json=BODY, headers=_bearer(raw))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"


def test_a_session_is_not_affected(role_clients: dict[str, TestClient]) -> None:
    protection = role_clients["protection_officer"]
    made = protection.post("/api/v1/cases", json=BODY)
    assert made.status_code == 201, made.text


def test_new_tokens_are_read_only_unless_full_is_chosen(client: TestClient) -> None:
    assert TokenIn().scope == "read"
    with session_scope() as session:
        add_user(session, "tok.cakupan", role="protection_officer", unit="Unit Uji",
                 password=PASSWORD)
    sign_in(client, "tok.cakupan", PASSWORD)
    page = client.get("/account")
    assert 'name="scope" value="read" checked' in page.text
    assert "Hanya membaca (tidak dapat mengubah data)" in page.text
    client.post("/account/tokens", headers=csrf_headers(client), data={"name": "bawaan",
                                                                       "days": "7"})
    client.post("/account/tokens", headers=csrf_headers(client),
                data={"name": "penuh", "days": "7", "scope": "full"})
    bad = client.post("/account/tokens", headers=csrf_headers(client),
                      data={"name": "aneh", "days": "7", "scope": "admin"})
    assert bad.status_code == 400 and 'id="new-token"' not in bad.text
    with session_scope() as session:
        rows = {t.name: t.scope for t in session.scalars(
            select(ApiToken).join(User).where(User.username == "tok.cakupan"))}
        entries = [json.loads(e.detail or "{}") for e in session.scalars(
            select(audit.AuditEntry).where(audit.AuditEntry.action == "token.create",
                                           audit.AuditEntry.actor == "tok.cakupan"))]
    assert rows == {"bawaan": "read", "penuh": "full"}
    assert sorted(e["scope"] for e in entries) == ["full", "read"]
    shown = client.get("/account").text
    assert "hanya membaca" in shown and "penuh" in shown and "Terakhir ditolak" in shown


def test_the_cli_makes_and_lists_scoped_tokens() -> None:
    with session_scope() as session:
        add_user(session, "tok.cli.cakupan", role="analyst", unit="Unit Uji", password=PASSWORD)
    plain = runner.invoke(cli_app, ["users", "token", "tok.cli.cakupan", "--name", "a"])
    full = runner.invoke(cli_app, ["users", "token", "tok.cli.cakupan", "--name", "b",
                                   "--scope", "full"])
    assert plain.exit_code == 0 and full.exit_code == 0, plain.output + full.output
    bad = runner.invoke(cli_app, ["users", "token", "tok.cli.cakupan", "--scope", "admin"])
    assert bad.exit_code == 2 and "Access is not valid" in bad.output
    assert "Traceback" not in bad.output
    listed = runner.invoke(cli_app, ["users", "tokens", "tok.cli.cakupan"])
    assert listed.exit_code == 0, listed.output
    words = listed.output.split()
    assert "scope" in words and words.count("read") == 1 and words.count("full") == 1
    wide = runner.invoke(cli_app, ["users", "tokens", "tok.cli.cakupan", "--wide"])
    assert wide.exit_code == 0 and "refused" in wide.output.split(), wide.output


def test_the_administrator_sees_each_tokens_scope(
        role_clients: dict[str, TestClient]) -> None:
    with session_scope() as session:
        target = add_user(session, "tok.lihat", role="analyst", unit="Unit Uji",
                          password=PASSWORD).id
    _token("tok.lihat", "read", "baca saja")
    page = role_clients["admin"].get(f"/admin/users/{target}")
    assert page.status_code == 200
    row = page.text.split("baca saja", 1)[1].split("</tr>", 1)[0]
    assert "hanya membaca" in row


# -- 2. refused use audited, once an hour ------------------------------------------------------

def test_a_revoked_token_still_tried_is_audited_once_an_hour(
        app, role_clients: dict[str, TestClient]) -> None:  # type: ignore[no-untyped-def]
    with session_scope() as session:
        target = add_user(session, "tok.dicuri", role="analyst", unit="Unit Uji",
                          password=PASSWORD).id
    token_id, raw = _token("tok.dicuri", "full")
    with session_scope() as session:
        session.execute(update(ApiToken).where(ApiToken.id == token_id)
                        .values(revoked_at=utcnow()))
    with TestClient(app, raise_server_exceptions=False) as api:
        for _ in range(3):
            assert api.get("/api/v1/me", headers=_bearer(raw)).status_code == 401
        entries = _refusals(token_id)
        assert len(entries) == 1  # the 2nd and 3rd within the hour: not again
        entry = entries[0]
        assert entry.outcome == "refused" and entry.actor == "tok.dicuri"
        assert json.loads(entry.detail or "{}") == {
            "for_user": "tok.dicuri", "reason": "revoked", "method": "GET",
            "path": "/api/v1/me"}
        assert raw not in (entry.detail or "") and raw[4:] not in str(vars(entry))
        # an hour later it is audited again
        with session_scope() as session:
            session.execute(update(ApiToken).where(ApiToken.id == token_id).values(
                last_refused_at=utcnow() - timedelta(hours=1, seconds=1)))
        assert api.get("/api/v1/me", headers=_bearer(raw)).status_code == 401
        assert len(_refusals(token_id)) == 2
    # the administrator sees when it was last tried ("terakhir ditolak")
    page = role_clients["admin"].get(f"/admin/users/{target}")
    assert "Terakhir ditolak" in page.text
    row = page.text.split("skrip tokens19", 1)[1].split("</tr>", 1)[0]
    cells = [c.split("</td>", 1)[0] for c in row.split("<td>")[1:]]
    assert len(cells) >= 6 and cells[4].strip() not in ("", "—")  # the "last refused" cell
    with session_scope() as session:
        assert audit.verify(session).ok  # the chain holds


def test_an_expired_token_is_audited_with_its_reason(app) -> None:  # type: ignore[no-untyped-def]
    with session_scope() as session:
        add_user(session, "tok.basi", role="analyst", unit="Unit Uji", password=PASSWORD)
    token_id, raw = _token("tok.basi", "read")
    with session_scope() as session:
        session.execute(update(ApiToken).where(ApiToken.id == token_id)
                        .values(expires_at=utcnow() - timedelta(seconds=1)))
    with TestClient(app, raise_server_exceptions=False) as api:
        answer = api.post("/api/v1/offers/check", json={"text": "x"}, headers=_bearer(raw))
    assert answer.json()["error"]["code"] == "token_expired"
    assert [json.loads(e.detail or "{}")["reason"] for e in _refusals(token_id)] == ["expired"]


def test_an_active_or_unknown_token_is_never_audited_as_refused(app) -> None:  # type: ignore[no-untyped-def]
    with session_scope() as session:
        before = session.scalar(select(func.count()).select_from(audit.AuditEntry).where(
            audit.AuditEntry.action == "token.refused"))
    _id, raw = _token("analis", "read")
    with TestClient(app, raise_server_exceptions=False) as api:
        assert api.get("/api/v1/me", headers=_bearer(raw)).status_code == 200
        for n in range(5):
            assert api.get("/api/v1/me", headers=_bearer(f"wsp_unknown{n:040d}")
                           ).status_code == 401
    with session_scope() as session:
        after = session.scalar(select(func.count()).select_from(audit.AuditEntry).where(
            audit.AuditEntry.action == "token.refused"))
    assert after == before


def test_only_one_of_two_claims_at_the_same_moment_wins() -> None:
    with session_scope() as session:
        add_user(session, "tok.serentak", role="analyst", unit="Unit Uji", password=PASSWORD)
    token_id, _raw = _token("tok.serentak", "read")
    with session_scope() as session:
        token = session.get(ApiToken, token_id)
        assert token is not None
        assert auth.claim_refusal_audit(session, token)
    with session_scope() as session:
        token = session.get(ApiToken, token_id)
        assert token is not None
        assert not auth.claim_refusal_audit(session, token)


# -- the migration -------------------------------------------------------------------------------

def test_the_migration_keeps_existing_tokens_full(tmp_path: Path) -> None:
    with database_at(tmp_path, "0007_platform_token_expiry", "scope") as (config, engine):
        with engine.begin() as conn:
            user_id = insert_unit_and_user(conn)
            conn.execute(text("INSERT INTO api_tokens (user_id, name, prefix, token_hash, "
                              "created_at, expires_at) VALUES (:user_id, 'lama', "
                              "'wsp_abcdefgh', 'h1', '2026-01-01 00:00:00', "
                              "'2027-01-01 00:00:00')"), {"user_id": user_id})
        assert not {"scope", "last_refused_at"} & columns_of(engine, "api_tokens")
        command.upgrade(config, "heads")
        with engine.connect() as conn:
            row: Any = conn.execute(text("SELECT scope, last_refused_at FROM api_tokens")).one()
        assert tuple(row) == ("full", None)
        command.downgrade(config, "0007_platform_token_expiry")
        assert not {"scope", "last_refused_at"} & columns_of(engine, "api_tokens")


@pytest.mark.parametrize("scope", ["", "admin", "READ"])
def test_an_unknown_scope_is_refused(scope: str) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        TokenIn(scope=scope)  # type: ignore[arg-type]
