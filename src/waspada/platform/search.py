"""Person-centred search: one box, every capability that holds people (cases, screenings, the
watchlist), each answering only what the role may see.

The query is classified once (NIK, passport number, phone, record number or name) and handed to
every capability's declared search provider (``capability.py: search``); names are compared by
the matching engine, identifiers exactly. The search itself is personal data: it is recorded in
the audit trail (the query, its kind and the number of hits, in the same transaction) and never
written to a log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from waspada.platform import audit
from waspada.platform.capabilities import search_providers
from waspada.platform.domain import DomainError
from waspada.platform.i18n import N_
from waspada.platform.security.policy import Principal, allowed
from waspada.platform.work import SearchHit, SearchQuery

QUERY_MAX = 100
HITS_PER_SOURCE = 20
_NIK = re.compile(r"^\d{16}$")
_PASSPORT = re.compile(r"^[A-Z]{1,2}\d{6,8}$")
_REFERENCE = re.compile(r"^(WSP|BAP)-[A-Z0-9-]+$")
_PHONE = re.compile(r"^\+?[\d\s().-]{8,20}$")


class SearchError(DomainError):
    pass


def phone_key(value: str) -> str:
    """A phone number without its country or trunk prefix: "+62 812-3456-7890",
    "0812 3456 7890" and "6281234567890" all give "81234567890"."""
    digits = re.sub(r"\D", "", value)
    if digits.startswith("62"):
        digits = digits[2:]
    return digits.lstrip("0")


def classify(text: str) -> SearchQuery:
    """What the typed text looks like; refused when it is too short to search safely."""
    text = " ".join(text.split())
    compact = re.sub(r"[\s.-]", "", text).upper()
    if len(text) > QUERY_MAX:
        raise SearchError("query_too_long", N_("The search is too long: at most {limit} "
                                               "characters."), limit=QUERY_MAX)
    if _NIK.match(compact):
        return SearchQuery(text, "nik", compact, HITS_PER_SOURCE)
    if _PASSPORT.match(compact):
        return SearchQuery(text, "passport", compact, HITS_PER_SOURCE)
    if _REFERENCE.match(text.upper().replace(" ", "")):
        return SearchQuery(text, "reference", text.upper().replace(" ", ""), HITS_PER_SOURCE)
    if _PHONE.match(text) and len(phone_key(text)) >= 8:
        return SearchQuery(text, "phone", phone_key(text), HITS_PER_SOURCE)
    letters = sum(ch.isalpha() for ch in text)
    if letters < 3:
        raise SearchError("query_too_short", N_("Type at least 3 letters of a name, or a "
                                                "NIK, passport number or phone number."))
    return SearchQuery(text, "name", text.lower(), HITS_PER_SOURCE)


@dataclass(frozen=True)
class SearchResult:
    query: SearchQuery
    hits: list[SearchHit]


def search(db: Session, principal: Principal, text: str) -> SearchResult:
    """Every visible record matching ``text``, best first within each kind; audited."""
    if not allowed(principal, "search.persons"):
        raise SearchError("forbidden", N_("Your role is not allowed to do this."), status=403)
    query = classify(text)
    hits: list[SearchHit] = []
    for provider in search_providers():
        hits.extend(provider(db, principal, query))
    db.rollback()  # providers only read; the audit entry starts a clean transaction
    audit.record("search.persons", principal, object_type="search", query=query.text,
                 kind=query.kind, hits=len(hits),
                 references=[hit.reference for hit in hits[:20]], session=db)
    db.commit()
    return SearchResult(query, hits)
