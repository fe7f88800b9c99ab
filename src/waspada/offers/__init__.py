"""Offer analysis: how risky is a job offer of being a trafficking / scam-compound lure?

Entry point: :func:`analyse`. Pure: no DB, no web, no network.
"""

from waspada.offers.agencies import AgencyMatch, match_agency
from waspada.offers.analyse import OfferAnalysis, analyse

__all__ = ["AgencyMatch", "OfferAnalysis", "analyse", "match_agency"]
