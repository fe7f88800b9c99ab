"""One case in headless Chromium: a family reports it on the public form, the protection officer
takes it from report to repatriation, and the family's follow-up code shows the new status."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.conftest import sign_in_page
from waspada.demo.synthetic import demo_password

pytestmark = pytest.mark.e2e

STEPS = [
    ("verify", {"note": "Keluarga dan korban dihubungi"}),
    ("locate", {"location_country": "KH", "location_city": "Bavet"}),
    ("exit", {"exit_date": "2026-01-05"}),
    ("shelter", {"shelter_name": "Shelter KBRI"}),
    ("verify_citizenship", {}),
    ("issue_splp", {"splp_number": "SPLP-E2E-1", "splp_issued_on": "2026-01-08"}),
    ("repatriate", {"arrival_date": "2026-01-10", "arrival_port": "TPI Soekarno-Hatta"}),
]


def test_case_from_public_report_to_repatriation(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    from waspada.cases.pages import public_report_limiter

    public_report_limiter.reset()
    victim = "Rahayu Kembang " + uuid.uuid4().hex[:6].capitalize()
    # 1. the family reports, without an account
    page.goto(live_server + "/lapor")
    assert "Laporkan keluarga yang terjebak di luar negeri" in page.content()
    page.fill("input[name=reporter_name]", "Ibu Darsih")
    page.fill("input[name=reporter_phone]", "081234500000")
    page.fill("input[name=relationship]", "ibu")
    page.fill("input[name=victim_name]", victim)
    page.select_option("select[name=destination_country]", "KH")
    page.fill("textarea[name=description]", "Dijanjikan kerja admin, ditahan di Bavet.")
    page.check("input[name=consent]")
    page.click("#public-report button[type=submit]")
    code = page.locator("#follow-up-code").inner_text().strip()
    assert len(code) == 19 and code.count("-") == 3  # the short code (issue #16 item 14)
    # 2. the protection officer at KBRI Phnom Penh finds it and moves it step by step
    sign_in_page(page, live_server, "pelindungan", demo_password("pelindungan"))
    page.goto(live_server + "/cases")
    page.locator("#case-list tr", has_text=victim).locator("a").first.click()
    page.wait_for_load_state()
    assert page.locator("#case-status").inner_text().startswith("Dilaporkan")
    for code_, values in STEPS:
        page.locator(f"details[data-transition={code_}] summary").click()
        form = page.locator(f"#transition-{code_}")
        for name, value in values.items():
            form.locator(f"[name={name}]").fill(value)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert page.locator("#case-error").count() == 0, (code_, page.content()[:3000])
    assert page.locator("#case-status").inner_text().startswith("Dipulangkan")
    timeline = page.locator("#timeline").inner_text()
    for label in ("Terverifikasi", "SPLP diterbitkan", "Dipulangkan"):
        assert label in timeline
    page.fill("#comment-form textarea[name=body]", "Tiba di CGK, diserahkan ke KP2MI besok.")
    page.click("#comment-form button[type=submit]")
    assert "Tiba di CGK" in page.locator("#comments").inner_text()
    # 3. the family's code shows the new status, and nothing else
    page.goto(live_server + "/lapor/status")
    page.fill("input[name=code]", code)
    page.click("form[action='/lapor/status'] button[type=submit]")
    status = page.locator("#public-status").inner_text()
    assert "Dipulangkan" in status and victim not in page.content()
