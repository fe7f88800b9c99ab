"""The document checks (MRZ, NIK, whole traveller), written once for the API and the page.

The checks change no data; each is still audited (the officer looked at a person's document):
the entry holds the kind of check, the outcome and the number of findings, never the document.
The audit entry joins the caller's session and the function commits once, as in every
service. Response models for the API live here too (the shapes are the core's ``to_dict``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from waspada.identity.consistency import check_traveller
from waspada.identity.mrz import parse_mrz
from waspada.identity.nik import parse_nik
from waspada.platform import audit
from waspada.platform.domain import DomainError
from waspada.platform.i18n import N_
from waspada.platform.security.policy import Principal, allowed

if TYPE_CHECKING:
    from waspada.identity.reading import DocumentRead

SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}
#: the page's fields, their limits (characters) and their titles (msgids)
MRZ_TEXT_MAX = 500
NAME_MAX = 200
NIK_MAX = 100
PASSPORT_NO_MAX = 30
DATE_TEXT_MAX = 40


class FindingOut(BaseModel):
    code: str
    severity: str
    message: str
    field: str | None = None

    model_config = ConfigDict(extra="allow")


class CheckOut(BaseModel):
    """``valid`` and the findings; MRZ and NIK checks add their parsed fields."""

    valid: bool | None
    findings: list[FindingOut]

    model_config = ConfigDict(extra="allow")


class DocumentsForm(BaseModel):
    """The "Periksa Dokumen" page's form (every field optional)."""

    mrz: str = Field("", max_length=MRZ_TEXT_MAX, title=N_("MRZ lines"))
    nik: str = Field("", max_length=NIK_MAX, title="NIK")
    surname: str = Field("", max_length=NAME_MAX, title=N_("Surname"))
    given_names: str = Field("", max_length=NAME_MAX, title=N_("Given names"))
    birth_date: str = Field("", max_length=DATE_TEXT_MAX, title=N_("Date of birth"))
    sex: str = Field("", max_length=10, title=N_("Sex"))
    passport_number: str = Field("", max_length=PASSPORT_NO_MAX, title=N_("Passport number"))
    issue_date: str = Field("", max_length=DATE_TEXT_MAX, title=N_("Date of issue"))
    expiry_date: str = Field("", max_length=DATE_TEXT_MAX, title=N_("Date of expiry"))
    travel_date: str = Field("", max_length=DATE_TEXT_MAX, title=N_("Travel date"))
    married: str = Field("", max_length=10, title=N_("Married"))
    ocr_tolerant: str = Field("", max_length=10)


def _require(principal: Principal) -> None:
    if not (principal.is_cli or allowed(principal, "documents.check")):
        raise DomainError("forbidden", N_("Your role is not allowed to do this."), status=403)


def _audit(db: Session, principal: Principal, kind: str, valid: bool | None,
           findings: int) -> None:
    audit.record("documents.check", principal, object_type="document", kind=kind, valid=valid,
                 findings=findings, session=db)
    db.commit()


def check_mrz(db: Session, principal: Principal, lines: list[str], *, ocr_tolerant: bool,
              lang: str) -> dict[str, Any]:
    """Parse and validate an ICAO 9303 MRZ."""
    _require(principal)
    result = parse_mrz(lines, ocr_tolerant=ocr_tolerant).to_dict(lang)
    _audit(db, principal, "mrz", result["valid"], len(result["findings"]))
    return result


def check_nik(db: Session, principal: Principal, nik: str, *, lang: str) -> dict[str, Any]:
    """Validate a NIK: region names, birth date and sex."""
    _require(principal)
    result = parse_nik(nik).to_dict(lang)
    _audit(db, principal, "nik", result["valid"], len(result["findings"]))
    return result


def check_facts(db: Session, principal: Principal, facts: dict[str, Any], *, lang: str
                ) -> dict[str, Any]:
    """Every finding about one traveller (NIK vs passport, validity, expiry before travel)."""
    _require(principal)
    checked = check_traveller(facts)
    result = checked.to_dict(lang)
    if checked.mrz is not None:
        result["mrz"] = checked.mrz.to_dict(lang)
    _audit(db, principal, "traveller", result["valid"], len(result["findings"]))
    return result


def check_page(db: Session, principal: Principal, form: DocumentsForm, *, lang: str,
               read: DocumentRead | None = None) -> dict[str, Any]:
    """What the page shows: overall validity, sorted findings, the MRZ and NIK read-outs.

    ``read`` (a photo read by :func:`read_page_image`) replaces the MRZ result by the image's,
    with its OCR corrections and name-confidence flag."""
    _require(principal)
    values = form.model_dump(exclude={"ocr_tolerant"})
    facts: dict[str, Any] = {k: v for k, v in values.items() if v.strip()}
    mrz_lines = [line for line in form.mrz.splitlines() if line.strip()]
    if "mrz" in facts:
        facts["mrz"] = mrz_lines
    ocr = form.ocr_tolerant == "1"
    result = check_traveller(facts) if facts else None
    mrz_result = None
    if read is not None:
        mrz_result = read.result.to_dict(lang)
    elif form.mrz.strip():
        if ocr or result is None or result.mrz is None:
            mrz_result = parse_mrz(mrz_lines, ocr_tolerant=ocr).to_dict(lang)
        else:  # already parsed by check_traveller
            mrz_result = result.mrz.to_dict(lang)
    nik_result = parse_nik(form.nik).to_dict(lang) if form.nik.strip() else None
    findings = result.to_dict(lang)["findings"] if result else []
    valid = result.valid if result else None
    if read is not None and mrz_result is not None:
        # check_traveller parsed the MRZ strictly: take the MRZ findings from the OCR-tolerant
        # read instead (with its corrections and the name-confidence flag)
        findings = [f for f in findings if not f["code"].startswith("mrz.")]
        findings += mrz_result["findings"]
        valid = not any(f["severity"] == "critical" for f in findings)
    findings.sort(key=lambda f: SEVERITY_ORDER.get(f["severity"], 3))
    _audit(db, principal, "page" if read is None else "page_image", valid, len(findings))
    return {"valid": valid, "findings": findings, "mrz": mrz_result, "nik": nik_result}


def read_image(db: Session, principal: Principal, data: bytes, *, kind: str = "image"
               ) -> DocumentRead:
    """Read the MRZ from a photo or scan (OCR, then the OCR-tolerant parser). Nothing is
    stored; an unreadable image is audited as a failed check and raised as ``ImageError``.

    ``kind`` names the caller in the audit entry: ``image`` (API, CLI), ``screening_image``
    (the screening start form) are audited here; ``page_image`` is audited by
    :func:`check_page`, which checks the read together with the typed fields."""
    from waspada.identity.imaging import ImageError
    from waspada.identity.reading import read_document

    _require(principal)
    try:
        if not data:
            raise ImageError("image.missing",
                             N_("Choose a photo or scan of the data page first."))
        read = read_document(data)
    except ImageError as exc:
        audit.record("documents.check", principal, object_type="document", kind=kind,
                     valid=False, error=exc.code, session=db)
        db.commit()
        raise
    if kind != "page_image":
        _audit(db, principal, kind, read.result.valid, len(read.result.findings))
    return read
