"""What an officer reads on the exchange pages (issue #17, looked at in a browser): codes in
words, the partner's organisation type chosen from a list, the public key wrapping on a
phone, links from the inbox to conflicts and verification requests, the home page telling
that bundles wait, errors in Indonesian, and no "verified" answer offered without a record."""

from __future__ import annotations

import json
import re
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
from tests.exchange.conftest import register_partner
from waspada.cases.htcds_fields import TABLE
from waspada.cli import app as cli_app
from waspada.exchange import bundle, service
from waspada.exchange.keys import Identity
from waspada.exchange.models import InboxItem, OutboxItem, Partner
from waspada.exchange.records import VerificationRequest
from waspada.exchange.schemas import PartnerIn
from waspada.exchange.words import change_label, error_words
from waspada.platform import labels
from waspada.platform.db import session_factory, session_scope
from waspada.platform.security.policy import CLI_PRINCIPAL

SENDER = Identity.generate("KBRI Phnom Penh (ux)")
PARTNER = "ux-kbri"


def _visible(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "head", "datalist"]):
        hidden.decompose()
    return soup.get_text(" ")


@pytest.fixture(scope="module", autouse=True)
def partner(database: None) -> Iterator[None]:
    result = CliRunner().invoke(cli_app, ["exchange", "init", "--name", "Ditjen Imigrasi (ux)",
                                          "--force", "--json"])
    assert result.exit_code == 0, result.output
    with session_scope() as db:
        found = db.scalar(select(Partner).where(Partner.name == PARTNER))
        if found is not None:
            db.delete(found)
    with session_scope() as db:
        service.add_partner(db, CLI_PRINCIPAL, PartnerIn(
            name=PARTNER, public_key=SENDER.public.text, organisation="ImmigrationService",
            acceptance="manual"))
    yield


@pytest.fixture(autouse=True)
def _limits() -> Iterator[None]:
    from waspada.exchange import api

    api.ip_limiter.reset()
    api.partner_limiter.reset()
    yield


def _push_ping(client: TestClient) -> int:
    raw = bundle.seal(SENDER, service.identity().public, "ping",
                      {"id": uuid.uuid4().hex, "message": "halo"})
    response = client.post("/api/v1/exchange/inbox", content=raw,
                           headers={"content-type": "application/json"})
    assert response.status_code == 200 and response.json()["status"] == "pending"
    return int(response.json()["inbox_id"])


# -- the words (pure) --------------------------------------------------------------------------

def test_preview_fields_and_delivery_errors_read_as_words() -> None:
    assert change_label("possible_duplicate_of") == "Kemungkinan sama dengan kasus di sini (skor)"
    assert change_label("cas_CaseOwner") == "Petugas penanggung jawab kasus"
    assert change_label("persons.7b1c.prs_FirstName") == "Orang: Nama depan"
    assert change_label("persons.7b1c") == "Orang baru"
    assert change_label("cas_CaseOwner", "en") == "Case owner"
    # a standard field without Indonesian words yet: the standard's own name, never dropped
    assert change_label("hte_Street") == "Street"
    assert change_label("something_new") == "something_new"
    assert error_words("HTTP 403 unknown_partner") == (
        "Mitra belum mendaftarkan kunci kita (HTTP 403 unknown_partner)")
    assert error_words("ConnectError: no answer from the partner") == (
        "Mitra tidak dapat dihubungi (ConnectError)")
    assert error_words("HTTP 429") == "Terlalu banyak paket; dicoba lagi nanti (HTTP 429)"
    assert error_words("HTTP 502") == "HTTP 502"
    assert error_words(None) == ""


def test_every_field_with_words_is_a_field_of_the_standard() -> None:
    names = {f.name for f in TABLE.fields}
    assert set(labels.codes("exchange_field")) <= names


# -- the pages ---------------------------------------------------------------------------------

