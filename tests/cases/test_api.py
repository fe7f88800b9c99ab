"""Cases API: intake, unit scoping, field visibility per role, transitions, consent-gated
referrals, duplicates and merges, attachments, exports, stats, subject export, retention."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.cases.conftest import create_case, unique_name
from tests.conftest import csrf_headers

SPLP_PATH = [
    ("verify", {"trafficking_status": "ActualVictimOfTrafficking", "note": "dikonfirmasi"}),
    ("locate", {"location_country": "KH", "location_city": "Sihanoukville"}),
    ("exit", {"exit_date": "2026-01-05", "exit_mode": "rescued"}),
    ("shelter", {"shelter_name": "Shelter KBRI"}),
    ("verify_citizenship", {"citizenship_basis": "nik_dukcapil"}),
    ("issue_splp", {"splp_number": "SPLP-PNH-0001", "splp_issued_on": "2026-01-08"}),
]


def _move(client, case_id: int, code: str, values: dict) -> object:  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/cases/{case_id}/transitions",
                       json={"transition": code, "values": values})


def test_officer_intake_and_case_page_with_full_fields(protection) -> None:  # type: ignore[no-untyped-def]
    name = unique_name()
    case = create_case(protection, name)
    assert case["reference"].startswith("WSP-") and case["status"] == "reported"
    assert case["owner_unit"] == "KBRI Phnom Penh"
    assert case["due_at"] is not None and case["overdue"] is False
    victim = next(p for p in case["persons"] if p["role"] == "victim")
    assert victim["full_name"] == name and victim["mobile_phone"] == "+6281234567890"
    assert case["hidden"] == []
    assert {t["code"] for t in case["transitions"]} == {"verify", "mark_not_victim",
                                                       "mark_duplicate", "lose_contact",
                                                       "record_return"}
    assert [e["type"] for e in case["events"]] == ["Recruitment", "Exploitation"]


def test_field_visibility_per_role(role_clients, protection) -> None:  # type: ignore[no-untyped-def]
    name = unique_name()
    case = create_case(protection, name)
    cid = case["id"]
    protection.post(f"/api/v1/cases/{cid}/comments", json={"body": "Keluarga dihubungi."})
    protection.post(f"/api/v1/cases/{cid}/assessments",
                    json={"level": "individual", "risk": "high", "notes": "trauma berat"})
    analyst = role_clients["analyst"].get(f"/api/v1/cases/{cid}").json()
    victim = next(p for p in analyst["persons"] if p["role"] == "victim")
    assert victim["full_name"] is None and victim["birth_date"] is None
    assert victim["mobile_phone"] is None and victim["display_name"].startswith("V-")
    assert victim["age_band"] == "25-34"
    assert analyst["summary"] is None and analyst["comments"] == []
    assert analyst["assessments"] == []
    assert name not in json.dumps(analyst)
    assert set(analyst["hidden"]) == {"identity", "contact", "narrative", "sensitive"}
    # the analyst reaches every unit's cases (de-identified) and lists them
    listed = role_clients["analyst"].get("/api/v1/cases", params={"reference": case["reference"]})
    assert listed.json()["cases"][0]["victim"].startswith("V-")
    full = protection.get(f"/api/v1/cases/{cid}").json()
    assert full["assessments"][0]["notes"] == "trauma berat"
    assert full["comments"][0]["body"] == "Keluarga dihubungi."


def test_units_see_their_own_cases_unless_shared(role_clients, protection) -> None:  # type: ignore[no-untyped-def]
    case = create_case(protection)
    checkpoint = role_clients["checkpoint_officer"]
    assert checkpoint.get(f"/api/v1/cases/{case['id']}").status_code == 404
    refs = [c["reference"] for c in checkpoint.get("/api/v1/cases").json()["cases"]]
    assert case["reference"] not in refs
    # the checkpoint officer's own intake (a returning victim at the airport) is theirs
    own = create_case(checkpoint)
    assert own["owner_unit"] == "TPI Soekarno-Hatta"
    assert protection.get(f"/api/v1/cases/{own['id']}").status_code == 404
    for role in ("auditor", "admin"):
        assert role_clients[role].get(f"/api/v1/cases/{case['id']}").status_code == 403


def test_transitions_through_the_api_allowed_and_refused(role_clients, protection) -> None:  # type: ignore[no-untyped-def]
    case = create_case(protection)
    cid = case["id"]
    # wrong state
    response = _move(protection, cid, "issue_splp", {"splp_number": "1", "splp_issued_on": "2026-01-01"})
    assert response.status_code == 409 and response.json()["error"]["code"] == "wrong_state"
    # says where the case is and where the step starts (walk17: "transition refused: wrong_state")
    assert "the case is reported" in response.json()["error"]["message"]
    assert "citizenship_verified" in response.json()["error"]["message"]
    unknown = _move(protection, cid, "fly_home", {})
    assert unknown.status_code == 404 and "/api/v1/cases/workflow" in unknown.json()["error"]["message"]
    # missing fields
    response = _move(protection, cid, "verify", {})
    assert response.status_code == 422
    assert response.json()["error"]["problems"]["trafficking_status"] == "required"
    # a role without the transition permission at all
    assert _move(role_clients["analyst"], cid, "verify", {}).status_code == 403
    for code, values in SPLP_PATH:
        response = _move(protection, cid, code, values)
        assert response.status_code == 201, (code, response.text)
    page = protection.get(f"/api/v1/cases/{cid}").json()
    assert page["status"] == "splp_issued"
    assert [h["to"] for h in page["history"]][-3:] == ["in_shelter", "citizenship_verified",
                                                       "splp_issued"]
    step = page["history"][-1]
    assert step["actor"] == "pelindungan" and step["values"]["splp_number"] == "SPLP-PNH-0001"
    assert step["at"]
    assert page["trafficking_status"] == "ActualVictimOfTrafficking"


def test_consent_gates_referrals_and_the_receiving_side_sees_its_fields(role_clients, protection) -> None:  # type: ignore[no-untyped-def]
    case = create_case(protection)
    cid = case["id"]
    checkpoint = role_clients["checkpoint_officer"]
    refer = {"organisation": "TPI_CGK", "reason": "MigrationOrChangeOfLocation",
             "details": "Kepulangan via CGK"}
    response = protection.post(f"/api/v1/cases/{cid}/referrals", json=refer)
    assert response.status_code == 409 and response.json()["error"]["code"] == "consent_required"
    # refusal recorded: still blocked
    protection.post(f"/api/v1/cases/{cid}/consents", json={"scope": "referral", "given": False})
    assert protection.post(f"/api/v1/cases/{cid}/referrals", json=refer).status_code == 409
    assert checkpoint.get(f"/api/v1/cases/{cid}").status_code == 404
    # consent given
    protection.post(f"/api/v1/cases/{cid}/consents", json={"scope": "referral", "given": True,
                                                           "method": "written"})
    response = protection.post(f"/api/v1/cases/{cid}/referrals", json=refer)
    assert response.status_code == 201, response.text
    # the receiving unit now sees the case with its role's fields: identity, not contacts
    shared = checkpoint.get(f"/api/v1/cases/{cid}")
    assert shared.status_code == 200
    data = shared.json()
    victim = next(p for p in data["persons"] if p["role"] == "victim")
    assert victim["full_name"] and victim["mobile_phone"] is None
    assert data["assessments"] == [] and "contact" in data["hidden"]
    referral_id = data["referrals"][0]["id"]
    assert data["pending_referrals_for_me"] == [referral_id]
    # only the receiving unit answers
    assert protection.post(f"/api/v1/cases/referrals/{referral_id}/answer",
                           json={"accept": True}).status_code == 404
    answer = checkpoint.post(f"/api/v1/cases/referrals/{referral_id}/answer",
                             json={"accept": True, "note": "siap"})
    assert answer.json()["status"] == "accepted"
    assert checkpoint.post(f"/api/v1/cases/referrals/{referral_id}/answer",
                           json={"accept": True}).status_code == 409


def test_consent_override_needs_permission_and_reason(role_clients, protection) -> None:  # type: ignore[no-untyped-def]
    case = create_case(protection)
    cid = case["id"]
    body = {"organisation": "POLRI", "override_reason": "singkat"}
    assert protection.post(f"/api/v1/cases/{cid}/referrals", json=body).status_code == 422
    body["override_reason"] = "Korban masih ditahan, nyawa terancam; polisi harus bertindak."
    response = protection.post(f"/api/v1/cases/{cid}/referrals", json=body)
    assert response.status_code == 201
    page = protection.get(f"/api/v1/cases/{cid}").json()
    assert page["referrals"][0]["override"] is True
    # other roles cannot refer at all
    assert role_clients["checkpoint_officer"].post(
        f"/api/v1/cases/{cid}/referrals", json=body).status_code == 403


def test_declined_referral_removes_access_and_transfer_moves_ownership(role_clients, protection) -> None:  # type: ignore[no-untyped-def]
    checkpoint = role_clients["checkpoint_officer"]
    case = create_case(protection)
    cid = case["id"]
    protection.post(f"/api/v1/cases/{cid}/consents", json={"scope": "referral", "given": True})
    rid = protection.post(f"/api/v1/cases/{cid}/referrals",
                          json={"organisation": "TPI_CGK"}).json()["id"]
    checkpoint.post(f"/api/v1/cases/referrals/{rid}/answer", json={"accept": False})
    assert checkpoint.get(f"/api/v1/cases/{cid}").status_code == 404
    protection.post(f"/api/v1/cases/{cid}/referrals",
                    json={"organisation": "TPI_CGK", "kind": "transfer"})
    rid = protection.get(f"/api/v1/cases/{cid}").json()["referrals"][-1]["id"]
    checkpoint.post(f"/api/v1/cases/referrals/{rid}/answer", json={"accept": True})
    moved = checkpoint.get(f"/api/v1/cases/{cid}").json()
    assert moved["owner_unit"] == "TPI Soekarno-Hatta"
    # the sending unit keeps read access to follow up
    assert protection.get(f"/api/v1/cases/{cid}").status_code == 200


def test_duplicates_detected_merged_and_unmerged(protection) -> None:  # type: ignore[no-untyped-def]
    base = unique_name()
    family = create_case(protection, base, source="family")
    # the same victim reported by an NGO: old spelling and a title, same birth date
    first, second, last = base.split()
    variant = f"Hj. {first.upper()} {second} {last}".replace("u", "oe", 1) if "u" in first \
        else f"Hj. {first.upper()} {second} {last}"
    ngo = create_case(protection, variant, source="ngo")
    assert ngo["duplicates"], ngo["persons"]
    dup = ngo["duplicates"][0]
    assert dup["other_case_id"] == family["id"] and dup["score"] >= 70
    # an unrelated person is not flagged against them
    other = create_case(protection, unique_name())
    assert all(d["other_case_id"] not in (family["id"], ngo["id"]) for d in other["duplicates"])
    # merge needs a reason
    response = protection.post(f"/api/v1/cases/{family['id']}/merge",
                               json={"duplicate_case_id": ngo["id"], "reason": ""})
    assert response.status_code == 422
    response = protection.post(f"/api/v1/cases/{family['id']}/merge",
                               json={"duplicate_case_id": ngo["id"],
                                     "reason": "sama: nama, tanggal lahir, keluarga"})
    assert response.status_code == 201, response.text
    merged = protection.get(f"/api/v1/cases/{ngo['id']}").json()
    assert merged["status"] == "duplicate" and merged["merged_into_id"] == family["id"]
    survivor = protection.get(f"/api/v1/cases/{family['id']}").json()
    assert survivor["merged_cases"][0]["id"] == ngo["id"]
    merge_id = survivor["merges"][0]["id"]
    undo = protection.post(f"/api/v1/cases/merges/{merge_id}/undo", json={})
    assert undo.status_code == 200
    restored = protection.get(f"/api/v1/cases/{ngo['id']}").json()
    assert restored["status"] == "reported" and restored["merged_into_id"] is None
    assert restored["duplicates"]  # the flag is open again
    assert protection.post(f"/api/v1/cases/merges/{merge_id}/undo", json={}).status_code == 409


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n"


def test_attachments_are_checked_stored_safely_and_audited(role_clients, protection, settings) -> None:  # type: ignore[no-untyped-def]
    case = create_case(protection)
    cid = case["id"]
    url = f"/api/v1/cases/{cid}/attachments"
    headers = csrf_headers(protection)
    ok = protection.post(url, files={"file": ("../../etc/paspor.png", PNG, "text/html")}, headers=headers)
    assert ok.status_code == 201, ok.text
    fake = protection.post(url, files={"file": ("x.pdf", b"<html><script>alert(1)</script>",
                                                "application/pdf")}, headers=headers)
    assert fake.status_code == 415
    big = protection.post(url, files={"file": ("big.pdf", PDF + b"0" * (5 * 1024 * 1024),
                                               "application/pdf")}, headers=headers)
    assert big.status_code == 413
    page = protection.get(f"/api/v1/cases/{cid}").json()
    item = page["attachments"][0]
    assert item["name"] == "paspor.png" and item["content_type"] == "image/png"
    stored = list((settings.data_dir / "attachments").iterdir())
    assert all(".." not in p.name and "paspor" not in p.name for p in stored)
    download = protection.get(f"{url}/{item['id']}")
    assert download.status_code == 200 and download.content == PNG
    assert download.headers["content-type"] == "image/png"
    assert download.headers["content-disposition"].startswith("attachment")
    # analysts and officers without the sensitive group cannot download
    assert role_clients["analyst"].get(f"{url}/{item['id']}").status_code == 403
    audit_rows = role_clients["auditor"].get("/api/v1/audit",
                                             params={"action": "case.attachment_download"}).json()
    assert any(r["object_id"] == str(cid) for r in audit_rows)


def test_every_view_is_audited(role_clients, protection) -> None:  # type: ignore[no-untyped-def]
    case = create_case(protection)
    role_clients["analyst"].get(f"/api/v1/cases/{case['id']}")
    protection.get(f"/api/v1/cases/{case['id']}")
    rows = role_clients["auditor"].get("/api/v1/audit", params={"action": "case.view",
                                                                "object_type": "case"}).json()
    viewers = {r["actor"] for r in rows if r["object_id"] == str(case["id"])}
    assert {"analis", "pelindungan"} <= viewers


def test_list_filters_stats_and_overdue(role_clients, protection) -> None:  # type: ignore[no-untyped-def]
    case = create_case(protection, destination_country="MM", exploitation_type=["ForcedLabour"])
    found = protection.get("/api/v1/cases", params={"destination": "MM",
                                                    "exploitation": "ForcedLabour"}).json()
    assert case["id"] in [c["id"] for c in found["cases"]]
    assert all(c["destination_country"] == "MM" for c in found["cases"])
    by_status = protection.get("/api/v1/cases", params={"status": "closed"}).json()["cases"]
    assert all(c["status"] == "closed" for c in by_status)
    # make it overdue: push its deadline into the past
    from waspada.cases.models import Case
    from waspada.platform.db import session_scope, utcnow

    with session_scope() as session:
        session.get(Case, case["id"]).due_at = utcnow() - timedelta(days=1)
    overdue = protection.get("/api/v1/cases", params={"overdue": "true"}).json()["cases"]
    assert case["id"] in [c["id"] for c in overdue] and all(c["overdue"] for c in overdue)
    stats = role_clients["analyst"].get("/api/v1/cases/stats").json()
    assert stats["total"] >= 1 and stats["by_status"]["reported"] >= 1 and stats["overdue"] >= 1
    assert any(len(m) == 7 for m in stats["by_month"])
    k = role_clients["analyst"].get("/api/v1/cases/stats", params={"k": 11}).json()
    assert all(v is None or v >= 11 or v == 0 for v in k["by_status"].values())


def test_htcds_export_names_only_for_roles_that_may_see_them(role_clients, protection) -> None:  # type: ignore[no-untyped-def]
    name = unique_name()
    case = create_case(protection, name)
    cid = case["id"]
    full = protection.get("/api/v1/cases/export", params={"ids": str(cid)}).json()
    assert full["deidentified"] is False and full["source"] == "HTCDS by IOM, CC BY 4.0"
    record = full["cases"][0]
    assert record["cas_Status"] == "Active" and record["x_wsp_WorkflowState"] == "reported"
    assert record["vic_TypeOfExploitation"] == ["ForcedCriminality"]
    assert record["x_wsp_CompoundType"] == "OnlineScam"
    victim = next(p for p in record["persons"] if p["x_wsp_PersonRole"] == "victim")
    assert victim["prs_Birthdate"] == "1999-04-12"
    assert record["historic_trafficking_events"][0]["hte_Type"] == "Recruitment"
    de = role_clients["analyst"].get("/api/v1/cases/export",
                                     params={"ids": str(cid), "format": "htcds-csv"})
    assert de.status_code == 200 and de.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(de.content)) as archive:  # issue #17: one CSV per object
        files = {n: archive.read(n).decode() for n in archive.namelist()}
    rows = list(csv.DictReader(io.StringIO(files["persons.csv"])))
    assert rows[0]["x_wsp_Reference"] == case["reference"]
    assert rows[0]["prs_FirstName"] == "" and rows[0]["prs_Birthdate"] == ""
    events = list(csv.DictReader(io.StringIO(files["trafficking_events.csv"])))
    assert [(e["hte_Type"], e["hte_City"]) for e in events] == [
        ("Recruitment", "Medan"), ("Exploitation", "Sihanoukville")]
    assert not any(name.split()[0] in text for text in files.values())
    assert role_clients["checkpoint_officer"].get("/api/v1/cases/export").status_code == 403


def test_the_htcds_export_declares_its_document_and_sends_the_same_bytes(protection, app) -> None:  # type: ignore[no-untyped-def]
    """``GET /api/v1/cases/export`` has a response schema in the OpenAPI document (the HTCDS
    document, from the field table; the zip as binary), and still answers the export's own
    bytes: the schema describes them, it does not rewrite them."""
    from waspada.cases.htcds_export import export_file
    from waspada.cases.htcds_models import HtcdsExportOut, HtcdsRecordOut
    from waspada.cases.schemas import HtcdsExportIn
    from waspada.platform.db import session_scope
    from waspada.platform.security.models import User
    from waspada.platform.security.policy import Principal
    from waspada.platform.security.roles import Role

    declared = app.openapi()["paths"]["/api/v1/cases/export"]["get"]["responses"]["200"]
    assert declared["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/HtcdsExportOut"}
    assert declared["content"]["application/zip"]["schema"]["format"] == "binary"
    record_schema = app.openapi()["components"]["schemas"]["HtcdsRecordOut"]["properties"]
    assert {"cas_Status", "vic_TypeOfExploitation", "x_wsp_CompoundType", "persons"} <= set(
        record_schema)
    cid = create_case(protection, unique_name())["id"]
    answer = protection.get("/api/v1/cases/export", params={"ids": str(cid)})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    with session_scope() as db:
        user = db.scalar(select(User).where(User.username == "pelindungan"))
        officer = Principal(user_id=user.id, username=user.username, role=Role(user.role),
                            unit_id=user.unit_id)
        direct = export_file(db, officer, HtcdsExportIn(ids=[cid]))
    assert answer.content == direct.data  # byte for byte: indent=1, non-ASCII kept
    document = HtcdsExportOut.model_validate_json(answer.content)
    record = json.loads(answer.content)["cases"][0]
    assert document.count == 1 and set(record) <= set(HtcdsRecordOut.model_fields), (
        "every field of the record is declared")
    for person in record["persons"]:
        item = HtcdsRecordOut.model_fields["persons"].annotation
        assert set(person) <= set(item.__args__[0].model_fields)  # type: ignore[union-attr]  # list[model]


def test_subject_export_contains_data_and_access_history(role_clients, protection) -> None:  # type: ignore[no-untyped-def]
    name = unique_name()
    case = create_case(protection, name)
    role_clients["analyst"].get(f"/api/v1/cases/{case['id']}")
    victim = next(p for p in case["persons"] if p["role"] == "victim")
    response = protection.get(f"/api/v1/cases/persons/{victim['id']}/subject-export")
    assert response.status_code == 200
    data = response.json()
    assert data["person"]["full_name"] == name
    assert data["case"]["reference"] == case["reference"]
    actions = {(e["actor"], e["action"]) for e in data["access_history"]}
    assert ("analis", "case.view") in actions and ("pelindungan", "case.create") in actions
    assert role_clients["analyst"].get(
        f"/api/v1/cases/persons/{victim['id']}/subject-export").status_code == 403


def test_retention_anonymises_closed_cases_after_the_period(role_clients, protection) -> None:  # type: ignore[no-untyped-def]
    name = unique_name()
    case = create_case(protection, name)
    cid = case["id"]
    assert _move(protection, cid, "mark_not_victim", {"note": "pekerja legal"}).status_code == 201
    protection.post(f"/api/v1/cases/{cid}/comments", json={"body": "nama ibu: Sutinah"})
    admin = role_clients["admin"]
    # not yet due
    assert cid not in admin.post("/api/v1/cases/retention/run", json={}).json()["case_ids"]
    from waspada.cases.models import Case
    from waspada.platform.db import session_scope, utcnow

    with session_scope() as session:
        session.get(Case, cid).closed_at = utcnow() - timedelta(days=800)
    result = admin.post("/api/v1/cases/retention/run", json={}).json()
    assert cid in result["case_ids"]
    data = protection.get(f"/api/v1/cases/{cid}").json()
    victim = next(p for p in data["persons"] if p["role"] == "victim")
    assert victim["full_name"] is None and victim["mobile_phone"] is None
    assert victim["birth_date"] == "1999-07-01" and data["anonymised"] is True
    assert data["comments"][0]["body"] == "[anonymised]"
    assert name not in json.dumps(data)
    # idempotent, and only an admin runs it
    assert cid not in admin.post("/api/v1/cases/retention/run",
                                 params={"older_than_days": 0}, json={}).json()["case_ids"]
    assert protection.post("/api/v1/cases/retention/run", json={}).status_code == 403


def test_organisations_listed_and_added_by_admin(role_clients, protection) -> None:  # type: ignore[no-untyped-def]
    orgs = {o["code"]: o for o in protection.get("/api/v1/cases/organisations").json()}
    assert {"DITJENIM", "KBRI_PNH", "KEMLU_PWNI", "KP2MI", "POLRI", "DINSOS", "IOM",
            "NGO"} <= set(orgs)
    assert orgs["KBRI_PNH"]["in_waspada"] is True
    import uuid

    code = "NGO_" + uuid.uuid4().hex[:6].upper()
    response = role_clients["admin"].post("/api/v1/cases/organisations", json={
        "code": code, "name": "Yayasan Uji", "org_type": "NGO", "unit": "Yayasan Uji " + code})
    assert response.status_code == 201
    assert protection.post("/api/v1/cases/organisations", json={
        "code": "X", "name": "x"}).status_code == 403
    assert code in {o["code"] for o in protection.get("/api/v1/cases/organisations").json()}


def test_invalid_input_is_refused(protection) -> None:  # type: ignore[no-untyped-def]
    bad = protection.post("/api/v1/cases", json={"persons": [{"role": "reporter",
                                                               "full_name": "A"}]})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "victim_required"
    bad = protection.post("/api/v1/cases", json={"exploitation_type": ["Mystery"],
                                                 "persons": [{"full_name": "B"}]})
    assert bad.status_code == 422
    assert protection.get("/api/v1/cases/99999999").status_code == 404


@pytest.mark.parametrize("role", ["passport_officer"])
def test_passport_officer_can_create_and_comment_but_not_move(role_clients, role) -> None:  # type: ignore[no-untyped-def]
    client = role_clients[role]
    case = create_case(client)
    assert client.post(f"/api/v1/cases/{case['id']}/comments",
                       json={"body": "pemohon paspor mengaku korban"}).status_code == 201
    assert _move(client, case["id"], "verify", {}).status_code == 403


def test_mark_duplicate_transition_is_a_merge_that_can_be_undone(protection) -> None:  # type: ignore[no-untyped-def]
    survivor = create_case(protection)
    other = create_case(protection)
    response = _move(protection, other["id"], "mark_duplicate",
                     {"duplicate_of": survivor["reference"], "note": "laporan ganda"})
    assert response.status_code == 201, response.text
    page = protection.get(f"/api/v1/cases/{survivor['id']}").json()
    assert page["merged_cases"] == [{"id": other["id"], "reference": other["reference"]}]
    merge_id = page["merges"][0]["id"]
    assert protection.post(f"/api/v1/cases/merges/{merge_id}/undo", json={}).status_code == 200
    assert protection.get(f"/api/v1/cases/{other['id']}").json()["status"] == "reported"
    bad = _move(protection, other["id"], "mark_duplicate",
                {"duplicate_of": "WSP-0000-999999", "note": "x"})
    assert bad.status_code == 422


def _referred_case(protection):  # type: ignore[no-untyped-def]
    """A new case referred to TPI_CGK with the victim's written consent: its id and the
    referral's 201 response."""
    cid = create_case(protection)["id"]
    protection.post(f"/api/v1/cases/{cid}/consents", json={"scope": "referral", "given": True,
                                                           "method": "written"})
    response = protection.post(f"/api/v1/cases/{cid}/referrals", json={
        "organisation": "TPI_CGK", "reason": "MigrationOrChangeOfLocation", "details": "x"})
    assert response.status_code == 201, response.text
    return cid, response


