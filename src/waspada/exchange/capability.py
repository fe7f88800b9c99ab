"""Exchange between Waspada installations (issue #17).

Transport: installation keys, partners, signed and encrypted bundles, inbox, outbox and sync
health. Content: the victim's consent, referrals with global ids, versions and conflicts, and
citizenship verification requests. The HTCDS 2.0 JSON Schema. The Primero (API v2)
connector (docs/exchange.md).
"""

from waspada.platform.capabilities import Capability, CliGroup, Nav
from waspada.platform.i18n import N_

CAPABILITY = Capability(
    name="exchange",
    web=("waspada.exchange.pages", "waspada.exchange.api",
         "waspada.exchange.content_pages", "waspada.exchange.content_api",
         "waspada.exchange.schema_api", "waspada.exchange.primero.api"),
    cli=(CliGroup("exchange", "waspada.exchange.cli:exchange_app"),),
    demo="waspada.exchange.demo:load_demo_exchange",
    tables=("waspada.exchange.models", "waspada.exchange.records",
            "waspada.exchange.primero.store"),
    nav=(Nav("/exchange/inbox", N_("Exchange inbox"), "exchange.receive"),
         Nav("/exchange/partners", N_("Exchange partners"), "exchange.admin")),
    actions=("exchange.admin", "exchange.send", "exchange.receive",
             "exchange.view", "exchange.consent", "exchange.consent_override", "exchange.resolve",
             "exchange.verify", "exchange.answer", "exchange.primero.sync"),
    workers=("waspada.exchange.outbox:worker",),
    home=("waspada.exchange.content_service:home",),
    personal_data="waspada.exchange.personal_data:HOLDER",
)
