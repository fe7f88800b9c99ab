"""HTCDS 2.0 mapping, export shaping and its inverse (pure).

Field names follow the Human Trafficking Case Data Standard 2.0 (HTCDS by IOM, CC BY 4.0; Waspada
is not endorsed by IOM). Every mapping here is read from the one field table
(``htcds_fields.yaml``, :mod:`waspada.cases.htcds_fields`): the record shape, the CSV files and
the JSON Schema (:mod:`waspada.exchange.schema`) cannot drift apart. HTCDS has no value for forced
criminality in online-scam and online-gambling compounds (HTCDS issue #28), so Waspada adds an
extension: the value ``ForcedCriminality`` in ``vic_TypeOfExploitation`` and fields prefixed
``x_wsp_``.

:func:`case_to_htcds` turns a (possibly redacted) case dict into an HTCDS record — whatever was
redacted stays out; :func:`htcds_to_case` is its inverse; :func:`to_csv_zip` writes one CSV per
HTCDS object (the standard's tabs) and :func:`to_json` the JSON document.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime
from typing import Any

from waspada.cases.errors import CaseError
from waspada.cases.htcds_fields import OBJECTS, TABLE, HtcdsField
from waspada.cases.htcds_values import as_list, clean_value
from waspada.cases.workflow import load_workflow
from waspada.platform.exports import csv_writer, spreadsheet_safe

CITATION = "HTCDS by IOM, CC BY 4.0"


def _values(name: str, obj: str) -> tuple[str, ...]:
    return TABLE.by_name(obj)[name].allowed


GENDERS = _values("prs_Gender", "Person")
TRAFFICKING_STATUSES = _values("vic_TraffickingStatus", "Victim")
#: extension value (not in HTCDS 2.0): forced criminality, e.g. in online-scam compounds
FORCED_CRIMINALITY = "ForcedCriminality"
EXPLOITATION_TYPES = _values("vic_TypeOfExploitation", "Victim")
HTCDS_EXPLOITATION = tuple(v for v in EXPLOITATION_TYPES if v != FORCED_CRIMINALITY)
#: extension: the kind of compound (x_wsp_CompoundType)
COMPOUND_TYPES = _values("x_wsp_CompoundType", "Victim")
#: extension: what the victim was forced to do (x_wsp_ForcedCriminalityActivities)
FORCED_ACTIVITIES = _values("x_wsp_ForcedCriminalityActivities", "Victim")
EVENT_TYPES = _values("hte_Type", "TraffickingEvent")
PERSON_ROLES = _values("x_wsp_PersonRole", "Person")
PERPETRATOR_ROLES = _values("per_RoleInProcess", "Perpetrator")
RECRUITMENT_METHODS = _values("vic_MethodOfRecruitment", "Victim")
SUPPORT_PLAN_TYPES = _values("spl_Type", "SupportPlan")
REFERRAL_REASONS = _values("cas_ReasonForOutgoingReferral", "Referral")
ORG_TYPES = _values("org_Type", "Organisation")
#: the closure reason (workflow.yaml) that makes a closed case HTCDS ``ClosedReferred``
CLOSED_REFERRED_REASON = "transferred"

#: the record parts that are lists, and the case-dict key each comes from
LIST_PARTS: dict[str, str] = {
    "persons": "persons", "historic_trafficking_events": "events", "referrals": "referrals",
    "support_plans": "support_plans", "consents": "consents", "case_comments": "comments",
    "organisations": "organisations",
}
#: the objects of each record part (``""``: the top level)
PART_OBJECTS: dict[str, tuple[str, ...]] = {}
for _object_name, _part_name in OBJECTS.items():
    PART_OBJECTS.setdefault(_part_name or "", ())
    PART_OBJECTS[_part_name or ""] += (_object_name,)


class HtcdsError(CaseError):
    """An HTCDS record that does not fit the field table."""


# -- case -> HTCDS ----------------------------------------------------------------------------

def cas_status(state: str, closure_reason: str | None) -> str:
    """The HTCDS cas_Status of a workflow state; a case closed as transferred is ClosedReferred."""
    status = load_workflow().states[state].htcds
    if status == "Closed" and closure_reason == CLOSED_REFERRED_REASON:
        return "ClosedReferred"
    return status


def _out(field: HtcdsField, value: Any) -> Any:
    """A stored value as the record carries it."""
    if value is None or value == "":
        return None
    if field.multi:
        return as_list(value)
    if field.type == "date":
        return (value.date() if isinstance(value, datetime) else value).isoformat() \
            if isinstance(value, date) else str(value)[:10]
    if field.type == "datetime":
        if isinstance(value, datetime):
            # RFC 3339 needs an offset: Waspada stores UTC (platform/db.py UTCDateTime)
            return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
        return str(value)
    if field.type == "number":
        return int(value)
    if field.type == "geolocation":
        return float(value)
    if field.type == "checkbox":
        return bool(value)
    return value if isinstance(value, str) else str(value)


def _clean(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v not in (None, "", [])}


def _mapped(objects: tuple[str, ...], item: dict[str, Any]) -> dict[str, Any]:
    return {f.name: _out(f, item.get(f.source)) for obj in objects for f in TABLE.of(obj)
            if f.source is not None}


def _years(birth: Any, on: Any) -> int | None:
    try:
        b = birth if isinstance(birth, date) else date.fromisoformat(str(birth)[:10])
        d = on if isinstance(on, date) else date.fromisoformat(str(on)[:10])
    except ValueError:
        return None
    years = d.year - b.year - ((d.month, d.day) < (b.month, b.day))
    return years if 0 <= years <= 120 else None


def age_when_trafficked(case: dict[str, Any]) -> int | None:
    """vic_AgeWhenTrafficked: as recorded, else from the victim's birth date and the first
    recruitment (or, lacking one, first dated) event."""
    if case.get("age_when_trafficked") is not None:
        return int(case["age_when_trafficked"])
    victim: dict[str, Any] = next(
        (p for p in case.get("persons", ()) if p.get("role") == "victim"), {})
    events = [e for e in case.get("events", ()) if e.get("date")]
    first = sorted((e for e in events if e.get("type") == "Recruitment"),
                   key=lambda e: str(e["date"])) or sorted(events, key=lambda e: str(e["date"]))
    if not victim.get("birth_date") or not first:
        return None
    return _years(victim["birth_date"], first[0]["date"])


def agreement_to_manage_data(case: dict[str, Any]) -> bool | None:
    """vic_AgreementToManagePersonalData (deprecated by HTCDS in favour of Consent): the latest
    data-processing consent, withdrawn counting as not given."""
    consents = [c for c in case.get("consents", ()) if c.get("scope") == "data_processing"]
    if not consents:
        return None
    latest = consents[-1]
    return bool(latest.get("given")) and not latest.get("withdrawn_at")


def person_to_htcds(person: dict[str, Any]) -> dict[str, Any]:
    objects = ("Person", "Perpetrator") if person.get("role") == "perpetrator" else ("Person",)
    out = _mapped(objects, person)
    out["x_wsp_Pseudonym"] = person.get("pseudonym")
    out["x_wsp_AgeBand"] = person.get("age_band")
    if not (person.get("first_name") or person.get("second_name")) and person.get("full_name"):
        # HTCDS splits names; Indonesian names often have no family name: keep it whole
        out["prs_FirstName"] = person["full_name"]
    return _clean(out)


def event_to_htcds(event: dict[str, Any]) -> dict[str, Any]:
    return _clean(_mapped(("TraffickingEvent",), event))


def _part(obj: str, items: Any) -> list[dict[str, Any]]:
    return [_clean(_mapped((obj,), item)) for item in items or ()]


def case_to_htcds(case: dict[str, Any]) -> dict[str, Any]:
    """One case (already redacted for the reader) as an HTCDS record."""
    record = _mapped(("Case", "Victim"), case)
    record["cas_Status"] = cas_status(case["status"], case.get("closure_reason"))
    record["vic_AgeWhenTrafficked"] = age_when_trafficked(case)
    record["vic_AgreementToManagePersonalData"] = agreement_to_manage_data(case)
    record["persons"] = [person_to_htcds(p) for p in case.get("persons", ())]
    record["historic_trafficking_events"] = [event_to_htcds(e) for e in case.get("events", ())]
    for part, obj in (("referrals", "Referral"), ("support_plans", "SupportPlan"),
                      ("consents", "Consent"), ("case_comments", "CaseComment"),
                      ("organisations", "Organisation")):
        record[part] = _part(obj, case.get(LIST_PARTS[part]))
    return _clean(record)


def htcds_field_names(record: dict[str, Any]) -> set[str]:
    """The HTCDS 2.0 (not extension) field names a record carries anywhere."""
    names = {k for k in record if not isinstance(record[k], list) or k not in LIST_PARTS}
    for part in LIST_PARTS:
        for item in record.get(part, ()):
            names.update(item)
    standard = {f.name for f in TABLE.standard()}
    return names & standard


# -- HTCDS -> case ----------------------------------------------------------------------------

def _fields_of(objects: tuple[str, ...]) -> dict[str, HtcdsField]:
    return {f.name: f for obj in objects for f in TABLE.of(obj)}


def _in(objects: tuple[str, ...], item: Any, where: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise HtcdsError("invalid_htcds", f"{where}: an object is expected", 422)
    fields = _fields_of(objects)
    unknown = sorted(set(item) - set(fields) - (set(LIST_PARTS) if where == "record" else set()))
    if unknown:
        raise HtcdsError("invalid_htcds", f"{where}: unknown fields {', '.join(unknown[:5])}",
                         422)
    out: dict[str, Any] = {}
    for name, value in item.items():
        field = fields.get(name)
        if field is None or field.source is None:
            continue  # a list part, or a derived field (recomputed here, never imported)
        try:
            cleaned = clean_value(field, value, 100_000)
        except CaseError as exc:
            raise HtcdsError("invalid_htcds", f"{where}: {exc.english}", 422) from None
        out[field.source] = as_list(cleaned) if field.multi else cleaned
    return out


def htcds_to_case(record: dict[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`case_to_htcds`: an HTCDS record as a case dict (the keys
    :func:`waspada.cases.store.create_case` and the case dicts use; multi-select values as
    lists, dates as :class:`date`). Derived fields (cas_Status, x_wsp_Pseudonym, ...) are not
    read back. Raises :class:`HtcdsError` for unknown fields or values outside the standard."""
    case = _in(PART_OBJECTS[""], record, "record")
    case.setdefault("status", None)
    persons = []
    for i, item in enumerate(record.get("persons") or ()):
        person = _in(("Person", "Perpetrator"), item, f"persons[{i}]")
        if (person.get("first_name") and person.get("first_name") == person.get("full_name")
                and not person.get("middle_name") and not person.get("second_name")):
            person["first_name"] = None  # the exporter put the whole name there (no parts)
        persons.append(person)
    case["persons"] = persons
    for part, obj in (("historic_trafficking_events", "TraffickingEvent"),
                      ("referrals", "Referral"), ("support_plans", "SupportPlan"),
                      ("consents", "Consent"), ("case_comments", "CaseComment"),
                      ("organisations", "Organisation")):
        items = record.get(part) or []
        if not isinstance(items, list):
            raise HtcdsError("invalid_htcds", f"{part}: a list is expected", 422)
        case[LIST_PARTS[part]] = [_in((obj,), item, f"{part}[{i}]")
                                  for i, item in enumerate(items)]
    return case


