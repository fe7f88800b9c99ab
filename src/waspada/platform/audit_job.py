"""The audit-trail export as a background job (``platform/jobs``): up to
``audit_trail.EXPORT_LIMIT`` entries are read in the job, not in the page request; the read is
audited (``audit.export`` with its filters and count) and the rows are kept as the job's
results for the auditor who started it (and other ``audit.read`` roles), downloadable as CSV
or Excel.

The rows keep the stored codes (the action's code stays a column of its own, for machines);
the columns show them in the words of whoever reads the page or downloads the file, in their
language: the action, the channel, the object type, the outcome and the details. The ISO UTC
time, the action's code and the details as stored (JSON) are in the downloads only (r25: the page
read ``offers.report.create · Lowongan kerja dilaporkan masyarakat · offer_report · selesai ·
{"level": "high"}`` in English)."""

from __future__ import annotations

from waspada.platform.action_labels import AUDIT_LABELS, OBJECT_LABELS, OUTCOME_LABELS, VIA_LABELS
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


def _detail_words(detail: str, lang: str) -> str | None:
    """A stored detail (JSON) -> its fields in words in the reader's language."""
    if not detail.startswith("{"):
        return None
    from waspada.platform.audit_trail import detail_text

    return detail_text(detail, None, lang) or "-"


EXPORT = JobKind(name="audit.export", title=N_("Audit trail export"), view_action="audit.read",
                 start_page="/audit", run=_run, sections=(Section("audit", N_("Audit trail"), (
                     Column("seq", N_("Entry")), Column("time", N_("Time")),
                     Column("time_utc", N_("Time (UTC, ISO 8601)"), page=False),
                     Column("actor", N_("Actor")),
                     Column("via", N_("Channel"), VIA_LABELS),
                     Column("action", N_("Action code"), page=False),
                     Column("action", N_("Action"), AUDIT_LABELS),
                     Column("object_type", N_("Object type"), OBJECT_LABELS),
                     Column("object_id", N_("Object id")), Column("object", N_("Object")),
                     Column("unit_id", N_("Unit id")),
                     Column("outcome", N_("Outcome"), OUTCOME_LABELS),
                     Column("detail", N_("Details"), _detail_words),
                     Column("detail", N_("Details as stored (JSON)"), page=False),
                     Column("hash", N_("Hash")))),))
