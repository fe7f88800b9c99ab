"""A write and its audit entry commit together: if the audit entry cannot be written, the
change is not kept either (before, the change committed first and its audit entry could be
lost to a crash in between)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from waspada.cases.models import CaseComment, Person
from waspada.matching.store import WatchlistEntry
from waspada.platform import audit
from waspada.platform.db import session_scope


class _Crash(RuntimeError):
    pass


def _crash(session: object) -> None:
    raise _Crash("simulated crash while writing the audit entry")


@pytest.fixture()
def audit_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "_take_chain_lock", _crash)


def _count(model: type, **where: object) -> int:
    with session_scope() as session:
        stmt = select(func.count()).select_from(model)
        for name, value in where.items():
            stmt = stmt.where(getattr(model, name) == value)
        return session.scalar(stmt) or 0


def test_case_is_not_kept_without_its_audit_entry(role_clients, audit_fails) -> None:  # type: ignore[no-untyped-def]
    officer = role_clients["checkpoint_officer"]
    name = "Korban Atomik Satu"
    response = officer.post("/api/v1/cases", json={
        "destination_country": "KH", "persons": [{"role": "victim", "full_name": name}]})
    assert response.status_code == 500 and "Traceback" not in response.text
    assert _count(Person, full_name=name) == 0


def test_comment_and_watchlist_entry_are_not_kept_without_audit(role_clients,  # type: ignore[no-untyped-def]
                                                                monkeypatch) -> None:
    officer, analyst = role_clients["checkpoint_officer"], role_clients["analyst"]
    case = officer.post("/api/v1/cases", json={
        "destination_country": "KH", "persons": [{"role": "victim", "full_name": "Korban Dua"}]})
    assert case.status_code == 201
    monkeypatch.setattr(audit, "_take_chain_lock", _crash)
    body = "catatan yang tidak boleh tersimpan tanpa audit"
    assert officer.post(f"/api/v1/cases/{case.json()['id']}/comments",
                        json={"body": body}).status_code == 500
    assert _count(CaseComment, body=body) == 0
    assert analyst.post("/api/v1/watchlist", json={
        "record_id": "ATOMIC-1", "full_name": "Perekrut Atomik", "reason": "test",
        "source": "test"}).status_code == 500
    assert _count(WatchlistEntry, record_id="ATOMIC-1") == 0
    monkeypatch.undo()
    assert analyst.post("/api/v1/watchlist", json={
        "record_id": "ATOMIC-1", "full_name": "Perekrut Atomik", "reason": "test",
        "source": "test"}).status_code == 201
    with session_scope() as session:
        entry_id = session.scalar(select(WatchlistEntry.id)
                                  .where(WatchlistEntry.record_id == "ATOMIC-1"))
        audited = session.scalar(select(func.count()).select_from(audit.AuditEntry).where(
            audit.AuditEntry.action == "watchlist.add",
            audit.AuditEntry.object_id == str(entry_id)))
        assert audited == 1 and audit.verify(session).ok
