"""The exchange content pages and API: "Persetujuan korban" on a case (record, refuse,
withdraw), asking for a verification, the conflicts and verification request pages, and who
may use them."""

from __future__ import annotations

import json
import re

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.cases.conftest import create_case
from tests.conftest import csrf_headers
from tests.exchange.conftest import register_partner
from waspada.exchange.records import ExchangeConflict, ExchangeConsent, VerificationRequest
from waspada.platform import audit
from waspada.platform.db import session_factory


def _token(client: TestClient) -> str:
    return client.cookies.get("waspada_csrf") or ""


def test_consent_is_recorded_refused_forms_come_back_and_withdrawal_is_kept(  # type: ignore[no-untyped-def]
        role_clients) -> None:
    protection = role_clients["protection_officer"]
    case = create_case(protection)
    victim = next(p for p in case["persons"] if p["role"] == "victim")
    page = protection.get(f"/exchange/cases/{case['id']}")
    assert page.status_code == 200
    assert "Persetujuan korban" in page.text and "Belum ada persetujuan" in page.text
    refused = protection.post(f"/exchange/cases/{case['id']}/consent", data={
        "csrf_token": _token(protection), "person_id": str(victim["id"]), "recipient": "",
        "purpose": "services", "given": "1", "method": "written", "note": "ditandatangani"})
    assert refused.status_code == 422 and "ditandatangani" in refused.text
    done = protection.post(f"/exchange/cases/{case['id']}/consent", data={
        "csrf_token": _token(protection), "person_id": str(victim["id"]),
        "recipient_kind": "organisation", "recipient": "LocalGovernmentOrganisation",
        "purpose": "services", "given": "1", "method": "written", "note": "ditandatangani"},
        follow_redirects=False)
    assert done.status_code == 303
    with session_factory()() as db:
        row = db.scalars(select(ExchangeConsent).where(
            ExchangeConsent.case_id == case["id"])).one()
        assert (row.recipient, row.given, row.method) == ("LocalGovernmentOrganisation", True,
                                                          "written")
    not_victim = next(p for p in case["persons"] if p["role"] != "victim")
    wrong = protection.post(f"/exchange/cases/{case['id']}/consent", data={
        "csrf_token": _token(protection), "person_id": str(not_victim["id"]),
        "recipient": "polri", "purpose": "law_enforcement", "given": "1"})
    assert wrong.status_code == 422 and "Pilih korban dalam kasus ini" in wrong.text
    withdrawn = protection.post(f"/exchange/cases/{case['id']}/consent/{row.id}/withdraw",
                                data={"csrf_token": _token(protection)},
                                follow_redirects=False)
    assert withdrawn.status_code == 303
    again = protection.get(f"/exchange/cases/{case['id']}")
    assert "ditarik" in again.text
    with session_factory()() as db:
        actions = list(db.scalars(select(audit.AuditEntry.action).where(
            audit.AuditEntry.object_id == str(case["id"]),
            audit.AuditEntry.action.like("exchange.consent%")).order_by(audit.AuditEntry.seq)))
    assert actions == ["exchange.consent", "exchange.consent_withdraw"]


def test_the_api_records_consent_and_refuses_other_roles(role_clients) -> None:  # type: ignore[no-untyped-def]
    register_partner(session_factory(), "imigrasi-pusat", "ImmigrationService")  # walk19: named partners are registered
    protection = role_clients["protection_officer"]
    case = create_case(protection)
    victim = next(p for p in case["persons"] if p["role"] == "victim")
    body = {"person_id": victim["id"], "recipient": "imigrasi-pusat",
            "purpose": "verification", "given": True, "method": "verbal"}
    created = protection.post(f"/api/v1/exchange/cases/{case['id']}/consents", json=body)
    assert created.status_code == 201 and created.json()["status"] == "given"
    view = protection.get(f"/api/v1/exchange/cases/{case['id']}").json()
    assert view["consents"][0]["recipient"] == "imigrasi-pusat" and view["global_id"] is None
    analyst = role_clients["analyst"]
    refused = analyst.post(f"/api/v1/exchange/cases/{case['id']}/consents", json=body,
                           headers=csrf_headers(analyst))
    assert refused.status_code == 403
    assert role_clients["protection_officer"].get("/exchange/verifications").status_code == 403
    assert role_clients["passport_officer"].get("/exchange/conflicts").status_code == 403
    checkpoint = role_clients["checkpoint_officer"]  # another unit: the case is not found
    assert checkpoint.get(f"/api/v1/exchange/cases/{case['id']}").status_code == 404


