"""Job kinds: what a capability runs in the background, and how its results are shown.

A capability declares its kinds in its ``capability.py`` (``jobs=("module:KIND", ...)``); the
worker and the job pages find them here. A kind's ``run`` gets a :class:`JobContext` (the
input file, the options, the job owner as principal, ``progress()``) and returns an
:class:`Outcome`: a summary (counts, no personal data), result rows per section, and
optionally ``save(db)``, which writes the capability's own records and audit entry in the
transaction that finishes the job (the worker commits it), and ``files``: result files kept
as they are (``job_outputs``, e.g. the HTCDS export's JSON or zip), downloaded whole.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from waspada.platform.capabilities import installed, resolve
from waspada.platform.security.policy import Principal, allowed


class Cancelled(Exception):  # noqa: N818 - a signal, not an error
    """Raised inside a running job when its owner cancelled it."""


@dataclass(frozen=True)
class Column:
    """A result column: ``key`` in each row, ``title`` a msgid; ``labels`` maps stored codes
    to msgids so people read words, never codes, or is a function ``(value, lang) -> words``
    for values no fixed list holds (a country's name, a stored detail read out), given the
    reader's language; it answers None to leave a value as stored."""

    key: str
    title: str
    labels: Mapping[str, str] | Callable[[str, str], str | None] | None = None
    #: shown on the job's page; False: a column for machines (an ISO 8601 time beside the
    #: time as pages write it), in the downloads only
    page: bool = True


@dataclass(frozen=True)
class Section:
    """A named list of result rows, shown paged and downloadable as CSV."""

    name: str
    title: str
    columns: tuple[Column, ...]
    #: a msgid shown above the table (what the rows are, e.g. "seen in at least two posts")
    note: str | None = None


@dataclass(frozen=True)
class OutputFile:
    """A result file kept as it is (``name``: a file name without folders, e.g.
    ``cases-htcds.zip``), at most ``store.OUTPUT_MAX_BYTES``."""

    name: str
    media_type: str
    data: bytes


@dataclass
class Outcome:
    summary: dict[str, Any] = field(default_factory=dict)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    files: list[OutputFile] = field(default_factory=list)
    #: writes the capability's own records and its audit entry in the finishing transaction;
    #: returns more summary values (e.g. the id of the saved run)
    save: Callable[[Session], dict[str, Any]] | None = None


@dataclass
class JobContext:
    job_id: int
    principal: Principal
    params: dict[str, Any]
    data: bytes
    filename: str
    #: ``progress(done, total)``: records progress (throttled) and raises :class:`Cancelled`
    #: when the owner cancelled the job
    progress: Callable[[int, int], None] = lambda done, total: None


@dataclass(frozen=True)
class JobKind:
    name: str
    #: msgid naming the job in lists ("Bulk offer scan")
    title: str
    #: who besides the owner may see the job and its results (a policy action; unit-scoped)
    view_action: str
    run: Callable[[JobContext], Outcome]
    sections: tuple[Section, ...] = ()
    #: a page to open when the job is done, from its summary (e.g. the dedupe run's review)
    result_link: Callable[[Mapping[str, Any]], str | None] | None = None
    #: msgid of that link's text
    result_link_label: str | None = None
    #: the results are shaped by the owner's role (e.g. names only for a protection
    #: officer): others see the job only when they hold the owner's role as well
    same_role: bool = False
    #: the policy action that starts the kind (None: its ``view_action``): "Pekerjaan saya"
    #: names only the kinds its viewer may start
    start_action: str | None = None
    #: the page where the kind is started (None: the navigation entry of ``start_action``,
    #: if a capability declares one)
    start_page: str | None = None

    def section(self, name: str) -> Section | None:
        return next((s for s in self.sections if s.name == name), None)


@lru_cache(maxsize=1)
def registry() -> dict[str, JobKind]:
    """Every installed capability's job kinds, by name."""
    found: dict[str, JobKind] = {}
    for capability in installed():
        for target in capability.jobs:
            kind = resolve(target)
            if kind.name in found:
                raise RuntimeError(f"job kind {kind.name!r} declared twice")
            found[kind.name] = kind
    return found


def kind_of(name: str) -> JobKind | None:
    return registry().get(name)


def startable(principal: Principal) -> list[tuple[str, str | None]]:
    """The kinds ``principal`` may start (the policy table, :func:`allowed`), as (title msgid,
    page where it is started or None), in the order the capabilities declare them."""
    nav_pages = {nav.action: nav.path for capability in installed() for nav in capability.nav}
    found: list[tuple[str, str | None]] = []
    for kind in registry().values():
        action = kind.start_action or kind.view_action
        entry = (kind.title, kind.start_page or nav_pages.get(action))
        if allowed(principal, action) and entry not in found:
            found.append(entry)
    return found
