"""Victim case management (HTCDS 2.0): workflow to repatriation, referrals, public reports."""

from waspada.platform.capabilities import Capability, CliGroup, Nav
from waspada.platform.i18n import N_

CAPABILITY = Capability(
    name="cases",
    web=("waspada.cases.pages", "waspada.cases.htcds_pages", "waspada.cases.public_pages",
         "waspada.cases.api"),
    cli=(CliGroup("cases", "waspada.cases.cli:cases_app"),),
    tables=("waspada.cases.models",),
    demo="waspada.cases.demo:load_demo_cases",
    nav=(Nav("/cases", N_("Cases"), "cases.read"),),
    public_nav=(Nav("/lapor", N_("Report a family member"), "",
                    N_("Someone in your family is held abroad in a scam or gambling compound? "
                       "Tell protection officers.")),
                Nav("/lapor/status", N_("Report status"), "",
                    N_("Check your report with the follow-up code you received."))),
    actions=("cases.read", "cases.create", "cases.comment", "cases.transition", "cases.update",
             "cases.attachments", "cases.refer", "cases.referral_respond",
             "cases.consent_override", "cases.merge", "cases.stats", "cases.export",
             "cases.subject_export", "cases.retention", "cases.organisations"),
    home=("waspada.cases.work:home",),
    search="waspada.cases.work:search",
    objects=(("case", "waspada.cases.work:audit_refs"),),
    jobs=("waspada.cases.exportjob:EXPORT",),
    object_numbers=(("case", "waspada.cases.work:audit_ids"),),
)
