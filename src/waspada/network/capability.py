"""Network intelligence: who recruits through which numbers, accounts and agencies."""

from waspada.platform.capabilities import Capability, CliGroup, Nav
from waspada.platform.i18n import N_

CAPABILITY = Capability(
    name="network",
    web=("waspada.network.pages", "waspada.network.api"),
    cli=(CliGroup("network", "waspada.network.cli:network_app"),),
    tables=("waspada.network.store",),
    demo="waspada.network.demo:load_demo_network",
    nav=(Nav("/network", N_("Network"), "network.view"),
         Nav("/network/review", N_("Entity review"), "network.review")),
    home=("waspada.network.work:home",),
    actions=("network.view", "network.review", "network.export", "network.rebuild"),
)
