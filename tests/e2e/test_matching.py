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


def test_a_dirty_registry_extract_runs_with_a_threshold_typed_with_a_comma(  # type: ignore[no-untyped-def]
        page, live_server: str, tmp_path) -> None:
    """walk21: the field showed "0.5" and refused "0,9"; one nameless record refused the
    whole file; and a file saved by Indonesia's Excel (';') was "Kolom wajib tidak ada"."""
    rows = ["record_id,full_name,birth_date,sex,nik",
            "w1,Budi Santoso,1985-03-12,L,3573011203850001",
            "w2,BUDI SANTOSO,1985-03-12,M,3573011203850001",
            "w3,,1970-01-01,L,",
            "w4,Ahmad Fauzi,1938-11-31,L,",
            "w5,Siti Aminah,1990-07-01,P,"]
    semicolons = tmp_path / "ekspor.csv"
    semicolons.write_text("\n".join(r.replace(",", ";") for r in rows) + "\n")
    dirty = tmp_path / "registri.csv"
    dirty.write_text("\ufeff" + "\r\n".join(rows) + "\r\n")  # BOM and CRLF, as Excel saves
    sign_in_page(page, live_server, "analis", demo_password("analis"))
    page.goto(live_server + "/dedupe")
    assert page.input_value("input[name=threshold]") == "0,5"
    page.set_input_files("input[name=file]", str(semicolons))
    page.click("#dedupe-form button[type=submit]")
    page.wait_for_selector("#file-error")
    assert "titik koma (;)" in page.inner_text("#file-error")
    page.set_input_files("input[name=file]", str(dirty))
    page.fill("input[name=threshold]", "0,9")
    page.click("#dedupe-form button[type=submit]")
    page.wait_for_url("**/jobs/*")
    page.wait_for_selector("#result-link", timeout=240_000)
    said = page.inner_text("#job-summary")
    assert "Ambang 0,9" in said and "4 data" in said  # 0.9, not refused
    assert "1 tanggal lahir (kolom birth_date) tidak valid dan dibaca sebagai kosong." in said
    assert "dilewati (baris 4)" in said
