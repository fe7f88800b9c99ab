"""Departure and passport-application screening: interview, assessment, decision, record."""

from waspada.platform.capabilities import Capability, Nav
from waspada.platform.i18n import N_

CAPABILITY = Capability(
    name="screening",
    web=("waspada.screening.pages", "waspada.screening.api"),
    tables=("waspada.screening.store",),
    demo="waspada.screening.demo:load_demo_screenings",
    nav=(Nav("/screenings", N_("Screening"), "screening.conduct"),
         Nav("/screenings/stats", N_("Screening statistics"), "screening.stats")),
    actions=("screening.conduct", "screening.read", "screening.approve", "screening.export",
             "screening.stats", "persons.history"),
    home=("waspada.screening.work:home",),
    search="waspada.screening.work:search",
    objects=(("screening", "waspada.screening.work:audit_refs"),),
    object_numbers=(("screening", "waspada.screening.work:audit_ids"),),
    jobs=("waspada.screening.exportjob:EXPORT",),
    workers=("waspada.screening.persons:warmer",),
)
