"""Placeholder for exchange17a's outbox (removed at merge): the content service queues its
outgoing bundles through ``queue_bundle``, whose real implementation is
``waspada.exchange.service.queue_bundle`` on the transport branch (same signature)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session


def queue_bundle(db: Session, actor: Any, partner_name: str, kind: str,
                 payload: dict[str, Any]) -> int:
    """Record the sealed bundle in the outbox in the caller's transaction; the outbox id."""
    raise NotImplementedError(
        "the exchange outbox is built on the exchange17a branch "
        "(waspada.exchange.service.queue_bundle); this branch has no transport yet")
