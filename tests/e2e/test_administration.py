"""Administration, audit trail, work queues and person search in headless Chromium (issue #16
part D): what an administrator, an auditor and each officer click through, without JavaScript
tricks (confirmations are plain forms)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import sign_in_page
from waspada.demo.synthetic import DEMO_ACCOUNTS, demo_password
from waspada.platform.db import session_scope
from waspada.platform.security.users import add_user

pytestmark = pytest.mark.e2e

PASSWORD = "Correct-horse-1"
#: set to a folder to keep each role's home page as beranda-<role>.png (docs/img)
SHOTS = os.environ.get("WASPADA_SCREENSHOTS")


def _no_horizontal_overflow(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def test_admin_disables_after_confirming_and_cannot_lock_themselves_out(
        page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    with session_scope() as session:
        add_user(session, "e2e.target", role="analyst", unit="TPI Kualanamu", password=PASSWORD)
    sign_in_page(page, live_server, "admin", demo_password("admin"))
    page.goto(live_server + "/admin/users")
    own_row = page.locator("tr", has=page.locator("a", has_text=re.compile(r"^admin$")))
    assert own_row.locator("button.danger").count() == 0  # no "Nonaktifkan" on one's own row
    row = page.locator("tr", has=page.locator("a", has_text="e2e.target"))
    row.locator("button.danger").click()
    page.wait_for_load_state()
    assert "Mohon konfirmasi" in page.locator("h1").inner_text()
    assert "e2e.target" in page.locator("#confirm-question").inner_text()
    page.click("text=Ya, lanjutkan")
    page.wait_for_url(live_server + "/admin/users")
    row = page.locator("tr", has=page.locator("a", has_text="e2e.target"))
    assert "nonaktif" in row.inner_text()
    # the typo'd unit cannot even be chosen: units come from a list
    assert page.locator("select[name=unit] option", has_text="TPI Kualanamu").count() == 1


def test_admin_changes_role_and_resets_a_password(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    with session_scope() as session:
        add_user(session, "e2e.edit", role="analyst", unit="TPI Kualanamu", password=PASSWORD)
    sign_in_page(page, live_server, "admin", demo_password("admin"))
    page.goto(live_server + "/admin/users")
    page.click("a:text-is('e2e.edit')")
    page.select_option("select[name=role]", "passport_officer")
    page.select_option("select[name=unit_id]", label="Kanim Kelas I Malang")
    page.click("form[action$='/edit'] button[type=submit]")
    page.wait_for_load_state()
    assert "Petugas Paspor" in page.locator("#confirm-question").inner_text()
    page.click("text=Ya, lanjutkan")
    page.wait_for_load_state()
    assert "Kanim Kelas I Malang" in page.locator("p.lead").inner_text()
    page.click("text=Atur ulang kata sandi")
    page.wait_for_load_state()
    page.click("text=Ya, lanjutkan")
    page.wait_for_load_state()
    temporary = page.locator("#temporary-password").inner_text()
    assert len(temporary) >= 16
    # the user signs in with it and must choose their own password first
    other = page.context.browser.new_context(locale="id-ID").new_page()
    try:
        other.goto(live_server + "/login")
        other.fill("input[name=username]", "e2e.edit")
        other.fill("input[name=password]", temporary)
        other.click("button[type=submit]")
        other.wait_for_url(live_server + "/account/password")
        other.fill("input[name=current]", temporary)
        other.fill("input[name=password]", "Pilihan-sendiri-7")
        other.fill("input[name=repeat]", "Pilihan-sendiri-7")
        other.click("form[action='/account/password'] button[type=submit]")
        other.wait_for_url(re.compile(r".*/\?password=changed$"))
        assert other.locator("#work-queue").is_visible()
    finally:
        other.context.close()


def test_auditor_verifies_the_chain_filters_and_exports(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    sign_in_page(page, live_server, "auditor", demo_password("auditor"))
    page.goto(live_server + "/audit")
    page.click("#verify-chain")
    page.wait_for_load_state()
    result = page.locator("#chain-result").inner_text()
    assert "Rantai utuh." in result and "catatan diperiksa" in result
    page.select_option("select[name=action]", "audit.verify")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    actions = page.locator("td.action").all_inner_texts()
    assert actions and set(actions) == {"Rantai audit diverifikasi"}
    page.click("#export-csv")  # the export runs as a job; its page reloads when it is done
    page.wait_for_url("**/jobs/*")
    page.wait_for_selector("#results", timeout=60_000)
    with page.expect_download() as download:
        page.click("#download")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    # r25: the columns are titled in the reader's words (they were the row keys "seq,time,")
    assert text.startswith("Entri,Waktu,") and "Rantai audit diverifikasi" in text
    with page.expect_download() as xlsx:
        page.click("#download-xlsx")
    assert Path(xlsx.value.path()).read_bytes()[:2] == b"PK"
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server + "/audit")
    assert page.locator("#verify-chain").is_visible()


@pytest.mark.parametrize(("username", "role"), [(u, r) for u, r, _unit, _n in DEMO_ACCOUNTS])
def test_each_role_home_is_a_work_queue(page, live_server: str, username: str,  # type: ignore[no-untyped-def]
                                        role: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in_page(page, live_server, username, demo_password(username))
    queues = page.locator("#work-queue section.queue")
    assert queues.count() >= 2
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"beranda-{role.replace('_', '-')}.png"),
                        full_page=True)
    link = page.locator("#work-queue .queue-count a").first
    count = int(link.inner_text())
    target = link.get_attribute("href") or ""
    link.click()
    page.wait_for_load_state()
    assert page.url.split("#")[0].endswith(target.split("#")[0].replace("&amp;", "&"))
    if role in ("checkpoint_officer", "passport_officer"):
        assert page.locator("#today tbody a").count() == count
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server + "/")
    _no_horizontal_overflow(page)


def test_officer_finds_a_traveller_from_the_navigation_search(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    sign_in_page(page, live_server, "petugas.tpi", demo_password("petugas.tpi"))
    page.fill("form.navsearch input[name=q]", "Supriadi Wijaja")  # misspelt
    page.press("form.navsearch input[name=q]", "Enter")
    page.wait_for_url(live_server + "/search")
    assert "Supriadi Wijaja" not in page.url  # the query never goes into the address
    results = page.locator("#search-results")
    assert "BAP/TPI-SOEKARNO-HATTA/2026/0000001" in results.inner_text()
    assert "DEMO-WL-0000001" in results.inner_text()  # the watchlist entry too
    results.locator("a", has_text="BAP/TPI-SOEKARNO-HATTA/2026/0000001").click()
    page.wait_for_load_state()
    assert re.search(r"/screenings/\d+$", page.url)
