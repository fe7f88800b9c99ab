"""Organisations cases are referred to, and the public intake unit."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from waspada.cases import htcds, limits
from waspada.cases.errors import CaseError
from waspada.cases.htcds_values import clean_org_values
from waspada.cases.models import (
    Organisation,
)
from waspada.cases.store.fields import clean_text
from waspada.platform import labels
from waspada.platform.security.models import Unit
from waspada.platform.security.users import get_or_create_unit, unit_code

ORGS_FILE = Path(__file__).parent.parent / "organisations.yaml"


# -- organisations and units -----------------------------------------------------------------

@lru_cache(maxsize=1)
def org_catalogue() -> dict[str, Any]:
    return yaml.safe_load(ORGS_FILE.read_text(encoding="utf-8"))


def _org_words(code: str, lang: str) -> str | None:
    for org in org_catalogue().get("organisations", ()):
        if org["code"] == code:
            return str(org.get(lang) or org.get("en") or code)
    return None


# the built-in organisations in the one labels catalogue (issue #16, defect 8); one an
# administrator adds is shown by its own name (``label(..., default=name)``)
labels.register("organisation", _org_words,
                lambda: [o["code"] for o in org_catalogue().get("organisations", ())])


def sync_organisations(session: Session) -> int:
    """Add built-in organisations that are missing; link them to existing units. Idempotent."""
    created = 0
    for row in org_catalogue()["organisations"]:
        org = session.scalar(select(Organisation).where(Organisation.code == row["code"]))
        if org is None:
            org = Organisation(code=row["code"], name=row["id"], name_en=row["en"],
                               org_type=row["type"], country=row.get("country", "ID"),
                               **clean_org_values(row))
            session.add(org)
            created += 1
        if org.unit_id is None and row.get("unit"):
            unit = session.scalar(select(Unit).where(Unit.code == unit_code(row["unit"])))
            if unit is not None:
                org.unit_id = unit.id
    session.flush()
    return created


def list_organisations(session: Session) -> list[Organisation]:
    if session.scalar(select(Organisation.id).limit(1)) is None:
        sync_organisations(session)
    return list(session.scalars(select(Organisation).where(Organisation.active.is_(True))
                                .order_by(Organisation.name)))


def add_organisation(session: Session, code: str, name: str, name_en: str, org_type: str,
                     country: str, unit_name: str | None,
                     details: dict[str, Any] | None = None) -> Organisation:
    """A new organisation; ``details``: its HTCDS org_Shipping* address and org_Phone."""
    code = code.strip().upper()
    if not code or len(code) > limits.ORG_CODE or not all(ch.isalnum() or ch == "_" for ch in code):
        raise CaseError("invalid_code", "organisation code: 1-32 letters, digits, underscore")
    if org_type not in htcds.ORG_TYPES:
        raise CaseError("invalid_type", "unknown HTCDS organisation type")
    if session.scalar(select(Organisation).where(Organisation.code == code)) is not None:
        raise CaseError("exists", "an organisation with this code exists", 409)
    country = (country or "ID").strip().upper()
    if len(country) != limits.COUNTRY or not country.isalpha():
        raise CaseError("invalid_country", "country: ISO 3166 alpha-2 code", 422)
    unit = clean_text(unit_name, limits.UNIT_NAME)
    unit_id = get_or_create_unit(session, unit).id if unit else None
    org = Organisation(code=code, name=clean_text(name, limits.ORG_NAME) or code,
                       name_en=clean_text(name_en, limits.ORG_NAME) or "",
                       org_type=org_type, country=country, unit_id=unit_id,
                       **clean_org_values(details or {}))
    session.add(org)
    session.flush()
    return org


def public_intake_unit(session: Session, destination: str | None) -> Unit:
    units = org_catalogue()["public_intake_units"]
    name = units.get((destination or "").upper(), units["*"])
    return get_or_create_unit(session, name, kind="protection")

