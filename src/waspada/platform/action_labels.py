"""Readable names for policy actions and audit-trail actions (English gettext message ids;
Indonesian in the catalogue). Like the policy table, one place: a capability that records a
new audit action or adds a policy action names it here (a test finds any that is missing).
"""

from __future__ import annotations

from waspada.platform.i18n import N_, gettext, translate

#: policy action (``security/policy.py``) -> what it lets a role do
POLICY_LABELS: dict[str, str] = {
    "account.self": N_("Manage own account and API tokens"),
    "api.docs": N_("Read the API documentation"),
    "dashboard.view": N_("See the home page"),
    "users.manage": N_("Manage users"),
    "units.manage": N_("Manage units"),
    "audit.read": N_("Read the audit trail"),
    "documents.check": N_("Check travel documents"),
    "offers.check": N_("Check a job offer"),
    "offers.scan": N_("Scan job offers in bulk"),
    "agencies.manage": N_("Manage the P3MI agency registry"),
    "screening.conduct": N_("Conduct screenings"),
    "screening.read": N_("Read screenings"),
    "screening.approve": N_("Approve screening decisions"),
    "screening.export": N_("Export screenings"),
    "screening.stats": N_("See screening statistics"),
    "persons.history": N_("See a traveller's screening history"),
    "watchlist.screen": N_("Search the watchlist"),
    "watchlist.manage": N_("Manage the watchlist"),
    "dedupe.run": N_("Find duplicate identities"),
    "dedupe.review": N_("Review duplicate identities"),
    "cases.read": N_("Read cases"),
    "cases.create": N_("Open cases"),
    "cases.comment": N_("Comment on cases"),
    "cases.transition": N_("Move cases to the next step"),
    "cases.update": N_("Update cases"),
    "cases.attachments": N_("Add case attachments"),
    "cases.refer": N_("Refer cases to other services"),
    "cases.referral_respond": N_("Answer referrals"),
    "cases.consent_override": N_("Record a consent override"),
    "cases.merge": N_("Merge duplicate cases"),
    "cases.stats": N_("See case statistics"),
    "cases.export": N_("Export cases"),
    "cases.subject_export": N_("Export a person's data (subject access)"),
    "cases.retention": N_("Apply the retention rules"),
    "cases.organisations": N_("Manage partner organisations"),
    "stats.view": N_("See statistics"),
    "stats.publish": N_("Publish open statistics"),
    "search.persons": N_("Search people across records"),
    "jobs.view": N_("See background jobs"),
    "network.view": N_("Look up the network of contacts"),
    "network.review": N_("Review network merges"),
    "network.export": N_("Export the network"),
    "network.rebuild": N_("Rebuild the network"),
    "stats.acknowledge": N_("Acknowledge statistics alerts"),
    "stats.refresh": N_("Refresh the statistics"),
    "exchange.admin": N_("Manage exchange keys and partners"),
    "exchange.send": N_("Send bundles to exchange partners"),
    "exchange.receive": N_("Accept bundles from exchange partners"),

    # exchange between installations, content (docs/exchange.md)
    "exchange.view": N_("See the consent and verifications of a case"),
    "exchange.consent": N_("Record the victim's consent to share"),
    "exchange.consent_override": N_("Share without consent on a legal basis"),
    "exchange.resolve": N_("Resolve exchange conflicts"),
    "exchange.verify": N_("Ask a partner to verify citizenship"),
    "exchange.answer": N_("Answer citizenship verification requests"),

    "exchange.primero.sync": N_("Synchronise cases with Primero"),
}

