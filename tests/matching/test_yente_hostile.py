"""Hostile input against the yente-compatible match API (issue #13, round 21 pass).

Each test is a defect found by the round-21 security pass; each failed before its fix.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient


def _person(name: str = "Siti Rahmawati Lubis", **props: Any) -> dict[str, Any]:
    return {"queries": {"q": {"schema": "Person", "properties": {"name": name, **props}}}}


@pytest.fixture(scope="module")
def api(role_clients: dict[str, TestClient]) -> TestClient:
    return role_clients["analyst"]


@pytest.mark.parametrize("value", ["0000-00-00", "9999-99-99", "2020-13-45", "2020-02-30",
                                   "2020-01-01T99", "2020-01-01T10:61"])
def test_changed_since_that_is_no_date_is_a_422(api: TestClient, value: str) -> None:
    # the pattern admitted these and datetime.fromisoformat raised in the search: a 500
    r = api.post("/api/v1/match", json=_person(), params={"changed_since": value})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["detail"][0]["loc"] == ["query", "changed_since"]


def test_changed_since_still_filters(api: TestClient) -> None:
    for value in ("2020-01-01", "2020-01-01T10", "2020-01-01T10:30:00"):
        r = api.post("/api/v1/match", json=_person(), params={"changed_since": value})
        assert r.status_code == 200, r.text


@pytest.mark.parametrize("name", ["\\ud800", "Siti \\udfff", "\\ud83d", "\\\\\\udc00x"])
def test_lone_surrogate_escape_is_refused_not_a_500(api: TestClient, name: str) -> None:
    # json decodes "\ud800" into a str that cannot be encoded as UTF-8: the answer echoing it
    # could not be written (500), and the watchlist could not store it
    body = '{"queries": {"q": {"schema": "Person", "properties": {"name": "%s"}}}}' % name
    r = api.post("/api/v1/match", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "invalid_value"
    entry = ('{"record_id": "H21-SUR", "full_name": "%s", "reason": "t", "source": "t"}'
             % name)
    r = api.post("/api/v1/watchlist", content=entry, headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert api.get("/api/v1/watchlist", params={"limit": 1000}).text.count("H21-SUR") == 0


def test_paired_surrogate_escapes_and_escaped_backslashes_still_pass(api: TestClient) -> None:
    for name in ("Siti \\ud83d\\ude00", "Siti \\\\ud800"):  # an emoji; a literal "\ud800"
        body = '{"queries": {"q": {"schema": "Person", "properties": {"name": "%s"}}}}' % name
        r = api.post("/api/v1/match", content=body,
                     headers={"Content-Type": "application/json"})
        assert r.status_code == 200, r.text


def test_apikey_is_exempt_from_csrf_like_bearer(api: TestClient, client: TestClient) -> None:
    # a yente client's "Authorization: ApiKey" with another JSON type was refused as a
    # forged form ("The form has expired...") while "Bearer" passed
    page = api.post("/account/tokens", data={"name": "hostile21", "scope": "read",
                                             "csrf_token": api.cookies["waspada_csrf"]})
    raw = page.text.split('id="new-token">')[1].split("<")[0]
    for scheme in ("ApiKey", "Bearer"):
        r = client.post("/api/v1/match", content=b'{"queries": {}}',
                        headers={"Authorization": f"{scheme} {raw}",
                                 "Content-Type": "application/vnd.api+json"})
        assert r.status_code != 403, (scheme, r.text)
    # without a credential the header is no token: the CSRF check stays
    r = client.post("/api/v1/match", content=b"{}", headers={"Authorization": "ApiKey ",
                                                             "Content-Type": "text/plain"})
    assert r.status_code == 403


def _echo(r: Any) -> dict[str, list[str]]:
    assert r.status_code == 200, r.text
    return r.json()["responses"]["q"]["query"]["properties"]


def test_a_nik_sent_as_a_json_number_keeps_every_digit(api: TestClient) -> None:
    # above 2^53 the number fell through to float: 9471234567890123 (a Papua NIK) was read
    # as "9471234567890124.0", a different identifier, compared without a warning
    body = '{"queries": {"q": {"schema": "Person", "properties": {"name": "Siti", ' \
           '"idNumber": 9471234567890123, "passportNumber": 123456789012345678901234}}}}'
    echo = _echo(api.post("/api/v1/match", content=body,
                          headers={"Content-Type": "application/json"}))
    assert echo["idNumber"] == ["9471234567890123"]
    assert echo["passportNumber"] == ["123456789012345678901234"]
    # a number longer than any identifier is refused, never rounded
    body = body.replace("123456789012345678901234", "1" + "0" * 40)
    r = api.post("/api/v1/match", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and "send identifiers as strings" in r.text


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_property_values_are_refused(api: TestClient, value: str) -> None:
    # Python's json reads NaN/Infinity: the name "nan" or "inf" was searched
    body = '{"queries": {"q": {"schema": "Person", "properties": {"name": %s}}}}' % value
    r = api.post("/api/v1/match", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code in (400, 422), r.text


def test_query_ids_are_bounded(api: TestClient) -> None:
    r = api.post("/api/v1/match", json={"queries": {"q" * 201: _person()["queries"]["q"]}})
    assert r.status_code == 422, r.text[:300]
    assert api.post("/api/v1/match",
                    json={"queries": {"q" * 200: _person()["queries"]["q"]}}).status_code == 200
