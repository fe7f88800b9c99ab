"""A person's date of birth entered by a user lies between 1900-01-01 and today (round 18
left, item 2): case persons (API, intake page, person form, public family report, the store
itself) and screenings (API, page). Before, ``9999-12-31`` was stored."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError

from tests.cases.conftest import create_case, unique_name
from waspada.platform.birth_dates import BirthDate, latest_birth_date

FUTURE = "9999-12-31"
TOO_OLD = "1899-12-31"
ID_MESSAGE = "harus antara 1 Januari 1900 dan hari ini"


class _Model(BaseModel):
    born: BirthDate | None = None


def test_the_bound_is_utc_today_plus_one_day_and_1900() -> None:
    today = datetime.now(UTC).date()
    assert latest_birth_date() == today + timedelta(days=1)
    assert _Model(born=today + timedelta(days=1)).born == today + timedelta(days=1)
    assert _Model(born=date(1900, 1, 1)).born == date(1900, 1, 1)
    for bad in (today + timedelta(days=2), date(1899, 12, 31), date(9999, 12, 31)):
        with pytest.raises(ValidationError, match="between 1900-01-01 and today"):
            _Model(born=bad)


@pytest.fixture()
def protection(role_clients):  # type: ignore[no-untyped-def]
    return role_clients["protection_officer"]


@pytest.mark.parametrize("born", [FUTURE, TOO_OLD])
def test_the_cases_api_refuses_an_impossible_birth_date(protection, born: str) -> None:  # type: ignore[no-untyped-def]
    body = {"destination_country": "KH", "persons": [
        {"role": "victim", "full_name": unique_name(), "birth_date": born}]}
    response = protection.post("/api/v1/cases", json=body)
    assert response.status_code == 422
    assert "between 1900-01-01 and today" in response.text
    case = create_case(protection)
    added = protection.post(f"/api/v1/cases/{case['id']}/persons",
                            json={"role": "victim", "full_name": unique_name(),
                                  "birth_date": born})
    assert added.status_code == 422 and "between 1900-01-01 and today" in added.text


def test_the_store_refuses_it_too(protection) -> None:  # type: ignore[no-untyped-def]
    """Paths that hand the store a plain dict (public form, imports) meet the same bound."""
    from waspada.cases.errors import CaseError
    from waspada.cases.models import Case
    from waspada.cases.store.intake import add_person
    from waspada.platform.db import session_scope

    case = create_case(protection)
    with session_scope() as session:
        row = session.get(Case, case["id"])
        with pytest.raises(CaseError) as refused:
            add_person(session, row, {"role": "victim", "full_name": "X",
                                      "birth_date": FUTURE})
        assert refused.value.code == "invalid_birth_date" and refused.value.status == 422
        session.rollback()


def test_the_intake_page_names_the_problem_in_indonesian_and_keeps_the_input(protection) -> None:  # type: ignore[no-untyped-def]
    name = unique_name()
    protection.get("/cases/new")
    page = protection.post("/cases/new", data={
        "csrf_token": protection.cookies.get("waspada_csrf") or "", "victim_name": name,
        "victim_birth_date": FUTURE, "destination_country": "KH", "source": "family",
        "summary": "Ditahan di Bavet"}, follow_redirects=False)
    assert page.status_code == 422
    assert "Tanggal lahir " + ID_MESSAGE in page.text
    assert name in page.text and FUTURE in page.text  # the form comes back filled in


def test_the_person_form_of_the_case_page_refuses_it(protection) -> None:  # type: ignore[no-untyped-def]
    case = create_case(protection)
    name = unique_name()
    page = protection.post(f"/cases/{case['id']}/person", data={
        "csrf_token": protection.cookies.get("waspada_csrf") or "", "role": "victim",
        "full_name": name, "birth_date": FUTURE}, follow_redirects=False)
    assert page.status_code == 422 and ID_MESSAGE in page.text
    assert name in page.text
    detail = protection.get(f"/api/v1/cases/{case['id']}").json()
    assert all(p["full_name"] != name for p in detail["persons"])


def test_the_public_family_report_refuses_it(client: TestClient) -> None:
    from waspada.cases.pages import public_report_limiter

    public_report_limiter.reset()
    client.get("/lapor")
    name = unique_name()
    page = client.post("/lapor", data={
        "csrf_token": client.cookies.get("waspada_csrf") or "",
        "reporter_name": "Ibu Sumiati", "reporter_phone": "0812 3456 7890",
        "relationship": "ibu", "victim_name": name, "victim_birth_date": FUTURE,
        "destination_country": "KH", "description": "Anak saya tidak bisa pulang.",
        "consent": "1"})
    assert page.status_code in (400, 422)
    assert ID_MESSAGE in page.text and name in page.text
    assert not re.search(r'id="follow-up-code"', page.text)


def test_screenings_refuse_it_in_the_api_and_on_the_page(role_clients) -> None:  # type: ignore[no-untyped-def]
    tpi = role_clients["checkpoint_officer"]
    api = tpi.post("/api/v1/screenings", json={"full_name": "Budi", "birth_date": FUTURE})
    assert api.status_code == 422 and "between 1900-01-01 and today" in api.text
    page = tpi.post("/screenings", data={"full_name": "Budi Santoso", "birth_date": "31-12-9999",
                                         "csrf_token": tpi.cookies["waspada_csrf"]})
    assert page.status_code in (400, 422)
    assert "Tanggal lahir " + ID_MESSAGE in page.text and "Budi Santoso" in page.text
