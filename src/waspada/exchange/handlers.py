"""Registry of bundle kinds: what a bundle carries is decided by a handler, not by transport."""
from __future__ import annotations
from dataclasses import dataclass, field
from typing import Any, Protocol
from sqlalchemy.orm import Session

@dataclass(frozen=True)
class PartnerInfo:
    name: str                 # the partner's name as registered here
    organisation: str | None  # HTCDS org_Type of the partner (e.g. "ImmigrationService", "NGO")
    fingerprint: str          # the partner's public-key fingerprint

@dataclass
class Applied:
    """What applying (or previewing) one incoming payload did / would do."""
    case_number: str | None = None
    created: bool = False
    changed: bool = False
    conflict: bool = False
    changes: list[dict[str, Any]] = field(default_factory=list)   # [{"field", "old", "new"}] for the preview
    reply: tuple[str, dict[str, Any]] | None = None                 # (kind, payload) to send back, if any

class Handler(Protocol):
    kind: str                 # e.g. "referral", "case_update", "verification_request", "verification_answer", "ping"
    def apply(self, db: Session, actor: Any, partner: PartnerInfo, payload: dict[str, Any], *, preview: bool) -> Applied: ...

_HANDLERS: dict[str, Handler] = {}

def register(handler: Handler) -> None:
    _HANDLERS[handler.kind] = handler

def get(kind: str) -> Handler | None:
    return _HANDLERS.get(kind)

def kinds() -> list[str]:
    return sorted(_HANDLERS)
