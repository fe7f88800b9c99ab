"""What the network capability hands to the platform's home page (declared in
``capability.py``): the analysts' queue of suggested merges waiting for a decision."""

from __future__ import annotations

from sqlalchemy.orm import Session

from waspada.platform.i18n import N_
from waspada.platform.security.policy import Principal, allowed
from waspada.platform.work import Widget

from . import review
from .visibility import scope_of


def home(db: Session, principal: Principal) -> list[Widget]:
    """Analysts: suggested merges still open, linking to the review page."""
    if not allowed(principal, "network.review"):
        return []
    count = review.open_count(db, scope_of(principal))
    return [Widget(key="network.review", title=N_("Suggested network merges awaiting review"),
                   count=count, href="/network/review", level="warn" if count else "ok",
                   order=45)]
