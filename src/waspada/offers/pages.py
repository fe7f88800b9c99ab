"""Pages: the public "Cek Lowongan" check (no sign-in) and the analysts' bulk scan.

Handlers parse the form into the operation's model (``schemas.py``), call one function of
``offers.service`` (which checks access, audits and commits) and render.
"""

from __future__ import annotations

import io
import json
from typing import Annotated, Any

from babel.numbers import format_percent
from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from waspada.network.sources import SOURCE_LABELS
from waspada.offers import bulk, service
from waspada.offers.scanjob import SCAN
from waspada.offers.schemas import (
    AGENCY_QUERY_MAX,
    AGENCY_QUERY_MIN,
    PUBLIC_MAX_CHARS,
    AgencyCheckIn,
    OfferCheckRequest,
    PublicCheckIn,
    ReportIn,
    ReportStatusIn,
    ScanIn,
)
from waspada.offers.verdicts import STATUSES
from waspada.platform.db import session_factory
from waspada.platform.deps import DB, client_ip, public, require
from waspada.platform.domain import DomainError
from waspada.platform.exports import csv_writer, spreadsheet_safe
from waspada.platform.formroute import FormRoute, Refused, reshow_with
from waspada.platform.i18n import N_, current_language, translate
from waspada.platform.i18n import gettext as _
from waspada.platform.jobs import service as jobs
from waspada.platform.ratelimit import RateLimiter
from waspada.platform.security.policy import Principal, allowed
from waspada.platform.templating import render
from waspada.platform.types import IdPath

router = APIRouter(include_in_schema=False, route_class=FormRoute)

Analyst = Annotated[Principal, Depends(require("offers.scan"))]
public_limiter = RateLimiter(limit=20, window=60)
report_limiter = RateLimiter(limit=5, window=3600)
agency_limiter = RateLimiter(limit=30, window=60)
#: the scan job's recurring contacts section: the saved scan's contacts.csv has its columns
RECURRING = next(s for s in SCAN.sections if s.name == "recurring")


def _public_page(request: Request, **ctx: Any) -> Response:
    status = ctx.pop("status_code", 200)
    principal = getattr(request.state, "principal", None)
    ctx.setdefault("network_link", principal is not None and allowed(principal, "network.view"))
    return render(request, "offers/check.html",
                  {"max_chars": PUBLIC_MAX_CHARS, "text": "", "result": None, "error": None,
                   "where_seen": "", "contact": "",
                   "reported": False, "source_labels": SOURCE_LABELS, **ctx},
                  status_code=status)


def _public_refused(request: Request, refused: Refused) -> Response:
    return _public_page(request, text=refused.fields.get("text", ""), error=refused.message,
                        status_code=413 if refused.too_long else 400)


@router.get("/cek-lowongan", dependencies=[Depends(public)])
def check_page(request: Request) -> Response:
    return _public_page(request)


@router.post("/cek-lowongan", dependencies=[Depends(public)])
@reshow_with(_public_refused, PublicCheckIn)
def check_submit(request: Request, data: Annotated[PublicCheckIn, Form()], db: DB) -> Response:
    if not public_limiter.hit(client_ip(request) or "unknown"):
        return _public_page(request, text=data.text, status_code=429,
                            error=_("Too many checks from your connection. Please wait a minute."))
    principal = getattr(request.state, "principal", None)
    try:
        if principal is not None and allowed(principal, "offers.check"):
            # an officer or analyst signed in: the audited check, with the contacts stored
            # records already hold ("already known?", docs/network.md)
            result = service.check_offer(db, principal, OfferCheckRequest(
                text=data.text, lang="id" if current_language.get() == "id" else "en"))
        else:
            result = service.public_check(db, data.text, current_language.get())
    except DomainError as exc:
        return _public_page(request, text=data.text, error=exc.localized(_),
                            status_code=exc.status)
    return _public_page(request, text=data.text, result=result)


@router.post("/cek-lowongan/laporkan", dependencies=[Depends(public)])
@reshow_with(_public_refused, ReportIn)
def report_submit(request: Request, data: Annotated[ReportIn, Form()], db: DB) -> Response:
    if data.text.strip() and data.consent == "yes" and \
            not report_limiter.hit(client_ip(request) or "unknown"):
        return _public_page(request, text=data.text, status_code=429,
                            error=_("Too many reports from your connection. Please try later."))
    try:
        service.report_offer(db, data)
    except DomainError as exc:
        db.rollback()
        result = None
        if exc.code == "consent_required":
            result = service.public_check(db, data.text, current_language.get())
        # what the citizen typed stays in the form: only the tick was missing
        return _public_page(request, text=data.text if result else "", result=result,
                            where_seen=data.where_seen, contact=data.contact,
                            error=exc.localized(_), status_code=exc.status)
    return _public_page(request, reported=True)


# -- the public agency lookup (Cek Agensi) ----------------------------------------------------

#: licence states as the public reads them
AGENCY_STATUS_LABELS = {"active": N_("active"), "revoked": N_("revoked"),
                        "suspended": N_("suspended")}


def _agency_page(request: Request, **ctx: Any) -> Response:
    status = ctx.pop("status_code", 200)
    return render(request, "offers/agency.html",
                  {"name": "", "check": None, "error": None, "min_chars": AGENCY_QUERY_MIN,
                   "agency_statuses": AGENCY_STATUS_LABELS,
                   "max_chars": AGENCY_QUERY_MAX, **ctx}, status_code=status)


def _agency_refused(request: Request, refused: Refused) -> Response:
    return _agency_page(request, name=refused.fields.get("name", "")[:AGENCY_QUERY_MAX],
                        error=refused.message, status_code=400)


