"""User administration (issue #16, defect 12): nobody locks themselves or the last administrator
out, units are chosen from a list (a typo creates nothing), destructive actions ask first, and a
password set by an administrator must be replaced at the next sign-in."""

from __future__ import annotations

import html
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from tests.conftest import csrf_headers, sign_in
from waspada.cli import app as cli_app
from waspada.platform import audit
from waspada.platform.db import session_scope
from waspada.platform.security import service
from waspada.platform.security.models import Unit, User
from waspada.platform.security.policy import CLI_PRINCIPAL
from waspada.platform.security.schemas import PasswordIn, UnitIn, UserEditIn, UserIn
from waspada.platform.security.users import UserError, add_user

PASSWORD = "Correct-horse-1"


def _new_user(username: str, role: str = "analyst", unit: str = "TPI Kualanamu") -> int:
    with session_scope() as session:
        return add_user(session, username, role=role, unit=unit, password=PASSWORD).id


def _user(username: str) -> User:
    with session_scope() as session:
        user = session.scalar(select(User).where(User.username == username))
        assert user is not None
        session.expunge(user)
        return user


@pytest.fixture()
def only_admin() -> Iterator[int]:
    """A fresh administrator who is, for this test, the only active one (restored after)."""
    admin_id = _new_user("ua.only.admin", role="admin")
    with session_scope() as session:
        others = list(session.scalars(select(User.id).where(
            User.role == "admin", User.is_active.is_(True), User.id != admin_id)))
        session.execute(update(User).where(User.id.in_(others)).values(is_active=False))
    try:
        yield admin_id
    finally:
        with session_scope() as session:
            session.execute(update(User).where(User.id.in_(others)).values(is_active=True))
            session.execute(update(User).where(User.id == admin_id)
                            .values(is_active=False, role="auditor"))


def test_the_last_active_admin_cannot_be_disabled_or_demoted(only_admin: int) -> None:
    with session_scope() as session:
        with pytest.raises(UserError) as disabled:
            service.set_active(session, CLI_PRINCIPAL, only_admin, False)
        assert disabled.value.code == "last_admin"
        with pytest.raises(UserError) as demoted:
            service.set_role(session, CLI_PRINCIPAL, only_admin, "auditor")
        assert demoted.value.code == "last_admin"
        unit_id = session.get(User, only_admin).unit_id  # type: ignore[union-attr]
        with pytest.raises(UserError):
            service.edit_user(session, CLI_PRINCIPAL, only_admin,
                              UserEditIn(role="analyst", unit_id=unit_id))
    still = _user("ua.only.admin")
    assert still.is_active and still.role == "admin"
    # with a second administrator, the first may go
    second = _new_user("ua.second.admin", role="admin")
    try:
        with session_scope() as session:
            service.set_active(session, CLI_PRINCIPAL, only_admin, False)
        assert not _user("ua.only.admin").is_active
    finally:
        with session_scope() as session:
            session.execute(update(User).where(User.id == second).values(is_active=False))


def test_nobody_disables_or_demotes_themselves(client: TestClient) -> None:
    me = _new_user("ua.self.admin", role="admin")
    _new_user("ua.self.other", role="admin")  # so "last admin" is not the reason
    sign_in(client, "ua.self.admin", PASSWORD)
    headers = csrf_headers(client)
    page = client.post(f"/admin/users/{me}/active", headers=headers,
                       data={"active": "0", "confirmed": "1"})
    assert page.status_code == 400
    assert "Anda tidak dapat menonaktifkan akun Anda sendiri" in page.text
    with session_scope() as session:
        unit_id = session.get(User, me).unit_id  # type: ignore[union-attr]
    page = client.post(f"/admin/users/{me}/edit", headers=headers,
                       data={"role": "auditor", "unit_id": str(unit_id), "confirmed": "1"})
    assert page.status_code == 400 and "mencabut peran administrator" in page.text
    assert client.get("/admin/users").status_code == 200  # still signed in, still admin
    row = _user("ua.self.admin")
    assert row.is_active and row.role == "admin"


