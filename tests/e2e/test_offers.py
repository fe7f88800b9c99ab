"""The public "Cek Lowongan" page on a phone-sized screen, no account."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

OFFER = ("🔥 LOKER KAMBOJA 🔥 butuh CS online, gaji 1000 USD/bln, tanpa pengalaman, tiket+visa "
         "ditanggung, berangkat minggu ini. Bilang liburan aja ke imigrasi. WA 0812 3456 7890")


def test_public_check_on_a_phone(browser, live_server: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(live_server + "/cek-lowongan")
        assert "Cek Lowongan" in page.title()
        # the form fits the screen: no horizontal scrolling on a phone
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.fill("#offer-text", OFFER)
        page.click("#check-form button[type=submit]")
        page.wait_for_selector("#risk-level")
        assert page.inner_text("#risk-level") == "Tinggi"
        reasons = page.inner_text(".reasons")
        assert "Kamboja" in reasons or "Kamboja" in page.inner_text("#result")
        assert "Kamboja bukan negara penempatan" in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # reporting is a choice, with consent
        page.check("input[name=consent]")
        page.click("#report-form button[type=submit]")
        page.wait_for_selector("#reported")
    finally:
        context.close()
