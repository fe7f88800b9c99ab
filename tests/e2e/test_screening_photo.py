"""The screening start form in headless Chromium: upload a rendered data page, see the fields
filled and the MRZ crop, then start the screening from the filled form."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import sign_in_page
from tests.e2e.photo import read_photo
from waspada.demo.synthetic import demo_password
from waspada.identity.mrz import generate_mrz

pytestmark = pytest.mark.e2e


def test_photo_fills_the_start_form(page, live_server: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    lines = generate_mrz("TD3", surname="NASUTION", given_names="RIZKY",
                         document_number="E9081726", birth_date="1999-12-31", sex="M",
                         expiry_date="2030-03-15", issuing_state="IDN", nationality="IDN")
    read_photo(page, live_server, "petugas.tpi", "/screenings", lines, tmp_path / "paspor.jpg",
               seed=33, typed={"input[name=destination_country]": "KHM"})
    assert page.input_value("input[name=full_name]") == "RIZKY NASUTION"
    assert page.input_value("input[name=passport_no]") == "E9081726"
    assert page.input_value("input[name=nationality]") == "IDN"
    assert page.input_value("input[name=birth_date]") == "1999-12-31"
    assert page.input_value("select[name=sex]") == "M"
    assert page.input_value("input[name=expiry_date]") == "2030-03-15"
    assert "E9081726" in page.inner_text("#mrz-fields")
    page.click("#start-form button.primary")
    page.wait_for_url("**/screenings/*")
    assert "RIZKY NASUTION" in page.inner_text("main")


def test_enter_in_a_field_starts_the_screening_not_the_photo_read(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    """The photo button comes first in the form; Enter must still use the form's own action."""
    sign_in_page(page, live_server, "petugas.tpi", demo_password("petugas.tpi"))
    page.goto(live_server + "/screenings")
    page.fill("input[name=full_name]", "WULAN SARI")
    page.fill("input[name=destination_country]", "THA")
    page.press("input[name=full_name]", "Enter")
    page.wait_for_url("**/screenings/*")
    assert "WULAN SARI" in page.inner_text("main")


def test_enter_on_the_documents_page_checks_not_reads(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    sign_in_page(page, live_server, "petugas.paspor", demo_password("petugas.paspor"))
    page.goto(live_server + "/documents")
    page.fill("input[name=nik]", "3174015708900001")
    page.press("input[name=nik]", "Enter")
    page.wait_for_selector("#nik-fields")
    assert "Tebet" in page.inner_text("#nik-fields")