def test_disabling_asks_for_confirmation_first(role_clients: dict[str, TestClient]) -> None:
    admin = role_clients["admin"]
    target = _new_user("ua.confirm")
    first = admin.post(f"/admin/users/{target}/active", headers=csrf_headers(admin),
                       data={"active": "0"})
    assert first.status_code == 200 and "Mohon konfirmasi" in first.text
    assert 'name="confirmed" value="1"' in first.text
    assert _user("ua.confirm").is_active  # nothing happened yet
    done = admin.post(f"/admin/users/{target}/active", headers=csrf_headers(admin),
                      data={"active": "0", "confirmed": "1"}, follow_redirects=False)
    assert done.status_code == 303 and not _user("ua.confirm").is_active
    enabled = admin.post(f"/admin/users/{target}/active", headers=csrf_headers(admin),
                         data={"active": "1"}, follow_redirects=False)
    assert enabled.status_code == 303 and _user("ua.confirm").is_active  # re-enable: no step


def test_a_unit_typo_creates_no_unit(role_clients: dict[str, TestClient]) -> None:
    admin = role_clients["admin"]
    with session_scope() as session:
        before = session.scalar(select(func.count()).select_from(Unit))
    page = admin.post("/admin/users", headers=csrf_headers(admin), data={
        "username": "ua.typo", "role": "checkpoint_officer", "unit": "TPI Kuala Namu",
        "password": PASSWORD})
    assert page.status_code == 400
    assert ("tidak ada unit bernama 'TPI Kuala Namu'; maksud Anda: TPI Kualanamu"
            in html.unescape(page.text))
    cli = CliRunner().invoke(cli_app, ["users", "set-unit", "admin", "--unit", "TPI Kuala Namu"])
    assert cli.exit_code == 2 and "did you mean: TPI Kualanamu" in cli.output
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(Unit)) == before
        assert session.scalar(select(User).where(User.username == "ua.typo")) is None
    assert '<select name="unit" required>' in admin.get("/admin/users").text


def test_a_unit_is_added_explicitly_with_kind_and_time_zone(
        role_clients: dict[str, TestClient]) -> None:
    admin = role_clients["admin"]
    added = admin.post("/admin/units", headers=csrf_headers(admin), follow_redirects=False,
                       data={"name": "TPI Sam Ratulangi", "kind": "checkpoint",
                             "time_zone": "Asia/Makassar"})
    assert added.status_code == 303
    again = admin.post("/admin/units", headers=csrf_headers(admin),
                       data={"name": "TPI  sam ratulangi", "kind": "checkpoint"})
    assert again.status_code == 400 and "sudah ada" in again.text
    bad_zone = admin.post("/admin/units", headers=csrf_headers(admin),
                          data={"name": "TPI Zona", "kind": "checkpoint",
                                "time_zone": "Asia/Atlantis"})
    assert bad_zone.status_code == 400
    assert "zona waktu 'Asia/Atlantis' tidak dikenal" in html.unescape(bad_zone.text)
    with session_scope() as session:
        unit = session.scalar(select(Unit).where(Unit.name == "TPI Sam Ratulangi"))
        assert unit is not None and (unit.kind, unit.time_zone) == ("checkpoint",
                                                                    "Asia/Makassar")
        assert session.scalar(select(Unit).where(Unit.name == "TPI Zona")) is None
    cli = CliRunner().invoke(cli_app, ["users", "add-unit", "KJRI Kuching", "--kind", "embassy"])
    assert cli.exit_code == 0 and "Asia/Kuching" in cli.output


