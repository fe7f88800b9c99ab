"""Cases pulled from Primero go through the referral import (global id, versions, idempotent
apply, duplicate detection, conflicts, preview and acceptance), audited, with one sync-log line
per case saying what happened.

Primero is the strict contract double (double.py), written only from Primero's documented
requests and responses (doc/api/cases/get.md for the pulled case's shape, doc/api/lookups and
doc/api/locations for the vocabulary the values are read back through).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.cases.conftest import create_case, unique_name
from tests.exchange.primero.double import PrimeroDouble
from waspada.cases import sharing
from waspada.cases.models import Case, Person
from waspada.exchange.primero import service
from waspada.exchange.primero.store import PrimeroIncoming
from waspada.exchange.records import ExchangeConflict, SharedCase
from waspada.platform import audit
from waspada.platform.db import session_scope
from waspada.platform.security.policy import CLI_PRINCIPAL


def _dest(monkeypatch: pytest.MonkeyPatch, acceptance: str = "auto") -> str:
    name = f"mosvy-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv(service.env_name(name, "PASSWORD"), "s3cret-pass")
    with session_scope() as db:
        service.add_destination(db, CLI_PRINCIPAL, name, "https://primero.test", "waspada",
                                acceptance=acceptance)
    return name


@pytest.fixture
def dest(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    yield _dest(monkeypatch)


def _child(name: str, **extra: Any) -> dict[str, Any]:
    """A Primero case as its CP module holds it (field names of primero_mapping.yaml)."""
    first, _, last = name.rpartition(" ")
    return {"name_first": first, "name_last": last, "date_of_birth": "2001-05-06",
            "sex": "female", "nationality": ["nationality_id"],
            "location_current": "KH18", "consent_for_services": True,
            "case_id_display": "MOSVY-0042", **extra}


def _pull(double: PrimeroDouble, name: str) -> dict[str, Any]:
    with session_scope() as db:
        return service.pull(db, CLI_PRINCIPAL, name, http=double.http(),
                            now=double.now + timedelta(seconds=1))


def _statuses(name: str, record: str) -> list[str]:
    with session_scope() as db:
        entries = service.log_entries(db, CLI_PRINCIPAL, name, 10_000)
    return [e["status"] for e in reversed(entries) if e["record"] == record]


def _case_of(global_id: str) -> int | None:
    with session_scope() as db:
        return db.scalar(select(SharedCase.case_id).where(SharedCase.global_id == global_id))


def test_a_primero_case_is_imported_once_updated_and_audited(dest: str) -> None:
    double = PrimeroDouble()
    name = unique_name()
    case = double.seed_case(**_child(name))
    first = _pull(double, dest)
    assert first["results"] == {"created": 1}
    case_id = _case_of(case["id"])  # Primero's id is the case's global id
    assert case_id is not None
    with session_scope() as db:
        victim = next(p for p in sharing.persons(db, case_id) if p["role"] == "victim")
        assert (victim["full_name"], str(victim["birth_date"]), victim["gender"]) == (
            name, "2001-05-06", "Feminine")
        assert victim["citizenship"] in ("ID", ["ID"])
        imported = db.scalars(select(audit.AuditEntry).where(
            audit.AuditEntry.action == "exchange.case_import",
            audit.AuditEntry.object_id == str(case_id))).one()
        assert f"primero:{dest}" in imported.detail
    # the same case pulled again (a webhook, an overlapping window): nothing changes
    double.advance(60)
    double.cases[case["id"]]["last_updated_at"] = double.now.isoformat()
    assert _pull(double, dest)["results"] == {"unchanged": 1}
    # Primero corrects the birth date: the next version updates the same case
    double.advance(60)
    double.cases[case["id"]].update(date_of_birth="2001-06-07",
                                    last_updated_at=double.now.isoformat())
    assert _pull(double, dest)["results"] == {"updated": 1}
    with session_scope() as db:
        victim = next(p for p in sharing.persons(db, case_id) if p["role"] == "victim")
        assert str(victim["birth_date"]) == "2001-06-07"
        assert db.scalar(select(func.count()).select_from(SharedCase).where(
            SharedCase.global_id == case["id"])) == 1
        row = db.scalars(select(PrimeroIncoming).where(
            PrimeroIncoming.primero_id == case["id"])).one()
        assert (row.version, row.status, row.case_id) == (2, "applied", case_id)
    assert _statuses(dest, case["id"]) == ["created", "unchanged", "updated"]


def test_no_consent_in_primero_imports_nothing(dest: str) -> None:
    double = PrimeroDouble()
    name = unique_name()
    case = double.seed_case(**_child(name, consent_for_services=False))
    assert _pull(double, dest)["results"] == {"no_consent": 1}
    assert _case_of(case["id"]) is None
    with session_scope() as db:
        assert db.scalar(select(Person.id).where(Person.full_name == name)) is None
    assert _statuses(dest, case["id"]) == ["no_consent"]


def test_the_matching_engine_links_a_pulled_victim_to_a_local_case(
        role_clients: dict, dest: str) -> None:
    name = unique_name()
    local = create_case(role_clients["protection_officer"], name=name)
    double = PrimeroDouble()
    case = double.seed_case(**_child(name, date_of_birth="1999-04-12"))
    assert _pull(double, dest)["results"] == {"linked": 1}
    assert _case_of(case["id"]) == local["id"]
    with session_scope() as db:
        assert db.scalar(select(func.count()).select_from(Person).where(
            Person.full_name == name)) == 1


def test_changes_on_both_sides_become_a_conflict_for_a_person(dest: str) -> None:
    double = PrimeroDouble()
    case = double.seed_case(**_child(unique_name()))
    _pull(double, dest)
    case_id = _case_of(case["id"])
    assert case_id is not None
    with session_scope() as db:  # an officer here corrects the birth date
        victim = next(p for p in sharing.persons(db, case_id) if p["role"] == "victim")
        sharing.update_case(db, case_id, {}, {victim["id"]: {"birth_date": "2001-01-01"}},
                            [], [])
    double.advance(60)  # ... and Primero another one
    double.cases[case["id"]].update(date_of_birth="2002-02-02",
                                    last_updated_at=double.now.isoformat())
    assert _pull(double, dest)["results"] == {"conflict": 1}
    with session_scope() as db:
        conflict = db.scalars(select(ExchangeConflict).where(
            ExchangeConflict.case_id == case_id)).one()
        assert conflict.partner == f"primero:{dest}" and conflict.status == "open"
        victim = next(p for p in sharing.persons(db, case_id) if p["role"] == "victim")
        assert str(victim["birth_date"]) == "2001-01-01"  # nothing overwritten
    assert _statuses(dest, case["id"])[-1] == "conflict"
    _close_conflicts(case_id)


def _close_conflicts(case_id: int) -> None:
    """Leave no open conflict behind (the home page's work queues of later tests count them)."""
    with session_scope() as db:
        for row in db.scalars(select(ExchangeConflict).where(
                ExchangeConflict.case_id == case_id, ExchangeConflict.status == "open")):
            row.status = "resolved"


def test_manual_acceptance_previews_then_applies(monkeypatch: pytest.MonkeyPatch) -> None:
    name = _dest(monkeypatch, acceptance="manual")
    double = PrimeroDouble()
    person = unique_name()
    case = double.seed_case(**_child(person))
    assert _pull(double, name)["results"] == {"pending": 1}
    assert _case_of(case["id"]) is None
    with session_scope() as db:
        cases_before = db.scalar(select(func.count()).select_from(Case))
        waiting = service.pending(db, CLI_PRINCIPAL, name)
    (item,) = waiting
    assert item["created"] is True and item["primero_id"] == case["id"]
    assert any(c["field"].startswith("persons.") and person.split()[0] in str(c["new"])
               for c in item["changes"])
    double.advance(60)  # read again (touched there): still one, still waiting
    double.cases[case["id"]]["last_updated_at"] = double.now.isoformat()
    assert _pull(double, name)["results"] == {"pending": 1}
    with session_scope() as db:
        assert db.scalar(select(func.count()).select_from(Case)) == cases_before
        done = service.accept(db, CLI_PRINCIPAL, name, item["id"])
    assert done["result"] == "created" and _case_of(case["id"]) is not None
    with session_scope() as db, pytest.raises(service.PrimeroSyncError) as again:
        service.accept(db, CLI_PRINCIPAL, name, item["id"])
    assert again.value.status == 409
    with session_scope() as db:
        actions = list(db.scalars(select(audit.AuditEntry.action).where(
            audit.AuditEntry.action.in_(("primero.accept", "primero.pending_read")))
            .order_by(audit.AuditEntry.id.desc()).limit(2)))
    assert actions == ["primero.accept", "primero.pending_read"]
    assert _statuses(name, case["id"]) == ["pending", "pending", "created"]


def test_a_rejected_pulled_case_keeps_no_payload(monkeypatch: pytest.MonkeyPatch) -> None:
    name = _dest(monkeypatch, acceptance="manual")
    double = PrimeroDouble()
    case = double.seed_case(**_child(unique_name()))
    _pull(double, name)
    with session_scope() as db:
        (item,) = service.pending(db, CLI_PRINCIPAL, name)
        service.reject(db, CLI_PRINCIPAL, name, item["id"])
        row = db.get(PrimeroIncoming, item["id"])
        assert row is not None and (row.status, row.payload_json) == ("rejected", "{}")
    assert _case_of(case["id"]) is None


def test_our_pushed_case_comes_back_as_an_update_of_the_same_case(
        role_clients: dict, dest: str) -> None:
    double = PrimeroDouble()
    local = create_case(role_clients["protection_officer"])
    with session_scope() as db:
        pushed = service.push(db, CLI_PRINCIPAL, local["reference"], dest, http=double.http())
    double.advance(60)
    double.cases[pushed["primero_id"]].update(date_of_birth="1999-05-13",
                                              last_updated_at=double.now.isoformat())
    assert _pull(double, dest)["results"] == {"updated": 1}
    with session_scope() as db:
        victim = next(p for p in sharing.persons(db, local["id"]) if p["role"] == "victim")
        assert str(victim["birth_date"]) == "1999-05-13"
        assert db.scalar(select(PrimeroIncoming.case_id).where(
            PrimeroIncoming.primero_id == pushed["primero_id"])) == local["id"]


def test_cli_lists_accepts_and_rejects_waiting_cases(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from typer.testing import CliRunner

    from waspada.exchange.primero.cli import primero_app

    name = _dest(monkeypatch, acceptance="manual")
    double = PrimeroDouble()
    first = double.seed_case(**_child(unique_name()))
    second = double.seed_case(**_child(unique_name()))
    _pull(double, name)
    runner = CliRunner()
    listed = runner.invoke(primero_app, ["pending", "--from", name, "--json"])
    assert listed.exit_code == 0, listed.output
    ids = {row["primero_id"]: row["id"] for row in json.loads(listed.output)}
    assert set(ids) == {first["id"], second["id"]}
    took = runner.invoke(primero_app, ["accept", str(ids[first["id"]]), "--from", name])
    assert took.exit_code == 0 and json.loads(took.output)["result"] == "created"
    dropped = runner.invoke(primero_app, ["reject", str(ids[second["id"]]), "--from", name])
    assert dropped.exit_code == 0 and json.loads(dropped.output)["result"] == "rejected"
    again = runner.invoke(primero_app, ["accept", str(ids[second["id"]]), "--from", name])
    assert again.exit_code == 1 and "decided already" in again.output
    assert _case_of(first["id"]) is not None and _case_of(second["id"]) is None
