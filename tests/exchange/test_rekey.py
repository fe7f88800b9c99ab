"""rekey20: a partner's key can be replaced (service, CLI, API, page; bundles signed with the
old key are refused afterwards, held bundles stay held and cannot be re-sent under the old
key), and a held or dead bundle re-sent checks the victim's consent again."""

from __future__ import annotations

import json
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
from waspada.exchange import bundle, service
from waspada.exchange.keys import Identity, b64d, b64e, short
from waspada.exchange.models import OutboxItem, Partner
from waspada.platform.action_labels import AUDIT_LABELS
from waspada.platform.audit import AuditEntry
from waspada.platform.audit_trail import detail_words
from waspada.platform.db import session_scope
from waspada.platform.domain import DomainError
from waspada.platform.i18n import translate
from waspada.platform.security.policy import CLI_PRINCIPAL

NAME, URL = "r20-kp2mi", "http://kp2mi.r20.test"


@pytest.fixture(scope="module", autouse=True)
def installation(database: None) -> Iterator[None]:
    result = CliRunner().invoke(cli_app, ["exchange", "init", "--name", "Ditjen Imigrasi (r20)",
                                          "--force", "--json"])
    assert result.exit_code == 0, result.output
    yield


@pytest.fixture()
def old() -> Identity:
    """The partner's key before the change (a real key pair: it signs bundles below)."""
    return Identity.generate("KP2MI (r20, old)")


@pytest.fixture()
def new() -> Identity:
    return Identity.generate("KP2MI (r20, new)")


@pytest.fixture()
def partner(old: Identity) -> Iterator[str]:
    """An active partner with an address, registered under ``old``, made afresh per test."""
    yield fresh_partner(NAME, old.public.text, URL)


def _queue_ping() -> int:
    return queue_ping(NAME)


def _item(outbox_id: int) -> OutboxItem:
    with session_scope() as db:
        item = db.get(OutboxItem, outbox_id)
        assert item is not None
        db.expunge(item)
        return item


def _ping_from(identity: Identity) -> bytes:
    return bundle.seal(identity, service.identity().public, "ping",
                       {"id": uuid.uuid4().hex, "message": "halo"})


def _last(action: str) -> AuditEntry:
    with session_scope() as db:
        entry = db.scalar(select(AuditEntry).where(AuditEntry.action == action)
                          .order_by(AuditEntry.seq.desc()).limit(1))
        assert entry is not None
        db.expunge(entry)
        return entry


def _disable() -> None:
    with session_scope() as db:
        service.disable_partner(db, CLI_PRINCIPAL, NAME)


def _rekey(identity: Identity) -> Partner:
    with session_scope() as db:
        return service.replace_key(db, CLI_PRINCIPAL, NAME, identity.public.text)


def _enable() -> None:
    with session_scope() as db:
        service.enable_partner(db, CLI_PRINCIPAL, NAME)


# -- replacing the key: the operation -----------------------------------------------------------

def test_replacing_a_key_refuses_the_old_key_and_keeps_held_bundles_held(
        partner: str, old: Identity, new: Identity) -> None:
    held = _queue_ping()
    with session_scope() as db, pytest.raises(DomainError) as active:
        service.replace_key(db, CLI_PRINCIPAL, partner, new.public.text)
    assert active.value.code == "partner_active_rekey" and active.value.status == 409
    _disable()
    refused = {"wsp1.nope": "bad_key", old.public.text: "same_key",
               service.identity().public.text: "own_key"}
    with session_scope() as db:  # another partner's key
        other = db.scalar(select(Partner).where(Partner.name != partner))
        if other is not None:
            refused[other.public_key] = "key_exists"
    for text, code in refused.items():
        with session_scope() as db, pytest.raises(DomainError) as bad:
            service.replace_key(db, CLI_PRINCIPAL, partner, text)
        assert bad.value.code == code

    changed = _rekey(new)
    assert changed.fingerprint == new.public.fingerprint and not changed.active
    entry = _last("exchange.partner_rekey")
    detail = json.loads(entry.detail)
    assert detail["old_fingerprint"] == old.public.fingerprint
    assert detail["fingerprint"] == new.public.fingerprint and detail["held"] == 1
    assert new.public.text not in entry.detail and old.public.text not in entry.detail
    assert AUDIT_LABELS["exchange.partner_rekey"]
    assert translate(AUDIT_LABELS["exchange.partner_rekey"], "id") != \
        AUDIT_LABELS["exchange.partner_rekey"]
    words = dict(detail_words(entry, "id"))
    assert "sidik kunci sebelumnya" in words and "paket ditahan" in words

    assert _item(held).status == "held"  # held bundles stay held through the change
    _enable()
    assert _item(held).status == "held"
    with session_scope() as db, pytest.raises(DomainError) as stale:
        service.resend(db, CLI_PRINCIPAL, held)  # sealed to the old key: the partner can't open
    assert stale.value.code == "sealed_for_old_key" and _item(held).status == "held"
    with session_scope() as db, pytest.raises(DomainError) as stale_file:
        service.export_queued(db, CLI_PRINCIPAL, held)
    assert stale_file.value.code == "sealed_for_old_key"

    # a real bundle signed with the old key is refused; the new key's is accepted
    with session_scope() as db, pytest.raises(DomainError) as by_old:
        service.receive(db, _ping_from(old), via="file")
    assert by_old.value.code == "unknown_partner"
    with session_scope() as db:
        assert service.receive(db, _ping_from(new), via="file").status == "accepted"
    # what is sent now is sealed to the new key
    fresh = _queue_ping()
    assert json.loads(_item(fresh).bundle)["to"] == new.public.fingerprint


