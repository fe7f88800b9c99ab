"""The analysts' graph page in headless Chromium: search a number, see the records it appears
in, filter by source type, expand a neighbour, open the underlying record. The vendored
Cytoscape.js and fcose load under the Content-Security-Policy (script-src 'self')."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import sign_in_page
from tests.network.helpers import dashed, file_report, fresh_number
from waspada.demo.synthetic import demo_password

pytestmark = pytest.mark.e2e


def test_search_filter_expand_and_open(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    national, _ = fresh_number()
    other, _ = fresh_number()
    handle = "rekrut" + national[-6:]
    first = file_report(f"Loker admin, WA {dashed(national)} atau t.me/{handle}")
    file_report(f"Kerja CS online, hubungi {national}")
    third = file_report(f"Gaji dolar, chat @{handle} atau WA {other}")
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in_page(page, live_server, "analis", demo_password("analis"))
    page.goto(f"{live_server}/network?q={national}&depth=1")
    page.wait_for_selector("#graph[data-ready='1']")
    assert page.evaluate("typeof cytoscapeFcose") == "function"
    assert page.locator("#timeline tbody tr").count() == 2
    graph = page.locator("#graph")
    records = int(graph.get_attribute("data-visible-records") or 0)
    assert records == 2
    assert page.evaluate(f"waspadaGraph.getElementById('r-offer_report-{third}').length") == 0
    # filter: hide offer reports, then show them again
    page.uncheck("#network-filters input[value=offer_report]")
    assert graph.get_attribute("data-visible-records") == "0"
    page.check("#network-filters input[value=offer_report]")
    assert graph.get_attribute("data-visible-records") == "2"
    # expand the Telegram handle: the third post (and its number) join the graph
    entity = page.evaluate(
        f"waspadaGraph.nodes('.entity').filter(n => n.data('value') === '{handle}')[0].data('entity')")
    page.evaluate(f"waspadaGraph.getElementById('e{entity}').emit('tap')")
    assert "(Akun Telegram)" in page.inner_text("#node-details")  # walk17: was "(telegram)"
    page.click("#expand-node")
    page.wait_for_selector(f"#graph[data-expanded='{entity}']")
    assert page.evaluate(f"waspadaGraph.getElementById('r-offer_report-{third}').length") == 1
    # open the underlying record (walk17: labelled "offer report 12" and dated 2026-12-01)
    record = f"waspadaGraph.getElementById('r-offer_report-{first}')"
    assert page.evaluate(f"{record}.data('label')") == f"Laporan lowongan {first}"
    page.evaluate(f"{record}.emit('tap')")
    assert re.search(r" · \d\d-\d\d-20\d\d ", page.inner_text("#node-details"))
    with page.expect_navigation():
        page.click("#open-record")
    assert page.url.endswith(f"/offers/reports/{first}")
    assert not problems, problems
