"""A partner made afresh for one test, and a bundle queued for it (shared by the partner
tests: enable / disable, key replacement)."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from waspada.exchange import service
from waspada.exchange.models import OutboxItem, Partner
from waspada.exchange.schemas import PartnerIn
from waspada.platform.db import session_scope
from waspada.platform.security.policy import CLI_PRINCIPAL


def fresh_partner(name: str, public_key: str, url: str) -> str:
    """Register ``name`` (active, with an address, automatic acceptance) under ``public_key``;
    an earlier one of that name is renamed out of the way with its bundles marked delivered
    (so other tests' delivery passes leave them alone)."""
    with session_scope() as db:
        found = db.scalar(select(Partner).where(Partner.name == name))
        if found is not None:
            for item in db.scalars(select(OutboxItem).where(OutboxItem.partner_id == found.id)):
                item.status = "delivered"
            found.fingerprint, found.name = uuid.uuid4().hex, f"old-{uuid.uuid4().hex[:8]}"
    with session_scope() as db:
        service.add_partner(db, CLI_PRINCIPAL, PartnerIn(
            name=name, title="KP2MI", public_key=public_key, url=url,
            organisation="CentralGovernmentOrganisation", acceptance="auto"))
    return name


def queue_ping(name: str) -> int:
    """A ping bundle queued for ``name``; its outbox id."""
    with session_scope() as db:
        return service.send_ping(db, CLI_PRINCIPAL, name, to_file=False)  # type: ignore[return-value]
