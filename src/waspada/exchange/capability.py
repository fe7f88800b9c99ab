"""Exchange between agencies (issue #17). This branch (htcds17) brings only the HTCDS 2.0 JSON
Schema (``schema.py``, ``schema_api.py``, ``schema_cli.py``); the transport and content parts
join this declaration when their branches merge."""

from waspada.platform.capabilities import Capability, CliGroup

CAPABILITY = Capability(
    name="exchange",
    web=("waspada.exchange.schema_api",),
    cli=(CliGroup("exchange", "waspada.exchange.schema_cli:app"),),
)
