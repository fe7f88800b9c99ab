"""Demo data: link what the other capabilities' demo loaders stored, and suggest the merges
the analysts review (it runs after them).

Some of those loaders write through their services (which link as they go), others straight
into their tables, so the graph is rebuilt each time; the same data gives the same links. The
suggestions come from ``suggest_merges`` (what `waspada network suggest` and the review page's
button run): on the demo data, the offers demo's reports give one of each kind (docs/network.md,
"Entity review"); a pair suggested once keeps its state, so a second load adds none.
"""

from __future__ import annotations

from waspada.platform.db import session_scope
from waspada.platform.security.policy import CLI_PRINCIPAL

from . import service


def load_demo_network(seed: int) -> tuple[int, int]:
    """(links and suggestions added, 1 if nothing changed). ``seed`` is unused: the graph is
    derived from the other demo data."""
    with session_scope() as db:
        before = service.stats(db)["links"]
        service.rebuild(db, CLI_PRINCIPAL)
        after = service.stats(db)["links"]
    with session_scope() as db:
        suggested = service.suggest_merges(db, CLI_PRINCIPAL)
    return max(after - before, 0) + suggested, int(after == before and not suggested)
