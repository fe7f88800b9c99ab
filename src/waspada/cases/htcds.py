"""HTCDS 2.0 mapping and export shaping (pure).

Field names follow the Human Trafficking Case Data Standard 2.0 (HTCDS by IOM, CC BY 4.0; Waspada
is not endorsed by IOM). HTCDS has no value for forced criminality in online-scam and
online-gambling compounds, so Waspada adds an extension: the value ``ForcedCriminality`` in
``vic_TypeOfExploitation`` and fields prefixed ``x_wsp_`` (``x_wsp_CompoundType``,
``x_wsp_ForcedCriminalityActivities``, ``x_wsp_Reference``, ``x_wsp_WorkflowState``).

:func:`case_to_htcds` turns a (possibly redacted) case dict into an HTCDS record;
:func:`to_csv` / :func:`to_json` shape a list of them. Whatever was redacted stays out.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from waspada.cases.workflow import load_workflow
from waspada.platform.exports import spreadsheet_safe

CITATION = "HTCDS by IOM, CC BY 4.0"

GENDERS = ("Feminine", "Masculine", "TransgenderFeminine", "TransgenderMasculine",
           "NonConforming", "NonSpecifiedUnknown")
TRAFFICKING_STATUSES = ("PossibleVictimOfTrafficking", "ActualVictimOfTrafficking",
                        "NotAVictimOfTrafficking")
HTCDS_EXPLOITATION = ("ForcedLabour", "SexualExploitation", "ChildLabour", "ForcedMarriage",
                      "Servitude", "ForcedMilitaryByNonStateActors", "OrganRemoval",
                      "ForcedBegging", "ForcedAdoption", "Surrogacy", "Other")
#: extension value (not in HTCDS 2.0): forced criminality, e.g. in online-scam compounds
FORCED_CRIMINALITY = "ForcedCriminality"
EXPLOITATION_TYPES = (FORCED_CRIMINALITY, *HTCDS_EXPLOITATION)
#: extension: the kind of compound (x_wsp_CompoundType)
COMPOUND_TYPES = ("OnlineScam", "OnlineGambling", "OtherCompound", "NotACompound")
#: extension: what the victim was forced to do (x_wsp_ForcedCriminalityActivities)
FORCED_ACTIVITIES = ("RomanceScam", "InvestmentScam", "CryptoScam", "OnlineGamblingOperation",
                     "MoneyMule", "Phishing", "Other")
EVENT_TYPES = ("Recruitment", "Transit", "Exploitation")
PERSON_ROLES = ("victim", "perpetrator", "reporter")
PERPETRATOR_ROLES = ("TravellingPartner", "Transporter", "RecruiterOrIntermediary",
                     "BrokerTravelAgent", "Smuggler", "Abuser", "Kidnapper", "Exploiter", "Other")
RECRUITMENT_METHODS = ("ThroughOnlineSocialNetworks", "ThroughAnOnlineAdvertisement",
                       "ThroughFamilyOrFamilyEvents", "ThroughFriendsOrSocialEvents", "AtWork",
                       "Other")
SUPPORT_PLAN_TYPES = ("Education", "Financial", "Health", "LabourExploitationRehabilitation",
                      "Legal", "Livelihood", "RightsBasedTraining",
                      "SexualExploitationRehabilitation", "SocialCare")
REFERRAL_REASONS = ("AdditionalServicesRequired", "MigrationOrChangeOfLocation", "Other")
ORG_TYPES = ("NGO", "LawEnforcement", "HealthServiceOrganisation",
             "CentralGovernmentOrganisation", "LocalGovernmentOrganisation", "ImmigrationService",
             "LegalService", "CorporateBusiness", "SchoolOrCollege")

_PERSON_MAP = (
    ("prs_FirstName", "first_name"), ("prs_MiddleName", "middle_name"),
    ("prs_SecondName", "second_name"), ("prs_Birthdate", "birth_date"),
    ("prs_Gender", "gender"), ("prs_Citizenship", "citizenship"),
    ("prs_IdentityNumber", "identity_number"), ("prs_MobilePhone", "mobile_phone"),
    ("prs_Email", "email"), ("prs_MailingCity", "mailing_city"),
    ("prs_MailingState", "mailing_state"),
)
_EVENT_MAP = (("hte_Type", "type"), ("hte_Date", "date"), ("hte_City", "city"),
              ("hte_State", "state"), ("hte_Country", "country"),
              ("hte_Description", "description"))


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _clean(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v not in (None, "", [])}


def person_to_htcds(person: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"x_wsp_PersonRole": person.get("role"),
                           "x_wsp_Pseudonym": person.get("pseudonym")}
    for htcds_name, ours in _PERSON_MAP:
        out[htcds_name] = person.get(ours)
    if not (person.get("first_name") or person.get("second_name")) and person.get("full_name"):
        # HTCDS splits names; Indonesian names often have no family name: keep it whole
        out["prs_FirstName"] = person["full_name"]
    if person.get("age_band"):
        out["x_wsp_AgeBand"] = person["age_band"]
    if person.get("role") == "perpetrator":
        out["per_RoleInProcess"] = person.get("perpetrator_role")
        out["per_RoleDetails"] = person.get("role_details")
    return _clean(out)


def event_to_htcds(event: dict[str, Any]) -> dict[str, Any]:
    return _clean({h: event.get(o) for h, o in _EVENT_MAP})


def case_to_htcds(case: dict[str, Any]) -> dict[str, Any]:
    """One case (already redacted for the reader) as an HTCDS record."""
    wf = load_workflow()
    state = wf.states[case["status"]]
    victim: dict[str, Any] = next(
        (p for p in case.get("persons", ()) if p.get("role") == "victim"), {})
    exploitation = [v for v in (case.get("exploitation_type") or "").split(",") if v]
    record: dict[str, Any] = {
        "x_wsp_Reference": case.get("reference"),
        "x_wsp_WorkflowState": case["status"],
        "cas_Status": state.htcds,
        "cas_ReasonForCaseClosure": case.get("closure_reason"),
        "cas_CaseOwner": case.get("owner_unit"),
        "vic_TraffickingStatus": case.get("trafficking_status"),
        "vic_TypeOfExploitation": exploitation,
        "vic_ForcedLabourIndustry": case.get("forced_labour_industry"),
        "vic_MethodOfRecruitment": case.get("recruitment_method"),
        "vic_AgeWhenTrafficked": victim.get("age_when_trafficked"),
        "x_wsp_CompoundType": case.get("compound_type"),
        "x_wsp_ForcedCriminalityActivities": case.get("forced_activities"),
        "x_wsp_DestinationCountry": case.get("destination_country"),
        "x_wsp_ReportedAt": _iso(case.get("reported_at")),
        "persons": [person_to_htcds(p) for p in case.get("persons", ())],
        "historic_trafficking_events": [event_to_htcds(e) for e in case.get("events", ())],
        "referrals": [_clean({
            "cas_ReferringOrganisation": r.get("from_org"),
            "cas_ReferredOrganisation": r.get("to_org"),
            "cas_ReasonForOutgoingReferral": r.get("reason"),
            "cas_OutgoingReferralDate": r.get("created_on"),
            "cas_IncomingReferralDate": r.get("accepted_on"),
            "x_wsp_ReferralStatus": r.get("status"),
        }) for r in case.get("referrals", ())],
        "support_plans": [_clean({
            "spl_Type": s.get("type"), "spl_Objectives": s.get("objectives"),
            "spl_ActionPlan": s.get("action_plan"), "spl_PlannedEndDate": s.get("planned_end"),
            "spl_ActualEndDate": s.get("actual_end")}) for s in case.get("support_plans", ())],
        "consents": [_clean({"con_Consent": c.get("given"), "x_wsp_ConsentScope": c.get("scope"),
                             "x_wsp_RecordedAt": c.get("recorded_at")})
                     for c in case.get("consents", ())],
        "case_comments": [_clean({"cco_CaseComment": c.get("body")})
                          for c in case.get("comments", ())],
    }
    return _clean(record)


#: flat CSV columns: case-level fields, the primary victim, one block per event type
CSV_CASE_COLUMNS = ("x_wsp_Reference", "x_wsp_WorkflowState", "cas_Status",
                    "cas_ReasonForCaseClosure", "cas_CaseOwner", "vic_TraffickingStatus",
                    "vic_TypeOfExploitation", "vic_MethodOfRecruitment", "x_wsp_CompoundType",
                    "x_wsp_ForcedCriminalityActivities", "x_wsp_DestinationCountry",
                    "x_wsp_ReportedAt")
CSV_VICTIM_COLUMNS = ("x_wsp_Pseudonym", "prs_FirstName", "prs_MiddleName", "prs_SecondName",
                      "prs_Birthdate", "x_wsp_AgeBand", "prs_Gender", "prs_Citizenship",
                      "prs_IdentityNumber", "prs_MailingState")
CSV_EVENT_COLUMNS = ("hte_Date", "hte_City", "hte_Country")


def csv_columns() -> list[str]:
    cols = list(CSV_CASE_COLUMNS) + list(CSV_VICTIM_COLUMNS)
    for kind in EVENT_TYPES:
        cols += [f"{kind}.{c}" for c in CSV_EVENT_COLUMNS]
    return cols


def _cell(value: Any) -> str:
    if isinstance(value, list | tuple):
        value = ";".join(str(v) for v in value)
    return spreadsheet_safe("" if value is None else str(value))


def flatten(record: dict[str, Any]) -> dict[str, str]:
    row = {c: _cell(record.get(c)) for c in CSV_CASE_COLUMNS}
    victim: dict[str, Any] = next(
        (p for p in record.get("persons", ()) if p.get("x_wsp_PersonRole") == "victim"), {})
    row.update({c: _cell(victim.get(c)) for c in CSV_VICTIM_COLUMNS})
    for kind in EVENT_TYPES:
        event: dict[str, Any] = next((e for e in record.get("historic_trafficking_events", ())
                      if e.get("hte_Type") == kind), {})
        row.update({f"{kind}.{c}": _cell(event.get(c)) for c in CSV_EVENT_COLUMNS})
    return row


def to_csv(records: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=csv_columns(), lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow(flatten(record))
    return buffer.getvalue()


def to_json(records: list[dict[str, Any]], *, deidentified: bool) -> str:
    return json.dumps({"standard": "HTCDS 2.0", "source": CITATION,
                       "extension": "x_wsp_* fields and vic_TypeOfExploitation="
                                    "ForcedCriminality are Waspada extensions",
                       "deidentified": deidentified, "count": len(records),
                       "cases": records}, ensure_ascii=False, indent=1, default=str)


# -- the inverse (exchange between installations) ---------------------------------------------
# Minimal: today's mapped fields only (the complete inverse comes with the full field table).

_CASE_INVERSE = (("vic_TraffickingStatus", "trafficking_status"),
                 ("vic_MethodOfRecruitment", "recruitment_method"),
                 ("x_wsp_CompoundType", "compound_type"),
                 ("x_wsp_ForcedCriminalityActivities", "forced_activities"),
                 ("x_wsp_DestinationCountry", "destination_country"))


def _person_from_htcds(person: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {ours: person[h] for h, ours in _PERSON_MAP if h in person}
    if "x_wsp_PersonRole" in person:
        out["role"] = person["x_wsp_PersonRole"]
    if "per_RoleInProcess" in person:
        out["perpetrator_role"] = person["per_RoleInProcess"]
    if "per_RoleDetails" in person:
        out["role_details"] = person["per_RoleDetails"]
    if "prs_FirstName" in person and not ({"prs_MiddleName", "prs_SecondName"} & set(person)):
        out["full_name"] = out.pop("first_name")  # a whole name kept in prs_FirstName
    return out


def htcds_to_case(record: dict[str, Any]) -> dict[str, Any]:
    """An HTCDS record (as :func:`case_to_htcds` makes it) back as case input fields: only the
    fields the record carries, so a record filtered for a partner never blanks anything."""
    out: dict[str, Any] = {ours: record[h] for h, ours in _CASE_INVERSE if h in record}
    if "vic_TypeOfExploitation" in record:
        value = record["vic_TypeOfExploitation"]
        out["exploitation_type"] = (list(value) if isinstance(value, list | tuple)
                                    else [v for v in str(value).split(",") if v])
    if "persons" in record:
        out["persons"] = [_person_from_htcds(p) for p in record["persons"]]
    if "historic_trafficking_events" in record:
        out["events"] = [{ours: e[h] for h, ours in _EVENT_MAP if h in e}
                         for e in record["historic_trafficking_events"]]
    return out
