"""The dedupe run as a background job (``platform/jobs``): the records (the uploaded CSV or
the person records in the database) are clustered with progress per engine step; the run and
its clusters are saved, with the audit entry, when the job finishes, and the job page links
to the review of its clusters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from waspada.platform.db import session_factory
from waspada.platform.i18n import N_
from waspada.platform.jobs.kinds import JobContext, JobKind, Outcome


def _run(ctx: JobContext) -> Outcome:
    from waspada.matching import service

    origin = str(ctx.params.get("origin", "upload"))
    threshold = float(ctx.params.get("threshold", 0.5))
    with session_factory()() as db:
        records = service.dedupe_input(db, origin, ctx.data)
    ctx.progress(0, len(service.DEDUPE_STEPS))
    result = service.compute_dedupe(records, threshold, progress=ctx.progress)

    def save(db: Session) -> dict[str, Any]:
        run = service.save_dedupe_run(db, ctx.principal, records, result.clusters,
                                      origin=origin, threshold=threshold)
        return {"run_id": run.id, "clusters": run.n_clusters,
                "lines": [[N_("Run #%(run)s: %(n)s records, %(c)s clusters of two or more "
                              "records."), {"run": run.id, "n": len(records),
                                            "c": run.n_clusters}]]}

    return Outcome(summary={"records": len(records), "threshold": threshold}, save=save)


def _review(summary: Mapping[str, Any]) -> str | None:
    run_id = summary.get("run_id")
    return f"/dedupe/runs/{int(run_id)}" if run_id else None


DEDUPE = JobKind(name="matching.dedupe", title=N_("Duplicate identities"),
                 view_action="dedupe.review", run=_run, result_link=_review,
                 result_link_label=N_("Review the clusters"))
