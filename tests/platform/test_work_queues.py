"""The home page per role is a work queue (issue #16): each role sees its own queues, each count
links to a list filtered the same way (and the list shows as many records), unit-scoped like
the lists."""

from __future__ import annotations

import re
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import csrf_headers
from waspada.platform.db import session_scope, utcnow

EXPECTED = {
    "checkpoint_officer": {"screening.today", "screening.approval", "screening.flagged"},
    "passport_officer": {"screening.today", "screening.approval", "screening.flagged"},
    # the demo's DINSOS case update is a conflict to resolve (exchange/demo.py)
    "protection_officer": {"cases.public", "cases.overdue", "cases.referrals", "cases.tasks",
                           "exchange.conflicts"},
    "analyst": {"offers.reports", "offers.contacts", "matching.dedupe", "network.review"},
    "admin": {"platform.chain", "platform.signin_failures"},
    "auditor": {"platform.chain", "platform.signin_failures"},
}
#: cards shown only while something waits (bundles from partners that other tests sent)
WHILE_WAITING = {"exchange.inbox"}


def _widgets(page: str) -> dict[str, tuple[str, int]]:
    found = {}
    for block in page.split('<section class="queue')[1:]:
        key = re.search(r'data-widget="([a-z_.]+)"', block)
        count = re.search(r'<p class="queue-count"><a href="([^"]+)"[^>]*>(\d+)</a>', block)
        assert key is not None
        found[key.group(1)] = ((count.group(1).replace("&amp;", "&"), int(count.group(2)))
                               if count else ("", -1))
    return found


def test_each_role_sees_its_own_queues(role_clients: dict[str, TestClient]) -> None:
    for role, keys in EXPECTED.items():
        page = role_clients[role].get("/")
        assert page.status_code == 200, role
        assert set(_widgets(page.text)) - WHILE_WAITING == keys, role


def _rows(page: str, table_id: str) -> int:
    body = page.split(f'id="{table_id}"')[1].split("</table>")[0]
    return len(re.findall(r'<a href="/(?:screenings|cases)/\d+">', body))


def test_screening_counts_link_to_the_same_list_in_the_own_unit(
        role_clients: dict[str, TestClient]) -> None:
    for role in ("checkpoint_officer", "passport_officer"):
        client = role_clients[role]
        for key, (href, count) in _widgets(client.get("/").text).items():
            if not key.startswith("screening."):
                continue
            listed = client.get(href.split("#")[0])
            assert listed.status_code == 200, href
            assert _rows(listed.text, "today") == count, (role, key)
    tpi = role_clients["checkpoint_officer"].get("/screenings?queue=flagged").text
    malang = role_clients["passport_officer"].get("/screenings?queue=flagged").text
    assert "BAP/TPI-SOEKARNO-HATTA" in tpi and "BAPP/KANIM" not in tpi
    assert "BAP/TPI-SOEKARNO-HATTA" not in malang


def test_case_queues_count_what_the_filtered_list_shows(
        role_clients: dict[str, TestClient]) -> None:
    from waspada.cases.models import Case, CaseTask

    with session_scope() as session:
        case = session.scalar(select(Case).where(Case.reference.like("WSP-%"),
                                                 Case.closed_at.is_(None)).order_by(Case.id))
        assert case is not None
        case.due_at = utcnow() - timedelta(days=3)  # a step 3 days late
        session.add(CaseTask(case_id=case.id, title="Hubungi keluarga",
                             due_on=date.today() - timedelta(days=1), created_by="test"))
        reference = case.reference
    client = role_clients["protection_officer"]
    widgets = _widgets(client.get("/").text)
    for key in ("cases.overdue", "cases.tasks"):
        href, count = widgets[key]
        assert count >= 1
        listed = client.get(href).text
        refs = re.findall(r'<a href="/cases/\d+">(WSP-[^<]+)</a>', listed)
        assert len(refs) == count and reference in refs, key
    # the officer at the checkpoint does not reach the embassy's cases: none of them counted
    tpi = role_clients["checkpoint_officer"].get("/cases?overdue=1").text
    assert reference not in tpi


def test_admin_sees_the_chain_status_and_sign_in_failures(
        role_clients: dict[str, TestClient], client: TestClient) -> None:
    client.get("/login")
    refused = client.post("/login", headers=csrf_headers(client),
                          data={"username": "admin", "password": "salah-sekali-123"})
    assert refused.status_code == 401
    admin = role_clients["admin"]
    href, failures = _widgets(admin.get("/").text)["platform.signin_failures"]
    assert failures >= 1 and href.startswith("/audit?action=login.failed&day_from=")
    listed = admin.get(href).text
    assert "Gagal masuk" in listed
    assert "Belum pernah diverifikasi" in admin.get("/").text or \
        "pemeriksaan terakhir" in admin.get("/").text
