"""The platform's own declaration: sign-in, accounts, users and units, the audit trail."""

from waspada.platform.capabilities import Capability, CliGroup, Nav
from waspada.platform.i18n import N_

CAPABILITY = Capability(
    name="platform",
    web=("waspada.platform.pages", "waspada.platform.admin_pages",
         "waspada.platform.audit_pages", "waspada.platform.search_pages",
         "waspada.platform.api", "waspada.platform.jobs.pages",
         "waspada.platform.jobs.api"),
    cli=(CliGroup("db", "waspada.platform.cli:db_app"),
         CliGroup("demo", "waspada.platform.cli:demo_app"),
         CliGroup("users", "waspada.platform.cli:users_app"),
         CliGroup("audit", "waspada.platform.cli:audit_app"),
         CliGroup("jobs", "waspada.platform.jobs.cli:jobs_app")),
    tables=("waspada.platform.security.models", "waspada.platform.audit",
            "waspada.platform.jobs.store"),
    nav=(Nav("/", N_("Home"), "dashboard.view"),
         Nav("/admin/users", N_("Users"), "users.manage"),
         Nav("/audit", N_("Audit trail"), "audit.read"),
         Nav("/jobs", N_("My jobs"), "jobs.view")),
    actions=("account.self", "api.docs", "dashboard.view", "users.manage", "units.manage",
             "audit.read", "search.persons", "jobs.view"),
    home=("waspada.platform.home:widgets",),
    jobs=("waspada.platform.audit_job:EXPORT",),
)
