"""Where links come from: each source capability's read, named by string (like the registry),
and what a source record hands the network.

A reader is ``fn(db, ids: list[int] | None) -> Iterator[SourceRecord]`` in the source
capability's ``service.py`` ("reads used by other capabilities"); ``ids=None`` means every
record (``waspada network rebuild``). Source services call
:func:`waspada.network.service.source_changed` after a write, in their own transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NotRequired, TypedDict

from waspada.platform.capabilities import resolve
from waspada.platform.i18n import N_


class SourceField(TypedDict):
    """One value of a source record: ``kind`` is ``text`` (free text, extracted), ``phone``,
    ``email``, ``agency`` or ``person`` (``value`` is then the person key, ``label`` the name)."""

    kind: str
    value: str
    role: str
    #: the case field group a role needs to see the value ("" for other sources)
    group: NotRequired[str]
    label: NotRequired[str]


class SourceRecord(TypedDict):
    source_id: int
    unit_id: int | None
    seen_at: datetime
    fields: list[SourceField]


#: source type -> reader; the URL pattern of the record's page
READERS: dict[str, str] = {
    "offer_report": "waspada.offers.service:network_records",
    "screening": "waspada.screening.service:network_records",
    "case": "waspada.cases.network_feed:network_records",
    "watchlist": "waspada.matching.network_feed:network_records",
}
RECORD_URLS: dict[str, str] = {
    "offer_report": "/offers/reports/{id}",
    "screening": "/screenings/{id}",
    "case": "/cases/{id}",
    "watchlist": "/watchlist/manage#entry-{id}",
}
SOURCE_TYPES = tuple(READERS)
#: English msgids of the source types, for pages
SOURCE_LABELS: dict[str, str] = {
    "offer_report": N_("Offer report"), "screening": N_("Screening"), "case": N_("Case"),
    "watchlist": N_("Watchlist entry"),
}


def reader(source_type: str) -> Any:
    return resolve(READERS[source_type])


def record_url(source_type: str, source_id: int) -> str:
    return RECORD_URLS.get(source_type, "").format(id=source_id)
