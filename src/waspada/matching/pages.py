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
from sqlalchemy.orm import Session

from waspada.matching import service
from waspada.matching.clusters import RELATIONS
from waspada.matching.records import COLUMNS
from waspada.matching.schemas import (
    LIST_KINDS,
    DecisionIn,
    DedupeIn,
    EntryIn,
    ImportIn,
    RemoveIn,
    SearchIn,
)
from waspada.platform.db import session_factory
from waspada.platform.deps import DB, require
from waspada.platform.domain import DomainError
from waspada.platform.files import FileError
from waspada.platform.formroute import FormRoute, Refused, reshow_with, with_session
from waspada.platform.i18n import N_
from waspada.platform.i18n import gettext as _
from waspada.platform.security.policy import Principal
from waspada.platform.templating import decimal_text, render
from waspada.platform.types import IdPath

router = APIRouter(include_in_schema=False, route_class=FormRoute)

UPLOAD_MAX_BYTES = 10 * 1024 * 1024

Screener = Annotated[Principal, Depends(require("watchlist.screen"))]
Manager = Annotated[Principal, Depends(require("watchlist.manage"))]
DedupeRunner = Annotated[Principal, Depends(require("dedupe.run"))]
Reviewer = Annotated[Principal, Depends(require("dedupe.review"))]

RELATION_LABELS = RELATIONS  # one table: matching/clusters.py
STATUS_LABELS = (N_("pending"), N_("confirmed"), N_("split"))
HOW_LABELS = {
    "exact": N_("same"), "phonetic": N_("same sound or old spelling"),
    "fuzzy": N_("similar spelling"), "initial": N_("initial"), "prefix": N_("short form"),
    "merged": N_("written together"), "typo": N_("one or two letters differ"),
    "consonants": N_("same consonants (a script without vowels)"),
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
        job = service.start_import(db, principal, file.filename or "upload.csv", upload, data)
    except DomainError as exc:
        db.rollback()
        return _manage_page(request, db, principal, error=exc.localized(_), status_code=400)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.post("/watchlist/manage/{record_id:path}/remove")
@reshow_with(_manage_refused, RemoveIn)
def manage_remove(request: Request, record_id: str, data: Annotated[RemoveIn, Form()], db: DB,
                  principal: Manager) -> Response:
    service.remove_entry(db, principal, record_id, data)  # unknown id: the 404 page
    return RedirectResponse("/watchlist/manage", status_code=303)


# -- dedupe runs and review ------------------------------------------------------------------

#: the example file linked from the dedupe page (synthetic people)
EXAMPLE_CSV = (
    "record_id,full_name,birth_date,sex,birth_place,nik,passport_no,phone\n"
    "A-1,Siti Rahayu,1998-03-02,F,Indramayu,3212014203980001,C1234567,081234567890\n"
    "B-7,Siti Rahayu binti Ahmad,1998-03-02,P,Indramayu,,C1234567,\n"
    "A-2,Muhammad Rizki Pratama,2001-11-20,M,Medan,1271012011010003,,\n"
    "C-4,M. Rizky Pratama,2001-11-20,L,Medan,1271012011010003,,0813 5555 0101\n"
)
DEDUPE_TITLES = {"file": N_("File")}


def _dedupe_page(request: Request, db: DB, *, form: dict[str, Any] | None = None,
                 error: str | None = None, problems: dict[str, str] | None = None,
                 status_code: int = 200) -> Response:
    return render(request, "matching/dedupe.html",
                  {"runs": service.recent_runs(db), "error": error, "problems": problems or {},
                   "form": {"origin": "upload", "threshold": decimal_text(0.5, -6),
                            **(form or {})},
                   "columns": COLUMNS, "max_records": service.DEDUPE_MAX_RECORDS,
                   "max_mb": service.DEDUPE_MAX_BYTES // (1024 * 1024)},
                  status_code=status_code)


def _dedupe_refused(request: Request, db: Session, refused: Refused) -> Response:
    return _dedupe_page(request, db, form=refused.fields, error=refused.message,
                        problems=refused.problems, status_code=400)


@router.get("/dedupe")
def dedupe_page(request: Request, db: DB, principal: DedupeRunner) -> Response:
    return _dedupe_page(request, db)


@router.get("/dedupe/example.csv")
def dedupe_example(principal: DedupeRunner) -> Response:
    return Response(EXAMPLE_CSV, media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="contoh-dedupe.csv"'})


@router.post("/dedupe/run")
@reshow_with(with_session(_dedupe_refused), DedupeIn, titles=DEDUPE_TITLES)
def dedupe_run(request: Request, data: Annotated[DedupeIn, Form()], db: DB,
               principal: DedupeRunner,
               file: Annotated[UploadFile | None, File()] = None) -> Response:
    upload = (file.file.read(service.DEDUPE_MAX_BYTES + 1)
              if file is not None and data.origin == "upload" else b"")
    try:
        job = service.start_dedupe(db, principal, data, upload)
    except service.FileNotImported as exc:
        db.rollback()
        message = _read_failed(exc.file_error)
        return _dedupe_page(request, db, form=data.model_dump(mode="json"), error=message,
                            problems={"file": message}, status_code=400)
    except DomainError as exc:
        db.rollback()
        message = exc.localized(_)
        problems = {name: _(text) for name, text in exc.problems.items()}
        return _dedupe_page(request, db, form=data.model_dump(mode="json"), error=message,
                            problems=problems, status_code=exc.status)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def _read_failed(error: FileError) -> str:
    if error.code == "too_large":
        return _("The file is too large.")
    return service.FileNotImported(error, N_("The file was not read: {detail}")).localized(_)


@router.get("/dedupe/runs/{run_id}")
def dedupe_review(request: Request, run_id: IdPath, db: DB, principal: Reviewer) -> Response:
    review = service.review_run(db, principal, run_id)
    reasons = {cid: [_reason(msgid, params) for msgid, params in found.reasons]
               for cid, found in review.evidence.items()}
    return render(request, "matching/review.html",
                  {"run": review.run, "clusters": review.clusters, "members": review.members,
                   "evidence": review.evidence, "reasons": reasons, "queue": review.queue,
                   "review_low": review.review_low})


def _reason(msgid: str, params: dict[str, Any]) -> str:
    return _(msgid, **{k: _(v) if isinstance(v, str) else v for k, v in params.items()})


VERDICT_KINDS = (
    ("clusters", N_("Clusters"), N_("Score: the weakest link between two records of the cluster, "
                                    "as the review page shows it.")),
    ("pairs", N_("Review-queue pairs"), N_("Score: the match probability of a pair the run did "
                                           "not link.")))


@router.get("/dedupe/verdicts")
def dedupe_verdicts(request: Request, db: DB, principal: Reviewer) -> Response:
    found = service.dedupe_verdicts(db, principal)
    return render(request, "matching/verdicts.html",
                  {"verdicts": {"clusters": found.clusters, "pairs": found.pairs,
                                "unscored": found.unscored},
                   "kinds": [(kind, _(title), _(help_)) for kind, title, help_ in VERDICT_KINDS]})


@router.post("/dedupe/clusters/{cluster_id}/decide")
def dedupe_decide(cluster_id: IdPath, data: Annotated[DecisionIn, Form()], db: DB,
                  principal: Reviewer) -> Response:
    cluster = service.decide_cluster(db, principal, cluster_id, data)
    return RedirectResponse(f"/dedupe/runs/{cluster.run_id}#c{cluster.id}", status_code=303)
