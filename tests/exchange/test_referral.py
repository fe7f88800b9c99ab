"""Referrals and case updates between two installations: consent, global ids, versions,
idempotent apply, preview, duplicate detection and conflicts (issue #17 section 2)."""

from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.cases.conftest import create_case, unique_name
from tests.exchange.conftest import A_AS_PARTNER, B_AS_PARTNER
from waspada.cases import sharing
from waspada.cases.htcds import HtcdsError
from waspada.cases.models import Case, Person
from waspada.exchange import consent, handlers, referral
from waspada.exchange.content_errors import ConsentMissing, ContentError
from waspada.exchange.records import ExchangeConflict, SharedCase
from waspada.platform import audit
from waspada.platform.db import session_factory
from waspada.platform.security.policy import Principal


def _victim_id(db: Session, case_id: int) -> int:
    return int(db.scalar(select(Person.id).where(Person.case_id == case_id,
                                                 Person.role == "victim")))


def _consent(case_id: int, officer: Principal, partner=B_AS_PARTNER, purpose="services",  # type: ignore[no-untyped-def]
             given: bool = True) -> None:
    with session_factory()() as db:
        consent.record(db, officer.username, case_id, _victim_id(db, case_id),
                       recipient_kind="partner", recipient=partner.name, purpose=purpose,
                       given=given, method="written")
        db.commit()


def _build(officer: Principal, reference: str, partner=B_AS_PARTNER,  # type: ignore[no-untyped-def]
           override: str | None = None) -> dict:
    with session_factory()() as db:
        payload = referral.build_referral(db, officer, reference, partner,
                                          consent_override=override)
        db.commit()
    return copy.deepcopy(payload)


def _apply(sessions: sessionmaker[Session], actor: Principal, payload: dict, *,
           preview: bool = False, partner=A_AS_PARTNER, kind: str = "referral"  # type: ignore[no-untyped-def]
           ) -> handlers.Applied:
    handler = handlers.get(kind)
    assert handler is not None
    with sessions() as db:
        applied = handler.apply(db, actor, partner, copy.deepcopy(payload), preview=preview)
        db.commit()
    return applied


def _count(sessions: sessionmaker[Session], model) -> int:  # type: ignore[no-untyped-def]
    with sessions() as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture()
def case_a(role_clients) -> dict:  # type: ignore[no-untyped-def]
    return create_case(role_clients["protection_officer"], name=unique_name())


def test_a_referral_without_consent_is_refused_and_nothing_leaves(case_a, a_officer) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConsentMissing) as refused:
        _build(a_officer, case_a["reference"])
    assert refused.value.code == "consent_missing" and refused.value.status == 409
    with session_factory()() as db:
        assert referral.shared_case(db, case_a["id"]) is None  # the refusal wrote nothing


def test_a_refused_or_withdrawn_consent_is_no_consent(case_a, a_officer) -> None:  # type: ignore[no-untyped-def]
    _consent(case_a["id"], a_officer, given=False)
    with pytest.raises(ConsentMissing):
        _build(a_officer, case_a["reference"])
    _consent(case_a["id"], a_officer)
    assert _build(a_officer, case_a["reference"])["consent_basis"]["type"] == "consent"
    with session_factory()() as db:
        newest = consent.for_case(db, case_a["id"])[-1]
        consent.withdraw(db, a_officer.username, case_a["id"], newest.id)
        db.commit()
    with pytest.raises(ConsentMissing):
        _build(a_officer, case_a["reference"])


def test_consent_for_another_partner_or_purpose_does_not_count(case_a, a_officer) -> None:  # type: ignore[no-untyped-def]
    _consent(case_a["id"], a_officer, partner=A_AS_PARTNER)
    _consent(case_a["id"], a_officer, purpose="verification")
    with pytest.raises(ConsentMissing):
        _build(a_officer, case_a["reference"])
    with session_factory()() as db:  # consent for the partner's organisation type counts
        consent.record(db, "x", case_a["id"], _victim_id(db, case_a["id"]),
                       recipient_kind="organisation", recipient="ImmigrationService",
                       purpose="services", given=True, method="verbal")
        db.commit()
    assert _build(a_officer, case_a["reference"])["consent_basis"]["type"] == "consent"


def test_a_consent_override_needs_a_reason_and_is_audited_and_marked(case_a, a_officer) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ContentError) as short:
        _build(a_officer, case_a["reference"], override="darurat")
    assert short.value.code == "override_reason"
    reason = "UU 21/2007 pasal 44: korban tidak sadar, nyawa terancam"
    payload = _build(a_officer, case_a["reference"], override=reason)
    assert payload["consent_basis"] == {"type": "override", "purpose": "services",
                                        "reason": reason}
    with session_factory()() as db:
        entry = db.scalars(select(audit.AuditEntry).where(
            audit.AuditEntry.action == "exchange.consent_override",
            audit.AuditEntry.object_id == str(case_a["id"]))).one()
        assert json.loads(entry.detail)["reason"] == reason