#: audit-trail action -> what happened
AUDIT_LABELS: dict[str, str] = {
    "login": N_("Signed in"),
    "login.failed": N_("Failed sign-in"),
    "login.throttled": N_("Sign-in refused (too many attempts)"),
    "logout": N_("Signed out"),
    "token.create": N_("API token created"),
    "token.revoke": N_("API token revoked"),
    "token.use": N_("API token used"),
    "token.refused": N_("API token refused (revoked or expired)"),
    "totp.enable": N_("Two-step sign-in turned on"),
    "totp.disable": N_("Two-step sign-in turned off"),
    "account.password": N_("Own password changed"),
    "user.create": N_("User added"),
    "user.enable": N_("User enabled"),
    "user.disable": N_("User disabled"),
    "user.role": N_("User's role changed"),
    "user.unit": N_("User moved to another unit"),
    "user.password_reset": N_("User's password reset"),
    "unit.create": N_("Unit added"),
    "audit.anchor": N_("Audit trail anchored"),
    "audit.key_rotated": N_("Audit key rotated"),
    "audit.read": N_("Audit trail read"),
    "audit.export": N_("Audit trail exported"),
    "audit.verify": N_("Audit chain verified"),
    "demo.load": N_("Demo data loaded"),
    "documents.check": N_("Travel document checked"),
    "offers.check": N_("Job offer checked"),
    "offers.scan": N_("Job offers scanned in bulk"),
    "offers.scan.export": N_("Bulk scan exported"),
    "offers.report.create": N_("Job offer reported by the public"),
    "offers.report.read": N_("Offer report read"),
    "offers.report.update": N_("Offer report updated"),
    "agencies.import": N_("Agency registry imported"),
    "screening.create": N_("Screening started"),
    "screening.update": N_("Screening answers saved"),
    "screening.decide": N_("Screening decision signed"),
    "screening.approve": N_("Screening decision approved"),
    "screening.read": N_("Screening read"),
    "screening.export": N_("Screenings exported"),
    "screening.stats": N_("Screening statistics read"),
    "person.history.read": N_("Traveller's history read"),
    "watchlist.add": N_("Watchlist entry added"),
    "watchlist.import": N_("Watchlist imported"),
    "watchlist.list": N_("Watchlist listed"),
    "watchlist.remove": N_("Watchlist entry removed"),
    "watchlist.screen": N_("Watchlist searched"),
    "dedupe.run": N_("Duplicate search run"),
    "dedupe.review": N_("Duplicate cluster decided"),
    "dedupe.review.read": N_("Duplicate clusters read"),
    "case.create": N_("Case opened"),
    "case.public_report": N_("Public report received"),
    "case.public_status": N_("Public report status looked up"),
    "case.list": N_("Cases listed"),
    "case.view": N_("Case read"),
    "case.comment": N_("Comment added to a case"),
    "case.transition": N_("Case moved to the next step"),
    "case.task": N_("Task added to a case"),
    "case.task_done": N_("Case task done"),
    "case.person": N_("Person added to a case"),
    "case.event": N_("Event added to a case"),
    "case.htcds_update": N_("HTCDS details of a case changed"),
    "case.person_update": N_("HTCDS details of a person changed"),
    "case.consent": N_("Consent recorded"),
    "case.support_plan": N_("Support plan added"),
    "case.assessment": N_("Assessment added"),
    "case.referral": N_("Case referred"),
    "case.referral_answer": N_("Referral answered"),
    "case.merge": N_("Cases merged"),
    "case.unmerge": N_("Case merge undone"),
    "case.attachment": N_("Attachment added to a case"),
    "case.attachment_download": N_("Case attachment downloaded"),
    "case.duplicates": N_("Possible duplicate cases looked up"),
    "case.stats": N_("Case statistics read"),
    "case.export": N_("Cases exported"),
    "case.subject_export": N_("Person's data exported (subject access)"),
    "case.anonymise": N_("Case anonymised (retention)"),
    "case_org.create": N_("Partner organisation added"),
    "stats.view": N_("Statistics read"),
    "stats.alerts": N_("Statistics alerts read"),
    "stats.publish": N_("Open statistics published"),
    "search.persons": N_("People searched"),
    "case.print": N_("Case document printed"),
    "jobs.start": N_("Background job started"),
    "jobs.cancel": N_("Background job cancelled"),
    "jobs.finish": N_("Background job finished"),
    "jobs.results.read": N_("Background job results read"),
    "jobs.download": N_("Background job results downloaded"),
    "jobs.purge": N_("Old background jobs deleted"),
    "network.lookup": N_("Network looked up"),
    "network.export": N_("Network exported"),
    "network.rebuild": N_("Network rebuilt"),
    "network.review": N_("Network merge reviewed"),
    "network.suggest": N_("Network merges suggested"),
    "network.suggestions": N_("Network merge suggestions read"),
    "network.unmerge": N_("Network merge undone"),
    "stats.acknowledge": N_("Statistics alert acknowledged"),
    "stats.refresh": N_("Statistics refreshed"),
    "exchange.init": N_("Exchange identity created"),
    "exchange.partner_add": N_("Exchange partner added"),
    "exchange.partner_disable": N_("Exchange partner disabled"),
    "exchange.partner_enable": N_("Exchange partner enabled again"),
    "exchange.partner_rekey": N_("Exchange partner's key replaced"),
    "exchange.queue": N_("Bundle queued for a partner"),
    "exchange.send_file": N_("Bundle written to a file"),
    "exchange.receive": N_("Bundle received"),
    "exchange.accept": N_("Received bundle accepted"),
    "exchange.reject": N_("Received bundle rejected"),
    "exchange.deliver": N_("Bundle delivered"),
    "exchange.dead": N_("Bundle delivery given up"),
    "exchange.withdrawn": N_("Bundle not sent: consent withdrawn"),
    "exchange.resend": N_("Bundle queued again"),
    "exchange.inbox_read": N_("Exchange inbox read"),
    "exchange.inbox_erase": N_("Old received bundles erased"),

    # exchange between installations, content (docs/exchange.md)
    "exchange.consent": N_("Victim's consent to share recorded"),
    "exchange.consent_withdraw": N_("Victim's consent to share withdrawn"),
    "exchange.consent_override": N_("Shared without consent (legal basis given)"),
    "exchange.referral_build": N_("Case prepared for a partner"),
    "exchange.case_import": N_("Case received from a partner"),
    "exchange.case_link": N_("Partner's case linked to a case here"),
    "exchange.case_update": N_("Case updated from a partner"),
    "exchange.case_view": N_("Consent and verification of a case viewed"),
    "exchange.conflict": N_("Exchange conflict detected"),
    "exchange.conflict_list": N_("Exchange conflicts listed"),
    "exchange.conflict_view": N_("Exchange conflict viewed"),
    "exchange.conflict_resolve": N_("Exchange conflict resolved"),
    "exchange.verification_request": N_("Citizenship verification requested"),
    "exchange.verification_received": N_("Verification request received"),
    "exchange.verification_list": N_("Verification requests listed"),
    "exchange.verification_view": N_("Verification request viewed"),
    "exchange.verification_answer": N_("Verification request answered"),
    "exchange.verification_result": N_("Verification answer received"),

    "primero.destination_add": N_("Primero destination added"),
    "primero.push": N_("Case sent to Primero"),
    "primero.pull": N_("Cases read from Primero"),
    "primero.refer": N_("Case referred in Primero"),
    "primero.webhook": N_("Primero change notice received"),
    "primero.log": N_("Primero sync log read"),
    "exchange.erase_with_case": N_("Exchange data anonymised with its case"),
    "exchange.payload_erase": N_("Received exchange data erased after the keeping period"),
    "primero.pending_read": N_("Cases from Primero awaiting acceptance read"),
    "primero.accept": N_("Case from Primero accepted"),
    "primero.reject": N_("Case from Primero rejected"),
}

