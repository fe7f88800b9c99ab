"""A full screening at the counter in headless Chromium, through to the PDF record."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import sign_in_page
from waspada.demo.synthetic import demo_password
from waspada.identity.mrz import generate_mrz

pytestmark = pytest.mark.e2e


def test_full_screening_to_pdf(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    sign_in_page(page, live_server, "petugas.tpi", demo_password("petugas.tpi"))
    page.goto(live_server + "/screenings")
    lines = generate_mrz("TD3", surname="PERMATASARI", given_names="INDAH",
                         document_number="E2345678", birth_date="1999-07-21",
                         expiry_date="2032-01-01", issuing_state="IDN", nationality="IDN",
                         sex="F")
    page.fill("#mrz", "\n".join(lines))
    page.fill("input[name=destination_country]", "KHM")
    page.fill("input[name=transit_countries]", "MYS")
    page.select_option("select[name=ticket]", "one_way")
    page.click("#start-form button.primary")
    page.wait_for_url(live_server + "/screenings/*")
    assert "INDAH PERMATASARI" in page.inner_text("#traveller")
    # answering updates the assessment panel without a page load (JavaScript + PATCH API)
    page.check("input[name=q_told_to_lie][value=yes]")
    page.wait_for_selector("#reasons li:has-text('berbohong')")
    page.check("input[name=q_documents_held][value=yes]")
    page.wait_for_selector("#assessment-level:text-is('Tinggi')")
    assert "Polri" in page.inner_text("#recommendation")
    page.check("input[name=legal_bases][value=uu_21_2007]")
    page.fill("textarea[name=statement]", "Saya disuruh agen bilang liburan.")
    page.click("#decision-form button[type=submit]")
    page.wait_for_selector("a[id^=pdf-]")
    href = page.get_attribute("a[id^=pdf-]", "href")
    response = page.request.get(live_server + href)
    assert response.status == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "BERITA ACARA PENUNDAAN KEBERANGKATAN" in text
    assert "INDAH PERMATASARI" in text and "bilang liburan" in text
