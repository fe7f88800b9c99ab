"""The second new-user walk-through (walk17): skip link, decimals in the reader's language,
the guide's and hotlines' source dates, an empty destination table, audit details in words."""

from __future__ import annotations

import html
import json
import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from waspada.network.store import Entity, Link
from waspada.platform import audit
from waspada.platform.audit_trail import detail_words
from waspada.platform.db import session_scope

ISO_DAY = re.compile(r"\b20\d\d-\d\d-\d\d\b")


def test_every_page_starts_with_a_skip_link_to_the_main_content(client: TestClient,
                                                               role_clients) -> None:  # type: ignore[no-untyped-def]
    """A keyboard user tabbed through 8 public or up to 13 officer links before the form."""
    pages = [(client, p) for p in ("/", "/cek-lowongan", "/cek-agensi", "/panduan", "/hotline",
                                   "/lapor", "/login")]
    pages += [(role_clients["analyst"], "/network"), (role_clients["auditor"], "/audit")]
    for test_client, path in pages:
        html = test_client.get(path).text
        body = html.split("<body>", 1)[1]
        first_link = re.search(r"<a [^>]*>[^<]*</a>", body)
        assert first_link is not None, path
        assert 'class="skip-link" href="#main"' in first_link.group(0), path
        assert "Langsung ke isi utama" in first_link.group(0), path
        assert '<main id="main"' in html, path


def test_the_offer_score_is_written_with_the_readers_decimal_mark(client: TestClient) -> None:
    """walk17: "Skor 0.96 dari 1" on the Indonesian Cek Lowongan page."""
    text = "Lowongan kerja di Kamboja gaji 15 juta tanpa pengalaman, tiket ditanggung, WA 0812-3456-7890"
    client.get("/cek-lowongan")
    page = client.post("/cek-lowongan", data={"text": text,
                                              "csrf_token": client.cookies["waspada_csrf"]}).text
    assert re.search(r"Skor 0,\d\d dari 1", page), page[:2000]
    assert not re.search(r"Skor \d\.\d\d", page)
    client.get("/lang/en?next=/cek-lowongan")
    client.get("/cek-lowongan")
    page = client.post("/cek-lowongan", data={"text": text,
                                              "csrf_token": client.cookies["waspada_csrf"]}).text
    assert re.search(r"Score 0\.\d\d of 1", page)


def test_source_dates_on_the_guide_and_hotlines_read_dd_mm_yyyy(client: TestClient) -> None:
    """walk17: "Merahputih.com, mengutip KBRI Phnom Penh, 2025-07-25" (walk16 fixed only the
    "last checked" date)."""
    for path in ("/panduan", "/hotline"):
        page = client.get(path).text
        visible = re.sub(r'href="[^"]*"', "", page)  # a source's address may hold its date
        visible = re.sub(r">https?://[^<]*<", "><", visible)
        assert not ISO_DAY.search(visible), (path, ISO_DAY.findall(visible)[:3])
        assert "25-07-2025" in page, path
    assert "12-2025" in client.get("/hotline").text  # a month, "2025-12" in hotlines.yaml


def test_an_empty_destination_table_says_so(role_clients) -> None:  # type: ignore[no-untyped-def]
    """walk17: the protection officer's /statistics showed the destination table's header and
    nothing under it (the province table beside it said "Tidak ada data pada periode ini.")."""
    page = role_clients["protection_officer"].get("/statistics?indicator=screenings").text
    table = page.split('id="by-destination"', 1)[1].split("</table>", 1)[0]
    assert "<tr><td>" not in table  # KBRI Phnom Penh screens no one in the demo
    assert "Tidak ada data pada periode ini." in table


def test_audit_details_of_api_calls_and_tokens_read_as_words() -> None:
    """walk17: 'method=GET, path=/api/v1/watchlist', 'for_user=analis', 'screenings=1' on
    Jejak Audit."""
    entry = audit.AuditEntry(detail=json.dumps({
        "method": "GET", "path": "/api/v1/watchlist", "for_user": "analis", "screenings": 1,
        "via_api": True, "total": 3}))
    words = dict(detail_words(entry, "id"))
    assert words == {"metode": "GET", "alamat": "/api/v1/watchlist", "untuk pengguna": "analis",
                     "pemeriksaan": "1", "lewat API": "ya", "seluruhnya": "3"}
    assert dict(detail_words(entry, "en"))["address"] == "/api/v1/watchlist"


def test_the_graph_page_says_when_a_value_is_not_known(role_clients) -> None:  # type: ignore[no-untyped-def]
    """walk17: every search on /network for a value nobody recorded answered 500 (the template
    called the error's localized() with jinja's context-bound ``_``)."""
    page = role_clients["analyst"].get("/network", params={"q": "0899-0000-0000", "depth": 1})
    assert page.status_code == 404
    assert 'id="network-error"' in page.text
    assert "Tidak ada data yang boleh Anda lihat untuk nilai ini." in page.text
    assert 'value="0899-0000-0000"' in page.text  # the search is kept


def test_the_graph_page_words_kinds_roles_and_dates(role_clients) -> None:  # type: ignore[no-untyped-def]
    """walk17: "+6281159843314 (phone)", and the appearances "2026-12-01 … victim" on the
    Indonesian graph page."""
    analyst = role_clients["analyst"]
    with session_scope() as session:  # a phone of a watchlist entry of the list "victim"
        phone = session.scalars(
            select(Entity.value).join(Link, Link.entity_id == Entity.id)
            .where(Entity.kind == "phone", Link.source_type == "watchlist",
                   Link.role == "victim").limit(1)).one()
    page = analyst.get("/network", params={"q": phone, "depth": 1})
    assert page.status_code == 200, page.text[:300]
    heading = page.text.split('id="entity-h">', 1)[1].split("</h2>", 1)[0]
    assert "(Nomor telepon)" in heading and "(phone)" not in heading
    timeline = page.text.split('id="timeline"', 1)[1].split("</table>", 1)[0]
    assert "<td>Korban</td>" in timeline and "<td>victim</td>" not in timeline
    assert not ISO_DAY.search(timeline) and re.search(r"<td>\d\d-\d\d-20\d\d</td>", timeline)
    kinds = page.text.split('data-kinds="', 1)[1].split('"', 1)[0]
    assert json.loads(html.unescape(kinds))["bank_account"] == "Rekening bank"
