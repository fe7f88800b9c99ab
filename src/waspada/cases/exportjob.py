"""The HTCDS case export as a background job (``platform/jobs``): the export of every visible
case took 4-6 s inside one request. The job runs :func:`waspada.cases.service.export_file` as
the owner (the redaction by role and the ``case.export`` audit entry are the synchronous
export's own) and keeps the JSON document or the zip as the job's result file
(``job_outputs``), downloaded whole from the job page or ``GET /api/v1/jobs/{id}/files/{name}``.

The file is shaped by the owner's role (names only for a protection officer, de-identified for
an analyst), so besides the owner only users of the same role allowed ``cases.export`` within
their unit reach see the job (``same_role``).
"""

from __future__ import annotations

from waspada.platform.i18n import N_
from waspada.platform.jobs.kinds import JobContext, JobKind, Outcome, OutputFile


def _run(ctx: JobContext) -> Outcome:
    from waspada.cases import service
    from waspada.cases.schemas import HtcdsExportIn
    from waspada.platform.db import session_scope

    request = HtcdsExportIn.model_validate(ctx.params)
    ctx.progress(0, 1)
    with session_scope() as db:
        exported = service.export_file(db, ctx.principal, request)
    ctx.progress(1, 1)
    return Outcome(summary={"cases": exported.count, "format": request.format,
                            "deidentified": exported.deidentified},
                   files=[OutputFile(exported.name, exported.media_type, exported.data)])


EXPORT = JobKind(name="cases.export", title=N_("HTCDS case export"), view_action="cases.export",
                 run=_run, same_role=True, start_page="/cases")
