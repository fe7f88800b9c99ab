"""Delivery of the outbox: push each due bundle to its partner's inbox over HTTPS, retry with
exponential backoff and jitter, dead-letter after ``WASPADA_EXCHANGE_DELIVERY_ATTEMPTS``.

* **Claim**: ``UPDATE exchange_outbox SET next_attempt_at = <later> WHERE id = :id AND status =
  'pending' AND next_attempt_at <= now``; the row count says which worker sends it, so a
  thread in the web app and ``waspada exchange deliver`` never push one bundle at once.
* **Outcome**: 2xx is delivered; 409 ``replayed`` means the partner has it already (an earlier
  answer was lost), also delivered; anything else (refusal, timeout, refused connection) is
  a failed attempt, recorded with its reason (status code and error code only: no payload, no
  personal data), and tried again after ``base * 2^(n-1)`` seconds (capped), jittered down by
  up to half.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

import httpx
from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult

from waspada.platform import audit
from waspada.platform.db import session_factory, utcnow
from waspada.platform.settings import get_settings

from .models import REASON_MAX, DeliveryAttempt, OutboxItem, Partner

log = logging.getLogger("waspada.exchange")
INBOX_PATH = "/api/v1/exchange/inbox"
ACTOR = "exchange-delivery"
#: seconds between two prunings of old nonces by the delivery thread
PRUNE_EVERY = 3600.0


def backoff(attempt: int, base: float, cap: float, rnd: random.Random | None = None) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1, 2, ...)."""
    delay = min(cap, base * 2 ** max(0, attempt - 1))
    return delay * (0.5 + 0.5 * (rnd or random).random())


@dataclass
class Tally:
    delivered: int = 0
    failed: int = 0
    dead: int = 0
    #: not sent: the victims' consent it was sealed under is no longer in force
    withdrawn: int = 0
    reasons: list[str] = field(default_factory=list)


def _reason(response: httpx.Response) -> tuple[str, bool]:
    """(reason, already there) of a non-2xx answer."""
    code = ""
    try:
        body = response.json()
        code = str(body.get("error", {}).get("code", ""))[:40]
    except (ValueError, AttributeError):
        pass
    if response.status_code == 409 and code == "replayed":
        return "already received by the partner", True
    return f"HTTP {response.status_code}" + (f" {code}" if code else ""), False


def _claim(now: datetime, outbox_id: int, hold: float) -> bool:
    with session_factory()() as db:
        result = db.execute(update(OutboxItem).where(
            OutboxItem.id == outbox_id, OutboxItem.status == "pending",
            OutboxItem.next_attempt_at <= now)
            .values(next_attempt_at=now + timedelta(seconds=hold))
            .execution_options(synchronize_session=False))
        db.commit()
        return int(cast(CursorResult[Any], result).rowcount) == 1


def due(now: datetime, limit: int = 20) -> list[int]:
    """Pending bundles whose time has come, for partners with an address."""
    with session_factory()() as db:
        return list(db.scalars(
            select(OutboxItem.id).join(Partner)
            .where(OutboxItem.status == "pending", OutboxItem.next_attempt_at <= now,
                   Partner.url.is_not(None), Partner.active.is_(True))
            .order_by(OutboxItem.next_attempt_at, OutboxItem.id).limit(limit)))


def deliver_one(client: httpx.Client, outbox_id: int, tally: Tally) -> None:
    settings = get_settings()
    now = utcnow()
    if not _claim(now, outbox_id, settings.exchange_delivery_timeout_seconds * 3):
        return
    with session_factory()() as db:
        item = db.get(OutboxItem, outbox_id)
        partner = db.get(Partner, item.partner_id) if item else None
        if item is None or partner is None or not partner.url:
            return
        if not _consent_holds(db, item, partner, tally):
            return
        url, body = partner.url + INBOX_PATH, item.bundle.encode("utf-8")
        db.rollback()  # no transaction held open while the partner answers
    status_code: int | None = None
    try:
        response = client.post(url, content=body,
                               headers={"content-type": "application/json"},
                               timeout=settings.exchange_delivery_timeout_seconds)
        status_code = response.status_code
        ok = 200 <= response.status_code < 300
        reason, already = ("delivered", False) if ok else _reason(response)
        ok = ok or already
    except httpx.HTTPError as exc:
        ok, reason = False, f"{type(exc).__name__}: no answer from the partner"
    _record(outbox_id, ok, status_code, reason, tally)


