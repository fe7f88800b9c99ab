"""The exchange pages in Chromium at 1366 and 390 px (issue #17, looked at as an officer): no
sideways scrolling (the partners page's public key ran 500 px off a phone screen), no axe-core
violations, and the inbox leads to the other exchange pages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tests.e2e.axe import violations
from tests.e2e.conftest import sign_in_page
from waspada.cli import app as cli_app
from waspada.demo.synthetic import demo_password
from waspada.exchange import service
from waspada.exchange.keys import Identity
from waspada.exchange.models import Partner
from waspada.exchange.schemas import PartnerIn
from waspada.platform.db import session_scope
from waspada.platform.security.policy import CLI_PRINCIPAL

pytestmark = pytest.mark.e2e

#: who opens which exchange pages
PAGES = {"admin": ("/exchange/partners",),
         "pelindungan": ("/exchange/inbox", "/exchange/conflicts", "/exchange/send"),
         "petugas.paspor": ("/exchange/inbox", "/exchange/verifications")}


@pytest.fixture(scope="module")
def exchange_ready(live_server: str) -> Iterator[str]:
    """This installation has a key and one partner (the pages are not empty)."""
    result = CliRunner().invoke(cli_app, ["exchange", "init", "--name", "Ditjen Imigrasi",
                                          "--force", "--json"])
    assert result.exit_code == 0, result.output
    with session_scope() as db:
        if db.scalar(select(Partner).where(Partner.name == "e2e-kbri")) is None:
            service.add_partner(db, CLI_PRINCIPAL, PartnerIn(
                name="e2e-kbri", public_key=Identity.generate("KBRI").public.text,
                url="https://waspada.kbri-phnompenh.example", organisation="ImmigrationService",
                acceptance="manual"))
        if db.scalar(select(Partner).where(Partner.name == "e2e-off")) is None:
            # partner19: a disabled partner (its "Aktifkan kembali" button) and one without a
            # title, type or address (the partners table's "—") are on the page as well
            service.add_partner(db, CLI_PRINCIPAL, PartnerIn(
                name="e2e-off", title="Dinas Sosial (nonaktif)",
                public_key=Identity.generate("off").public.text))
            service.disable_partner(db, CLI_PRINCIPAL, "e2e-off")
    yield live_server


@pytest.mark.parametrize("width", (1366, 390), ids=lambda w: f"{w}px")
@pytest.mark.parametrize("username", tuple(PAGES))
def test_exchange_pages_fit_and_pass_axe(browser, exchange_ready: str, username: str,  # type: ignore[no-untyped-def]
                                         width: int) -> None:
    options = {"viewport": {"width": width, "height": 900}, "locale": "id-ID",
               "bypass_csp": True}
    if width < 500:
        options.update(is_mobile=True, has_touch=True)
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in_page(page, exchange_ready, username, demo_password(username))
        found = {}
        for path in PAGES[username]:
            response = page.goto(exchange_ready + path)
            assert response is not None and response.status == 200, path
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{path}: {scroll} px wide at {width} px"
            # walk19: the partner list on "Kirim ke mitra" ran off a phone's screen (clipped,
            # so the page did not scroll and the check above passed)
            beyond = page.evaluate("""w => [...document.querySelectorAll(
                'main input:not([type=hidden]), main select, main textarea')]
                .filter(e => e.getBoundingClientRect().right > w + 1)
                .map(e => e.name || e.id)""", width)
            assert not beyond, f"{path}: {beyond} beyond the {width} px screen"
            if problems := violations(page):
                found[path] = problems
        assert not found, found
    finally:
        context.close()


def test_the_inbox_leads_to_the_verification_requests(page, exchange_ready: str) -> None:  # type: ignore[no-untyped-def]
    sign_in_page(page, exchange_ready, "petugas.paspor", demo_password("petugas.paspor"))
    page.goto(exchange_ready + "/exchange/inbox")
    page.click("#verifications-link")
    page.wait_for_url(exchange_ready + "/exchange/verifications")
    assert page.locator("h1").inner_text() == "Permintaan verifikasi"


@pytest.mark.parametrize("width", (1366, 390), ids=lambda w: f"{w}px")
def test_a_disabled_partner_is_enabled_again_after_a_confirmation(  # type: ignore[no-untyped-def]
        browser, exchange_ready: str, width: int, tmp_path) -> None:
    """partner19: "Aktifkan kembali" asks in Indonesian, enables the partner and says so; the
    row then offers "Nonaktifkan" again (which asks, and no longer says it is for good)."""
    with session_scope() as db:
        partner = db.scalar(select(Partner).where(Partner.name == "e2e-off"))
        assert partner is not None
        if partner.active:
            service.disable_partner(db, CLI_PRINCIPAL, "e2e-off")
    options = {"viewport": {"width": width, "height": 900}, "locale": "id-ID"}
    if width < 500:
        options.update(is_mobile=True, has_touch=True)
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    asked: list[str] = []
    try:
        sign_in_page(page, exchange_ready, "admin", demo_password("admin"))
        page.goto(exchange_ready + "/exchange/partners")
        row = page.locator('tr[data-partner="e2e-off"]')
        assert "nonaktif" in row.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(tmp_path / f"partners-disabled-{width}.png"), full_page=True)
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        row.get_by_role("button", name="Aktifkan kembali").click()
        assert asked and asked[0].startswith("Aktifkan kembali mitra ini?")
        assert page.locator("#exchange-done").count() == 0  # dismissed: nothing happened
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        row.get_by_role("button", name="Aktifkan kembali").click()
        page.wait_for_url("**/exchange/partners?done=enabled*")
        done = page.locator("#exchange-done")
        assert done.inner_text() == ("Mitra Dinas Sosial (nonaktif) aktif kembali. Tidak ada "
                                     "paket yang ditahan untuknya.")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(tmp_path / f"partners-{width}.png"), full_page=True)
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        row.get_by_role("button", name="Nonaktifkan").click()
        assert "dapat diaktifkan kembali" in asked[-1]
        assert "tidak dapat diaktifkan kembali" not in asked[-1]
        cells = row.locator("td").all_inner_texts()
        assert "—" in cells and "-" not in [c.strip() for c in cells]
    finally:
        context.close()


def test_recording_a_consent_says_so_on_a_phone(browser, exchange_ready: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """partner19: after "Catat persetujuan" the page said nothing (the officer could not tell
    that it worked); now a status line names the partner and the purpose."""
    context = browser.new_context(viewport={"width": 390, "height": 900}, locale="id-ID",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in_page(page, exchange_ready, "pelindungan", demo_password("pelindungan"))
        page.goto(exchange_ready + "/cases")
        page.locator("#case-list tbody tr a").first.click()
        page.wait_for_load_state()
        page.click("#exchange-link")
        form = page.locator("#consent-form")
        form.locator("[name=recipient]").fill("e2e-kbri")
        form.locator("[name=purpose]").select_option("services")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        done = page.locator("#exchange-done")
        assert done.get_attribute("role") == "status"
        assert done.inner_text() == ("Persetujuan korban untuk e2e-kbri (rujukan layanan) "
                                     "tercatat.")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(tmp_path / "consent-390.png"))
    finally:
        context.close()
