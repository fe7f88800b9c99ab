"""The analysts' pages: the graph page ``/network`` (search a value, see its neighbours as a
graph with Cytoscape.js + fcose from local static files, expand, filter, open the underlying
records) and the entity review page ``/network/review`` (suggested merges with their evidence;
confirm, reject, unsure; undo a confirmed merge). Thin: parse the query or the form, call
:mod:`network.service`, render."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from waspada.platform import i18n, labels
from waspada.platform.deps import DB, require
from waspada.platform.formroute import FormRoute, Refused, reshow_with, with_session
from waspada.platform.i18n import N_
from waspada.platform.i18n import gettext as _
from waspada.platform.security.policy import Principal, allowed
from waspada.platform.templating import render
from waspada.platform.types import IdPath

from . import service
from .extract import KINDS
from .graph import MAX_DEPTH
from .schemas import VALUE_MAX, ReviewIn
from .sources import SOURCE_LABELS

router = APIRouter(include_in_schema=False, route_class=FormRoute)
Reviewer = Annotated[Principal, Depends(require("network.review"))]

#: why the system suggests a merge (review.py's reason codes)
REASON_LABELS = {
    "same_number": N_("The same number written with different country codes or prefixes"),
    "same_post": N_("A Telegram handle and a phone number are the only contacts of one post"),
    "similar_agency": N_("Agency names the P3MI registry matcher calls the same"),
}
STATUS_LABELS = {"open": N_("Suggested merges"), "unsure": N_("Marked unsure"),
                 "confirmed": N_("Merged entities")}


@router.get("/network")
def graph_page(request: Request, db: DB,
               principal: Annotated[Principal, Depends(require("network.view"))],
               q: Annotated[str, Query(max_length=VALUE_MAX)] = "",
               depth: Annotated[int, Query(ge=0, le=MAX_DEPTH)] = 1) -> Response:
    found: dict[str, Any] | None = None
    error = None
    if q.strip():
        try:
            found = service.lookup(db, principal, q.strip(), depth,
                                   bounds=service.PAGE_BOUNDS)
        except service.NetworkError as exc:
            error = exc
    return render(request, "network/graph.html", {
        "q": q, "depth": depth, "max_depth": MAX_DEPTH, "found": found,
        # in words here: the template's ``_`` is jinja's context-bound alias, which the error's
        # localized() cannot call (every unknown value answered 500; walk17)
        "error": error.localized(_) if error else None,
        "graph_json": jsonable_encoder(found) if found else None,
        "source_labels": SOURCE_LABELS,
        "kind_words": {kind: labels.label("network_kind", kind, i18n.current_language.get())
                       for kind in KINDS},
        "source_words": {code: _(label) for code, label in SOURCE_LABELS.items()},
        "may_review": allowed(principal, "network.review")},
        status_code=error.status if error and error.status in (403, 404) else 200)


def _review_page(request: Request, db: Session, principal: Principal, *,
                 error: str | None = None, status_code: int = 200) -> Response:
    queue = service.review_queue(db, principal)
    return render(request, "network/review.html", {
        "queue": queue, "lists": service.REVIEW_LISTS, "status_labels": STATUS_LABELS,
        "reason_labels": REASON_LABELS, "source_labels": SOURCE_LABELS, "error": error,
        "added": request.query_params.get("added")}, status_code=status_code)


def _review_refused(request: Request, db: Session, refused: Refused) -> Response:
    return _review_page(request, db, refused.principal, error=refused.message,
                        status_code=400)


@router.get("/network/review")
def review_page(request: Request, db: DB, principal: Reviewer) -> Response:
    return _review_page(request, db, principal)


@router.post("/network/review/suggest")
def review_suggest(db: DB, principal: Reviewer) -> Response:
    added = service.suggest_merges(db, principal)
    return RedirectResponse(f"/network/review?added={added}", status_code=303)


@router.post("/network/review/{suggestion_id}")
@reshow_with(with_session(_review_refused), ReviewIn)
def review_decide(request: Request, suggestion_id: IdPath, data: Annotated[ReviewIn, Form()],
                  db: DB, principal: Reviewer) -> Response:
    try:
        if data.decision == "undo":
            service.undo_merge(db, principal, suggestion_id)
        else:
            service.decide(db, principal, suggestion_id, data.decision)
    except service.NetworkError as exc:
        db.rollback()
        return _review_page(request, db, principal, error=exc.localized(_),
                            status_code=exc.status)
    return RedirectResponse(f"/network/review#s{suggestion_id}", status_code=303)
