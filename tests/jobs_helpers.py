"""Helpers for tests of pages that start background jobs: run the queued jobs in the test's
own thread (the suite's app starts no worker threads: WASPADA_JOB_WORKERS=0)."""

from __future__ import annotations

from fastapi.testclient import TestClient


def finish_jobs() -> int:
    from waspada.platform.jobs.worker import run_pending

    return run_pending()


def job_id_of(response) -> int:  # type: ignore[no-untyped-def]
    """The job a submit redirected to (``303 /jobs/N``)."""
    assert response.status_code == 303, response.text[:500]
    location = response.headers["location"]
    assert location.startswith("/jobs/"), location
    return int(location.rsplit("/", 1)[1])


def run_job_page(client: TestClient, response, section: str | None = None):  # type: ignore[no-untyped-def]
    """Run the job a submit started and return its page (of ``section``)."""
    job_id = job_id_of(response)
    finish_jobs()
    query = f"?section={section}" if section else ""
    return client.get(f"/jobs/{job_id}{query}")
