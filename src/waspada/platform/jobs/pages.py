"""Job pages: "Pekerjaan saya" (the list), a job's page (progress bar, cancel, paged results,
CSV downloads, the kept result file) and its status as JSON for the page's small script
(waspada.js)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response, StreamingResponse

from waspada.platform.deps import DB, require
from waspada.platform.i18n import N_, current_language, translate
from waspada.platform.i18n import gettext as _
from waspada.platform.jobs import service, store
from waspada.platform.jobs.kinds import kind_of, startable
from waspada.platform.jobs.worker import size_text
from waspada.platform.security.policy import Principal
from waspada.platform.templating import render
from waspada.platform.types import IdPath, PageQuery

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Principal, Depends(require("jobs.view"))]
SectionQuery = Annotated[str | None, Query(max_length=20, pattern=r"^[a-z_]+$")]
SectionPath = Annotated[str, Path(max_length=20, pattern=r"^[a-z_]+$")]
FileName = Annotated[str, Path(min_length=1, max_length=store.OUTPUT_NAME_MAX,
                               pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
STATUS_LABELS = {"queued": N_("Waiting to start"), "running": N_("Running"),
                 "done": N_("Finished"), "failed": N_("Failed"), "cancelled": N_("Cancelled")}
INTERNAL = N_("The job stopped because of an internal error ({kind}); it was logged.")
WORKER_LOST = N_("The server stopped while the job ran, twice; start the job again.")


def problem_in(job: store.Job, lang: str) -> str | None:
    """Why a job failed, in ``lang`` (the API answers English)."""
    if job.status != "failed":
        return None
    if job.error_code == "worker_lost":
        return translate(WORKER_LOST, lang)
    if job.error_code in (None, "internal", "unknown_kind"):
        return translate(INTERNAL, lang).format(kind=job.error_detail or "?")
    try:
        detail = json.loads(job.error_detail or "{}")
        params = {k: translate(v, lang) if isinstance(v, str) else v  # a step name is a msgid
                  for k, v in detail.get("params", {}).items()}
        return str(translate(detail["message"], lang).format(**params))
    except (ValueError, KeyError, IndexError, TypeError):
        return translate(INTERNAL, lang).format(kind=job.error_code)


def problem(job: store.Job) -> str | None:
    """Why a job failed, in the user's language."""
    return problem_in(job, current_language.get())


def _title(job: store.Job) -> str:
    kind = kind_of(job.kind)
    return _(kind.title) if kind else job.kind


def status_json(job: store.Job) -> dict[str, Any]:
    return {"id": job.id, "status": job.status, "status_label": _(STATUS_LABELS[job.status]),
            "done": job.done, "total": job.total, "percent": job.percent,
            "finished": job.finished, "cancel_requested": job.cancel_requested,
            "problem": problem(job)}


@router.get("/jobs")
def jobs_page(request: Request, db: DB, principal: Viewer) -> Response:
    jobs = service.listing(db, principal)
    return render(request, "jobs/list.html",
                  {"jobs": jobs, "title_of": _title, "status_labels": STATUS_LABELS,
                   "retention_days": _retention(),
                   "startable": startable(principal) if not jobs else []})


def _retention() -> int:
    from waspada.platform.settings import get_settings

    return get_settings().job_retention_days


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: IdPath, db: DB, principal: Viewer,
             section: SectionQuery = None, page: PageQuery = 1) -> Response:
    job, kind, results = service.results(db, principal, job_id, section, page)
    summary = service.summary_of(job)
    link = kind.result_link(summary) if kind.result_link and job.status == "done" else None
    return render(request, "jobs/job.html",
                  {"job": job, "kind": kind, "results": results, "summary": summary,
                   "params": service.params_of(job), "problem": problem(job),
                   "status_labels": STATUS_LABELS, "result_link": link,
                   "may_cancel": job.owner_id == principal.user_id and not job.finished,
                   "files": service.files(db, job), "size_text": size_text,
                   "cell": lambda value, labels: service.cell(value, labels,
                                                              current_language.get(),
                                                              page=True),
                   "retention_days": _retention()})


@router.get("/jobs/{job_id}/status")
def job_status(job_id: IdPath, db: DB, principal: Viewer) -> Response:
    job = service.read(db, principal, job_id)
    return JSONResponse(status_json(job), headers={"cache-control": "no-store"})


@router.post("/jobs/{job_id}/cancel")
def job_cancel(job_id: IdPath, db: DB, principal: Viewer) -> Response:
    service.cancel(db, principal, job_id)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


def file_response(job: store.Job, output: store.OutputInfo) -> Response:
    """A kept file as a download, streamed from the database a chunk at a time (the page's
    link and the API answer the same)."""
    return StreamingResponse(service.file_chunks(output), media_type=output.media_type,
                             headers={"content-length": str(output.size),
                                      "content-disposition":
                                      f'attachment; filename="job-{job.id}-{output.name}"'})


@router.get("/jobs/{job_id}/files/{name}")
def job_file(job_id: IdPath, name: FileName, db: DB, principal: Viewer) -> Response:
    """Download a done job's kept result file (audited ``jobs.download``)."""
    return file_response(*service.download_file(db, principal, job_id, name))


@router.get("/jobs/{job_id}/{section}.csv")
def job_download(job_id: IdPath, section: SectionPath, db: DB,
                 principal: Viewer) -> Response:
    job, data = service.download(db, principal, job_id, section, current_language.get())
    return Response(data, media_type="text/csv; charset=utf-8",
                    headers={"content-disposition":
                             f'attachment; filename="job-{job.id}-{section}.csv"'})


@router.get("/jobs/{job_id}/{section}.xlsx")
def job_download_xlsx(job_id: IdPath, section: SectionPath, db: DB,
                      principal: Viewer) -> Response:
    job, data = service.download(db, principal, job_id, section, current_language.get(),
                                 fmt="xlsx")
    return Response(data, media_type="application/vnd.openxmlformats-officedocument."
                                     "spreadsheetml.sheet",
                    headers={"content-disposition":
                             f'attachment; filename="job-{job.id}-{section}.xlsx"'})
