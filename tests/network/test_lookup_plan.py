"""A lookup reads an entity's links through the entity index, never by source type.

Without statistics SQLite's planner answered ``entity_id IN (...) AND (source_type = 'a' OR
source_type = 'b' ...)`` (the visibility filter) with a multi-index OR over the source index:
every offer report's link, 0.5-1 s per query at 1M links (docs/network.md, "Benchmark")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from tests.network.helpers import fresh_number
from waspada.network import graph, service
from waspada.network.visibility import scope_of
from waspada.offers import service as offers
from waspada.offers.schemas import ReportIn
from waspada.platform.db import get_engine, session_scope
from waspada.platform.security.policy import Principal
from waspada.platform.security.roles import Role

ANALYST = Principal(user_id=None, username="plan", role=Role.ANALYST, unit_id=None)


@pytest.fixture()
def statements() -> Iterator[list[tuple[str, Any]]]:
    engine = get_engine()
    if engine.dialect.name != "sqlite":
        pytest.skip("the query plan checked is SQLite's")
    seen: list[tuple[str, Any]] = []

    def record(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_lookup_reads_links_by_entity(statements: list[tuple[str, Any]]) -> None:
    national, _ = fresh_number()
    other, _ = fresh_number()
    with session_scope() as db:
        for text in (f"Loker admin, WA {national} atau t.me/plan{national[-6:]}",
                     f"Kerja online, WA {national} atau {other}",
                     f"Gaji besar, chat t.me/plan{national[-6:]} atau {other}"):
            offers.report_offer(db, ReportIn(text=text, consent="yes"))
    statements.clear()
    with session_scope() as db:
        found = service.subgraph(db, ANALYST, national, 2)
    assert len(found["neighbours"]) >= 2
    with session_scope() as db:  # a frontier of many entities, as in a depth-2 lookup
        ids = list(range(1, 41))
        graph.links_of_entities(db, ids, scope_of(ANALYST), None)
        graph.hub_facts(db, ids, scope_of(ANALYST))
    by_entity = [(s, p) for s, p in statements if "FROM network_links" in s and (
        "network_links.entity_id IN" in s or "entity_id = network_entities.id" in s)]
    assert len(by_entity) >= 5  # the lookup's links and hub counts, and the two above
    with get_engine().connect() as conn:
        for statement, params in by_entity:
            plan = " | ".join(str(row[-1]) for row in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement, params))
            assert "ix_network_links_entity_seen" in plan, plan
            assert "ix_network_links_source" not in plan, plan


def test_lookup_bounds_default_small_and_asked_for(role_clients) -> None:  # type: ignore[no-untyped-def]
    national, _ = fresh_number()
    with session_scope() as db:
        for k in range(6):
            other, _ = fresh_number()
            offers.report_offer(db, ReportIn(text=f"Loker {k}, WA {national} atau {other}",
                                             consent="yes"))
    analyst = role_clients["analyst"]
    whole = analyst.get("/api/v1/network/lookup", params={"value": national}).json()
    assert len(whole["neighbours"]) == 6 and not whole["truncated"]
    cut = analyst.get("/api/v1/network/lookup",
                      params={"value": national, "max_entities": 3}).json()
    assert len(cut["neighbours"]) == 2 and cut["truncated"]
    few = analyst.get("/api/v1/network/lookup", params={"value": national, "max_links": 4}
                      ).json()
    assert len(few["links"]) <= 4 and few["truncated"]
    for bad in ({"max_entities": 0}, {"max_entities": 301}, {"max_links": 2001}):
        assert analyst.get("/api/v1/network/lookup",
                           params={"value": national, **bad}).status_code == 422
    assert (graph.DEFAULT_BOUNDS.nodes, graph.DEFAULT_BOUNDS.links) == (100, 500)


def test_values_are_found_through_the_kind_and_value_index(
        statements: list[tuple[str, Any]]) -> None:
    """A new record's values and the offer check's contacts are looked up by (kind, value):
    a value alone read every entity (0.1-0.3 s per new record at 1M links)."""
    national, _ = fresh_number()
    text = f"Loker admin, WA {national} atau t.me/idx{national[-6:]}, PT Indeks Maju"
    with session_scope() as db:
        offers.report_offer(db, ReportIn(text=text, consent="yes"))
        service.known_contacts(db, ANALYST, text)
    by_value = [(s, p) for s, p in statements
                if "FROM network_entities" in s and "network_entities.value IN" in s]
    assert len(by_value) >= 2  # the new record's entities and the known contacts
    with get_engine().connect() as conn:
        for statement, params in by_value:
            plan = " | ".join(str(row[-1]) for row in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement, params))
            assert "SEARCH network_entities" in plan and "SCAN" not in plan, plan
