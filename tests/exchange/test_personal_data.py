"""Data-subject rights and retention cover the exchange's tables (UU 27/2022): a person's
subject-access export carries what the exchange holds about them (consents, verification
requests, conflicts, received and pulled records, what was pushed to Primero), anonymising a
case erases it, and pulled Primero records and answered incoming verification requests lose
their personal data after the inbox's keeping period, as received bundles do. Audited."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.cases.conftest import unique_name
from tests.exchange.conftest import register_partner
from tests.exchange.primero.double import PrimeroDouble
from tests.exchange.primero.test_pull_import import _close_conflicts
from waspada.cases import service as cases_service
from waspada.cases import sharing
from waspada.cases.models import Case
from waspada.cases.store.access import TERMINAL
from waspada.exchange import content_service
from waspada.exchange import service as transport
from waspada.exchange.content_schemas import ConsentIn, VerificationIn
from waspada.exchange.primero import service as primero
from waspada.exchange.primero.store import PrimeroIncoming
from waspada.exchange.records import ExchangeConflict, ExchangeConsent, VerificationRequest
from waspada.platform import audit
from waspada.platform.db import session_scope, utcnow
from waspada.platform.security.policy import CLI_PRINCIPAL, Principal
from waspada.platform.security.roles import Role


def _primero(monkeypatch: pytest.MonkeyPatch) -> str:
    name = f"mosvy-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv(primero.env_name(name, "PASSWORD"), "s3cret-pass")
    with session_scope() as db:
        primero.add_destination(db, CLI_PRINCIPAL, name, "https://primero.test", "waspada")
    return name


def _pull(double: PrimeroDouble, name: str, actor: Principal = CLI_PRINCIPAL) -> dict:
    with session_scope() as db:
        return primero.pull(db, actor, name, http=double.http(),
                            now=double.now + timedelta(seconds=1))


def _child(full_name: str) -> dict:
    first, _, last = full_name.rpartition(" ")
    return {"name_first": first, "name_last": last, "date_of_birth": "2003-03-04",
            "sex": "female", "nationality": ["nationality_id"], "consent_for_services": True}


def _exchanged_case(monkeypatch: pytest.MonkeyPatch, unit_id: int | None
                    ) -> tuple[int, int, str]:
    """A case pulled from Primero (by an administrator of ``unit_id``: the case is that
    unit's), then consented, asked about and in conflict: (case id, victim id, Primero id)."""
    name, double = _primero(monkeypatch), PrimeroDouble()
    admin = Principal(user_id=None, username="admin.unit", role=Role.ADMIN, unit_id=unit_id)
    pulled = double.seed_case(**_child(unique_name()))
    assert _pull(double, name, admin)["results"] == {"created": 1}
    with session_scope() as db:
        case_id = sharing.case_id_by_reference(db, CLI_PRINCIPAL, json.loads(db.scalars(
            select(PrimeroIncoming.result_json).where(
                PrimeroIncoming.primero_id == pulled["id"])).one())["case_number"])
        victim = next(p for p in sharing.persons(db, case_id) if p["role"] == "victim")
        content_service.record_consent(db, CLI_PRINCIPAL, case_id, ConsentIn(
            person_id=victim["id"], recipient="imigrasi-pusat", purpose="verification",
            given=True, method="written", note="disaksikan kakaknya, Ibu Rahmawati"))
    with session_scope() as db:
        content_service.request_verification(db, CLI_PRINCIPAL, case_id,
                                             VerificationIn(partner="imigrasi-pusat"))
    with session_scope() as db:  # both sides change the birth date: a conflict
        sharing.update_case(db, case_id, {}, {victim["id"]: {"birth_date": "2003-01-01"}},
                            [], [])
    double.advance(60)
    double.cases[pulled["id"]].update(date_of_birth="2003-02-02",
                                      last_updated_at=double.now.isoformat())
    assert _pull(double, name, admin)["results"] == {"conflict": 1}
    return case_id, victim["id"], pulled["id"]


@pytest.fixture()
def partner(outbox) -> None:  # type: ignore[no-untyped-def]
    from waspada.platform.db import session_factory

    register_partner(session_factory(), "imigrasi-pusat", "ImmigrationService")


def test_the_subject_export_carries_what_the_exchange_holds(  # type: ignore[no-untyped-def]
        role_clients, monkeypatch, partner, a_officer) -> None:
    case_id, victim_id, primero_id = _exchanged_case(monkeypatch, a_officer.unit_id)
    response = role_clients["protection_officer"].get(
        f"/api/v1/cases/persons/{victim_id}/subject-export")
    assert response.status_code == 200, response.text
    data = response.json()
    held = data["other_records"]["exchange"]
    assert held["case_global_id"] == primero_id and held["person_global_id"]
    (consent,) = held["consents"]
    assert consent["note"] == "disaksikan kakaknya, Ibu Rahmawati"
    (asked,) = held["verification_requests"]
    assert asked["partner"] == "imigrasi-pusat"
    assert asked["identifiers_sent"]["full_name"] == data["person"]["full_name"]
    (conflict,) = held["conflicts"]
    assert any(f["field"].endswith("prs_Birthdate") for f in conflict["fields"])
    (pulled,) = held["primero_pulled"]
    assert pulled["primero_id"] == primero_id
    assert pulled["record"]["persons"][0]["prs_Birthdate"] == "2003-02-02"
    _close_conflicts(case_id)  # the home page's work queues of later tests count open ones


def test_anonymising_the_case_erases_the_exchange_data(  # type: ignore[no-untyped-def]
        monkeypatch, partner) -> None:
    case_id, victim_id, primero_id = _exchanged_case(monkeypatch, None)
    with session_scope() as db:
        case = db.get(Case, case_id)
        assert case is not None
        case.status, case.closed_at = sorted(TERMINAL)[0], utcnow() - timedelta(days=3)
    with session_scope() as db:
        done = cases_service.run_retention(db, CLI_PRINCIPAL, older_than_days=1)
    assert case_id in done
    with session_scope() as db:
        consent = db.scalars(select(ExchangeConsent).where(
            ExchangeConsent.case_id == case_id)).one()
        assert consent.note == ""
        asked = db.scalars(select(VerificationRequest).where(
            VerificationRequest.case_id == case_id)).one()
        assert (asked.identifiers_json, asked.evidence_json) == ("{}", "[]")
        conflict = db.scalars(select(ExchangeConflict).where(
            ExchangeConflict.case_id == case_id)).one()
        assert (conflict.fields_json, conflict.record_json, conflict.status) == (
            "[]", "{}", "erased")
        pulled = db.scalars(select(PrimeroIncoming).where(
            PrimeroIncoming.primero_id == primero_id)).one()
        assert pulled.payload_json == "{}"
        entry = db.scalars(select(audit.AuditEntry).where(
            audit.AuditEntry.action == "exchange.erase_with_case",
            audit.AuditEntry.object_id == str(case_id))).one()
        assert json.loads(entry.detail)["conflicts"] == 1
        exported = cases_service.subject_export(db, CLI_PRINCIPAL, victim_id)
    held = exported["other_records"]["exchange"]
    assert held["primero_pulled"][0]["record"] == {"persons": []}
    assert "Rahmawati" not in json.dumps(held)


def test_pulled_primero_records_are_erased_after_the_keeping_period(  # type: ignore[no-untyped-def]
        monkeypatch) -> None:
    name, double = _primero(monkeypatch), PrimeroDouble()
    old = double.seed_case(**_child(unique_name()))
    fresh = double.seed_case(**_child(unique_name()))
    _pull(double, name)
    with session_scope() as db:
        row = db.scalars(select(PrimeroIncoming).where(
            PrimeroIncoming.primero_id == old["id"])).one()
        row.decided_at = utcnow() - timedelta(days=45)
    with session_scope() as db:
        assert transport.erase_decided_payloads(db) >= 1
    with session_scope() as db:
        payloads = dict(db.execute(select(PrimeroIncoming.primero_id,
                                          PrimeroIncoming.payload_json).where(
            PrimeroIncoming.primero_id.in_((old["id"], fresh["id"])))).all())
        assert payloads[old["id"]] == "{}" and payloads[fresh["id"]] != "{}"
        entry = db.scalars(select(audit.AuditEntry).where(
            audit.AuditEntry.action == "exchange.payload_erase")
            .order_by(audit.AuditEntry.id.desc())).first()
        assert entry is not None and json.loads(entry.detail)["primero"] >= 1
