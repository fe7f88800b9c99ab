"""The HTCDS case export as a background job (``cases/exportjob.py``, docs/jobs.md "File
results"): ``POST /api/v1/cases/export`` answers 202 with the job, the job keeps the file the
synchronous ``GET`` answers for the same principal (redaction by role kept), the download is
audited, visibility is the job page's (owner; same role in reach), the purge removes the file,
cancel keeps nothing, and a file over the bound fails the job."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.cases.conftest import create_case, unique_name
from tests.conftest import ROLE_USERS, csrf_headers, sign_in
from waspada.platform.audit import AuditEntry
from waspada.platform.db import session_scope, utcnow
from waspada.platform.jobs import service, store, worker
from waspada.platform.security.models import User
from waspada.platform.security.users import add_user

PASSWORD = "Export-job-2026"


@pytest.fixture(autouse=True)
def _no_queued_jobs() -> None:
    worker.run_pending()  # jobs other tests left queued do not disturb these


def _start(client: TestClient, **body: object) -> int:
    response = client.post("/api/v1/cases/export", json=body)
    assert response.status_code == 202, response.text
    data = response.json()
    assert data["status"] == "queued" and data["url"] == f"/api/v1/jobs/{data['job_id']}"
    assert data["page"] == f"/jobs/{data['job_id']}"
    assert response.headers["location"] == data["url"]
    return int(data["job_id"])


def _done(client: TestClient, job_id: int) -> dict[str, object]:
    worker.run_pending()
    status = client.get(f"/api/v1/jobs/{job_id}")
    assert status.status_code == 200, status.text
    data = status.json()
    assert data["status"] == "done" and data["kind"] == "cases.export", data
    return data


def _file(client: TestClient, job_id: int, name: str) -> bytes:
    response = client.get(f"/api/v1/jobs/{job_id}/files/{name}")
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == (
        f'attachment; filename="job-{job_id}-{name}"')
    return response.content


def _members(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {n: archive.read(n).decode() for n in archive.namelist()}


def _audits(action: str, object_id: int | None = None) -> list[dict[str, object]]:
    with session_scope() as db:
        stmt = select(AuditEntry).where(AuditEntry.action == action)
        if object_id is not None:
            stmt = stmt.where(AuditEntry.object_id == str(object_id))
        return [json.loads(e.detail or "{}") | {"actor": e.actor}
                for e in db.scalars(stmt.order_by(AuditEntry.seq))]


def _outputs(job_id: int) -> int:
    with session_scope() as db:
        return db.scalar(select(func.count()).select_from(store.JobOutput)
                         .where(store.JobOutput.job_id == job_id)) or 0


def _user(app, username: str, role: str, unit: str) -> TestClient:  # type: ignore[no-untyped-def]
    with session_scope() as db:
        if db.scalar(select(User).where(User.username == username)) is None:
            add_user(db, username, role=role, unit=unit, password=PASSWORD)
    return sign_in(TestClient(app, raise_server_exceptions=False), username, PASSWORD)


def _unit_of(role: str) -> str:
    with session_scope() as db:
        user = db.scalar(select(User).where(User.username == ROLE_USERS[role]))
        assert user is not None
        return str(user.unit.name)


def test_the_job_keeps_the_file_the_synchronous_export_answers(role_clients, protection) -> None:  # type: ignore[no-untyped-def]
    name = unique_name()
    cid = create_case(protection, name)["id"]
    analyst = role_clients["analyst"]

    job_id = _start(protection, ids=[cid])
    status = _done(protection, job_id)
    assert status["files"] == [{"name": "cases-htcds.json", "media_type": "application/json",
                                "size": status["files"][0]["size"],  # type: ignore[index]
                                "url": f"/api/v1/jobs/{job_id}/files/cases-htcds.json"}]
    kept = _file(protection, job_id, "cases-htcds.json")
    direct = protection.get("/api/v1/cases/export", params={"ids": str(cid)})
    assert kept == direct.content  # the same bytes as the synchronous export
    document = json.loads(kept)
    assert document["deidentified"] is False and document["count"] == 1
    assert name.split()[0] in kept.decode()  # the protection officer sees names

    job_id = _start(analyst, ids=[cid], format="htcds-csv")
    assert _done(analyst, job_id)["files"][0]["media_type"] == "application/zip"  # type: ignore[index]
    kept_zip = _members(_file(analyst, job_id, "cases-htcds.zip"))
    direct_zip = _members(analyst.get("/api/v1/cases/export",
                                      params={"ids": str(cid), "format": "htcds-csv"}).content)
    assert kept_zip == direct_zip and "persons.csv" in kept_zip
    assert not any(name.split()[0] in text for text in kept_zip.values())  # de-identified

    # the read is the synchronous export's own audit entry, by the owner, in the job
    entries = [e for e in _audits("case.export") if e["actor"] == ROLE_USERS["analyst"]]
    assert entries[-1]["format"] == "htcds-csv" and entries[-1]["deidentified"] is True
    assert entries[-1]["count"] == 1


def test_the_filters_reach_the_job_and_params_hold_no_personal_data(protection) -> None:  # type: ignore[no-untyped-def]
    name = unique_name()
    case = create_case(protection, name, destination_country="MM")
    create_case(protection, destination_country="KH")
    job_id = _start(protection, destination="MM", status="reported")
    with session_scope() as db:
        job = db.get(store.Job, job_id)
        assert job is not None
        assert json.loads(job.params) == {"format": "htcds-json", "ids": [],
                                          "status": "reported", "overdue": False,
                                          "destination": "MM", "exploitation": None}
    _done(protection, job_id)
    document = json.loads(_file(protection, job_id, "cases-htcds.json"))
    assert case["reference"] in {c["x_wsp_Reference"] for c in document["cases"]}
    assert {c["x_wsp_DestinationCountry"] for c in document["cases"]} == {"MM"}
    direct = protection.get("/api/v1/cases/export",
                            params={"destination": "MM", "status": "reported"})
    assert json.loads(direct.content)["count"] == document["count"]
    with session_scope() as db:
        job = db.get(store.Job, job_id)
        assert job is not None and name.split()[0] not in job.summary + job.params


def test_the_download_is_audited(protection) -> None:  # type: ignore[no-untyped-def]
    job_id = _start(protection, ids=[create_case(protection)["id"]])
    _done(protection, job_id)
    assert _audits("jobs.download", job_id) == []
    size = len(_file(protection, job_id, "cases-htcds.json"))
    entries = _audits("jobs.download", job_id)
    assert len(entries) == 1
    assert entries[0]["file"] == "cases-htcds.json" and entries[0]["bytes"] == size
    assert entries[0]["actor"] == ROLE_USERS["protection_officer"]
    assert len(_audits("jobs.start", job_id)) == 1 and len(_audits("jobs.finish", job_id)) == 1


def test_another_units_or_another_roles_user_gets_404(app, role_clients, protection) -> None:  # type: ignore[no-untyped-def]
    job_id = _start(protection, ids=[create_case(protection)["id"]])
    _done(protection, job_id)
    other_unit = _user(app, "pelindungan.lain", "protection_officer", "KBRI Kuala Lumpur Uji")
    strangers = {"analyst (cases.export, another role)": role_clients["analyst"],
                 "protection officer of another unit": other_unit,
                 **{role: role_clients[role] for role in ("checkpoint_officer",
                                                          "passport_officer", "auditor",
                                                          "admin")}}
    paths = (f"/api/v1/jobs/{job_id}", f"/api/v1/jobs/{job_id}/files/cases-htcds.json",
             f"/jobs/{job_id}", f"/jobs/{job_id}/files/cases-htcds.json",
             f"/jobs/{job_id}/status")
    for who, client in strangers.items():
        for path in paths:
            assert client.get(path).status_code == 404, (who, path)
    assert _audits("jobs.download", job_id) == []
    # a colleague of the same role and unit sees what the owner's role and unit see anyway
    colleague = _user(app, "pelindungan.rekan", "protection_officer",
                      _unit_of("protection_officer"))
    assert colleague.get(f"/api/v1/jobs/{job_id}/files/cases-htcds.json").status_code == 200
    other_unit.close()
    colleague.close()
    # an analyst's (de-identified) job: another analyst may see it, a protection officer not
    analyst_job = _start(role_clients["analyst"], ids=[create_case(protection)["id"]])
    _done(role_clients["analyst"], analyst_job)
    assert protection.get(f"/api/v1/jobs/{analyst_job}").status_code == 404
    assert role_clients["checkpoint_officer"].post(
        "/api/v1/cases/export", json={}).status_code == 403
    assert protection.get("/api/v1/jobs/999999999").status_code == 404
    assert protection.get(f"/api/v1/jobs/{job_id}/files/other.json").status_code == 404


def test_the_purge_removes_the_file(protection) -> None:  # type: ignore[no-untyped-def]
    old = _start(protection, ids=[create_case(protection)["id"]])
    _done(protection, old)
    assert _outputs(old) == 1
    with session_scope() as db:
        job = db.get(store.Job, old)
        assert job is not None
        job.finished_at = utcnow() - timedelta(days=15)
    with session_scope() as db:
        assert service.purge(db, retention_days=14) >= 1
    assert _outputs(old) == 0
    assert protection.get(f"/api/v1/jobs/{old}/files/cases-htcds.json").status_code == 404


def test_cancel_keeps_nothing(role_clients, protection) -> None:  # type: ignore[no-untyped-def]
    job_id = _start(protection, ids=[create_case(protection)["id"]])
    with session_scope() as db:
        assert worker.claim(db, "test-worker") == job_id
    cancel = protection.post(f"/jobs/{job_id}/cancel", headers=csrf_headers(protection),
                             follow_redirects=False)
    assert cancel.status_code == 303
    assert worker.run_job(job_id) == "cancelled"
    assert _outputs(job_id) == 0
    data = protection.get(f"/api/v1/jobs/{job_id}").json()
    assert data["status"] == "cancelled" and data["files"] == []


def test_a_file_over_the_bound_fails_the_job_and_keeps_nothing(monkeypatch, protection) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(store, "OUTPUT_MAX_BYTES", 1000)
    job_id = _start(protection, ids=[create_case(protection)["id"]])
    worker.run_pending()
    data = protection.get(f"/api/v1/jobs/{job_id}").json()
    assert data["status"] == "failed" and data["error_code"] == "output_too_large"
    assert data["problem"].startswith("The result is ") and "more than the 1000 B" in (
        data["problem"])
    assert data["files"] == [] and _outputs(job_id) == 0
    page = protection.get(f"/jobs/{job_id}")
    assert "lebih dari batas 1000 B" in page.text


def test_size_text_rounds_up() -> None:
    assert worker.size_text(800) == "800 B"
    assert worker.size_text(1025) == "2 KB"
    assert worker.size_text(store.OUTPUT_MAX_BYTES) == "64 MB"
    assert worker.size_text(store.OUTPUT_MAX_BYTES + 1) == "65 MB"


def test_the_cases_page_starts_the_job_and_the_job_page_offers_the_file(role_clients,  # type: ignore[no-untyped-def]
                                                                        protection) -> None:
    create_case(protection)
    page = protection.get("/cases?destination=KH")
    assert 'action="/cases/export"' in page.text and "Ekspor HTCDS" in page.text
    assert 'name="destination" value="KH"' in page.text
    assert 'action="/cases/export"' not in role_clients["checkpoint_officer"].get("/cases").text
    refused = protection.post("/cases/export", data={"format": "htcds-csv"},
                              follow_redirects=False)
    assert refused.status_code == 403  # no CSRF token
    started = protection.post("/cases/export", data={
        "format": "htcds-csv", "destination": "KH", "csrf_token": csrf_headers(
            protection)["X-CSRF-Token"]}, follow_redirects=False)
    assert started.status_code == 303 and started.headers["location"].startswith("/jobs/")
    job_id = int(started.headers["location"].rsplit("/", 1)[1])
    worker.run_pending()
    job_page = protection.get(f"/jobs/{job_id}")
    assert "Unduh hasil" in job_page.text and f'href="/jobs/{job_id}/files/cases-htcds.zip"' in (
        job_page.text)
    download = protection.get(f"/jobs/{job_id}/files/cases-htcds.zip")
    assert download.status_code == 200 and download.headers["content-type"] == "application/zip"
    assert "persons.csv" in _members(download.content)
    too_long = protection.post("/cases/export", data={
        "destination": "KHM", "csrf_token": csrf_headers(protection)["X-CSRF-Token"]})
    assert too_long.status_code == 422 and 'id="export-error"' in too_long.text


def test_the_api_refuses_a_bad_request(protection) -> None:  # type: ignore[no-untyped-def]
    assert protection.post("/api/v1/cases/export",
                           json={"format": "xml"}).status_code == 422
    assert protection.post("/api/v1/cases/export",
                           json={"ids": [0]}).status_code == 422
    assert protection.post("/api/v1/cases/export",
                           json={"ids": list(range(1, 5002))}).status_code == 422


def test_the_cli_export_keeps_its_direct_path(protection, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from waspada.cases.cli import cases_app

    cid = create_case(protection)["id"]
    with session_scope() as db:
        before = db.scalar(select(func.count(store.Job.id))) or 0
    out = tmp_path / "cases.zip"
    result = CliRunner().invoke(cases_app, ["export", "--format", "htcds-csv", "--ids",
                                            str(cid), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "persons.csv" in _members(out.read_bytes())
    with session_scope() as db:
        assert (db.scalar(select(func.count(store.Job.id))) or 0) == before


def test_the_job_does_not_run_for_an_owner_moved_to_another_role(app) -> None:  # type: ignore[no-untyped-def]
    officer = _user(app, "pelindungan.pindah", "protection_officer",
                    _unit_of("protection_officer"))
    with session_scope() as db:
        user = db.scalar(select(User).where(User.username == "pelindungan.pindah"))
        assert user is not None
        user.role = "protection_officer"  # a re-run of the test starts from the same account
    job_id = _start(officer)
    with session_scope() as db:
        user = db.scalar(select(User).where(User.username == "pelindungan.pindah"))
        assert user is not None
        user.role = "checkpoint_officer"  # moved before the job ran
    before = len(_audits("case.export"))
    worker.run_pending()
    with session_scope() as db:
        job = db.get(store.Job, job_id)
        assert job is not None and job.status == "failed" and job.error_code == "owner_changed"
    assert _outputs(job_id) == 0 and len(_audits("case.export")) == before
    officer.close()


def _set(username: str, **values: object) -> None:
    with session_scope() as db:
        user = db.scalar(select(User).where(User.username == username))
        assert user is not None
        for key, value in values.items():
            setattr(user, key, value)


@pytest.mark.parametrize("move", ["role", "unit"])
def test_a_finished_export_is_not_served_to_its_owner_after_a_move(app, move: str) -> None:  # type: ignore[no-untyped-def]
    """Round 20 pass: the owner was always admitted (``may_see``), so a protection officer
    moved to a checkpoint (or to another unit) kept downloading the export with victims'
    names that they made before the move, until the retention purge. The owner now sees the
    job only while they hold the role and unit it was started with; after a move the rule
    for everyone else decides (here: 404, on the API, the pages and the list)."""
    username = f"pelindungan.pindah.{move}"
    home = _unit_of("protection_officer")
    officer = _user(app, username, "protection_officer", home)
    _set(username, role="protection_officer", unit_id=_unit_id(home))  # a re-run starts alike
    job_id = _start(officer)
    _done(officer, job_id)
    assert _file(officer, job_id, "cases-htcds.json")
    if move == "role":
        _set(username, role="checkpoint_officer")
    else:
        _set(username, unit_id=_unit_id(_unit_of("checkpoint_officer")))
    paths = [f"/api/v1/jobs/{job_id}", f"/api/v1/jobs/{job_id}/files/cases-htcds.json",
             f"/jobs/{job_id}", f"/jobs/{job_id}/files/cases-htcds.json",
             f"/jobs/{job_id}/status"]
    assert [officer.get(p).status_code for p in paths] == [404] * len(paths)
    assert f"/jobs/{job_id}\"" not in officer.get("/jobs").text
    _set(username, role="protection_officer", unit_id=_unit_id(home))  # moved back
    assert officer.get(f"/api/v1/jobs/{job_id}/files/cases-htcds.json").status_code == 200
    officer.close()


def _unit_id(name: str) -> int:
    from waspada.platform.security.models import Unit

    with session_scope() as db:
        unit = db.scalar(select(Unit).where(Unit.name == name))
        assert unit is not None
        return int(unit.id)


def test_one_account_cannot_fill_the_job_queue(app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Round 20 pass: one read token started 40 exports in 0.8 s and every other user's job
    waited over a minute behind them (nothing bounded a user's queued jobs). At most
    ``WASPADA_JOB_MAX_ACTIVE`` (5 by default) unfinished jobs per account: the next is 429
    ``too_many_jobs`` on the API and the page, and starts again once one has ended."""
    from waspada.platform.settings import Settings, get_settings

    default = Settings.model_fields["job_max_active"].default
    assert default == 5
    monkeypatch.setattr(get_settings(), "job_max_active", default)
    officer = _user(app, "pelindungan.antrean", "protection_officer",
                    _unit_of("protection_officer"))
    started = [_start(officer) for _ in range(default)]
    refused = officer.post("/api/v1/cases/export", json={})
    assert refused.status_code == 429, refused.text
    assert refused.json()["error"]["code"] == "too_many_jobs"
    assert "Traceback" not in refused.text
    page = officer.post("/cases/export", data={"format": "htcds-json"},
                        headers=csrf_headers(officer))
    assert page.status_code == 429 and "Pekerjaan saya" in page.text
    with session_scope() as db:
        mine = db.scalar(select(func.count(store.Job.id)).where(
            store.Job.owner_id == select(User.id).where(
                User.username == "pelindungan.antrean").scalar_subquery())) or 0
    assert mine == len(started)  # the refused ones made no job
    # others are not held back by this account's limit
    other = _start(_user(app, "pelindungan.lain", "protection_officer",
                         _unit_of("protection_officer")))
    assert other not in started
    worker.run_pending()
    assert officer.post("/api/v1/cases/export", json={}).status_code == 202  # room again
    worker.run_pending()
    officer.close()
