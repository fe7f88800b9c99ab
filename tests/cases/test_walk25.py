"""Round 25 walk-through of the case pages (EN+ID): a country as the officer types it, the
timeline's values as the printed summary writes them (dates DD-MM-YYYY, an organisation by its
name, "Country" not the form's hint), task and plan dates, dates without a zone."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.cases.conftest import create_case
from waspada.platform.countries import UnknownCountry, country_code, country_names


def _token(client: Any) -> str:
    return client.cookies.get("waspada_csrf") or ""


@contextmanager
def _english(client: Any) -> Iterator[None]:
    client.cookies.set("waspada_lang", "en")
    try:
        yield
    finally:
        client.cookies.delete("waspada_lang")


def _events(client: Any, case_id: int) -> list[dict[str, Any]]:
    return list(client.get(f"/api/v1/cases/{case_id}").json()["events"])


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# -- 1. a country as it is typed ----------------------------------------------------------------

@pytest.mark.parametrize(("typed", "code"), [
    ("Kamboja", "KH"), ("Cambodia", "KH"), ("cambodia", "KH"), ("KH", "KH"), ("kh", "KH"),
    ("KHM", "KH"), ("khm", "KH"), ("Filipina", "PH"), ("Philippines", "PH"),
    ("Uni Emirat Arab", "AE"), ("Myanmar (Burma)", "MM"), ("Korea Selatan", "KR"),
    ("Côte d’Ivoire", "CI"), ("cote d'ivoire", "CI")])
def test_a_country_by_name_or_code(typed: str, code: str) -> None:
    assert country_code(typed) == code


@pytest.mark.parametrize("typed", ["Cambodja", "XX", "ZZ", "EU", "AAA", "Kamboja Selatan", "1"])
def test_text_that_names_no_country_is_refused(typed: str) -> None:
    with pytest.raises(UnknownCountry):
        country_code(typed)


def test_the_country_names_offered_are_countries_in_the_readers_language() -> None:
    assert "Kamboja" in country_names("id") and "Cambodia" in country_names("en")
    assert not [n for n in country_names("id") + country_names("en") if len(n) <= 3]


def test_the_event_form_takes_a_country_name_and_stores_its_code(protection: Any) -> None:
    case = create_case(protection)
    cid = case["id"]
    page = protection.get(f"/cases/{cid}").text
    field = re.search(r'<input name="country"[^>]*>', page).group(0)  # type: ignore[union-attr]
    assert 'maxlength="2"' not in field and 'list="country-names"' in field
    assert '<datalist id="country-names">' in page and '<option value="Kamboja">' in page
    assert "kode ISO" not in page
    before = len(_events(protection, cid))
    saved = protection.post(f"/cases/{cid}/event", data={
        "csrf_token": _token(protection), "type": "Exploitation", "city": "Bavet",
        "country": "Cambodia"}, follow_redirects=False)
    assert saved.status_code == 303
    events = _events(protection, cid)
    assert len(events) == before + 1 and events[-1]["country"] == "KH"
    shown = _text(protection.get(f"/cases/{cid}").text)
    assert "Bavet, Kamboja" in shown and "Kanada" not in shown


def test_an_unknown_country_is_a_clear_indonesian_error_and_nothing_is_stored(
        protection: Any) -> None:
    case = create_case(protection)
    cid = case["id"]
    before = len(_events(protection, cid))
    refused = protection.post(f"/cases/{cid}/event", data={
        "csrf_token": _token(protection), "type": "Transit", "city": "Poipet",
        "country": "Cambodja"}, follow_redirects=False)
    assert refused.status_code == 422
    assert "Negara tidak dikenal" in refused.text and 'value="Cambodja"' in refused.text
    assert len(_events(protection, cid)) == before


def test_the_api_takes_a_name_or_code_and_refuses_an_unknown_code(protection: Any) -> None:
    case = create_case(protection, destination_country="Kamboja")
    assert case["destination_country"] == "KH"
    cid = case["id"]
    ok = protection.post(f"/api/v1/cases/{cid}/events", json={"type": "Transit",
                                                             "country": "KHM"})
    assert ok.status_code == 201 and _events(protection, cid)[-1]["country"] == "KH"
    for bad in ("XX", "Cambodja"):
        assert protection.post(f"/api/v1/cases/{cid}/events",
                               json={"type": "Transit", "country": bad}).status_code == 422
    intake = protection.post("/api/v1/cases", json={
        "destination_country": "QQ", "persons": [{"role": "victim", "full_name": "Uji"}]})
    assert intake.status_code == 422


def test_the_public_report_refuses_an_unknown_country() -> None:
    from waspada.cases.store.intake import clean_public_report

    form = {"reporter_name": "Ibu", "reporter_phone": "081234567890", "victim_name": "Anak",
            "destination_country": "kamboja"}
    assert clean_public_report(form).destination_country == "KH"
    assert "destination_country" not in clean_public_report(form).problems
    refused = clean_public_report({**form, "destination_country": "XX"})
    assert refused.problems["destination_country"] == "invalid"


# -- 2-4. the timeline's values as the printed summary writes them --------------------------------

def _step(client: Any, cid: int, transition: str, **values: str) -> None:
    done = client.post(f"/cases/{cid}/transition", data={
        "csrf_token": _token(client), "transition": transition, **values},
        follow_redirects=False)
    assert done.status_code == 303, _text(done.text)[:400]


def test_the_timeline_writes_dates_organisations_and_countries_in_words(
        role_clients: Any, protection: Any) -> None:
    code = "LSM_" + uuid.uuid4().hex[:6].upper()
    added = role_clients["admin"].post("/api/v1/cases/organisations", json={
        "code": code, "name": "Yayasan Pendamping Uji", "org_type": "NGO"})
    assert added.status_code == 201, added.text
    case = create_case(protection)
    cid = case["id"]
    _step(protection, cid, "verify", trafficking_status="ActualVictimOfTrafficking",
          note="dikonfirmasi")
    _step(protection, cid, "locate", location_country="Cambodia",
          location_city="Sihanoukville")
    _step(protection, cid, "exit", exit_date="2026-01-02", exit_mode="rescued")
    _step(protection, cid, "shelter", shelter_name="Shelter KBRI")
    _step(protection, cid, "verify_citizenship", citizenship_basis="passport")
    _step(protection, cid, "issue_splp", splp_number="SPLP-1", splp_issued_on="2026-01-05")
    _step(protection, cid, "repatriate", arrival_date="2026-01-09", arrival_port="Soetta")
    _step(protection, cid, "hand_over", handover_to=code, handover_date="2026-01-10")
    located = protection.get(f"/api/v1/cases/{cid}").json()["history"]
    assert any((h.get("values") or {}).get("location_country") == "KH" for h in located)
    indonesian = _text(protection.get(f"/cases/{cid}").text)
    with _english(protection):
        english = _text(protection.get(f"/cases/{cid}").text)
    for page in (indonesian, english):
        assert not re.search(r"\b2026-01-\d\d\b", page)
        assert code not in page and "Yayasan Pendamping Uji" in page
        assert "ISO" not in page
    assert "02-01-2026" in indonesian and "10-01-2026" in indonesian
    assert "Date of exit: 02-01-2026" in english and "Hand-over date: 10-01-2026" in english
    assert "Arrival date: 09-01-2026" in english
    assert "Country: Cambodia" in english and "Negara: Kamboja" in indonesian


def test_a_located_step_with_an_unknown_country_is_refused_in_indonesian(
        protection: Any) -> None:
    case = create_case(protection)
    cid = case["id"]
    _step(protection, cid, "verify", trafficking_status="ActualVictimOfTrafficking",
          note="dikonfirmasi")
    refused = protection.post(f"/cases/{cid}/transition", data={
        "csrf_token": _token(protection), "transition": "locate",
        "location_country": "Cambodja"}, follow_redirects=False)
    assert refused.status_code in (409, 422)
    assert "Negara tidak dikenal" in refused.text
    assert protection.get(f"/api/v1/cases/{cid}").json()["status"] == "verified"


# -- 5. tasks and support plans ------------------------------------------------------------------

def test_task_and_support_plan_dates_are_written_day_month_year(protection: Any) -> None:
    case = create_case(protection)
    cid = case["id"]
    protection.post(f"/cases/{cid}/task", data={"csrf_token": _token(protection),
                                                "title": "Telepon keluarga",
                                                "due_on": "2026-12-20"})
    protection.post(f"/cases/{cid}/support-plan", data={
        "csrf_token": _token(protection), "type": "Health", "objectives": "cek medis",
        "planned_end": "2027-01-15"})
    for lang_page in (protection.get(f"/cases/{cid}").text,):
        page = _text(lang_page)
        assert "Telepon keluarga · 20-12-2026" in page and "2026-12-20" not in page
        assert "15-01-2027" in page and "2027-01-15" not in page
    with _english(protection):
        page = _text(protection.get(f"/cases/{cid}").text)
    assert "20-12-2026" in page and "15-01-2027 · cek medis" in page


# -- 6. a date without a time names no zone -------------------------------------------------------

def test_deadline_and_list_dates_carry_no_zone(protection: Any) -> None:
    case = create_case(protection)
    detail = _text(protection.get(f"/cases/{case['id']}").text)
    deadline = re.search(r"(Batas waktu|Tenggat)[^0-9]*(\d\d-\d\d-\d{4})(\s*\S*)", detail)
    assert deadline is not None, detail[:600]
    assert not re.match(r"\s*(WIB|WITA|WIT|UTC)", deadline.group(3))
    listing = _text(protection.get("/cases", params={"reference": case["reference"]}).text)
    assert not re.search(r"\d\d-\d\d-\d{4} (WIB|WITA|WIT|UTC)", listing)