# -- CSV: one file per HTCDS object, in a zip --------------------------------------------------

#: CSV file of each object; every row starts with the case's x_wsp_Reference (and, for
#: persons, the person's x_wsp_Pseudonym) so rows of the files join up
CSV_FILES: dict[str, str] = {
    "Case": "cases.csv", "Victim": "victims.csv", "Person": "persons.csv",
    "Perpetrator": "perpetrators.csv", "Referral": "referrals.csv",
    "TraffickingEvent": "trafficking_events.csv", "CaseComment": "case_comments.csv",
    "SupportPlan": "support_plans.csv", "Consent": "consents.csv",
    "Organisation": "organisations.csv",
}
_LINK = "x_wsp_Reference"
_PERSON_LINK = "x_wsp_Pseudonym"


def csv_columns(obj: str) -> list[str]:
    """Standard column names only (the field table's), the link columns first."""
    names = [f.name for f in TABLE.of(obj) if f.exported]
    links = [_LINK] + ([_PERSON_LINK] if obj == "Perpetrator" else [])
    return links + [n for n in names if n not in links]


def _cell(value: Any) -> str:
    if isinstance(value, list | tuple):
        value = ";".join(str(v) for v in value)
    elif isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, int | float):
        return str(value)  # a number is never a formula: -6.2 (a latitude) stays as it is
    return spreadsheet_safe("" if value is None else str(value))


