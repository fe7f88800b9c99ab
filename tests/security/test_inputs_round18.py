"""Round 18 security pass: dates at the edge of the calendar, JSON bodies of many members,
validation answers, and NUL characters in addresses, forms, JSON and CSV files.

Each test failed on the code before the fix it names (run against ``main`` at d658353):

* ``day_from=0001-01-01`` on the audit trail (page and API) was a 500 (OverflowError), and
  the same dates made the audit and screening export jobs fail with an internal error;
* a JSON body of many unknown members was answered with one error entry per member (500,000
  members, 6 MB: a 33 MB answer after 14 s, on the event loop, for any signed-in role);
* a NUL character was stored on SQLite (``?exploitation=%00`` exported every case; a comment
  or a watchlist name kept it) while PostgreSQL refused it.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tests.conftest import csrf_headers
from tests.jobs_helpers import finish_jobs, job_id_of
from waspada.platform.errors import MAX_VALIDATION_DETAIL
from waspada.platform.files import FileError, iter_csv
from waspada.platform.guard import JSON_CHECK_BYTES, MAX_JSON_MEMBERS

EDGES = [("0001-01-01", ""), ("", "0001-01-01"), ("9999-12-31", ""), ("", "9999-12-31"),
         ("0001-01-01", "9999-12-31")]


# -- dates at the edge of the calendar --------------------------------------------------------

@pytest.mark.parametrize(("day_from", "day_to"), EDGES)
def test_audit_trail_takes_any_valid_day(role_clients: dict[str, TestClient], day_from: str,
                                         day_to: str) -> None:
    auditor = role_clients["auditor"]
    params = {"day_from": day_from, "day_to": day_to}
    assert auditor.get("/audit", params=params).status_code == 200
    assert auditor.get("/api/v1/audit", params=params).status_code == 200


def test_audit_trail_edge_days_still_filter(role_clients: dict[str, TestClient]) -> None:
    auditor = role_clients["auditor"]
    auditor.get("/audit")  # at least one entry exists (this read)
    everything = auditor.get("/api/v1/audit", params={"day_from": "0001-01-01",
                                                       "day_to": "9999-12-31"}).json()
    assert everything
    assert auditor.get("/api/v1/audit", params={"day_to": "0001-01-01"}).json() == []
    assert auditor.get("/api/v1/audit", params={"day_from": "9999-12-31"}).json() == []


def _job_status(owner: TestClient, started) -> dict:  # type: ignore[no-untyped-def]
    job_id = job_id_of(started)
    finish_jobs()
    return dict(owner.get(f"/jobs/{job_id}/status").json())


def test_audit_export_job_takes_edge_days(role_clients: dict[str, TestClient]) -> None:
    auditor = role_clients["auditor"]
    auditor.get("/audit")
    started = auditor.post("/audit/export", data={
        "day_from": "0001-01-01", "day_to": "9999-12-31",
        "csrf_token": auditor.cookies.get("waspada_csrf")}, follow_redirects=False)
    status = _job_status(auditor, started)
    assert status["status"] == "done", status


def test_screening_export_job_takes_the_last_day(role_clients: dict[str, TestClient]) -> None:
    tpi = role_clients["checkpoint_officer"]
    created = tpi.post("/api/v1/screenings", json={"full_name": "Ujung Kalender",
                                                   "destination_country": "THA"})
    assert created.status_code == 201
    tpi.get("/screenings")
    started = tpi.post("/screenings/export", data={
        "day_from": "0001-01-01", "day_to": "9999-12-31", "format": "csv",
        "csrf_token": tpi.cookies.get("waspada_csrf")}, follow_redirects=False)
    status = _job_status(tpi, started)
    assert status["status"] == "done", status
    export = tpi.get(f"/jobs/{job_id_of(started)}/screenings.csv")
    assert "Ujung Kalender" in export.text


# -- JSON bodies of many members, and the size of a refusal -----------------------------------

def _members(n: int) -> bytes:
    return ("{" + ",".join(f'"k{i}":1' for i in range(n)) + "}").encode()


@pytest.mark.parametrize(("path", "content_type"), [
    ("/api/v1/documents/check", "application/json"),
    ("/api/v1/screenings", "application/json; charset=utf-8"),
    ("/api/v1/documents/check", "application/x+json")])  # FastAPI reads it as JSON too
def test_a_json_object_of_too_many_members_is_refused_before_validation(
        role_clients: dict[str, TestClient], path: str, content_type: str) -> None:
    body = _members(20_000)
    assert len(body) > JSON_CHECK_BYTES
    r = role_clients["checkpoint_officer"].post(
        path, content=body, headers={"content-type": content_type,
                                     **csrf_headers(role_clients["checkpoint_officer"])})
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_many_fields"


def test_members_are_counted_in_nested_objects_too(role_clients: dict[str, TestClient]) -> None:
    body = json.dumps({"traveller": {f"k{i}": 1 for i in range(MAX_JSON_MEMBERS + 1)},
                       "pad": "x" * JSON_CHECK_BYTES}).encode()
    r = role_clients["checkpoint_officer"].post(
        "/api/v1/documents/check", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_a_refusal_lists_a_bounded_number_of_problems(
        role_clients: dict[str, TestClient]) -> None:
    body = _members(MAX_JSON_MEMBERS)  # under the size at which members are counted
    assert len(body) <= JSON_CHECK_BYTES
    r = role_clients["checkpoint_officer"].post(
        "/api/v1/documents/check", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422
    detail = r.json()["error"]["detail"]
    assert len(detail) == MAX_VALIDATION_DETAIL + 1
    assert "more problems" in detail[-1]["msg"]


# -- NUL characters ----------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["exploitation=%00", "exploitation=a%00b"])
def test_a_nul_in_the_query_string_is_refused(role_clients: dict[str, TestClient],
                                              query: str) -> None:
    r = role_clients["protection_officer"].get(f"/api/v1/cases/export?format=htcds-json&{query}")
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_value"


def test_a_nul_in_the_path_is_refused(role_clients: dict[str, TestClient]) -> None:
    assert role_clients["analyst"].get("/cases/1%00").status_code == 400


def _a_case(client: TestClient) -> int:
    cases = client.get("/api/v1/cases").json()["cases"]
    assert cases
    return int(cases[0]["id"])


def test_a_nul_in_a_json_string_is_refused(role_clients: dict[str, TestClient]) -> None:
    officer = role_clients["protection_officer"]
    case_id = _a_case(officer)
    r = officer.post(f"/api/v1/cases/{case_id}/comments", json={"body": "a\u0000b"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_value"
    # an escaped backslash followed by the letters u0000 is ordinary text
    kept = officer.post(f"/api/v1/cases/{case_id}/comments",
                        content=b'{"body": "C:\\\\u0000 path"}',
                        headers={"content-type": "application/json"})
    assert kept.status_code == 201, kept.text
    # three backslashes: an escaped backslash, then a NUL
    r = officer.post(f"/api/v1/cases/{case_id}/comments", content=b'{"body": "x\\\\\\u0000"}',
                     headers={"content-type": "application/json"})
    assert r.status_code == 400


def test_a_nul_in_a_form_field_is_refused(role_clients: dict[str, TestClient]) -> None:
    officer = role_clients["protection_officer"]
    case_id = _a_case(officer)
    token = officer.cookies.get("waspada_csrf") or ""
    r = officer.post(f"/cases/{case_id}/comment", data={"body": "a\x00b", "csrf_token": token},
                     follow_redirects=False)
    assert r.status_code == 400
    r = officer.post(f"/cases/{case_id}/comment", files={"body": (None, "a\x00b")},
                     headers=csrf_headers(officer), follow_redirects=False)
    assert r.status_code == 400
    ok = officer.post(f"/cases/{case_id}/comment", data={"body": "tanpa NUL",
                                                         "csrf_token": token},
                      follow_redirects=False)
    assert ok.status_code == 303, ok.text[:300]


def test_a_nul_inside_an_uploaded_file_is_left_to_the_reader(
        role_clients: dict[str, TestClient]) -> None:
    """Binary uploads (PDF, JPEG attachments) hold NUL bytes: the guard does not refuse them;
    the CSV readers do, with the line."""
    admin = role_clients["admin"]
    admin.get("/watchlist/manage")
    r = admin.post("/watchlist/manage/import", data={
        "list_kind": "pencegahan", "reason": "uji", "source": "uji",
        "csrf_token": admin.cookies.get("waspada_csrf")},
        files={"file": ("w.csv", b"record_id,full_name\nN-1,Siti\x00Rahayu\n", "text/csv")},
        follow_redirects=False)
    assert r.status_code == 400, r.text[:300]
    assert "Baris 2" in r.text and "NUL" in r.text


def test_the_csv_reader_names_the_line_of_a_nul() -> None:
    with pytest.raises(FileError) as caught:
        list(iter_csv("a,b\n1,2\n3,\x004\n"))
    assert caught.value.code == "nul" and caught.value.line == 3


# -- an unknown id on every page, for every role ------------------------------------------------

def _page_routes_with_ids(app) -> list[str]:  # type: ignore[no-untyped-def]
    from fastapi.routing import APIRoute

    paths = []
    for router in app.state.routers:
        for route in router.routes:
            if (isinstance(route, APIRoute) and "GET" in route.methods
                    and not route.path.startswith("/api/") and "{" in route.path
                    and "{code}" not in route.path):
                paths.append(route.path)
    return sorted(set(paths))


def test_an_unknown_id_on_any_page_is_never_a_server_error(
        app, role_clients: dict[str, TestClient]) -> None:  # type: ignore[no-untyped-def]
    """A page that rolled back before refusing (the exchange conflict and verification pages)
    left the signed-in user's unit expired: its 404 page failed, a bare 500 without the
    security headers (the error page's own failure bypasses the guard)."""
    import re

    paths = _page_routes_with_ids(app)
    assert len(paths) >= 15, paths
    failures = []
    for path in paths:
        url = re.sub(r"\{section\}", "results", path)
        url = re.sub(r"\{[a-z_]+\}", "2147483000", url)
        for role, client in role_clients.items():
            r = client.get(url, follow_redirects=False)
            if r.status_code >= 500 or "content-security-policy" not in r.headers:
                failures.append((role, url, r.status_code))
    assert not failures, failures


# -- sessions ------------------------------------------------------------------------------------

@pytest.mark.parametrize("via", ["page", "api"])
def test_signing_in_ends_the_session_the_browser_held(app, via: str) -> None:  # type: ignore[no-untyped-def]
    """A sign-in over a colleague's forgotten session used to leave that session alive (only
    the cookie was replaced); whoever had copied it kept the colleague's access."""
    from tests.conftest import sign_in

    with TestClient(app) as browser:
        sign_in(browser, "analis")
        forgotten = browser.cookies.get("waspada_session")
        assert forgotten
        if via == "page":
            sign_in(browser, "auditor")
        else:
            r = browser.post("/api/v1/auth/login", json={"username": "auditor",
                                                         "password": "Demo-auditor-2026"})
            assert r.status_code == 200, r.text
        assert browser.get("/api/v1/me").json()["username"] == "auditor"
    with TestClient(app) as thief:
        thief.cookies.set("waspada_session", forgotten)
        assert thief.get("/api/v1/me").status_code == 401


def test_enabling_an_account_again_does_not_revive_its_sessions(app) -> None:  # type: ignore[no-untyped-def]
    """Disabling stopped the sessions only while the account stayed disabled: enabling it
    again (e.g. after the owner's holiday, or by mistake after a compromise) brought back every
    session, including one a thief had copied."""
    from tests.conftest import sign_in
    from waspada.platform.db import session_scope
    from waspada.platform.security import service
    from waspada.platform.security.policy import CLI_PRINCIPAL
    from waspada.platform.security.users import add_user

    with session_scope() as db:
        add_user(db, "r18.nonaktif", role="analyst", unit="Unit Uji", password="Correct-horse-1")
    with TestClient(app) as browser:
        sign_in(browser, "r18.nonaktif", "Correct-horse-1")
        copied = browser.cookies.get("waspada_session")
        with session_scope() as db:
            service.set_active(db, CLI_PRINCIPAL, "r18.nonaktif", False)
        assert browser.get("/api/v1/me").status_code == 401
        with session_scope() as db:
            service.set_active(db, CLI_PRINCIPAL, "r18.nonaktif", True)
    with TestClient(app) as thief:
        thief.cookies.set("waspada_session", copied)
        assert thief.get("/api/v1/me").status_code == 401
    with TestClient(app) as owner:  # the owner signs in again as usual
        sign_in(owner, "r18.nonaktif", "Correct-horse-1")
        assert owner.get("/api/v1/me").status_code == 200
