"""The audit-trail export as a background job (``platform/jobs``): up to
``audit_trail.EXPORT_LIMIT`` entries are read in the job, not in the page request; the read is
audited (``audit.export`` with its filters and count) and the rows are kept as the job's
results for the auditor who started it (and other ``audit.read`` roles), downloadable as CSV
or Excel."""

from __future__ import annotations

from waspada.platform.i18n import N_
from waspada.platform.jobs.kinds import Column, JobContext, JobKind, Outcome, Section


def _run(ctx: JobContext) -> Outcome:
    from waspada.platform import audit_trail
    from waspada.platform.db import session_scope
    from waspada.platform.security.schemas import AuditFilter

    filters = AuditFilter.model_validate(ctx.params.get("filters") or {})
    ctx.progress(0, 1)
    with session_scope() as db:
        rows = audit_trail.export_rows(db, ctx.principal, filters,
                                       str(ctx.params.get("zone") or "Asia/Jakarta"))
    ctx.progress(1, 1)
    keys = audit_trail.EXPORT_HEADER
    return Outcome(summary={"rows": len(rows),
                            "lines": [[N_("%(n)s audit entries."), {"n": len(rows)}]]},
                   rows={"audit": [dict(zip(keys, row, strict=True)) for row in rows]})


EXPORT = JobKind(name="audit.export", title=N_("Audit trail export"), view_action="audit.read",
                 start_page="/audit", run=_run, sections=(Section("audit", N_("Audit trail"), tuple(
                     Column(k, k) for k in ("seq", "time", "time_utc", "actor", "via", "action",
                                            "action_label", "object_type", "object_id",
                                            "object", "unit_id", "outcome", "detail",
                                            "hash"))),))
