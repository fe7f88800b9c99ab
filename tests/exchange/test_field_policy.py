"""Field-level policy: per organisation type, nothing outside its list leaves (issue #17)."""

from __future__ import annotations

from typing import Any

import pytest

from waspada.cases import htcds
from waspada.exchange import policy

FULL_CASE: dict[str, Any] = {
    "reference": "WSP-2026-000001", "status": "reported", "owner_unit": "KBRI Phnom Penh",
    "closure_reason": "Other", "trafficking_status": "ActualVictimOfTrafficking",
    "exploitation_type": "ForcedCriminality", "recruitment_method": "ThroughAnOnlineAdvertisement",
    "compound_type": "OnlineScam", "forced_activities": "RomanceScam",
    "destination_country": "KH", "reported_at": "2026-11-01T00:00:00",
    "persons": [
        {"id": 1, "role": "victim", "first_name": "Sekar", "second_name": "Purba",
         "birth_date": "1999-04-12", "gender": "Feminine", "citizenship": "ID",
         "identity_number": "1271015204990003", "mobile_phone": "+628123", "email": "s@x.id",
         "mailing_city": "Medan", "mailing_state": "Sumatera Utara", "pseudonym": "Korban 1"},
        {"id": 2, "role": "perpetrator", "full_name": "Pak Perekrut", "mobile_phone": "+62899",
         "perpetrator_role": "RecruiterOrIntermediary", "role_details": "agen di Medan",
         "identity_number": "1271010101800001"},
        {"id": 3, "role": "reporter", "full_name": "Ibu Pelapor", "mobile_phone": "+62857",
         "mailing_city": "Medan"}],
    "events": [{"type": "Recruitment", "date": "2025-11-01", "city": "Medan", "state": "Sumut",
                "country": "ID", "description": "Iklan di Facebook"},
               {"type": "Exploitation", "city": "Sihanoukville", "country": "KH",
                "description": "kompleks penipuan"}],
    "referrals": [{"from_org": "KBRI", "to_org": "DINSOS", "reason": "Other"}],
    "support_plans": [{"type": "Health", "objectives": "pemeriksaan", "action_plan": "RS",
                       "planned_end": "2026-12-01"}],
    "consents": [{"given": True, "scope": "referral"}],
    "comments": [{"body": "catatan internal"}],
}


def _full_record() -> dict[str, Any]:
    record = htcds.case_to_htcds(FULL_CASE)
    for i, person in enumerate(record["persons"]):
        person["x_wsp_GlobalId"] = f"00000000-0000-4000-8000-00000000000{i}"
    return record


def _fields(record: dict[str, Any]) -> dict[str, set[str]]:
    """Every field name that leaves, per part of the record."""
    # top-level fields (multi-select ones are lists too) vs the record's parts
    out: dict[str, set[str]] = {"case": {k for k in record if k not in htcds.LIST_PARTS}}
    for person in record.get("persons", ()):
        out.setdefault(person["x_wsp_PersonRole"], set()).update(person)
    for key in ("historic_trafficking_events", "support_plans"):
        for item in record.get(key, ()):
            out.setdefault(key, set()).update(item)
    extra = set(record) - out["case"] - {"persons", "historic_trafficking_events",
                                         "support_plans"}
    out["other"] = extra
    return out


@pytest.mark.parametrize("organisation", [*policy.profiles(), "HealthServiceOrganisation",
                                          None])
def test_nothing_outside_the_policy_leaves(organisation: str | None) -> None:
    profile = policy.profile_for(organisation)
    sent = _fields(policy.filter_record(_full_record(), organisation))
    assert sent["other"] == set()  # never comments, consents or referrals
    assert sent["case"] <= profile.case
    for role in policy.ROLES:
        assert sent.get(role, set()) <= profile.persons[role] | set(policy.PERSON_ALWAYS)
        if not profile.persons[role]:
            assert role not in sent  # a role with no fields is not sent at all
    assert sent.get("historic_trafficking_events", set()) <= profile.events
    assert sent.get("support_plans", set()) <= profile.support_plans


def test_each_organisation_gets_what_its_work_needs_and_not_more() -> None:
    full = _full_record()
    polri = _fields(policy.filter_record(full, "LawEnforcement"))
    assert {"prs_FirstName", "prs_MobilePhone", "per_RoleInProcess"} <= polri["perpetrator"]
    assert "support_plans" not in polri and "reporter" not in polri
    assert policy.profile_for("LawEnforcement").purpose == "law_enforcement"
    dinsos = _fields(policy.filter_record(full, "LocalGovernmentOrganisation"))
    assert "spl_Type" in dinsos["support_plans"] and "perpetrator" not in dinsos
    assert "prs_IdentityNumber" not in dinsos["victim"]
    imigrasi = _fields(policy.filter_record(full, "ImmigrationService"))
    assert "prs_IdentityNumber" in imigrasi["victim"] and "perpetrator" not in imigrasi
    assert "prs_MobilePhone" not in imigrasi["victim"]
    mosvy = _fields(policy.filter_record(full, "ForeignSocialWelfare"))
    assert not {"prs_IdentityNumber", "prs_MobilePhone"} & mosvy["victim"]
    assert "perpetrator" not in mosvy and "x_wsp_Reference" not in mosvy["case"]
    kp2mi = _fields(policy.filter_record(full, "CentralGovernmentOrganisation"))
    assert kp2mi["perpetrator"] == {"per_RoleInProcess", "per_RoleDetails",
                                    *policy.PERSON_ALWAYS}
    unknown = policy.filter_record(full, "SchoolOrCollege")
    assert "persons" not in unknown and set(unknown) <= {"cas_Status", "vic_TypeOfExploitation"}


def test_every_listed_field_is_an_htcds_or_waspada_field() -> None:
    known = set(_fields(_full_record())["case"]) | {
        f for person in _full_record()["persons"] for f in person} | {
        f for key in ("historic_trafficking_events", "support_plans")
        for item in _full_record()[key] for f in item}
    known |= {"prs_MiddleName", "spl_ActualEndDate", "hte_Date"}
    for profile in policy.profiles().values():
        listed = profile.case | profile.events | profile.support_plans | {
            f for fields in profile.persons.values() for f in fields}
        assert listed <= known, (profile.name, listed - known)
