"""left18: the analyst's page of a public report lists the contacts in its text, each linked
to the network page's lookup by value (audited there) for roles that may use the network page;
no link otherwise, and never an entity number (``#id`` lookups are the analysts' own page's)."""

from __future__ import annotations

import uuid
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import select

from waspada.network.extract import parse_query
from waspada.network.service import contacts_of
from waspada.offers import service as offers
from waspada.offers.schemas import ReportIn
from waspada.platform.audit import AuditEntry
from waspada.platform.db import session_scope
from waspada.platform.security import policy


def _text() -> str:
    digits = str(uuid.uuid4().int)[:8]
    handle = "rekrut" + digits[:5]
    return (f"Lowongan CS Phnom Penh gaji 15jt, visa turis. Hubungi WA 0812-{digits[:4]}-"
            f"{digits[4:]} atau Telegram t.me/{handle}, fb facebook.com/{handle}.kerja, "
            f"situs https://kerja-{digits}.com/daftar, transfer BCA 88{digits}, "
            f"surel hr{digits}@kerja-{digits}.com")


def _report(text: str) -> int:
    with session_scope() as db:
        return offers.report_offer(db, ReportIn(text=text, consent="yes")).id


def test_every_contact_kind_has_a_lookup_that_finds_its_own_entity() -> None:
    found = contacts_of(_text())
    assert {c["kind"] for c in found} == {"phone", "telegram", "social", "domain",
                                          "bank_account", "email"}
    for contact in found:
        assert contact["query"] and not contact["query"].startswith("#"), contact
        kind, value = parse_query(contact["query"])[0]
        assert kind == contact["kind"], contact
    # a place or a company is not a contact channel
    assert contacts_of("Kerja di Phnom Penh lewat PT Maju Jaya") == []
    assert contacts_of("") == []


def _links(html: str) -> dict[str, str]:
    soup = BeautifulSoup(html, "html.parser")
    items = soup.select("#report-contacts li")
    assert items, "the report page lists no contacts"
    return {li["data-kind"]: (li.a["href"] if li.a else "") for li in items}


def test_the_report_page_links_each_contact_to_the_audited_network_lookup(
        role_clients: dict[str, TestClient]) -> None:
    analyst = role_clients["analyst"]
    text = _text()
    page = analyst.get(f"/offers/reports/{_report(text)}")
    assert page.status_code == 200
    assert "Kontak dalam laporan ini" in page.text and "Rekening bank" in page.text
    links = _links(page.text)
    assert set(links) == {"phone", "telegram", "social", "domain", "bank_account", "email"}
    for kind, href in links.items():
        assert href.startswith("/network?q="), (kind, href)
        query = parse_qs(urlsplit(unescape(href)).query)["q"][0]
        assert not query.startswith("#")
        with session_scope() as db:
            before = db.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))
        shown = analyst.get(unescape(href))
        assert shown.status_code == 200, (kind, href)  # the report's own entity is found
        with session_scope() as db:
            entry = db.scalar(select(AuditEntry).where(AuditEntry.seq > before,
                                                       AuditEntry.action == "network.lookup"))
        assert entry is not None and entry.outcome == "ok" and entry.object_id, kind
        assert query not in (entry.detail or "")  # the value is never in the audit trail


def test_no_link_for_a_role_that_may_not_use_the_network_page(
        role_clients: dict[str, TestClient], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(policy.POLICY, "network.view", frozenset())
    page = role_clients["analyst"].get(f"/offers/reports/{_report(_text())}")
    assert page.status_code == 200
    assert set(_links(page.text).values()) == {""}  # listed, not linked
    assert 'href="/network?q=' not in page.text
