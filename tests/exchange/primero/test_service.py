"""The connector's service and webhook receiver against the strict contract double.

The double (double.py) is written only from Primero's documented requests and responses.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.cases.conftest import create_case
from tests.exchange.primero.double import PrimeroDouble
from waspada.exchange.primero import service
from waspada.exchange.primero.api import webhook_limiter
from waspada.exchange.primero.client import PrimeroError
from waspada.exchange.primero.store import PrimeroRecord
from waspada.platform import audit
from waspada.platform.db import session_scope
from waspada.platform.security.policy import CLI_PRINCIPAL, Principal
from waspada.platform.security.roles import Role

KEY = "webhook-key-" + "x" * 20


@pytest.fixture
def dest(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    name = f"mosvy-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv(service.env_name(name, "PASSWORD"), "s3cret-pass")
    monkeypatch.setenv(service.env_name(name, "WEBHOOK_KEY"), KEY)
    with session_scope() as db:
        made = service.add_destination(db, CLI_PRINCIPAL, name, "https://primero.test",
                                       "waspada")
    assert made["password_env"].startswith("WASPADA_PRIMERO_MOSVY_")
    yield name


def _log(name: str) -> list[dict]:
    with session_scope() as db:
        return service.log_entries(db, CLI_PRINCIPAL, name, 10_000)


def _case(role_clients: dict, **extra: object) -> str:
    made = create_case(role_clients["protection_officer"], **extra)
    return str(made["reference"])


def test_push_creates_then_patches_only_changed_fields(role_clients: dict, dest: str) -> None:
    double = PrimeroDouble()
    reference = _case(role_clients, events=[
        {"type": "Exploitation", "city": "Sihanoukville", "state": "Preah Sihanouk",
         "country": "KH"}])
    with session_scope() as db:
        first = service.push(db, CLI_PRINCIPAL, reference, dest, http=double.http())
    assert first["result"] == "created" and first["unknown"] == []
    stored = double.cases[first["primero_id"]]
    assert stored["sex"] == "female" and stored["nationality"] == ["nationality_id"]
    assert stored["location_current"] == "KH18"
    with session_scope() as db:
        again = service.push(db, CLI_PRINCIPAL, reference, dest, http=double.http())
    assert again["result"] == "unchanged"
    # the snapshot we last sent differs in one field (as after an edit here): only it travels
    with session_scope() as db:
        row = db.scalar(select(PrimeroRecord).where(PrimeroRecord.case_ref == reference))
        assert row is not None
        row.snapshot_json = row.snapshot_json.replace('"female"', '"male"')
    with session_scope() as db:
        third = service.push(db, CLI_PRINCIPAL, reference, dest, http=double.http())
    assert third["result"] == "patched" and third["fields"] == ["sex"]
    assert double.requests[-1][0] == "PATCH" and double.requests[-1][2] == {
        "data": {"sex": "female"}}
    statuses = [e["status"] for e in _log(dest)]
    assert statuses[:3] == ["patched", "unchanged", "created"]
    assert all(reference not in e["message"] for e in _log(dest))


def test_unknown_value_is_written_to_the_sync_log(role_clients: dict, dest: str) -> None:
    double = PrimeroDouble()
    reference = _case(role_clients, persons=[{"role": "victim", "full_name": "Tari Lumbu",
                                              "gender": "NonConforming", "citizenship": "BR"}])
    with session_scope() as db:
        done = service.push(db, CLI_PRINCIPAL, reference, dest, http=double.http())
    assert len(done["unknown"]) == 2
    unknown = [e for e in _log(dest) if e["status"] == "unknown_value"]
    assert {("lookup-gender" in e["message"]) for e in unknown} == {True, False}
    assert all("Tari" not in e["message"] for e in _log(dest))


def test_refused_push_is_logged_audited_and_raised(role_clients: dict, dest: str) -> None:
    double = PrimeroDouble(users={"waspada": "another"})
    reference = _case(role_clients)
    with session_scope() as db, pytest.raises(PrimeroError) as err:
        service.push(db, CLI_PRINCIPAL, reference, dest, http=double.http())
    assert err.value.http_status == 401
    (entry,) = _log(dest)
    assert entry["status"] == "failed" and entry["http_status"] == 401
    assert "Invalid User name or password." in entry["message"]


def test_referral_after_push(role_clients: dict, dest: str) -> None:
    double = PrimeroDouble()
    reference = _case(role_clients)
    with session_scope() as db, pytest.raises(service.PrimeroSyncError):
        service.refer(db, CLI_PRINCIPAL, reference, dest, "cp_officer", None,
                      http=double.http())
    with session_scope() as db:
        pushed = service.push(db, CLI_PRINCIPAL, reference, dest, http=double.http())
    with session_scope() as db:
        service.refer(db, CLI_PRINCIPAL, reference, dest, "cp_officer", "shelter",
                      http=double.http())
    assert double.referrals[0]["record_id"] == pushed["primero_id"]


def test_pull_pages_and_moves_the_watermark(dest: str) -> None:
    double = PrimeroDouble()
    for i in range(1200):
        double.seed_case(name=f"n{i}")
    with session_scope() as db:
        done = service.pull(db, CLI_PRINCIPAL, dest, http=double.http(),
                            now=double.now + timedelta(seconds=1))
    assert done["pulled"] == 1200
    double.advance(3600)
    double.seed_case(name="late")
    with session_scope() as db:
        done = service.pull(db, CLI_PRINCIPAL, dest, http=double.http(),
                            now=double.now + timedelta(seconds=1))
    assert done["pulled"] == 1
    # the last list request (the pull then reads the lookups and locations to map the cases)
    listed = [path for _m, path, _b in double.requests if path.startswith("/api/v2/cases?")]
    assert "last_updated_at=" in listed[-1]


def test_webhook_schedules_a_pull_of_that_record(client, dest: str) -> None:  # type: ignore[no-untyped-def]
    double = PrimeroDouble()
    case = double.seed_case(name="from primero")
    double.advance(10)
    url = f"/api/v1/exchange/primero/webhook/{dest}"
    response = double.post_webhook(client, url, KEY, case["id"], name="from primero")
    assert response.status_code == 200, response.text
    assert response.json() == {"accepted": True, "record_id": case["id"]}
    (entry,) = _log(dest)
    assert entry["status"] == "pull_pending" and entry["record"] == case["id"]
    assert "from primero" not in entry["message"]
    # the same change announced twice is read once; a record deleted since is logged "gone"
    double.post_webhook(client, url, KEY, case["id"])
    deleted = str(uuid.uuid4())
    double.post_webhook(client, url, KEY, deleted)
    with session_scope() as db:
        done = service.pull(db, CLI_PRINCIPAL, dest, http=double.http(), now=double.now)
    assert done["from_webhooks"] == 3 and done["ids"].count(case["id"]) == 1
    assert double.requests.count(("GET", f"/api/v2/cases/{case['id']}", None)) == 1
    assert [e["record"] for e in _log(dest) if e["status"] == "gone"] == [deleted]
    assert not [e for e in _log(dest) if e["status"] == "pull_pending"]


def test_webhook_refuses_wrong_key_unknown_destination_and_bad_shape(client, dest: str  # type: ignore[no-untyped-def]
                                                                    ) -> None:
    url = f"/api/v1/exchange/primero/webhook/{dest}"
    good = {"data": {"record_id": str(uuid.uuid4()), "record_type": "case"}}
    assert client.post(url, json=good, headers={"x-api-key": "wrong"}).status_code == 401
    assert client.post(url, json=good).status_code == 401
    assert client.post("/api/v1/exchange/primero/webhook/nobody", json=good,
                       headers={"x-api-key": KEY}).status_code == 401
    bad = {"data": {"record_id": "1; drop", "record_type": "case"}}
    response = client.post(url, json=bad, headers={"x-api-key": KEY})
    assert response.status_code == 422 and "record_id" in response.text
    big = {"data": {**good["data"], "notes": "x" * 300_000}}
    assert client.post(url, json=big, headers={"x-api-key": KEY}).status_code == 413
    assert _log(dest) == []


def test_webhook_is_rate_limited(client, dest: str) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/exchange/primero/webhook/{dest}"
    good = {"data": {"record_id": str(uuid.uuid4()), "record_type": "case"}}
    webhook_limiter.reset()
    try:
        for _ in range(webhook_limiter.limit):
            webhook_limiter.hit(f"{dest}|testclient")
        response = client.post(url, json=good, headers={"x-api-key": KEY})
        assert response.status_code == 429
    finally:
        webhook_limiter.reset()


def test_only_admins_sync(dest: str) -> None:
    analyst = Principal(user_id=None, username="a", role=Role.ANALYST, unit_id=None)
    with session_scope() as db, pytest.raises(service.PrimeroSyncError) as err:
        service.log_entries(db, analyst, dest)
    assert err.value.status == 403


def test_missing_password_is_a_clear_error(role_clients: dict, dest: str,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(service.env_name(dest, "PASSWORD"))
    reference = _case(role_clients)
    with session_scope() as db, pytest.raises(service.PrimeroSyncError) as err:
        service.push(db, CLI_PRINCIPAL, reference, dest)
    assert service.env_name(dest, "PASSWORD") in str(err.value)


def test_operations_are_audited(dest: str) -> None:
    with session_scope() as db:
        service.log_entries(db, CLI_PRINCIPAL, dest)
        actions = [e.action for e in db.scalars(
            select(audit.AuditEntry).order_by(audit.AuditEntry.id.desc()).limit(2))]
    assert actions == ["primero.log", "primero.destination_add"]