def test_partners_page_names_codes_in_words_and_offers_organisation_types(
        role_clients: dict[str, TestClient]) -> None:
    with session_scope() as db:
        partner_id = db.scalar(select(Partner.id).where(Partner.name == PARTNER))
        dead = OutboxItem(partner_id=partner_id, kind="referral", status="dead", attempts=6,
                          nonce=uuid.uuid4().hex, bundle="{}",
                          last_error="HTTP 403 unknown_partner")
        waiting = OutboxItem(partner_id=partner_id, kind="referral", status="pending",
                             nonce=uuid.uuid4().hex, bundle="{}")
        db.add_all([dead, waiting])
        db.flush()
        dead_id, waiting_id = dead.id, waiting.id
    admin = role_clients["admin"]
    page = admin.get("/exchange/partners")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    row = soup.select_one(f'tr[data-partner="{PARTNER}"]')
    assert row is not None and "Imigrasi" in row.get_text() and "ImmigrationService" not in (
        row.get_text())
    assert "Mitra belum mendaftarkan kunci kita" in row.get_text()
    # the organisation type is chosen from the field policy's types, in words
    options = {o["value"]: o.get_text() for o in soup.select("#partner-form select#p-org option")}
    assert options["ForeignSocialWelfare"].startswith("Kementerian sosial negara lain")
    assert "" in options and set(labels.codes("exchange_org_type")) <= set(options)
    # the public key is in a <code> (wraps on a phone), not a <pre> (which ran off the screen)
    assert soup.select_one("code#own-key") is not None and soup.select_one("pre") is None
    outbox = _visible(str(soup.select_one("#outbox-table")))
    assert "Rujukan kasus" in outbox and "Dihentikan" in outbox
    assert not re.search(r"\b(referral|dead)\b", outbox)
    # a partner without an address is never pushed to: the row says how to export the bundle
    waiting_row = soup.select_one(f'tr[data-outbox="{waiting_id}"]')
    assert waiting_row is not None and (
        f"waspada exchange export {waiting_id} --output BERKAS" in waiting_row.get_text())
    with session_scope() as db:
        db.delete(db.get(OutboxItem, dead_id))
        db.delete(db.get(OutboxItem, waiting_id))


def test_partner_form_refusal_keeps_the_chosen_organisation_type(
        role_clients: dict[str, TestClient]) -> None:
    admin = role_clients["admin"]
    refused = admin.post("/exchange/partners", headers=csrf_headers(admin), data={
        "name": "ux-polri", "public_key": "wsp1.nonsense", "url": "",
        "organisation": "LawEnforcement", "acceptance": "manual"})
    assert refused.status_code in (400, 422)
    soup = BeautifulSoup(refused.text, "html.parser")
    chosen = soup.select_one("select#p-org option[selected]")
    assert chosen is not None and chosen["value"] == "LawEnforcement"


def test_inbox_shows_kinds_and_fields_in_words_and_links_the_other_exchange_pages(
        role_clients: dict[str, TestClient]) -> None:
    protection = role_clients["protection_officer"]
    inbox_id = _push_ping(protection)
    page = protection.get("/exchange/inbox")
    soup = BeautifulSoup(page.text, "html.parser")
    article = soup.select_one(f'article[data-inbox="{inbox_id}"]')
    assert article is not None
    text = article.get_text(" ")
    assert "Uji koneksi (ping)" in text and "Pesan uji koneksi" in text
    assert [td.get_text() for td in article.select("td")][0] == "Pesan uji koneksi"
    links = {a["href"] for a in soup.select("#exchange-links a")}
    assert {"/exchange/send", "/exchange/conflicts"} <= links
    assert "/exchange/verifications" not in links  # a protection officer does not answer them
    passport = role_clients["passport_officer"].get("/exchange/inbox")
    passport_links = {a["href"] for a in BeautifulSoup(passport.text, "html.parser")
                      .select("#exchange-links a")}
    assert "/exchange/verifications" in passport_links
    assert "/exchange/conflicts" not in passport_links


