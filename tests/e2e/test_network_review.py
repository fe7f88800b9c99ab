"""The entity review page in headless Chromium: reached from the graph page, a suggestion's
evidence opens the record, confirm merges the two (the lookup shows one entity), undo
separates them again; no console or Content-Security-Policy error."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tests.e2e.conftest import sign_in_page
from tests.network.helpers import fresh_number
from waspada.cli import app as root_app
from waspada.demo.synthetic import demo_password
from waspada.network.store import Entity, MergeSuggestion
from waspada.offers import service as offers
from waspada.offers.schemas import ReportIn
from waspada.platform.db import session_scope

pytestmark = pytest.mark.e2e


def _suggestion(handle: str) -> int:
    assert CliRunner().invoke(root_app, ["network", "suggest"]).exit_code == 0
    with session_scope() as db:
        entity = db.query(Entity).filter(Entity.kind == "telegram",
                                         Entity.value == handle).one()
        found = db.query(MergeSuggestion).filter(
            (MergeSuggestion.entity_a_id == entity.id)
            | (MergeSuggestion.entity_b_id == entity.id)).one()
        return found.id


def _appearances(page, live_server: str, handle: str) -> int:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server}/network?q=%40{handle}&depth=0")
    page.wait_for_selector("#graph[data-ready='1']")
    return int(page.locator("#timeline tbody tr").count())


def test_review_confirm_and_undo_from_the_graph_page(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    national, _ = fresh_number()
    handle = "ulas" + national[-6:]
    with session_scope() as db:
        report = offers.report_offer(db, ReportIn(
            text=f"Loker admin Kamboja, WA {national} atau t.me/{handle}", consent="yes")).id
    sid = _suggestion(handle)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in_page(page, live_server, "analis", demo_password("analis"))
    page.goto(f"{live_server}/network?q={national}")
    page.wait_for_selector("#graph[data-ready='1']")
    with page.expect_navigation():
        page.click("#review-link")
    card = page.locator(f"#s{sid}")
    assert card.get_attribute("data-status") == "open"
    assert card.locator(f"a[href='/offers/reports/{report}']").count() == 2
    with page.expect_navigation():
        card.locator("button[value=confirm]").click()
    card = page.locator(f"#s{sid}")
    assert card.get_attribute("data-status") == "confirmed"
    # the lookup now shows one entity: the handle's appearance and the number's
    assert _appearances(page, live_server, handle) == 2
    page.goto(f"{live_server}/network/review")
    with page.expect_navigation():
        page.locator(f"#s{sid} button[value=undo]").click()
    assert page.locator(f"#s{sid}").get_attribute("data-status") == "open"
    assert _appearances(page, live_server, handle) == 1
    assert not problems, problems
