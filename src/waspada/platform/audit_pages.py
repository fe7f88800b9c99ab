"""The audit-trail page: readable actions, objects by their own numbers (linked), filters,
paging, the CSV export and the "verify chain" button."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi import Form as FastForm
from fastapi.responses import RedirectResponse, Response

from waspada.platform import audit_trail
from waspada.platform.action_labels import (
    AUDIT_LABELS,
    actor_label,
    audit_label,
    object_label,
    outcome_label,
)
from waspada.platform.deps import DB, require
from waspada.platform.formroute import FormRoute, Refused, form_input, reshow_with
from waspada.platform.i18n import current_language
from waspada.platform.jobs import service as jobs
from waspada.platform.security import service
from waspada.platform.security.policy import Principal
from waspada.platform.security.schemas import AuditFilter
from waspada.platform.templating import render
from waspada.platform.timezones import zone_of
from waspada.platform.types import PageQuery

router = APIRouter(include_in_schema=False, route_class=FormRoute)

PAGE_SIZE = 50
#: object types offered in the filter (any type in the trail may be typed in the address)
OBJECT_TYPES = ("case", "screening", "watchlist_entry", "offer_report", "dedupe_run", "user",
                "unit", "api_token", "audit",
                # walk19: round two's objects (exchange, verification, network, jobs)
                "exchange_partner", "exchange_outbox", "exchange_inbox", "verification",
                "network_entity", "network_merge", "stats_alert_ack", "job")


def _audit_refused(request: Request, refused: Refused) -> Response:
    """A refused filter or page number: an error page naming the problem (422, as any invalid
    request)."""
    return render(request, "error.html", {"status": 422, "code": "invalid_input",
                                          "message": refused.message}, status_code=422)


def _filters(action: str, actor: str, object_type: str, object_id: str, day_from: str,
             day_to: str) -> dict[str, str]:
    return {"action": action, "actor": actor, "object_type": object_type,
            "object_id": object_id, "day_from": day_from, "day_to": day_to}


def _action_choices() -> list[tuple[str, str]]:
    """Every labelled action, readable, in alphabetical order of its label."""
    return sorted(((code, audit_label(code)) for code in AUDIT_LABELS), key=lambda p: p[1])


def _page(request: Request, db: DB, principal: Principal, filters: dict[str, str], page: int,
          check: audit_trail.ChainCheck | None = None) -> Response:
    chosen = form_input(AuditFilter, filters)  # refused: an error page in the user's language
    zone = zone_of(request.state.user)
    result = service.read_audit(db, principal, chosen, page=page, page_size=PAGE_SIZE,
                                zone=zone)
    used = {k: v for k, v in filters.items() if v}
    return render(request, "audit.html", {
        "rows": result.rows, "total": result.total, "page": result.page,
        "pages": result.pages, "filters": filters, "query": urlencode(used),
        "refs": audit_trail.object_refs(db, result.rows), "actions": _action_choices(),
        "object_types": OBJECT_TYPES, "audit_label": audit_label,
        "object_label": object_label, "actor_label": actor_label,
        "outcome_label": outcome_label, "check": check,
        "details": lambda e: audit_trail.detail_words(e, current_language.get())})


@router.get("/audit")
@reshow_with(_audit_refused, AuditFilter)
def audit_page(request: Request, db: DB, action: str = "", actor: str = "",
               object_type: str = "", object_id: str = "", day_from: str = "",
               day_to: str = "", page: PageQuery = 1,
               principal: Principal = Depends(require("audit.read"))) -> Response:
    return _page(request, db, principal,
                 _filters(action, actor, object_type, object_id, day_from, day_to), page)


@router.post("/audit/verify")
def audit_verify(request: Request, db: DB,
                 principal: Principal = Depends(require("audit.read"))) -> Response:
    """Run the chain check now and show its result above the (unfiltered) trail."""
    check = audit_trail.verify_chain(db, principal)
    return _page(request, db, principal, _filters("", "", "", "", "", ""), 1, check=check)


@router.post("/audit/export")
@reshow_with(_audit_refused, AuditFilter)
def audit_export(request: Request, data: Annotated[AuditFilter, FastForm()], db: DB,
                 principal: Principal = Depends(require("audit.read"))) -> Response:
    """Start the export of the filtered entries as a background job (its page offers CSV and
    Excel when done)."""
    job = jobs.submit(db, principal, "audit.export", params={
        "filters": data.model_dump(mode="json"), "zone": zone_of(request.state.user)})
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)
