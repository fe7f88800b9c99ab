"""The screening export as a background job (``platform/jobs``): a busy checkpoint screens tens
of thousands of travellers a month, so the rows are read in the job, not in the page request.
The read is the service's audited ``export_rows`` (one ``screening.export`` entry with the
count); the rows are kept as the job's results (owner and ``screening.export`` roles of the
unit only, for the jobs' retention) and downloaded as CSV or Excel from the job page."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from waspada.platform import labels
from waspada.platform.i18n import N_
from waspada.platform.jobs.kinds import Column, JobContext, JobKind, Outcome, Section

#: a day as pages write it, in both languages
DAY = "%d-%m-%Y"
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
    # the period's days as pages write them (the summary's day_from/day_to keep ISO dates)
    return Outcome(summary={"rows": len(rows), "day_from": export.start.isoformat(),
                            "day_to": export.end.isoformat(),
                            "lines": [[N_("%(n)s screenings from %(start)s to %(end)s."),
                                       {"n": len(rows), "start": export.start.strftime(DAY),
                                        "end": export.end.strftime(DAY)}]]},
                   rows={"screenings": rows})


def _country_words(code: str, lang: str) -> str:
    """A destination's ISO 3166 code -> the country's name in the reader's language (the kept
    rows keep the codes; r25: the page and CSV read "JPN", "MMR", "KHM")."""
    return labels.country_name(code, lang)


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
_LABELS: dict[str, Mapping[str, str] | Callable[[str, str], str]] = {
    "kind": _KINDS, "level": _LEVELS, "recommended_action": _ACTIONS, "final_action": _ACTIONS,
    "destination_country": _country_words}
#: columns in the downloads only: the UTC time for machines (the page shows the local time,
#: DD-MM-YYYY with the zone, as pages write it)
_DOWNLOAD_ONLY = frozenset({"created_at_utc"})

EXPORT = JobKind(name="screening.export", title=N_("Screening export"),
                 view_action="screening.export", start_page="/screenings", run=_run,
                 sections=(Section("screenings", N_("Screenings"), tuple(
                     Column(k, t, _LABELS.get(k), page=k not in _DOWNLOAD_ONLY)
                     for k, t in zip(_KEYS, _TITLES, strict=True))),))
