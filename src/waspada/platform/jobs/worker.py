"""The job worker: threads in the web process (``WASPADA_JOB_WORKERS``, default 1) or a
process of its own (``waspada jobs worker``); both claim jobs the same way.

* **Claim**: ``UPDATE jobs SET status='running', worker=... WHERE id=:id AND status='queued'``;
  the row count says who won, on SQLite and PostgreSQL alike, so two workers never run one job.
* **Heartbeat**: while a job runs, a thread stamps ``heartbeat_at`` every
  ``WASPADA_JOB_HEARTBEAT_SECONDS``; progress steps stamp it too.
* **Recovery**: a running job whose heartbeat is older than three heartbeats lost its worker
  (the server stopped); it is queued again (its input is kept until it ends), at most
  ``MAX_ATTEMPTS`` times, then marked failed with the reason.
* **Finish**: results (rows and kept files), the capability's own records and the audit entry
  are written in one transaction, and the input file is deleted in it. A result file larger
  than ``store.OUTPUT_MAX_BYTES`` fails the job (``output_too_large``) and keeps nothing.
* **Owner**: a job does not run when its owner's account was disabled or moved to another
  role or unit after it was started (it fails with ``owner_changed``).
* **Retention**: ended jobs and their results are deleted after ``WASPADA_JOB_RETENTION_DAYS``.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Update, delete, insert, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from waspada.platform import audit
from waspada.platform.db import session_factory, utcnow
from waspada.platform.domain import DomainError
from waspada.platform.i18n import N_
from waspada.platform.jobs import service, store
from waspada.platform.jobs.kinds import Cancelled, JobContext, Outcome, kind_of, registry
from waspada.platform.security.models import User
from waspada.platform.security.policy import Principal
from waspada.platform.security.roles import Role
from waspada.platform.settings import get_settings

log = logging.getLogger("waspada.jobs")
MAX_ATTEMPTS = 2
#: progress is written at most this often (seconds)
PROGRESS_EVERY = 0.3


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:store.WORKER_MAX]


def _changed(db: Session, statement: Update) -> int:
    """Run an UPDATE; the number of rows it changed (the compare-and-set's answer)."""
    result = db.execute(statement.execution_options(synchronize_session=False))
    return int(cast(CursorResult[Any], result).rowcount)


def claim(db: Session, worker: str) -> int | None:
    """Claim the oldest queued job of a kind this process knows; None when there is none (or
    another worker won it). A job of a kind this process lacks (a worker of another version,
    another test process's kind) is left for a worker that knows it, never failed here."""
    known = list(registry())
    for job_id in db.scalars(select(store.Job.id).where(store.Job.status == "queued",
                                                        store.Job.kind.in_(known))
                             .order_by(store.Job.id).limit(5)):
        now = utcnow()
        won = _changed(db, update(store.Job).where(store.Job.id == job_id,
                                                   store.Job.status == "queued")
                       .values(status="running", worker=worker, started_at=now,
                               heartbeat_at=now, attempts=store.Job.attempts + 1))
        db.commit()
        if won == 1:
            return job_id
    return None


def recover(db: Session, stale_seconds: float) -> int:
    """Queue again (or fail, after ``MAX_ATTEMPTS``) running jobs whose worker stopped."""
    cutoff = utcnow() - timedelta(seconds=stale_seconds)
    lost = list(db.scalars(select(store.Job).where(store.Job.status == "running",
                                                   store.Job.heartbeat_at < cutoff)))
    for job in lost:
        stale = (store.Job.id == job.id, store.Job.status == "running",
                 store.Job.heartbeat_at < cutoff)
        if job.cancel_requested or job.attempts >= MAX_ATTEMPTS:
            _end(db, job.id, "cancelled" if job.cancel_requested else "failed",
                 "worker_lost", "the server stopped while the job ran", where=stale)
        else:
            db.execute(update(store.Job).where(*stale).values(status="queued", worker=None)
                       .execution_options(synchronize_session=False))
            db.commit()
            log.warning("job %s queued again: its worker stopped", job.id)
    return len(lost)


def _end(db: Session, job_id: int, status: str, code: str | None, detail: str | None,
         where: tuple[Any, ...] | None = None) -> None:
    """End a job without results (failed or cancelled): the input is deleted, audited."""
    changed = _changed(db, update(store.Job).where(*(where or (store.Job.id == job_id,)))
                       .values(status=status, error_code=code, error_detail=detail,
                               finished_at=utcnow()))
    if not changed:
        db.rollback()
        return
    db.execute(delete(store.JobInput).where(store.JobInput.job_id == job_id))
    db.execute(delete(store.JobRow).where(store.JobRow.job_id == job_id))
    db.execute(delete(store.JobOutput).where(store.JobOutput.job_id == job_id))
    audit.record(f"jobs.{'fail' if status == 'failed' else 'cancel'}", None, actor="jobs-worker",
                 object_type="job", object_id=job_id, reason=code, session=db)
    db.commit()


OWNER_CHANGED = N_("The account that started the job was disabled or has another role or "
                   "unit now, so the job did not run. Start it again if it is still needed.")


def _owner_changed(db: Session, job: store.Job) -> bool:
    """A job runs with its owner's rights as they were when it was started; it does not run
    when the account has been disabled or moved to another role or unit since."""
    if job.owner_id is None:
        return False
    owner = db.get(User, job.owner_id)
    return (owner is None or not owner.is_active or owner.role != job.owner_role
            or owner.unit_id != job.unit_id)


def _principal(job: store.Job) -> Principal:
    return Principal(user_id=job.owner_id, username=job.owner_name, role=Role(job.owner_role),
                     unit_id=job.unit_id, via="job")


class _Heartbeat:
    def __init__(self, job_id: int, every: float) -> None:
        self.job_id, self.every = job_id, every
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True, name=f"job-{job_id}-hb")

    def _beat(self) -> None:
        while not self.stop.wait(self.every):
            try:
                with session_factory()() as db:
                    db.execute(update(store.Job).where(store.Job.id == self.job_id,
                                                       store.Job.status == "running")
                               .values(heartbeat_at=utcnow())
                               .execution_options(synchronize_session=False))
                    db.commit()
            except Exception:  # noqa: BLE001 - a missed beat is retried; never kill the job
                log.warning("job %s: heartbeat not written", self.job_id)

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=5)


