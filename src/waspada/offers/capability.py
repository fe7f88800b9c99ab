"""Job-offer risk analysis, bulk scanning, the P3MI registry and public offer reports."""

from waspada.platform.capabilities import Capability, CliGroup, Nav
from waspada.platform.i18n import N_

CAPABILITY = Capability(
    name="offers",
    web=("waspada.offers.pages", "waspada.offers.api"),
    cli=(CliGroup("offers", "waspada.offers.cli:offers_app"),),
    tables=("waspada.offers.store",),
    nav=(Nav("/cek-lowongan", N_("Check a job offer"), "offers.check"),
         Nav("/offers/scan", N_("Bulk offer scan"), "offers.scan")),
    actions=("offers.check", "offers.scan", "agencies.manage"),
    jobs=("waspada.offers.scanjob:SCAN",),
)
