"""Exchange between Waspada installations: keys, partners, signed and encrypted bundles."""

from waspada.platform.capabilities import Capability, CliGroup, Nav
from waspada.platform.i18n import N_

CAPABILITY = Capability(
    name="exchange",
    web=("waspada.exchange.pages", "waspada.exchange.api"),
    cli=(CliGroup("exchange", "waspada.exchange.cli:exchange_app"),),
    tables=("waspada.exchange.models",),
    nav=(Nav("/exchange/inbox", N_("Exchange inbox"), "exchange.receive"),
         Nav("/exchange/partners", N_("Exchange partners"), "exchange.admin")),
    actions=("exchange.admin", "exchange.send", "exchange.receive"),
    workers=("waspada.exchange.outbox:worker",),
)
