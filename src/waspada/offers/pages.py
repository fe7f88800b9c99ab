"""Pages: the public "Cek Lowongan" check (no sign-in) and the analysts' bulk scan."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from waspada.offers import bulk
from waspada.offers.analyse import analyse
from waspada.offers.cli import scan_record
from waspada.offers.store import Agency, OfferReport, OfferScan, agency_names
from waspada.platform import audit
from waspada.platform.deps import client_ip, get_db, public, require
from waspada.platform.exports import spreadsheet_safe
from waspada.platform.files import FileError, dumps_json, page_message
from waspada.platform.i18n import current_language
from waspada.platform.i18n import gettext as _
from waspada.platform.ratelimit import RateLimiter
from waspada.platform.security.policy import Principal
from waspada.platform.templating import render
from waspada.platform.types import IdPath

router = APIRouter(include_in_schema=False)

PUBLIC_MAX_CHARS = 20_000
SCAN_MAX_BYTES = 10 * 1024 * 1024
SCAN_MAX_RECORDS = 20_000
public_limiter = RateLimiter(limit=20, window=60)
report_limiter = RateLimiter(limit=5, window=3600)


def _public_page(request: Request, **ctx: Any) -> Response:
    status = ctx.pop("status_code", 200)
    return render(request, "offers/check.html",
                  {"max_chars": PUBLIC_MAX_CHARS, "text": "", "result": None, "error": None,
                   "reported": False, **ctx}, status_code=status)


@router.get("/cek-lowongan", dependencies=[Depends(public)])
def check_page(request: Request) -> Response:
    return _public_page(request)


@router.post("/cek-lowongan", dependencies=[Depends(public)])
def check_submit(request: Request, text: str = Form(""), db: Session = Depends(get_db)
                 ) -> Response:
    if not public_limiter.hit(client_ip(request) or "unknown"):
        return _public_page(request, text=text[:PUBLIC_MAX_CHARS], status_code=429,
                            error=_("Too many checks from your connection. Please wait a minute."))
    if not text.strip():
        return _public_page(request, status_code=400, error=_("Paste the job offer text first."))
    if len(text) > PUBLIC_MAX_CHARS:
        return _public_page(request, text=text[:PUBLIC_MAX_CHARS], status_code=413,
                            error=_("The text is too long: at most %(n)s characters.",
                                    n=PUBLIC_MAX_CHARS))
    result = analyse(text, agencies=agency_names(db)).to_dict(current_language.get())
    return _public_page(request, text=text, result=result)


@router.post("/cek-lowongan/laporkan", dependencies=[Depends(public)])
def report_submit(request: Request, text: str = Form(""), where_seen: str = Form(""),
                  contact: str = Form(""), consent: str = Form(""),
                  db: Session = Depends(get_db)) -> Response:
    if not text.strip() or len(text) > PUBLIC_MAX_CHARS:
        return _public_page(request, status_code=400, error=_("Paste the job offer text first."))
    if consent != "yes":
        result = analyse(text, agencies=agency_names(db)).to_dict(current_language.get())
        return _public_page(request, text=text, result=result, status_code=400,
                            error=_("Tick the box to agree that the offer is sent to officers."))
    if not report_limiter.hit(client_ip(request) or "unknown"):
        return _public_page(request, text=text, status_code=429,
                            error=_("Too many reports from your connection. Please try later."))
    analysis = analyse(text, agencies=agency_names(db))
    report = OfferReport(text=text, where_seen=where_seen.strip()[:200],
                         reporter_contact=contact.strip()[:200], score=analysis.score,
                         level=analysis.level)
    db.add(report)
    db.flush()
    audit.record("offers.report.create", None, actor="public", object_type="offer_report",
                 object_id=report.id, level=analysis.level, session=db)
    db.commit()
    return _public_page(request, reported=True)


# -- analysts: bulk scan ---------------------------------------------------------------------

def _scan_page(request: Request, db: Session, **ctx: Any) -> Response:
    status = ctx.pop("status_code", 200)
    scans = list(db.scalars(select(OfferScan).order_by(OfferScan.id.desc()).limit(10)))
    reports = list(db.scalars(select(OfferReport).order_by(OfferReport.id.desc()).limit(20)))
    agencies = db.scalar(select(func.count(Agency.id))) or 0
    return render(request, "offers/scan.html",
                  {"scans": scans, "reports": reports, "agency_count": agencies,
                   "max_mb": SCAN_MAX_BYTES // (1024 * 1024), "max_records": SCAN_MAX_RECORDS,
                   "scan": None, "results": [], "contacts": [], "problems": [], "multiline": [],
                   **ctx},
                  status_code=status)


@router.get("/offers/scan")
def scan_page(request: Request, db: Session = Depends(get_db),
              principal: Principal = Depends(require("offers.scan"))) -> Response:
    return _scan_page(request, db)


@router.post("/offers/scan")
def scan_upload(request: Request, upload: UploadFile = File(...),
                text_field: str = Form("text"), id_field: str = Form("id"),
                db: Session = Depends(get_db),
                principal: Principal = Depends(require("offers.scan"))) -> Response:
    data = upload.file.read(SCAN_MAX_BYTES + 1)
    filename = (upload.filename or "upload")[:200]
    if len(data) > SCAN_MAX_BYTES:
        return _scan_page(request, db, status_code=413,
                          error=_("The file is too large: at most %(n)s MB.",
                                  n=SCAN_MAX_BYTES // (1024 * 1024)))
    try:
        kind = bulk.kind_for(filename, data)
    except bulk.UploadError:
        return _scan_page(request, db, status_code=400,
                          error=_("Upload a CSV or JSON Lines (.jsonl) file."))
    agencies = agency_names(db)
    results: list[dict[str, Any]] = []
    problems: list[dict[str, Any]] = []
    summary = bulk.ReadSummary()
    try:
        for item in bulk.read_records(data, kind, text_field[:64], id_field[:64],
                                      max_bytes=SCAN_MAX_BYTES, summary=summary):
            if isinstance(item, bulk.BadRecord):
                problems.append({"line": item.line, "reason": page_message(item.as_error())})
                continue
            if len(results) >= SCAN_MAX_RECORDS:
                problems.append({"line": item.line, "reason": page_message(
                    FileError("record limit reached", item.line, code="record_limit"))})
                break
            results.append(scan_record(item.record_id, analyse(item.text, agencies=agencies),
                                       lang=current_language.get()))
    except FileError as exc:
        return _scan_page(request, db, status_code=400,
                          error=_("The file was not scanned: %(detail)s",
                                  detail=page_message(exc)))
    results.sort(key=lambda r: r["score"], reverse=True)
    scan = OfferScan(user_id=principal.user_id, filename=filename, records=len(results),
                     skipped=len(problems), high=sum(r["level"] == "high" for r in results),
                     results_jsonl="\n".join(dumps_json(r, ensure_ascii=False)
                                             for r in results))
    db.add(scan)
    db.flush()
    audit.record("offers.scan", principal, object_type="offer_scan", object_id=scan.id,
                 records=len(results), skipped=len(problems), session=db)
    db.commit()
    return _scan_page(request, db, scan=scan, results=results[:500],
                      contacts=bulk.aggregate_contacts(results)[:200], problems=problems[:50],
                      multiline=summary.multiline[:50])


def _load_scan(db: Session, scan_id: int) -> OfferScan:
    scan = db.get(OfferScan, scan_id)
    if scan is None:
        raise HTTPException(404)
    return scan


@router.get("/offers/scan/{scan_id}/results.jsonl")
def scan_download(scan_id: IdPath, db: Session = Depends(get_db),
                  principal: Principal = Depends(require("offers.scan"))) -> Response:
    scan = _load_scan(db, scan_id)
    audit.record("offers.scan.export", principal, object_type="offer_scan", object_id=scan.id,
                 format="jsonl", session=db)
    db.commit()
    return Response(scan.results_jsonl + "\n", media_type="application/x-ndjson",
                    headers={"content-disposition":
                             f'attachment; filename="scan-{scan.id}-results.jsonl"'})


@router.get("/offers/scan/{scan_id}/contacts.csv")
def scan_contacts(scan_id: IdPath, db: Session = Depends(get_db),
                  principal: Principal = Depends(require("offers.scan"))) -> Response:
    scan = _load_scan(db, scan_id)
    results = [json.loads(line) for line in scan.results_jsonl.splitlines() if line]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["kind", "value", "posts", "max_level", "record_ids"])
    for row in bulk.aggregate_contacts(results):
        writer.writerow([row["kind"], spreadsheet_safe(row["value"]), row["count"],
                         row["max_level"], " ".join(spreadsheet_safe(str(i)) for i in row["ids"])])
    audit.record("offers.scan.export", principal, object_type="offer_scan", object_id=scan.id,
                 format="contacts_csv", session=db)
    db.commit()
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition":
                             f'attachment; filename="scan-{scan.id}-contacts.csv"'})


@router.get("/offers/reports/{report_id}")
def report_view(request: Request, report_id: IdPath, db: Session = Depends(get_db),
                principal: Principal = Depends(require("offers.scan"))) -> Response:
    report = db.get(OfferReport, report_id)
    if report is None:
        raise HTTPException(404)
    audit.record("offers.report.read", principal, object_type="offer_report",
                 object_id=report.id, session=db)
    db.commit()
    result = analyse(report.text, agencies=agency_names(db)).to_dict(current_language.get())
    return render(request, "offers/report.html", {"report": report, "result": result})


@router.post("/offers/reports/{report_id}/status")
def report_status(report_id: IdPath, status: str = Form(...), db: Session = Depends(get_db),
                  principal: Principal = Depends(require("offers.scan"))) -> Response:
    report = db.get(OfferReport, report_id)
    if report is None or status not in ("new", "reviewed", "referred", "dismissed"):
        raise HTTPException(404 if report is None else 422)
    report.status = status
    db.flush()
    audit.record("offers.report.update", principal, object_type="offer_report",
                 object_id=report.id, status=status, session=db)
    db.commit()
    return RedirectResponse(f"/offers/reports/{report_id}", status_code=303)