def _consent_holds(db: Any, item: OutboxItem, partner: Partner, tally: Tally) -> bool:
    """A bundle sealed under the victims' consent is not pushed once that consent was withdrawn
    (or replaced by a refusal) while it waited: it becomes ``withdrawn``, audited, and an
    administrator may send it again only when the consent is recorded again."""
    from .service import consent_in_force

    if consent_in_force(db, item, partner):
        return True
    item.status, item.last_error = "withdrawn", "consent withdrawn"
    audit.record("exchange.withdrawn", None, actor=ACTOR, object_type="exchange_outbox",
                 object_id=item.id, kind=item.kind, session=db)
    db.commit()
    tally.withdrawn += 1
    log.info("exchange: outbox %s not sent (consent withdrawn)", item.id)
    return False


def _record(outbox_id: int, ok: bool, status_code: int | None, reason: str,
            tally: Tally) -> None:
    settings = get_settings()
    with session_factory()() as db:
        item = db.get(OutboxItem, outbox_id)
        if item is None:
            return
        item.attempts += 1
        db.add(DeliveryAttempt(outbox_id=item.id, ok=ok, status_code=status_code,
                               reason=reason[:REASON_MAX]))
        if ok:
            item.status, item.delivered_at, item.last_error = "delivered", utcnow(), None
            audit.record("exchange.deliver", None, actor=ACTOR, object_type="exchange_outbox",
                         object_id=item.id, attempts=item.attempts, session=db)
            tally.delivered += 1
        elif item.attempts >= settings.exchange_delivery_attempts:
            item.status, item.last_error = "dead", reason[:REASON_MAX]
            audit.record("exchange.dead", None, actor=ACTOR, object_type="exchange_outbox",
                         object_id=item.id, attempts=item.attempts, reason=reason, session=db)
            tally.dead += 1
        else:
            item.last_error = reason[:REASON_MAX]
            item.next_attempt_at = utcnow() + timedelta(seconds=backoff(
                item.attempts, settings.exchange_retry_base_seconds,
                settings.exchange_retry_max_seconds))
            tally.failed += 1
        if not ok:
            tally.reasons.append(reason)
            log.info("exchange: delivery of outbox %s failed (%s)", outbox_id, reason)
        db.commit()


def deliver_due(client: httpx.Client | None = None) -> Tally:
    """One pass over the due bundles."""
    tally = Tally()
    own = client is None
    client = client or httpx.Client(follow_redirects=False)
    try:
        for outbox_id in due(utcnow()):
            deliver_one(client, outbox_id, tally)
    finally:
        if own:
            client.close()
    return tally


class DeliveryWorker:
    """A thread of the web process delivering the outbox every few seconds
    (``WASPADA_EXCHANGE_DELIVERY_WORKERS=0`` turns it off)."""

    def __init__(self, enabled: bool, poll_seconds: float) -> None:
        self.enabled, self.poll_seconds = enabled, poll_seconds
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.enabled:
            self._thread = threading.Thread(target=self._loop, daemon=True,
                                            name="waspada-exchange-delivery")
            self._thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        next_prune = 0.0
        with httpx.Client(follow_redirects=False) as client:
            while not self.stopping.is_set():
                try:
                    deliver_due(client)
                    if time.monotonic() >= next_prune:
                        prune()
                        next_prune = time.monotonic() + PRUNE_EVERY
                except Exception as exc:  # noqa: BLE001 - the database may be down; try again
                    log.warning("exchange delivery: %s", type(exc).__name__)
                self.stopping.wait(self.poll_seconds)


def prune() -> int:
    """Forget nonces older than the maximum bundle age (such bundles are refused anyway) and
    erase the payloads of inbox bundles decided long ago."""
    from .service import erase_decided_payloads, prune_nonces

    with session_factory()() as db:
        return prune_nonces(db) + erase_decided_payloads(db)


def worker() -> DeliveryWorker:
    """The web app's delivery thread (declared in capability.py)."""
    settings = get_settings()
    return DeliveryWorker(settings.exchange_delivery_workers > 0,
                          settings.exchange_delivery_poll_seconds)
