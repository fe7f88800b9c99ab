"""Statistics in a real browser: the public page on a phone (no JavaScript), the officer page."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import sign_in_page
from waspada.demo.synthetic import demo_password

pytestmark = pytest.mark.e2e


def test_public_statistik_on_a_phone_without_javascript(browser, live_server: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, locale="id-ID", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(live_server + "/statistik")
        assert "Statistik publik" in page.title()
        # fits a phone: no horizontal scrolling of the page
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        box = page.locator("svg.tilemap").bounding_box()
        assert box is not None and box["width"] <= 390 and box["height"] > 100
        assert page.locator("svg.tilemap g.tile").count() == 38
        assert page.locator("#by-province tbody tr").count() >= 30
        # the trend chart has a bar per month, the table a row per month
        assert page.locator("svg.chart rect").count() == 12
        assert page.locator("#by-month tbody tr").count() == 12
        # no count from 1 to 10 anywhere in the tables
        for cell in page.locator("#by-province td:nth-child(3), #by-month td:nth-child(2)"
                                 ).all_inner_texts():
            assert cell == "<11" or int(cell.replace(".", "")) == 0 or \
                int(cell.replace(".", "")) >= 11
        page.select_option("select[name=indikator]", "cases_reported")
        page.click("form.row button[type=submit]")
        page.wait_for_url("**indikator=cases_reported")
        assert page.locator("svg.tilemap").count() == 1
        assert page.locator("a[href*='unduh.xlsx']").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_officer_statistics_page(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    sign_in_page(page, live_server, "analis", demo_password("analis"))
    page.goto(live_server + "/statistics")
    assert page.locator("#alerts tbody tr").count() >= 1
    assert "73" in page.inner_text("#alerts")
    assert page.locator("svg.chart").count() == 1 and page.locator("svg.tilemap").count() == 1
    assert page.locator("svg.tilemap g.tile").count() == 38
    with page.expect_download() as info:
        page.click("a[href*='export.csv'][href*='table=province']")
    assert info.value.suggested_filename.endswith(".csv")
    with page.expect_download() as info:
        page.click("a[href*='export.xlsx'][href*='table=province']")
    assert info.value.suggested_filename.endswith(".xlsx")
    # the Indonesian caveats of the indicator are on the page
    assert "Provinsi diambil dari NIK" in page.inner_text("#caveats")


def test_week_and_quarter_charts_and_regency_table(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    sign_in_page(page, live_server, "analis", demo_password("analis"))
    page.goto(live_server + "/statistics")
    page.select_option("select[name=periode]", "week")
    page.click("form.row >> nth=0 >> button[type=submit]")
    page.wait_for_url("**periode=week**")
    assert page.locator("svg.chart rect").count() == 26
    assert page.locator("#by-month tbody tr").count() == 26
    page.goto(live_server + "/statistics?periode=quarter&indicator=cases_reported")
    assert page.locator("#by-month tbody tr").count() == 8
    assert page.locator("#durations tbody tr").count() == 8
    regency = page.inner_text("#by-regency")
    assert "<11" in regency


def test_acknowledge_an_alert_and_see_it_on_the_home_page(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    sign_in_page(page, live_server, "analis", demo_password("analis"))
    page.goto(live_server + "/")
    home = page.inner_text("#home-alerts")
    assert "Sulawesi Selatan (73)" in home
    page.goto(live_server + "/statistics?indicator=screenings_high_risk")
    row = page.locator("#alerts tbody tr", has=page.locator("form.ack-form")).first
    row.locator("input[name=note]").fill("Dicek bersama Kanim Makassar, e2e")
    row.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "Dicek bersama Kanim Makassar, e2e" in page.inner_text("#alerts")
    page.goto(live_server + "/")
    assert "analis" in page.inner_text("#home-alerts")
