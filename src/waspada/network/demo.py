"""Demo data: link what the other capabilities' demo loaders stored (runs last)."""

from __future__ import annotations

from sqlalchemy import exists, select

from waspada.platform.db import session_scope
from waspada.platform.security.policy import CLI_PRINCIPAL

from . import service
from .store import Link


def load_demo_network(seed: int) -> tuple[int, int]:
    """(links written, 1 if the graph already had links). ``seed`` is unused: the graph is
    derived from the other demo data."""
    with session_scope() as db:
        if db.scalar(select(exists().where(Link.id > 0))):
            return 0, 1
        counts = service.rebuild(db, CLI_PRINCIPAL)
    return sum(counts.values()), 0
