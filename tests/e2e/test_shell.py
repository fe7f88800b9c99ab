"""Sign in as each role in headless Chromium; see the role's navigation; CSRF is enforced."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import sign_in_page
from waspada.demo.synthetic import DEMO_ACCOUNTS, demo_password
from waspada.platform.capabilities import nav_items
from waspada.platform.i18n import translate
from waspada.platform.security.policy import Principal, allowed
from waspada.platform.security.roles import Role

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("username", "role"), [(u, r) for u, r, _unit, _n in DEMO_ACCOUNTS])
def test_each_role_sees_its_navigation(app, page, live_server: str, username: str, role: str) -> None:  # type: ignore[no-untyped-def]
    sign_in_page(page, live_server, username, demo_password(username))
    assert page.locator("html").get_attribute("lang") == "id"
    nav_texts = page.locator("nav.mainnav a").all_inner_texts()
    principal = Principal(user_id=0, username=username, role=Role(role), unit_id=0)
    expected = [translate(item.label, "id") for item in nav_items() if allowed(principal, item.action)]
    assert sorted(nav_texts) == sorted(expected)
    assert page.locator(".demo-banner").is_visible()
    # a link the role may not follow is refused with a friendly page
    if role != "admin":
        page.goto(live_server + "/admin/users")
        assert "tidak berwenang" in page.content()


def test_form_without_csrf_token_is_refused(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    sign_in_page(page, live_server, "analis", demo_password("analis"))
    page.goto(live_server + "/account")
    page.evaluate("document.querySelectorAll('input[name=csrf_token]').forEach(e => e.remove())")
    page.fill("input[name=name]", "tanpa token")
    page.click("form[action='/account/tokens'] button[type=submit]")
    page.wait_for_load_state()
    assert "Formulir sudah kedaluwarsa" in page.content()
    # with the token in place, the same form works
    page.goto(live_server + "/account")
    page.fill("input[name=name]", "dengan token")
    page.click("form[action='/account/tokens'] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#new-token").inner_text().startswith("wsp_")


def test_language_switch_to_english(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server + "/login")
    # the language link itself ("text=EN" now also matches the public navigation: "Cek Agensi")
    page.click(".langs a[href^='/lang/en']")
    page.wait_for_load_state()
    assert "Sign in to Waspada" in page.content()
