"""``/api/v1/exchange/...``: the inbox partners push bundles to (authenticated by the bundle's
signature, rate-limited per source address and per partner, size-limited), and the officers'
and admins' JSON views of the inbox, outbox and partners."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request

from waspada.platform.deps import DB, client_ip, public, require
from waspada.platform.ratelimit import RateLimiter
from waspada.platform.security.policy import Principal
from waspada.platform.settings import get_settings
from waspada.platform.types import IdPath

from . import bundle, keys, service
from .schemas import (
    DecidedOut,
    IdentityOut,
    InboxOut,
    KeyIn,
    OutboxOut,
    PartnerIn,
    PartnerOut,
    QueuedOut,
    ReceivedOut,
    RejectIn,
    SendIn,
)

api_router = APIRouter(prefix="/api/v1/exchange", tags=["exchange"])
Admin = Annotated[Principal, Depends(require("exchange.admin"))]
Receiver = Annotated[Principal, Depends(require("exchange.receive"))]
Sender = Annotated[Principal, Depends(require("exchange.send"))]

PartnerName = Annotated[str, Path(min_length=1, max_length=keys.NAME_MAX,
                                  description="the partner's identifier")]

_settings = get_settings()
ip_limiter = RateLimiter(_settings.exchange_inbox_per_minute_ip, 60)
partner_limiter = RateLimiter(_settings.exchange_inbox_per_minute_partner, 60)


class InboxError(bundle.BundleError):
    """Refused before the bundle is read."""


async def _read_bounded(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise bundle.refuse("oversize", limit=limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise bundle.refuse("oversize", limit=limit)
        chunks.append(chunk)
    return b"".join(chunks)


@api_router.post("/inbox", response_model=ReceivedOut, dependencies=[Depends(public)])
async def inbox_push(request: Request) -> dict[str, Any]:
    """A partner installation pushes one bundle (the envelope JSON as the body). No session or
    token: the bundle's signature is the authentication. Refusals (bad signature, wrong
    recipient, unknown or disabled partner, replayed nonce, expired, oversize, malformed,
    unknown kind) answer their error code and store nothing; 409 ``replayed`` tells the sender
    the bundle is here already."""
    from starlette.concurrency import run_in_threadpool

    from waspada.platform.db import session_factory

    ip = client_ip(request) or "unknown"
    if not ip_limiter.hit(ip):
        raise InboxError("rate_limited", "Too many bundles from this address; try later.",
                         status=429)
    limit = get_settings().exchange_max_bundle_bytes
    raw = await _read_bounded(request, limit)
    if not partner_limiter.hit(bundle.peek_sender(raw, limit)):
        raise InboxError("rate_limited", "Too many bundles from this partner; try later.",
                         status=429)

    def receive() -> dict[str, Any]:
        with session_factory()() as db:
            got = service.receive(db, raw, via="http", ip=ip)
        return {"inbox_id": got.inbox_id, "kind": got.kind, "status": got.status,
                "case_number": got.applied.case_number, "created": got.applied.created,
                "changed": got.applied.changed}
    return await run_in_threadpool(receive)


@api_router.get("/identity", response_model=IdentityOut)
def identity(principal: Admin) -> dict[str, str]:
    """This installation's name, public key and fingerprint (give them to partners)."""
    return service.identity_info()


@api_router.get("/partners", response_model=list[PartnerOut])
def partners(db: DB, principal: Admin) -> list[dict[str, Any]]:
    """Every partner with its sync health."""
    return service.partners(db, principal)


@api_router.post("/partners", response_model=PartnerOut, status_code=201)
def add_partner(body: PartnerIn, db: DB, principal: Admin) -> dict[str, Any]:
    """Register a partner installation by its public key (audited)."""
    return _partner_out(db, principal, service.add_partner(db, principal, body).id)


def _partner_out(db: DB, principal: Principal, partner_id: int) -> dict[str, Any]:
    return next(p for p in service.partners(db, principal) if p["id"] == partner_id)


