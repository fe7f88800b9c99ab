"""Two open items of the round-17 security pass: entity numbers are sequential, so looking one
up by ``#id`` is for analysts only (a field officer walking #1, #2, ... would list every
watchlist entry their links reach; field staff search by value, as before); and the offer
check reads the contacts of the part it analyses, not the whole of a 1,000,000-character text."""

from __future__ import annotations

import json

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


def test_the_local_operator_looks_up_by_number_on_the_command_line() -> None:
    from typer.testing import CliRunner

    from waspada.cli import app as cli_app

    national, _ = fresh_number()
    with session_scope() as db:
        offers.report_offer(db, ReportIn(text=f"Loker CS Myanmar, WA {national}", consent="yes"))
    runner = CliRunner()
    by_value = runner.invoke(cli_app, ["network", "lookup", national, "--json"])
    assert by_value.exit_code == 0, by_value.output
    entity_id = json.loads(by_value.output)["entity"]["id"]
    by_number = runner.invoke(cli_app, ["network", "lookup", f"#{entity_id}", "--json"])
    assert by_number.exit_code == 0, by_number.output
    assert json.loads(by_number.output)["entity"]["id"] == entity_id


def test_the_offer_check_looks_up_the_contacts_of_the_part_it_analyses(role_clients) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import csrf_headers
    from waspada.offers.normalise import MAX_CHARS

    national, _ = fresh_number()
    with session_scope() as db:
        offers.report_offer(db, ReportIn(text=f"Loker CS Laos, WA {national}", consent="yes"))
    analyst = role_clients["analyst"]

    def known(text: str) -> list[str]:
        got = analyst.post("/api/v1/offers/check", headers=csrf_headers(analyst),
                           json={"text": text})
        assert got.status_code == 200, got.text[:300]
        return [k["value"] for k in got.json()["known_contacts"]]

    assert known(f"Loker admin, WA {national}")
    # past the analysed part the contact is not read (the result says only the first part is)
    assert known("x " * (MAX_CHARS // 2) + f" WA {national}") == []
