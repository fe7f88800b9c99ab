"""Background jobs (platform/jobs, docs/jobs.md): atomic claim, progress, cancel, heartbeat
recovery, retention, per-user visibility, paged results and CSV, audit entries, the worker
threads. A test job kind is added to the registry for the duration of each test."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.conftest import ROLE_USERS, csrf_headers
from waspada.platform.audit import AuditEntry
from waspada.platform.db import session_scope, utcnow
from waspada.platform.jobs import kinds, service, store, worker
from waspada.platform.security.models import User
from waspada.platform.security.policy import Principal
from waspada.platform.security.roles import Role

ROWS = 120
#: set by a test to make the test kind wait (cancel while running)
GATE: dict[str, threading.Event] = {}


def _run(ctx: kinds.JobContext) -> kinds.Outcome:
    n = int(ctx.params.get("n", ROWS))
    if ctx.params.get("fail"):
        raise RuntimeError("boom")
    for i in range(n):
        if i == n // 2 and "half" in GATE:
            GATE["half"].set()
            GATE["go"].wait(5)
        ctx.progress(i + 1, n)
    return kinds.Outcome(summary={"n": n},
                         rows={"items": [{"i": i, "word": "=SUM(A1)" if i == 0 else f"w{i}",
                                          "level": "high"} for i in range(n)]})


TEST_KIND = kinds.JobKind(
    name="test.count", title="Bulk offer scan", view_action="offers.scan", run=_run,
    sections=(kinds.Section("items", "Results", (
        kinds.Column("i", "Record"), kinds.Column("word", "Contact"),
        kinds.Column("level", "Level", {"high": "high risk"}))),))


@pytest.fixture(autouse=True)
def test_kind() -> Iterator[None]:
    kinds.registry()[TEST_KIND.name] = TEST_KIND
    worker.run_pending()  # jobs other tests left queued do not disturb these
    yield
    kinds.registry().pop(TEST_KIND.name, None)
    GATE.clear()


def _principal(role_clients, role: str = "analyst") -> Principal:  # type: ignore[no-untyped-def]
    """The demo account of ``role`` (its client is signed in as that user)."""
    with session_scope() as db:
        user = db.scalar(select(User).where(User.username == ROLE_USERS[role]))
        return Principal(user_id=user.id, username=user.username, role=Role(user.role),
                         unit_id=user.unit_id)


def _submit(principal: Principal, **params: object) -> int:
    with session_scope() as db:
        return service.submit(db, principal, TEST_KIND.name, params=dict(params),
                              data=b"input", filename="in.csv").id


def _job(job_id: int) -> store.Job:
    with session_scope() as db:
        job = db.get(store.Job, job_id)
        assert job is not None
        db.expunge(job)
        return job


def _audit(action: str, job_id: int) -> int:
    with session_scope() as db:
        return db.scalar(select(func.count(AuditEntry.seq)).where(
            AuditEntry.action == action, AuditEntry.object_id == str(job_id))) or 0


def test_a_job_is_claimed_by_exactly_one_of_many_workers(role_clients) -> None:  # type: ignore[no-untyped-def]
    job_id = _submit(_principal(role_clients))
    won: list[int | None] = []
    start = threading.Barrier(6)

    def claim() -> None:
        start.wait()
        with session_scope() as db:
            won.append(worker.claim(db, f"w{threading.get_ident()}"))

    threads = [threading.Thread(target=claim) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert won.count(job_id) == 1, won
    job = _job(job_id)
    assert job.status == "running" and job.attempts == 1 and job.heartbeat_at is not None
    assert worker.run_job(job_id) == "done"


def test_a_job_runs_with_progress_and_keeps_paged_results_and_a_csv(role_clients) -> None:  # type: ignore[no-untyped-def]
    analyst = role_clients["analyst"]
    job_id = _submit(_principal(role_clients))
    assert _audit("jobs.start", job_id) == 1
    status = analyst.get(f"/jobs/{job_id}/status").json()
    assert status["status"] == "queued" and status["percent"] == 0
    queued = analyst.get(f"/jobs/{job_id}")
    assert 'http-equiv="refresh"' in queued.text  # without JavaScript the page refreshes
    assert worker.run_pending() == 1
    job = _job(job_id)
    assert (job.status, job.done, job.total, job.percent) == ("done", ROWS, ROWS, 100)
    with session_scope() as db:
        assert db.get(store.JobInput, job_id) is None  # the input is deleted with the finish
    page = analyst.get(f"/jobs/{job_id}")
    assert "120 baris; halaman 1 dari 3." in page.text and "risiko tinggi" in page.text
    assert 'http-equiv="refresh"' not in page.text
    last = analyst.get(f"/jobs/{job_id}?section=items&page=3")
    assert "<td>119</td>" in last.text and "<td>49</td>" not in last.text
    download = analyst.get(f"/jobs/{job_id}/items.csv")
    rows = list(csv.reader(io.StringIO(download.text)))
    assert rows[0] == ["Catatan", "Kontak", "Tingkat"] and len(rows) == ROWS + 1
    assert rows[1][1] == "'=SUM(A1)"  # spreadsheet-safe
    assert _audit("jobs.download", job_id) == 1 and _audit("jobs.finish", job_id) == 1
    assert _audit("jobs.results.read", job_id) >= 2


def test_a_job_is_visible_to_its_owner_and_roles_allowed_its_results(role_clients, app) -> None:  # type: ignore[no-untyped-def]
    job_id = _submit(_principal(role_clients))
    worker.run_pending()
    assert role_clients["analyst"].get(f"/jobs/{job_id}").status_code == 200
    for role in ("checkpoint_officer", "passport_officer", "protection_officer", "auditor",
                 "admin"):
        client = role_clients[role]
        for path in (f"/jobs/{job_id}", f"/jobs/{job_id}/status", f"/jobs/{job_id}/items.csv"):
            response = client.get(path)
            assert response.status_code == 404, (role, path)
            assert "w119" not in response.text and "=SUM" not in response.text
        cancel = client.post(f"/jobs/{job_id}/cancel", headers=csrf_headers(client))
        assert cancel.status_code == 404, role
        assert f"/jobs/{job_id}\"" not in client.get("/jobs").text
    assert f'href="/jobs/{job_id}"' in role_clients["analyst"].get("/jobs").text
    with TestClient(app, raise_server_exceptions=False) as anonymous:
        assert anonymous.get(f"/jobs/{job_id}/status", follow_redirects=False
                             ).status_code in (303, 401)


def test_cancel_a_queued_job_and_only_the_owner_may(role_clients) -> None:  # type: ignore[no-untyped-def]
    analyst, admin = role_clients["analyst"], role_clients["admin"]
    job_id = _submit(_principal(role_clients))
    assert admin.post(f"/jobs/{job_id}/cancel", headers=csrf_headers(admin)).status_code == 404
    r = analyst.post(f"/jobs/{job_id}/cancel", headers=csrf_headers(analyst),
                     follow_redirects=False)
    assert r.status_code == 303
    assert _job(job_id).status == "cancelled" and _audit("jobs.cancel", job_id) == 1
    assert worker.run_pending() == 0  # nothing left to run
    again = analyst.post(f"/jobs/{job_id}/cancel", headers=csrf_headers(analyst))
    assert again.status_code == 409


def test_cancel_a_running_job_stops_it_and_keeps_nothing(role_clients) -> None:  # type: ignore[no-untyped-def]
    analyst = role_clients["analyst"]
    GATE.update(half=threading.Event(), go=threading.Event())
    job_id = _submit(_principal(role_clients), n=40)
    runner = threading.Thread(target=worker.run_pending)
    runner.start()
    assert GATE["half"].wait(10)
    assert _job(job_id).status == "running"
    analyst.post(f"/jobs/{job_id}/cancel", headers=csrf_headers(analyst))
    assert _job(job_id).cancel_requested
    GATE["go"].set()
    runner.join(10)
    job = _job(job_id)
    assert job.status == "cancelled"  # at its next progress step (at most 0.3 s later)
    with session_scope() as db:
        assert store.count_rows(db, job_id, "items") == 0


def test_a_job_whose_worker_died_is_queued_again_then_failed(role_clients) -> None:  # type: ignore[no-untyped-def]
    job_id = _submit(_principal(role_clients))
    with session_scope() as db:
        assert worker.claim(db, "dead-worker") == job_id
        db.get(store.Job, job_id).heartbeat_at = utcnow() - timedelta(minutes=5)
    with session_scope() as db:
        assert worker.recover(db, stale_seconds=30) == 1
    job = _job(job_id)
    assert job.status == "queued" and job.worker is None and job.attempts == 1
    with session_scope() as db:  # second death: attempts are used up
        assert worker.claim(db, "dead-again") == job_id
        db.get(store.Job, job_id).heartbeat_at = utcnow() - timedelta(minutes=5)
    with session_scope() as db:
        worker.recover(db, stale_seconds=30)
    job = _job(job_id)
    assert job.status == "failed" and job.error_code == "worker_lost"
    page = role_clients["analyst"].get(f"/jobs/{job_id}")
    assert "Server berhenti dua kali" in page.text
    with session_scope() as db:  # a fresh heartbeat is left alone
        fresh = _submit(_principal(role_clients))
        worker.claim(db, "alive")
        assert worker.recover(db, stale_seconds=30) == 0
    assert _job(fresh).status == "running"
    assert worker.run_job(fresh) == "done"


def test_a_failing_job_names_the_error_type_and_logs_no_input(role_clients, caplog) -> None:  # type: ignore[no-untyped-def]
    job_id = _submit(_principal(role_clients), fail=True)
    with caplog.at_level("ERROR", logger="waspada.jobs"):
        worker.run_pending()
    job = _job(job_id)
    assert job.status == "failed" and job.error_detail == "RuntimeError"
    assert "input" not in caplog.text and "RuntimeError" in caplog.text
    assert "RuntimeError" in role_clients["analyst"].get(f"/jobs/{job_id}").text
    assert _audit("jobs.fail", job_id) == 1


def test_ended_jobs_are_purged_after_the_retention_period(role_clients) -> None:  # type: ignore[no-untyped-def]
    old, new = _submit(_principal(role_clients)), _submit(_principal(role_clients))
    worker.run_pending()
    with session_scope() as db:
        db.get(store.Job, old).finished_at = utcnow() - timedelta(days=15)
    with session_scope() as db:
        assert service.purge(db, retention_days=14) == 1
    with session_scope() as db:
        assert db.get(store.Job, old) is None and store.count_rows(db, old, "items") == 0
        assert db.get(store.Job, new) is not None
        entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "jobs.purge")
                           .order_by(AuditEntry.seq.desc())).first()
        assert entry is not None and json.loads(entry.detail)["count"] == 1


def test_worker_threads_pick_up_a_submitted_job_at_once(role_clients) -> None:  # type: ignore[no-untyped-def]
    running = worker.Worker(threads=2, poll_seconds=5.0)  # a submit wakes it: no 5 s wait
    running.start()
    try:
        job_id = _submit(_principal(role_clients))
        deadline = time.monotonic() + 10
        while _job(job_id).status != "done" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _job(job_id).status == "done"
        assert time.monotonic() < deadline
    finally:
        running.stop()
