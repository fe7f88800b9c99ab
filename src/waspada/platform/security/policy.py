"""The one access policy: which role may do which action, and over which units.

Pages, API routes and CLI commands all ask :func:`allowed`; an auditor can read this file in
one sitting. Actions are ``area.verb`` strings. Capabilities add their actions here, not in
their own modules, so the whole policy stays in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from waspada.platform.security.roles import Role

OFFICERS = frozenset({Role.CHECKPOINT_OFFICER, Role.PASSPORT_OFFICER})
FIELD_STAFF = OFFICERS | {Role.ANALYST, Role.PROTECTION_OFFICER}
EVERYONE = frozenset(Role)

#: action -> roles allowed to perform it
POLICY: dict[str, frozenset[Role]] = {
    # platform
    "account.self": EVERYONE,
    "api.docs": EVERYONE,
    "dashboard.view": EVERYONE,
    "users.manage": frozenset({Role.ADMIN}),
    "units.manage": frozenset({Role.ADMIN}),
    "audit.read": frozenset({Role.AUDITOR, Role.ADMIN}),
    # one search box for people across cases, screenings and the watchlist (platform/search.py);
    # each capability answers only what the role and unit may see
    "search.persons": FIELD_STAFF,
    # background jobs (docs/jobs.md): the list and job pages; each job is visible to its owner
    # and to the roles allowed its kind's own action (platform/jobs/service.py: may_see)
    "jobs.view": EVERYONE,
    # identity and documents
    "documents.check": FIELD_STAFF,
    # offers
    "offers.check": FIELD_STAFF,
    "offers.scan": frozenset({Role.ANALYST}),
    "agencies.manage": frozenset({Role.ANALYST, Role.ADMIN}),
    # departure and passport-application screening (docs/screening.md); unit-scoped
    "screening.conduct": OFFICERS,
    "screening.read": OFFICERS | {Role.ANALYST},
    "screening.approve": OFFICERS,  # plus the user's supervisor flag, checked in the service
    "screening.export": OFFICERS | {Role.ANALYST},
    "screening.stats": OFFICERS | {Role.ANALYST},
    "persons.history": OFFICERS | {Role.ANALYST},
    # matching (watchlist screening, duplicate identities)
    "watchlist.screen": FIELD_STAFF,
    "watchlist.manage": frozenset({Role.ANALYST, Role.ADMIN}),
    "dedupe.run": frozenset({Role.ANALYST}),
    "dedupe.review": frozenset({Role.ANALYST}),
    # victim cases (docs/cases.md); field-level visibility per role: cases/visibility.py
    "cases.read": FIELD_STAFF,
    "cases.create": frozenset({Role.CHECKPOINT_OFFICER, Role.PASSPORT_OFFICER,
                               Role.PROTECTION_OFFICER}),
    "cases.comment": frozenset({Role.CHECKPOINT_OFFICER, Role.PASSPORT_OFFICER,
                                Role.PROTECTION_OFFICER}),
    "cases.transition": frozenset({Role.CHECKPOINT_OFFICER, Role.PROTECTION_OFFICER}),
    "cases.update": frozenset({Role.PROTECTION_OFFICER}),
    "cases.attachments": frozenset({Role.PROTECTION_OFFICER}),
    "cases.refer": frozenset({Role.PROTECTION_OFFICER}),
    "cases.referral_respond": frozenset({Role.CHECKPOINT_OFFICER, Role.PASSPORT_OFFICER,
                                         Role.PROTECTION_OFFICER}),
    "cases.consent_override": frozenset({Role.PROTECTION_OFFICER}),
    "cases.merge": frozenset({Role.PROTECTION_OFFICER}),
    "cases.stats": FIELD_STAFF,
    "cases.export": frozenset({Role.ANALYST, Role.PROTECTION_OFFICER}),
    "cases.subject_export": frozenset({Role.PROTECTION_OFFICER}),
    "cases.retention": frozenset({Role.ADMIN}),
    "cases.organisations": frozenset({Role.ADMIN}),
    # statistics (docs/statistics.md); counts are unit-scoped for unit-scoped roles
    "stats.view": FIELD_STAFF | {Role.ADMIN},
    "stats.publish": frozenset({Role.ANALYST, Role.ADMIN}),
    # network intelligence (docs/network.md); each link is visible only to roles that may see
    # its source record (network/visibility.py)
    "network.view": FIELD_STAFF,
    "network.review": frozenset({Role.ANALYST}),
    "network.export": frozenset({Role.ANALYST}),
    "network.rebuild": frozenset({Role.ADMIN}),
    # exchange between installations (docs/exchange.md): admins hold the keys, partners and
    # sync health; officers who refer and receive cases send and accept bundles
    "exchange.admin": frozenset({Role.ADMIN}),
    "exchange.send": frozenset({Role.PROTECTION_OFFICER, Role.PASSPORT_OFFICER,
                                Role.CHECKPOINT_OFFICER}),
    "exchange.receive": frozenset({Role.PROTECTION_OFFICER, Role.PASSPORT_OFFICER,
                                   Role.CHECKPOINT_OFFICER}),
    # Primero connector (docs/exchange.md "Connecting to Primero")
    "exchange.primero.sync": frozenset({Role.ADMIN}),
    "stats.acknowledge": FIELD_STAFF | {Role.ADMIN},
    "stats.refresh": FIELD_STAFF | {Role.ADMIN},
    # exchanged content (docs/exchange.md): the victim's consent per partner and purpose,
    # conflicts between installations, citizenship verification requests (asked by the
    # protection officer abroad, answered by immigration officers with their screenings)
    "exchange.view": FIELD_STAFF,
    "exchange.consent": frozenset({Role.PROTECTION_OFFICER}),
    "exchange.consent_override": frozenset({Role.PROTECTION_OFFICER}),
    "exchange.resolve": frozenset({Role.PROTECTION_OFFICER}),
    "exchange.verify": frozenset({Role.PROTECTION_OFFICER}),
    "exchange.answer": OFFICERS,
}

#: roles whose reach is every unit; all others see their own unit's records only
CROSS_UNIT_ROLES: frozenset[Role] = frozenset({Role.ADMIN, Role.ANALYST, Role.AUDITOR})


@dataclass(frozen=True)
class Principal:
    """Who is acting: a signed-in user, an API token holder, or the local CLI operator."""

    user_id: int | None
    username: str
    role: Role
    unit_id: int | None
    via: str = "session"  # session | token | cli

    @property
    def is_cli(self) -> bool:
        return self.via == "cli"


CLI_PRINCIPAL = Principal(user_id=None, username="cli", role=Role.ADMIN, unit_id=None, via="cli")


def allowed(principal: Principal | None, action: str) -> bool:
    """True when ``principal`` may perform ``action``. Unknown actions are refused."""
    if principal is None:
        return False
    roles = POLICY.get(action)
    if roles is None:
        return False
    return principal.role in roles


def roles_for(action: str) -> frozenset[Role]:
    return POLICY.get(action, frozenset())


def may_access_unit(principal: Principal, unit_id: int | None) -> bool:
    """Unit scoping: cross-unit roles reach every unit, others only their own."""
    if principal.role in CROSS_UNIT_ROLES or principal.is_cli:
        return True
    return unit_id is not None and unit_id == principal.unit_id