@router.get("/cek-agensi", dependencies=[Depends(public)])
def agency_page(request: Request) -> Response:
    return _agency_page(request)


@router.post("/cek-agensi", dependencies=[Depends(public)])
@reshow_with(_agency_refused, AgencyCheckIn)
def agency_submit(request: Request, data: Annotated[AgencyCheckIn, Form()], db: DB) -> Response:
    if not agency_limiter.hit(client_ip(request) or "unknown"):
        return _agency_page(request, name=data.name, status_code=429,
                            error=_("Too many look-ups from your connection. Please wait a "
                                    "minute."))
    return _agency_page(request, name=data.name, check=service.public_agency_check(db, data))


# -- analysts: bulk scan ---------------------------------------------------------------------

#: the three shares under the verdict table (``offers/verdicts.py``), in the page's words
VERDICT_SHARES = (N_("Reports at high that officers referred (of those decided)"),
                  N_("Referred reports the engine had put at high"),
                  N_("Dismissed reports the engine had put at high (false alarms)"))

def _percents(share: Any) -> dict[str, str]:
    """A share and its 95 % interval as percentages in the reader's locale (Babel): "100%"
    and "21%–100%" in English and Indonesian alike (the page wrote "100 %" by hand)."""
    lang = current_language.get()
    if not share.total:
        return {}
    low, high = share.interval
    return {"value": format_percent(share.value, locale=lang),
            "interval": f"{format_percent(low, locale=lang)}–{format_percent(high, locale=lang)}"}


def _scan_page(request: Request, db: DB, **ctx: Any) -> Response:
    status = ctx.pop("status_code", 200)
    seen = service.overview(db, request.query_params.get("reports") or None)
    shares = [(text, share, _percents(share)) for text, share in (
        (VERDICT_SHARES[0], seen.verdicts.high_referred),
        (VERDICT_SHARES[1], seen.verdicts.referred_high),
        (VERDICT_SHARES[2], seen.verdicts.dismissed_high))]
    return render(request, "offers/scan.html",
                  {"scans": seen.scans, "reports": seen.reports,
                   "agency_count": seen.agency_count,
                   "verdicts": seen.verdicts, "verdict_statuses": STATUSES,
                   "verdict_shares": shares,
                   "max_mb": service.SCAN_MAX_BYTES // (1024 * 1024),
                   "max_records": service.SCAN_MAX_RECORDS,
                   **ctx},
                  status_code=status)


def _scan_refused(request: Request, refused: Refused) -> Response:
    with session_factory()() as db:
        return _scan_page(request, db, error=refused.message, status_code=400)


@router.get("/offers/scan")
def scan_page(request: Request, db: DB, principal: Analyst) -> Response:
    return _scan_page(request, db)


@router.post("/offers/scan")
@reshow_with(_scan_refused, ScanIn)
def scan_upload(request: Request, data: Annotated[ScanIn, Form()],
                upload: Annotated[UploadFile, File()], db: DB, principal: Analyst) -> Response:
    content = upload.file.read(service.SCAN_MAX_BYTES + 1)
    try:
        job = service.start_scan(db, principal, upload.filename or "upload", content, data,
                                 current_language.get())
    except DomainError as exc:
        db.rollback()
        return _scan_page(request, db, status_code=exc.status, error=exc.localized(_))
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/offers/scan/{scan_id}/results.jsonl")
def scan_download(scan_id: IdPath, db: DB, principal: Analyst) -> Response:
    scan = service.export_scan(db, principal, scan_id, "jsonl")
    return Response(scan.results_jsonl + "\n", media_type="application/x-ndjson",
                    headers={"content-disposition":
                             f'attachment; filename="scan-{scan.id}-results.jsonl"'})


@router.get("/offers/scan/{scan_id}/contacts.csv")
def scan_contacts(scan_id: IdPath, db: DB, principal: Analyst) -> Response:
    scan = service.export_scan(db, principal, scan_id, "contacts_csv")
    results = [json.loads(line) for line in scan.results_jsonl.splitlines() if line]
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    # the columns and words of the scan job's own recurring.csv, in the reader's language
    # ("Nomor telepon", "risiko tinggi"; were the codes "phones", "high"); every contact here,
    # also those seen in one post only
    lang = current_language.get()
    writer.writerow([translate(c.title, lang) for c in RECURRING.columns])
    for row in bulk.aggregate_contacts(results):
        writer.writerow([spreadsheet_safe(jobs.cell(row.get(c.key), c.labels, lang))
                         for c in RECURRING.columns])
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition":
                             f'attachment; filename="scan-{scan.id}-contacts.csv"'})


@router.get("/offers/reports/{report_id}")
def report_view(request: Request, report_id: IdPath, db: DB, principal: Analyst) -> Response:
    report, analysis = service.read_report(db, principal, report_id)
    return render(request, "offers/report.html",
                  {"report": report, "result": analysis.to_dict(current_language.get()),
                   "statuses": STATUSES, "contacts": service.report_contacts(report),
                   # the network page's lookup by value is for network.view (and audited
                   # there); the analysts' "#id" lookup is never linked from here
                   "network_link": allowed(principal, "network.view")})


@router.post("/offers/reports/{report_id}/status")
def report_status(report_id: IdPath, data: Annotated[ReportStatusIn, Form()], db: DB,
                  principal: Analyst) -> Response:
    service.set_report_status(db, principal, report_id, data)
    return RedirectResponse(f"/offers/reports/{report_id}", status_code=303)
