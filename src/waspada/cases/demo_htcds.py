"""A demo case with every HTCDS 2.0 field Waspada holds filled in (synthetic people and a demo
organisation only): the HTCDS export of this case shows the whole standard, and the tests check
it against the published JSON Schema (issue #17)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from waspada.cases import store
from waspada.cases.models import Case, Organisation
from waspada.platform.security.policy import Principal

DEMO_ORG = "LSM_DEMO"

#: org_* of the demo NGO the case is referred to (synthetic address)
DEMO_ORG_DETAILS: dict[str, Any] = {
    "street": "Jl. Contoh Sintetis No. 1 (demo)", "city": "Medan", "state": "Sumatera Utara",
    "postal_code": "20111", "latitude": 3.5952, "longitude": 98.6722, "phone": "+62614150000",
}

FULL_CASE: dict[str, Any] = {
    "destination_country": "KH", "destination_city": "Sihanoukville",
    "exploitation_type": ["ForcedCriminality", "ForcedLabour"], "compound_type": "OnlineScam",
    "forced_activities": ["RomanceScam", "CryptoScam"],
    "recruitment_method": ["ThroughOnlineSocialNetworks", "ThroughATelevisionAdvert"],
    "trafficking_status": "ActualVictimOfTrafficking",
    "summary": "Data sintetis (demo): lowongan admin di Facebook, dipaksa menipu daring.",
    "status_decision_org": "NonPoliceGovernmentalOrganization",
    "relationship_to_trafficker": "Acquainted", "age_when_trafficked": 23,
    "recruitment_apps": ["Facebook", "Telegram"], "recruitment_location": "Medan (demo)",
    "control_methods": ["WithholdsDocuments", "DebtBondage", "PhysicalThreats"],
    "forced_labour_industry": "J_InformationAndCommunication",
    "sex_exploitation_type": ["RemoteInteractiveServices"],
    "exploitation_location": "Kompleks daring, Sihanoukville (demo)",
    "exploitation_apps": ["WhatsApp", "Line"],
    "referring_org": "LSM pendamping (demo)", "incoming_referral_date": "2026-01-02",
    "referring_worker": "Pendamping Demo",
    "incoming_referral_reason": "MigrationOrChangeOfLocation",
    "incoming_referral_details": "Dirujuk LSM setelah keluarga melapor (demo).",
    "persons": [
        {"role": "victim", "salutation": "Ibu", "first_name": "Sintia", "middle_name": "Demo",
         "second_name": "Sintetis", "birth_date": "2002-03-04", "gender": "Feminine",
         "deceased": False, "marital_status": "Single", "number_of_children": 0,
         "primary_language": "ind", "secondary_language": "eng",
         "education": "UpperSecondaryEducation", "citizenship": "ID",
         "identity_number": "1271000000000001", "passport_number": "X0000001",
         "title": "Staf administrasi (demo)", "email": "sintia.demo@example.org",
         "home_phone": "+62614150001", "mobile_phone": "+6281200000001",
         "mailing_street": "Jl. Sintetis No. 2", "mailing_city": "Medan",
         "mailing_state": "Sumatera Utara", "mailing_country": "ID",
         "mailing_postal_code": "20112", "mailing_latitude": 3.58, "mailing_longitude": 98.67},
        {"role": "perpetrator", "full_name": "Perekrut Demo",
         "perpetrator_role": "RecruiterOrIntermediary,TransferredIndividual",
         "role_details": "Merekrut lewat grup Facebook (demo).",
         "organisation": "PT Agen Sintetis (demo)", "citizenship": "ID,KH"},
        {"role": "reporter", "full_name": "Ibu Pelapor Demo", "mobile_phone": "+6285700000001",
         "relationship": "ibu kandung"},
    ],
    "events": [
        {"type": "Recruitment", "date": "2025-06-01", "city": "Medan", "state": "Sumatera Utara",
         "country": "ID", "street": "Jl. Sintetis No. 3", "postal_code": "20113",
         "latitude": 3.59, "longitude": 98.68, "description": "Wawancara di kafe (demo)."},
        {"type": "Transit", "date": "2025-06-10", "city": "Bangkok", "country": "TH"},
        {"type": "Transit", "date": "2025-06-12", "city": "Poipet", "country": "KH"},
        {"type": "Exploitation", "date": "2025-06-15", "city": "Sihanoukville", "country": "KH"},
    ],
}

_STEPS: list[tuple[str, dict[str, object]]] = [
    ("verify", {"trafficking_status": "ActualVictimOfTrafficking", "note": "demo"}),
    ("exit", {"exit_date": "2026-01-03", "exit_mode": "rescued"}),
    ("verify_citizenship", {"citizenship_basis": "nik_dukcapil"}),
    ("repatriate", {"arrival_date": "2026-01-09", "arrival_port": "TPI Soekarno-Hatta"}),
    ("hand_over", {"handover_to": DEMO_ORG, "handover_date": "2026-01-10"}),
    ("close", {"closure_reason": "transferred", "closure_note": "Diserahkan ke LSM (demo)."}),
]


def demo_organisation(session: Session) -> Organisation:
    org = session.scalar(select(Organisation).where(Organisation.code == DEMO_ORG))
    if org is None:
        org = store.add_organisation(session, DEMO_ORG, "LSM Pendamping Sintetis (demo)",
                                     "Synthetic partner NGO (demo)", "NGO", "ID", None,
                                     DEMO_ORG_DETAILS)
    return org


def add_full_case(session: Session, officer: Principal, owner_unit_id: int, *,
                  synthetic: bool = True) -> Case:
    """The full HTCDS demo case: referred (with consent) and closed as transferred."""
    store.sync_organisations(session)
    demo_organisation(session)
    case = store.create_case(session, officer, FULL_CASE, owner_unit_id=owner_unit_id,
                             source="ngo", synthetic=synthetic)
    store.record_consent(session, officer, case, None, "data_processing", True, "written")
    store.record_consent(session, officer, case, None, "referral", True, "written")
    store.add_comment(session, officer, case, "Korban aman di shelter (demo).")
    store.add_support_plan(session, case, {
        "type": "SocialCare", "objectives": "Pemulihan dan reintegrasi (demo).",
        "action_plan": "Konseling, pelatihan kerja (demo).", "planned_end": "2026-06-30",
        "actual_end": "2026-06-20"})
    referral = store.create_referral(session, officer, case, DEMO_ORG,
                                     reason="AdditionalServicesRequired",
                                     details="Pendampingan psikososial (demo).")
    store.respond_referral(session, officer, referral.id, True, "diterima (demo)")
    for code, values in _STEPS:
        store.apply_transition(session, officer, case, code, values)
    session.flush()
    return case