def _progress(job_id: int) -> Any:
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_EVERY and done < total:
            return
        last[0] = now
        with session_factory()() as db:
            db.execute(update(store.Job).where(store.Job.id == job_id)
                       .values(done=done, total=total, heartbeat_at=utcnow())
                       .execution_options(synchronize_session=False))
            db.commit()
            if db.scalar(select(store.Job.cancel_requested).where(store.Job.id == job_id)):
                raise Cancelled()
    return progress


def run_job(job_id: int) -> str:
    """Run one claimed job to its end; returns its final status."""
    settings = get_settings()
    with session_factory()() as db:
        job = db.get(store.Job, job_id)
        kind = kind_of(job.kind) if job else None
        if job is None:
            return "missing"
        if kind is None:
            _end(db, job_id, "failed", "unknown_kind", f"no job kind {job.kind!r} installed")
            return "failed"
        if _owner_changed(db, job):
            _end(db, job_id, "failed", "owner_changed",
                 json.dumps({"message": OWNER_CHANGED, "params": {}}))
            return "failed"
        source = db.get(store.JobInput, job_id)
        ctx = JobContext(job_id=job_id, principal=_principal(job), params=service.params_of(job),
                         data=source.data if source else b"",
                         filename=source.filename if source else "", progress=_progress(job_id))
    started = time.monotonic()
    try:
        with _Heartbeat(job_id, settings.job_heartbeat_seconds):
            outcome = kind.run(ctx)
        check_files(outcome)
    except Cancelled:
        with session_factory()() as db:
            _end(db, job_id, "cancelled", None, None)
        return "cancelled"
    except DomainError as exc:  # a refusal the job found (bad file, too many records)
        with session_factory()() as db:
            _end(db, job_id, "failed", exc.code, json.dumps({"message": exc.message,
                                                             "params": _plain(exc.params)}))
        return "failed"
    except Exception as exc:  # noqa: BLE001 - logged with its type only (no personal data)
        log.exception("job %s (%s) failed: %s", job_id, kind.name, type(exc).__name__)
        with session_factory()() as db:
            _end(db, job_id, "failed", "internal", type(exc).__name__)
        return "failed"
    _finish(job_id, outcome, time.monotonic() - started)
    return "done"