def csv_rows(records: list[dict[str, Any]]) -> dict[str, list[dict[str, str]]]:
    """Rows of each CSV file: every person, every event, every referral... of every case."""
    rows: dict[str, list[dict[str, str]]] = {obj: [] for obj in CSV_FILES}

    def add(obj: str, item: dict[str, Any], reference: Any) -> None:
        cols = csv_columns(obj)
        row = {c: _cell(item.get(c)) for c in cols}
        row[_LINK] = _cell(reference)
        rows[obj].append(row)

    for record in records:
        ref = record.get(_LINK)
        add("Case", record, ref)
        add("Victim", record, ref)
        for person in record.get("persons", ()):
            add("Person", person, ref)
            if person.get("x_wsp_PersonRole") == "perpetrator":
                add("Perpetrator", person, ref)
        for part in ("referrals", "historic_trafficking_events", "case_comments",
                     "support_plans", "consents", "organisations"):
            obj = next(o for o in PART_OBJECTS[part])
            for item in record.get(part, ()):
                add(obj, item, ref)
    return rows


def _csv_text(obj: str, rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    columns = csv_columns(obj)
    writer = csv_writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([row.get(c, "") for c in columns] for row in rows)
    return buffer.getvalue()


def to_csv_files(records: list[dict[str, Any]]) -> dict[str, str]:
    """File name -> CSV text, one file per HTCDS object."""
    rows = csv_rows(records)
    return {CSV_FILES[obj]: _csv_text(obj, rows[obj]) for obj in CSV_FILES}


def to_csv_zip(records: list[dict[str, Any]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in to_csv_files(records).items():
            archive.writestr(name, text)
        archive.writestr("README.txt", (
            "HTCDS 2.0 export (" + CITATION + "; Waspada is not endorsed by IOM).\n"
            "One CSV per HTCDS object; rows join on x_wsp_Reference (the case) and "
            "x_wsp_Pseudonym (the person).\nMulti-select values are separated by ';'. "
            "x_wsp_ columns are Waspada's documented extension (docs/exchange.md).\n"))
    return buffer.getvalue()


def to_json(records: list[dict[str, Any]], *, deidentified: bool) -> str:
    return json.dumps(export_document(records, deidentified=deidentified), ensure_ascii=False,
                      indent=1, default=str)


def export_document(records: list[dict[str, Any]], *, deidentified: bool) -> dict[str, Any]:
    return {"standard": f"HTCDS {TABLE.version}", "source": CITATION,
            "extension": f"Waspada HTCDS extension {TABLE.extension_version}: x_wsp_* fields and "
                         "vic_TypeOfExploitation=ForcedCriminality",
            "deidentified": deidentified, "count": len(records), "cases": records}
