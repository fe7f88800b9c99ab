"""The HTCDS 2.0 case and person fields officers fill are on the case page (issue #17): the
case's details (case worker, decision organisation, places and apps of recruitment and
exploitation, methods of control, incoming referral) and each person's (salutation, title, home
phone, mailing address, marital status, languages, education), with Indonesian labels and the
standard's choices in words; validated through the one form mechanism (a refused value comes
back beside its field, nothing written); the HTCDS export carries what was entered."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.cases.conftest import create_case
from waspada.platform import audit
from waspada.platform.db import session_factory


def _token(client: TestClient) -> str:
    return client.cookies.get("waspada_csrf") or ""


def _export(client: TestClient, case_id: int) -> dict:
    response = client.get("/api/v1/cases/export", params={"ids": str(case_id)})
    assert response.status_code == 200, response.text
    return response.json()["cases"][0]


def test_the_case_page_edits_the_htcds_case_details(protection: TestClient) -> None:
    case = create_case(protection)
    page = html.unescape(protection.get(f"/cases/{case['id']}").text)
    assert 'id="htcds-form"' in page and "Edit the HTCDS details" not in page
    assert "Ubah rincian HTCDS" in page  # Indonesian labels
    assert "Jeratan utang" in page and ">DebtBondage<" not in page  # choices in words
    assert "Kepolisian" in page and "Layanan seksual daring jarak jauh" in page
    form = {"csrf_token": _token(protection), "case_worker": "Sri Wahyuni",
            "trafficking_status": "ActualVictimOfTrafficking",
            "status_decision_org": "Police", "relationship_to_trafficker": "Acquainted",
            "age_when_trafficked": "24", "recruitment_location": "Medan",
            "recruitment_apps": ["Facebook", "Telegram"],
            "control_methods": ["DebtBondage", "WithholdsDocuments"],
            "forced_labour_industry": "", "exploitation_location": "Sihanoukville",
            "exploitation_apps": ["Telegram"], "referring_org": "Migrant CARE",
            "incoming_referral_date": "2026-11-02", "referring_worker": "Budi",
            "incoming_referral_reason": "AdditionalServicesRequired",
            "incoming_referral_details": "Dirujuk lewat hotline"}
    bad = protection.post(f"/cases/{case['id']}/htcds", data={
        **form, "control_methods": ["DebtBondage", "Hypnosis"]})
    assert bad.status_code == 422
    assert 'aria-describedby="problem-control_methods"' in bad.text
    assert "Pilih salah satu nilai yang tersedia." in bad.text
    assert 'value="Sri Wahyuni"' in bad.text  # what was typed comes back
    assert _export(protection, case["id"]).get("cas_CaseOwner") != "Sri Wahyuni"  # nothing written
    too_old = protection.post(f"/cases/{case['id']}/htcds", data={**form,
                                                                 "age_when_trafficked": "130"})
    assert too_old.status_code == 422 and 'aria-describedby="problem-age_when_trafficked"' \
        in too_old.text
    done = protection.post(f"/cases/{case['id']}/htcds", data=form, follow_redirects=False)
    assert done.status_code == 303
    record = _export(protection, case["id"])
    assert record["cas_CaseOwner"] == "Sri Wahyuni"
    assert record["vic_TraffickingStatusDecisionMakingOrg"] == "Police"
    assert record["vic_MethodsOfControl"] == ["DebtBondage", "WithholdsDocuments"]
    assert record["vic_RecruitmentWebsitesAndApps"] == ["Facebook", "Telegram"]
    assert record["vic_LocationOfRecruitment"] == "Medan"
    assert record["vic_LocationOfExploitation"] == "Sihanoukville"
    assert record["vic_AgeWhenTrafficked"] == 24
    assert record["cas_ReferringPrimaryCaseWorker"] == "Budi"
    assert record["cas_ReasonForIncomingReferral"] == "AdditionalServicesRequired"
    shown = html.unescape(protection.get(f"/cases/{case['id']}").text)
    assert "Jeratan utang, Dokumen ditahan" in shown
    # nothing ticked clears a multi-select
    cleared = protection.post(f"/cases/{case['id']}/htcds",
                              data={k: v for k, v in form.items() if k != "control_methods"},
                              follow_redirects=False)
    assert cleared.status_code == 303
    assert not _export(protection, case["id"]).get("vic_MethodsOfControl")


def test_the_case_page_edits_a_persons_htcds_details(protection: TestClient) -> None:
    case = create_case(protection)
    victim = next(p for p in case["persons"] if p["role"] == "victim")
    page = html.unescape(protection.get(f"/cases/{case['id']}").text)
    assert f'id="profile-form-{victim["id"]}"' in page
    assert "Cerai hidup" in page and "SMA / SMK / sederajat" in page
    assert "Bahasa Khmer" in page
    form = {"csrf_token": _token(protection), "person_id": str(victim["id"]),
            "salutation": "Ibu", "person_title": "Operator", "home_phone": "+62614567890",
            "mailing_street": "Jl. Sisingamangaraja 12", "mailing_city": "Medan",
            "mailing_state": "Sumatera Utara", "mailing_postal_code": "20217",
            "mailing_country": "ID", "marital_status": "Divorced", "number_of_children": "2",
            "primary_language": "id", "secondary_language": "km",
            "education": "UpperSecondaryEducation"}
    url = f"/cases/{case['id']}/persons/{victim['id']}/profile"
    bad = protection.post(url, data={**form, "marital_status": "Complicated"})
    assert bad.status_code == 422
    assert 'aria-describedby="problem-marital_status"' in bad.text
    assert 'value="Jl. Sisingamangaraja 12"' in bad.text
    children = protection.post(url, data={**form, "number_of_children": "99"})
    assert children.status_code == 422 and 'aria-describedby="problem-number_of_children"' \
        in children.text
    other = next(p for p in case["persons"] if p["id"] != victim["id"])
    mismatch = protection.post(f"/cases/{case['id']}/persons/{other['id']}/profile", data=form)
    assert mismatch.status_code == 404
    done = protection.post(url, data=form, follow_redirects=False)
    assert done.status_code == 303
    person = next(p for p in _export(protection, case["id"])["persons"]
                  if p["x_wsp_PersonRole"] == "victim")
    assert (person["prs_Salutation"], person["prs_Title"], person["prs_HomePhone"]) == (
        "Ibu", "Operator", "+62614567890")
    assert (person["prs_MailingCountry"], person["prs_MailingPostalCode"]) == ("ID", "20217")
    assert person["prs_MaritalStatus"] == "Divorced"
    assert person["prs_NumberOfChildren"] == 2
    assert (person["prs_PrimaryLanguage"], person["prs_SecondaryLanguage"]) == ("id", "km")
    assert person["prs_HighestLevelOfEducation"] == "UpperSecondaryEducation"
    assert person["prs_Deceased"] is False
    with session_factory()() as db:
        entry = db.scalars(select(audit.AuditEntry).where(
            audit.AuditEntry.action == "case.person_update",
            audit.AuditEntry.object_id == str(case["id"]))).one()
    assert "marital_status" in entry.detail and "Ibu" not in entry.detail