def size_text(size: int) -> str:
    """A byte count as people read it, rounded up: ``65 MB``, ``12 KB``, ``800 B``."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{-(-size // scale)} {unit}"
    return f"{size} B"


def check_files(outcome: Outcome) -> None:
    """Refuse a result file over ``store.OUTPUT_MAX_BYTES`` (the job fails, keeping nothing)
    and a file name that is not a plain file name."""
    for output in outcome.files:
        if (not output.name or len(output.name) > store.OUTPUT_NAME_MAX
                or not all(ch.isascii() and (ch.isalnum() or ch in "._-") for ch in output.name)
                or output.name.startswith(".")):
            raise ValueError("a job's result file name must be a plain file name")
        if len(output.data) > store.OUTPUT_MAX_BYTES:
            raise DomainError(
                "output_too_large",
                N_("The result is {size}, more than the {limit} a job may keep. "
                   "Choose fewer records (narrower filters) and start it again."),
                size=size_text(len(output.data)), limit=size_text(store.OUTPUT_MAX_BYTES))


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, int | float | str) else str(v) for k, v in params.items()}


def _finish(job_id: int, outcome: Outcome, seconds: float) -> None:
    with session_factory()() as db:
        summary = dict(outcome.summary)
        if outcome.save is not None:
            summary.update(outcome.save(db))
        for section, rows in outcome.rows.items():
            for start in range(0, len(rows), 5000):  # one executemany per 5,000 rows
                db.execute(insert(store.JobRow), [
                    {"job_id": job_id, "section": section, "seq": i,
                     "data": json.dumps(row, ensure_ascii=False, default=str)}
                    for i, row in enumerate(rows[start:start + 5000], start)])
            summary[f"rows_{section}"] = len(rows)
        for output in outcome.files:
            db.add(store.JobOutput(job_id=job_id, name=output.name, media_type=output.media_type,
                                   size=len(output.data), data=output.data))
        summary["seconds"] = round(seconds, 2)
        job = db.get(store.Job, job_id)
        assert job is not None  # noqa: S101 - claimed by this worker a moment ago
        if job.cancel_requested:  # cancelled during its last step: keep nothing
            db.rollback()
            _end(db, job_id, "cancelled", None, None)
            return
        job.status, job.finished_at, job.summary = "done", utcnow(), json.dumps(summary)
        job.done = max(job.done, job.total)
        db.execute(delete(store.JobInput).where(store.JobInput.job_id == job_id))
        audit.record("jobs.finish", None, actor="jobs-worker", object_type="job",
                     object_id=job_id, unit_id=job.unit_id, kind=job.kind,
                     rows=sum(len(r) for r in outcome.rows.values()),
                     files=len(outcome.files), session=db)
        db.commit()


def run_pending(limit: int = 100) -> int:
    """Run queued jobs one after the other in this thread (tests, ``jobs run-pending``)."""
    ran = 0
    worker = _worker_name()
    while ran < limit:
        with session_factory()() as db:
            job_id = claim(db, worker)
        if job_id is None:
            return ran
        run_job(job_id)
        ran += 1
    return ran


def housekeeping() -> None:
    settings = get_settings()
    with session_factory()() as db:
        recover(db, settings.job_heartbeat_seconds * 3)
        service.purge(db, settings.job_retention_days)


class Worker:
    """``threads`` worker threads polling every ``poll_seconds`` (woken at once by a submit
    in this process); housekeeping (recovery, retention) about every minute."""

    def __init__(self, threads: int, poll_seconds: float) -> None:
        self.threads, self.poll_seconds = threads, poll_seconds
        self.stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for n in range(self.threads):
            thread = threading.Thread(target=self._loop, args=(n,), daemon=True,
                                      name=f"waspada-jobs-{n}")
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self.stopping.set()
        service.wake.set()
        for thread in self._threads:
            thread.join(timeout=10)

    def _loop(self, n: int) -> None:
        next_housekeeping = 0.0
        while not self.stopping.is_set():
            try:
                if n == 0 and time.monotonic() >= next_housekeeping:
                    housekeeping()
                    next_housekeeping = time.monotonic() + 60
                ran = run_pending(limit=1)
            except Exception as exc:  # noqa: BLE001 - the database may be down; try again
                log.warning("job worker: %s", type(exc).__name__)
                ran = 0
            if not ran:
                service.wake.wait(self.poll_seconds)
                service.wake.clear()
