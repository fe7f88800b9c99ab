"""walk task17: the graph page said "Komunitas 1: 4 entities (2 place, 1 phone, 1 telegram)
tied by 6 shared appearance(s) in the same records" to an Indonesian reader."""

from __future__ import annotations

from collections import Counter

from tests.network.helpers import dashed, fresh_number
from waspada.network.analysis import _mix, analyse
from waspada.offers import service as offers
from waspada.offers.schemas import ReportIn
from waspada.platform.db import session_scope


def test_communities_and_brokers_have_indonesian_reasons() -> None:
    found = analyse({("offer_report", 1): [1, 2, 3], ("offer_report", 2): [3, 4, 5],
                     ("case", 3): [5, 6, 7]}, {i: "phone" for i in range(1, 8)})
    assert found["communities"] and found["brokers"]
    for item in found["communities"] + found["brokers"]:
        assert item["reason"] and item["reason_id"]
    assert "entitas" in found["communities"][0]["reason_id"]
    assert "komunitas" in found["brokers"][0]["reason_id"]
    assert "entities" in found["communities"][0]["reason"]  # the API keeps its English reason
    assert _mix(Counter({"place": 2, "telegram": 1}), "id") == "2 tempat, 1 akun Telegram"


def test_the_graph_page_names_a_community_in_indonesian(role_clients) -> None:  # type: ignore[no-untyped-def]
    national, _ = fresh_number()
    with session_scope() as db:
        offers.report_offer(db, ReportIn(
            text=f"Admin game online di Sihanoukville Kamboja, WA {dashed(national)} "
                 "atau Telegram @kerja_komunitas_uji", consent="yes"))
    page = role_clients["analyst"].get("/network", params={"q": dashed(national)})
    assert page.status_code == 200
    shown = page.text.split('<ul id="communities">', 1)[1].split("</ul>", 1)[0]
    assert "entitas (" in shown and "kemunculan bersama" in shown
    assert "shared appearance" not in shown and "entities (" not in shown


def test_every_role_a_record_gives_its_contacts_reads_as_words() -> None:
    """walk task17: the timeline showed "reason" for a watchlist entry's reason text."""
    from waspada.cases.htcds import PERSON_ROLES
    from waspada.matching.store import LIST_KINDS
    from waspada.platform.labels import label
    from waspada.screening.evidence import network_fields

    roles = {"offer", "traveller", "summary", "reason", *PERSON_ROLES, *LIST_KINDS,
             *network_fields("a", "b", "c")}
    for role in roles:
        assert label("network_role", role, "id") != role, role
