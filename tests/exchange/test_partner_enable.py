"""partner19: a disabled exchange partner can be enabled again (service, page, CLI, API; the
bundles waiting for it are held by the disable and sent again only one by one), the pages say
that a consent, a verification request, an answer or "Kirim ke mitra" worked, and the partners
tables write a missing value one way ("—")."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from tests.cases.conftest import create_case
from tests.conftest import csrf_headers
from tests.exchange.partners import fresh_partner, queue_ping
from waspada.cli import app as cli_app
from waspada.exchange import bundle, outbox, service
from waspada.exchange.keys import Identity
from waspada.exchange.models import OutboxItem, Partner
from waspada.platform.action_labels import AUDIT_LABELS
from waspada.platform.audit import AuditEntry
from waspada.platform.db import session_scope, utcnow
from waspada.platform.domain import DomainError
from waspada.platform.security.policy import CLI_PRINCIPAL

OTHER = Identity.generate("KP2MI (partner19)")
NAME, URL = "p19-kp2mi", "http://kp2mi.p19.test"


@pytest.fixture(scope="module", autouse=True)
def installation(database: None) -> Iterator[None]:
    result = CliRunner().invoke(cli_app, ["exchange", "init", "--name", "Ditjen Imigrasi (p19)",
                                          "--force", "--json"])
    assert result.exit_code == 0, result.output
    yield


@pytest.fixture()
def partner() -> Iterator[str]:
    """An active partner with an address and automatic acceptance, made afresh per test."""
    yield fresh_partner(NAME, OTHER.public.text, URL)


def _queue_ping() -> int:
    return queue_ping(NAME)


def _status(outbox_id: int) -> str:
    with session_scope() as db:
        item = db.get(OutboxItem, outbox_id)
        assert item is not None
        return item.status


def _ping_from_partner() -> bytes:
    return bundle.seal(OTHER, service.identity().public, "ping",
                       {"id": uuid.uuid4().hex, "message": "halo"})


def _audit(action: str) -> list[AuditEntry]:
    with session_scope() as db:
        return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action)
                               .order_by(AuditEntry.seq.desc()).limit(1)))


# -- the operation ------------------------------------------------------------------------------

def test_enable_undoes_disable_and_sends_nothing_by_itself(partner: str) -> None:
    waiting = _queue_ping()
    with session_scope() as db:
        service.disable_partner(db, CLI_PRINCIPAL, partner)
    assert _status(waiting) == "held"  # not pushed, not waiting for a push
    with session_scope() as db, pytest.raises(DomainError) as refused:
        service.receive(db, _ping_from_partner(), via="file")
    assert refused.value.code == "partner_disabled"
    with session_scope() as db, pytest.raises(DomainError) as again:
        service.resend(db, CLI_PRINCIPAL, waiting)  # a held bundle waits for the enable
    assert again.value.code == "partner_disabled"
    with session_scope() as db, pytest.raises(DomainError) as twice:
        service.disable_partner(db, CLI_PRINCIPAL, partner)
    assert twice.value.code == "partner_disabled"

    with session_scope() as db:
        enabled = service.enable_partner(db, CLI_PRINCIPAL, partner)
        assert enabled.active and enabled.fingerprint == OTHER.public.fingerprint
    assert _status(waiting) == "held"
    assert waiting not in outbox.due(utcnow())  # nothing re-sent automatically
    with session_scope() as db:
        row = next(p for p in service.partners(db, CLI_PRINCIPAL) if p["name"] == partner)
        assert (row["active"], row["held"], row["pending"]) == (True, 1, 0)
        got = service.receive(db, _ping_from_partner(), via="file")  # accepted again
    assert got.status == "accepted"
    with session_scope() as db:
        service.resend(db, CLI_PRINCIPAL, waiting)
    assert _status(waiting) == "pending" and waiting in outbox.due(utcnow())
    with session_scope() as db, pytest.raises(DomainError) as active:
        service.enable_partner(db, CLI_PRINCIPAL, partner)
    assert active.value.code == "partner_active" and active.value.status == 409

    disabled, enabled_entry = _audit("exchange.partner_disable")[0], \
        _audit("exchange.partner_enable")[0]
    assert (enabled_entry.object_type, enabled_entry.object_id) == (
        disabled.object_type, disabled.object_id)
    assert AUDIT_LABELS["exchange.partner_enable"]


def test_cli_enables_a_partner_and_names_the_held_bundles(partner: str) -> None:
    held = _queue_ping()
    runner = CliRunner()
    assert runner.invoke(cli_app, ["exchange", "partner", "disable", partner]).exit_code == 0
    result = runner.invoke(cli_app, ["exchange", "partner", "enable", partner])
    assert result.exit_code == 0, result.output
    assert f"Partner {partner} enabled again" in result.output
    assert "1 bundle(s) held" in result.output and _status(held) == "held"
    again = runner.invoke(cli_app, ["exchange", "partner", "enable", partner])
    assert again.exit_code == 1 and "enabled already" in again.output
    unknown = runner.invoke(cli_app, ["exchange", "partner", "enable", "tidak-ada"])
    assert unknown.exit_code == 1


def test_api_disables_and_enables_for_administrators_only(
        partner: str, role_clients: dict[str, TestClient]) -> None:
    admin = role_clients["admin"]
    off = admin.post(f"/api/v1/exchange/partners/{partner}/disable", headers=csrf_headers(admin))
    assert off.status_code == 200 and off.json()["active"] is False, off.text
    on = admin.post(f"/api/v1/exchange/partners/{partner}/enable", headers=csrf_headers(admin))
    assert on.status_code == 200 and on.json()["active"] is True and on.json()["held"] == 0
    assert admin.post(f"/api/v1/exchange/partners/{partner}/enable",
                      headers=csrf_headers(admin)).status_code == 409
    officer = role_clients["protection_officer"]
    assert officer.post(f"/api/v1/exchange/partners/{partner}/disable",
                        headers=csrf_headers(officer)).status_code == 403


# -- the partners page --------------------------------------------------------------------------

def _row(html: str, name: str) -> Any:
    return BeautifulSoup(html, "html.parser").select_one(f'tr[data-partner="{name}"]')


def test_partners_page_enables_again_behind_a_confirmation_and_says_so(
        partner: str, role_clients: dict[str, TestClient]) -> None:
    admin = role_clients["admin"]
    held = _queue_ping()
    page = admin.get("/exchange/partners")
    disable = _row(page.text, partner).select_one('form[action="/exchange/partners/disable"]')
    assert "tidak dapat diaktifkan kembali" not in disable["data-confirm"]
    assert "dapat diaktifkan kembali" in disable["data-confirm"]
    token = admin.cookies.get("waspada_csrf")
    off = admin.post("/exchange/partners/disable", data={"name": partner, "csrf_token": token})
    assert off.status_code == 200 and "dinonaktifkan" in off.text  # followed the redirect
    said = BeautifulSoup(off.text, "html.parser").select_one("#exchange-done")
    assert said is not None and "KP2MI" in said.text and "ditahan: 1" in said.text
    outbox_row = BeautifulSoup(off.text, "html.parser").select_one(f'tr[data-outbox="{held}"]')
    assert "Ditahan" in outbox_row.text and outbox_row.select_one("form") is None

    row = _row(off.text, partner)
    form = row.select_one('form[action="/exchange/partners/enable"]')
    assert form is not None and form.select_one('input[name="csrf_token"]')["value"]
    assert form["data-confirm"].startswith("Aktifkan kembali mitra ini?")
    assert "sidik jari" in form["data-confirm"] and form.select_one("button").text == \
        "Aktifkan kembali"
    without_csrf = admin.post("/exchange/partners/enable", data={"name": partner})
    assert without_csrf.status_code == 403
    on = admin.post("/exchange/partners/enable", data={"name": partner, "csrf_token": token},
                    follow_redirects=False)
    assert on.status_code == 303 and "done=enabled" in on.headers["location"]
    shown = admin.get(on.headers["location"])
    said = BeautifulSoup(shown.text, "html.parser").select_one("#exchange-done")
    assert said is not None and "KP2MI aktif kembali" in said.text and "ditahan: 1" in said.text
    assert _row(shown.text, partner).select_one('form[action="/exchange/partners/disable"]')
    resend = BeautifulSoup(shown.text, "html.parser").select_one(
        f'form[action="/exchange/outbox/{held}/resend"]')
    assert resend is not None  # held: "Kirim lagi", one by one
    # a crafted link does not claim what did not happen
    crafted = admin.get(f"/exchange/partners?done=disabled&partner={partner}")
    assert BeautifulSoup(crafted.text, "html.parser").select_one("#exchange-done") is None
    sent = admin.post(f"/exchange/outbox/{held}/resend", data={"csrf_token": token})
    said = BeautifulSoup(sent.text, "html.parser").select_one("#exchange-done")
    assert said is not None and f"#{held} diantrekan lagi" in said.text


def test_partners_tables_write_a_missing_value_as_a_dash(
        partner: str, role_clients: dict[str, TestClient]) -> None:
    """walk19: the partners table mixed "-" and empty cells; the UI's missing value is "—"."""
    _queue_ping()
    soup = BeautifulSoup(role_clients["admin"].get("/exchange/partners").text, "html.parser")
    for table_id in ("partners", "outbox-table"):
        heads = [th.text for th in soup.select(f"#{table_id} thead th")]
        for tr in soup.select(f"#{table_id} tbody tr"):
            cells = tr.find_all("td", recursive=False)
            if len(cells) == 1:  # the empty-table row
                continue
            for head, td in zip(heads, cells, strict=True):
                text = td.get_text(" ", strip=True)
                if head != "Tindakan":
                    assert text and text != "-", (table_id, head, str(td))


