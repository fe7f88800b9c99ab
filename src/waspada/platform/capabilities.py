"""The capability registry: the one list the web app, the CLI, Alembic, the demo loader and the
navigation iterate over.

A capability is a package under ``waspada`` with a ``capability.py`` module that declares a
:class:`Capability`. Adding one takes three steps (docs/architecture.md): write the package with
its declaration, add its name to :data:`INSTALLED`, add its actions to the policy table
(``platform/security/policy.py``) and its tables' migration.

Declarations name modules by string so that ``waspada --help`` imports no web or engine code.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

#: installed capabilities, in navigation order (the platform first)
INSTALLED: tuple[str, ...] = (
    "platform", "identity", "offers", "matching", "screening", "cases", "statistics", "portal",
    "network", "exchange",
)


@dataclass(frozen=True)
class Nav:
    """A navigation link shown to roles allowed to do ``action``; ``label`` is an English
    gettext message id."""

    path: str
    label: str
    action: str
    #: one sentence under the link on the public portal (an English gettext message id)
    hint: str = ""


@dataclass(frozen=True)
class CliGroup:
    """A Typer sub-app ``module:attribute`` mounted as ``waspada NAME``."""

    name: str
    target: str


@dataclass(frozen=True)
class Capability:
    """What a capability contributes to the whole; every field names modules, not objects."""

    name: str
    #: modules exposing ``router`` (pages) and/or ``api_router`` (JSON API)
    web: tuple[str, ...] = ()
    cli: tuple[CliGroup, ...] = ()
    #: modules defining SQLAlchemy tables (Alembic and the tests see them through the registry)
    tables: tuple[str, ...] = ()
    #: ``module:function`` loading idempotent demo data: ``fn(seed) -> (created, skipped)``
    demo: str | None = None
    nav: tuple[Nav, ...] = ()
    #: pages for visitors who are not signed in (the public portal's links and header); their
    #: ``action`` is ``""``: the routes are declared public
    public_nav: tuple[Nav, ...] = ()
    #: the policy actions this capability's routes and commands use (each defined in POLICY)
    actions: tuple[str, ...] = field(default=())
    #: home-page work-queue widgets: ``module:function`` called as ``fn(db, principal)`` and
    #: answering a list of :class:`waspada.platform.work.Widget` (empty: nothing for this role)
    home: tuple[str, ...] = ()
    #: person search: ``module:function`` called as ``fn(db, principal, query)`` answering
    #: :class:`waspada.platform.work.SearchHit` rows the principal may see (no audit: the
    #: search service records one entry for the whole search)
    search: str | None = None
    #: audit-trail objects this capability owns: ``(object_type, "module:function")``, the
    #: function called as ``fn(db, ids)`` and answering ``{id: ObjectRef}`` (number and link)
    objects: tuple[tuple[str, str], ...] = ()
    #: the reverse, for the audit filter: ``(object_type, "module:function")`` called as
    #: ``fn(db, number)`` and answering the ids of the objects shown by that number (an auditor
    #: types the BAP- or WSP- number the trail shows, not the internal id)
    object_numbers: tuple[tuple[str, str], ...] = ()
    #: audit entries that name objects in their detail rather than as their object:
    #: ``(object_type, action, key)``, an entry of ``action`` lists under ``key`` the ids (as
    #: strings) of the objects of ``object_type`` it showed; the audit filter by object finds
    #: them too ("who saw watchlist entry X": every screening that showed it)
    object_mentions: tuple[tuple[str, str, str], ...] = ()
    #: ``module:KIND`` background job kinds (``platform.jobs.kinds.JobKind``; docs/jobs.md)
    jobs: tuple[str, ...] = ()
    #: home page HTML blocks: ``module:function`` called as ``fn(request, db, principal)``,
    #: returning HTML rendered by an autoescaping template, or None when the block is not for
    #: this principal (statistics' current alerts)
    home_html: tuple[str, ...] = ()
    #: background threads of the web process: ``module:function`` called with no argument at
    #: start-up, answering an object with ``start()`` and ``stop()`` (exchange delivery)
    workers: tuple[str, ...] = ()
    #: personal data this capability holds about the cases' persons: ``module:attribute``, an
    #: object with ``subject_export(db, person_id, case_id) -> dict`` (added to the person's
    #: subject-access export) and ``erase_cases(db, case_ids) -> int`` (called in the same
    #: transaction when cases are anonymised; audits what it erased, no commit)
    personal_data: str | None = None


def resolve(target: str) -> Any:
    """``"package.module:attribute"`` -> the attribute."""
    module_name, _, attr = target.partition(":")
    return getattr(importlib.import_module(module_name), attr)


@lru_cache(maxsize=1)
def installed() -> tuple[Capability, ...]:
    """Every installed capability's declaration, in :data:`INSTALLED` order."""
    found = []
    for name in INSTALLED:
        capability = importlib.import_module(f"waspada.{name}.capability").CAPABILITY
        if capability.name != name:
            raise RuntimeError(f"waspada.{name}.capability declares {capability.name!r}")
        found.append(capability)
    return tuple(found)


def web_modules() -> Iterator[Any]:
    for capability in installed():
        for module_name in capability.web:
            yield importlib.import_module(module_name)


def import_tables() -> None:
    """Import every module that defines tables, so ``Base.metadata`` holds the whole schema."""
    for capability in installed():
        for module_name in capability.tables:
            importlib.import_module(module_name)


def demo_loaders() -> Iterator[tuple[str, Callable[[int], tuple[int, int]]]]:
    for capability in installed():
        if capability.demo:
            yield capability.name, resolve(capability.demo)


def home_blocks() -> Iterator[Callable[..., Any]]:
    for capability in installed():
        for target in capability.home_html:
            yield resolve(target)


def background_workers() -> Iterator[Any]:
    """A new, unstarted background worker of every capability that declares one."""
    for capability in installed():
        for target in capability.workers:
            yield resolve(target)()


def home_providers() -> Iterator[Callable[..., Any]]:
    for capability in installed():
        for target in capability.home:
            yield resolve(target)


def search_providers() -> Iterator[Callable[..., Any]]:
    for capability in installed():
        if capability.search:
            yield resolve(capability.search)


def object_resolvers() -> dict[str, Callable[..., Any]]:
    return {object_type: resolve(target) for capability in installed()
            for object_type, target in capability.objects}


def object_ids(db: Any, object_type: str, value: str) -> list[str]:
    """The audit object ids ``value`` stands for: itself, and the ids of the objects (of
    ``object_type``, or of any type when it is empty) whose shown number it is."""
    ids = {value}
    for capability in installed():
        for kind, target in capability.object_numbers:
            if not object_type or kind == object_type:
                ids.update(str(i) for i in resolve(target)(db, value))
    return sorted(ids)


def object_mentions(object_type: str) -> list[tuple[str, str]]:
    """``(action, key)`` of the audit entries that list objects of ``object_type`` (of any
    type when it is empty) in their detail."""
    return [(action, key) for capability in installed()
            for kind, action, key in capability.object_mentions
            if not object_type or kind == object_type]


def nav_items() -> list[Nav]:
    return [item for capability in installed() for item in capability.nav]


def public_nav_items() -> list[Nav]:
    """The public pages of every installed capability, in registry order (the public portal)."""
    return [item for capability in installed() for item in capability.public_nav]


def personal_data_holders() -> Iterator[tuple[str, Any]]:
    """(capability name, holder) of every capability declaring personal data of case persons."""
    for capability in installed():
        if capability.personal_data:
            yield capability.name, resolve(capability.personal_data)