def test_old_key_signing_a_bundle_that_claims_the_new_fingerprint_is_refused(
        partner: str, old: Identity, new: Identity) -> None:
    """Whoever kept the old private key cannot pose as the partner under its new fingerprint:
    the signature is checked with the new key."""
    _disable()
    _rekey(new)
    _enable()
    env = json.loads(_ping_from(old))
    env["from"] = new.public.fingerprint
    header = {k: env[k] for k in bundle.HEADER_FIELDS}
    env["sig"] = b64e(old.signer.sign(bundle._signed_bytes(header, b64d(env["ciphertext"]))))
    with session_scope() as db, pytest.raises(DomainError) as forged:
        service.receive(db, bundle.canonical(env), via="file")
    assert forged.value.code == "bad_signature"


def test_cli_replaces_a_disabled_partners_key(partner: str, new: Identity) -> None:
    runner = CliRunner()
    active = runner.invoke(cli_app, ["exchange", "partner", "rekey", partner,
                                     "--key", new.public.text])
    assert active.exit_code == 1 and "Disable partner" in active.output
    assert runner.invoke(cli_app, ["exchange", "partner", "disable", partner]).exit_code == 0
    done = runner.invoke(cli_app, ["exchange", "partner", "rekey", partner,
                                   "--key", new.public.text])
    assert done.exit_code == 0, done.output
    assert short(new.public.fingerprint) in done.output and "stays disabled" in done.output
    bad = runner.invoke(cli_app, ["exchange", "partner", "rekey", partner, "--key", "wsp1.x"])
    assert bad.exit_code == 1


def test_api_replaces_the_key_for_administrators_only(
        partner: str, new: Identity, role_clients: dict[str, TestClient]) -> None:
    admin = role_clients["admin"]
    url = f"/api/v1/exchange/partners/{partner}/key"
    body = {"public_key": new.public.text}
    active = admin.post(url, json=body, headers=csrf_headers(admin))
    assert active.status_code == 409 and active.json()["error"]["code"] == "partner_active_rekey"
    admin.post(f"/api/v1/exchange/partners/{partner}/disable", headers=csrf_headers(admin))
    officer = role_clients["protection_officer"]
    assert officer.post(url, json=body, headers=csrf_headers(officer)).status_code == 403
    bad = admin.post(url, json={"public_key": "wsp1.nope"}, headers=csrf_headers(admin))
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_key"
    done = admin.post(url, json=body, headers=csrf_headers(admin))
    assert done.status_code == 200, done.text
    assert done.json()["fingerprint"] == short(new.public.fingerprint)
    assert done.json()["active"] is False


# -- replacing the key: the partners page -------------------------------------------------------

def _row(html: str, name: str) -> Any:
    return BeautifulSoup(html, "html.parser").select_one(f'tr[data-partner="{name}"]')


