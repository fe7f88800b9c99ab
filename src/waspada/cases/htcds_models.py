"""Pydantic models of the HTCDS export document, generated from the one field table
(``htcds_fields.yaml``) so they cannot drift from what :func:`waspada.cases.htcds.to_json`
writes. They describe ``GET /api/v1/cases/export`` in the OpenAPI document; the export itself is
still written by ``htcds.to_json`` (the bytes do not pass through these models).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from waspada.cases.htcds import LIST_PARTS, PART_OBJECTS
from waspada.cases.htcds_fields import TABLE, HtcdsField

#: how a field's type is written in the record (``htcds._out``)
_TYPES: dict[str, Any] = {"date": dt.date, "datetime": dt.datetime, "number": int,
                          "geolocation": float, "checkbox": bool}


def _annotation(field: HtcdsField) -> Any:
    return list[str] if field.multi else _TYPES.get(field.type, str)


def _description(field: HtcdsField) -> str:
    parts = [field.label, field.description, field.derived and f"Derived: {field.derived}",
             field.allowed and "Values: " + ", ".join(field.allowed),
             field.extension and "Waspada extension"]
    return ". ".join(str(p).rstrip(".") for p in parts if p)


def _model(name: str, objects: tuple[str, ...], doc: str, **more: Any) -> type[BaseModel]:
    fields: dict[str, Any] = {
        f.name: (_annotation(f) | None, Field(None, description=_description(f)))
        for obj in objects for f in TABLE.of(obj) if f.exported}
    fields.update(more)
    return create_model(name, __config__=ConfigDict(extra="allow"), __doc__=doc, **fields)


def _list_of(model: type[BaseModel]) -> Any:
    return list[model]  # type: ignore[valid-type]  # a model made from the field table at import


_PARTS: dict[str, Any] = {
    part: (_list_of(_model(f"Htcds{''.join(objects)}Out", objects,
                           f"HTCDS {', '.join(objects)} fields of one item of ``{part}``")),
           Field(default_factory=list))
    for part, objects in PART_OBJECTS.items() if part in LIST_PARTS}

HtcdsRecordOut = _model(
    "HtcdsRecordOut", PART_OBJECTS[""],
    "One case as an HTCDS 2.0 record: Case and Victim fields (cas_*, vic_*), Waspada's "
    "extension (x_wsp_*) and the lists of its persons, events, referrals, support plans, "
    "consents, comments and organisations. A field without a value, or one the reader's role "
    "may not see, is left out (never null).", **_PARTS)


class HtcdsExportOut(BaseModel):
    """The HTCDS export document (``format=htcds-json``)."""

    standard: str = Field(description="the standard and its version, e.g. 'HTCDS 2.0'")
    source: str = Field(description="the standard's citation (HTCDS by IOM, CC BY 4.0)")
    extension: str = Field(description="Waspada's HTCDS extension and its version")
    deidentified: bool = Field(description="names and contacts left out (the reader's role)")
    count: int = Field(description="the number of cases")
    cases: list[HtcdsRecordOut]  # type: ignore[valid-type]  # a model made from the field table
