"""Page "Periksa Dokumen": paste MRZ lines and/or a NIK, see fields and findings."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from waspada.identity.consistency import check_traveller
from waspada.identity.nik import parse_nik
from waspada.platform import audit
from waspada.platform.deps import require
from waspada.platform.i18n import current_language
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
    lang = current_language.get()
    form = {"mrz": mrz[:500], "nik": nik[:100], "surname": surname[:200],
            "given_names": given_names[:200], "birth_date": birth_date[:40], "sex": sex[:10],
            "passport_number": passport_number[:30], "issue_date": issue_date[:40],
            "expiry_date": expiry_date[:40], "travel_date": travel_date[:40],
            "married": married[:10], "ocr_tolerant": ocr_tolerant == "1"}
    facts: dict[str, Any] = {k: v for k, v in form.items()
                             if k in FIELDS and isinstance(v, str) and v.strip()}
    if "mrz" in facts:
        facts["mrz"] = [line for line in form["mrz"].splitlines() if line.strip()]
    result = check_traveller(facts) if facts else None
    mrz_result = None
    if form["mrz"].strip():
        if form["ocr_tolerant"] or result is None or result.mrz is None:
            from waspada.identity.mrz import parse_mrz

            mrz_result = parse_mrz(facts["mrz"], ocr_tolerant=form["ocr_tolerant"]).to_dict(lang)
        else:  # already parsed by check_traveller
            mrz_result = result.mrz.to_dict(lang)
    nik_result = parse_nik(form["nik"]).to_dict(lang) if form["nik"].strip() else None
    findings = result.to_dict(lang)["findings"] if result else []
    findings.sort(key=lambda f: SEVERITY_ORDER.get(f["severity"], 3))
    audit.record("documents.check", principal, object_type="document", kind="page",
                 valid=result.valid if result else None, findings=len(findings))
    return render(request, "identity/documents.html", {
        "form": form, "checked": True, "valid": result.valid if result else None,
        "findings": findings, "mrz": mrz_result, "nik": nik_result})
