"""The HTCDS export from the cases list in the browser: "Ekspor HTCDS" starts the job, the job
page reloads itself when the job ends and offers the kept file, whose download is the zip."""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from tests.e2e.conftest import sign_in_page
from waspada.demo.synthetic import demo_password

pytestmark = pytest.mark.e2e


def test_the_cases_list_starts_the_htcds_export_and_the_job_page_offers_the_file(  # type: ignore[no-untyped-def]
        page, live_server: str, tmp_path) -> None:
    sign_in_page(page, live_server, "pelindungan", demo_password("pelindungan"))
    page.goto(live_server + "/cases?destination=KH")
    form = page.locator("#htcds-export")
    assert form.locator("input[name=destination]").get_attribute("value") == "KH"
    form.locator("select[name=format]").select_option("htcds-csv")
    screenshots = os.environ.get("WASPADA_SCREENSHOTS")
    if screenshots:
        page.screenshot(path=f"{screenshots}/cases-export-button.png", full_page=False)
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/jobs/*")
    job_id = page.url.rsplit("/", 1)[1]
    page.wait_for_selector("#download-file", timeout=120_000)  # the page reloads when done
    assert "Unduh hasil" in page.inner_text("#job-files")
    assert "cases-htcds.zip" in page.inner_text("#job-files")
    if screenshots:
        page.screenshot(path=f"{screenshots}/cases-export-job.png", full_page=True)
    with page.expect_download() as info:
        page.click("#download-file")
    download = info.value
    assert download.suggested_filename == f"job-{job_id}-cases-htcds.zip"
    target = tmp_path / "export.zip"
    download.save_as(target)
    with zipfile.ZipFile(io.BytesIO(target.read_bytes())) as archive:
        assert {"cases.csv", "persons.csv", "README.txt"} <= set(archive.namelist())
