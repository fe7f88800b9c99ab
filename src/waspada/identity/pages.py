"""Page "Periksa Dokumen": paste MRZ lines and/or a NIK, see fields and findings."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from waspada.identity import service
from waspada.identity.service import DocumentsForm
from waspada.platform.deps import DB, form_fields, require
from waspada.platform.formroute import FormRoute, Refused, problem_message, reshow_with
from waspada.platform.i18n import current_language, gettext
from waspada.platform.security.policy import Principal
from waspada.platform.templating import render

if TYPE_CHECKING:
    from waspada.identity.reading import DocumentRead

router = APIRouter(include_in_schema=False, route_class=FormRoute)
DOCUMENT_TITLES = {name: info.title for name, info in DocumentsForm.model_fields.items()
                   if info.title}


@router.get("/documents")
def documents_page(request: Request,
                   principal: Principal = Depends(require("documents.check"))) -> Response:
    return render(request, "identity/documents.html", {"form": {}, "checked": False})


def _refused(request: Request, refused: Refused) -> Response:
    return render(request, "identity/documents.html",
                  {"form": refused.fields, "checked": False, "error": refused.message,
                   "problems": refused.problems}, status_code=400)


@router.post("/documents")
@reshow_with(_refused, DocumentsForm)
def documents_check(request: Request, form: Annotated[DocumentsForm, Form()], db: DB,
                    principal: Principal = Depends(require("documents.check"))) -> Response:
    shown = service.check_page(db, principal, form, lang=current_language.get())
    return render(request, "identity/documents.html", {
        "form": form.model_dump(), "checked": True, **shown})


def _ocr_context(read: DocumentRead) -> dict[str, Any]:
    crop = "data:image/png;base64," + base64.b64encode(read.crop_png).decode("ascii")
    return {"crop": crop, "lines": [line.text for line in read.lines],
            "uncertain": read.uncertain, "rotation": read.rotation}


@router.post("/documents/read")
def documents_read(request: Request, db: DB, image: Annotated[UploadFile | None, File()] = None,
                   fields: FormData = Depends(form_fields),
                   principal: Principal = Depends(require("documents.check"))) -> Response:
    """Read the MRZ from a photo or scan, fill it in, and check it with the typed fields (the
    officer types the data page, so it is compared with the MRZ the image holds)."""
    from waspada.identity.imaging import MAX_IMAGE_BYTES, ImageError

    typed = {k: v for k, v in fields.items()
             if isinstance(v, str) and k in DocumentsForm.model_fields and k != "mrz"}
    try:
        form = DocumentsForm.model_validate({**typed, "ocr_tolerant": "1"})
    except ValidationError as exc:
        refused = Refused(typed, problem_message(RequestValidationError(exc.errors()),
                                                 DOCUMENT_TITLES), too_long=True)
        return _refused(request, refused)
    data = image.file.read(MAX_IMAGE_BYTES + 1) if image is not None else b""
    try:
        read = service.read_image(db, principal, data, kind="page_image")
    except ImageError as exc:
        return render(request, "identity/documents.html", {
            "form": form.model_dump(), "checked": False, "read_error": exc.localized(gettext)},
            status_code=exc.status)
    form = form.model_copy(update={"mrz": read.mrz_text()})
    shown = service.check_page(db, principal, form, lang=current_language.get(), read=read)
    return render(request, "identity/documents.html", {
        "form": form.model_dump(), "checked": True, "ocr": _ocr_context(read), **shown})
