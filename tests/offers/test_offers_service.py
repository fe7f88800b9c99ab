"""Offers through the service layer: refused input is a clear error (never silently cut), and
the agency import's audit entry commits together with the rows."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from waspada.cli import app as cli_app
from waspada.offers import analyse
from waspada.offers.schemas import WHERE_SEEN_MAX
from waspada.offers.store import Agency, OfferReport
from waspada.platform import audit
from waspada.platform.db import session_scope

RISKY = ("Dibutuhkan CS online untuk kerja di Phnom Penh, Kamboja. Gaji 15jt/bulan, tanpa "
         "pengalaman, tiket dan visa ditanggung. WA +855 12 345 678")


def _count(model: type, **where: object) -> int:
    with session_scope() as db:
        stmt = select(func.count()).select_from(model)
        for name, value in where.items():
            stmt = stmt.where(getattr(model, name) == value)
        return db.scalar(stmt) or 0


def test_report_with_over_long_place_is_refused_not_cut(client: TestClient) -> None:
    client.get("/cek-lowongan")
    before = _count(OfferReport)
    r = client.post("/cek-lowongan/laporkan", data={
        "text": RISKY, "where_seen": "T" * (WHERE_SEEN_MAX + 1), "consent": "yes",
        "csrf_token": client.cookies["waspada_csrf"]})
    assert r.status_code == 413 and "terlalu panjang" in r.text
    assert "Phnom Penh" in r.text  # the offer text comes back
    assert _count(OfferReport) == before


def test_a_report_without_the_tick_keeps_what_the_citizen_typed(client: TestClient) -> None:
    """walk task17: after "tick the consent box" the place and contact fields came back empty,
    so a citizen who ticked and sent again lost them (the analyst saw "Dilihat di —")."""
    client.get("/cek-lowongan")
    before = _count(OfferReport)
    r = client.post("/cek-lowongan/laporkan", data={
        "text": RISKY, "where_seen": "Grup Facebook Loker", "contact": "0811-000-111",
        "csrf_token": client.cookies["waspada_csrf"]})
    assert r.status_code == 400 and "persetujuan" in r.text
    assert 'value="Grup Facebook Loker"' in r.text and 'value="0811-000-111"' in r.text
    assert _count(OfferReport) == before


def test_scan_with_over_long_field_name_is_refused(role_clients: dict[str, TestClient]) -> None:
    analyst = role_clients["analyst"]
    r = analyst.post("/offers/scan", data={"text_field": "t" * 65,
                                           "csrf_token": analyst.cookies["waspada_csrf"]},
                     files={"upload": ("posts.jsonl", b'{"text": "x"}\n', "text/plain")})
    assert r.status_code == 400 and "terlalu panjang" in r.text


def test_agency_import_is_not_kept_without_its_audit_entry(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    registry = tmp_path / "p3mi.csv"
    registry.write_text("name\nPT Atomik Tanpa Audit\n", encoding="utf-8")

    def crash(session: object) -> None:
        raise RuntimeError("simulated crash while writing the audit entry")

    monkeypatch.setattr(audit, "_take_chain_lock", crash)
    with pytest.raises(RuntimeError):
        CliRunner().invoke(cli_app, ["offers", "import-agencies", str(registry)],
                           catch_exceptions=False)
    assert _count(Agency, name="PT Atomik Tanpa Audit") == 0
    monkeypatch.undo()
    result = CliRunner().invoke(cli_app, ["offers", "import-agencies", str(registry)])
    assert result.exit_code == 0, result.output
    assert _count(Agency, name="PT Atomik Tanpa Audit") == 1


def test_agency_fields_over_the_column_limit_are_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    registry = tmp_path / "long.csv"
    registry.write_text(f"name,license_no\nPT Panjang,{'9' * 101}\n", encoding="utf-8")
    result = CliRunner().invoke(cli_app, ["offers", "import-agencies", str(registry)])
    assert result.exit_code == 2 and "line 2" in result.output
    assert _count(Agency, name="PT Panjang") == 0


def test_the_public_page_says_why_an_offer_abroad_is_risky(client: TestClient) -> None:
    """A level set by the word classes (round 7: an offer abroad with its signals) is explained
    on the page too, not only in the API's ``rules.offer_abroad``: the only catalogue indicator
    here is the informal channel, which alone would not say why the level is high."""
    client.get("/cek-lowongan")
    text = ("Sepupu saya diajak kenalannya kerja di dapur hotel di Qatar, ongkos berangkat "
            "semua dibiayai sponsornya.")
    r = client.post("/cek-lowongan", data={"text": text,
                                           "csrf_token": client.cookies["waspada_csrf"]})
    assert r.status_code == 200
    assert 'id="offer-abroad"' in r.text
    assert "Tawaran kerja ke luar negeri, dengan:" in r.text and "biaya ditanggung" in r.text


def test_the_words_behind_a_class_floor_are_shown(client: TestClient) -> None:
    """The class reason names its signals by category ("what happened: confined, sold, ...");
    the words of the text that fired them are shown too, as for a catalogue indicator, and the
    API answer carries them as ``rules.class_evidence`` (spans of the original text)."""
    text = "Suami saya ditawari kerja admin di luar negeri, ternyata paspornya ditahan dan DISEKAP."
    a = analyse(text)
    assert "outcome" in a.offer_abroad
    spans = a.to_dict()["rules"]["class_evidence"]
    assert [e["text"] for e in spans["outcome"]] == ["paspornya ditahan", "DISEKAP"]
    assert all(text[e["start"]:e["end"]] == e["text"] for evs in spans.values() for e in evs)
    client.get("/cek-lowongan")
    r = client.post("/cek-lowongan", data={"text": text,
                                           "csrf_token": client.cookies["waspada_csrf"]})
    assert r.status_code == 200
    item = r.text.split('id="offer-abroad"', 1)[1].split("</li>", 1)[0]
    assert "<mark>ditawari</mark>" in item and "<mark>DISEKAP</mark>" in item


def test_no_class_evidence_without_a_class_floor() -> None:
    assert analyse("Jual beras premium 5 kg, antar gratis ke rumah.").class_evidence == {}
