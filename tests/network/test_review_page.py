"""The entity review page: suggested merges with their evidence, confirm / reject / unsure,
undo (audited), through the one form mechanism; linked from the graph page and the analyst
home; a value known only from records the reviewer may not open is never shown."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select
from typer.testing import CliRunner

from tests.conftest import csrf_headers
from tests.network.helpers import audit_count, file_report, fresh_number
from waspada.cli import app as root_app
from waspada.network import graph
from waspada.network.store import Entity, MergeSuggestion
from waspada.platform.db import session_scope

runner = CliRunner()


def _status(sid: int) -> str:
    with session_scope() as db:
        found = db.get(MergeSuggestion, sid)
        assert found is not None
        return found.status


def _section(html: str, sid: int) -> str:
    match = re.search(rf'<section class="card suggestion" id="s{sid}".*?</section>', html,
                      re.S)
    assert match, f"suggestion {sid} not on the page"
    return match.group(0)


def _decide(client, sid: int, decision: str):  # type: ignore[no-untyped-def]
    return client.post(f"/network/review/{sid}", data={
        "decision": decision, "csrf_token": client.cookies.get("waspada_csrf")},
        follow_redirects=False)


def _suggestion_for(client, handle: str) -> int:  # type: ignore[no-untyped-def]
    assert runner.invoke(root_app, ["network", "suggest"]).exit_code == 0
    rows = client.get("/api/v1/network/suggestions").json()
    mine = [r for r in rows if handle in (r["a"]["value"], r["b"]["value"])]
    assert len(mine) == 1
    return int(mine[0]["id"])


def test_review_page_shows_evidence_and_decides_through_forms(role_clients) -> None:  # type: ignore[no-untyped-def]
    national, e164 = fresh_number()
    handle = "tinjau" + national[-6:]
    report = file_report(f"Loker Poipet, WA {national} atau t.me/{handle}")
    analyst = role_clients["analyst"]
    sid = _suggestion_for(analyst, handle)
    page = analyst.get("/network/review")
    assert page.status_code == 200
    section = _section(page.text, sid)
    assert 'data-status="open"' in section
    # the reason in Indonesian, both entities, and the record they appear in
    assert "satu-satunya kontak dalam satu unggahan" in section
    assert e164 in section and handle in section
    assert section.count(f'href="/offers/reports/{report}"') == 2
    assert "Muncul di 1 catatan yang boleh Anda lihat." in section
    # confirm: merged, audited, listed with an undo button
    before = audit_count("network.review"), audit_count("network.unmerge")
    answer = _decide(analyst, sid, "confirm")
    assert answer.status_code == 303 and answer.headers["location"] == f"/network/review#s{sid}"
    assert _status(sid) == "confirmed"
    merged = _section(analyst.get("/network/review").text, sid)
    assert 'data-status="confirmed"' in merged and 'value="undo"' in merged
    assert 'value="confirm"' not in merged
    # a second decision on a confirmed merge is refused on the page, in Indonesian
    again = _decide(analyst, sid, "reject")
    assert again.status_code == 409 and "batalkan dulu" in again.text
    assert _status(sid) == "confirmed"
    # undo, then unsure
    assert _decide(analyst, sid, "undo").status_code == 303
    assert _status(sid) == "open"
    assert _decide(analyst, sid, "unsure").status_code == 303
    assert _status(sid) == "unsure"
    unsure = _section(analyst.get("/network/review").text, sid)
    assert 'data-status="unsure"' in unsure and 'value="unsure"' not in unsure
    assert (audit_count("network.review"), audit_count("network.unmerge")) == (
        before[0] + 2, before[1] + 1)


def test_a_refused_form_is_shown_again_and_changes_nothing(role_clients) -> None:  # type: ignore[no-untyped-def]
    national, _ = fresh_number()
    handle = "tolak" + national[-6:]
    file_report(f"Kerja online, WA {national} atau t.me/{handle}")
    analyst = role_clients["analyst"]
    sid = _suggestion_for(analyst, handle)
    refused = _decide(analyst, sid, "merge-everything")
    assert refused.status_code == 400
    assert 'id="review-error"' in refused.text and "Keputusan" in refused.text
    assert _status(sid) == "open"
    assert _decide(analyst, 999_999_999, "confirm").status_code == 404


def test_only_analysts_review_and_the_page_is_linked(role_clients) -> None:  # type: ignore[no-untyped-def]
    for role in ("checkpoint_officer", "protection_officer"):
        client = role_clients[role]
        assert client.get("/network/review").status_code == 403
        assert client.post("/network/review/1", data={"decision": "confirm"},
                           headers=csrf_headers(client)).status_code == 403
        assert 'href="/network/review"' not in client.get("/").text
    analyst = role_clients["analyst"]
    home = analyst.get("/").text
    assert 'href="/network/review"' in home
    national, _ = fresh_number()
    file_report(f"Lowongan pabrik, WA {national}")
    graph_page = analyst.get("/network", params={"q": national})
    assert 'id="review-link"' in graph_page.text


def test_a_value_known_only_from_records_the_reviewer_may_not_see_is_not_suggested_to_them(
        role_clients) -> None:  # type: ignore[no-untyped-def]
    visible_national, visible = fresh_number()
    _, hidden = fresh_number()
    file_report(f"Loker admin, WA {visible_national}")
    with session_scope() as db:
        # a victim's phone in a case: field group "contact", protection officers only
        graph.replace_links(db, "case", [{
            "source_id": 990_000_000 + int(hidden[-6:]), "unit_id": None,
            "seen_at": datetime(2026, 5, 1, tzinfo=UTC),
            "fields": [{"kind": "phone", "value": hidden, "role": "victim",
                        "group": "contact"}]}], graph.EntityCache(db))
        ids = {value: i for value, i in db.execute(
            select(Entity.value, Entity.id).where(Entity.value.in_((visible, hidden))))}
        row = MergeSuggestion(entity_a_id=min(ids.values()), entity_b_id=max(ids.values()),
                              reason="same_number: test", score=0.9)
        db.add(row)
        db.flush()
        sid = row.id
    analyst = role_clients["analyst"]
    assert sid not in [r["id"] for r in analyst.get("/api/v1/network/suggestions").json()]
    page = analyst.get("/network/review").text
    assert f'id="s{sid}"' not in page and hidden not in page


def test_the_home_count_is_what_the_review_page_lists(role_clients) -> None:  # type: ignore[no-untyped-def]
    from tests.platform.test_work_queues import _widgets

    analyst = role_clients["analyst"]
    national, _ = fresh_number()
    file_report(f"Loker admin, WA {national} atau t.me/hitung{national[-6:]}")
    assert runner.invoke(root_app, ["network", "suggest"]).exit_code == 0
    href, count = _widgets(analyst.get("/").text)["network.review"]
    listed = analyst.get(href).text.split('id="list-unsure"')[0]
    assert href == "/network/review" and count >= 1
    assert listed.count('<section class="card suggestion"') == count