def test_partners_page_shows_the_new_fingerprint_before_replacing_the_key(
        partner: str, old: Identity, new: Identity, role_clients: dict[str, TestClient]) -> None:
    admin = role_clients["admin"]

    def offered() -> list[str]:  # the partners the page's "replace key" form offers
        soup = BeautifulSoup(admin.get("/exchange/partners").text, "html.parser")
        return [o["value"] for o in soup.select("#rekey-form #rk-name option")]

    assert partner not in offered()  # only a disabled partner's key is replaced
    assert _row(admin.get("/exchange/partners").text, partner).select_one(
        'a[href="#rekey-h"]') is None
    _disable()
    assert partner in offered()
    page = BeautifulSoup(admin.get("/exchange/partners").text, "html.parser")
    form = page.select_one("#rekey-form")
    assert form is not None and form.select_one('input[name="csrf_token"]')["value"]
    assert page.select_one("#rekey-h").text == "Ganti kunci mitra yang dinonaktifkan"
    assert _row(str(page), partner).select_one('a[href="#rekey-h"]').text == "Ganti kunci"
    token = admin.cookies.get("waspada_csrf")
    data = {"name": partner, "public_key": new.public.text}
    assert admin.post("/exchange/partners/rekey", data=data).status_code == 403  # no CSRF

    shown = admin.post("/exchange/partners/rekey", data={**data, "csrf_token": token})
    assert shown.status_code == 200
    confirm = BeautifulSoup(shown.text, "html.parser").select_one("#rekey-confirm")
    assert confirm is not None
    assert confirm.select_one("#rekey-new").text == short(new.public.fingerprint)
    assert "sidik jari BARU" in confirm.text and "Telepon mitra" in confirm.text
    with session_scope() as db:  # showing it changed nothing
        row = db.scalar(select(Partner).where(Partner.name == partner))
        assert row is not None and row.fingerprint == old.public.fingerprint
    second = confirm.select_one("form")
    fields = {i["name"]: i["value"] for i in second.select("input")}
    assert fields["confirmed"] == "true" and fields["public_key"] == new.public.text

    done = admin.post("/exchange/partners/rekey", data=fields, follow_redirects=False)
    assert done.status_code == 303 and "done=rekeyed" in done.headers["location"]
    page = admin.get(done.headers["location"])
    said = BeautifulSoup(page.text, "html.parser").select_one("#exchange-done")
    assert said is not None and short(new.public.fingerprint) in said.text
    assert "KP2MI" in said.text and "nonaktif" in said.text
    assert short(new.public.fingerprint) in _row(page.text, partner).text
    crafted = admin.get(f"/exchange/partners?done=rekeyed&partner={partner}"
                        f"&key={short(old.public.fingerprint)}")
    assert BeautifulSoup(crafted.text, "html.parser").select_one("#exchange-done") is None
    again = admin.post("/exchange/partners/rekey", data=fields)  # the same key twice
    error = BeautifulSoup(again.text, "html.parser").select_one("#exchange-error")
    assert again.status_code == 409 and error is not None and "kunci" in error.text


# -- re-sending checks the victim's consent again ------------------------------------------------

def _consent(client: TestClient, case_id: int, person_id: int, purpose: str) -> int:
    made = client.post(f"/api/v1/exchange/cases/{case_id}/consents", json={
        "person_id": person_id, "recipient_kind": "partner", "recipient": NAME,
        "purpose": purpose, "given": True, "method": "verbal"}, headers=csrf_headers(client))
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def _withdraw(client: TestClient, case_id: int, consent_id: int) -> None:
    gone = client.post(f"/api/v1/exchange/cases/{case_id}/consents/{consent_id}/withdraw",
                       headers=csrf_headers(client))
    assert gone.status_code == 200, gone.text


def _send(client: TestClient, reference: str, override: str | None = None) -> int:
    sent = client.post("/api/v1/exchange/send", json={
        "case_number": reference, "partner": NAME, "consent_override": override},
        headers=csrf_headers(client))
    assert sent.status_code == 202, sent.text
    return int(sent.json()["outbox_id"])


def test_resend_of_a_held_referral_is_refused_once_consent_is_withdrawn(
        partner: str, role_clients: dict[str, TestClient]) -> None:
    protection = role_clients["protection_officer"]
    case = create_case(protection)
    victim = next(p for p in case["persons"] if p["role"] == "victim")
    consent_id = _consent(protection, case["id"], victim["id"], "services")
    referral = _send(protection, case["reference"])
    stored = json.loads(_item(referral).consent_json or "{}")
    assert stored == {"purpose": "services", "persons": [victim["id"]],
                      "organisation": "CentralGovernmentOrganisation"}
    _disable()
    _withdraw(protection, case["id"], consent_id)
    _enable()
    with session_scope() as db, pytest.raises(DomainError) as withdrawn:
        service.resend(db, CLI_PRINCIPAL, referral)
    assert withdrawn.value.code == "consent_withdrawn" and withdrawn.value.status == 409
    assert _item(referral).status == "held"
    entry = _last("exchange.resend")
    assert (entry.outcome, entry.object_id) == ("refused", str(referral))
    assert json.loads(entry.detail)["code"] == "consent_withdrawn"
    with session_scope() as db, pytest.raises(DomainError) as as_file:
        service.export_queued(db, CLI_PRINCIPAL, referral)  # a file is a way out too
    assert as_file.value.code == "consent_withdrawn"
    cli = CliRunner().invoke(cli_app, ["exchange", "resend", str(referral)])
    assert cli.exit_code == 1 and "withdrawn" in cli.output

    # "Kirim lagi" says why, in Indonesian, and the bundle stays held
    admin = role_clients["admin"]
    page = admin.post(f"/exchange/outbox/{referral}/resend",
                      data={"csrf_token": admin.cookies.get("waspada_csrf")})
    error = BeautifulSoup(page.text, "html.parser").select_one("#exchange-error")
    assert page.status_code == 409 and error is not None and "persetujuan" in error.text
    assert _item(referral).status == "held"

    _consent(protection, case["id"], victim["id"], "services")  # asked again: given
    with session_scope() as db:
        service.resend(db, CLI_PRINCIPAL, referral)
    assert _item(referral).status == "pending"


