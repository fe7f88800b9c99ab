"""The Primero client against the strict contract double (tests/exchange/primero/double.py).

The double is written only from Primero's documented requests and responses; see its
docstring for the doc file behind each shape.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.exchange.primero.double import PrimeroDouble
from waspada.exchange.primero.client import PrimeroClient, PrimeroError, changed_fields


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def double() -> PrimeroDouble:
    return PrimeroDouble()


def make(double: PrimeroDouble, clock: Clock | None = None,
         max_bytes: int = 1_000_000) -> PrimeroClient:
    return PrimeroClient("https://primero.test", "waspada", "s3cret-pass", http=double.http(),
                         clock=clock or Clock(), sleep=lambda s: None, max_bytes=max_bytes)


def test_sign_in_takes_the_token_from_the_response_header(double: PrimeroDouble) -> None:
    client = make(double)
    assert client.lookups()
    method, path, body = double.requests[0]
    assert (method, path) == ("POST", "/api/v2/tokens")
    assert body == {"user": {"user_name": "waspada", "password": "s3cret-pass"}}
    assert client.sign_ins == 1


def test_wrong_password_is_a_clear_error(double: PrimeroDouble) -> None:
    client = PrimeroClient("https://primero.test", "waspada", "wrong", http=double.http(),
                           sleep=lambda s: None)
    with pytest.raises(PrimeroError) as err:
        client.lookups()
    assert err.value.http_status == 401
    assert "Invalid User name or password." in str(err.value)
    assert "wrong" not in str(err.value)


def test_refresh_before_expiry_posts_with_the_current_token(double: PrimeroDouble) -> None:
    clock = Clock()
    client = make(double, clock)
    client.lookups()
    clock.t += 51 * 60
    double.advance(51 * 60)
    client.lookups()
    assert client.refreshes == 1 and client.sign_ins == 1
    refresh = [r for r in double.requests if r[1] == "/api/v2/tokens"][1]
    assert refresh[2] is None  # no credentials sent again: the bearer token refreshes
    double.advance(30 * 60)  # the first token is expired now; the refreshed one is not
    clock.t += 30 * 60
    client.lookups()
    assert client.sign_ins == 1


def test_expired_token_signs_in_again_once(double: PrimeroDouble) -> None:
    clock = Clock()
    client = make(double, clock)
    client.lookups()
    double.tokens.clear()  # the server forgot every token (restart, revocation)
    assert client.lookups()
    assert client.sign_ins == 2


def test_push_new_case_204_then_409_patches_only_changed_fields(double: PrimeroDouble) -> None:
    client = make(double)
    case_id = str(uuid.uuid4())
    first = {"name": "A. Test", "sex": "female", "age": 24}
    result = client.push_case(case_id, first, None)
    assert (result.action, result.http_status) == ("created", 204)
    assert double.cases[case_id]["sex"] == "female"
    second = {**first, "age": 25}
    result = client.push_case(case_id, second, first)
    assert result.action == "patched" and result.sent_fields == ["age"]
    patch = [r for r in double.requests if r[0] == "PATCH"][-1]
    assert patch[2] == {"data": {"age": 25}}
    assert double.cases[case_id]["age"] == 25
    # nothing changed: the 409 is answered without a PATCH
    before = len([r for r in double.requests if r[0] == "PATCH"])
    assert client.push_case(case_id, second, second).action == "unchanged"
    assert len([r for r in double.requests if r[0] == "PATCH"]) == before


def test_409_without_snapshot_diffs_against_primero(double: PrimeroDouble) -> None:
    client = make(double)
    case_id = str(uuid.uuid4())
    double.seed_case(id=case_id, name="A. Test", sex="female")
    result = client.push_case(case_id, {"name": "A. Test", "sex": "male"}, None)
    assert result.sent_fields == ["sex"]


def test_422_surfaces_primeros_message_and_detail(double: PrimeroDouble) -> None:
    client = make(double)
    with pytest.raises(PrimeroError) as err:
        client.push_case(str(uuid.uuid4()), {"registration_date": "1/2/2026"}, None)
    assert err.value.http_status == 422 and err.value.code == "primero_invalid"
    assert "Please enter the date in a valid format (dd-mmm-yyyy) (registration_date)" \
        in str(err.value)


def test_double_refuses_non_uuid_id(double: PrimeroDouble) -> None:
    client = make(double)
    with pytest.raises(PrimeroError) as err:
        client.create_case("WSP-2026-1", {"name": "x"})
    assert err.value.http_status == 422


def test_patch_of_unknown_case_is_404(double: PrimeroDouble) -> None:
    client = make(double)
    with pytest.raises(PrimeroError) as err:
        client.patch_case(str(uuid.uuid4()), {"age": 3})
    assert err.value.http_status == 404


def test_paged_pull_of_2500_changed_cases(double: PrimeroDouble) -> None:
    start = double.now
    for i in range(2600):
        double.seed_case(name=f"n{i}")
        if i == 99:
            double.advance(60)  # the first 100 are older than the watermark
            since = double.now
    client = make(double)
    rows = list(client.changed_cases(since, start + timedelta(days=1)))
    assert len(rows) == 2500 and len({r["id"] for r in rows}) == 2500
    pages = [r for r in double.requests if r[1].startswith("/api/v2/cases?")]
    assert len(pages) == 3 and all("per=1000" in p[1] for p in pages)
    assert "last_updated_at=" in pages[0][1]


def test_double_refuses_per_over_1000(double: PrimeroDouble) -> None:
    client = make(double)
    client.sign_in()
    response = double.http().get("https://primero.test/api/v2/cases?per=1001", headers={
        "Authorization": f"Bearer {next(iter(double.tokens))}"})
    assert response.status_code == 422


def test_double_refuses_wrong_content_type_and_unknown_keys(double: PrimeroDouble) -> None:
    http = double.http()
    token = http.post("/api/v2/tokens", json={"user": {"user_name": "waspada",
                                                        "password": "s3cret-pass"}}
                      ).headers["authorization"]
    assert http.post("/api/v2/cases", content=b'{"data": {}}', headers={
        "Authorization": token, "content-type": "text/plain"}).status_code == 415
    assert http.post("/api/v2/cases", json={"data": {}, "extra": 1},
                     headers={"Authorization": token}).status_code == 422
    assert http.get("/api/v2/cases").status_code == 401


def test_referral(double: PrimeroDouble) -> None:
    client = make(double)
    case_id = str(uuid.uuid4())
    client.push_case(case_id, {"name": "x"}, None)
    made = client.refer(case_id, "cp_officer", "Returnee needs shelter")
    assert made["type"] == "Referral" and made["transitioned_to"] == "cp_officer"
    with pytest.raises(PrimeroError) as err:
        client.refer(case_id, "nobody", None)
    assert err.value.http_status == 422 and "transitioned_to" in str(err.value)


def test_retries_5xx_with_backoff_but_not_4xx(double: PrimeroDouble) -> None:
    pauses: list[float] = []
    client = PrimeroClient("https://primero.test", "waspada", "s3cret-pass",
                           http=double.http(), sleep=pauses.append, backoff=0.5)
    double.fail_next = [503, 502]
    assert client.lookups()
    assert pauses == [0.5, 1.0]
    double.fail_next = [403]
    with pytest.raises(PrimeroError) as err:
        client.lookups()
    assert err.value.http_status == 403 and pauses == [0.5, 1.0]


def test_connection_errors_retry_then_fail_clearly() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ConnectError("refused")

    client = PrimeroClient("https://primero.test", "u", "p", retries=2, sleep=lambda s: None,
                           http=httpx.Client(transport=httpx.MockTransport(handler)))
    with pytest.raises(PrimeroError) as err:
        client.sign_in()
    assert len(calls) == 3 and err.value.code == "primero_unreachable"


def test_response_size_is_bounded(double: PrimeroDouble) -> None:
    for i in range(50):
        double.seed_case(name="x" * 200)
    client = make(double, max_bytes=4000)
    with pytest.raises(PrimeroError) as err:
        list(client.changed_cases(datetime(2000, 1, 1, tzinfo=UTC),
                                  datetime(2100, 1, 1, tzinfo=UTC)))
    assert err.value.code == "primero_too_large"


def test_changed_fields_is_pure_diff() -> None:
    assert changed_fields({"a": 1, "b": 2, "id": "x"}, {"a": 1}) == {"b": 2}
    assert changed_fields({"a": None}, {}) == {"a": None}
