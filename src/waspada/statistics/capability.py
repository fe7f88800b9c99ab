"""Statistics: indicators by period and province, spike alerts, suppressed open data."""

from waspada.platform.capabilities import Capability, CliGroup, Nav
from waspada.platform.i18n import N_

CAPABILITY = Capability(
    name="statistics",
    web=("waspada.statistics.pages", "waspada.statistics.api"),
    cli=(CliGroup("stats", "waspada.statistics.cli:stats_app"),),
    tables=("waspada.statistics.store",),
    demo="waspada.statistics.demo:load_demo_statistics",
    nav=(Nav("/statistics", N_("Statistics"), "stats.view"),),
    public_nav=(Nav("/statistik", N_("Public statistics"), "",
                    N_("Screenings and cases in figures, by month and province.")),),
    home_html=("waspada.statistics.pages:home_alerts",),
    actions=("stats.view", "stats.publish", "stats.acknowledge", "stats.refresh"),
)
