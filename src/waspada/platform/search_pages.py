"""The person search page (the search box in the navigation submits here)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from waspada.platform import search as person_search
from waspada.platform.deps import DB, Form, require
from waspada.platform.domain import DomainError
from waspada.platform.i18n import N_
from waspada.platform.i18n import gettext as _
from waspada.platform.security.policy import Principal
from waspada.platform.templating import render

router = APIRouter(include_in_schema=False)

#: the kinds of query, as the page names them
KIND_LABELS = {"name": N_("name"), "nik": "NIK", "passport": N_("passport number"),
               "phone": N_("phone number"), "reference": N_("record number")}


@router.get("/search")
def search_form(request: Request,
                principal: Principal = Depends(require("search.persons"))) -> Response:
    return render(request, "search.html", {"q": "", "result": None, "error": None})


@router.post("/search")
def search_page(request: Request, db: DB, form: Form,
                principal: Principal = Depends(require("search.persons"))) -> Response:
    """The query is personal data: it comes as a form post (never in an address that proxies,
    browser history or access logs keep) and goes only to the audit trail."""
    q = str(form.get("q") or "")
    try:
        result = person_search.search(db, principal, q)
    except DomainError as exc:
        db.rollback()
        return render(request, "search.html", {"q": q[:person_search.QUERY_MAX],
                                               "result": None, "error": exc.localized(_)},
                      status_code=exc.status)
    return render(request, "search.html", {"q": q, "result": result, "error": None,
                                           "kind_labels": KIND_LABELS})
