"""A long job (a dedupe of an uploaded file) runs as a background job: other requests
are answered while it runs."""

from __future__ import annotations

import io
import time

import httpx
import pytest

from tests.matching.conftest import write_csv
from waspada.demo.synthetic import demo_password, generate_people
from waspada.matching.records import PersonRecord

pytestmark = pytest.mark.e2e


def _signed_in(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=120)
    client.get("/login")
    r = client.post("/login", data={"username": username, "password": demo_password(username),
                                    "csrf_token": client.cookies.get("waspada_csrf"),
                                    "next": "/"})
    assert r.status_code == 303, r.text[:300]
    return client


def test_a_dedupe_upload_does_not_hold_up_other_requests(live_server: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    people = [PersonRecord(p.record_id, p.full_name, p.birth_date, p.sex, nik=p.nik)
              for p in generate_people(4000, seed=21)]
    data = write_csv(tmp_path / "people.csv", people).read_bytes()
    client = _signed_in(live_server, "analis")
    done: dict[str, float] = {}

    t = time.monotonic()
    r = client.post("/dedupe/run", data={"origin": "upload", "threshold": "0.5",
                                         "csrf_token": client.cookies.get("waspada_csrf")},
                    files={"file": ("people.csv", io.BytesIO(data), "text/csv")},
                    follow_redirects=False)
    # the dedupe is a background job (docs/jobs.md): the upload is answered at once
    assert r.status_code == 303 and r.headers["location"].startswith("/jobs/"), r.text[:300]
    done["submit_seconds"] = time.monotonic() - t
    status_url = r.headers["location"] + "/status"
    waits = []
    while len(waits) < 1200:
        t0 = time.monotonic()
        assert httpx.get(live_server + "/healthz", timeout=30).status_code == 200
        waits.append(time.monotonic() - t0)
        status = client.get(status_url).json()
        if status["finished"]:
            break
        time.sleep(0.1)
    done["seconds"] = time.monotonic() - t
    assert status["status"] == "done", status
    assert done["seconds"] > 1.0 and len(waits) >= 3, (done, waits)  # the job did take a while
    assert max(waits) < 2.0, (max(waits), done)  # before the fix: the whole job (8 s)
