"""The screening export as a background job (``platform/jobs``): a busy checkpoint screens tens
of thousands of travellers a month, so the rows are read in the job, not in the page request.
The read is the service's audited ``export_rows`` (one ``screening.export`` entry with the
count); the rows are kept as the job's results (owner and ``screening.export`` roles of the
unit only, for the jobs' retention) and downloaded as CSV or Excel from the job page."""

from __future__ import annotations

from datetime import date

from waspada.platform.i18n import N_
from waspada.platform.jobs.kinds import Column, JobContext, JobKind, Outcome, Section

#: column keys of the kept rows
_KEYS = ("record_no", "created_at_utc", "created_at_local", "unit", "kind", "officer",
         "full_name", "nik", "passport_no", "destination_country", "level",
         "recommended_action", "final_action")


def _day(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _run(ctx: JobContext) -> Outcome:
    from waspada.platform.db import session_scope
    from waspada.screening import service

    ctx.progress(0, 1)
    with session_scope() as db:
        export = service.export_rows(db, ctx.principal, _day(ctx.params.get("day_from")),
                                     _day(ctx.params.get("day_to")),
                                     str(ctx.params.get("format", "csv")))
    rows = [dict(zip(_KEYS, row, strict=True)) for row in export.rows]
    ctx.progress(1, 1)
    return Outcome(summary={"rows": len(rows), "day_from": export.start.isoformat(),
                            "day_to": export.end.isoformat(),
                            "lines": [[N_("%(n)s screenings from %(start)s to %(end)s."),
                                       {"n": len(rows), "start": export.start.isoformat(),
                                        "end": export.end.isoformat()}]]},
                   rows={"screenings": rows})


#: readable words for the stored codes (the same code means the same step for both kinds)
_KINDS = {"departure": N_("Departure screening"), "passport": N_("Passport application")}
_LEVELS = {"low": N_("Low"), "medium": N_("Medium"), "high": N_("High")}
_ACTIONS = {"allow": N_("Allow / issue"), "secondary_interview": N_("Secondary interview"),
            "postpone": N_("Postpone"), "refer_kp2mi": N_("Postpone and refer to KP2MI"),
            "refer_police": N_("Postpone and refer to the police")}
_TITLES = (N_("Record number"), N_("Time (UTC)"), N_("Local time"), N_("Unit"), N_("Kind"),
           N_("Officer"), N_("Full name"), N_("Identity number (NIK)"), N_("Passport number"),
           N_("Destination country"), N_("Risk level"), N_("Recommended action"),
           N_("Final action"))
_LABELS = {"kind": _KINDS, "level": _LEVELS, "recommended_action": _ACTIONS,
           "final_action": _ACTIONS}

EXPORT = JobKind(name="screening.export", title=N_("Screening export"),
                 view_action="screening.export", start_page="/screenings", run=_run,
                 sections=(Section("screenings", N_("Screenings"), tuple(
                     Column(k, t, _LABELS.get(k)) for k, t in zip(_KEYS, _TITLES, strict=True))),))
