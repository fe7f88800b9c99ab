"""Identity documents: MRZ, NIK, passport rules, names."""

from waspada.platform.capabilities import Capability, CliGroup, Nav
from waspada.platform.i18n import N_

CAPABILITY = Capability(
    name="identity",
    web=("waspada.identity.pages", "waspada.identity.api"),
    cli=(CliGroup("document", "waspada.identity.cli:document_app"),
         CliGroup("name", "waspada.identity.cli:name_app")),
    nav=(Nav("/documents", N_("Check documents"), "documents.check"),),
    actions=("documents.check",),
)
