"""The officers' case list opens on the work (walk19: a protection officer's /cases opened on 50
closed DEMO-STAT cases; the workable ones were on the last page): open cases first, the most
recently updated first. "Newest case first" stays a choice, and the API's documented order."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.cases.conftest import create_case
from waspada.cases.models import Case
from waspada.cases.store.access import TERMINAL
from waspada.platform.db import session_scope, utcnow


def _ids(html: str) -> list[int]:
    table = html.split('id="case-list"')[1].split("</table>")[0]
    return [int(n) for n in re.findall(r'<a href="/cases/(\d+)">', table)]


def test_open_cases_come_first_most_recently_updated_first(protection) -> None:  # type: ignore[no-untyped-def]
    older_open = create_case(protection)["id"]
    newer_closed = create_case(protection)["id"]
    with session_scope() as db:  # a case closed just now, like the statistics demo's
        closed = db.get(Case, newer_closed)
        closed.status = "closed"
        closed.last_update_at = utcnow() + timedelta(minutes=5)
        db.get(Case, older_open).last_update_at = utcnow() - timedelta(days=400)
    page = protection.get("/cases")
    ids = _ids(page.text)
    with session_scope() as db:
        rows = {c.id: (c.status in TERMINAL, c.last_update_at)
                for c in db.query(Case).filter(Case.id.in_(ids))}
    assert ids and not rows[ids[0]][0], "the first row is an open case"
    finished = [rows[i][0] for i in ids]
    assert finished == sorted(finished), "no closed case before an open one"
    opened = [rows[i][1] for i in ids if not rows[i][0]]
    assert opened == sorted(opened, reverse=True), "open cases: the latest update first"
    if newer_closed in ids and older_open in ids:
        assert ids.index(older_open) < ids.index(newer_closed)
    else:  # more open cases than one page: the closed one is not on the first page at all
        assert newer_closed not in ids
    # the pager keeps the order; "Newest case first" is the id order, as before
    newest = protection.get("/cases", params={"sort": "newest"})
    assert '<option value="newest" selected>' in newest.text
    newest_ids = _ids(newest.text)
    assert newest_ids == sorted(newest_ids, reverse=True)
    assert newest_ids[0] >= newer_closed
    if 'rel="next"' in newest.text or "page=2" in newest.text:
        assert "sort=newest" in newest.text.split('class="pager"')[1]
    # the API keeps its documented order: newest first
    api = [c["id"] for c in protection.get("/api/v1/cases").json()["cases"]]
    assert api == sorted(api, reverse=True) and api[0] >= newer_closed
