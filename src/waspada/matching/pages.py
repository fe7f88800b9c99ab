"""Pages: watchlist search ("Cari di Daftar Pengawasan"), watchlist management, dedupe runs
and cluster review. Every read and write of personal data is audited (ids and counts only)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from waspada.matching import store
from waspada.matching.records import (
    RecordError,
    parse_birth_date,
    record_from_mapping,
    records_from_bytes,
)
from waspada.platform import audit
from waspada.platform.db import utcnow
from waspada.platform.deps import get_db, require
from waspada.platform.files import page_message
from waspada.platform.i18n import N_
from waspada.platform.i18n import gettext as _
from waspada.platform.security.policy import Principal
from waspada.platform.templating import render
from waspada.platform.types import IdPath

router = APIRouter(include_in_schema=False)

UPLOAD_MAX_BYTES = 10 * 1024 * 1024
DEDUPE_MAX_RECORDS = 50_000


RELATION_LABELS = {
    "exact": N_("same date"), "day_month_swap": N_("day and month swapped"),
    "one_year_shift": N_("one year apart, same day and month"),
    "jan1_default": N_("1 January (unknown date recorded as 1/1)"),
    "typo": N_("one digit differs"), "close": N_("within 45 days"),
    "same_year": N_("same year, different date"), "near": N_("within two years"),
    "far": N_("years apart"), "unknown": N_("not known on both sides"),
}
STATUS_LABELS = (N_("pending"), N_("confirmed"), N_("split"))
HOW_LABELS = {
    "exact": N_("same"), "phonetic": N_("same sound or old spelling"),
    "fuzzy": N_("similar spelling"), "initial": N_("initial"), "prefix": N_("short form"),
    "merged": N_("written together"),
}


def _search_page(request: Request, **ctx: Any) -> Response:
    status = ctx.pop("status_code", 200)
    base = {"form": {}, "results": None, "error": None, "relation_labels": RELATION_LABELS,
            "how_labels": HOW_LABELS}
    base.update(ctx)
    return render(request, "matching/search.html", base, status_code=status)


@router.get("/watchlist/search")
def search_page(request: Request,
                principal: Principal = Depends(require("watchlist.screen"))) -> Response:
    return _search_page(request)


@router.post("/watchlist/search")
def search_submit(request: Request, full_name: str = Form(""), birth_date: str = Form(""),
                  sex: str = Form(""), nik: str = Form(""), passport_no: str = Form(""),
                  db: Session = Depends(get_db),
                  principal: Principal = Depends(require("watchlist.screen"))) -> Response:
    form = {"full_name": full_name[:300], "birth_date": birth_date[:10], "sex": sex[:1],
            "nik": nik[:32], "passport_no": passport_no[:32]}
    try:
        rec = record_from_mapping({"record_id": "query", **form})
    except RecordError as exc:
        msg = _("Enter the full name.") if "full_name" in exc.reason else \
            _("Check the birth date (YYYY-MM-DD) and sex.")
        return _search_page(request, form=form, error=msg, status_code=400)
    idx = store.watchlist_index(db)
    matches = idx.search(rec, top=10, threshold=0.3)
    entries = store.entry_details(db, [m.record_id for m in matches])
    results = [{"m": m, "e": entries.get(m.record_id)} for m in matches]
    audit.record("watchlist.screen", principal, object_type="watchlist", via_page=True,
                 results=len(results), top_ids=[m.record_id for m in matches[:5]], session=db)
    db.commit()
    return _search_page(request, form=form, results=results)


# -- management ------------------------------------------------------------------------------

def _manage_page(request: Request, db: Session, principal: Principal, **ctx: Any) -> Response:
    status = ctx.pop("status_code", 200)
    rows = store.active_entries(db, limit=200)
    audit.record("watchlist.list", principal, object_type="watchlist", count=len(rows), session=db)
    db.commit()
    base = {"entries": rows, "kinds": store.LIST_KINDS, "error": None, "notice": None}
    base.update(ctx)
    return render(request, "matching/manage.html", base, status_code=status)


@router.get("/watchlist/manage")
def manage_page(request: Request, db: Session = Depends(get_db),
                principal: Principal = Depends(require("watchlist.manage"))) -> Response:
    return _manage_page(request, db, principal)


def _expiry(value: str) -> date | None:
    return parse_birth_date(value) if value.strip() else None


@router.post("/watchlist/manage/add")
def manage_add(request: Request, record_id: str = Form(""), full_name: str = Form(""),
               birth_date: str = Form(""), sex: str = Form(""), nik: str = Form(""),
               passport_no: str = Form(""), list_kind: str = Form("other"),
               reason: str = Form(""), source: str = Form(""), expires_on: str = Form(""),
               db: Session = Depends(get_db),
               principal: Principal = Depends(require("watchlist.manage"))) -> Response:
    if not reason.strip() or not source.strip():
        return _manage_page(request, db, principal, status_code=400,
                            error=_("Reason and source are required."))
    try:
        rec = record_from_mapping({"record_id": record_id[:64], "full_name": full_name[:300],
                                   "birth_date": birth_date, "sex": sex, "nik": nik,
                                   "passport_no": passport_no})
        row = store.add_entry(db, rec, reason=reason, source=source, list_kind=list_kind,
                              expires_on=_expiry(expires_on), actor=principal.username)
        db.flush()
    except (RecordError, ValueError):
        db.rollback()
        return _manage_page(request, db, principal, status_code=400,
                            error=_("Check the entry: id, name, dates (YYYY-MM-DD), sex."))
    audit.record("watchlist.add", principal, object_type="watchlist_entry", object_id=row.id,
                 list_kind=row.list_kind, session=db)
    db.commit()
    return RedirectResponse("/watchlist/manage", status_code=303)


@router.post("/watchlist/manage/import")
def manage_import(request: Request, file: UploadFile = File(...),
                  list_kind: str = Form("other"), reason: str = Form(""),
                  source: str = Form(""), expires_on: str = Form(""),
                  db: Session = Depends(get_db),
                  principal: Principal = Depends(require("watchlist.manage"))) -> Response:
    data = file.file.read(UPLOAD_MAX_BYTES + 1)
    if not reason.strip() or not source.strip():
        return _manage_page(request, db, principal, status_code=400,
                            error=_("Reason and source are required."))
    if len(data) > UPLOAD_MAX_BYTES:
        return _manage_page(request, db, principal, status_code=400,
                            error=_("The file is too large."))
    try:
        recs = records_from_bytes(data, source=source)
        exp = _expiry(expires_on)
        for r in recs:
            store.add_entry(db, r, reason=reason, source=source, list_kind=list_kind,
                            expires_on=exp, actor=principal.username)
        db.flush()
    except RecordError as exc:
        db.rollback()
        return _manage_page(request, db, principal, status_code=400,
                            error=_("The file was not imported: %(detail)s",
                                    detail=page_message(exc)))
    except ValueError:
        db.rollback()
        return _manage_page(request, db, principal, status_code=400,
                            error=_("Check the list kind and the expiry date."))
    audit.record("watchlist.import", principal, object_type="watchlist", count=len(recs),
                 list_kind=list_kind, session=db)
    db.commit()
    return _manage_page(request, db, principal,
                        notice=_("%(n)s entries imported.", n=len(recs)))


@router.post("/watchlist/manage/{record_id}/remove")
def manage_remove(request: Request, record_id: str, reason: str = Form(""),
                  db: Session = Depends(get_db),
                  principal: Principal = Depends(require("watchlist.manage"))) -> Response:
    if not reason.strip():
        return _manage_page(request, db, principal, status_code=400,
                            error=_("Give a reason for the removal."))
    row = store.remove_entry(db, record_id, reason=reason, actor=principal.username)
    if row is None:
        raise HTTPException(404)
    audit.record("watchlist.remove", principal, object_type="watchlist_entry",
                 object_id=row.id, session=db)
    db.commit()
    return RedirectResponse("/watchlist/manage", status_code=303)


# -- dedupe runs and review ------------------------------------------------------------------

@router.get("/dedupe")
def dedupe_page(request: Request, db: Session = Depends(get_db),
                principal: Principal = Depends(require("dedupe.run"))) -> Response:
    runs = list(db.scalars(select(store.DedupeRun).order_by(store.DedupeRun.id.desc())
                           .limit(50)))
    return render(request, "matching/dedupe.html", {"runs": runs, "error": None})


@router.post("/dedupe/run")
def dedupe_run(request: Request, origin: str = Form("upload"), threshold: float = Form(0.5),
               file: UploadFile | None = File(None), db: Session = Depends(get_db),
               principal: Principal = Depends(require("dedupe.run"))) -> Response:
    from waspada.matching.pipeline import dedupe

    def fail(msg: str) -> Response:
        runs = list(db.scalars(select(store.DedupeRun).order_by(store.DedupeRun.id.desc())
                               .limit(50)))
        return render(request, "matching/dedupe.html", {"runs": runs, "error": msg},
                      status_code=400)

    if not 0.0 < threshold <= 1.0:
        return fail(_("The threshold must be between 0 and 1."))
    if origin == "database":
        records = store.person_records(db, limit=DEDUPE_MAX_RECORDS)
    else:
        data = file.file.read(UPLOAD_MAX_BYTES + 1) if file is not None else b""
        if not data:
            return fail(_("Choose a CSV file."))
        if len(data) > UPLOAD_MAX_BYTES:
            return fail(_("The file is too large."))
        try:
            records = records_from_bytes(data, source="upload")
        except RecordError as exc:
            return fail(_("The file was not read: %(detail)s", detail=page_message(exc)))
    if len(records) < 2:
        return fail(_("At least two records are needed."))
    if len(records) > DEDUPE_MAX_RECORDS:
        return fail(_("Too many records for the page; use the command line."))
    try:
        res = dedupe(records, threshold=threshold)
    except Exception:  # noqa: BLE001 - shown as a friendly error
        return fail(_("The deduplication failed. Check the file and try again."))
    run = store.save_run(db, actor=principal.username, origin=origin, threshold=threshold,
                         records=records, clusters=res.clusters)
    db.flush()
    audit.record("dedupe.run", principal, object_type="dedupe_run", object_id=run.id,
                 origin=origin, records=len(records), clusters=run.n_clusters, session=db)
    db.commit()
    return RedirectResponse(f"/dedupe/runs/{run.id}", status_code=303)


@router.get("/dedupe/runs/{run_id}")
def dedupe_review(request: Request, run_id: IdPath, db: Session = Depends(get_db),
                  principal: Principal = Depends(require("dedupe.review"))) -> Response:
    run = db.get(store.DedupeRun, run_id)
    if run is None:
        raise HTTPException(404)
    clusters = list(db.scalars(select(store.DedupeCluster).where(
        store.DedupeCluster.run_id == run_id).order_by(store.DedupeCluster.id).limit(500)))
    members: dict[int, list[store.DedupeMember]] = {c.id: [] for c in clusters}
    if clusters:
        for m in db.scalars(select(store.DedupeMember).where(
                store.DedupeMember.cluster_id.in_(list(members)))):
            members[m.cluster_id].append(m)
    audit.record("dedupe.review.read", principal, object_type="dedupe_run", object_id=run_id,
                 clusters=len(clusters), session=db)
    db.commit()
    return render(request, "matching/review.html",
                  {"run": run, "clusters": clusters, "members": members})


@router.post("/dedupe/clusters/{cluster_id}/decide")
def dedupe_decide(request: Request, cluster_id: IdPath, decision: str = Form(""),
                  db: Session = Depends(get_db),
                  principal: Principal = Depends(require("dedupe.review"))) -> Response:
    c = db.get(store.DedupeCluster, cluster_id)
    if c is None:
        raise HTTPException(404)
    if decision not in ("confirmed", "split"):
        raise HTTPException(400)
    c.status = decision
    c.decided_by = principal.username
    c.decided_at = utcnow()
    audit.record("dedupe.review", principal, object_type="dedupe_cluster", object_id=c.id,
                 run_id=c.run_id, decision=decision, size=c.size, session=db)
    db.commit()
    return RedirectResponse(f"/dedupe/runs/{c.run_id}#c{c.id}", status_code=303)
