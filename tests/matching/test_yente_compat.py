"""A yente client pointed at Waspada (issue #13 item 7).

Request shapes are yente's own: the example queries of ``tests/test_match.py`` and
``examples/match_api.py`` in opensanctions/yente (read at 916a474), and the request and
response models of ``yente/data/common.py``. Each difference the issue found has a test here.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import sign_in

# yente tests/test_match.py
QUERY_ZAKHAROV = {"schema": "Person", "properties": {
    "name": ["Alexander Vyacheslavovich ZAKHAROV"], "birthDate": ["1965"], "country": "Russia"}}
MANY_NAMES = {"schema": "Person", "properties": {"name": [
    "Alexander Vyacheslavovich ZAKHAROV", "Aleksandr Vyacheslavovich Zakharov",
    "Александр Вячеславович Захаров", "Александр ЗАХАРОВ", "Захаров Александр Вячеславович",
    "Zakharov Aleksandr Vyacheslavovich", "Aleksandr Vjačeslavovič Zacharov"]}}
# yente examples/match_api.py
EXAMPLE_1 = {"schema": "Person", "properties": {
    "name": ["Arkadiii Romanovich Rotenberg", "Ротенберг Аркадий"], "birthDate": ["1951"]}}
EXAMPLE_2 = {"schema": "Company", "properties": {"name": ["Stroygazmontazh"],
                                                 "jurisdiction": ["Russia"]}}


def _add(c: TestClient, rid: str, name: str, bd: str | None = None, kind: str = "other",
         **extra: str) -> None:
    r = c.post("/api/v1/watchlist", json={"record_id": rid, "full_name": name, "birth_date": bd,
                                           "list_kind": kind, "reason": "yente compat test",
                                           "source": "test", **extra})
    assert r.status_code == 201, r.text


@pytest.fixture(scope="module")
def api(role_clients: dict[str, TestClient]) -> TestClient:
    analyst = role_clients["analyst"]
    _add(analyst, "YC-ZAK", "Alexander Vyacheslavovich Zakharov", "1965-03-11")
    _add(analyst, "YC-ROT", "Arkadiy Romanovich Rotenberg", "1951-12-15")
    _add(analyst, "YC-SIT1", "Siti Rahmawati Lubis", "1987-02-14", kind="victim")
    _add(analyst, "YC-SIT2", "Siti Rahmawati Lubis", "1987-02-14", kind="recruiter",
         passport_no="C7654321")
    _add(analyst, "YC-BUD", "Budi Hartanto Simanjuntak", "1979-06-30", kind="pencegahan",
         passport_no="B1234567")
    return role_clients["analyst"]


def _match(api: TestClient, queries: dict[str, Any], path: str = "/api/v1/match/default",
           **params: Any) -> dict[str, Any]:
    r = api.post(path, json={"queries": queries}, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def _ids(resp: dict[str, Any], q: str) -> list[str]:
    return [x["id"] for x in resp["responses"][q]["results"]]


def test_yente_example_queries(api: TestClient) -> None:
    out = _match(api, {"vv": QUERY_ZAKHAROV, "xx": QUERY_ZAKHAROV, "many": MANY_NAMES,
                       "q1": EXAMPLE_1, "q2": EXAMPLE_2})
    vv = out["responses"]["vv"]
    assert vv["query"]["schema"] == "Person" and vv["total"]["value"] > 0
    assert vv["results"][0]["id"] == "YC-ZAK"
    assert _ids(out, "many")[0] == "YC-ZAK"
    assert _ids(out, "q1")[0] == "YC-ROT"
    # a Company query in the batch gets no results instead of failing the batch
    assert out["responses"]["q2"]["results"] == [] and out["responses"]["q2"]["status"] == 200
    assert "persons only" in out["responses"]["q2"]["warnings"][0]
    assert out["limit"] == 5 and "name" in out["matcher"]


def test_string_values_name_parts_and_echoed_id(api: TestClient) -> None:
    out = _match(api, {
        "s": {"id": "my-entity-id", "schema": "Person", "properties": {
            "name": "Budi Hartanto Simanjuntak", "birthDate": "1979-06-30"}},
        "parts": {"schema": "Person", "properties": {
            "firstName": ["Budi"], "middleName": ["Hartanto"], "lastName": ["Simanjuntak"]}}})
    s = out["responses"]["s"]
    assert s["query"]["id"] == "my-entity-id"
    assert s["query"]["properties"]["name"] == ["Budi Hartanto Simanjuntak"]
    assert s["results"][0]["id"] == "YC-BUD" and s["results"][0]["match"] is True
    assert _ids(out, "parts")[0] == "YC-BUD"


def test_partial_dates_gender_other_and_every_identifier(api: TestClient) -> None:
    same_year = {"schema": "Person", "properties": {"name": ["Siti Rahmawati Lubis"],
                                                    "birthDate": ["1987"],
                                                    "gender": ["other"]}}
    other_year = {"schema": "Person", "properties": {"name": ["Siti Rahmawati Lubis"],
                                                     "birthDate": ["1961"]}}
    out = _match(api, {"a": same_year, "b": other_year}, threshold=0.5, cutoff=0.0)
    a, b = out["responses"]["a"], out["responses"]["b"]
    assert a["results"] and a["results"][0]["explanation"]["birth_date"]["relation"] == \
        "year_agrees"
    assert any("gender 'other'" in w for w in a["warnings"])
    assert a["query"]["properties"]["birthDate"] == ["1987"]
    assert "gender" not in a["query"]["properties"]  # not understood: not echoed
    top_b = b["results"][0]["score"] if b["results"] else 0.0
    assert a["results"][0]["score"] > top_b
    # the second passport number is used, not only the first
    two = {"schema": "Person", "properties": {"name": ["Siti Rahmawati Lubis"],
                                              "passportNumber": ["X0000001", "C7654321"]}}
    res = _match(api, {"p": two})["responses"]["p"]["results"]
    assert res[0]["id"] == "YC-SIT2" and res[0]["explanations"]["passport"]["score"] == 1.0
    # an impossible date is reported, not silently dropped, and not echoed
    bad = {"schema": "Person", "properties": {"name": ["Budi Hartanto Simanjuntak"],
                                              "birthDate": ["1979-02-30"]}}
    r = _match(api, {"d": bad})["responses"]["d"]
    assert "birthDate" not in r["query"]["properties"]
    assert any("not a date" in w for w in r["warnings"])
    # a date of birth in the future (full, year-month or year) is not compared either
    for future in ("2999-01-01", "2999-01", "2999"):
        q = {"schema": "Person", "properties": {"name": ["Budi Hartanto Simanjuntak"],
                                                "birthDate": [future]}}
        r = _match(api, {"f": q})["responses"]["f"]
        assert "birthDate" not in r["query"]["properties"], future
        assert any("in the future" in w for w in r["warnings"]), future


def test_properties_not_compared_are_named(api: TestClient) -> None:
    q = {"schema": "Person", "properties": {"name": ["Budi Hartanto Simanjuntak"],
                                            "nationality": ["id"], "address": ["Medan"]}}
    r = _match(api, {"q": q})["responses"]["q"]
    assert r["not_compared"] == ["nationality", "address"]
    assert r["query"]["properties"]["nationality"] == ["id"]


def test_refusals_answer_like_yente(api: TestClient) -> None:
    q = {"q": {"schema": "Person", "properties": {"name": ["Budi"]}}}
    for body, params, needle in (
            ({"queries": {}}, {}, "No queries provided."),
            ({"queries": q, "config": {"nm_number_mismatch": 0.4}}, {},
             "Invalid configuration parameter: nm_number_mismatch"),
            ({"queries": q, "weights": {"name_literal": 0.8}}, {}, "Invalid weight"),
            ({"queries": q}, {"algorithm": "neural-net"}, "Invalid algorithm: neural-net"),
            ({"queries": {"fail": {"schema": "xxx", "properties": {"name": "Banana"}},
                          **q}}, {}, "unknown schema xxx")):
        r = api.post("/api/v1/match/default", json=body, params=params)
        assert r.status_code == 400, (needle, r.text)
        assert needle in r.json()["detail"]
    too_many = {f"q{i}": q["q"] for i in range(101)}
    r = api.post("/api/v1/match", json={"queries": too_many})
    assert r.status_code == 400 and "Too many queries" in r.json()["detail"]
    assert api.post("/api/v1/match/nope", json={"queries": q}).status_code == 404
    # no schema at all: 422, as yente
    r = api.post("/api/v1/match", json={"queries": {"f": {"properties": {"name": "Banana"}}}})
    assert r.status_code == 422
    assert api.post("/api/v1/match", json={"queries": q}, params={"limit": 500}
                    ).status_code == 200
    assert api.post("/api/v1/match", json={"queries": q}, params={"limit": 501}
                    ).status_code == 422
    assert _match(api, q, algorithm="best")["algorithm"] == "waspada-v1"


def test_dataset_filters_apply_before_the_limit(api: TestClient) -> None:
    """The bug: /match/recruiter?limit=1 returned nothing while the recruiter entry scored
    0.999, because the victim entry ranked first and the filter ran after the cut."""
    q = {"q": {"schema": "Person", "properties": {"name": ["Siti Rahmawati Lubis"],
                                                  "birthDate": ["1987-02-14"]}}}
    assert _ids(_match(api, q, "/api/v1/match/recruiter", limit=1), "q") == ["YC-SIT2"]
    assert _ids(_match(api, q, "/api/v1/match/victim", limit=1), "q") == ["YC-SIT1"]
    assert _ids(_match(api, q, include_dataset=["recruiter"], limit=1), "q") == ["YC-SIT2"]
    assert "YC-SIT1" not in _ids(_match(api, q, exclude_dataset=["victim"]), "q")
    assert _ids(_match(api, q, topics=["victim"]), "q") == ["YC-SIT1"]
    assert _ids(_match(api, q, exclude_schema=["Person"]), "q") == []
    assert "YC-SIT1" not in _ids(_match(api, q, exclude_entity_ids=["YC-SIT1"]), "q")
    assert _ids(_match(api, q, changed_since="2999-01-01"), "q") == []
    assert len(_ids(_match(api, q, changed_since="2000-01-01T00"), "q")) == 2


def test_threshold_cutoff_total_and_explanations(api: TestClient) -> None:
    q = {"q": {"schema": "Person", "properties": {"name": ["Siti Rahmawati Lubis"],
                                                  "birthDate": ["1987-02-14"]}}}
    out = _match(api, q, limit=1)["responses"]["q"]
    assert out["total"]["value"] == 2 and len(out["results"]) == 1  # total counts all matches
    res = out["results"][0]
    assert set(res["explanations"]) >= {"name", "birth_date"}
    assert all(0.0 <= v["score"] <= 1.0 for v in res["explanations"].values())
    assert all(0.0 <= v <= 1.0 for v in res["features"].values())
    assert res["explanation"]["prior"] < 0  # Waspada's weights in bits stay available
    assert res["target"] is True and res["first_seen"]
    # nothing at or below the default cutoff (0.7) is returned; a lower cutoff shows more
    weak = {"w": {"schema": "Person", "properties": {"name": ["Siti Lubis"]}}}
    assert all(x["score"] > 0.7 for x in _match(api, weak)["responses"]["w"]["results"])


def test_algorithms_catalog_and_apikey(api: TestClient, client: TestClient) -> None:
    algos = api.get("/api/v1/algorithms").json()
    assert algos["best"] == algos["default"] == "waspada-v1"
    assert algos["algorithms"][0]["docs"]["features"]["name"]["coefficient"] > 0
    catalog = api.get("/api/v1/catalog").json()
    assert {"default", "recruiter", "victim"} <= set(catalog["current"])
    # yente clients send "Authorization: ApiKey ..."
    sign_in(client, "analis")
    page = client.post("/account/tokens", data={"name": "yente-client",
                                                "csrf_token": client.cookies["waspada_csrf"]})
    raw = page.text.split('id="new-token">')[1].split("<")[0]
    with TestClient(client.app) as bare:
        r = bare.post("/api/v1/match/default", headers={"Authorization": f"ApiKey {raw}"},
                      json={"queries": {"q": QUERY_ZAKHAROV}})
        assert r.status_code == 200 and _ids(r.json(), "q")[0] == "YC-ZAK"
        assert bare.post("/api/v1/match", headers={"Authorization": "ApiKey wsp_forged"},
                         json={"queries": {"q": QUERY_ZAKHAROV}}).status_code == 401
