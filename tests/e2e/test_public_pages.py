"""Issue #16 part C in the browser: the public portal and its pages at 1366 and 390 px pass
axe-core with zero violations and never scroll sideways; Cek Agensi; the /lapor flow with the
short code, the receipt and the status page; all of it also without JavaScript."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.e2e.axe import violations
from tests.e2e.conftest import sign_in_page
from waspada.demo.synthetic import demo_password

pytestmark = pytest.mark.e2e

PUBLIC_PAGES = ("/", "/cek-lowongan", "/cek-agensi", "/lapor", "/lapor/status", "/panduan",
                "/hotline", "/statistik", "/login")
WIDTHS = (1366, 390)
CODE = re.compile(r"^[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){3}$")


def _context(browser, width: int, javascript: bool = True):  # type: ignore[no-untyped-def]
    options = {"viewport": {"width": width, "height": 900}, "locale": "id-ID",
               "bypass_csp": True, "java_script_enabled": javascript}
    if width < 500:
        options.update(is_mobile=True, has_touch=True)
    return browser.new_context(**options)


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def wide_page(request, browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = _context(browser, request.param)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.width = request.param  # type: ignore[attr-defined]
    yield page
    context.close()


def _no_sideways_scroll(page, width: int) -> None:  # type: ignore[no-untyped-def]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url}: {scroll} px wide at {width} px"


def test_public_pages_pass_axe_and_fit(wide_page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    page, width = wide_page, wide_page.width
    found = {}
    for path in PUBLIC_PAGES:
        page.goto(live_server + path)
        _no_sideways_scroll(page, width)
        if problems := violations(page):
            found[path] = problems
    assert not found, found


def test_result_pages_pass_axe_and_fit(wide_page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    """The pages after a submit: an agency result, a refused /lapor, the receipt, a status."""
    page, width = wide_page, wide_page.width
    page.goto(live_server + "/cek-agensi")
    page.fill("#agency-name", "PT Kenari Insan Mulya")
    page.click("#agency-form button[type=submit]")
    page.wait_for_selector("#agency-result")
    _no_sideways_scroll(page, width)
    assert violations(page) == []
    page.goto(live_server + "/lapor")
    _fill_report(page, description="x" * 2100)
    page.click("#public-report button[type=submit]")
    page.wait_for_selector("#description-error")
    _no_sideways_scroll(page, width)
    assert violations(page) == []
    _fill_report(page, description="Anak saya tidak bisa pulang dari Bavet.")
    page.click("#public-report button[type=submit]")
    page.wait_for_selector("#follow-up-code")
    _no_sideways_scroll(page, width)
    assert violations(page) == []
    code = page.inner_text("#follow-up-code")
    page.goto(live_server + "/lapor/status")
    page.fill("input[name=code]", code)
    page.click("#status-form button[type=submit]")
    page.wait_for_selector("#status-explanation")
    _no_sideways_scroll(page, width)
    assert violations(page) == []


def _fill_report(page, description: str) -> None:  # type: ignore[no-untyped-def]
    page.fill("input[name=reporter_name]", "Ibu Sumiati")
    page.fill("input[name=reporter_phone]", "0812 3456 7890")
    page.fill("input[name=victim_name]", "Rina Sintetis Demo")
    page.select_option("select[name=destination_country]", "KH")
    page.fill("textarea[name=description]", description)
    if not page.is_checked("input[name=consent]"):
        page.check("input[name=consent]")


def test_family_report_on_a_phone_with_short_code_receipt_and_status(
        browser, live_server: str) -> None:  # type: ignore[no-untyped-def]
    context = _context(browser, 390)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(live_server + "/")
        page.click("#portal-links a[href='/lapor']")
        page.wait_for_url(live_server + "/lapor")
        # the consent box is a real box, not squashed
        box = page.locator("input[name=consent]").bounding_box()
        assert box["width"] >= 16 and box["height"] >= 16
        # the counter counts as you type
        page.fill("textarea[name=description]", "Halo")
        assert page.inner_text("#description-counter").startswith("4 dari 2000")
        page.fill("textarea[name=description]", "y" * 2050)
        assert "over" in page.get_attribute("#description-counter", "class")
        _fill_report(page, description="y" * 2050)
        page.click("#public-report button[type=submit]")
        error = page.inner_text("#description-error")
        assert "2050 karakter" in error and "2000" in error
        assert len(page.input_value("textarea[name=description]")) == 2050  # nothing cut
        _fill_report(page, description="Anak saya dijanjikan kerja admin, sekarang ditahan.")
        page.click("#public-report button[type=submit]")
        code = page.inner_text("#follow-up-code")
        assert CODE.match(code), code
        assert "0800-1000" in page.inner_text("#receipt-hotlines")
        assert page.is_visible("#what-happens-now")
        # the copy button copies the code
        page.click("button.copy-code")
        assert page.evaluate("navigator.clipboard.readText()") == code
        assert page.is_visible("button.print-page")
        # printed, the receipt keeps the code and drops the navigation
        page.emulate_media(media="print")
        assert page.is_visible("#follow-up-code") and not page.is_visible("header.topbar")
        page.emulate_media(media="screen")
        # the status, typed in lower case without dashes
        page.goto(live_server + "/lapor/status")
        page.fill("input[name=code]", code.lower().replace("-", ""))
        page.click("#status-form button[type=submit]")
        assert page.inner_text("#status-label") == "Dilaporkan"
        assert "dua hari kerja" in page.inner_text("#status-explanation")
        _no_sideways_scroll(page, 390)
    finally:
        context.close()


def test_public_pages_work_without_javascript(browser, live_server: str) -> None:  # type: ignore[no-untyped-def]
    context = _context(browser, 390, javascript=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(live_server + "/cek-agensi")
        page.fill("#agency-name", "pt kenari insan mulia")
        page.click("#agency-form button[type=submit]")
        assert page.get_attribute("#agency-verdict", "data-verdict") in ("registered",
                                                                         "not_found")
        page.goto(live_server + "/lapor")
        assert "2000" in page.inner_text("#description-counter")
        assert not page.is_visible("button.copy-code")
        _fill_report(page, description="Tanpa JavaScript.")
        page.click("#public-report button[type=submit]")
        code = page.inner_text("#follow-up-code")
        assert CODE.match(code)
        assert not page.is_visible("button.copy-code")  # no dead button without JavaScript
        page.goto(live_server + "/lapor/status")
        page.fill("input[name=code]", code)
        page.click("#status-form button[type=submit]")
        assert page.inner_text("#status-label") == "Dilaporkan"
        for path in ("/", "/panduan", "/hotline"):
            page.goto(live_server + path)
            _no_sideways_scroll(page, 390)
    finally:
        context.close()


def test_an_officer_keeps_navigation_on_public_pages(browser, live_server: str) -> None:  # type: ignore[no-untyped-def]
    """Defect 13: Cek Lowongan opened from an officer's navigation keeps it and sign-out."""
    context = _context(browser, 1366)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in_page(page, live_server, "petugas.tpi", demo_password("petugas.tpi"))
        page.click("nav.mainnav a[href='/cek-lowongan']")
        page.wait_for_url(live_server + "/cek-lowongan")
        assert page.is_visible("nav.mainnav a[href='/cek-lowongan'][aria-current=page]")
        assert page.is_visible("form[action='/logout'] button")
        assert page.locator("nav.publicnav").count() == 0
    finally:
        context.close()


