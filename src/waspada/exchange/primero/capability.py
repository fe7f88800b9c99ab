"""TEMPORARY declaration of the Primero connector (issue #17 section 3).

The maintainer folds these lines into the exchange capability's declaration at merge
(``waspada.exchange.capability``: web += primero.api, tables += primero.store, cli group
``primero`` under ``exchange``, actions += exchange.primero.sync) and removes this module and
its ``INSTALLED`` entry.
"""

from waspada.platform.capabilities import Capability, CliGroup

CAPABILITY = Capability(
    name="exchange.primero",
    web=("waspada.exchange.primero.api",),
    cli=(CliGroup("primero", "waspada.exchange.primero.cli:primero_app"),),
    tables=("waspada.exchange.primero.store",),
    actions=("exchange.primero.sync",),
)
