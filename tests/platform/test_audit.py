from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

from tests.conftest import sign_in
from waspada.cli import app as cli_app
from waspada.platform import audit
from waspada.platform.audit import AuditEntry, verify
from waspada.platform.db import session_scope
from waspada.platform.security.policy import CLI_PRINCIPAL


def _verify():  # type: ignore[no-untyped-def]
    with session_scope() as session:
        return verify(session)


def test_chain_grows_and_verifies(client: TestClient) -> None:
    before = _verify()
    sign_in(client, "admin")
    after = _verify()
    assert after.ok and after.head_seq > before.head_seq


def test_login_and_failed_login_are_recorded(client: TestClient) -> None:
    client.get("/login")
    client.post("/login", data={"username": "auditor", "password": "bad",
                                "csrf_token": client.cookies["waspada_csrf"]})
    sign_in(client, "auditor")
    with session_scope() as session:
        actions = [e.action for e in session.scalars(
            select(AuditEntry).where(AuditEntry.actor == "auditor").order_by(AuditEntry.seq))]
    assert "login.failed" in actions and "login" in actions


def test_a_failed_sign_in_names_its_channel_like_a_successful_one(client: TestClient) -> None:
    bad = client.post("/api/v1/auth/login", json={"username": "analis", "password": "wrong"})
    assert bad.status_code == 401
    with session_scope() as session:
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.actor == "analis", AuditEntry.action == "login.failed")
            .order_by(AuditEntry.seq.desc()).limit(1)).one()
    assert entry.via == "session"  # it said "web" for an API sign-in
    assert _verify().ok  # the channel is part of the chained hash


def test_tampering_is_detected_and_named(client: TestClient) -> None:
    seq = audit.record("test.event", CLI_PRINCIPAL, object_type="test", object_id=1)
    audit.record("test.event", CLI_PRINCIPAL, object_type="test", object_id=2)
    assert _verify().ok
    with session_scope() as session:
        session.execute(update(AuditEntry).where(AuditEntry.seq == seq)
                        .values(action="test.innocent"))
    result = _verify()
    assert not result.ok and result.first_bad_seq == seq and "altered" in result.problem
    runner = CliRunner()
    cli = runner.invoke(cli_app, ["audit", "verify"])
    assert cli.exit_code == 1
    assert f"entry {seq}" in cli.output
    with session_scope() as session:  # restore for the rest of the suite
        session.execute(update(AuditEntry).where(AuditEntry.seq == seq)
                        .values(action="test.event"))
    assert _verify().ok
    assert runner.invoke(cli_app, ["audit", "verify"]).exit_code == 0


def test_deleted_entry_is_detected(client: TestClient) -> None:
    seq = audit.record("test.delete_me", CLI_PRINCIPAL)
    audit.record("test.after", CLI_PRINCIPAL)
    with session_scope() as session:
        row = session.scalar(select(AuditEntry).where(AuditEntry.seq == seq))
        saved = {c.name: getattr(row, c.name) for c in AuditEntry.__table__.columns}
        session.delete(row)
    result = _verify()
    assert not result.ok and result.first_bad_seq == seq and "missing" in result.problem
    with session_scope() as session:
        session.add(AuditEntry(**saved))
    assert _verify().ok


def test_removed_head_is_caught_with_a_recorded_head() -> None:
    audit.record("test.head", CLI_PRINCIPAL)
    head = _verify()
    with session_scope() as session:
        ok = verify(session, (head.head_seq, head.head_hash))
        assert ok.ok
        too_far = verify(session, (head.head_seq + 3, head.head_hash))
        assert not too_far.ok and "missing" in too_far.problem


def test_audit_page_lists_and_filters(role_clients) -> None:  # type: ignore[no-untyped-def]
    auditor = role_clients["auditor"]
    page = auditor.get("/audit?action=login")
    assert page.status_code == 200 and "Jejak Audit" in page.text
    entries = auditor.get("/api/v1/audit?action=login&limit=5").json()
    assert entries and all(e["action"].startswith("login") for e in entries)
    assert role_clients["checkpoint_officer"].get("/audit").status_code == 403


def test_the_api_pages_back_through_the_trail_with_before_seq(role_clients) -> None:  # type: ignore[no-untyped-def]
    auditor = role_clients["auditor"]
    newest = auditor.get("/api/v1/audit", params={"limit": 1000}).json()
    first = auditor.get("/api/v1/audit", params={"limit": 3}).json()
    assert len(first) == 3
    second = auditor.get("/api/v1/audit",
                         params={"limit": 3, "before_seq": first[-1]["seq"]}).json()
    seqs = [e["seq"] for e in first + second]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == 6  # no gap, no repeat
    # the pages are the trail as it was: the auditor's own reads in between do not shift them
    older = [e["seq"] for e in newest if e["seq"] < first[-1]["seq"]][:3]
    assert [e["seq"] for e in second] == older
    assert auditor.get("/api/v1/audit", params={"before_seq": 1}).json() == []
    for bad in ("0", "-1", "x", str(2**63)):
        assert auditor.get("/api/v1/audit", params={"before_seq": bad}).status_code == 422


def test_logs_carry_no_personal_data(client: TestClient, capsys) -> None:  # type: ignore[no-untyped-def]
    import logging

    from waspada.platform.logs import JsonFormatter

    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(JsonFormatter().format(record))

    handler = Collect()
    logger = logging.getLogger("waspada")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel("INFO")
    try:
        client.get("/login?next=/x%3Fnik%3D3507014101900001")
        client.post("/api/v1/auth/login", json={"username": "siti.rahayu", "password": "pw"})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    text = "\n".join(records)
    assert records and "3507014101900001" not in text and "siti.rahayu" not in text


def test_the_auditor_filters_by_the_number_the_trail_shows(role_clients) -> None:  # type: ignore[no-untyped-def]
    from waspada.cases.models import Case
    from waspada.screening.store import Screening

    with session_scope() as session:
        screening = session.scalars(select(Screening).order_by(Screening.id).limit(1)).one()
        case = session.scalars(select(Case).order_by(Case.id).limit(1)).one()
        sid, record_no, cid, reference = screening.id, screening.record_no, case.id, case.reference
    audit.record("screening.view", CLI_PRINCIPAL, object_type="screening", object_id=sid)
    audit.record("case.view", CLI_PRINCIPAL, object_type="case", object_id=cid)
    auditor = role_clients["auditor"]
    for object_type, number, object_id in (("screening", record_no, sid), ("case", reference, cid)):
        by_number = auditor.get("/api/v1/audit", params={"object_type": object_type,
                                                         "object_id": number}).json()
        assert by_number and {e["object_id"] for e in by_number} == {str(object_id)}
        by_id = auditor.get("/api/v1/audit", params={"object_type": object_type,
                                                     "object_id": str(object_id)}).json()
        assert [e["seq"] for e in by_id] == [e["seq"] for e in by_number]
        # without a type the number still finds its object
        assert auditor.get("/api/v1/audit", params={"object_id": number}).json()
        page = auditor.get("/audit", params={"object_type": object_type, "object_id": number})
        assert page.status_code == 200 and number in page.text
    assert auditor.get("/api/v1/audit", params={"object_id": "BAP/NOPE/0"}).json() == []
