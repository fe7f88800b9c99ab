"""Offer operations that other capabilities call (they import this module or the pure core,
never ``offers.store``).

Added by the screening helper for issue #12 with only the read screening needs; the offers
rewrite owns the rest of this module.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .analyse import analyse
from .store import agency_names


def analyse_offer(db: Session, text: str, lang: str = "id") -> dict[str, Any]:
    """Analyse an offer text against the registered agencies; the result as a dict."""
    return analyse(text, agencies=agency_names(db)).to_dict(lang)
