"""What offers hand to the platform's shared pages (declared in ``capability.py``): the
analyst's home-page queues (new public offer reports, contacts recurring in the latest bulk
scan) and audit-trail references of offer reports."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from waspada.offers import bulk, store
from waspada.offers.score import LEVEL_LABELS
from waspada.platform.i18n import N_, current_language
from waspada.platform.security.policy import Principal, allowed
from waspada.platform.work import ObjectRef, Widget, WidgetLine


def home(db: Session, principal: Principal) -> list[Widget]:
    if not allowed(principal, "offers.scan"):
        return []
    new = db.scalar(select(func.count()).select_from(store.OfferReport)
                    .where(store.OfferReport.status == "new")) or 0
    lang = 1 if current_language.get() == "en" else 0
    lines = tuple(WidgetLine(f"#{r.id}", f"/offers/reports/{r.id}",
                             LEVEL_LABELS.get(r.level, (r.level, r.level))[lang]) for r in
                  db.scalars(select(store.OfferReport).where(store.OfferReport.status == "new")
                             .order_by(store.OfferReport.id.desc()).limit(3))) if new else ()
    widgets = [Widget(key="offers.reports", title=N_("New offer reports from the public"),
                      count=new, href="/offers/scan?reports=new#reports",
                      level="warn" if new else "ok", lines=lines, order=30)]
    latest = db.scalar(select(store.OfferScan).order_by(store.OfferScan.id.desc()).limit(1))
    recurring = _recurring(latest) if latest is not None else []
    widgets.append(Widget(
        key="offers.contacts", title=N_("Contacts recurring in the latest bulk scan"),
        count=len(recurring), order=35, level="warn" if recurring else "ok",
        href=f"/offers/scan/{latest.id}/contacts.csv" if latest is not None else "/offers/scan",
        lines=tuple(WidgetLine(str(c["value"]), None, str(c["count"])) for c in recurring[:3])))
    return widgets


#: recurring contacts of recent scans by scan id: a finished scan never changes, and parsing a
#: 20,000-post scan on every home page load took seconds
_RECURRING: dict[tuple[int, str], list[dict[str, Any]]] = {}


def _recurring(scan: store.OfferScan) -> list[dict[str, Any]]:
    key = (scan.id, str(scan.created_at))  # an id reused after a purge is another scan
    found = _RECURRING.get(key)
    if found is None:
        results = [json.loads(line) for line in scan.results_jsonl.splitlines() if line]
        found = [c for c in bulk.aggregate_contacts(results) if c["count"] >= 2]
        if len(_RECURRING) >= 8:
            _RECURRING.pop(next(iter(_RECURRING)))
        _RECURRING[key] = found
    return found


def report_refs(db: Session, ids: list[str]) -> dict[str, ObjectRef]:
    return {i: ObjectRef(f"#{i}", f"/offers/reports/{i}") for i in ids if i.isdigit()}
