"""Round 25 (English walk-through, role analis): a saved scan's contacts.csv wrote codes
("phones,…,high") where the job's recurring.csv has words; the decisions line wrote "100 %"
in English; a bulk scan's indicators read in the language of whoever started it."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from fastapi.testclient import TestClient

from tests.integration.test_offers_web import BENIGN, RISKY
from tests.jobs_helpers import finish_jobs, job_id_of
from waspada.offers import service
from waspada.offers.catalogue import load_catalogue
from waspada.offers.pages import _percents
from waspada.offers.scanjob import SCAN
from waspada.offers.schemas import ReportIn, ReportStatusIn
from waspada.platform import i18n
from waspada.platform.db import session_scope
from waspada.platform.jobs.service import cell
from waspada.platform.security.policy import Principal
from waspada.platform.security.roles import Role
from waspada.platform.tallies import Share

CAMBODIA = load_catalogue().by_code("DEST_CAMBODIA")
ANALYST = Principal(user_id=None, username="analis-test", role=Role.ANALYST, unit_id=None)


def _scan(client: TestClient) -> int:
    """A finished scan job of six posts, three of them RISKY (one phone number in each)."""
    lines = [json.dumps({"id": f"p{i}", "text": RISKY if i % 2 else BENIGN}) for i in range(6)]
    started = client.post("/offers/scan", data={"csrf_token": client.cookies["waspada_csrf"]},
                          files={"upload": ("posts.jsonl", "\n".join(lines).encode(),
                                            "application/x-ndjson")}, follow_redirects=False)
    job = job_id_of(started)
    finish_jobs()
    return job


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_a_saved_scans_contacts_csv_has_the_jobs_words(role_clients, english) -> None:  # type: ignore[no-untyped-def]
    job = _scan(role_clients["analyst"])
    scan_id = role_clients["analyst"].get("/offers/scan").text.split(
        "/offers/scan/")[1].split("/")[0]
    for client, phone in ((role_clients["analyst"], "Nomor telepon,+85512345678,3,risiko tinggi"),
                          (english, "Phone number,+85512345678,3,high risk")):
        recurring = client.get(f"/jobs/{job}/recurring.csv").text
        contacts = client.get(f"/offers/scan/{scan_id}/contacts.csv").text
        assert _rows(contacts)[0] == _rows(recurring)[0]  # the same columns, in words
        assert phone in recurring and phone in contacts, contacts
        assert "phones," not in contacts and ",high," not in contacts


def test_a_scans_indicators_read_in_the_readers_language(role_clients, english) -> None:  # type: ignore[no-untyped-def]
    indonesian = role_clients["analyst"]
    for starter, reader, shown, hidden in (
            (indonesian, english, CAMBODIA.title_en, CAMBODIA.title_id),
            (english, indonesian, CAMBODIA.title_id, CAMBODIA.title_en)):
        job = _scan(starter)
        page = reader.get(f"/jobs/{job}?section=results").text
        assert shown in page and hidden not in page
        download = reader.get(f"/jobs/{job}/results.csv").text
        assert shown in download and hidden not in download and "DEST_" not in download


def test_an_old_jobs_stored_titles_read_in_the_readers_language() -> None:
    """A job stored before round 25 holds its indicators' titles in its starter's language."""
    words = next(c.labels for s in SCAN.sections for c in s.columns if c.key == "indicators")
    assert cell([CAMBODIA.title_id, "an unknown title"], words, "en") == (
        f"{CAMBODIA.title_en}, an unknown title")
    assert cell(["DEST_CAMBODIA"], words, "en") == CAMBODIA.title_en


@pytest.mark.parametrize("lang", ["en", "id"])
def test_a_share_is_a_percentage_in_the_readers_locale(lang: str) -> None:
    token = i18n.current_language.set(lang)
    try:
        assert _percents(Share(1, 1)) == {"value": "100%", "interval": "21%–100%"}
        assert _percents(Share(0, 0)) == {}
    finally:
        i18n.current_language.reset(token)


def test_the_decisions_line_writes_no_space_before_percent(role_clients, english) -> None:  # type: ignore[no-untyped-def]
    with session_scope() as db:
        report_id = service.report_offer(db, ReportIn(text=RISKY, consent="yes")).id
    with session_scope() as db:
        service.set_report_status(db, ANALYST, report_id, ReportStatusIn(status="referred"))
    for client, interval in ((english, "95 percent interval"), (role_clients["analyst"], None)):
        page = client.get("/offers/scan").text
        shares = page.split('<ul id="verdict-shares">', 1)[1].split("</ul>", 1)[0]
        assert re.search(r"\(\d+%; [^)]* \d+%–\d+%\)", shares), shares
        assert " %" not in shares
        if interval:
            assert interval in shares
