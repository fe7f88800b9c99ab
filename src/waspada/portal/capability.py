"""The public portal's pages: the safe-migration guide and the hotlines (no sign-in)."""

from waspada.platform.capabilities import Capability, Nav
from waspada.platform.i18n import N_

CAPABILITY = Capability(
    name="portal",
    web=("waspada.portal.pages",),
    public_nav=(Nav("/panduan", N_("Safe migration guide"), "",
                    N_("Legal ways to work abroad, the warning signs, and why Cambodia is not "
                       "a placement country.")),
                Nav("/hotline", N_("Hotlines"), "",
                    N_("Who to call: KP2MI, the Indonesian embassy in Phnom Penh, the foreign "
                       "ministry."))),
)