def test_the_case_page_dates_a_referral_as_readers_write_it(protection) -> None:  # type: ignore[no-untyped-def]
    """walk task17: the referral line read "Menunggu jawaban · 2026-12-01"."""
    import re

    cid, _response = _referred_case(protection)
    page = protection.get(f"/cases/{cid}").text
    line = page.split('<ul id="referrals">', 1)[1].split("</li>", 1)[0]
    assert re.search(r"· \d{2}-\d{2}-\d{4}", line) and not re.search(r"\d{4}-\d{2}-\d{2}", line)


def test_the_case_page_dates_a_referral_on_the_units_calendar(protection) -> None:  # type: ignore[no-untyped-def]
    """walk19: a referral made at 03:00 in Phnom Penh on 2 December (20:00 UTC on 1 December)
    read "01-12-2026" on the case page beside a case reported "02-12-2026" (the printed letter
    was fixed in walk18, the page kept the UTC date)."""
    from datetime import UTC, datetime

    from waspada.cases.models import Referral
    from waspada.platform.db import session_scope

    cid, response = _referred_case(protection)
    with session_scope() as session:
        referral = session.get(Referral, response.json()["id"])
        assert referral is not None
        referral.created_at = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
        session.commit()
    page = protection.get(f"/cases/{cid}").text
    line = page.split('<ul id="referrals">', 1)[1].split("</li>", 1)[0]
    assert "02-12-2026" in line and "01-12-2026" not in line


