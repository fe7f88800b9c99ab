"""The JSON Schema (draft 2020-12) of HTCDS 2.0 records with Waspada's extension (pure).

No machine-readable schema of HTCDS 2.0 exists (the standard is a spreadsheet); this one is
generated from the one field table (``cases/htcds_fields.yaml``), so the schema, the export and
the inverse mapping cannot drift apart. Waspada's extension (fields ``x_wsp_*`` and the value
``ForcedCriminality`` in ``vic_TypeOfExploitation``: forced criminality in online-scam and
online-gambling compounds, which HTCDS has no exploitation type for, see HTCDS issue #28) is
versioned separately: :data:`SCHEMA_VERSION` is ``<HTCDS version>+wsp.<extension version>`` and
is part of the ``$id``.

:func:`document_schema` describes an export document (``waspada cases export``);
:func:`record_schema` one case record (what a bundle between installations carries);
:func:`validate_record` / :func:`validate_document` answer the problems found (empty: valid).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from waspada.cases.htcds import CITATION, LIST_PARTS, PART_OBJECTS
from waspada.cases.htcds_fields import TABLE, HtcdsField

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_VERSION = f"{TABLE.version}+wsp.{TABLE.extension_version}"
SCHEMA_ID = f"urn:waspada:schema:htcds:{SCHEMA_VERSION}"
HTCDS_EXTENSION_ISSUE = "https://github.com/UNMigration/HTCDS/issues/28"

_NUMBER_RANGES = {"vic_AgeWhenTrafficked": (0, 120), "prs_NumberOfChildren": (0, 50)}
_CODE_PATTERNS = {"iso3166": "^[A-Z]{2}$", "iso639": "^[a-z]{2,3}$"}
#: the $defs name of each list part's items
PART_DEFS: dict[str, str] = {
    "persons": "Person", "historic_trafficking_events": "TraffickingEvent",
    "referrals": "Referral", "support_plans": "SupportPlan", "consents": "Consent",
    "case_comments": "CaseComment", "organisations": "Organisation",
}


def _value_schema(field: HtcdsField) -> dict[str, Any]:
    if field.code is not None:
        return {"type": "string", "pattern": _CODE_PATTERNS[field.code]}
    if field.type == "picklist":
        return {"enum": list(field.allowed)}
    if field.type == "date":
        return {"type": "string", "format": "date"}
    if field.type == "datetime":
        return {"type": "string", "format": "date-time"}
    if field.type == "number":
        low, high = _NUMBER_RANGES.get(field.name, (0, None))
        out: dict[str, Any] = {"type": "integer", "minimum": low}
        if high is not None:
            out["maximum"] = high
        return out
    if field.type == "geolocation":
        bound = 90 if field.name.endswith("Latitude") else 180
        return {"type": "number", "minimum": -bound, "maximum": bound}
    if field.type == "checkbox":
        return {"type": "boolean"}
    return {"type": "string", "minLength": 1}


def field_schema(field: HtcdsField) -> dict[str, Any]:
    """One field's schema, with its label, description and provenance as annotations."""
    value = _value_schema(field)
    if field.multi:
        value = {"type": "array", "items": value, "minItems": 1, "uniqueItems": True}
    text = field.description or field.label
    if field.extension_values:
        text += (f" Waspada extension values: {', '.join(field.extension_values)} "
                 f"(forced criminality; HTCDS issue #28).")
    if field.extension:
        text += " Waspada extension."
    elif field.core:
        text += " HTCDS core field."
    out: dict[str, Any] = {"title": field.label, "description": text.strip(), **value}
    if field.deprecated:
        out["deprecated"] = True
    out["$comment"] = (f"{'Waspada extension' if field.extension else 'HTCDS 2.0'}; "
                       f"section: {field.section}")
    return out


def _object_schema(title: str, objects: tuple[str, ...], extra: dict[str, Any] | None = None
                   ) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for obj in objects:
        for field in TABLE.of(obj):
            properties[field.name] = field_schema(field)
    properties.update(extra or {})
    return {"title": title, "type": "object", "properties": properties,
            "additionalProperties": False}