def test_resend_without_a_consent_basis_goes_as_before(
        partner: str, role_clients: dict[str, TestClient]) -> None:
    """A bundle sent on a documented legal basis, or without personal data, rests on no
    consent: withdrawing one does not stop it."""
    protection = role_clients["protection_officer"]
    case = create_case(protection)
    override = _send(protection, case["reference"],
                     "UU 21/2007 Pasal 44: rujukan perlindungan mendesak")
    ping = _queue_ping()
    assert _item(override).consent_json is None and _item(ping).consent_json is None
    _disable()
    _enable()
    with session_scope() as db:
        service.resend(db, CLI_PRINCIPAL, override)
        service.resend(db, CLI_PRINCIPAL, ping)
    assert _item(override).status == _item(ping).status == "pending"


def test_resend_of_a_verification_request_checks_its_consent(
        partner: str, role_clients: dict[str, TestClient]) -> None:
    protection = role_clients["protection_officer"]
    case = create_case(protection)
    victim = next(p for p in case["persons"] if p["role"] == "victim")
    consent_id = _consent(protection, case["id"], victim["id"], "verification")
    asked = protection.post(f"/api/v1/exchange/cases/{case['id']}/verifications", json={
        "partner": NAME, "person_id": victim["id"], "working_days": 3},
        headers=csrf_headers(protection))
    assert asked.status_code == 201, asked.text
    with session_scope() as db:
        request = db.scalar(select(OutboxItem).where(OutboxItem.kind == "verification_request")
                            .order_by(OutboxItem.id.desc()).limit(1))
        assert request is not None
        request_id = request.id
    assert json.loads(_item(request_id).consent_json or "{}")["purpose"] == "verification"
    _disable()
    _withdraw(protection, case["id"], consent_id)
    _enable()
    with session_scope() as db, pytest.raises(DomainError) as withdrawn:
        service.resend(db, CLI_PRINCIPAL, request_id)
    assert withdrawn.value.code == "consent_withdrawn"


def test_cases_from_the_partner_follow_its_new_key(
        partner: str, old: Identity, new: Identity, role_clients: dict[str, TestClient]) -> None:
    """A case that came from the partner is known by the partner's fingerprint (what makes a
    later send a case update, not a new referral): the change carries it over."""
    from waspada.exchange import referral
    from waspada.exchange.records import SharedCase

    case = create_case(role_clients["protection_officer"])
    with session_scope() as db:
        referral.ensure_shared(db, case["id"]).origin = old.public.fingerprint
    _disable()
    _rekey(new)
    with session_scope() as db:
        shared = db.scalar(select(SharedCase).where(SharedCase.case_id == case["id"]))
        assert shared is not None and shared.origin == new.public.fingerprint
    assert json.loads(_last("exchange.partner_rekey").detail)["cases"] == 1


def test_a_waiting_referral_is_not_pushed_once_consent_is_withdrawn(
        partner: str, role_clients: dict[str, TestClient]) -> None:
    """The delivery worker checks the consent too (a bundle waiting for a retry while the
    victim withdraws): not pushed, ``withdrawn``, audited; sent again only once consent is
    recorded again."""
    import httpx

    from waspada.exchange import outbox

    protection = role_clients["protection_officer"]
    case = create_case(protection)
    victim = next(p for p in case["persons"] if p["role"] == "victim")
    consent_id = _consent(protection, case["id"], victim["id"], "services")
    referral = _send(protection, case["reference"])
    _withdraw(protection, case["id"], consent_id)
    pushed: list[str] = []

    def partner_server(request: httpx.Request) -> httpx.Response:
        pushed.append(str(request.url))
        return httpx.Response(202, json={"status": "accepted"})

    tally = outbox.Tally()
    with httpx.Client(transport=httpx.MockTransport(partner_server)) as client:
        outbox.deliver_one(client, referral, tally)
    assert pushed == [] and tally.withdrawn == 1
    item = _item(referral)
    assert (item.status, item.attempts) == ("withdrawn", 0)
    entry = _last("exchange.withdrawn")
    assert entry.object_id == str(referral) and "persons" not in entry.detail
    _consent(protection, case["id"], victim["id"], "services")  # asked again: given
    with session_scope() as db:
        service.resend(db, CLI_PRINCIPAL, referral)
    with httpx.Client(transport=httpx.MockTransport(partner_server)) as client:
        outbox.deliver_one(client, referral, tally)
    assert len(pushed) == 1 and _item(referral).status == "delivered"
