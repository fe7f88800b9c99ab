"""Cleaning the HTCDS 2.0 values officers (or a partner's record) enter, checked against the field
table (``cases/htcds_fields.yaml``): picklist values, code lists, numbers and coordinates (pure;
the store and :func:`waspada.cases.htcds.htcds_to_case` both use it)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from waspada.cases import limits
from waspada.cases.errors import CaseError
from waspada.cases.htcds_fields import TABLE, HtcdsField
from waspada.platform.i18n import N_

#: the new case columns (migration 0202) and their text limits (None: not text)
CASE_SOURCES: dict[str, int | None] = {
    "case_worker": limits.WORKER, "status_decision_org": None,
    "relationship_to_trafficker": None, "age_when_trafficked": None, "recruitment_apps": None,
    "recruitment_location": limits.LOCATION, "control_methods": None,
    "forced_labour_industry": None, "sex_exploitation_type": None,
    "exploitation_location": limits.LOCATION, "exploitation_apps": None,
    "referring_org": limits.ORG_NAME, "incoming_referral_date": None,
    "referring_worker": limits.WORKER, "incoming_referral_reason": None,
    "incoming_referral_details": limits.REFERRAL_DETAILS,
}
PERSON_SOURCES: dict[str, int | None] = {
    "salutation": limits.SALUTATION, "title": limits.TITLE, "home_phone": limits.PHONE,
    "mailing_country": None, "mailing_postal_code": limits.POSTAL_CODE,
    "mailing_latitude": None, "mailing_longitude": None, "deceased": None,
    "marital_status": None, "number_of_children": None, "primary_language": None,
    "secondary_language": None, "education": None,
    "organisation": limits.PERSON_ORGANISATION, "citizenship": None, "perpetrator_role": None,
}
ORG_SOURCES: dict[str, int | None] = {
    "street": limits.STREET, "city": limits.CITY, "state": limits.STATE,
    "postal_code": limits.POSTAL_CODE, "latitude": None, "longitude": None,
    "phone": limits.PHONE,
}
EVENT_SOURCES: dict[str, int | None] = {"postal_code": limits.POSTAL_CODE, "latitude": None,
                                        "longitude": None}
_NUMBER_RANGES = {"vic_AgeWhenTrafficked": (0, 120), "prs_NumberOfChildren": (0, 50),
                  "x_wsp_Version": (0, 2**31 - 1)}


def clean_text(value: object, limit: int) -> str | None:
    """Like the store's: short text on one line, long text trimmed; too long is refused."""
    text = " ".join(str(value).split()) if limit <= 200 else str(value).strip()
    if len(text) > limit:
        raise CaseError("too_long", "a field is longer than {limit} characters", 422,
                        limit=limit)
    return text or None


def clean_date(value: object, name: str) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise CaseError("invalid_date", f"{name} must be YYYY-MM-DD", 422) from None


def clean_datetime(value: object, name: str) -> datetime:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise CaseError("invalid_date", N_("{name} must be an ISO 8601 date and time"),
                        422, name=name) from None


def _bad(field: HtcdsField, message: str, **params: Any) -> CaseError:
    """``message``: an English msgid (marked with ``N_``) holding ``{field}``."""
    return CaseError("invalid_htcds_value", message, 422, field=field.name, **params)


def as_list(value: Any) -> list[str]:
    """A multi-select value as a list: a list as it is, ``"a,b"`` split (blank items dropped)."""
    if value in (None, ""):
        return []
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    return [str(v).strip() for v in items if str(v).strip()]


def _code(field: HtcdsField, value: str) -> str:
    if field.code == "iso3166":
        code = value.strip().upper()
        if len(code) != 2 or not code.isalpha():
            raise _bad(field, N_("{field}: an ISO 3166 alpha-2 country code"))
        return code
    code = value.strip().lower()
    if not (2 <= len(code) <= 3 and code.isalpha()):
        raise _bad(field, N_("{field}: an ISO 639 language code"))
    return code


def clean_value(field: HtcdsField, value: Any, text_limit: int | None) -> Any:
    """One value checked against its field; ``None`` for "not given"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if field.type == "picklist" or field.code is not None:
        items = as_list(value) if field.multi else [str(value).strip()]
        if field.code is not None:
            items = [_code(field, item) for item in items]
        elif any(item not in field.allowed for item in items):
            raise _bad(field, N_("{field}: not one of the standard's values"))
        joined = ",".join(dict.fromkeys(items))
        if len(joined) > limits.MULTI_CHOICE:
            raise _bad(field, N_("{field}: too many values"))
        return joined or None
    if field.type == "number":
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise _bad(field, N_("{field}: a whole number")) from None
        low, high = _NUMBER_RANGES.get(field.name, (0, 10**6))
        if not low <= number <= high:
            raise _bad(field, N_("{field}: between {low} and {high}"), low=low, high=high)
        return number
    if field.type == "geolocation":
        try:
            degrees = float(value)
        except (TypeError, ValueError):
            raise _bad(field, N_("{field}: a number")) from None
        bound = 90.0 if field.name.endswith("Latitude") else 180.0
        if not -bound <= degrees <= bound:  # also refuses nan
            raise _bad(field, N_("{field}: between {low} and {high}"), low=-bound, high=bound)
        return degrees
    if field.type == "checkbox":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text not in ("true", "false", "1", "0", "on", "yes", "no"):
            raise _bad(field, N_("{field}: true or false"))
        return text in ("true", "1", "on", "yes")
    if field.type == "date":
        return clean_date(value, field.name)
    if field.type == "datetime":
        return clean_datetime(value, field.name)
    return clean_text(value, text_limit or limits.NOTE)


def _by_source(objects: tuple[str, ...]) -> dict[str, HtcdsField]:
    return {f.source: f for obj in objects for f in TABLE.of(obj) if f.source}


def clean_values(objects: tuple[str, ...], sources: dict[str, int | None],
                 data: dict[str, Any]) -> dict[str, Any]:
    """The given ``sources`` of ``data`` cleaned (keys not in ``data`` are left out)."""
    fields = _by_source(objects)
    return {name: clean_value(fields[name], data[name], limit)
            for name, limit in sources.items() if name in data}


def clean_case_values(data: dict[str, Any]) -> dict[str, Any]:
    return clean_values(("Case", "Victim"), CASE_SOURCES, data)


def clean_person_values(data: dict[str, Any]) -> dict[str, Any]:
    return clean_values(("Person", "Perpetrator"), PERSON_SOURCES, data)


def clean_org_values(data: dict[str, Any]) -> dict[str, Any]:
    return clean_values(("Organisation",), ORG_SOURCES, data)


def clean_event_values(data: dict[str, Any]) -> dict[str, Any]:
    return clean_values(("TraffickingEvent",), EVENT_SOURCES, data)
