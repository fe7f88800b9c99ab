"""`/api/v1/documents/...`: MRZ, NIK and whole-traveller checks for signed-in officers."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from waspada.identity import service
from waspada.identity.service import CheckOut
from waspada.platform.deps import DB, require
from waspada.platform.security.policy import Principal

api_router = APIRouter(prefix="/api/v1/documents", tags=["documents"])
Checker = Annotated[Principal, Depends(require("documents.check"))]

TD3_EXAMPLE = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
               "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]


class MRZRequest(BaseModel):
    lines: list[str] = Field(min_length=1, max_length=5, examples=[TD3_EXAMPLE])
    ocr_tolerant: bool = Field(False, description="Fix O/0, I/1, S/5, B/8 where the field "
                                                  "type allows; every fix is a finding.")
    lang: Literal["id", "en"] = "en"


class NIKRequest(BaseModel):
    nik: str = Field(max_length=100, examples=["3507014101900001"])
    lang: Literal["id", "en"] = "en"


class TravellerRequest(BaseModel):
    """Whatever is known about a traveller; every field is optional."""

    model_config = ConfigDict(extra="forbid")

    nik: str | None = Field(None, max_length=100)
    mrz: list[str] | None = Field(None, max_length=5)
    surname: str | None = Field(None, max_length=200)
    given_names: str | None = Field(None, max_length=200)
    birth_date: date | None = None
    sex: Literal["M", "F", "L", "P", "X"] | None = None
    passport_number: str | None = Field(None, max_length=30)
    issue_date: date | None = None
    expiry_date: date | None = None
    married: bool | None = None
    travel_date: date | None = None
    lang: Literal["id", "en"] = "en"


@api_router.post("/mrz", response_model=CheckOut)
def check_mrz(body: MRZRequest, db: DB, principal: Checker) -> dict[str, Any]:
    """Parse and validate an ICAO 9303 MRZ (TD1, TD2, TD3, MRV-A, MRV-B)."""
    return service.check_mrz(db, principal, body.lines, ocr_tolerant=body.ocr_tolerant,
                             lang=body.lang)


@api_router.post("/nik", response_model=CheckOut)
def check_nik(body: NIKRequest, db: DB, principal: Checker) -> dict[str, Any]:
    """Validate a NIK; province, regency and district names; birth date and sex."""
    return service.check_nik(db, principal, body.nik, lang=body.lang)


@api_router.post("/check", response_model=CheckOut)
def check_documents(body: TravellerRequest, db: DB, principal: Checker) -> dict[str, Any]:
    """All findings about one traveller: NIK vs passport, validity rules, expiry before travel."""
    facts = body.model_dump(exclude={"lang"}, exclude_none=True)
    return service.check_facts(db, principal, facts, lang=body.lang)


@api_router.post("/read", response_model=CheckOut)
def read_document_image(db: DB, principal: Checker,
                        file: Annotated[UploadFile, File(description=(
                            "Photo or scan of the data page: JPEG, PNG, TIFF or PDF, at most "
                            "10 MB."))],
                        lang: Annotated[Literal["id", "en"], Form()] = "en") -> dict[str, Any]:
    """Read the MRZ from a photo or scan (OCR) and check it: the `/mrz` result plus `ocr`.

    `ocr` holds the MRZ lines as read, one confidence per line, the OCR corrections, the
    uncertain characters, the rotation applied and `crop_png_base64`, the MRZ band as a
    PNG for the officer to compare with the parsed name. Nothing is stored.
    """
    from waspada.identity.imaging import MAX_IMAGE_BYTES

    read = service.read_image(db, principal, file.file.read(MAX_IMAGE_BYTES + 1))
    return read.to_dict(lang)
