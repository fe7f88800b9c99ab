"""A link is visible only to roles that may see its source record (issue #18 item 1): a
protection officer's victim data never becomes visible to another role through the graph."""

from __future__ import annotations

from tests.conftest import csrf_headers
from tests.network.helpers import fresh_number
from waspada.offers import service as offers
from waspada.offers.schemas import ReportIn
from waspada.platform.db import session_scope


def _lookup(client, value: str, depth: int = 1):  # type: ignore[no-untyped-def]
    return client.get("/api/v1/network/lookup", params={"value": value, "depth": depth})


def _case(client, persons: list[dict]) -> int:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/cases", headers=csrf_headers(client), json={
        "destination_country": "KH", "exploitation_type": ["ForcedCriminality"],
        "compound_type": "OnlineScam", "summary": "Ringkasan uji jaringan.", "persons": persons})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_a_victims_phone_is_seen_only_by_the_protection_officer(role_clients) -> None:  # type: ignore[no-untyped-def]
    _, victim_phone = fresh_number()
    _, recruiter_phone = fresh_number()
    case_id = _case(role_clients["protection_officer"], [
        {"role": "victim", "full_name": "Korban Rahasia Sekali", "mobile_phone": victim_phone},
        {"role": "perpetrator", "full_name": "Perekrut Uji", "mobile_phone": recruiter_phone}])
    own = _lookup(role_clients["protection_officer"], victim_phone)
    assert own.status_code == 200, own.text
    assert [(a["source_type"], a["source_id"]) for a in own.json()["timeline"]] == [
        ("case", case_id)]
    for role in ("analyst", "checkpoint_officer", "passport_officer"):
        response = _lookup(role_clients[role], victim_phone)
        assert response.status_code == 404, (role, response.text)
        assert victim_phone not in response.text
    assert _lookup(role_clients["auditor"], victim_phone).status_code == 403
    # the analyst sees the recruiter's number in the case, but not the victim through it
    seen = _lookup(role_clients["analyst"], recruiter_phone, depth=2)
    assert seen.status_code == 200, seen.text
    assert ("case", case_id) in {(a["source_type"], a["source_id"])
                                 for a in seen.json()["timeline"]}
    assert victim_phone not in seen.text and "Korban Rahasia Sekali" not in seen.text
    assert "Perekrut Uji" not in seen.text  # names are the identity group: not for analysts
    # a checkpoint officer of another unit is not reached by the embassy's case at all
    assert _lookup(role_clients["checkpoint_officer"], recruiter_phone).status_code == 404


def test_screenings_are_unit_scoped_and_offer_reports_are_for_analysts(role_clients) -> None:  # type: ignore[no-untyped-def]
    national, e164 = fresh_number()
    checkpoint = role_clients["checkpoint_officer"]
    response = checkpoint.post("/api/v1/screenings", headers=csrf_headers(checkpoint), json={
        "kind": "departure", "full_name": "Pelancong Uji Jaringan",
        "destination_country": "KHM", "sponsor": f"Bu Sponsor {national}"})
    assert response.status_code == 201, response.text
    assert _lookup(checkpoint, e164).status_code == 200
    assert _lookup(role_clients["analyst"], e164).status_code == 200
    assert _lookup(role_clients["passport_officer"], e164).status_code == 404  # other unit
    assert _lookup(role_clients["protection_officer"], e164).status_code == 404

    _, reported = fresh_number()
    with session_scope() as db:
        offers.report_offer(db, ReportIn(text=f"Loker admin Kamboja WA {reported}",
                                         consent="yes"))
    assert _lookup(role_clients["analyst"], reported).status_code == 200
    assert _lookup(checkpoint, reported).status_code == 404
    check = checkpoint.post("/api/v1/offers/check", headers=csrf_headers(checkpoint),
                            json={"text": f"Kerja di luar negeri, hubungi {reported}"})
    assert check.status_code == 200
    assert check.json()["known_contacts"] == []  # the officer may not read offer reports
    analyst = role_clients["analyst"]
    check = analyst.post("/api/v1/offers/check", headers=csrf_headers(analyst),
                         json={"text": f"Kerja di luar negeri, hubungi {reported}"})
    assert [k["value"] for k in check.json()["known_contacts"]] == [reported]


def test_the_public_learns_only_a_band_from_public_reports(client, role_clients) -> None:  # type: ignore[no-untyped-def]
    national, e164 = fresh_number()
    with session_scope() as db:
        for n in range(2):
            offers.report_offer(db, ReportIn(text=f"Lowongan {n} Myawaddy WA {national}",
                                             consent="yes"))
        result = offers.public_check(db, f"Ada kerja, WA {national}", "id")
    assert result["reported_before"] == [{"value": e164, "band": "2-4"}]
    # a number known only from a case stays unknown to the public
    _, case_only = fresh_number()
    _case(role_clients["protection_officer"], [
        {"role": "victim", "full_name": "Korban Kasus Saja"},
        {"role": "perpetrator", "full_name": "Agen Kasus Saja", "mobile_phone": case_only}])
    with session_scope() as db:
        assert offers.public_check(db, f"Hubungi {case_only}", "id")["reported_before"] == []
    client.get("/cek-lowongan")
    page = client.post("/cek-lowongan", data={
        "text": f"Lowongan kerja di Kamboja gaji besar, WA {national}",
        "csrf_token": client.cookies.get("waspada_csrf")})
    assert page.status_code == 200
    assert "Nomor/kontak ini pernah dilaporkan" in page.text and "2-4" in page.text