def test_axe_reports_what_it_should(browser) -> None:  # type: ignore[no-untyped-def]
    """The checks above can fail: the vendored axe-core finds a missing alt text, a missing
    label and low contrast on a page made to have them."""
    context = _context(browser, 1366)
    page = context.new_page()
    try:
        page.set_content('<html lang="id"><head><title>t</title></head><body><main>'
                         '<img src="x.png"><input name="q">'
                         '<p style="color:#ccc;background:#fff">pucat</p></main></body></html>')
        found = {v["id"] for v in violations(page)}
        assert {"image-alt", "label", "color-contrast"} <= found, found
    finally:
        context.close()


def test_the_skip_link_is_the_first_stop_and_shows_where_it_goes(wide_page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    """walk17: a keyboard user tabbed through eight portal links to reach the form. Now the
    first Tab shows "Langsung ke isi utama" inside the viewport, and Enter puts the focus on
    the main content, so the next Tab reaches the page's own first control."""
    page = wide_page
    page.goto(live_server + "/cek-lowongan")
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const e = document.activeElement;
        const r = e.getBoundingClientRect();
        return {text: e.innerText, href: e.getAttribute('href'), top: r.top, h: r.height}; }""")
    assert focused["text"] == "Langsung ke isi utama" and focused["href"] == "#main"
    assert focused["top"] >= 0 and focused["h"] > 0  # visible while focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "offer-text"


def test_a_check_lands_on_its_result(wide_page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    """walk17: after "Periksa" (or "Cek" on Cek Agensi) the page reloaded at the top, the
    result below the form and out of sight at 390 px, and a keyboard user's next Tab went back
    to the portal links. Now the page opens at the result (the form posts to #result)."""
    page = wide_page
    page.goto(live_server + "/cek-lowongan")
    page.fill("#offer-text", "Lowongan kerja di Kamboja gaji 15 juta tanpa pengalaman, "
                             "tiket ditanggung, hubungi WA 0812-3456-7890")
    page.focus("#offer-text")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#result"
    top = page.evaluate("document.getElementById('result').getBoundingClientRect().top")
    assert -2 <= top < page.evaluate("innerHeight") / 2, top  # in sight (sub-pixel rounding)
    page.goto(live_server + "/cek-agensi")
    page.fill("#agency-name", "PT Sinar Harapan")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#agency-result"
    top = page.evaluate("document.getElementById('agency-result').getBoundingClientRect().top")
    assert -2 <= top < page.evaluate("innerHeight") / 2, top  # in sight (sub-pixel rounding)