#: outcome codes of audit entries
OUTCOME_LABELS: dict[str, str] = {
    "ok": N_("done"), "refused": N_("refused"), "not_found": N_("not found"),
    # walk19: a refused network lookup records its error code as the outcome
    "number_lookup": N_("refused: look-up by number is for analysts"),
    "forbidden": N_("refused"), "bad_depth": N_("refused: invalid depth"),
    "bad_bounds": N_("refused: invalid limits"),
}


#: object types of audit entries
OBJECT_LABELS: dict[str, str] = {
    "case": N_("Case"), "case_person": N_("Person in a case"),
    "case_organisation": N_("Partner organisation"), "screening": N_("Screening"),
    "screening_decision": N_("Screening decision"), "screening_person": N_("Traveller"),
    "watchlist": N_("Watchlist"), "watchlist_entry": N_("Watchlist entry"),
    "dedupe_run": N_("Duplicate search"), "dedupe_cluster": N_("Duplicate cluster"),
    "offer": N_("Job offer"), "offer_report": N_("Offer report"), "offer_scan": N_("Bulk scan"),
    "offer_agency": N_("Agency registry"), "document": N_("Travel document"),
    "statistics": N_("Statistics"), "user": N_("User"), "unit": N_("Unit"),
    "api_token": N_("API token"), "audit": N_("Audit trail"), "search": N_("Search"),
    "job": N_("Background job"),
    "network": N_("Network of contacts"),
    "network_entity": N_("Network entity"),
    "network_merge": N_("Network merge suggestion"),
    "stats_alert_ack": N_("Alert acknowledgement"),
    "exchange_partner": N_("Exchange partner"),
    "exchange_inbox": N_("Received bundle"),
    "exchange_outbox": N_("Outgoing bundle"),
    "exchange_identity": N_("Exchange identity"),

    "verification": N_("Verification request"),

    "primero_destination": N_("Primero destination"),
    "primero_incoming": N_("Case pulled from Primero"),
}

