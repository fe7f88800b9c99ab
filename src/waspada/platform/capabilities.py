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
    "platform", "identity", "offers", "matching", "screening", "cases", "statistics",
)


@dataclass(frozen=True)
class Nav:
    """A navigation link shown to roles allowed to do ``action``; ``label`` is an English
    gettext message id."""

    path: str
    label: str
    action: str


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
    #: the policy actions this capability's routes and commands use (each defined in POLICY)
    actions: tuple[str, ...] = field(default=())
    #: home page blocks: ``module:function`` called as ``fn(request, db, principal)``, returning
    #: HTML rendered by an autoescaping template, or None when the block is not for this
    #: principal
    home: tuple[str, ...] = field(default=())


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
        for target in capability.home:
            yield resolve(target)


def nav_items() -> list[Nav]:
    return [item for capability in installed() for item in capability.nav]
