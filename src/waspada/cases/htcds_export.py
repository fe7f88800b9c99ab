"""The HTCDS export (cases service layer; ``service`` re-exports it): the records of the
selected visible cases redacted for the principal (:func:`export`, audited ``case.export``),
written as a file (:func:`export_file`: what the synchronous ``GET /api/v1/cases/export``
answers and the ``cases.export`` job keeps), and the start of that job (:func:`start_export`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from waspada.cases import htcds, store, visibility
from waspada.cases.errors import permit
from waspada.cases.models import Case
from waspada.cases.schemas import HtcdsExportIn
from waspada.cases.store import CaseFilters
from waspada.platform import audit
from waspada.platform.jobs import service as jobs
from waspada.platform.jobs.store import Job
from waspada.platform.security.policy import Principal


def export(db: Session, principal: Principal, ids: Sequence[int] | None,
           filters: CaseFilters | None, *, format: str, deidentify: bool = False,
           ip: str | None = None) -> tuple[list[dict[str, Any]], bool]:
    """HTCDS records of the selected visible cases; returns (records, deidentified).

    ``deidentify`` shapes every record as for an analyst (case fields only) whatever the role.
    """
    permit(principal, "cases.export")
    if deidentify:
        stmt = store.visible_cases_stmt(principal).order_by(Case.id)
        if ids:
            stmt = stmt.where(Case.id.in_(ids))
        records = [htcds.case_to_htcds(visibility.redact_case(store.case_dict(db, c),
                                                              frozenset({visibility.CASE})))
                   for c in db.scalars(stmt.limit(100_000))]
        deidentified = True
    else:
        records = store.export_records(db, principal, list(ids) if ids else None, filters)
        deidentified = visibility.IDENTITY not in store.groups(principal)
    audit.record("case.export", principal, object_type="case", count=len(records),
                 format=format, deidentified=deidentified, ip=ip, session=db)
    db.commit()
    return records, deidentified


@dataclass(frozen=True)
class ExportFile:
    """An HTCDS export as a file: what the synchronous GET answers and the job keeps."""

    name: str
    media_type: str
    data: bytes
    count: int
    deidentified: bool


def export_filters(request: HtcdsExportIn) -> CaseFilters:
    return CaseFilters(status=request.status, overdue=request.overdue,
                       destination=request.destination, exploitation=request.exploitation)


def export_file(db: Session, principal: Principal, request: HtcdsExportIn, *,
                ip: str | None = None) -> ExportFile:
    """The HTCDS export of :func:`export` written as its file: ``htcds-json`` one JSON
    document, ``htcds-csv`` a zip of one CSV per HTCDS object (audited ``case.export``)."""
    records, deidentified = export(db, principal, request.ids or None, export_filters(request),
                                   format=request.format, ip=ip)
    if request.format == "htcds-csv":  # one CSV per HTCDS object (the standard's tabs), zipped
        return ExportFile("cases-htcds.zip", "application/zip", htcds.to_csv_zip(records),
                          len(records), deidentified)
    return ExportFile("cases-htcds.json", "application/json",
                      htcds.to_json(records, deidentified=deidentified).encode("utf-8"),
                      len(records), deidentified)


def start_export(db: Session, principal: Principal, request: HtcdsExportIn) -> Job:
    """Start the HTCDS export as a background job (``cases/exportjob.py``): the job runs
    :func:`export_file` as this principal and keeps the file (``jobs.start`` audited here,
    ``case.export`` when the job reads the cases)."""
    permit(principal, "cases.export")
    return jobs.submit(db, principal, "cases.export", params=request.model_dump(mode="json"))
