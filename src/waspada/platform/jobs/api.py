"""Jobs JSON API under ``/api/v1/jobs``: a job's status and the download of its kept result
file. The same visibility as the job page (``service.may_see``: anyone else gets a 404)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from waspada.platform.deps import DB, require
from waspada.platform.jobs import service
from waspada.platform.jobs.pages import FileName, file_response, problem_in
from waspada.platform.jobs.schemas import JobFileOut, JobOut
from waspada.platform.security.policy import Principal
from waspada.platform.types import IdPath

api_router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])
Viewer = Annotated[Principal, Depends(require("jobs.view"))]


@api_router.get("/{job_id}", response_model=JobOut)
def job_status(job_id: IdPath, db: DB, principal: Viewer) -> JobOut:
    """A job's status, progress and (when done) its kept files; a 404 for a job the caller
    may not see. Not audited: counts only."""
    job = service.read(db, principal, job_id)
    return JobOut(
        id=job.id, kind=job.kind, status=job.status, finished=job.finished, done=job.done,
        total=job.total, percent=job.percent, cancel_requested=job.cancel_requested,
        created_at=job.created_at, started_at=job.started_at, finished_at=job.finished_at,
        error_code=job.error_code, problem=problem_in(job, "en"),
        files=[JobFileOut(name=name, media_type=media, size=size,
                          url=f"/api/v1/jobs/{job.id}/files/{name}")
               for name, media, size in service.files(db, job)])


@api_router.get("/{job_id}/files/{name}", response_class=Response, responses={200: {
    "content": {"application/zip": {}, "application/json": {}, "application/octet-stream": {}},
    "headers": {"Content-Disposition": {"description": "attachment; filename=\"NAME\"",
                                        "schema": {"type": "string"}}},
    "description": "The kept file as it was written (its media type as listed in the job)"}})
def job_file(job_id: IdPath, name: FileName, db: DB, principal: Viewer) -> Response:
    """Download a done job's kept result file (audited ``jobs.download``)."""
    return file_response(*service.download_file(db, principal, job_id, name))