def test_home_page_tells_that_partner_bundles_wait(role_clients: dict[str, TestClient]) -> None:
    protection = role_clients["protection_officer"]
    _push_ping(protection)
    assert "Paket dari mitra menunggu penerimaan" in protection.get("/").text
    with session_scope() as db:
        waiting = list(db.scalars(select(InboxItem).where(InboxItem.status == "pending")))
        for item in waiting:
            item.status, item.reason = "rejected", "ux test"
        ids = [item.id for item in waiting]
    try:
        assert "Paket dari mitra menunggu penerimaan" not in protection.get("/").text
        assert "Paket dari mitra menunggu penerimaan" not in role_clients["analyst"].get(
            "/").text
    finally:  # the demo's own waiting bundles (exchange/demo.py) wait again for later tests
        with session_scope() as db:
            for item in db.scalars(select(InboxItem).where(InboxItem.id.in_(ids))):
                item.status, item.reason = "pending", None


def test_send_form_says_in_indonesian_that_the_case_is_unknown_and_keeps_the_input(
        role_clients: dict[str, TestClient]) -> None:
    protection = role_clients["protection_officer"]
    page = protection.post("/exchange/send", headers=csrf_headers(protection), data={
        "case_number": "WSP-2099-999999", "partner": PARTNER,
        "consent_override": "alasan hukum yang cukup panjang"})
    assert page.status_code == 404
    assert "no such case" not in page.text and "Kasus tidak ditemukan" in page.text
    soup = BeautifulSoup(page.text, "html.parser")
    case_input = soup.select_one("#s-case")
    assert case_input is not None and case_input["value"] == "WSP-2099-999999"
    assert case_input.get("aria-invalid") == "true"


def test_missing_consent_names_the_purpose_in_words(
        role_clients: dict[str, TestClient], outbox: Any) -> None:
    register_partner(session_factory(), "ux-imigrasi", "ImmigrationService")
    protection = role_clients["protection_officer"]
    case = create_case(protection)
    victim = next(p for p in case["persons"] if p["role"] == "victim")
    missing = protection.post(f"/exchange/cases/{case['id']}/verification", data={
        "csrf_token": protection.cookies.get("waspada_csrf"), "partner": "ux-imigrasi",
        "person_id": str(victim["id"]), "working_days": "3", "consent_override": ""})
    assert missing.status_code == 409
    assert "untuk verifikasi kewarganegaraan" in missing.text
    assert "untuk verification" not in missing.text
    # the consent form's recipient suggests the registered partners by name
    suggestions = BeautifulSoup(missing.text, "html.parser").select(
        "datalist#organisation-types option")
    assert "ux-imigrasi" in {o["value"] for o in suggestions}


def test_no_record_found_means_verified_is_not_offered(
        role_clients: dict[str, TestClient], outbox: Any) -> None:
    from tests.exchange.test_verification import KBRI
    from waspada.exchange import handlers

    request = {"request_id": str(uuid.uuid4()),
               "identifiers": {"full_name": "Orang Yang Tidak Tercatat Di Sini",
                               "birth_date": "1991-02-03", "nik": None, "passport_numbers": []},
               "deadline": "2030-01-01T00:00:00+00:00",
               "consent_basis": {"type": "consent", "purpose": "verification"}}
    handler = handlers.get("verification_request")
    assert handler is not None
    with session_factory()() as db:
        handler.apply(db, CLI_PRINCIPAL, KBRI, request, preview=False)
        db.commit()
        row_id = db.scalar(select(VerificationRequest.id).where(
            VerificationRequest.request_uid == request["request_id"]))
    page = role_clients["passport_officer"].get(f"/exchange/verifications/{row_id}")
    soup = BeautifulSoup(page.text, "html.parser")
    verified = soup.select_one('select[name=result] option[value="verified"]')
    not_verified = soup.select_one('select[name=result] option[value="not_verified"]')
    assert verified is not None and verified.has_attr("disabled")
    assert not verified.has_attr("selected")
    assert not_verified is not None and not_verified.has_attr("selected")
    # the birth date as dates read everywhere else (03-02-1991), not ISO
    birth = soup.select_one("#birth-date")
    assert birth is not None and birth.get_text() == "03-02-1991"
    # answered as offered (and so no longer waiting on the home page of the other tests)
    officer = role_clients["passport_officer"]
    done = officer.post(f"/exchange/verifications/{row_id}/answer", follow_redirects=False,
                        data={"csrf_token": officer.cookies.get("waspada_csrf"),
                              "result": "not_verified", "note": "tidak ada data"})
    assert done.status_code == 303
    assert [(kind, answer["result"]) for _p, kind, answer in outbox.sent] == [
        ("verification_answer", "not_verified")]


