"""Job-offer risk analysis, bulk scanning, the P3MI registry and public offer reports."""

from waspada.platform.capabilities import Capability, CliGroup, Nav
from waspada.platform.i18n import N_

CAPABILITY = Capability(
    name="offers",
    web=("waspada.offers.pages", "waspada.offers.api"),
    cli=(CliGroup("offers", "waspada.offers.cli:offers_app"),),
    tables=("waspada.offers.store",),
    demo="waspada.offers.demo:load_demo_offers",
    nav=(Nav("/cek-lowongan", N_("Check a job offer"), "offers.check"),
         Nav("/offers/scan", N_("Bulk offer scan"), "offers.scan")),
    public_nav=(Nav("/cek-lowongan", N_("Check a job offer"), "",
                    N_("Paste a job offer from social media or a chat and see its warning "
                       "signs.")),
                Nav("/cek-agensi", N_("Check an agency"), "",
                    N_("Is the placement company (P3MI) licensed? Look it up in the "
                       "registry."))),
    actions=("offers.check", "offers.scan", "agencies.manage"),
    home=("waspada.offers.work:home",),
    objects=(("offer_report", "waspada.offers.work:report_refs"),),
    jobs=("waspada.offers.scanjob:SCAN",),
)
