"""Background jobs in the browser (issue #16, defects 9 and 10): the bulk offer scan and the
dedupe run start from their pages, the submit button is disabled while the form is sent, the
job page's progress bar moves to completion, the page can be left and re-opened, results are
paged, and a bad threshold is shown next to its field."""

from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import sign_in_page
from tests.integration.test_offers_web import BENIGN, RISKY
from tests.matching.conftest import dataset, write_csv
from waspada.demo.synthetic import demo_password

pytestmark = pytest.mark.e2e


def _posts(tmp_path, n: int):  # type: ignore[no-untyped-def]
    path = tmp_path / "posts.jsonl"
    path.write_text("".join(json.dumps({"id": f"p{i}", "text": RISKY if i % 3 else BENIGN})
                            + "\n" for i in range(n)), encoding="utf-8")
    return path


def test_bulk_scan_runs_as_a_job_with_progress_to_completion(page, live_server: str,  # type: ignore[no-untyped-def]
                                                             tmp_path) -> None:
    sign_in_page(page, live_server, "analis", demo_password("analis"))
    page.goto(live_server + "/offers/scan")
    # the submit button is disabled once the form is being sent (a second click would start
    # a second scan); a listener added after the page's own stops this one submission
    page.set_input_files("input[name=upload]", str(_posts(tmp_path, 5)))
    page.evaluate("""document.getElementById('scan-form').addEventListener('submit',
                     (e) => e.preventDefault(), {once: true})""")
    page.click("#scan-form button[type=submit]")
    assert page.evaluate("document.querySelector('#scan-form button[type=submit]').disabled")
    page.goto(live_server + "/offers/scan")
    page.set_input_files("input[name=upload]", str(_posts(tmp_path, 2400)))
    page.click("#scan-form button[type=submit]")
    page.wait_for_url("**/jobs/*")
    job_path = page.url.removeprefix(live_server)
    # leave the page and come back through "Pekerjaan saya": the job goes on meanwhile
    page.goto(live_server + "/jobs")
    page.click(f"#jobs a[href='{job_path}']")
    page.wait_for_url("**" + job_path)
    seen: set[int] = set()
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        try:
            if page.query_selector("#results"):
                break
            value = page.evaluate("(document.getElementById('job-progress') || {}).value")
        except PlaywrightError:  # the page reloads itself when the job ends
            page.wait_for_timeout(150)
            continue
        if value is not None:
            seen.add(int(value))
        page.wait_for_timeout(150)
    page.wait_for_selector("#results", timeout=5_000)
    assert any(0 < v < 100 for v in seen), seen  # the bar moved while the job ran
    assert page.inner_text("#job-state") == "Selesai"
    assert page.evaluate("document.getElementById('job-progress').value") == 100
    assert "2.400 baris; halaman 1 dari 48." in page.inner_text("#rows-count")
    assert len(page.query_selector_all("#results tbody tr")) == 50
    page.click("a[rel=next]")
    page.wait_for_url("**page=2")
    assert len(page.query_selector_all("#results tbody tr")) == 50
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the wide table scrolls
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # inside its box
    page.screenshot(path=str(tmp_path / "job-390.png"), full_page=False)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.click("text=Kontak yang muncul berulang")
    page.wait_for_url("**section=recurring")
    assert "+85512345678" in page.inner_text("#results")
    with page.expect_download() as download:
        page.click("#download")
    assert download.value.suggested_filename.endswith("-recurring.csv")


@pytest.fixture()
def person_file(tmp_path):  # type: ignore[no-untyped-def]
    records, pairs = dataset()
    return write_csv(tmp_path / "people.csv", records), pairs


def test_dedupe_form_error_at_the_field_then_a_run_to_its_review(page, live_server: str,  # type: ignore[no-untyped-def]
                                                                 person_file) -> None:
    sign_in_page(page, live_server, "analis", demo_password("analis"))
    page.goto(live_server + "/dedupe")
    assert page.is_visible("#format-hint") and page.is_visible("#example-link")
    path, _ = person_file
    page.set_input_files("input[name=file]", str(path))
    page.fill("input[name=threshold]", "abc")
    page.click("#dedupe-form button[type=submit]")
    page.wait_for_selector("#threshold-error")
    assert "Ambang" in page.inner_text("#threshold-error")
    assert page.input_value("input[name=threshold]") == "abc"  # the form came back filled in
    page.set_input_files("input[name=file]", str(path))
    page.fill("input[name=threshold]", "0.9")
    page.click("#dedupe-form button[type=submit]")
    page.wait_for_url("**/jobs/*")
    page.wait_for_selector("#result-link", timeout=240_000)
    assert page.inner_text("#job-state") == "Selesai"
    page.click("#result-link")
    page.wait_for_url("**/dedupe/runs/*")
    assert "Proses #" in page.inner_text("h1")
    assert page.inner_text(".cluster-score") and "tanggal lahir" in page.inner_text(
        ".cluster-reason")
