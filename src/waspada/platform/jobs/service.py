"""Every job operation, written once for the pages, the API and the CLI: submit (start), read,
list, cancel, a page of results, download (rows or a kept file), purge.

Each checks who may act (a job is visible to its owner and to the roles allowed its kind's
``view_action`` within their unit reach), records its audit entry in the same transaction and
commits once. Reading a job's status (progress) is not audited: it holds no personal data.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from babel.numbers import format_decimal
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from waspada.platform import audit
from waspada.platform.db import session_factory, utcnow
from waspada.platform.domain import DomainError
from waspada.platform.exports import csv_writer, spreadsheet_safe
from waspada.platform.i18n import N_, translate
from waspada.platform.jobs import store
from waspada.platform.jobs.kinds import JobKind, Section, kind_of
from waspada.platform.security.policy import Principal, allowed, may_access_unit

#: rows on one page of results
PAGE_SIZE = 50
#: set when a job is submitted, so an idle worker in this process starts at once
wake = threading.Event()


class JobError(DomainError):
    """A refused job operation."""


def _not_found() -> JobError:
    return JobError("not_found", N_("The page or record you asked for does not exist."),
                    status=404)


def params_of(job: store.Job) -> dict[str, Any]:
    return dict(json.loads(job.params or "{}"))


def summary_of(job: store.Job) -> dict[str, Any]:
    return dict(json.loads(job.summary or "{}"))


def is_owner(principal: Principal, job: store.Job) -> bool:
    """``principal`` started ``job`` and still holds the role and unit it was started with.
    An owner moved since (another role or unit) is judged like anyone else: the job's results
    were made with rights they may no longer have (e.g. an export with victims' names)."""
    return (principal.user_id is not None and job.owner_id == principal.user_id
            and str(principal.role.value) == job.owner_role and principal.unit_id == job.unit_id)


def may_see(principal: Principal, job: store.Job) -> bool:
    """The owner (in the role and unit the job was started with: :func:`is_owner`), the CLI
    operator, and roles allowed the kind's ``view_action`` in reach (of the owner's own role,
    for a kind whose results depend on it: ``same_role``)."""
    if principal.is_cli or is_owner(principal, job):
        return True
    kind = kind_of(job.kind)
    return (kind is not None and allowed(principal, kind.view_action)
            and may_access_unit(principal, job.unit_id)
            and (not kind.same_role or principal.role.value == job.owner_role))


def submit(db: Session, principal: Principal, kind_name: str, *, params: dict[str, Any],
           data: bytes = b"", filename: str = "", total: int = 0) -> store.Job:
    """Queue a job (the caller, a capability's service, has checked its own action and the
    input's format); its input file is kept until the job ends. Audited ``jobs.start``."""
    kind = kind_of(kind_name)
    if kind is None:
        raise JobError("unknown_kind", N_("The request is not valid."))
    _check_active(db, principal)
    job = store.Job(kind=kind.name, owner_id=principal.user_id, owner_name=principal.username,
                    owner_role=str(principal.role.value), unit_id=principal.unit_id,
                    params=json.dumps(params, sort_keys=True), total=total)
    db.add(job)
    db.flush()
    db.add(store.JobInput(job_id=job.id, filename=filename[:255], data=data))
    audit.record("jobs.start", principal, object_type="job", object_id=job.id,
                 unit_id=principal.unit_id, kind=kind.name, bytes=len(data), session=db)
    db.commit()
    wake.set()
    return job


TOO_MANY = N_("You already have {count} jobs waiting or running, the most one account may "
              "have at once. Wait until one ends (or cancel one in \"My jobs\") and start "
              "this again.")


def _check_active(db: Session, principal: Principal) -> None:
    """Refuse a job beyond ``WASPADA_JOB_MAX_ACTIVE`` unfinished jobs of one account: the
    jobs of every user wait in one queue, and a job costs the server seconds where starting
    it costs a request of milliseconds (40 HTCDS exports started in 0.8 s by one read token
    held every other user's job back for over a minute). The CLI operator is not limited."""
    if principal.user_id is None:
        return
    from waspada.platform.settings import get_settings

    limit = get_settings().job_max_active
    active = db.scalar(select(func.count()).select_from(store.Job).where(
        store.Job.owner_id == principal.user_id,
        store.Job.status.in_(("queued", "running")))) or 0
    if active >= limit:
        raise JobError("too_many_jobs", TOO_MANY, status=429, count=active)


def read(db: Session, principal: Principal, job_id: int) -> store.Job:
    """A job's status and progress (a 404 for a job the principal may not see)."""
    job = db.get(store.Job, job_id)
    if job is None or not may_see(principal, job):
        raise _not_found()
    return job


def listing(db: Session, principal: Principal, limit: int = 50) -> list[store.Job]:
    """The principal's own jobs, then others' jobs they may see, newest first."""
    own = [job for job in db.scalars(select(store.Job).where(
        store.Job.owner_id == principal.user_id).order_by(store.Job.id.desc()).limit(limit))
        if may_see(principal, job)]
    others = [job for job in db.scalars(
        select(store.Job).where(or_(store.Job.owner_id.is_(None),
                                    store.Job.owner_id != principal.user_id))
        .order_by(store.Job.id.desc()).limit(limit * 4)) if may_see(principal, job)]
    return own + others[:max(0, limit - len(own))]


def cancel(db: Session, principal: Principal, job_id: int) -> store.Job:
    """Cancel a queued job at once; ask a running one to stop (it stops at its next progress
    step and keeps no results). Only the owner (or the CLI operator) may. Audited."""
    job = read(db, principal, job_id)
    if not (principal.is_cli or job.owner_id == principal.user_id):
        raise JobError("forbidden", N_("Only the person who started the job can cancel it."),
                       status=403)
    if job.finished:
        raise JobError("finished", N_("The job has already ended."), status=409)
    if job.status == "queued":
        job.status, job.finished_at = "cancelled", utcnow()
        db.execute(delete(store.JobInput).where(store.JobInput.job_id == job.id))
    else:
        job.cancel_requested = True
    audit.record("jobs.cancel", principal, object_type="job", object_id=job.id,
                 unit_id=job.unit_id, kind=job.kind, was=job.status, session=db)
    db.commit()
    return job


@dataclass(frozen=True)
class ResultPage:
    section: Section
    rows: list[dict[str, Any]]
    total: int
    page: int
    pages: int


def results(db: Session, principal: Principal, job_id: int, section: str | None, page: int
            ) -> tuple[store.Job, JobKind, ResultPage | None]:
    """One page of a finished job's results (a read of kept results: audited)."""
    job = read(db, principal, job_id)
    kind = kind_of(job.kind)
    if kind is None:
        raise _not_found()
    if job.status != "done" or not kind.sections:
        return job, kind, None
    chosen = kind.section(section or kind.sections[0].name)
    if chosen is None:
        raise _not_found()
    total = store.count_rows(db, job.id, chosen.name)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = [json.loads(r) for r in store.page_rows(db, job.id, chosen.name,
                                                   (page - 1) * PAGE_SIZE, PAGE_SIZE)]
    audit.record("jobs.results.read", principal, object_type="job", object_id=job.id,
                 unit_id=job.unit_id, kind=job.kind, section=chosen.name, page=page,
                 session=db)
    db.commit()
    return job, kind, ResultPage(chosen, rows, total, page, pages)


def cell(value: Any, labels: Any, lang: str, *, page: bool = False) -> str:
    """A result value as people read it (codes through the column's labels). On the page
    (``page``) a decimal number is written in the reader's language, up to four decimals
    ("0,9883" in Indonesian, like ``|decimal`` elsewhere); downloads keep "0.9883", which
    every spreadsheet and script reads as a number."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(cell(v, labels, lang, page=page) for v in value)
    if page and isinstance(value, float):
        return str(format_decimal(value, format="0.####", locale=lang))
    if callable(labels):  # words computed in the reader's language, no msgid
        words = labels(str(value), lang)
        return str(value) if words is None else words
    if labels and str(value) in labels:
        return translate(labels[str(value)], lang)
    return str(value)


def download(db: Session, principal: Principal, job_id: int, section: str, lang: str,
             fmt: str = "csv") -> tuple[store.Job, bytes]:
    """Every row of a section as CSV or Excel (``fmt``: ``csv`` | ``xlsx``; spreadsheet-safe),
    with its titles in ``lang``. Audited ``jobs.download``."""
    job = read(db, principal, job_id)
    kind = kind_of(job.kind)
    chosen = kind.section(section) if kind else None
    if chosen is None or job.status != "done":
        raise _not_found()
    header = [translate(c.title, lang) for c in chosen.columns]
    rows: list[list[str]] = []
    offset = 0
    while True:
        batch = store.page_rows(db, job.id, chosen.name, offset, 2000)
        for raw in batch:
            row = json.loads(raw)
            rows.append([spreadsheet_safe(cell(row.get(c.key), c.labels, lang))
                         for c in chosen.columns])
        if len(batch) < 2000:
            break
        offset += 2000
    audit.record("jobs.download", principal, object_type="job", object_id=job.id,
                 unit_id=job.unit_id, kind=job.kind, section=chosen.name, rows=len(rows),
                 format=fmt, session=db)
    db.commit()
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(chosen.name[:31])
        sheet.append(header)
        for values in rows:
            sheet.append(values)
        out = io.BytesIO()
        book.save(out)
        return job, out.getvalue()
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return job, buffer.getvalue().encode("utf-8")


def files(db: Session, job: store.Job) -> list[tuple[str, str, int]]:
    """A done job's kept files as (name, media type, size); the caller has read the job."""
    return store.outputs(db, job.id) if job.status == "done" else []


def download_file(db: Session, principal: Principal, job_id: int, name: str
                  ) -> tuple[store.Job, store.OutputInfo]:
    """A done job's kept result file (its name, media type and size; the bytes come from
    :func:`file_chunks`). Audited ``jobs.download`` (file name, size) in the transaction that
    checked who may read it."""
    job = read(db, principal, job_id)
    output = store.output_info(db, job.id, name) if job.status == "done" else None
    if output is None:
        raise _not_found()
    audit.record("jobs.download", principal, object_type="job", object_id=job.id,
                 unit_id=job.unit_id, kind=job.kind, file=output.name, bytes=output.size,
                 session=db)
    db.commit()
    return job, output


def file_chunks(output: store.OutputInfo) -> Iterator[bytes]:
    """The bytes of a kept file that :func:`download_file` allowed, ``store.CHUNK_BYTES`` at
    a time, each read in its own short session: a slow client holds neither a connection nor
    a transaction between chunks, and the server never holds the whole file. Kept files do
    not change; one deleted while it is sent (the retention purge) ends the stream with an
    error, so the client gets a short download (less than its Content-Length), never other
    bytes."""
    for start in range(0, output.size, store.CHUNK_BYTES):
        with session_factory()() as db:
            chunk = store.output_chunk(db, output.job_id, output.name, start,
                                       store.CHUNK_BYTES)
        if chunk is None or len(chunk) != min(store.CHUNK_BYTES, output.size - start):
            raise RuntimeError(f"job {output.job_id}: its kept file was deleted or changed "
                               "while it was sent")
        yield chunk


def purge(db: Session, retention_days: int) -> int:
    """Delete jobs (and their kept results) that ended more than ``retention_days`` ago.
    One audit entry (``jobs.purge``, by the worker) when any were deleted."""
    cutoff = utcnow() - timedelta(days=retention_days)
    ids = list(db.scalars(select(store.Job.id).where(
        store.Job.status.in_(store.FINISHED), store.Job.finished_at < cutoff).limit(500)))
    if not ids:
        return 0
    db.execute(delete(store.JobRow).where(store.JobRow.job_id.in_(ids)))
    db.execute(delete(store.JobOutput).where(store.JobOutput.job_id.in_(ids)))
    db.execute(delete(store.JobInput).where(store.JobInput.job_id.in_(ids)))
    db.execute(delete(store.Job).where(store.Job.id.in_(ids)))
    audit.record("jobs.purge", None, actor="jobs-worker", object_type="job", count=len(ids),
                 retention_days=retention_days, session=db)
    db.commit()
    return len(ids)