def test_asking_for_a_verification_from_the_case_page(role_clients, outbox) -> None:  # type: ignore[no-untyped-def]
    register_partner(session_factory(), "imigrasi-pusat", "ImmigrationService")
    protection = role_clients["protection_officer"]
    case = create_case(protection)
    victim = next(p for p in case["persons"] if p["role"] == "victim")
    form = {"csrf_token": _token(protection), "partner": "imigrasi-pusat",
            "organisation": "ImmigrationService", "person_id": str(victim["id"]),
            "working_days": "3", "consent_override": ""}
    missing = protection.post(f"/exchange/cases/{case['id']}/verification", data=form)
    assert missing.status_code == 409 and "belum menyetujui" in missing.text
    assert outbox.sent == []
    short = protection.post(f"/exchange/cases/{case['id']}/verification",
                            data={**form, "consent_override": "mendesak"})
    assert short.status_code == 422 and 'value="mendesak"' in short.text
    sent = protection.post(f"/exchange/cases/{case['id']}/verification", data={
        **form, "consent_override": "UU 6/2011: WNI tanpa dokumen, SPLP mendesak"},
        follow_redirects=False)
    assert sent.status_code == 303
    assert [kind for _p, kind, _payload in outbox.sent] == ["verification_request"]
    page = protection.get(f"/exchange/cases/{case['id']}")
    assert "menunggu jawaban" in page.text and "UU 6/2011" in page.text


def test_the_immigration_officer_answers_from_the_verification_page(  # type: ignore[no-untyped-def]
        role_clients, outbox) -> None:
    from tests.exchange.test_verification import KBRI
    from waspada.exchange import handlers
    from waspada.platform.security.policy import CLI_PRINCIPAL

    request = {"request_id": "5f0c2f3e-1b7a-4c55-9a0e-2f2d6c1e9b01",
               "identifiers": {"full_name": "Nama Yang Tidak Ada Di Mana Pun",
                               "birth_date": "1990-01-01", "nik": None,
                               "passport_numbers": []},
               "deadline": "2030-01-01T00:00:00+00:00",
               "consent_basis": {"type": "consent", "purpose": "verification"}}
    handler = handlers.get("verification_request")
    assert handler is not None
    with session_factory()() as db:
        handler.apply(db, CLI_PRINCIPAL, KBRI, request, preview=False)
        db.commit()
        row_id = db.scalar(select(VerificationRequest.id).where(
            VerificationRequest.request_uid == request["request_id"]))
    officer = role_clients["passport_officer"]
    listed = officer.get("/exchange/verifications")
    assert listed.status_code == 200 and "Nama Yang Tidak Ada" in listed.text
    home = officer.get("/")
    assert "Permintaan verifikasi yang harus dijawab" in home.text
    page = officer.get(f"/exchange/verifications/{row_id}")
    assert "Mesin pencocokan tidak menemukan data" in page.text
    refused = officer.post(f"/exchange/verifications/{row_id}/answer", data={
        "csrf_token": _token(officer), "result": "verified", "note": "cek"})
    assert refused.status_code == 422 and "Pilih data yang merupakan orang ini" in refused.text
    done = officer.post(f"/exchange/verifications/{row_id}/answer", data={
        "csrf_token": _token(officer), "result": "not_verified", "note": "tidak ada data"},
        follow_redirects=False)
    assert done.status_code == 303
    (_partner, kind, answer), = outbox.sent
    assert kind == "verification_answer" and json.dumps(answer)
    assert answer["result"] == "not_verified"
    assert "Permintaan verifikasi yang harus dijawab" not in officer.get("/").text


