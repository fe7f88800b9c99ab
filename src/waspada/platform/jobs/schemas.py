"""The jobs API's answers (``GET /api/v1/jobs/{id}``): a job's status, progress and kept files;
counts and codes only, never a result row or personal data."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class JobFileOut(BaseModel):
    name: str
    media_type: str
    size: int = Field(description="bytes")
    url: str = Field(description="GET it to download the file (audited jobs.download)")


class JobOut(BaseModel):
    id: int
    kind: str
    status: str = Field(description="queued, running, done, failed or cancelled")
    finished: bool
    done: int
    total: int
    percent: int
    cancel_requested: bool
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error_code: str | None = Field(description="why a failed job failed (a stable code)")
    problem: str | None = Field(description="why a failed job failed, in English")
    files: list[JobFileOut] = Field(description="the kept result files of a done job")