#: how the actor acted
VIA_LABELS: dict[str, str] = {
    "session": N_("browser"), "token": N_("API token"), "cli": N_("command line"),
    # r25: the channels of entries without a signed-in person ("jobs-worker (web)")
    "web": N_("web"), "file": N_("file"), "http": N_("network"), "job": N_("background job"),
    "system": N_("system"),
}

#: r25: actors that are the system rather than a person (an entry without a user id; the page
#: read "jobs-worker (web)", "cli (command line)")
SYSTEM_ACTORS: dict[str, str] = {
    "jobs-worker": N_("background jobs"), "cli": N_("command line"), "system": N_("the system"),
    "exchange-delivery": N_("exchange delivery"), "anonymous": N_("anonymous visitor"),
    "public": N_("the public"), "demo": N_("demo data"),
}
#: actors named after a partner ("partner:demo-kbri-phnom-penh", "primero:dinsos")
ACTOR_PREFIXES: dict[str, str] = {"partner": N_("partner %(name)s"),
                                  "primero": N_("Primero %(name)s")}
#: channels a system actor's name already says, or that say nothing about it
_QUIET_VIA = {"web", "cli", "system", "job"}


def _words(label: str, lang: str | None) -> str:
    """``label`` (a msgid) in ``lang``, or in the current language when ``lang`` is None."""
    return translate(label, lang) if lang else gettext(label)


def object_label(object_type: str | None, lang: str | None = None) -> str:
    label = OBJECT_LABELS.get(object_type or "")
    return _words(label, lang) if label else (object_type or "")


def via_label(via: str, lang: str | None = None) -> str:
    label = VIA_LABELS.get(via)
    return _words(label, lang) if label else via


def actor_label(actor: str, via: str, user_id: int | None,
                lang: str | None = None) -> tuple[str, str]:
    """(who, how) as people read them: a person's user name and channel ("auditor",
    "browser"); the system in words ("background jobs", "" rather than "jobs-worker (web)";
    "partner demo-kbri-phnom-penh", "file"). An entry with a user id, or made through a
    browser session or token (a failed sign-in names what was typed), is a person's."""
    if user_id is not None or via in ("session", "token"):
        return actor, via_label(via, lang)
    prefix, _, name = actor.partition(":")
    if name and prefix in ACTOR_PREFIXES:
        who = _words(ACTOR_PREFIXES[prefix], lang) % {"name": name}
    elif actor in SYSTEM_ACTORS:
        who = _words(SYSTEM_ACTORS[actor], lang)
    else:
        return actor, via_label(via, lang)
    return who, "" if via in _QUIET_VIA else via_label(via, lang)


def audit_label(action: str, lang: str | None = None) -> str:
    """The action in ``lang`` (default: the current language); an action without a label shows
    its code."""
    label = AUDIT_LABELS.get(action)
    return _words(label, lang) if label else action


def policy_label(action: str) -> str:
    label = POLICY_LABELS.get(action)
    return gettext(label) if label else action


def outcome_label(outcome: str, lang: str | None = None) -> str:
    label = OUTCOME_LABELS.get(outcome)
    return _words(label, lang) if label else outcome
