"""Demo data: link what the other capabilities' demo loaders stored (it runs last).

Some of those loaders write through their services (which link as they go), others straight
into their tables, so the graph is rebuilt each time; the same data gives the same links.
"""

from __future__ import annotations

from waspada.platform.db import session_scope
from waspada.platform.security.policy import CLI_PRINCIPAL

from . import service


def load_demo_network(seed: int) -> tuple[int, int]:
    """(links added, 1 if nothing changed). ``seed`` is unused: the graph is derived from the
    other demo data."""
    with session_scope() as db:
        before = service.stats(db)["links"]
        service.rebuild(db, CLI_PRINCIPAL)
        after = service.stats(db)["links"]
    return max(after - before, 0), int(after == before)
