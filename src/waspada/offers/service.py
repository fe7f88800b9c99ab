"""Every offer operation, written once for the API, pages and CLI.

Each function checks that the principal may act (the public check and report have no
principal), changes data through ``store``, records the audit entry in the same transaction,
and commits once; the interfaces never commit and never write audit entries. A refusal is an
:class:`OfferError` (a ``DomainError``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from waspada.network import service as network
from waspada.offers import bulk, store, verdicts
from waspada.offers.agencies import DEFAULT_THRESHOLD, similar_agencies
from waspada.offers.analyse import OfferAnalysis, analyse
from waspada.offers.normalise import MAX_CHARS
from waspada.offers.schemas import (
    FILENAME_MAX,
    PUBLIC_MAX_CHARS,
    SOURCE_MAX,
    AgencyCheckIn,
    OfferCheckRequest,
    ReportIn,
    ReportStatusIn,
    ScanIn,
)
from waspada.platform import audit, tallies
from waspada.platform.domain import DomainError
from waspada.platform.files import FileError, dumps_json, page_message
from waspada.platform.i18n import N_, current_language
from waspada.platform.jobs import service as jobs
from waspada.platform.jobs.store import Job
from waspada.platform.security.policy import Principal, allowed

SCAN_MAX_BYTES = 10 * 1024 * 1024
SCAN_MAX_RECORDS = 20_000


class OfferError(DomainError):
    """A refused offer operation."""


class ScanFileError(OfferError):
    """The uploaded file cannot be scanned; the page shows the line in the user's language
    (``detail``: the reason already in the job's language, for a job that found it)."""

    def __init__(self, error: FileError, detail: str | None = None) -> None:
        self.file_error = error
        super().__init__("invalid_file", N_("The file was not scanned: {detail}"), status=400,
                         detail=detail or str(error))

    def localized(self, gettext: Any) -> str:
        return gettext(self.message).format(detail=page_message(self.file_error))


def _require(principal: Principal, action: str) -> None:
    if not (principal.is_cli or allowed(principal, action)):
        raise OfferError("forbidden", N_("Your role is not allowed to do this."), status=403)


# -- checks ----------------------------------------------------------------------------------

def check_offer(db: Session, principal: Principal, body: OfferCheckRequest) -> dict[str, Any]:
    """An officer's check of one offer (audited: level and length, never the text)."""
    _require(principal, "offers.check")
    result = analyse(body.text, agencies=agency_names(db)).to_dict(body.lang)
    # the contacts of the part analysed, as the result says (the whole of a 1,000,000-character
    # text took seconds: the round-17 security pass)
    result["known_contacts"] = network.known_contacts(db, principal, body.text[:MAX_CHARS])
    audit.record("offers.check", principal, object_type="offer", level=result["level"],
                 chars=len(body.text), known=len(result["known_contacts"]), session=db)
    db.commit()
    return result


def _public_text(text: str) -> str:
    if not text.strip():
        raise OfferError("text_required", N_("Paste the job offer text first."))
    if len(text) > PUBLIC_MAX_CHARS:  # the form model refuses it first; kept for other callers
        raise OfferError("text_too_long", N_("The text is too long: at most {n} characters."),
                         status=413, n=PUBLIC_MAX_CHARS)
    return text


def public_check(db: Session, text: str, lang: str) -> dict[str, Any]:
    """The public check: nothing is stored and nothing audited (no personal data is kept).
    ``reported_before`` says only that a contact was reported by the public before, as a
    count band (docs/network.md, "What the public may learn")."""
    result = analyse(_public_text(text), agencies=agency_names(db)).to_dict(lang)
    result["reported_before"] = network.public_reported(db, text)
    return result


def report_offer(db: Session, data: ReportIn) -> store.OfferReport:
    """Store a citizen's report (they ticked the consent box); audited as ``public``."""
    text = _public_text(data.text)
    if data.consent != "yes":
        raise OfferError("consent_required",
                         N_("Tick the box to agree that the offer is sent to officers."))
    analysis = analyse(text, agencies=agency_names(db))
    report = store.OfferReport(text=text, where_seen=data.where_seen,
                               reporter_contact=data.contact, score=analysis.score,
                               level=analysis.level)
    db.add(report)
    db.flush()
    network.source_changed(db, "offer_report", report.id)
    audit.record("offers.report.create", None, actor="public", object_type="offer_report",
                 object_id=report.id, level=analysis.level, session=db)
    db.commit()
    return report


@dataclass(frozen=True)
class AgencyFound:
    """A registry entry shown to the public: only what the registry publishes."""

    name: str
    license_no: str
    status: str
    score: float


@dataclass(frozen=True)
class AgencyCheck:
    """``verdict``: ``registered`` (a close match with an active licence), ``inactive`` (a
    close match whose licence is revoked or suspended) or ``not_found``; ``similar`` lists the
    closest entries (a typo, or a company whose name only resembles a licensed one)."""

    query: str
    verdict: str
    best: AgencyFound | None
    similar: list[AgencyFound]
    registry_size: int


def public_agency_check(db: Session, data: AgencyCheckIn) -> AgencyCheck:
    """The public "Cek Agensi" lookup in the P3MI registry: nothing stored, nothing audited
    (a company name is not personal data)."""
    entries = store.all_agencies(db)
    names = [entry.name for entry in entries]
    found = [AgencyFound(entries[i].name, entries[i].license_no, entries[i].status, round(s, 1))
             for i, s in similar_agencies(data.name, names, limit=4)]
    best = found[0] if found and found[0].score >= DEFAULT_THRESHOLD else None
    verdict = ("not_found" if best is None else
               "registered" if best.status == "active" else "inactive")
    similar = found[1:] if best else found
    return AgencyCheck(data.name, verdict, best, similar, len(entries))


# -- analysts: bulk scans and reports ---------------------------------------------------------

@dataclass
class Scanned:
    """What a scan found: every analysed record (highest score first), the lines that could
    not be read (in the job's language) and the records that spanned several lines."""

    results: list[dict[str, Any]]
    problems: list[dict[str, Any]] = field(default_factory=list)
    multiline: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class ScanOverview:
    scans: list[store.OfferScan]
    reports: list[store.OfferReport]
    agency_count: int
    verdicts: verdicts.ReportVerdicts


def overview(db: Session, report_status: str | None = None) -> ScanOverview:
    """The newest scans and reports (headers and levels; only reports in ``report_status``
    when given, e.g. ``new`` from the home page), the officers' verdicts on all reports and the
    registry's size."""
    reports = select(store.OfferReport)
    if report_status:
        reports = reports.where(store.OfferReport.status == report_status)
    return ScanOverview(
        list(db.scalars(select(store.OfferScan).order_by(store.OfferScan.id.desc()).limit(10))),
        list(db.scalars(reports.order_by(store.OfferReport.id.desc()).limit(20))),
        db.scalar(select(func.count(store.Agency.id))) or 0,
        _verdicts(db))


def _verdicts(db: Session, since: datetime | None = None) -> verdicts.ReportVerdicts:
    query = select(store.OfferReport.level, store.OfferReport.status,
                   func.count(store.OfferReport.id))
    if since is not None:
        query = query.where(store.OfferReport.created_at >= since)
    rows = db.execute(query.group_by(store.OfferReport.level, store.OfferReport.status))
    return verdicts.tally((str(lv), str(st), int(n)) for lv, st, n in rows)


def report_verdicts(db: Session, principal: Principal, since: date | None = None
                    ) -> verdicts.ReportVerdicts:
    """The public's reports (received on or after the day ``since`` began in Asia/Jakarta)
    counted by the engine's level and the officers' decision (``offers/verdicts.py``); counts
    only, so nothing is audited."""
    _require(principal, "offers.scan")
    return _verdicts(db, tallies.since_start(since))


def start_scan(db: Session, principal: Principal, filename: str, data: bytes, options: ScanIn,
               lang: str) -> Job:
    """Check an uploaded CSV / JSON Lines file (size, format, the text column) and start the
    scan as a background job (``offers/scanjob.py``); a file that cannot be read as a whole
    is refused here, before any job exists, with the reason (:class:`ScanFileError`)."""
    _require(principal, "offers.scan")
    if len(filename) > FILENAME_MAX:
        raise OfferError("filename_too_long", N_("The file name is too long: at most {n} "
                                                 "characters."), n=FILENAME_MAX)
    if not data:
        raise OfferError("empty_file", N_("Choose a file to scan."))
    if len(data) > SCAN_MAX_BYTES:
        raise OfferError("too_large", N_("The file is too large: at most {mb} MB."), status=413,
                         mb=SCAN_MAX_BYTES // (1024 * 1024))
    try:
        kind = bulk.kind_for(filename, data)
    except bulk.UploadError:
        raise OfferError("unknown_format", N_("Upload a CSV or JSON Lines (.jsonl) file.")
                         ) from None
    records = 0
    try:  # the whole file is read once here: a bad header or quoting is refused at once
        for item in bulk.read_records(data, kind, options.text_field, options.id_field,
                                      max_bytes=SCAN_MAX_BYTES):
            records += isinstance(item, bulk.Record)
    except FileError as exc:
        raise ScanFileError(exc) from None
    if not records:
        raise OfferError("no_records", N_("The file holds no record with text to scan."))
    return jobs.submit(db, principal, "offers.scan", filename=filename, data=data,
                       total=min(records, SCAN_MAX_RECORDS),
                       params={"text_field": options.text_field, "id_field": options.id_field,
                               "lang": lang})


def scan_records(agencies: list[str], filename: str, data: bytes, params: dict[str, Any],
                 progress: Any = None) -> Scanned:
    """Analyse every record of a file :func:`start_scan` accepted (the job's work; pure but
    for ``progress(done, total)``, which also stops a cancelled job)."""
    lang = str(params.get("lang", "id"))
    token = current_language.set(lang)
    try:
        summary = bulk.ReadSummary()
        items = list(bulk.read_records(data, bulk.kind_for(filename, data),
                                       str(params.get("text_field", "text")),
                                       str(params.get("id_field", "id")),
                                       max_bytes=SCAN_MAX_BYTES, summary=summary))
        problems = [{"line": i.line, "reason": page_message(i.as_error())}
                    for i in items if isinstance(i, bulk.BadRecord)]
        records = [i for i in items if isinstance(i, bulk.Record)]
        if len(records) > SCAN_MAX_RECORDS:
            problems.append({"line": records[SCAN_MAX_RECORDS].line, "reason": page_message(
                FileError("record limit reached", records[SCAN_MAX_RECORDS].line,
                          code="record_limit"))})
            records = records[:SCAN_MAX_RECORDS]
    except FileError as exc:
        raise ScanFileError(exc, page_message(exc)) from None
    finally:
        current_language.reset(token)
    results: list[dict[str, Any]] = []
    for n, rec in enumerate(records, 1):
        results.append(bulk.scan_record(rec.record_id, analyse(rec.text, agencies=agencies),
                                        lang=lang))
        if progress is not None:
            progress(n, len(records))
    results.sort(key=lambda r: r["score"], reverse=True)
    return Scanned(results, problems, summary.multiline)


def save_scan(db: Session, principal: Principal, filename: str, scanned: Scanned
              ) -> store.OfferScan:
    """Keep a finished scan (``offer_scans``) with its audit entry, in the transaction that
    finishes its job: the jobs worker commits it."""
    _require(principal, "offers.scan")
    results = scanned.results
    scan = store.OfferScan(user_id=principal.user_id, filename=filename[:FILENAME_MAX],
                           records=len(results), skipped=len(scanned.problems),
                           high=sum(r["level"] == "high" for r in results),
                           results_jsonl="\n".join(dumps_json(r, ensure_ascii=False)
                                                   for r in results))
    db.add(scan)
    db.flush()
    audit.record("offers.scan", principal, object_type="offer_scan", object_id=scan.id,
                 records=len(results), skipped=len(scanned.problems), session=db)
    return scan


def _not_found() -> OfferError:
    return OfferError("not_found", N_("The page or record you asked for does not exist."),
                      status=404)


def export_scan(db: Session, principal: Principal, scan_id: int, fmt: str) -> store.OfferScan:
    """A scan whose results are about to be downloaded (``fmt``: jsonl | contacts_csv)."""
    _require(principal, "offers.scan")
    scan = db.get(store.OfferScan, scan_id)
    if scan is None:
        raise _not_found()
    audit.record("offers.scan.export", principal, object_type="offer_scan", object_id=scan.id,
                 format=fmt, session=db)
    db.commit()
    return scan


def read_report(db: Session, principal: Principal, report_id: int
                ) -> tuple[store.OfferReport, OfferAnalysis]:
    """A citizen's report and its analysis (a read of what they sent: audited). Its contacts
    are :func:`report_contacts`."""
    _require(principal, "offers.scan")
    report = db.get(store.OfferReport, report_id)
    if report is None:
        raise _not_found()
    audit.record("offers.report.read", principal, object_type="offer_report",
                 object_id=report.id, session=db)
    db.commit()
    return report, analyse(report.text, agencies=agency_names(db))


def report_contacts(report: store.OfferReport) -> list[dict[str, Any]]:
    """The contact channels in a report's text, each with the value the network page looks
    it up by (``network.contacts_of``; the part of the text the analysis reads)."""
    return network.contacts_of(report.text[:MAX_CHARS])


def set_report_status(db: Session, principal: Principal, report_id: int, data: ReportStatusIn
                      ) -> store.OfferReport:
    _require(principal, "offers.scan")
    report = db.get(store.OfferReport, report_id)
    if report is None:
        raise _not_found()
    report.status = data.status
    audit.record("offers.report.update", principal, object_type="offer_report",
                 object_id=report.id, status=data.status, session=db)
    db.commit()
    return report


# -- the placement-agency (P3MI) registry ------------------------------------------------------

def import_agencies(db: Session, principal: Principal, data: bytes, source: str
                    ) -> store.ImportResult:
    """Load the registry CSV: all rows or none, with one audit entry in the same transaction."""
    _require(principal, "agencies.manage")
    if len(source) > SOURCE_MAX:
        raise OfferError("source_too_long", N_("The source is too long: at most {n} "
                                               "characters."), n=SOURCE_MAX)
    rows = store.parse_agency_csv(data)  # AgencyImportError names the line
    result = store.import_agencies(db, rows, source)
    audit.record("agencies.import", principal, object_type="offer_agency", rows=result.rows,
                 added=result.added, updated=result.updated, session=db)
    db.commit()
    return result


# -- reads used by other capabilities ---------------------------------------------------------
# (screening checks a traveller's offer text against the registry; it audits its own work)

def agency_names(db: Session) -> list[str]:
    """Names of active registered agencies, for :func:`waspada.offers.analyse.analyse`."""
    return store.agency_names(db)


def analyse_offer(db: Session, text: str, lang: str = "id") -> dict[str, Any]:
    """Analyse an offer text against the registered agencies; the result as a dict."""
    return analyse(text, agencies=agency_names(db)).to_dict(lang)


def network_records(db: Session, ids: list[int] | None) -> Iterator[dict[str, Any]]:
    """Each citizen's report as a source of the network capability: the offer text only (the
    reporter's own contact is theirs, not the recruiter's, and is never linked)."""
    last = 0
    while True:
        q = select(store.OfferReport.id, store.OfferReport.text, store.OfferReport.created_at
                   ).where(store.OfferReport.id > last)
        if ids is not None:
            q = q.where(store.OfferReport.id.in_(ids))
        rows = db.execute(q.order_by(store.OfferReport.id).limit(1_000)).all()
        if not rows:
            return
        for row in rows:
            yield {"source_id": row.id, "unit_id": None, "seen_at": row.created_at,
                   "fields": [{"kind": "text", "value": row.text, "role": "offer"}]}
        last = rows[-1].id
