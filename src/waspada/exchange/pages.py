"""Exchange pages: "Kotak masuk" (received bundles, previews, accept / reject) for officers and
"Mitra pertukaran" (this installation's key, partners with their sync health, the outbox with
re-send) for admins. Thin: parse the form, call :mod:`exchange.service`, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from waspada.platform import i18n, labels
from waspada.platform.deps import get_db, require
from waspada.platform.domain import DomainError
from waspada.platform.formroute import FormRoute, Refused, reshow_with, with_session
from waspada.platform.i18n import N_
from waspada.platform.i18n import gettext as _
from waspada.platform.security.policy import Principal, allowed
from waspada.platform.templating import render
from waspada.platform.types import IdPath

from . import keys, service
from .schemas import PartnerIn, RejectIn, RekeyFormIn, SendIn
from .words import change_label, error_words, localized, value_words

router = APIRouter(include_in_schema=False, route_class=FormRoute)
Admin = Annotated[Principal, Depends(require("exchange.admin"))]
Receiver = Annotated[Principal, Depends(require("exchange.receive"))]
Sender = Annotated[Principal, Depends(require("exchange.send"))]


class PartnerNameIn(BaseModel):
    name: str = Field(min_length=1, max_length=keys.NAME_MAX, title=N_("Name"))


def _identity() -> dict[str, str] | None:
    try:
        return service.identity_info()
    except DomainError:
        return None


#: what the partners page says after a change (``?done=…``), each shown only when the named
#: partner or bundle is in the state it describes (a crafted link shows nothing)
DONE = {"added": N_("Partner {title} is added. Compare its fingerprint {fingerprint} with the "
                    "partner by telephone before anything is sent."),
        "disabled": N_("Partner {title} is disabled: nothing is sent to it or accepted from "
                       "it. Bundles waiting for it are held: {held}."),
        "enabled": N_("Partner {title} is enabled again. Nothing was sent automatically: "
                      "send the held or given-up bundles again one by one in the table "
                      "below (held: {held}, given up: {dead})."),
        "enabled_none": N_("Partner {title} is enabled again. No bundle was held for it."),
        "resent": N_("Outgoing bundle #{id} is queued again."),
        "rekeyed": N_("The key of partner {title} is replaced: its fingerprint is now "
                      "{fingerprint}. Bundles signed with the old key are refused. The partner "
                      "stays disabled until you enable it again. Bundles held for it were "
                      "sealed to the old key and cannot be sent again (held: {held}): send "
                      "those cases again.")}


def _done(request: Request, partners: list[dict[str, Any]],
          outbox: list[dict[str, Any]]) -> str | None:
    done, query = request.query_params.get("done"), request.query_params
    if done == "resent":
        item = next((o for o in outbox if str(o["id"]) == query.get("outbox")), None)
        return _(DONE[done]).format(id=item["id"]) if item and item["status"] == "pending" \
            else None
    row = next((p for p in partners if p["name"] == query.get("partner")), None)
    if done == "rekeyed":  # only while disabled, and naming the key it has
        return _(DONE[done]).format(title=row["title"] or row["name"], held=row["held"],
                                    fingerprint=row["fingerprint"]) \
            if row and not row["active"] and query.get("key") == row["fingerprint"] else None
    if row is None or done not in DONE or (done == "disabled") == row["active"]:
        return None
    if done == "enabled" and not (row["held"] or row["dead"]):
        done = "enabled_none"
    return _(DONE[done]).format(title=row["title"] or row["name"], held=row["held"],
                                dead=row["dead"], fingerprint=row["fingerprint"])


def _partners_page(request: Request, db: Session, principal: Principal, *,
                   error: str | None = None, again: dict[str, list[str]] | None = None,
                   problems: dict[str, str] | None = None, rekey: dict[str, str] | None = None,
                   status_code: int = 200) -> Response:
    lang = i18n.current_language.get()
    partners = [dict(p, error_words=error_words(p["last_error"], lang))
                for p in service.partners(db, principal)]
    outbox = [dict(o, error_words=error_words(o["last_error"], lang))
              for o in service.outbox(db, principal, limit=50)]
    return render(request, "exchange/partners.html", {
        "done": None if error else _done(request, partners, outbox),
        "identity": _identity(), "partners": partners, "outbox": outbox,
        "by_file": {p["name"] for p in partners if not p["url"]},
        "disabled": {p["name"] for p in partners if not p["active"]},
        "titles": {p["name"]: p["title"] or p["name"] for p in partners},
        "org_types": labels.codes("exchange_org_type"), "error": error,
        "again": again or {}, "problems": problems or {},
        "refused_form": "partner" if again else None, "rekey": rekey},
        status_code=status_code)


@router.get("/exchange/partners")
def partners_page(request: Request, principal: Admin,
                  db: Session = Depends(get_db)) -> Response:
    return _partners_page(request, db, principal)


def _partner_refused(request: Request, db: Session, refused: Refused) -> Response:
    return _partners_page(request, db, refused.principal, error=refused.message,
                          again=refused.lists, problems=refused.problems, status_code=400)


@router.post("/exchange/partners")
@reshow_with(with_session(_partner_refused), PartnerIn)
def add_partner(request: Request, data: Annotated[PartnerIn, Form()], principal: Admin,
                db: Session = Depends(get_db)) -> Response:
    try:
        added = service.add_partner(db, principal, data)
    except DomainError as exc:
        db.rollback()
        return _partners_page(request, db, principal, error=exc.localized(_),
                              again={k: [str(v)] for k, v in data.model_dump().items()
                                     if v is not None},
                              problems={k: _(v) for k, v in exc.problems.items()},
                              status_code=exc.status)
    return _done_redirect("added", added.name)


def _done_redirect(done: str, name: str) -> Response:
    return RedirectResponse(f"/exchange/partners?{urlencode({'done': done, 'partner': name})}",
                            status_code=303)


def _simple_refused(request: Request, db: Session, refused: Refused) -> Response:
    return _partners_page(request, db, refused.principal, error=refused.message,
                          status_code=400)


def _partner_switch(request: Request, db: Session, principal: Principal, name: str,
                    operation: Callable[[Session, Principal, str], Any], done: str
                    ) -> Response:
    try:
        operation(db, principal, name)
    except DomainError as exc:
        db.rollback()
        return _partners_page(request, db, principal, error=exc.localized(_),
                              status_code=exc.status)
    return _done_redirect(done, name)


@router.post("/exchange/partners/disable")
@reshow_with(with_session(_simple_refused), PartnerNameIn)
def disable_partner(request: Request, data: Annotated[PartnerNameIn, Form()],
                    principal: Admin, db: Session = Depends(get_db)) -> Response:
    return _partner_switch(request, db, principal, data.name, service.disable_partner,
                           "disabled")


@router.post("/exchange/partners/enable")
@reshow_with(with_session(_simple_refused), PartnerNameIn)
def enable_partner(request: Request, data: Annotated[PartnerNameIn, Form()],
                   principal: Admin, db: Session = Depends(get_db)) -> Response:
    return _partner_switch(request, db, principal, data.name, service.enable_partner,
                           "enabled")


@router.post("/exchange/partners/rekey")
@reshow_with(with_session(_simple_refused), RekeyFormIn)
def rekey_partner(request: Request, data: Annotated[RekeyFormIn, Form()], principal: Admin,
                  db: Session = Depends(get_db)) -> Response:
    """A disabled partner's new key: the first submit only shows the NEW fingerprint to
    compare by telephone (nothing is written); the confirmation replaces the key."""
    try:
        if not data.confirmed:
            shown = service.check_new_key(db, principal, data.name, data.public_key)
            return _partners_page(request, db, principal, rekey=shown)
        partner = service.replace_key(db, principal, data.name, data.public_key)
    except DomainError as exc:
        db.rollback()
        return _partners_page(request, db, principal, error=exc.localized(_),
                              status_code=exc.status)
    query = urlencode({"done": "rekeyed", "partner": partner.name,
                       "key": keys.short(partner.fingerprint)})
    return RedirectResponse(f"/exchange/partners?{query}", status_code=303)


@router.post("/exchange/outbox/{outbox_id}/resend")
def resend(request: Request, outbox_id: IdPath, principal: Admin,
           db: Session = Depends(get_db)) -> Response:
    try:
        service.resend(db, principal, outbox_id)
    except DomainError as exc:
        db.rollback()
        return _partners_page(request, db, principal, error=exc.localized(_),
                              status_code=exc.status)
    return RedirectResponse(f"/exchange/partners?done=resent&outbox={outbox_id}#outbox",
                            status_code=303)


def _inbox_page(request: Request, db: Session, principal: Principal, *,
                error: str | None = None, status_code: int = 200) -> Response:
    lang = i18n.current_language.get()
    items: list[dict[str, Any]] = [
        dict(i, changes=[dict(c, label=change_label(str(c["field"]), lang),
                              old_words=value_words(str(c["field"]), c.get("old"), lang),
                              new_words=value_words(str(c["field"]), c.get("new"), lang))
                         for c in i.get("changes") or ()])
        for i in service.inbox(db, principal)]
    return render(request, "exchange/inbox.html", {
        "pending": [i for i in items if i["status"] == "pending"],
        "decided": [i for i in items if i["status"] != "pending"], "error": error,
        "titles": service.partner_titles(db),
        "principal": principal, "allowed": allowed},
        status_code=status_code)


@router.get("/exchange/inbox")
def inbox_page(request: Request, principal: Receiver,
               db: Session = Depends(get_db)) -> Response:
    return _inbox_page(request, db, principal)


@router.post("/exchange/inbox/{inbox_id}/accept")
def accept(request: Request, inbox_id: IdPath, principal: Receiver,
           db: Session = Depends(get_db)) -> Response:
    try:
        service.accept(db, principal, inbox_id)
    except DomainError as exc:
        db.rollback()
        return _inbox_page(request, db, principal, error=exc.localized(_),
                           status_code=exc.status)
    return RedirectResponse("/exchange/inbox", status_code=303)


def _reject_refused(request: Request, db: Session, refused: Refused) -> Response:
    return _inbox_page(request, db, refused.principal, error=refused.message, status_code=400)


@router.post("/exchange/inbox/{inbox_id}/reject")
@reshow_with(with_session(_reject_refused), RejectIn)
def reject(request: Request, inbox_id: IdPath, data: Annotated[RejectIn, Form()],
           principal: Receiver, db: Session = Depends(get_db)) -> Response:
    try:
        service.reject(db, principal, inbox_id, data.reason)
    except DomainError as exc:
        db.rollback()
        return _inbox_page(request, db, principal, error=exc.localized(_),
                           status_code=exc.status)
    return RedirectResponse("/exchange/inbox", status_code=303)


#: said after "Kirim ke mitra" queued a bundle (``?queued=<outbox id>``, the sender's own only)
QUEUED = N_("{kind} for {partner} is queued (outgoing bundle #{id}); it is delivered with "
            "retries. The administrator sees its delivery on the partners page.")


def _send_page(request: Request, db: Session, principal: Principal, *,
               again: dict[str, list[str]] | None = None, problems: dict[str, str] | None = None,
               error: str | None = None, queued: str | None = None,
               status_code: int = 200) -> Response:
    return render(request, "exchange/send.html", {
        "partners": service.send_choices(db, principal), "again": again or {},
        "problems": problems or {}, "error": error, "queued": queued},
        status_code=status_code)


def _queued_words(db: Session, principal: Principal, outbox_id: str) -> str | None:
    item = service.queued_by_me(db, principal, int(outbox_id)) if outbox_id.isdigit() and \
        len(outbox_id) < 12 else None
    if item is None:
        return None
    kind = labels.label("exchange_kind", item["kind"], i18n.current_language.get())
    return _(QUEUED).format(kind=kind, partner=item["partner"], id=item["id"])


@router.get("/exchange/send")
def send_page(request: Request, principal: Sender, db: Session = Depends(get_db),
              case: str = "", queued: str = "") -> Response:
    return _send_page(request, db, principal, again={"case_number": [case[:64]]},
                      queued=_queued_words(db, principal, queued[:16]) if queued else None)


def _send_refused(request: Request, db: Session, refused: Refused) -> Response:
    return _send_page(request, db, refused.principal, again=refused.lists,
                      problems=refused.problems, error=refused.message, status_code=400)


@router.post("/exchange/send")
@reshow_with(with_session(_send_refused), SendIn)
def send(request: Request, data: Annotated[SendIn, Form()], principal: Sender,
         db: Session = Depends(get_db)) -> Response:
    again = {k: [str(v)] for k, v in data.model_dump().items() if v is not None}
    try:
        queued = service.send_case(db, principal, data.case_number, data.partner,
                                   consent_override=data.consent_override, to_file=False)
    except DomainError as exc:
        db.rollback()
        problems = {k: _(v) for k, v in exc.problems.items()}
        if exc.code == "not_found" and not problems:
            problems = {"case_number": exc.localized(_)}
        return _send_page(request, db, principal, again=again, error=localized(exc, _),
                          problems=problems,
                          status_code=exc.status)
    assert isinstance(queued, int)
    return RedirectResponse(f"/exchange/send?queued={queued}", status_code=303)
