"""Pages: watchlist search ("Cari di Daftar Pengawasan"), watchlist management, dedupe runs
and cluster review.

Handlers parse the form into the operation's model (``schemas.py``), call one function of
``matching.service`` (which checks access, audits and commits) and render. A refused input
re-shows the page, filled in, with the reason in the user's language.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from waspada.matching import service
from waspada.matching.schemas import LIST_KINDS, DecisionIn, EntryIn, ImportIn, RemoveIn, SearchIn
from waspada.platform.db import session_factory
from waspada.platform.deps import DB, require
from waspada.platform.domain import DomainError
from waspada.platform.files import FileError
from waspada.platform.formroute import FormRoute, Refused, reshow_with
from waspada.platform.i18n import N_
from waspada.platform.i18n import gettext as _
from waspada.platform.security.policy import Principal
from waspada.platform.templating import render
from waspada.platform.types import IdPath

router = APIRouter(include_in_schema=False, route_class=FormRoute)

UPLOAD_MAX_BYTES = 10 * 1024 * 1024

Screener = Annotated[Principal, Depends(require("watchlist.screen"))]
Manager = Annotated[Principal, Depends(require("watchlist.manage"))]
DedupeRunner = Annotated[Principal, Depends(require("dedupe.run"))]
Reviewer = Annotated[Principal, Depends(require("dedupe.review"))]

RELATION_LABELS = {
    "exact": N_("same date"), "day_month_swap": N_("day and month swapped"),
    "one_year_shift": N_("one year apart, same day and month"),
    "jan1_default": N_("1 January (unknown date recorded as 1/1)"),
    "typo": N_("one digit differs"), "close": N_("within 45 days"),
    "same_year": N_("same year, different date"), "near": N_("within two years"),
    "far": N_("years apart"), "unknown": N_("not known on both sides"),
}
STATUS_LABELS = (N_("pending"), N_("confirmed"), N_("split"))
HOW_LABELS = {
    "exact": N_("same"), "phonetic": N_("same sound or old spelling"),
    "fuzzy": N_("similar spelling"), "initial": N_("initial"), "prefix": N_("short form"),
    "merged": N_("written together"),
}


# -- search ----------------------------------------------------------------------------------

def _search_page(request: Request, form: dict[str, Any] | None = None, *,
                 results: list[service.Candidate] | None = None, error: str | None = None,
                 status_code: int = 200, problems: dict[str, str] | None = None) -> Response:
    return render(request, "matching/search.html",
                  {"form": form or {}, "results": results, "error": error,
                   "problems": problems or {},
                   "relation_labels": RELATION_LABELS, "how_labels": HOW_LABELS},
                  status_code=status_code)


def _search_refused(request: Request, refused: Refused) -> Response:
    return _search_page(request, refused.fields, error=refused.message, status_code=400,
                        problems=refused.problems)


@router.get("/watchlist/search")
def search_page(request: Request, principal: Screener) -> Response:
    return _search_page(request)


@router.post("/watchlist/search")
@reshow_with(_search_refused, SearchIn)
def search_submit(request: Request, data: Annotated[SearchIn, Form()], db: DB,
                  principal: Screener) -> Response:
    try:
        results = service.search(db, principal, data)
    except DomainError as exc:
        return _search_page(request, data.model_dump(), error=exc.localized(_),
                            status_code=exc.status,
                            problems={k: _(v) for k, v in exc.problems.items()})
    return _search_page(request, data.model_dump(), results=results)


# -- management ------------------------------------------------------------------------------

def _manage_page(request: Request, db: DB, principal: Principal, *, form: dict[str, Any] | None
                 = None, error: str | None = None, notice: str | None = None,
                 status_code: int = 200, problems: dict[str, str] | None = None) -> Response:
    rows = service.list_entries(db, principal, limit=200)
    refused_form = request.url.path.rstrip("/").rsplit("/", 1)[-1] if problems else ""
    return render(request, "matching/manage.html",
                  {"entries": rows, "kinds": LIST_KINDS, "form": form or {}, "error": error,
                   "notice": notice, "problems": problems or {},
                   "refused_form": refused_form}, status_code=status_code)


def _manage_refused(request: Request, refused: Refused) -> Response:
    with session_factory()() as db:
        return _manage_page(request, db, request.state.principal, form=refused.fields,
                            error=refused.message, status_code=400,
                            problems=refused.problems)


@router.get("/watchlist/manage")
def manage_page(request: Request, db: DB, principal: Manager) -> Response:
    return _manage_page(request, db, principal)


@router.post("/watchlist/manage/add")
@reshow_with(_manage_refused, EntryIn)
def manage_add(request: Request, data: Annotated[EntryIn, Form()], db: DB,
               principal: Manager) -> Response:
    try:
        service.add_entry(db, principal, data)
    except DomainError as exc:
        db.rollback()
        return _manage_page(request, db, principal, form=data.model_dump(mode="json"),
                            error=exc.localized(_), status_code=400,
                            problems={k: _(v) for k, v in exc.problems.items()})
    return RedirectResponse("/watchlist/manage", status_code=303)


@router.post("/watchlist/manage/import")
@reshow_with(_manage_refused, ImportIn)
def manage_import(request: Request, data: Annotated[ImportIn, Form()], db: DB,
                  principal: Manager, file: Annotated[UploadFile, File()]) -> Response:
    upload = file.file.read(UPLOAD_MAX_BYTES + 1)
    try:
        records = service.read_import_file(upload, source=data.source,
                                           max_bytes=UPLOAD_MAX_BYTES)
        n = service.import_entries(db, principal, records, data)
    except DomainError as exc:
        db.rollback()
        return _manage_page(request, db, principal, error=exc.localized(_), status_code=400)
    return _manage_page(request, db, principal, notice=_("%(n)s entries imported.", n=n))


@router.post("/watchlist/manage/{record_id}/remove")
@reshow_with(_manage_refused, RemoveIn)
def manage_remove(request: Request, record_id: str, data: Annotated[RemoveIn, Form()], db: DB,
                  principal: Manager) -> Response:
    service.remove_entry(db, principal, record_id, data)  # unknown id: the 404 page
    return RedirectResponse("/watchlist/manage", status_code=303)


# -- dedupe runs and review ------------------------------------------------------------------

def _dedupe_page(request: Request, db: DB, error: str | None = None, status_code: int = 200
                 ) -> Response:
    return render(request, "matching/dedupe.html",
                  {"runs": service.recent_runs(db), "error": error}, status_code=status_code)


@router.get("/dedupe")
def dedupe_page(request: Request, db: DB, principal: DedupeRunner) -> Response:
    return _dedupe_page(request, db)


@router.post("/dedupe/run")
def dedupe_run(request: Request, db: DB, principal: DedupeRunner,
               origin: Annotated[str, Form(max_length=20)] = "upload",
               threshold: Annotated[float, Form()] = 0.5,
               file: Annotated[UploadFile | None, File()] = None) -> Response:
    try:
        if origin == "database":
            records = service.database_records(db)
        else:
            data = file.file.read(UPLOAD_MAX_BYTES + 1) if file is not None else b""
            if not data:
                return _dedupe_page(request, db, _("Choose a CSV file."), 400)
            records = service.read_import_file(data, source="upload",
                                               max_bytes=UPLOAD_MAX_BYTES)
        run = service.run_dedupe(db, principal, records, origin=origin, threshold=threshold)
    except service.FileNotImported as exc:
        return _dedupe_page(request, db, _read_failed(exc.file_error), 400)
    except DomainError as exc:
        db.rollback()
        return _dedupe_page(request, db, exc.localized(_), 400)
    return RedirectResponse(f"/dedupe/runs/{run.id}", status_code=303)


def _read_failed(error: FileError) -> str:
    if error.code == "too_large":
        return _("The file is too large.")
    return service.FileNotImported(error, N_("The file was not read: {detail}")).localized(_)


@router.get("/dedupe/runs/{run_id}")
def dedupe_review(request: Request, run_id: IdPath, db: DB, principal: Reviewer) -> Response:
    review = service.review_run(db, principal, run_id)
    return render(request, "matching/review.html",
                  {"run": review.run, "clusters": review.clusters, "members": review.members})


@router.post("/dedupe/clusters/{cluster_id}/decide")
def dedupe_decide(cluster_id: IdPath, data: Annotated[DecisionIn, Form()], db: DB,
                  principal: Reviewer) -> Response:
    cluster = service.decide_cluster(db, principal, cluster_id, data)
    return RedirectResponse(f"/dedupe/runs/{cluster.run_id}#c{cluster.id}", status_code=303)
