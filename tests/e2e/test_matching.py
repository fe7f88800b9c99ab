"""An officer searches the watchlist in headless Chromium and sees ranked, explained candidates."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import sign_in_page
from waspada.demo.synthetic import demo_password

pytestmark = pytest.mark.e2e


def test_officer_searches_the_watchlist(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    sign_in_page(page, live_server, "analis", demo_password("analis"))
    page.goto(live_server + "/watchlist/manage")
    page.fill("#add-form input[name=record_id]", "E2E-WL-1")
    page.fill("#add-form input[name=full_name]", "Muhammad Rizki bin Ahmad Fauzi")
    page.fill("#add-form input[name=birth_date]", "1990-05-17")
    page.fill("#add-form input[name=reason]", "uji e2e")
    page.fill("#add-form input[name=source]", "uji")
    page.click("#add-form button[type=submit]")
    page.wait_for_load_state()
    assert "E2E-WL-1" in page.inner_text("#entries")
    page.goto(live_server + "/watchlist/search")
    assert "Cari di Daftar Pengawasan" in page.content()
    page.fill("#search-form input[name=full_name]", "H. Moch. Rizky bin Ahmad Fauzi")
    page.fill("#search-form input[name=birth_date]", "1991-05-17")
    page.click("#search-form button[type=submit]")
    page.wait_for_selector("#candidates")
    # other tests share the database: find our entry among the ranked candidates
    texts = page.locator("#candidates [id^=cand-]").all_inner_texts()
    ours = [t for t in texts if "E2E-WL-1" in t]
    assert ours and "Muhammad Rizki bin Ahmad Fauzi" in ours[0]
    assert "selisih satu tahun" in ours[0]  # one-year shift, explained in Indonesian
