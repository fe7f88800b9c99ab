"""The shape both photo-upload browser tests share (the screening start form and Periksa
Dokumen): sign in, open the page, type some fields, upload a rendered data page, read it and
wait for the MRZ crop; the MRZ box holds the lines and the crop is a real decoded image."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.docpages import page_bytes
from tests.e2e.conftest import sign_in_page
from waspada.demo.synthetic import demo_password


def read_photo(page: Any, base: str, username: str, path: str, lines: list[str],
               photo: Path, *, seed: int, typed: dict[str, str]) -> None:
    """Upload a JPEG of the data page with ``lines`` on ``path`` and wait for the read."""
    photo.write_bytes(page_bytes(lines, strength=1, seed=seed, fmt="JPEG"))
    sign_in_page(page, base, username, demo_password(username))
    page.goto(base + path)
    assert page.get_attribute("#image", "capture") == "environment"
    for selector, value in typed.items():
        page.fill(selector, value)
    page.set_input_files("#image", str(photo))
    # the first read in the server process loads the OCR model; allow for a loaded machine
    page.set_default_timeout(120_000)
    page.click("#read-image")
    page.wait_for_selector("#mrz-crop img")
    assert page.input_value("#mrz") == "\n".join(lines)
    # the crop is a real image the browser decoded (a data: URL, allowed by the CSP)
    width = page.evaluate("document.querySelector('#mrz-crop img').naturalWidth")
    assert width > 300
    for selector, value in typed.items():
        assert page.input_value(selector) == value  # typed fields are kept
