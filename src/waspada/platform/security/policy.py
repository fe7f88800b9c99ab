"""The one access policy: which role may do which action, and over which units.

Pages, API routes and CLI commands all ask :func:`allowed`; an auditor can read this file in
one sitting. Actions are ``area.verb`` strings. Capabilities add their actions here, not in
their own modules, so the whole policy stays in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

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

#: What each action does to data, for read-only API tokens (docs/security.md, "API tokens").
#: ``read``: every route of it only reads or computes an answer (a POST that checks a document
#: or an offer stores nothing but its audit entry); ``read_write``: its GET routes read and its
#: other routes change data (one action guards both a list and its changes); ``write``: it
#: changes data (its GET routes are only the forms for doing so). A token of scope ``read``
#: may use a ``read`` action, and a ``read_write`` one with GET or HEAD only. An action missing
#: here is treated as ``write``; ``tests/platform/test_token_scope.py`` fails when one is.
READ, READ_WRITE, WRITE = "read", "read_write", "write"
ACTION_KINDS: dict[str, str] = {
    "account.self": READ_WRITE,  # GET /api/v1/me; making tokens, passwords, TOTP
    "api.docs": READ,
    "dashboard.view": READ,
    "users.manage": READ_WRITE,
    "units.manage": WRITE,
    "audit.read": READ_WRITE,  # GET the trail; POST starts an export job or a verification
    "search.persons": READ,
    "jobs.view": READ_WRITE,  # GET the jobs and their files; POST cancels one
    "documents.check": READ,
    "offers.check": READ,
    "offers.scan": READ_WRITE,
    "agencies.manage": WRITE,
    "screening.conduct": READ_WRITE,  # GET the list; the rest records screenings
    "screening.read": READ,
    "screening.approve": WRITE,
    "screening.export": WRITE,  # POST starts an export job
    "screening.stats": READ,
    "persons.history": READ,
    "watchlist.screen": READ,
    "watchlist.manage": READ_WRITE,
    "dedupe.run": READ_WRITE,
    "dedupe.review": READ_WRITE,
    "cases.read": READ,
    "cases.create": WRITE,
    "cases.comment": WRITE,
    "cases.transition": WRITE,
    "cases.update": WRITE,
    "cases.attachments": READ_WRITE,
    "cases.refer": READ_WRITE,  # GET a referral letter; POST refers
    "cases.referral_respond": WRITE,
    "cases.consent_override": WRITE,
    "cases.merge": WRITE,
    "cases.stats": READ,
    "cases.export": READ,
    "cases.subject_export": READ,
    "cases.retention": WRITE,
    "cases.organisations": WRITE,
    "stats.view": READ,
    "stats.publish": WRITE,
    "network.view": READ,
    "network.review": READ_WRITE,
    "network.export": READ,
    "network.rebuild": WRITE,
    "exchange.admin": READ_WRITE,
    "exchange.send": WRITE,
    "exchange.receive": READ_WRITE,
    "exchange.primero.sync": WRITE,
    "stats.acknowledge": WRITE,
    "stats.refresh": WRITE,
    "exchange.view": READ,
    "exchange.consent": WRITE,
    "exchange.consent_override": WRITE,
    "exchange.resolve": READ_WRITE,
    "exchange.verify": WRITE,
    "exchange.answer": READ_WRITE,
}

#: the scopes of a personal API token: ``read`` (reading actions only) or ``full`` (everything
#: the owner's role may do)
TokenScope = Literal["read", "full"]
TOKEN_SCOPES: tuple[str, ...] = get_args(TokenScope)
_SAFE_METHODS = frozenset({"GET", "HEAD"})

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
    #: ``full``, or ``read`` for an API token made read-only (sessions and the CLI: ``full``)
    scope: str = "full"

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
    return principal.role in roles and scope_allows(principal, action)


def scope_allows(principal: Principal, action: str, method: str | None = None) -> bool:
    """True when ``principal``'s scope admits ``action`` (``method``: the HTTP method, when
    the action is used over HTTP). A ``full`` principal is admitted to everything; a ``read``
    token to ``read`` actions, and to ``read_write`` ones with GET or HEAD (or no method: a
    service asking about the action as a whole). The role is checked apart (:func:`allowed`)."""
    if principal.scope == "full":
        return True
    kind = ACTION_KINDS.get(action, WRITE)
    if kind == READ:
        return True
    return kind == READ_WRITE and (method is None or method.upper() in _SAFE_METHODS)


def roles_for(action: str) -> frozenset[Role]:
    return POLICY.get(action, frozenset())


def may_access_unit(principal: Principal, unit_id: int | None) -> bool:
    """Unit scoping: cross-unit roles reach every unit, others only their own."""
    if principal.role in CROSS_UNIT_ROLES or principal.is_cli:
        return True
    return unit_id is not None and unit_id == principal.unit_id