def test_referral_applies_once_even_when_delivered_three_times(  # type: ignore[no-untyped-def]
        case_a, a_officer, b_sessions, b_officer) -> None:
    _consent(case_a["id"], a_officer)
    payload = _build(a_officer, case_a["reference"])
    assert payload["version"] == 1 and payload["sender_case_number"] == case_a["reference"]
    cases_before = _count(b_sessions, Case)
    preview = _apply(b_sessions, b_officer, payload, preview=True)
    assert preview.created and preview.changes and preview.case_number is None
    assert _count(b_sessions, Case) == cases_before  # the preview wrote nothing
    first = _apply(b_sessions, b_officer, payload)
    assert first.created and first.changed and first.case_number
    for _ in range(2):
        again = _apply(b_sessions, b_officer, payload)
        assert (again.created, again.changed, again.conflict) == (False, False, False)
        assert again.case_number == first.case_number
    assert _count(b_sessions, Case) == cases_before + 1
    with b_sessions() as db:
        case_id = sharing.case_id_by_reference(db, b_officer, first.case_number)
        victim = sharing.persons(db, case_id)[0]
        assert victim["full_name"] == case_a["persons"][0]["full_name"]
        assert victim["mobile_phone"] is None  # not for ImmigrationService (field policy)
        assert not [p for p in sharing.persons(db, case_id) if p["role"] == "reporter"]


def test_a_newer_version_updates_an_older_one_is_ignored(  # type: ignore[no-untyped-def]
        case_a, a_officer, b_sessions, b_officer, role_clients) -> None:
    _consent(case_a["id"], a_officer)
    v1 = _build(a_officer, case_a["reference"])
    created = _apply(b_sessions, b_officer, v1)
    protection = role_clients["protection_officer"]
    response = protection.post(f"/api/v1/cases/{case_a['id']}/events", json={
        "type": "Transit", "city": "Bangkok", "country": "TH", "date": "2025-11-20"})
    assert response.status_code in (200, 201), response.text
    v2 = _build(a_officer, case_a["reference"])
    assert v2["version"] == 2  # the local change was counted once
    assert _build(a_officer, case_a["reference"])["version"] == 2
    preview = _apply(b_sessions, b_officer, v2, preview=True, kind="case_update")
    assert preview.changed and [c["field"] for c in preview.changes] == [
        "historic_trafficking_events"]
    updated = _apply(b_sessions, b_officer, v2, kind="case_update")
    assert updated.changed and updated.case_number == created.case_number
    stale = _apply(b_sessions, b_officer, v1, kind="case_update")
    assert not stale.changed and not stale.conflict
    with b_sessions() as db:
        case_id = sharing.case_id_by_reference(db, b_officer, created.case_number)
        assert ("Transit", "2025-11-20", "Bangkok", "TH") in sharing.event_keys(db, case_id)


def test_concurrent_edits_become_a_conflict_resolved_by_a_person(  # type: ignore[no-untyped-def]
        case_a, a_officer, b_sessions, b_officer) -> None:
    _consent(case_a["id"], a_officer)
    created = _apply(b_sessions, b_officer, _build(a_officer, case_a["reference"]))
    with b_sessions() as db:  # B corrects the birth date
        case_b = sharing.case_id_by_reference(db, b_officer, created.case_number)
        victim_b = sharing.persons(db, case_b)[0]["id"]
        sharing.update_case(db, case_b, {}, {victim_b: {"birth_date": "1999-04-21"}}, [], [])
        db.commit()
    with session_factory()() as db:  # ... while A corrects it differently
        sharing.update_case(db, case_a["id"], {"trafficking_status": "ActualVictimOfTrafficking"},
                            {_victim_id(db, case_a["id"]): {"birth_date": "1999-04-13"}}, [], [])
        db.commit()
    v2 = _build(a_officer, case_a["reference"])
    result = _apply(b_sessions, b_officer, v2, kind="case_update")
    assert result.conflict and not result.changed
    again = _apply(b_sessions, b_officer, v2, kind="case_update")
    assert again.conflict and _count(b_sessions, ExchangeConflict) >= 1
    with b_sessions() as db:
        conflict = db.scalars(select(ExchangeConflict).where(
            ExchangeConflict.case_id == case_b)).one()  # once, not per delivery
        assert sharing.persons(db, case_b)[0]["birth_date"].isoformat() == "1999-04-21"
        fields = {f["field"]: f for f in referral.conflict_fields(conflict)}
        birth = next(name for name in fields if name.endswith("prs_Birthdate"))
        assert fields[birth]["local"] == "1999-04-21" and fields[birth]["incoming"] == "1999-04-13"
        with pytest.raises(ContentError):
            referral.resolve_conflict(db, b_officer, conflict, {birth: "local"})
        outcome = referral.resolve_conflict(db, b_officer, conflict, {
            birth: "local", "vic_TraffickingStatus": "incoming"})
        db.commit()
        assert outcome["version"] == 3
        person = sharing.persons(db, case_b)[0]
        assert person["birth_date"].isoformat() == "1999-04-21"
        assert sharing.case_data(db, case_b)["trafficking_status"] == "ActualVictimOfTrafficking"
        assert db.scalar(select(SharedCase.version).where(SharedCase.case_id == case_b)) == 3


