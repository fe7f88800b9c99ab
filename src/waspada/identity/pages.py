"""Page "Periksa Dokumen": paste MRZ lines and/or a NIK, see fields and findings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from waspada.identity import service
from waspada.identity.service import DocumentsForm
from waspada.platform.deps import DB, require
from waspada.platform.formroute import FormRoute, Refused, reshow_with
from waspada.platform.i18n import current_language
from waspada.platform.security.policy import Principal
from waspada.platform.templating import render

router = APIRouter(include_in_schema=False, route_class=FormRoute)


@router.get("/documents")
def documents_page(request: Request,
                   principal: Principal = Depends(require("documents.check"))) -> Response:
    return render(request, "identity/documents.html", {"form": {}, "checked": False})


def _refused(request: Request, refused: Refused) -> Response:
    return render(request, "identity/documents.html",
                  {"form": refused.fields, "checked": False, "error": refused.message},
                  status_code=400)


@router.post("/documents")
@reshow_with(_refused, DocumentsForm)
def documents_check(request: Request, form: Annotated[DocumentsForm, Form()], db: DB,
                    principal: Principal = Depends(require("documents.check"))) -> Response:
    shown = service.check_page(db, principal, form, lang=current_language.get())
    return render(request, "identity/documents.html", {
        "form": form.model_dump(), "checked": True, **shown})