def test_a_conflict_is_resolved_field_by_field_on_its_page(role_clients, a_officer) -> None:  # type: ignore[no-untyped-def]
    import copy

    from tests.exchange.conftest import B_AS_PARTNER
    from waspada.cases import sharing
    from waspada.exchange import consent, handlers, referral

    protection = role_clients["protection_officer"]
    case = create_case(protection)
    victim = next(p for p in case["persons"] if p["role"] == "victim")
    with session_factory()() as db:
        consent.record(db, "x", case["id"], victim["id"], recipient_kind="partner",
                       recipient=B_AS_PARTNER.name, purpose="services", given=True,
                       method="written")
        sent = copy.deepcopy(referral.build_referral(db, a_officer, case["reference"],
                                                     B_AS_PARTNER, consent_override=None))
        db.commit()
        sharing.update_case(db, case["id"], {"trafficking_status": "PossibleVictimOfTrafficking"},
                            {}, [], [])
        db.commit()
    persons = copy.deepcopy(sent["record"]["persons"])
    persons[0]["prs_MailingCity"] = "Batam"  # a person's field changed there too
    incoming = {**sent, "version": 2, "record": {
        **sent["record"], "vic_TraffickingStatus": "ActualVictimOfTrafficking",
        "persons": persons}}
    handler = handlers.get("case_update")
    assert handler is not None
    with session_factory()() as db:
        assert handler.apply(db, a_officer, B_AS_PARTNER, incoming, preview=False).conflict
        db.commit()
    listed = protection.get("/exchange/conflicts")
    assert listed.status_code == 200 and case["reference"] in listed.text
    open_before = _open_conflicts_on_home(protection)
    assert open_before >= 1
    # this case's conflict (the demo holds another one, from its DINSOS partner)
    with session_factory()() as db:
        conflict_id = db.scalars(select(ExchangeConflict.id).where(
            ExchangeConflict.case_id == case["id"], ExchangeConflict.status == "open")).one()
    assert f'href="/exchange/conflicts/{conflict_id}"' in listed.text
    page = protection.get(f"/exchange/conflicts/{conflict_id}")
    assert "vic_TraffickingStatus" in page.text
    assert "Status perdagangan orang" in page.text  # the field in words, its code beside it
    # round 25: a person's field names the person, not the path "persons.<uuid>.prs_…"
    from bs4 import BeautifulSoup

    rows = [tr.find("td").get_text(" ", strip=True)
            for tr in BeautifulSoup(page.text, "html.parser").select("#resolve-form tbody tr")]
    city = next(r for r in rows if "Kota" in r)
    names = [persons[0].get(k) for k in ("prs_FirstName", "prs_MiddleName", "prs_SecondName")]
    assert " ".join(n for n in names if n) in city and "persons." not in city, rows
    incomplete = protection.post(f"/exchange/conflicts/{conflict_id}/resolve",
                                 data={"csrf_token": _token(protection)})
    assert incomplete.status_code == 422 and "Pilih nilai yang dipakai" in incomplete.text
    done = protection.post(f"/exchange/conflicts/{conflict_id}/resolve", data={
        "csrf_token": _token(protection), "choice:vic_TraffickingStatus": "incoming",
        f"choice:persons.{persons[0]['x_wsp_GlobalId']}.prs_MailingCity": "incoming"},
        follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/cases/{case['id']}"
    with session_factory()() as db:
        assert sharing.case_data(db, case["id"])["trafficking_status"] == (
            "ActualVictimOfTrafficking")
    assert _open_conflicts_on_home(protection) == open_before - 1


def _open_conflicts_on_home(client: TestClient) -> int:
    """The home page's count of exchange conflicts to resolve (0 when the card is absent)."""
    card = BeautifulSoup(client.get("/").text, "html.parser").select_one(
        'section[data-widget="exchange.conflicts"] .queue-count')
    return int(card.get_text(strip=True)) if card is not None else 0


def test_the_verification_form_chooses_a_registered_enabled_partner(  # type: ignore[no-untyped-def]
        role_clients, outbox) -> None:
    """The partner is a select of the partners table (enabled ones, the HTCDS organisation
    type in words); a name that is not a registered, enabled partner is refused beside the
    field, nothing queued."""
    sessions = session_factory()
    register_partner(sessions, "imigrasi-pusat", "ImmigrationService")
    register_partner(sessions, "lsm-peduli-migran", "NGO")
    register_partner(sessions, "polri-nonaktif", "LawEnforcement", active=False)
    protection = role_clients["protection_officer"]
    case = create_case(protection)
    victim = next(p for p in case["persons"] if p["role"] == "victim")
    page = protection.get(f"/exchange/cases/{case['id']}").text
    form_html = page[page.index('id="verification-form"'):]
    form_html = form_html[:form_html.index("</form>")]
    assert '<select name="partner"' in form_html and '<input name="partner"' not in form_html
    assert re.search(r'<option value="imigrasi-pusat"( selected)?>imigrasi-pusat · Imigrasi<',
                     form_html)
    # an immigration partner is pre-selected (other tests may have registered one that sorts first)
    assert re.search(r'<option value="[^"]+" selected>[^<]+ · Imigrasi</option>', form_html)
    assert '<option value="lsm-peduli-migran">lsm-peduli-migran · LSM</option>' in form_html
    assert "polri-nonaktif" not in form_html and "ImmigrationService" not in form_html
    base = {"csrf_token": _token(protection), "person_id": str(victim["id"]),
            "working_days": "3",
            "consent_override": "UU 6/2011: WNI tanpa dokumen, SPLP mendesak"}
    for name in ("kantor-tak-dikenal", "polri-nonaktif"):
        refused = protection.post(f"/exchange/cases/{case['id']}/verification",
                                  data={**base, "partner": name})
        assert refused.status_code == 422, name
        assert 'aria-describedby="problem-partner"' in refused.text
        assert ('<span class="field-problem" id="problem-partner">'
                'Pilih mitra yang terdaftar dan aktif.</span>') in refused.text
    assert outbox.sent == []
    sent = protection.post(f"/exchange/cases/{case['id']}/verification",
                           data={**base, "partner": "lsm-peduli-migran"},
                           follow_redirects=False)
    assert sent.status_code == 303
    assert [(p, kind) for p, kind, _payload in outbox.sent] == [
        ("lsm-peduli-migran", "verification_request")]
    with session_factory()() as db:
        row = db.scalars(select(VerificationRequest).where(
            VerificationRequest.case_id == case["id"])).one()
    assert row.partner == "lsm-peduli-migran"
