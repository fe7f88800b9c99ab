"""Round 17 (issue #15): Cek Lowongan says when the genre model kept a text below high."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.offers.test_offers_round17 import GENERAL, ONE_PERSON


def test_the_page_says_the_genre_kept_the_level_below_high(client: TestClient) -> None:
    client.get("/cek-lowongan")
    r = client.post("/cek-lowongan", data={"text": GENERAL,
                                           "csrf_token": client.cookies["waspada_csrf"]})
    assert r.status_code == 200
    assert 'id="genre-capped"' in r.text and "Model genre statistik" in r.text
    r = client.post("/cek-lowongan", data={"text": ONE_PERSON,
                                           "csrf_token": client.cookies["waspada_csrf"]})
    assert r.status_code == 200 and 'id="genre-capped"' not in r.text
