"""The job tables: ``jobs`` (status and progress; no personal data), ``job_inputs`` (the
uploaded file, deleted when the job ends), ``job_rows`` (the kept results, paged) and
``job_outputs`` (a kept result file, e.g. the HTCDS export's JSON or zip)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import NamedTuple, cast

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    func,
    literal_column,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from waspada.platform.db import Base, UTCDateTime, utcnow

KIND_MAX, SECTION_MAX, WORKER_MAX, CODE_MAX = 40, 20, 80, 64
OUTPUT_NAME_MAX, MEDIA_TYPE_MAX = 100, 100
#: the largest result file a job may keep (bytes); a job whose file is larger fails with
#: ``output_too_large`` and keeps nothing (docs/jobs.md, "File results")
OUTPUT_MAX_BYTES = 64 * 1024 * 1024
#: the bytes of a kept file read from the database per step of its download (docs/jobs.md,
#: "File results"): a download holds about this much, not the whole file
CHUNK_BYTES = 4 * 1024 * 1024
STATUSES = ("queued", "running", "done", "failed", "cancelled")
FINISHED = ("done", "failed", "cancelled")


class Job(Base):
    """One background job. ``params`` and ``summary`` are JSON objects without personal data
    (options, counts); ``error_code``/``error_detail`` name why a job failed."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(KIND_MAX))
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    owner_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    owner_name: Mapped[str] = mapped_column(String(100))
    owner_role: Mapped[str] = mapped_column(String(40))
    unit_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    params: Mapped[str] = mapped_column(Text, default="{}")
    summary: Mapped[str] = mapped_column(Text, default="{}")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(WORKER_MAX), nullable=True)
    error_code: Mapped[str | None] = mapped_column(String(CODE_MAX), nullable=True)
    error_detail: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True,
                                                         index=True)

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        if self.total <= 0:
            return 0
        return max(0, min(100, self.done * 100 // self.total))


class JobInput(Base):
    """The file a job works on; written with the audited start, deleted when the job ends."""

    __tablename__ = "job_inputs"

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"),
                                        primary_key=True)
    filename: Mapped[str] = mapped_column(String(255), default="")
    data: Mapped[bytes] = mapped_column(LargeBinary)


class JobRow(Base):
    """One kept result row (a JSON object) of a section of a job's results, in order."""

    __tablename__ = "job_rows"
    __table_args__ = (Index("ix_job_rows_job_section_seq", "job_id", "section", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    section: Mapped[str] = mapped_column(String(SECTION_MAX))
    seq: Mapped[int] = mapped_column(Integer)
    data: Mapped[str] = mapped_column(Text)


class JobOutput(Base):
    """A kept result file of a job (``name`` unique per job), written in the transaction that
    ends the job and deleted with the job by the retention purge."""

    __tablename__ = "job_outputs"

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"),
                                        primary_key=True)
    name: Mapped[str] = mapped_column(String(OUTPUT_NAME_MAX), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(MEDIA_TYPE_MAX))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def outputs(db: Session, job_id: int) -> list[tuple[str, str, int]]:
    """A job's kept files as (name, media type, size), without reading their bytes."""
    return [(name, media, size) for name, media, size in db.execute(
        select(JobOutput.name, JobOutput.media_type, JobOutput.size)
        .where(JobOutput.job_id == job_id).order_by(JobOutput.name))]


class OutputInfo(NamedTuple):
    """A kept file without its bytes."""

    job_id: int
    name: str
    media_type: str
    size: int


def output_info(db: Session, job_id: int, name: str) -> OutputInfo | None:
    """A job's kept file ``name`` (its media type and size), without reading its bytes."""
    row = db.execute(select(JobOutput.media_type, JobOutput.size).where(
        JobOutput.job_id == job_id, JobOutput.name == name)).first()
    return None if row is None else OutputInfo(job_id, name, row.media_type, row.size)


def output_chunk(db: Session, job_id: int, name: str, start: int, length: int) -> bytes | None:
    """``length`` bytes of a kept file from byte ``start`` (0-based; fewer at its end); None
    when the file is gone. PostgreSQL cuts the bytea with ``substr`` (reading only the TOAST
    chunks it needs when the value is stored uncompressed). SQLite's ``substr`` would load
    the whole blob for every chunk (a 64 MB download in 4 MB chunks took 3 s, not 0.2 s, and
    the process grew by 76 MB), so on SQLite the chunk is read with its incremental blob I/O
    (``sqlite3.Connection.blobopen``), which reads only the pages it needs."""
    where = (JobOutput.job_id == job_id, JobOutput.name == name)
    if db.get_bind().dialect.name != "sqlite":
        value = db.scalar(select(func.substr(JobOutput.data, start + 1, length,
                                             type_=LargeBinary)).where(*where))
        return None if value is None else bytes(value)
    rowid = db.scalar(select(literal_column("rowid")).select_from(JobOutput).where(*where))
    if rowid is None:
        return None
    raw = cast(sqlite3.Connection, db.connection().connection.driver_connection)
    with raw.blobopen(JobOutput.__tablename__, "data", rowid, readonly=True) as blob:
        blob.seek(min(start, len(blob)))
        return bytes(blob.read(length))


def count_rows(db: Session, job_id: int, section: str) -> int:
    return db.scalar(select(func.count(JobRow.id)).where(
        JobRow.job_id == job_id, JobRow.section == section)) or 0


def page_rows(db: Session, job_id: int, section: str, offset: int, limit: int) -> list[str]:
    return list(db.scalars(select(JobRow.data).where(
        JobRow.job_id == job_id, JobRow.section == section, JobRow.seq >= offset)
        .order_by(JobRow.seq).limit(limit)))
