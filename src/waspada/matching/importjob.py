"""The watchlist import as a background job (``platform/jobs``): the uploaded person CSV was
checked line by line before the job started (``service.start_import``); the job reads it again
with progress and adds every entry with the same listing, all or none, in the transaction that
finishes the job (one audit entry, ``watchlist.import``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from waspada.platform.i18n import N_
from waspada.platform.jobs.kinds import JobContext, JobKind, Outcome

#: progress is recorded every this many records
STEP = 500


def _run(ctx: JobContext) -> Outcome:
    from waspada.matching import service
    from waspada.matching.schemas import ImportIn

    listing = ImportIn.model_validate(ctx.params)
    records = service.read_import_file(ctx.data, source=listing.source,
                                       max_bytes=service.IMPORT_MAX_BYTES)
    total = len(records)
    for done in range(0, total, STEP):  # the cancel point between batches
        ctx.progress(done, total)
    ctx.progress(total, total)

    def save(db: Session) -> dict[str, Any]:
        n = service.import_entries(db, ctx.principal, records, listing, commit=False)
        return {"imported": n,
                "lines": [[N_("%(n)s entries imported."), {"n": n}]]}

    return Outcome(summary={"records": total, "list_kind": listing.list_kind}, save=save)


def _manage(summary: Any) -> str | None:
    return "/watchlist/manage" if summary.get("imported") is not None else None


IMPORT = JobKind(name="watchlist.import", title=N_("Watchlist import"),
                 view_action="watchlist.manage", run=_run, result_link=_manage,
                 result_link_label=N_("Manage the watchlist"), start_page="/watchlist/manage")
