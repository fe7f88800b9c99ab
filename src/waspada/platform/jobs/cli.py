"""``waspada jobs``: a worker process of its own, the job list, housekeeping."""

from __future__ import annotations

import signal
import time
from typing import Annotated

import typer

from waspada.platform.console import Col, ListTable, Wide, out, require_schema

jobs_app = typer.Typer(help="Background jobs (bulk scans, dedupe runs): worker and list.",
                       no_args_is_help=True)


@jobs_app.command("worker")
def worker(threads: Annotated[int, typer.Option(min=1, max=8, help="Worker threads.")] = 1,
           poll: Annotated[float, typer.Option(min=0.05, help="Seconds between looks for "
                                               "queued jobs.")] = 2.0) -> None:
    """Run queued jobs until stopped (Ctrl-C / SIGTERM), for a server started with
    WASPADA_JOB_WORKERS=0 or to add capacity; any number of workers may run at once."""
    from waspada.platform.jobs.worker import Worker

    require_schema()
    running = Worker(threads, poll)
    stop = {"now": False}

    def _stop(_signum: int, _frame: object) -> None:
        stop["now"] = True

    signal.signal(signal.SIGTERM, _stop)
    running.start()
    out.print(f"job worker started: {threads} thread(s), polling every {poll:g} s")
    try:
        while not stop["now"]:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    running.stop()
    out.print("job worker stopped")


@jobs_app.command("run-pending")
def run_pending() -> None:
    """Run every queued job now, one after the other, then exit."""
    from waspada.platform.jobs.worker import housekeeping
    from waspada.platform.jobs.worker import run_pending as run

    require_schema()
    housekeeping()
    out.print(f"{run()} job(s) run")


@jobs_app.command("list")
def list_jobs(limit: Annotated[int, typer.Option(
        min=1, max=500, help="Show at most this many jobs, newest first.")] = 20,
        wide: Wide = False) -> None:
    """The newest jobs: id, kind, owner, status, progress, created (UTC); --wide adds when
    each finished and its error code (no results, no personal data)."""
    from sqlalchemy import select

    from waspada.platform.db import session_scope
    from waspada.platform.jobs.store import Job

    require_schema()
    table = ListTable([Col("id", justify="right"), Col("kind"),
                       Col("owner", flex=True, min_width=8), Col("status"),
                       Col("progress", justify="right"), Col("created"),
                       Col("finished", wide_only=True), Col("error", wide_only=True)], wide)
    with session_scope() as db:
        for job in db.scalars(select(Job).order_by(Job.id.desc()).limit(limit)):
            table.add_row(str(job.id), job.kind, job.owner_name, job.status,
                          f"{job.done}/{job.total}", table.when(job.created_at),
                          table.when(job.finished_at), job.error_code or "-")
    table.print("No jobs.")
