"""Issue #16, defect 11: the case page shows the reporter's relationship and the victim's exact
birth date (to roles that may see them); closing a case with a referral still pending needs a
confirmation and is audited; the case list finds a person by name (tolerant), NIK, passport
number or phone."""

from __future__ import annotations

import random

from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.cases.conftest import create_case, unique_name
from waspada.platform.audit import AuditEntry
from waspada.platform.db import session_scope

REFER = {"organisation": "POLRI", "reason": "AdditionalServicesRequired",
         "details": "Laporan ke Satgas TPPO"}


def _with_pending_referral(protection) -> int:  # type: ignore[no-untyped-def]
    cid = create_case(protection)["id"]
    protection.post(f"/api/v1/cases/{cid}/consents", json={"scope": "referral", "given": True})
    assert protection.post(f"/api/v1/cases/{cid}/referrals", json=REFER).status_code == 201
    return cid


def test_closing_with_a_pending_referral_needs_confirmation(protection) -> None:  # type: ignore[no-untyped-def]
    cid = _with_pending_referral(protection)
    step = {"transition": "mark_not_victim", "values": {"note": "Bukan korban TPPO"}}
    refused = protection.post(f"/api/v1/cases/{cid}/transitions", json=step)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "pending_referrals"
    assert protection.get(f"/api/v1/cases/{cid}").json()["status"] == "reported"
    # the page warns and offers the confirmation next to the step
    page = BeautifulSoup(protection.get(f"/cases/{cid}").text, "html.parser")
    form = page.select_one("#transition-mark_not_victim")
    assert form.select_one("[id^=pending-warning]") is not None
    assert form.select_one("input[name=confirm_pending_referrals]") is not None
    # submitted without the tick: the page comes back with the problem next to the box
    token = protection.cookies["waspada_csrf"]
    again = protection.post(f"/cases/{cid}/transition", data={
        "transition": "mark_not_victim", "note": "Bukan korban TPPO", "csrf_token": token},
        follow_redirects=False)
    assert again.status_code == 409
    form = BeautifulSoup(again.text, "html.parser").select_one("#transition-mark_not_victim")
    assert form.select_one("#problem-confirm_pending_referrals") is not None
    assert form.select_one("input[name=note]")["value"] == "Bukan korban TPPO"
    # confirmed: closed, and the audit entry says a referral was pending
    step["values"]["confirm_pending_referrals"] = "1"
    assert protection.post(f"/api/v1/cases/{cid}/transitions", json=step).status_code == 201
    assert protection.get(f"/api/v1/cases/{cid}").json()["status"] == "not_a_victim"
    with session_scope() as session:
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "case.transition", AuditEntry.object_id == str(cid))
            .order_by(AuditEntry.id.desc())).first()
        assert entry is not None and '"pending_referrals": 1' in entry.detail


def test_case_page_shows_relationship_and_birth_date_where_visible(role_clients, protection) -> None:  # type: ignore[no-untyped-def]
    cid = _with_pending_referral(protection)
    page = BeautifulSoup(protection.get(f"/cases/{cid}").text, "html.parser")
    persons = page.select_one("#persons").get_text(" ")
    assert "12-04-1999" in persons  # the exact date, not only "25-34"
    assert "mother" in page.select_one("#persons .relationship").get_text()
    # the referral's words, not its codes
    referrals = page.select_one("#referrals").get_text(" ")
    assert "POLRI" not in referrals and "pending" not in referrals
    assert "Menunggu jawaban" in referrals
    # an analyst sees the case de-identified: no birth date, no relationship
    analyst = role_clients["analyst"].get(f"/cases/{cid}")
    if analyst.status_code == 200:
        persons = BeautifulSoup(analyst.text, "html.parser").select_one("#persons")
        assert "12-04-1999" not in persons.get_text() and not persons.select(".relationship")


def _ids(client, person: str) -> set[int]:  # type: ignore[no-untyped-def]
    page = BeautifulSoup(client.get("/cases", params={"person": person}).text, "html.parser")
    return {int(a["href"].rsplit("/", 1)[1]) for a in page.select("#case-list a[href^='/cases/']")}


def test_case_list_finds_a_person_by_name_nik_passport_and_phone(protection) -> None:  # type: ignore[no-untyped-def]
    nik = "3507" + "".join(random.choice("0123456789") for _ in range(12))
    passport = "X" + "".join(random.choice("0123456789") for _ in range(7))
    phone = "+62813" + "".join(random.choice("0123456789") for _ in range(8))
    name = unique_name() + " Rahayu"
    case = create_case(protection, persons=[
        {"role": "victim", "full_name": name, "identity_number": nik,
         "passport_number": passport, "mobile_phone": phone, "citizenship": "ID"}])
    cid = case["id"]
    assert cid in _ids(protection, name)
    assert cid in _ids(protection, name.replace("Rahayu", "Rahaju"))  # spelt as it sounds
    assert cid in _ids(protection, nik)
    assert cid in _ids(protection, passport.lower())
    assert cid not in _ids(protection, "Nama Yang Tidak Ada Sama Sekali")
    assert cid in _ids(protection, "0" + phone[3:6] + " " + phone[6:10] + "-" + phone[10:])
    with session_scope() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "case.list")
                                .order_by(AuditEntry.id.desc())).first()
        assert '"person_search": "phone"' in entry.detail
        assert phone[6:10] not in entry.detail  # the value searched is never logged