def test_an_unknown_case_of_a_known_victim_is_linked_not_duplicated(  # type: ignore[no-untyped-def]
        a_officer, b_sessions, b_officer, role_clients) -> None:
    name = unique_name()
    case_a = create_case(role_clients["protection_officer"], name=name)
    _consent(case_a["id"], a_officer)
    with b_sessions() as db:  # B already holds a case of the same woman
        case_id, reference_b = sharing.import_case(db, b_officer, {
            "destination_country": "KH", "summary": "Lapor keluarga",
            "persons": [{"role": "victim", "full_name": name, "birth_date": "1999-04-12",
                         "gender": "Feminine"}]})
        db.commit()
    payload = _build(a_officer, case_a["reference"])
    preview = _apply(b_sessions, b_officer, payload, preview=True)
    assert preview.case_number == reference_b and not preview.created
    assert preview.changes[0]["field"] == "possible_duplicate_of"
    assert preview.changes[0]["new"].startswith(reference_b)
    linked = _apply(b_sessions, b_officer, payload)
    assert linked.case_number == reference_b and not linked.created
    with b_sessions() as db:
        data = sharing.case_data(db, case_id)
        assert data["summary"] == "Lapor keluarga"  # nothing held here was overwritten
        assert data["exploitation_type"] == "ForcedCriminality"  # what it lacked was filled
        assert len([p for p in data["persons"] if p["role"] == "victim"]) == 1
    assert not _apply(b_sessions, b_officer, payload).changed


def test_a_payload_without_a_valid_global_id_or_consent_basis_is_refused(  # type: ignore[no-untyped-def]
        b_sessions, b_officer) -> None:
    handler = handlers.get("referral")
    assert handler is not None
    bad = [{"global_id": "x", "version": 1, "record": {}},
           {"global_id": "0b7c6b0e-7c54-4e43-9b8e-3a6a8b1f7d10", "version": 0, "record": {}},
           {"global_id": "0b7c6b0e-7c54-4e43-9b8e-3a6a8b1f7d10", "version": 1,
            "record": {"persons": [{"x_wsp_GlobalId": "0b7c6b0e-7c54-4e43-9b8e-3a6a8b1f7d11",
                                    "prs_FirstName": "X"}]}}]
    for payload in bad:
        with b_sessions() as db, pytest.raises(ContentError) as refused:
            handler.apply(db, b_officer, A_AS_PARTNER, payload, preview=False)
        assert refused.value.code == "invalid_payload"


def test_fields_this_installation_does_not_apply_change_nothing(  # type: ignore[no-untyped-def]
        case_a, a_officer, b_sessions, b_officer) -> None:
    _consent(case_a["id"], a_officer)
    v1 = _build(a_officer, case_a["reference"])
    _apply(b_sessions, b_officer, v1)
    v2 = copy.deepcopy(v1)
    v2["version"] = 2
    v2["record"].update({"cas_Status": "ClosedReferred", "x_wsp_WorkflowState": "closed"})
    v2["record"]["persons"][0]["x_wsp_Pseudonym"] = "Korban 99"
    preview = _apply(b_sessions, b_officer, v2, preview=True, kind="case_update")
    assert preview.changes == [] and not preview.changed
    applied = _apply(b_sessions, b_officer, v2, kind="case_update")
    assert not applied.changed and not applied.conflict


def test_a_field_outside_the_published_schema_is_refused_clearly(  # type: ignore[no-untyped-def]
        case_a, a_officer, b_sessions, b_officer) -> None:
    """Partners agree on a schema version: an unknown field is an error, never dropped."""
    _consent(case_a["id"], a_officer)
    v1 = _build(a_officer, case_a["reference"])
    _apply(b_sessions, b_officer, v1)
    v2 = copy.deepcopy(v1)
    v2["version"] = 2
    v2["record"]["x_unknown_field"] = "x"
    with pytest.raises(HtcdsError, match="unknown fields x_unknown_field"):
        _apply(b_sessions, b_officer, v2, kind="case_update")


