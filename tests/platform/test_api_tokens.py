"""Personal API tokens an administrator can trust (round 18, item *API tokens*): every token
expires, an expired one is refused with a clear 401; an administrator sees and revokes any
user's tokens (page, CLI); an administrator's password reset and disabling an account revoke
the user's tokens, so neither a thief's token nor a re-enabled account brings them back."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import select, text, update
from typer.testing import CliRunner

from tests.conftest import csrf_headers, sign_in
from tests.migration_helpers import columns_of, database_at, insert_unit_and_user
from waspada.cli import app as cli_app
from waspada.platform import audit
from waspada.platform.db import session_scope, utcnow
from waspada.platform.security import auth, service
from waspada.platform.security.models import ApiToken, User
from waspada.platform.security.policy import CLI_PRINCIPAL
from waspada.platform.security.schemas import PasswordIn, TokenIn
from waspada.platform.security.users import add_user

PASSWORD = "Correct-horse-1"
runner = CliRunner()


def _new_user(username: str, role: str = "analyst") -> int:
    with session_scope() as session:
        return add_user(session, username, role=role, unit="Unit Uji", password=PASSWORD).id


def _token(username: str, name: str = "skrip tokens18", days: int | None = None) -> tuple[int, str]:
    with session_scope() as session:
        user = session.scalar(select(User).where(User.username == username))
        assert user is not None
        token, raw = auth.create_api_token(session, user, name, *([days] if days else []),
                                           scope="full")
        return token.id, raw


def _me(app, raw: str):  # type: ignore[no-untyped-def]
    with TestClient(app, raise_server_exceptions=False) as api:
        return api.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})


def _row(token_id: int) -> ApiToken:
    with session_scope() as session:
        row = session.get(ApiToken, token_id)
        assert row is not None
        session.expunge(row)
        return row


def _revocations(token_id: int) -> list[dict[str, object]]:
    with session_scope() as session:
        entries = session.scalars(select(audit.AuditEntry).where(
            audit.AuditEntry.action == "token.revoke",
            audit.AuditEntry.object_id == str(token_id)))
        return [json.loads(entry.detail or "{}") for entry in entries]


# -- 1. expiry -----------------------------------------------------------------------------------

def test_a_new_token_expires_after_the_default_or_the_chosen_lifetime(
        client: TestClient, settings) -> None:  # type: ignore[no-untyped-def]
    _new_user("tok.umur")
    sign_in(client, "tok.umur", PASSWORD)
    page = client.get("/account")
    assert f'value="{settings.token_days}"' in page.text and "Berlaku sampai" in page.text
    made = client.post("/account/tokens", headers=csrf_headers(client),
                       data={"name": "tujuh hari", "days": "7"})
    assert made.status_code == 200 and 'id="new-token"' in made.text
    too_long = client.post("/account/tokens", headers=csrf_headers(client),
                           data={"name": "selamanya", "days": "366"})
    assert too_long.status_code == 400 and 'id="new-token"' not in too_long.text
    default_id, _raw = _token("tok.umur", "bawaan")
    with session_scope() as session:
        rows = {t.name: t for t in session.scalars(
            select(ApiToken).join(User).where(User.username == "tok.umur"))}
        assert set(rows) == {"tujuh hari", "bawaan"}
        week = rows["tujuh hari"].expires_at - rows["tujuh hari"].created_at
        default = rows["bawaan"].expires_at - rows["bawaan"].created_at
    assert abs(week - timedelta(days=7)) < timedelta(minutes=1)
    assert abs(default - timedelta(days=settings.token_days)) < timedelta(minutes=1)
    assert settings.token_days == 90  # the documented default


def test_an_expired_token_is_refused_with_a_clear_401(app) -> None:  # type: ignore[no-untyped-def]
    _new_user("tok.kedaluwarsa")
    token_id, raw = _token("tok.kedaluwarsa")
    assert _me(app, raw).status_code == 200
    with session_scope() as session:
        session.execute(update(ApiToken).where(ApiToken.id == token_id)
                        .values(expires_at=utcnow() - timedelta(seconds=1)))
    before = _row(token_id).last_used_at
    refused = _me(app, raw)
    assert refused.status_code == 401
    error = refused.json()["error"]
    assert error["code"] == "token_expired" and "expired" in error["message"]
    assert "Traceback" not in refused.text
    assert _row(token_id).last_used_at == before  # a refused token is not "used"
    # a write with it is refused the same way, not a crash
    with TestClient(app, raise_server_exceptions=False) as api:
        write = api.post("/api/v1/documents/check", json={},
                         headers={"Authorization": f"Bearer {raw}"})
        assert write.status_code == 401 and write.json()["error"]["code"] == "token_expired"
    # an unknown token is still just "sign in first" (nothing learnt about other tokens)
    assert _me(app, "wsp_" + "x" * 43).json()["error"]["code"] == "auth_required"


def test_the_cli_takes_a_lifetime_and_refuses_one_out_of_bounds() -> None:
    _new_user("tok.cli.umur")
    made = runner.invoke(cli_app, ["users", "token", "tok.cli.umur", "--days", "30"])
    assert made.exit_code == 0 and made.output.strip().startswith("wsp_")
    with session_scope() as session:
        row = session.scalar(select(ApiToken).join(User).where(User.username == "tok.cli.umur"))
        assert row is not None
        assert abs(row.expires_at - row.created_at - timedelta(days=30)) < timedelta(minutes=1)
    refused = runner.invoke(cli_app, ["users", "token", "tok.cli.umur", "--days", "0"])
    assert refused.exit_code == 2 and "Traceback" not in refused.output


# -- 2. an administrator sees and revokes every user's tokens -------------------------------------

def test_an_administrator_sees_and_revokes_another_users_token(
        role_clients: dict[str, TestClient], app) -> None:  # type: ignore[no-untyped-def]
    admin = role_clients["admin"]
    target = _new_user("tok.target")
    token_id, raw = _token("tok.target", "skrip malam")
    other_id, other_raw = _token("tok.target", "skrip pagi")
    page = admin.get(f"/admin/users/{target}")
    assert page.status_code == 200
    assert "skrip malam" in page.text and raw[:12] in page.text
    assert raw not in page.text and _row(token_id).token_hash not in page.text
    url = f"/admin/users/{target}/tokens/{token_id}/revoke"
    asked = admin.post(url, headers=csrf_headers(admin))
    assert asked.status_code == 200 and "Cabut token API ini?" in asked.text
    assert _me(app, raw).status_code == 200  # nothing changed before the confirmation
    assert admin.post(url, data={"confirmed": "1"}).status_code == 403  # no CSRF token
    done = admin.post(url, headers=csrf_headers(admin), data={"confirmed": "1"},
                      follow_redirects=False)
    assert done.status_code == 303
    assert _me(app, raw).status_code == 401
    assert _me(app, other_raw).status_code == 200  # only the one chosen
    assert _revocations(token_id) == [{"for_user": "tok.target", "reason": "administrator"}]
    # a token id of another user through this user's address changes nothing
    _new_user("tok.bystander")
    bystander_id, bystander_raw = _token("tok.bystander")
    admin.post(f"/admin/users/{target}/tokens/{bystander_id}/revoke",
               headers=csrf_headers(admin), data={"confirmed": "1"})
    assert _me(app, bystander_raw).status_code == 200 and _row(bystander_id).revoked_at is None
    assert other_id != bystander_id


def test_only_an_administrator_revokes_someone_elses_token(
        role_clients: dict[str, TestClient], app) -> None:  # type: ignore[no-untyped-def]
    target = _new_user("tok.korban")
    token_id, raw = _token("tok.korban")
    for role in ("analyst", "auditor", "checkpoint_officer"):
        client = role_clients[role]
        assert client.get(f"/admin/users/{target}").status_code == 403
        answer = client.post(f"/admin/users/{target}/tokens/{token_id}/revoke",
                             headers=csrf_headers(client), data={"confirmed": "1"})
        assert answer.status_code == 403, role
    assert _me(app, raw).status_code == 200


def test_the_cli_lists_and_revokes_a_users_tokens(app) -> None:  # type: ignore[no-untyped-def]
    _new_user("tok.cli")
    token_id, raw = _token("tok.cli", "ekspor harian")
    listed = runner.invoke(cli_app, ["users", "tokens", "tok.cli"])
    assert listed.exit_code == 0, listed.output
    words = listed.output.split()
    assert "ekspor" in words and "harian" in words and "active" in words
    assert "expires" in words and str(token_id) in words
    assert raw not in listed.output and _row(token_id).token_hash not in listed.output
    revoked = runner.invoke(cli_app, ["users", "revoke-token", "tok.cli", str(token_id)])
    assert revoked.exit_code == 0, revoked.output
    assert _me(app, raw).status_code == 401
    assert "revoked" in runner.invoke(cli_app, ["users", "tokens", "tok.cli"]).output
    again = runner.invoke(cli_app, ["users", "revoke-token", "tok.cli", str(token_id)])
    assert again.exit_code == 2 and "Traceback" not in again.output
    unknown = runner.invoke(cli_app, ["users", "tokens", "tok.tidak.ada"])
    assert unknown.exit_code == 2 and "no user named" in unknown.output


# -- 3. a password reset and disabling end the tokens -----------------------------------------

def test_an_administrators_password_reset_revokes_the_users_tokens(
        role_clients: dict[str, TestClient], app) -> None:  # type: ignore[no-untyped-def]
    admin = role_clients["admin"]
    target = _new_user("tok.reset")
    token_id, raw = _token("tok.reset", "dibuat pencuri")
    assert _me(app, raw).status_code == 200
    asked = admin.post(f"/admin/users/{target}/password", headers=csrf_headers(admin))
    assert _me(app, raw).status_code == 200  # not before the confirmation
    admin.post(f"/admin/users/{target}/password", headers=csrf_headers(admin),
               data={"confirmed": "1"})
    assert _me(app, raw).status_code == 401
    assert _revocations(token_id) == [{"for_user": "tok.reset", "reason": "password_reset"}]
    assert "Token API pengguna ini akan dicabut." in asked.text  # said where the admin acts


def test_the_cli_password_reset_revokes_the_users_tokens(app) -> None:  # type: ignore[no-untyped-def]
    _new_user("tok.cli.reset")
    _token_id, raw = _token("tok.cli.reset")
    reset = runner.invoke(cli_app, ["users", "reset-password", "tok.cli.reset",
                                    "--password-stdin"], input="Sementara-12345\n")
    assert reset.exit_code == 0
    assert _me(app, raw).status_code == 401
    assert "tokens were revoked" in " ".join(reset.output.split())


def test_the_users_own_password_change_keeps_their_tokens(
        client: TestClient, app) -> None:  # type: ignore[no-untyped-def]
    """The owner proved the current password: their scripts keep working (documented)."""
    _new_user("tok.sendiri")
    _token_id, raw = _token("tok.sendiri")
    sign_in(client, "tok.sendiri", PASSWORD)
    changed = client.post("/account/password", headers=csrf_headers(client),
                          follow_redirects=False,
                          data={"current": PASSWORD, "password": "Pilihan-sendiri-7",
                                "repeat": "Pilihan-sendiri-7"})
    assert changed.status_code == 303
    assert _me(app, raw).status_code == 200


def test_a_disabled_account_does_not_get_its_tokens_back_when_enabled(
        role_clients: dict[str, TestClient], app) -> None:  # type: ignore[no-untyped-def]
    admin = role_clients["admin"]
    target = _new_user("tok.nonaktif")
    token_id, raw = _token("tok.nonaktif")
    asked = admin.post(f"/admin/users/{target}/active", headers=csrf_headers(admin),
                       data={"active": "0"})
    admin.post(f"/admin/users/{target}/active", headers=csrf_headers(admin),
               data={"active": "0", "confirmed": "1"})
    assert _me(app, raw).status_code == 401
    admin.post(f"/admin/users/{target}/active", headers=csrf_headers(admin),
               data={"active": "1"})
    with session_scope() as session:
        assert session.get(User, target).is_active  # type: ignore[union-attr]
    assert _me(app, raw).status_code == 401
    assert _revocations(token_id) == [{"for_user": "tok.nonaktif", "reason": "user_disabled"}]
    assert "Token API pengguna ini akan dicabut." in asked.text  # said where the admin acts
    # a token made after re-enabling works
    _new_id, fresh = _token("tok.nonaktif", "baru")
    assert _me(app, fresh).status_code == 200


def test_the_service_revokes_every_token_once(app) -> None:  # type: ignore[no-untyped-def]
    _new_user("tok.banyak")
    ids = [_token("tok.banyak", f"skrip {n}")[0] for n in range(3)]
    with session_scope() as session:
        assert service.revoke_user_token(session, CLI_PRINCIPAL, "tok.banyak", ids[0])
        service.reset_password(session, CLI_PRINCIPAL, "tok.banyak",
                               PasswordIn(password="Sementara-12345"))
    # the token revoked before keeps its one entry; the others got one each from the reset
    assert [len(_revocations(i)) for i in ids] == [1, 1, 1]
    assert _revocations(ids[0])[0]["reason"] == "administrator"
    with session_scope() as session:
        fresh = service.create_token_for(session, CLI_PRINCIPAL, "tok.banyak",
                                         TokenIn(name="baru", days=1))
    assert _me(app, fresh).status_code == 200


# -- the migration -------------------------------------------------------------------------------

def test_the_migration_gives_old_tokens_the_default_lifetime(
        tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    with database_at(tmp_path, "0006_platform_accounts", "tokens") as (config, engine):
        with engine.begin() as conn:
            user_id = insert_unit_and_user(conn)
            conn.execute(text("INSERT INTO api_tokens (user_id, name, prefix, token_hash, "
                              "created_at) VALUES (:user_id, 'lama', 'wsp_abcdefgh', 'h1', "
                              "'2025-01-01 00:00:00')"), {"user_id": user_id})
        assert "expires_at" not in columns_of(engine, "api_tokens")
        before = utcnow()
        command.upgrade(config, "heads")
        with engine.connect() as conn:
            (expires,) = conn.execute(text("SELECT expires_at FROM api_tokens")).one()
            assert conn.execute(text(
                "SELECT count(*) FROM api_tokens WHERE expires_at IS NULL")).scalar() == 0
        from datetime import UTC, datetime

        moment = (expires if isinstance(expires, datetime)
                  else datetime.fromisoformat(str(expires))).replace(tzinfo=UTC)
        assert before + timedelta(days=settings.token_days) - timedelta(minutes=1) \
            <= moment <= utcnow() + timedelta(days=settings.token_days)
        command.downgrade(config, "0006_platform_accounts")  # and back, cleanly
        assert "expires_at" not in columns_of(engine, "api_tokens")


@pytest.mark.parametrize("days", [0, 366, -1])
def test_token_lifetime_is_bounded(days: int) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        TokenIn(name="x", days=days)


# -- 4. moves: a role change or a move to another unit revokes the user's tokens --------------

def _other_unit(user_id: int) -> int:
    from waspada.platform.security.models import Unit

    with session_scope() as session:
        user = session.get(User, user_id)
        assert user is not None
        unit = session.scalar(select(Unit.id).where(Unit.id != user.unit_id).order_by(Unit.id))
        assert unit is not None
        return unit


def _unit_of(user_id: int) -> int:
    with session_scope() as session:
        user = session.get(User, user_id)
        assert user is not None
        return user.unit_id


def test_a_role_change_on_the_page_revokes_the_users_tokens(
        role_clients: dict[str, TestClient], app) -> None:  # type: ignore[no-untyped-def]
    admin = role_clients["admin"]
    target = _new_user("tok.peran", role="checkpoint_officer")
    token_id, raw = _token("tok.peran", "skrip TPI")
    form = {"role": "admin", "unit_id": str(_unit_of(target))}
    asked = admin.post(f"/admin/users/{target}/edit", headers=csrf_headers(admin), data=form)
    assert "Token API pengguna ini akan dicabut." in asked.text
    assert _me(app, raw).status_code == 200  # not before the confirmation
    admin.post(f"/admin/users/{target}/edit", headers=csrf_headers(admin),
               data={**form, "confirmed": "1"})
    assert _me(app, raw).status_code == 401  # the script's token never acts as an admin
    assert _revocations(token_id) == [{"for_user": "tok.peran", "reason": "role_changed"}]
    _new_id, fresh = _token("tok.peran", "baru")
    same = admin.post(f"/admin/users/{target}/edit", headers=csrf_headers(admin), data=form)
    assert same.status_code in (200, 303) and _me(app, fresh).status_code == 200  # no change


def test_a_move_to_another_unit_on_the_page_asks_first_and_revokes(
        role_clients: dict[str, TestClient], app) -> None:  # type: ignore[no-untyped-def]
    admin = role_clients["admin"]
    target = _new_user("tok.pindah")
    token_id, raw = _token("tok.pindah")
    form = {"role": "analyst", "unit_id": str(_other_unit(target))}
    asked = admin.post(f"/admin/users/{target}/edit", headers=csrf_headers(admin), data=form)
    assert "Token API pengguna ini akan dicabut." in asked.text
    assert _unit_of(target) != int(form["unit_id"]) and _me(app, raw).status_code == 200
    admin.post(f"/admin/users/{target}/edit", headers=csrf_headers(admin),
               data={**form, "confirmed": "1"})
    assert _unit_of(target) == int(form["unit_id"])
    assert _me(app, raw).status_code == 401
    assert _revocations(token_id) == [{"for_user": "tok.pindah", "reason": "unit_changed"}]
    # without a live token the move needs no confirmation
    back = {"role": "analyst", "unit_id": str(_other_unit(target))}
    moved = admin.post(f"/admin/users/{target}/edit", headers=csrf_headers(admin), data=back,
                       follow_redirects=False)
    assert moved.status_code == 303 and _unit_of(target) == int(back["unit_id"])


def test_the_cli_role_and_unit_changes_revoke_the_users_tokens(
        app) -> None:  # type: ignore[no-untyped-def]
    from waspada.platform.security.models import Unit

    target = _new_user("tok.cli.pindah")
    first_id, first = _token("tok.cli.pindah")
    assert runner.invoke(cli_app, ["users", "set-role", "tok.cli.pindah", "--role",
                                   "auditor"]).exit_code == 0
    assert _me(app, first).status_code == 401
    second_id, second = _token("tok.cli.pindah", "kedua")
    with session_scope() as session:
        other = session.get(Unit, _other_unit(target))
        assert other is not None
        name = other.name
    assert runner.invoke(cli_app, ["users", "set-unit", "tok.cli.pindah", "--unit",
                                   name]).exit_code == 0
    assert _me(app, second).status_code == 401
    assert _revocations(first_id) == [{"for_user": "tok.cli.pindah", "reason": "role_changed"}]
    assert _revocations(second_id) == [{"for_user": "tok.cli.pindah", "reason": "unit_changed"}]