# -- success messages ---------------------------------------------------------------------------

def test_recording_and_withdrawing_consent_and_asking_verification_say_so(
        partner: str, role_clients: dict[str, TestClient]) -> None:
    protection = role_clients["protection_officer"]
    case = create_case(protection)
    victim = next(p for p in case["persons"] if p["role"] == "victim")
    token = protection.cookies.get("waspada_csrf")
    base = f"/exchange/cases/{case['id']}"
    recorded = protection.post(f"{base}/consent", data={
        "csrf_token": token, "person_id": str(victim["id"]), "recipient_kind": "partner",
        "recipient": partner, "purpose": "verification", "given": "1", "method": "verbal"})
    said = BeautifulSoup(recorded.text, "html.parser").select_one("#exchange-done")
    assert said is not None and said.get("role") == "status"
    assert said.text == ("Persetujuan korban untuk KP2MI (verifikasi kewarganegaraan) "
                         "tercatat.")
    refusal = protection.post(f"{base}/consent", data={
        "csrf_token": token, "person_id": str(victim["id"]), "recipient_kind": "partner",
        "recipient": partner, "purpose": "law_enforcement", "given": "0", "method": "verbal"})
    assert "Penolakan korban untuk KP2MI" in refusal.text
    asked = protection.post(f"{base}/verification", data={
        "csrf_token": token, "partner": partner, "person_id": str(victim["id"]),
        "working_days": "3", "consent_override": ""})
    said = BeautifulSoup(asked.text, "html.parser").select_one("#exchange-done")
    assert said is not None and "Permintaan verifikasi diantrekan untuk KP2MI" in said.text
    soup = BeautifulSoup(protection.get(base).text, "html.parser")
    consent_id = soup.select_one(f'form[action^="{base}/consent/"]')["action"].split("/")[-2]
    withdrawn = protection.post(f"{base}/consent/{consent_id}/withdraw",
                                data={"csrf_token": token})
    assert "ditarik" in BeautifulSoup(withdrawn.text, "html.parser").select_one(
        "#exchange-done").text
    # a page opened again, or a crafted link, says nothing
    assert BeautifulSoup(protection.get(base).text, "html.parser").select_one(
        "#exchange-done") is None
    crafted = protection.get(f"{base}?done=consent&item={consent_id}")  # it was withdrawn
    assert BeautifulSoup(crafted.text, "html.parser").select_one("#exchange-done") is None


