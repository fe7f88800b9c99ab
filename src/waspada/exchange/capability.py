"""Exchange between Waspada installations (issue #17).

This declaration is the content branch's (exchange17b): consent, referrals with versions and
conflicts, verification requests. The transport branch (exchange17a) declares keys, partners,
inbox, outbox and sync health; the maintainer merges the two declarations into one.
"""

from waspada.platform.capabilities import Capability
from waspada.platform.i18n import N_

CAPABILITY = Capability(
    name="exchange",
    web=("waspada.exchange.content_pages", "waspada.exchange.content_api"),
    tables=("waspada.exchange.records",),
    nav=(),
    actions=("exchange.view", "exchange.consent", "exchange.consent_override", "exchange.resolve",
             "exchange.verify", "exchange.answer"),
    home=("waspada.exchange.content_service:home",),
)

__all__ = ["CAPABILITY", "N_"]
