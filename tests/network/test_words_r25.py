"""Round 25 (English walk-through, role analis): the review page named an entity's kind by
its code ("(phone, #1)") and wrote its dates ISO ("2026-12-02", the graph page "02-12-2026");
the graph page's communities read "1 phone, 1 telegram, 1 bank_account" in English."""

from __future__ import annotations

import re
from collections import Counter

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.network.helpers import dashed, file_report, fresh_number
from waspada.cli import app as root_app
from waspada.network.analysis import _mix, analyse


def _section(client: TestClient, handle: str) -> str:
    assert CliRunner().invoke(root_app, ["network", "suggest"]).exit_code == 0
    rows = client.get("/api/v1/network/suggestions").json()
    sid = next(r["id"] for r in rows if handle in (r["a"]["value"], r["b"]["value"]))
    page = client.get("/network/review").text
    match = re.search(rf'<section class="card suggestion" id="s{sid}".*?</section>', page, re.S)
    assert match
    return match.group(0)


def test_the_review_page_names_kinds_in_words_and_writes_dates_dd_mm_yyyy(
        role_clients, english: TestClient) -> None:  # type: ignore[no-untyped-def]
    national, _ = fresh_number()
    handle = "kata" + national[-6:]
    file_report(f"Loker Poipet, WA {national} atau t.me/{handle}")
    for client, phone, telegram in ((role_clients["analyst"], "Nomor telepon", "Akun Telegram"),
                                    (english, "Phone number", "Telegram account")):
        section = _section(client, handle)
        kinds = re.findall(r'<span class="muted">\(([^,]+), #\d+\)</span>', section)
        assert sorted(kinds) == sorted([phone, telegram]), kinds
        dates = re.findall(r"<tr><td>([^<]+)</td><td><a href=", section)
        assert dates and all(re.fullmatch(r"\d\d-\d\d-\d{4}", d) for d in dates), dates


def test_a_community_reads_in_english_words() -> None:
    found = analyse({("offer_report", 1): [1, 2, 3, 4], ("case", 2): [1, 2, 4]},
                    {1: "phone", 2: "telegram", 3: "bank_account", 4: "place"})
    reason = found["communities"][0]["reason"]
    assert reason.startswith("4 entities (") and "shared appearances in" in reason, reason
    for code in ("bank_account", "telegram,", "phone,", "(s)"):
        assert code not in reason, reason
    assert "bank account: 1" in reason and "Telegram account: 1" in reason
    assert _mix(Counter({"place": 2, "telegram": 1}), "en") == "place: 2, Telegram account: 1"
    assert _mix(Counter({"place": 2, "telegram": 1}), "id") == "2 tempat, 1 akun Telegram"


def test_the_english_graph_page_names_a_community_in_words(english: TestClient) -> None:
    from waspada.offers import service as offers
    from waspada.offers.schemas import ReportIn
    from waspada.platform.db import session_scope

    national, _ = fresh_number()
    with session_scope() as db:
        offers.report_offer(db, ReportIn(
            text=f"Admin game online di Sihanoukville Kamboja, WA {dashed(national)} "
                 "atau Telegram @kerja_kata_uji" + national[-4:], consent="yes"))
    page = english.get("/network", params={"q": dashed(national)})
    assert page.status_code == 200
    shown = page.text.split('<ul id="communities">', 1)[1].split("</ul>", 1)[0]
    assert "entities (" in shown and "phone number: " in shown, shown
    assert "telegram," not in shown and "1 phone" not in shown