def test_kirim_ke_mitra_redirects_and_names_what_was_queued_for_whom(
        partner: str, role_clients: dict[str, TestClient]) -> None:
    protection = role_clients["protection_officer"]
    case = create_case(protection)
    token = protection.cookies.get("waspada_csrf")
    sent = protection.post("/exchange/send", data={
        "csrf_token": token, "case_number": case["reference"], "partner": partner,
        "consent_override": "UU 21/2007 Pasal 44: rujukan perlindungan mendesak"},
        follow_redirects=False)
    assert sent.status_code == 303, sent.text  # a reload does not send the case twice
    location = sent.headers["location"]
    assert location.startswith("/exchange/send?queued=")
    said = BeautifulSoup(protection.get(location).text, "html.parser").select_one("#queued")
    assert said is not None and said.get("role") == "status"
    assert said.text.startswith("Rujukan kasus untuk KP2MI diantrekan (paket keluar #")
    # another officer's bundle number names nothing
    other = role_clients["checkpoint_officer"].get(location)
    assert other.status_code == 200
    assert BeautifulSoup(other.text, "html.parser").select_one("#queued") is None


def test_a_bundle_left_pending_by_an_older_disable_is_held_on_enable(partner: str) -> None:
    """A partner disabled before bundles were held kept them pending: enabling it must not
    push them by itself either."""
    left = _queue_ping()
    with session_scope() as db:
        row = db.scalar(select(Partner).where(Partner.name == partner))
        assert row is not None
        row.active = False  # as the disable did before partner19
    with session_scope() as db:
        service.enable_partner(db, CLI_PRINCIPAL, partner)
    assert _status(left) == "held" and left not in outbox.due(utcnow())
