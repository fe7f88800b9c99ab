"""Sub-graph exports for police and investigators: FollowTheMoney entities and CSV edge lists.

FollowTheMoney (MIT; the model Aleph and OpenSanctions read): each network entity becomes a
``UserAccount`` (phone, Telegram, e-mail, social profile), ``BankAccount``, ``Company``
(agency), ``Person``, ``Address`` (place) or ``LegalEntity`` (domain, as its website); each
source record a ``Document``; each link a ``Documentation`` joining the two, with role and date.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from .sources import record_url

EDGE_COLUMNS = ("entity_id", "entity_kind", "entity_value", "source_type", "source_id", "role",
                "seen_at", "confidence", "record_url")
_SERVICES = {"phone": "phone", "telegram": "Telegram", "email": "e-mail"}


def _entity(e: dict[str, Any]) -> Any:
    from followthemoney import model

    kind, value, label = e["kind"], e["value"], e["label"] or e["value"]
    schema = {"phone": "UserAccount", "telegram": "UserAccount", "email": "UserAccount",
              "social": "UserAccount", "bank_account": "BankAccount", "agency": "Company",
              "person": "Person", "place": "Address", "domain": "LegalEntity"}[kind]
    proxy = model.make_entity(schema)
    proxy.id = f"waspada-entity-{e['id']}"
    proxy.add("name", label)
    if kind == "phone":
        proxy.add("phone", value)
        proxy.add("service", _SERVICES[kind])
    elif kind == "telegram":
        proxy.add("username", value)
        proxy.add("service", _SERVICES[kind])
    elif kind == "email":
        proxy.add("email", value)
        proxy.add("service", _SERVICES[kind])
    elif kind == "social":
        site, _, handle = value.partition(":")
        proxy.add("username", handle)
        proxy.add("service", site)
    elif kind == "bank_account":
        bank, _, number = value.partition(":")
        proxy.add("accountNumber", number)
        proxy.add("bankName", bank.upper())
    elif kind == "domain":
        proxy.add("website", value)
    elif kind == "place":
        proxy.add("full", label)
    return proxy


def document_id(source_type: str, source_id: int) -> str:
    """The FtM id of a source record (FtM ids allow letters, digits, '-' and '.')."""
    return f"waspada-{source_type.replace('_', '-')}-{source_id}"


def ftm_entities(entities: Iterable[dict[str, Any]], links: Iterable[dict[str, Any]]
                 ) -> Iterator[Any]:
    """FollowTheMoney proxies for a sub-graph (entities first, then documents and links)."""
    from followthemoney import model

    yield from (_entity(e) for e in entities)
    documents: set[tuple[str, int]] = set()
    for link in links:
        key = (link["source_type"], link["source_id"])
        doc_id = document_id(*key)
        if key not in documents:
            documents.add(key)
            doc = model.make_entity("Document")
            doc.id = doc_id
            doc.add("title", f"Waspada {key[0].replace('_', ' ')} {key[1]}")
            doc.add("date", link["seen_at"].date().isoformat())
            yield doc
        documentation = model.make_entity("Documentation")
        documentation.id = f"waspada-link-{link['id']}"
        documentation.add("document", doc_id)
        documentation.add("entity", f"waspada-entity-{link['entity_id']}")
        documentation.add("role", link["role"] or key[0])
        documentation.add("date", link["seen_at"].date().isoformat())
        yield documentation


def write_ftm(fh: IO[str], entities: list[dict[str, Any]], links: list[dict[str, Any]]) -> int:
    count = 0
    for proxy in ftm_entities(entities, links):
        fh.write(json.dumps(proxy.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


def edge_rows(entities: dict[int, dict[str, Any]], links: Iterable[dict[str, Any]]
              ) -> Iterator[list[Any]]:
    for link in links:
        e = entities[link["entity_id"]]
        yield [e["id"], e["kind"], e["value"], link["source_type"], link["source_id"],
               link["role"], link["seen_at"].isoformat(), link["confidence"],
               record_url(link["source_type"], link["source_id"])]