def test_no_second_referral_to_the_same_organisation_while_one_is_pending(role_clients, protection) -> None:  # type: ignore[no-untyped-def]
    checkpoint = role_clients["checkpoint_officer"]
    cid = create_case(protection)["id"]
    protection.post(f"/api/v1/cases/{cid}/consents", json={"scope": "referral", "given": True})
    first = protection.post(f"/api/v1/cases/{cid}/referrals", json={"organisation": "TPI_CGK"})
    assert first.status_code == 201
    for kind in ("referral", "transfer"):
        again = protection.post(f"/api/v1/cases/{cid}/referrals",
                                json={"organisation": "tpi_cgk", "kind": kind})
        assert again.status_code == 409, again.text
        assert again.json()["error"]["code"] == "referral_pending"
    assert len(protection.get(f"/api/v1/cases/{cid}").json()["referrals"]) == 1
    # another organisation meanwhile is fine
    assert protection.post(f"/api/v1/cases/{cid}/referrals",
                           json={"organisation": "IOM"}).status_code == 201
    # once the first is answered, a new referral to the same organisation may follow
    checkpoint.post(f"/api/v1/cases/referrals/{first.json()['id']}/answer",
                    json={"accept": False})
    assert protection.post(f"/api/v1/cases/{cid}/referrals",
                           json={"organisation": "TPI_CGK"}).status_code == 201
    assert len(protection.get(f"/api/v1/cases/{cid}").json()["referrals"]) == 3
