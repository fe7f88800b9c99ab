"""Periksa Dokumen in headless Chromium: upload a photo of a data page, see the MRZ filled in."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import sign_in_page
from tests.e2e.photo import read_photo
from waspada.demo.synthetic import demo_password
from waspada.identity.mrz import generate_mrz

pytestmark = pytest.mark.e2e


def test_photo_upload_fills_the_mrz_and_shows_the_crop(page, live_server: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    lines = generate_mrz("TD3", surname="KUSUMA", given_names="PUTRI AYU",
                         document_number="C7654321", birth_date="2001-06-30", sex="F",
                         expiry_date="2031-01-20", issuing_state="IDN", nationality="IDN")
    read_photo(page, live_server, "petugas.paspor", "/documents", lines,
               tmp_path / "paspor.jpg", seed=31, typed={"input[name=surname]": "KUSUMA"})
    fields = page.inner_text("#mrz-fields")
    assert "C7654321" in fields and "PUTRI AYU" in fields and "30-06-2001" in fields
    assert page.inner_text("#verdict") == "Tidak ditemukan masalah kritis."


def test_non_image_upload_shows_an_indonesian_error(page, live_server: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = tmp_path / "catatan.txt"
    text.write_text("bukan foto")
    sign_in_page(page, live_server, "petugas.paspor", demo_password("petugas.paspor"))
    page.goto(live_server + "/documents")
    page.set_input_files("#image", str(text))
    page.set_default_timeout(60_000)
    page.click("#read-image")
    page.wait_for_selector("#read-error")
    assert "bukan gambar JPEG, PNG atau TIFF" in page.inner_text("#read-error")
