"""A job's kept file is downloaded in chunks read from the database (docs/jobs.md, "File
results"): the same bytes, headers and audit entry as a whole read, but the server holds one
chunk, not the file (a kept file may be 64 MB). Runs on SQLite and, in CI, on PostgreSQL."""

from __future__ import annotations

import asyncio
import random
import tracemalloc
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import delete, func, select

from tests.conftest import ROLE_USERS
from waspada.platform.audit import AuditEntry
from waspada.platform.db import session_scope
from waspada.platform.jobs import kinds, pages, service, store, worker
from waspada.platform.security.models import User
from waspada.platform.security.policy import Principal
from waspada.platform.security.roles import Role

#: the file the test kind keeps, set by each test
FILE: dict[str, bytes] = {}


def _run(ctx: kinds.JobContext) -> kinds.Outcome:
    return kinds.Outcome(summary={"n": 1}, files=[
        kinds.OutputFile("result.bin", "application/octet-stream", FILE["data"])])


FILE_KIND = kinds.JobKind(name="test.file", title="Bulk offer scan", view_action="offers.scan",
                          run=_run, sections=())


@pytest.fixture(autouse=True)
def file_kind() -> Iterator[None]:
    kinds.registry()[FILE_KIND.name] = FILE_KIND
    worker.run_pending()  # jobs other tests left queued do not disturb these
    yield
    kinds.registry().pop(FILE_KIND.name, None)
    FILE.clear()


def _done_job(size: int) -> tuple[int, bytes]:
    """A done job of the analyst keeping ``size`` random bytes as ``result.bin``."""
    data = random.Random(size).randbytes(size)
    FILE["data"] = data
    with session_scope() as db:
        user = db.scalar(select(User).where(User.username == ROLE_USERS["analyst"]))
        principal = Principal(user_id=user.id, username=user.username, role=Role(user.role),
                              unit_id=user.unit_id)
        job_id = service.submit(db, principal, FILE_KIND.name, params={}, data=b"in",
                                filename="in.bin").id
    assert worker.run_job(job_id) == "done"
    return job_id, data


def _downloads(job_id: int) -> int:
    with session_scope() as db:
        return db.scalar(select(func.count(AuditEntry.seq)).where(
            AuditEntry.action == "jobs.download", AuditEntry.object_id == str(job_id))) or 0


def test_the_file_is_sent_in_chunks_with_the_same_bytes_and_headers(  # type: ignore[no-untyped-def]
        role_clients, monkeypatch) -> None:
    monkeypatch.setattr(store, "CHUNK_BYTES", 1000)
    job_id, data = _done_job(2500)  # two whole chunks and a short one
    reads: list[tuple[int, int]] = []
    real_chunk = store.output_chunk

    def counted(db, job, name, start, length):  # type: ignore[no-untyped-def]
        reads.append((start, length))
        return real_chunk(db, job, name, start, length)

    monkeypatch.setattr(store, "output_chunk", counted)
    analyst = role_clients["analyst"]
    for url in (f"/api/v1/jobs/{job_id}/files/result.bin", f"/jobs/{job_id}/files/result.bin"):
        reads.clear()
        answer = analyst.get(url)
        assert answer.status_code == 200
        assert answer.content == data
        assert answer.headers["content-length"] == "2500"
        assert answer.headers["content-type"] == "application/octet-stream"
        assert answer.headers["content-disposition"] == (
            f'attachment; filename="job-{job_id}-result.bin"')
        assert reads == [(0, 1000), (1000, 1000), (2000, 1000)]
    assert _downloads(job_id) == 2  # audited once per download, before the first byte
    assert analyst.get(f"/api/v1/jobs/{job_id}/files/other.bin").status_code == 404
    assert role_clients["checkpoint_officer"].get(f"/jobs/{job_id}/files/result.bin").status_code == 404
    assert _downloads(job_id) == 2


def test_an_empty_file_and_one_of_exactly_one_chunk(role_clients, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(store, "CHUNK_BYTES", 1000)
    for size in (0, 1000):
        job_id, data = _done_job(size)
        answer = role_clients["analyst"].get(f"/api/v1/jobs/{job_id}/files/result.bin")
        assert answer.status_code == 200 and answer.content == data
        assert answer.headers["content-length"] == str(size)


def _drain(response) -> int:  # type: ignore[no-untyped-def]
    async def read() -> int:
        return sum([len(chunk) async for chunk in response.body_iterator])

    # in a thread of its own: a browser test earlier in this worker may leave an event loop
    # running in this one (asyncio.run refuses then)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, read()).result()


def test_a_download_holds_one_chunk_not_the_whole_file(role_clients, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """8 MB sent 1 MB at a time: the download's Python allocations stay near one chunk (a
    whole read held the file, 8 MB, and more)."""
    monkeypatch.setattr(store, "CHUNK_BYTES", 1024 * 1024)
    size = 8 * 1024 * 1024
    job_id, _data = _done_job(size)
    del _data
    FILE.clear()
    with session_scope() as db:
        job, output = service.download_file(db, _cli(), job_id, "result.bin")
    _drain(pages.file_response(job, output))  # the first connection, imports
    tracemalloc.start()
    try:
        with session_scope() as db:
            job, output = service.download_file(db, _cli(), job_id, "result.bin")
        sent = _drain(pages.file_response(job, output))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert sent == size
    assert peak < 3 * 1024 * 1024, f"{peak / 2**20:.1f} MiB held for an 8 MiB file"


def test_a_file_deleted_while_it_is_sent_ends_the_download_short(role_clients, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(store, "CHUNK_BYTES", 1000)
    job_id, data = _done_job(2500)
    with session_scope() as db:
        _job, output = service.download_file(db, _cli(), job_id, "result.bin")
    chunks = service.file_chunks(output)
    assert next(chunks) == data[:1000]
    with session_scope() as db:  # the retention purge deletes it meanwhile
        db.execute(delete(store.JobOutput).where(store.JobOutput.job_id == job_id))
    with pytest.raises(RuntimeError, match="deleted or changed while it was sent"):
        next(chunks)


def _cli() -> Principal:
    from waspada.platform.security.policy import CLI_PRINCIPAL

    return CLI_PRINCIPAL