@api_router.post("/partners/{name}/disable", response_model=PartnerOut)
def disable_partner(name: PartnerName, db: DB, principal: Admin) -> dict[str, Any]:
    """Stop the exchange with a partner (audited): its bundles are refused, nothing is sent
    to it, the bundles waiting for it are held (``held``)."""
    return _partner_out(db, principal, service.disable_partner(db, principal, name).id)


@api_router.post("/partners/{name}/enable", response_model=PartnerOut)
def enable_partner(name: PartnerName, db: DB, principal: Admin) -> dict[str, Any]:
    """Exchange with a disabled partner again under its registered key (audited). Nothing is
    sent automatically: held and dead bundles are sent again one by one
    (``POST /outbox/{id}/resend``)."""
    return _partner_out(db, principal, service.enable_partner(db, principal, name).id)


@api_router.post("/partners/{name}/key", response_model=PartnerOut)
def replace_key(name: PartnerName, body: KeyIn, db: DB, principal: Admin) -> dict[str, Any]:
    """Replace a disabled partner's public key (audited with the old and new fingerprints;
    compare the new fingerprint with the partner by telephone first). Bundles signed with the
    old key are refused from then on; bundles held for the partner stay held (sealed to the
    old key, they are refused by ``resend``: send the case again). 409 ``partner_active_rekey``
    while the partner is enabled, ``key_exists`` / ``same_key`` for a key already registered;
    400 ``bad_key`` for a malformed one."""
    return _partner_out(db, principal, service.replace_key(db, principal, name,
                                                           body.public_key).id)


@api_router.get("/inbox", response_model=list[InboxOut])
def inbox_list(db: DB, principal: Receiver, status: str | None = None
               ) -> list[dict[str, Any]]:
    """Received bundles, newest first; waiting ones with their preview (audited)."""
    return service.inbox(db, principal, status=status)


@api_router.post("/inbox/{inbox_id}/accept", response_model=DecidedOut)
def accept(inbox_id: IdPath, db: DB, principal: Receiver) -> dict[str, Any]:
    """Accept a waiting bundle: it is applied in the officer's name (audited)."""
    applied = service.accept(db, principal, inbox_id)
    return {"inbox_id": inbox_id, "status": "accepted", "case_number": applied.case_number,
            "created": applied.created, "changed": applied.changed}


@api_router.post("/inbox/{inbox_id}/reject", response_model=DecidedOut)
def reject(inbox_id: IdPath, body: RejectIn, db: DB, principal: Receiver) -> dict[str, Any]:
    """Reject a waiting bundle with a reason (audited); nothing of it is applied."""
    service.reject(db, principal, inbox_id, body.reason)
    return {"inbox_id": inbox_id, "status": "rejected"}


@api_router.get("/outbox", response_model=list[OutboxOut])
def outbox(db: DB, principal: Admin) -> list[dict[str, Any]]:
    """Outgoing bundles with their delivery state and the newest failure's reason."""
    return service.outbox(db, principal)


@api_router.post("/outbox/{outbox_id}/resend", response_model=QueuedOut)
def resend(outbox_id: IdPath, db: DB, principal: Admin) -> dict[str, int]:
    """Queue a dead or held bundle again (audited; refused while its partner is disabled)."""
    return {"outbox_id": service.resend(db, principal, outbox_id).id}


@api_router.post("/send", response_model=QueuedOut, status_code=202)
def send(body: SendIn, db: DB, principal: Sender) -> dict[str, int]:
    """Send a case to a partner ("Kirim ke mitra"): the content side builds the referral with
    the fields the partner may see and refuses without consent (or a documented legal basis,
    audited); the sealed bundle is queued in the outbox and delivered with retries."""
    outbox_id = service.send_case(db, principal, body.case_number, body.partner,
                                  consent_override=body.consent_override, to_file=False)
    assert isinstance(outbox_id, int)
    return {"outbox_id": outbox_id}