def test_a_linked_victim_gets_the_choices_it_lacked_not_only_the_text(  # type: ignore[no-untyped-def]
        a_officer, b_sessions, b_officer, role_clients) -> None:
    """Filling a linked victim's gaps writes HTCDS choices too (citizenship was dropped, so
    every later update showed it as a change again)."""
    name = unique_name()
    case_a = create_case(role_clients["protection_officer"], name=name)
    _consent(case_a["id"], a_officer)
    with b_sessions() as db:
        case_id, _reference_b = sharing.import_case(db, b_officer, {
            "destination_country": "KH", "summary": "Lapor keluarga",
            "persons": [{"role": "victim", "full_name": name, "birth_date": "1999-04-12",
                         "gender": "Feminine"}]})
        db.commit()
    payload = _build(a_officer, case_a["reference"])
    _apply(b_sessions, b_officer, payload)
    with b_sessions() as db:
        (victim,) = [p for p in sharing.persons(db, case_id) if p["role"] == "victim"]
        assert victim["citizenship"] == "ID"
    again = _apply(b_sessions, b_officer, {**payload, "version": payload["version"] + 1},
                   preview=True)
    assert again.changes == []


def test_both_sides_sending_the_same_version_number_is_a_conflict_on_both(  # type: ignore[no-untyped-def]
        case_a, a_officer, b_sessions, b_officer) -> None:
    """Two sides editing from the same version both reach the next number: the payload's base
    version (what the sender had last exchanged) tells a concurrent edit from a repeat, so
    neither side ignores the other's change as "not newer"; a later version that saw
    everything supersedes the conflict it answers."""
    from waspada.platform.security.policy import CLI_PRINCIPAL

    _consent(case_a["id"], a_officer)
    created = _apply(b_sessions, b_officer, _build(a_officer, case_a["reference"]))
    with b_sessions() as db:  # B edits and sends to A (with the victim's consent for A)
        case_b = sharing.case_id_by_reference(db, b_officer, created.case_number)
        consent.record(db, "petugas.b", case_b, _victim_id(db, case_b),
                       recipient_kind="partner", recipient=A_AS_PARTNER.name,
                       purpose="services", given=True, method="written")
        sharing.update_case(db, case_b, {"trafficking_status": "ActualVictimOfTrafficking"},
                            {}, [], [])
        from_b = referral.build_referral(db, CLI_PRINCIPAL, created.case_number, A_AS_PARTNER,
                                         consent_override=None)
        db.commit()
    with session_factory()() as db:  # ... while A edits the same field
        sharing.update_case(db, case_a["id"], {"trafficking_status": "NotAVictimOfTrafficking"},
                            {}, [], [])
        db.commit()
    from_a = _build(a_officer, case_a["reference"])
    assert from_a["version"] == from_b["version"] == 2
    with session_factory()() as db:  # B's change arrives at A
        handler = handlers.get("case_update")
        assert handler is not None
        at_a = handler.apply(db, a_officer, B_AS_PARTNER, copy.deepcopy(from_b), preview=False)
        db.commit()
        assert at_a.conflict and sharing.case_data(db, case_a["id"])["trafficking_status"] \
            == "NotAVictimOfTrafficking"
    at_b = _apply(b_sessions, b_officer, from_a, kind="case_update")  # A's arrives at B
    assert at_b.conflict and not at_b.changed
    with b_sessions() as db:
        assert sharing.case_data(db, case_b)["trafficking_status"] == "ActualVictimOfTrafficking"
    # A's person resolves (A's value stays); the resolution supersedes B's conflict
    with session_factory()() as db:
        conflict = db.scalars(select(ExchangeConflict).where(
            ExchangeConflict.case_id == case_a["id"])).one()
        referral.resolve_conflict(db, a_officer, conflict, {"vic_TraffickingStatus": "local"})
        db.commit()
    resolution = _build(a_officer, case_a["reference"])
    assert resolution["version"] == 3
    applied = _apply(b_sessions, b_officer, resolution, kind="case_update")
    assert applied.changed and not applied.conflict
    with b_sessions() as db:
        assert sharing.case_data(db, case_b)["trafficking_status"] == "NotAVictimOfTrafficking"
        assert db.scalars(select(ExchangeConflict.status).where(
            ExchangeConflict.case_id == case_b)).all() == ["superseded"]
    assert (from_a.get("base_version"), resolution.get("base_version")) == (1, 2)
