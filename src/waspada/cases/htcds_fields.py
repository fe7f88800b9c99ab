"""The HTCDS 2.0 field table (``htcds_fields.yaml``), loaded and checked once (pure).

Everything about HTCDS fields is generated from this table: the export mapping
(:mod:`waspada.cases.htcds`), the CSV headers, the JSON Schema (:mod:`waspada.exchange.schema`)
and the field table in docs/exchange.md. A table that breaks a rule below fails at import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

#: the record part each object lives in (``None``: the top level of the case record)
OBJECTS: dict[str, str | None] = {
    "Case": None, "Victim": None, "Person": "persons", "Perpetrator": "persons",
    "Referral": "referrals", "TraffickingEvent": "historic_trafficking_events",
    "CaseComment": "case_comments", "SupportPlan": "support_plans", "Consent": "consents",
    "Organisation": "organisations",
}
#: the standard's field-name prefix of each object
PREFIXES: dict[str, tuple[str, ...]] = {
    "Case": ("cas_",), "Victim": ("vic_",), "Person": ("prs_",), "Perpetrator": ("per_",),
    "Referral": ("cas_",), "TraffickingEvent": ("hte_",), "CaseComment": ("cco_",),
    "SupportPlan": ("spl_",), "Consent": ("con_",), "Organisation": ("org_",),
}
TYPES = frozenset({"text", "longtext", "date", "datetime", "number", "checkbox", "picklist",
                   "geolocation", "lookup"})
CODES = frozenset({"iso3166", "iso639"})
EXTENSION_PREFIX = "x_wsp_"
_NAME = re.compile(r"^[a-z]{3}_[A-Z][A-Za-z]+$|^x_wsp_[A-Z][A-Za-z]+$")
_VALUE = re.compile(r"^[A-Za-z0-9_]+$")
_KEYS = frozenset({"name", "object", "section", "label", "type", "multi", "values", "code",
                   "core", "deprecated", "description", "source", "derived", "exported",
                   "extension", "extension_values"})
#: the number of fields in HTCDS 2.0 (Field Standards 2.0, all tabs)
STANDARD_FIELD_COUNT = 84


class FieldTableError(ValueError):
    """The field table breaks a rule (a programming error: tests load the table)."""


@dataclass(frozen=True)
class HtcdsField:
    name: str
    object: str
    section: str
    label: str
    type: str
    multi: bool = False
    values: tuple[str, ...] = ()
    extension_values: tuple[str, ...] = ()
    code: str | None = None
    core: bool = False
    deprecated: bool = False
    description: str = ""
    source: str | None = None
    derived: str | None = None
    exported: bool = True
    extension: bool = False

    @property
    def allowed(self) -> tuple[str, ...]:
        """Values accepted here: the standard's plus Waspada's extension values."""
        return (*self.extension_values, *self.values)


@dataclass(frozen=True)
class FieldTable:
    version: str
    extension_version: str
    fields: tuple[HtcdsField, ...]

    def standard(self) -> tuple[HtcdsField, ...]:
        return tuple(f for f in self.fields if not f.extension)

    def of(self, obj: str) -> tuple[HtcdsField, ...]:
        """The fields of one object, standard fields first (the table's order)."""
        return tuple(f for f in self.fields if f.object == obj)

    def by_name(self, obj: str) -> dict[str, HtcdsField]:
        return {f.name: f for f in self.of(obj)}


def _field(row: dict[str, Any], index: int) -> HtcdsField:
    where = f"field #{index + 1} ({row.get('name', '?')})"
    unknown = set(row) - _KEYS
    if unknown:
        raise FieldTableError(f"{where}: unknown keys {sorted(unknown)}")
    for key in ("name", "object", "section", "label", "type"):
        if not isinstance(row.get(key), str) or not row[key]:
            raise FieldTableError(f"{where}: '{key}' must be a non-empty string")
    name, obj, kind = row["name"], row["object"], row["type"]
    if not _NAME.match(name):
        raise FieldTableError(f"{where}: not an HTCDS or x_wsp_ field name")
    if obj not in OBJECTS:
        raise FieldTableError(f"{where}: unknown object {obj!r}")
    if kind not in TYPES:
        raise FieldTableError(f"{where}: unknown type {kind!r}")
    extension = bool(row.get("extension"))
    if extension != name.startswith(EXTENSION_PREFIX):
        raise FieldTableError(f"{where}: x_wsp_ fields, and only they, are extension: true")
    if not extension and not name.startswith(PREFIXES[obj]):
        raise FieldTableError(f"{where}: a {obj} field starts with {PREFIXES[obj]}")
    values = tuple(row.get("values") or ())
    if kind == "picklist" and not values and row.get("code") is None:
        raise FieldTableError(f"{where}: a picklist needs values or a code list")
    if kind != "picklist" and values:
        raise FieldTableError(f"{where}: only picklists have values")
    if len(set(values)) != len(values) or not all(isinstance(v, str) and _VALUE.match(v)
                                                  for v in values):
        raise FieldTableError(f"{where}: values must be distinct API names (letters, digits, _)")
    if row.get("code") is not None and row["code"] not in CODES:
        raise FieldTableError(f"{where}: unknown code list {row['code']!r}")
    origins = [k for k in ("source", "derived") if row.get(k)]
    exported = row.get("exported", True)
    if len(origins) > 1 or (not origins and exported) or (origins and not exported):
        raise FieldTableError(f"{where}: give exactly one of source, derived, exported: false")
    if not exported and not row.get("deprecated"):
        raise FieldTableError(f"{where}: only deprecated fields may be left out of the export")
    return HtcdsField(
        name=name, object=obj, section=row["section"], label=row["label"], type=kind,
        multi=bool(row.get("multi")), values=values,
        extension_values=tuple(row.get("extension_values") or ()), code=row.get("code"),
        core=bool(row.get("core")), deprecated=bool(row.get("deprecated")),
        description=str(row.get("description") or ""), source=row.get("source"),
        derived=row.get("derived"), exported=bool(exported), extension=extension)


def parse_table(data: Any) -> FieldTable:
    """Check a loaded table; raise :class:`FieldTableError` naming the first broken rule."""
    if not isinstance(data, dict) or not isinstance(data.get("fields"), list):
        raise FieldTableError("the table needs a 'fields' list")
    fields = tuple(_field(row if isinstance(row, dict) else {}, i)
                   for i, row in enumerate(data["fields"]))
    seen: set[tuple[str, str]] = set()
    for f in fields:
        # x_wsp_GlobalId exists on both Case and Person: names are unique per record part
        key = (OBJECTS[f.object] or "", f.name)
        if key in seen:
            raise FieldTableError(f"{f.name}: listed twice in the same record part")
        seen.add(key)
    standard = [f for f in fields if not f.extension]
    if len(standard) != STANDARD_FIELD_COUNT:
        raise FieldTableError(f"HTCDS 2.0 has {STANDARD_FIELD_COUNT} fields; the table lists "
                              f"{len(standard)}")
    sources: set[tuple[str | None, str]] = set()
    for f in fields:
        if f.source is None:
            continue
        source = (OBJECTS[f.object], f.source)
        if source in sources:
            raise FieldTableError(f"{f.name}: source {f.source!r} is used twice")
        sources.add(source)
    return FieldTable(version=str(data.get("version", "")),
                      extension_version=str(data.get("extension_version", "")), fields=fields)


def load_table(path: Path | None = None) -> FieldTable:
    if path is None:
        text = resources.files("waspada.cases").joinpath("htcds_fields.yaml").read_text("utf-8")
    else:
        text = path.read_text("utf-8")
    return parse_table(yaml.safe_load(text))


@lru_cache(maxsize=1)
def table() -> FieldTable:
    return load_table()


TABLE = table()  # loaded and checked at import: a bad table fails every test
