"""Page "Periksa Dokumen": paste MRZ lines or read them from a photo, and/or a NIK."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from waspada.identity.consistency import check_traveller
from waspada.identity.nik import parse_nik
from waspada.platform import audit
from waspada.platform.deps import require
from waspada.platform.i18n import N_, current_language
from waspada.platform.security.policy import Principal
from waspada.platform.templating import render

router = APIRouter(include_in_schema=False)

FIELDS = ("mrz", "nik", "surname", "given_names", "birth_date", "sex", "passport_number",
          "issue_date", "expiry_date", "travel_date", "married")
SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


@router.get("/documents")
def documents_page(request: Request,
                   principal: Principal = Depends(require("documents.check"))) -> Response:
    return render(request, "identity/documents.html", {"form": {}, "checked": False})


@router.post("/documents")
def documents_check(request: Request, mrz: str = Form(""), nik: str = Form(""),
                    surname: str = Form(""), given_names: str = Form(""),
                    birth_date: str = Form(""), sex: str = Form(""),
                    passport_number: str = Form(""), issue_date: str = Form(""),
                    expiry_date: str = Form(""), travel_date: str = Form(""),
                    married: str = Form(""), ocr_tolerant: str = Form(""),
                    principal: Principal = Depends(require("documents.check"))) -> Response:
    form = {"mrz": mrz[:500], "nik": nik[:100], "surname": surname[:200],
            "given_names": given_names[:200], "birth_date": birth_date[:40], "sex": sex[:10],
            "passport_number": passport_number[:30], "issue_date": issue_date[:40],
            "expiry_date": expiry_date[:40], "travel_date": travel_date[:40],
            "married": married[:10], "ocr_tolerant": ocr_tolerant == "1"}
    return _check_and_render(request, form, principal)


def _check_and_render(request: Request, form: dict[str, Any], principal: Principal,
                      read: Any = None) -> Response:
    """Check the form; ``read`` (a ``DocumentRead``) replaces the MRZ result by the image's."""
    lang = current_language.get()
    facts: dict[str, Any] = {k: v for k, v in form.items()
                             if k in FIELDS and isinstance(v, str) and v.strip()}
    if "mrz" in facts:
        facts["mrz"] = [line for line in form["mrz"].splitlines() if line.strip()]
    result = check_traveller(facts) if facts else None
    mrz_result = None
    if read is not None:
        mrz_result = read.result.to_dict(lang)
    elif form["mrz"].strip():
        if form["ocr_tolerant"] or result is None or result.mrz is None:
            from waspada.identity.mrz import parse_mrz

            mrz_result = parse_mrz(facts["mrz"], ocr_tolerant=form["ocr_tolerant"]).to_dict(lang)
        else:  # already parsed by check_traveller
            mrz_result = result.mrz.to_dict(lang)
    nik_result = parse_nik(form["nik"]).to_dict(lang) if form["nik"].strip() else None
    findings = result.to_dict(lang)["findings"] if result else []
    valid = result.valid if result else None
    if read is not None and mrz_result is not None:
        # check_traveller parsed the MRZ strictly: take the MRZ findings from the OCR-tolerant
        # read instead (with its corrections and the name-confidence flag)
        findings = [f for f in findings if not f["code"].startswith("mrz.")]
        findings += mrz_result["findings"]
        valid = not any(f["severity"] == "critical" for f in findings)
    findings.sort(key=lambda f: SEVERITY_ORDER.get(f["severity"], 3))
    audit.record("documents.check", principal, object_type="document",
                 kind="page" if read is None else "page_image",
                 valid=valid, findings=len(findings))
    return render(request, "identity/documents.html", {
        "form": form, "checked": True, "valid": valid,
        "findings": findings, "mrz": mrz_result, "nik": nik_result,
        "ocr": _ocr_context(read) if read is not None else None})


def _ocr_context(read: Any) -> dict[str, Any]:
    import base64

    return {"crop": "data:image/png;base64," + base64.b64encode(read.crop_png).decode("ascii"),
            "lines": [line.text for line in read.lines], "uncertain": read.uncertain,
            "rotation": read.rotation}


@router.post("/documents/read")
def documents_read(request: Request, image: UploadFile | None = File(None),
                   nik: str = Form(""), surname: str = Form(""), given_names: str = Form(""),
                   birth_date: str = Form(""), sex: str = Form(""),
                   passport_number: str = Form(""), issue_date: str = Form(""),
                   expiry_date: str = Form(""), travel_date: str = Form(""),
                   married: str = Form(""),
                   principal: Principal = Depends(require("documents.check"))) -> Response:
    """Read the MRZ from a photo or scan, fill it in, and check it with the typed fields."""
    from waspada.identity.imaging import MAX_IMAGE_BYTES, ImageError
    from waspada.identity.reading import read_document
    from waspada.platform.i18n import gettext

    form: dict[str, Any] = {
        "mrz": "", "nik": nik[:100], "surname": surname[:200], "given_names": given_names[:200],
        "birth_date": birth_date[:40], "sex": sex[:10], "passport_number": passport_number[:30],
        "issue_date": issue_date[:40], "expiry_date": expiry_date[:40],
        "travel_date": travel_date[:40], "married": married[:10], "ocr_tolerant": True}
    data = image.file.read(MAX_IMAGE_BYTES + 1) if image is not None else b""
    try:
        if not data:
            raise ImageError("image.missing", N_("Choose a photo or scan of the data page "
                                                 "first."))
        read = read_document(data)
    except ImageError as exc:
        audit.record("documents.check", principal, object_type="document", kind="page_image",
                     valid=False, error=exc.code)
        return render(request, "identity/documents.html", {
            "form": form, "checked": False, "read_error": exc.localized(gettext)},
            status_code=exc.status)
    form["mrz"] = read.mrz_text()
    return _check_and_render(request, form, principal, read)