def _defs() -> dict[str, Any]:
    parts = {part: {"type": "array", "items": {"$ref": f"#/$defs/{name}"}}
             for part, name in PART_DEFS.items()}
    defs = {"CaseRecord": _object_schema(
        "One case: HTCDS Case and Victim fields, with its lists", PART_OBJECTS[""], parts)}
    defs["CaseRecord"]["required"] = ["cas_Status"]
    for part, name in PART_DEFS.items():
        defs[name] = _object_schema(name, PART_OBJECTS[part])
    return defs


def _header(title: str) -> dict[str, Any]:
    return {
        "$schema": DIALECT,
        "title": title,
        "description": (
            "Human Trafficking Case Data Standard 2.0 (" + CITATION + "; Waspada is not "
            "endorsed by IOM), generated from Waspada's field table (cases/htcds_fields.yaml), "
            "with Waspada's extension " + TABLE.extension_version + ": x_wsp_* fields and "
            "vic_TypeOfExploitation=ForcedCriminality for forced criminality in scam "
            "compounds (" + HTCDS_EXTENSION_ISSUE + "). Multi-select picklists are arrays."),
        "x-htcds-version": TABLE.version,
        "x-waspada-extension-version": TABLE.extension_version,
    }


@lru_cache(maxsize=1)
def document_schema() -> dict[str, Any]:
    """The schema of an export document (``{"standard", ..., "cases": [records]}``)."""
    return {
        **_header(f"HTCDS {TABLE.version} export (Waspada extension {TABLE.extension_version})"),
        "$id": SCHEMA_ID,
        "type": "object",
        "properties": {
            "standard": {"type": "string"}, "source": {"type": "string"},
            "extension": {"type": "string"}, "deidentified": {"type": "boolean"},
            "count": {"type": "integer", "minimum": 0},
            "cases": {"type": "array", "items": {"$ref": "#/$defs/CaseRecord"}},
        },
        "required": ["standard", "cases"],
        "additionalProperties": False,
        "$defs": _defs(),
    }


@lru_cache(maxsize=1)
def record_schema() -> dict[str, Any]:
    """The schema of one case record (a bundle's HTCDS payload)."""
    return {**_header(f"HTCDS {TABLE.version} case record"), "$id": SCHEMA_ID + ":record",
            "$ref": "#/$defs/CaseRecord", "$defs": _defs()}


@lru_cache(maxsize=2)
def _validator(which: str) -> Draft202012Validator:
    schema = document_schema() if which == "document" else record_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def _problems(validator: Draft202012Validator, instance: Any, limit: int) -> list[str]:
    out = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        out.append(f"{where}: {error.message[:200]}")
        if len(out) >= limit:
            break
    return out


def validate_record(record: Any, limit: int = 20) -> list[str]:
    """Problems of one case record against the schema (empty: valid)."""
    return _problems(_validator("record"), record, limit)


def validate_document(document: Any, limit: int = 20) -> list[str]:
    """Problems of an export document against the schema (empty: valid)."""
    return _problems(_validator("document"), document, limit)


def list_parts() -> tuple[str, ...]:
    return tuple(LIST_PARTS)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def field_table_markdown() -> str:
    """The field table as the Markdown table in docs/exchange.md (a test keeps them equal)."""
    rows = ["| field | object | type | values | Waspada source |", "|---|---|---|---|---|"]
    for f in TABLE.fields:
        kind = f.type + (" (multi)" if f.multi else "") + (", core" if f.core else "")
        if f.code:
            values = f.code.upper().replace("ISO", "ISO ")
        elif f.allowed:
            shown = ", ".join(f.allowed[:6]) + (f", … ({len(f.allowed)})"
                                                if len(f.allowed) > 6 else "")
            values = shown
        else:
            values = ""
        if f.source:
            source = f"`{f.source}`"
        elif f.derived:
            source = "derived: " + f.derived
        else:
            source = "not held (deprecated by HTCDS)"
        name = f"`{f.name}`" + (" (deprecated)" if f.deprecated else "")
        rows.append(f"| {name} | {f.object} | {kind} | {_cell(values)} | {_cell(source)} |")
    return "\n".join(rows) + "\n"
