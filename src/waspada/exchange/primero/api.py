"""``POST /api/v1/exchange/primero/webhook/{destination}``: Primero's case-change webhook.

Primero's WebhookConnector POSTs ``{"data": {"record_id", "record_type", "hostname", …}}``
(app/services/api_connector/webhook_connector.rb#post_params) with the ``x-api-key`` header
(app/services/api_connector/connection.rb#headers). We check the key configured for the
destination (constant time), bound the body, rate-limit per destination and caller, keep only
the record id, and schedule a pull of that record (``waspada exchange primero pull``).

The exchange capability (``waspada.exchange.capability``) mounts this module's router.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from waspada.platform.deps import DB, client_ip, public
from waspada.platform.files import FileError, loads_json
from waspada.platform.ratelimit import RateLimiter

from . import service
from .service import PrimeroSyncError

MAX_WEBHOOK_BYTES = 256 * 1024
webhook_limiter = RateLimiter(limit=600, window=60)

api_router = APIRouter(prefix="/api/v1/exchange/primero", tags=["exchange"])


class WebhookOut(BaseModel):
    accepted: bool
    record_id: str


async def _bounded_json(request: Request) -> Any:
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_WEBHOOK_BYTES:
            raise PrimeroSyncError("too_large", "the webhook body exceeds {limit} bytes",
                                   status=413, limit=MAX_WEBHOOK_BYTES)
    try:  # bounded: a body of nested brackets raised RecursionError, a 500 before the key check
        return loads_json(bytes(body))
    except FileError:
        raise PrimeroSyncError("invalid", "the webhook body is not JSON", status=422) from None


# public: no Waspada sign-in; Primero authenticates with the destination's x-api-key
@api_router.post("/webhook/{destination}", response_model=WebhookOut,
                 dependencies=[Depends(public)])
async def primero_webhook(
        request: Request, db: DB,
        destination: Annotated[str, Path(min_length=1, max_length=64)],
        x_api_key: Annotated[str | None, Header(max_length=512)] = None) -> dict[str, Any]:
    """A case changed in Primero: recorded in the destination's sync log and scheduled for a
    pull. Authenticated by the destination's ``x-api-key`` (401 otherwise)."""
    if not webhook_limiter.hit(f"{destination}|{client_ip(request)}"):
        raise PrimeroSyncError("rate_limited", "too many webhooks; retry later", status=429)
    payload = await _bounded_json(request)
    return await run_in_threadpool(service.webhook, db, destination, x_api_key, payload)