def test_edit_role_and_unit_from_the_list(role_clients: dict[str, TestClient]) -> None:
    admin = role_clients["admin"]
    target = _new_user("ua.edit", role="analyst")
    with session_scope() as session:
        malang = session.scalar(select(Unit.id).where(Unit.name == "Kanim Kelas I Malang"))
    page = admin.get(f"/admin/users/{target}").text
    assert "Memindai lowongan kerja secara massal" in page.split('id="abilities"')[1]
    asked = admin.post(f"/admin/users/{target}/edit", headers=csrf_headers(admin),
                       data={"role": "passport_officer", "unit_id": str(malang)})
    assert asked.status_code == 200 and "Mohon konfirmasi" in asked.text
    assert _user("ua.edit").role == "analyst"
    done = admin.post(f"/admin/users/{target}/edit", headers=csrf_headers(admin),
                      follow_redirects=False, data={"role": "passport_officer",
                                                    "unit_id": str(malang), "confirmed": "1"})
    assert done.status_code == 303
    row = _user("ua.edit")
    assert (row.role, row.unit_id) == ("passport_officer", malang)
    unknown = admin.post(f"/admin/users/{target}/edit", headers=csrf_headers(admin),
                         data={"role": "passport_officer", "unit_id": "999999"})
    assert unknown.status_code == 400 and "pilih unit dari daftar" in unknown.text
    with session_scope() as session:
        actions = set(session.scalars(select(audit.AuditEntry.action).where(
            audit.AuditEntry.object_type == "user",
            audit.AuditEntry.object_id == str(target))))
    assert {"user.role", "user.unit"} <= actions


def test_a_reset_password_must_be_changed_at_the_next_sign_in(
        role_clients: dict[str, TestClient], app) -> None:  # type: ignore[no-untyped-def]
    admin = role_clients["admin"]
    target = _new_user("ua.reset", role="checkpoint_officer")
    asked = admin.post(f"/admin/users/{target}/password", headers=csrf_headers(admin))
    assert asked.status_code == 200 and "Mohon konfirmasi" in asked.text
    done = admin.post(f"/admin/users/{target}/password", headers=csrf_headers(admin),
                      data={"confirmed": "1"})
    temporary = done.text.split('id="temporary-password">')[1].split("<")[0]
    assert len(temporary) >= 16 and _user("ua.reset").must_change_password
    with TestClient(app, raise_server_exceptions=False) as officer:
        sign_in(officer, "ua.reset", temporary)
        home = officer.get("/screenings", follow_redirects=False)
        assert home.status_code == 303 and home.headers["location"] == "/account/password"
        api = officer.get("/api/v1/screenings/1")
        assert api.status_code == 403
        assert api.json()["error"]["code"] == "password_change_required"
        wrong = officer.post("/account/password", headers=csrf_headers(officer), data={
            "current": temporary, "password": "Pilihan-sendiri-7", "repeat": "Pilihan-lain-7"})
        assert wrong.status_code == 400 and "kedua kata sandi baru tidak sama" in wrong.text
        changed = officer.post("/account/password", headers=csrf_headers(officer),
                               follow_redirects=False, data={
                                   "current": temporary, "password": "Pilihan-sendiri-7",
                                   "repeat": "Pilihan-sendiri-7"})
        assert changed.status_code == 303
        assert officer.get("/screenings", follow_redirects=False).status_code == 200
    assert not _user("ua.reset").must_change_password


def test_cli_reset_password_also_forces_a_change() -> None:
    _new_user("ua.cli.reset")
    with session_scope() as session:
        service.reset_password(session, CLI_PRINCIPAL, "ua.cli.reset",
                               PasswordIn(password="Sementara-123"))
    assert _user("ua.cli.reset").must_change_password


def test_the_cli_adds_a_unit_only_when_asked() -> None:
    runner = CliRunner()
    refused = runner.invoke(cli_app, ["users", "add", "ua.cli.new", "--role", "analyst",
                                      "--unit", "Unit Baru Sekali", "--password-stdin"],
                            input=PASSWORD + "\n")
    assert refused.exit_code == 2 and "add it under Units first" in refused.output
    created = runner.invoke(cli_app, ["users", "add", "ua.cli.new", "--role", "analyst",
                                      "--unit", "Unit Baru Sekali", "--password-stdin",
                                      "--create-unit"], input=PASSWORD + "\n")
    assert created.exit_code == 0, created.output
    with session_scope() as session:
        data = UserIn(username="ua.svc", role="analyst", unit="unit  baru SEKALI",
                      password=PASSWORD)
        assert service.add_user(session, CLI_PRINCIPAL, data).unit.name == "Unit Baru Sekali"
        assert service.set_unit(session, CLI_PRINCIPAL, "ua.svc",
                                UnitIn(name="TPI Kualanamu")).unit.name == "TPI Kualanamu"
