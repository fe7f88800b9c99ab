"""What capabilities hand to the platform's shared pages: home-page work-queue widgets, person
search hits and audit-trail object references. Plain data; the capabilities fill them in their
own modules (declared in ``capability.py``) and the platform renders them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class WidgetLine:
    """One line of a widget's short list (already visible to the viewer)."""

    text: str
    href: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Widget:
    """One work queue on the home page: a title (gettext message id), a count that links to
    the filtered list, and optionally a few lines or a status text."""

    key: str
    title: str
    count: int | None = None
    href: str | None = None
    #: ``ok`` | ``info`` | ``warn`` | ``crit``: how urgent a non-zero count is
    level: str = "info"
    text: str = ""
    lines: tuple[WidgetLine, ...] = field(default=())
    #: lower first
    order: int = 50


@dataclass(frozen=True)
class SearchHit:
    """One record a person search found; ``kind`` is a gettext message id."""

    kind: str
    reference: str
    name: str
    href: str
    detail: str = ""
    #: destination country (ISO code) and when the record was made: the page shows them in the
    #: reader's words ("Kamboja · 01-12-2026 22:11 WIB"), not as "KHM · 2026-12-01"
    country: str = ""
    when: datetime | None = None
    #: how closely the name matched (0..1); exact identifiers are 1.0
    score: float = 1.0
    matched: str = ""


@dataclass(frozen=True)
class ObjectRef:
    """An audit entry's object as people know it: its own number and its page."""

    label: str
    href: str | None = None


@dataclass(frozen=True)
class SearchQuery:
    """What a person search asks every capability: the text as typed and what it looks like."""

    text: str
    #: ``name`` | ``nik`` | ``passport`` | ``phone`` | ``reference``
    kind: str
    #: the normalised identifier (digits of a NIK or phone, an upper-case passport number)
    value: str
    limit: int = 20
