"""Entity numbers are sequential, so looking one up by ``#id`` is for analysts only: a field
officer walking #1, #2, ... would list every watchlist entry their links reach (the round-17
security pass). Field staff search by value, as before."""

from __future__ import annotations

from tests.network.helpers import fresh_number
from waspada.offers import service as offers
from waspada.offers.schemas import ReportIn
from waspada.platform.db import session_scope


def test_only_analysts_look_an_entity_up_by_its_number(role_clients) -> None:  # type: ignore[no-untyped-def]
    national, _ = fresh_number()
    with session_scope() as db:
        offers.report_offer(db, ReportIn(text=f"Loker admin Kamboja, WA {national}",
                                         consent="yes"))
    analyst, officer = role_clients["analyst"], role_clients["checkpoint_officer"]
    found = analyst.get("/api/v1/network/lookup", params={"value": national}).json()
    number = f"#{found['entity']['id']}"
    again = analyst.get("/api/v1/network/lookup", params={"value": number})
    assert again.status_code == 200 and again.json()["entity"]["id"] == found["entity"]["id"]
    refused = officer.get("/api/v1/network/lookup", params={"value": number})
    assert refused.status_code == 403
    assert "for analysts" in refused.json()["error"]["message"]
    page = officer.get("/network", params={"q": number})
    assert page.status_code == 403 and "hanya untuk analis" in page.text
    assert "Traceback" not in page.text
    # by value, as before (the report is public: what the officer may see of it is the rule
    # of docs/network.md, unchanged)
    assert officer.get("/api/v1/network/lookup", params={"value": national}).status_code in (
        200, 404)