def test_an_accepted_bundle_links_its_case(role_clients: dict[str, TestClient]) -> None:
    protection = role_clients["protection_officer"]
    case = create_case(protection)
    inbox_id = _push_ping(protection)
    with session_scope() as db:
        item = db.get(InboxItem, inbox_id)
        assert item is not None
        item.status = "accepted"
        item.result_json = json.dumps({"case_number": case["reference"]})
    soup = BeautifulSoup(protection.get("/exchange/inbox").text, "html.parser")
    link = soup.select_one(f'#decided a[href="/cases?reference={case["reference"]}"]')
    assert link is not None and link.get_text() == case["reference"]
    listed = protection.get(link["href"])
    assert f'href="/cases/{case["id"]}"' in listed.text


def test_pages_name_partners_by_their_organisation_and_kind_the_api_keeps_the_identifier(
        role_clients: dict[str, TestClient]) -> None:
    """left18: the partners table, the send form and the case's verification form listed
    partners by identifier ("demo-kbri-phnom-penh"); they show the organisation's name and
    its type in Indonesian; the identifier stays the form's value and the API's ``name``."""
    titled = Identity.generate("Dinas Sosial (ux)")
    with session_scope() as db:
        found = db.scalar(select(Partner).where(Partner.name == "ux-dinsos"))
        if found is not None:
            db.delete(found)
    admin = role_clients["admin"]
    added = admin.post("/exchange/partners", headers=csrf_headers(admin), data={
        "name": "ux-dinsos", "title": "Dinas Sosial Kota Medan", "public_key":
        titled.public.text, "url": "", "organisation": "LocalGovernmentOrganisation",
        "acceptance": "manual"}, follow_redirects=False)
    assert added.status_code == 303, added.text
    soup = BeautifulSoup(admin.get("/exchange/partners").text, "html.parser")
    row = soup.select_one('tr[data-partner="ux-dinsos"]')
    assert row is not None
    assert row.select("td")[0].get_text(" ").startswith("Dinas Sosial Kota Medan")
    assert "Pemerintah daerah" in row.get_text()
    # a partner registered without a name reads as its identifier (nothing is hidden)
    plain = soup.select_one(f'tr[data-partner="{PARTNER}"]')
    assert plain is not None and plain.select("td")[0].get_text(" ").startswith(PARTNER)
    protection = role_clients["protection_officer"]
    send = BeautifulSoup(protection.get("/exchange/send").text, "html.parser")
    options = {o["value"]: o.get_text() for o in send.select("#s-partner option")}
    assert options["ux-dinsos"].startswith("Dinas Sosial Kota Medan · ")
    assert "LocalGovernmentOrganisation" not in options["ux-dinsos"]
    assert "ux-dinsos" not in _visible(str(send.select_one("#s-partner")))
    case_page = BeautifulSoup(protection.get(
        f"/exchange/cases/{create_case(protection)['id']}").text, "html.parser")
    verify = {o["value"]: o.get_text() for o in case_page.select('select[name="partner"] option')}
    assert verify["ux-dinsos"].startswith("Dinas Sosial Kota Medan · ")
    listed = {p["name"]: p["title"] for p in admin.get("/api/v1/exchange/partners").json()}
    assert listed["ux-dinsos"] == "Dinas Sosial Kota Medan" and listed[PARTNER] is None
    # a title of control characters is refused, nothing stored
    refused = admin.post("/exchange/partners", headers=csrf_headers(admin), data={
        "name": "ux-bad", "title": "Dinas\x07Sosial", "public_key":
        Identity.generate("x").public.text, "url": "", "organisation": "", "acceptance": "auto"})
    assert refused.status_code in (400, 422)
    with session_scope() as db:
        assert db.scalar(select(Partner.id).where(Partner.name == "ux-bad")) is None
        db.delete(db.scalar(select(Partner).where(Partner.name == "ux-dinsos")))


