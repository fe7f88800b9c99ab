"""The built-in kinds ``ping`` and ``pong``: a partner asks "do you hear me?", the receiver
answers with its name and time. They carry no personal data, so the whole transport (keys,
sealing, inbox, outbox, retries, replies) can be tested and checked in production on its own:
``waspada exchange send-ping --to PARTNER``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from . import handlers
from .handlers import Applied, PartnerInfo

MESSAGE_MAX = 200


def _text(payload: dict[str, Any], key: str) -> str:
    value = payload.get(key)
    return value[:MESSAGE_MAX] if isinstance(value, str) else ""


class Ping:
    kind = "ping"

    def apply(self, db: Session, actor: Any, partner: PartnerInfo, payload: dict[str, Any], *,
              preview: bool) -> Applied:
        from .service import installation_name

        message = _text(payload, "message")
        reply = ("pong", {"name": installation_name(),
                          "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                          "in_reply_to": _text(payload, "id"), "message": message})
        return Applied(changed=False, changes=[{"field": "ping", "old": None, "new": message}],
                       reply=None if preview else reply)


class Pong:
    kind = "pong"

    def apply(self, db: Session, actor: Any, partner: PartnerInfo, payload: dict[str, Any], *,
              preview: bool) -> Applied:
        return Applied(changes=[{"field": "pong", "old": None,
                                 "new": f"{_text(payload, 'name')} {_text(payload, 'time')}"}])


def register() -> None:
    handlers.register(Ping())
    handlers.register(Pong())
