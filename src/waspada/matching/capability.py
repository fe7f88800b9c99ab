"""Watchlist screening and duplicate identities (the matching engine).

Its CLI groups keep the names users know: ``waspada identity dedupe|link`` (duplicate
identities are an identity question; the engine that answers it lives here) and
``waspada watchlist ...``.
"""

from waspada.platform.capabilities import Capability, CliGroup, Nav
from waspada.platform.i18n import N_

CAPABILITY = Capability(
    name="matching",
    web=("waspada.matching.pages", "waspada.matching.api"),
    cli=(CliGroup("identity", "waspada.matching.cli:identity_app"),
         CliGroup("watchlist", "waspada.matching.watchlist_cli:watchlist_app")),
    tables=("waspada.matching.store",),
    demo="waspada.matching.demo:load_demo_matching",
    nav=(Nav("/watchlist/search", N_("Search the watchlist"), "watchlist.screen"),
         Nav("/watchlist/manage", N_("Manage the watchlist"), "watchlist.manage"),
         Nav("/dedupe", N_("Duplicate identities"), "dedupe.run")),
    actions=("watchlist.screen", "watchlist.manage", "dedupe.run", "dedupe.review"),
    home=("waspada.matching.work:home",),
    search="waspada.matching.work:search",
    objects=(("watchlist_entry", "waspada.matching.work:entry_refs"),
             ("dedupe_run", "waspada.matching.work:run_refs")),
    object_numbers=(("watchlist_entry", "waspada.matching.work:audit_ids"),),
    # a screening names the entries it showed: "who saw entry X" finds it
    object_mentions=(("watchlist_entry", "watchlist.screen", "shown"),),
    jobs=("waspada.matching.dedupejob:DEDUPE", "waspada.matching.importjob:IMPORT"),
    workers=("waspada.matching.store:warmer",),
)