def test_consent_names_a_registered_partner_or_a_listed_type_and_refusal_names_the_title(
        role_clients: dict[str, TestClient], outbox: Any) -> None:
    """walk19: a consent for 'mitra-tak-dikenal' or the type 'LSM' (the word shown for NGO) was
    recorded silently and never applied; the missing-consent refusal named the partner by its
    identifier ('demo-dinsos-jatim') where the officer had chosen its name."""
    register_partner(session_factory(), "ux-dinsos", "LocalGovernmentOrganisation")
    with session_scope() as db:
        row = db.scalar(select(Partner).where(Partner.name == "ux-dinsos"))
        assert row is not None
        row.title = "Dinas Sosial Uji"
    protection = role_clients["protection_officer"]
    case = create_case(protection)
    victim = next(p for p in case["persons"] if p["role"] == "victim")
    url = f"/exchange/cases/{case['id']}/consent"
    for kind, recipient, words in (("partner", "mitra-tak-dikenal", "mitra terdaftar"),
                                   ("organisation", "LSM", "jenis organisasi dari daftar")):
        page = protection.post(url, headers=csrf_headers(protection), data={
            "person_id": str(victim["id"]), "recipient_kind": kind, "recipient": recipient,
            "purpose": "services", "given": "1", "method": "verbal", "note": "catatan 🙂"})
        assert page.status_code == 422, (recipient, page.status_code)
        assert words in _visible(page.text), recipient
        field = BeautifulSoup(page.text, "html.parser").select_one(
            "#consent-form input[name=recipient]")
        assert field is not None and field["value"] == recipient
    exchanged = protection.get(f"/api/v1/exchange/cases/{case['id']}").json()
    assert exchanged["consents"] == []
    # a registered partner and a listed type are recorded
    for kind, recipient in (("partner", "ux-dinsos"), ("organisation", "NGO")):
        done = protection.post(url, headers=csrf_headers(protection), data={
            "person_id": str(victim["id"]), "recipient_kind": kind, "recipient": recipient,
            "purpose": "verification", "given": "1", "method": "verbal"},
            follow_redirects=False)
        assert done.status_code in (200, 303), (recipient, done.status_code)
    missing = protection.post("/exchange/send", headers=csrf_headers(protection), data={
        "case_number": case["reference"], "partner": "ux-dinsos", "consent_override": ""})
    assert missing.status_code == 409
    assert "dengan Dinas Sosial Uji untuk" in _visible(missing.text)


def test_send_form_finds_a_case_number_typed_in_small_letters(
        role_clients: dict[str, TestClient], outbox: Any) -> None:
    """walk19: "wsp-2026-000003" on "Kirim ke mitra" read "Kasus tidak ditemukan" (the case
    list's filter finds it); the refusal is now about the case itself (no consent)."""
    register_partner(session_factory(), "ux-dinsos", "LocalGovernmentOrganisation")
    protection = role_clients["protection_officer"]
    case = create_case(protection)
    page = protection.post("/exchange/send", headers=csrf_headers(protection), data={
        "case_number": case["reference"].lower(), "partner": "ux-dinsos",
        "consent_override": ""})
    assert page.status_code == 409, page.status_code
    assert "Kasus tidak ditemukan" not in page.text and "Korban belum menyetujui" in page.text


def test_disabling_a_partner_is_asked_first(role_clients: dict[str, TestClient]) -> None:
    """walk19: one click on "Nonaktifkan" disabled a partner for good (no page, command or API
    enables it again); the button now asks first, in Indonesian (waspada.js data-confirm)."""
    page = role_clients["admin"].get("/exchange/partners")
    soup = BeautifulSoup(page.text, "html.parser")
    forms = soup.select('form[action="/exchange/partners/disable"]')
    assert forms
    for form in forms:
        assert form.get("data-confirm", "").startswith("Nonaktifkan mitra ini?")
