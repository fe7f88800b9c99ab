"""The dedupe run as a background job (``platform/jobs``): the records (the uploaded CSV or
the person records in the database) are clustered with progress per engine step; the run and
its clusters are saved, with the audit entry, when the job finishes, and the job page links
to the review of its clusters."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from waspada.matching.records import PersonRecord, Rejection, rejects_lines
from waspada.platform.db import session_factory
from waspada.platform.i18n import N_
from waspada.platform.jobs.kinds import Cancelled, JobContext, JobKind, Outcome

log = logging.getLogger("waspada.matching")


#: the steps of a dedupe job, as its progress counts them (the engine's own messages)
DEDUPE_STEPS = ("computing features", "blocking", "estimating", "predicting pairs",
                "clustering")
#: the step names people read (progress and errors)
STEP_LABELS = {"computing features": N_("computing features"),
               "blocking": N_("choosing blocking rules"),
               "estimating": N_("training the model"),
               "predicting pairs": N_("scoring pairs"), "clustering": N_("clustering")}


#: the review queue of a run: pairs scored from this probability up to the run's threshold
#: that the run left apart (calibrated probabilities: about one in five is the same person)
REVIEW_LOW = 0.2


def review_band(threshold: float) -> tuple[float, float] | None:
    """The band of a run's review queue: [REVIEW_LOW, threshold) (None below REVIEW_LOW)."""
    return (REVIEW_LOW, threshold) if threshold > REVIEW_LOW else None


def compute_dedupe(records: list[PersonRecord], threshold: float | None,
                   progress: Any = None) -> Any:
    """Cluster ``records`` (the job's work; no database) at ``threshold``, or (None: the
    field left empty) at the threshold chosen for the precision target
    :data:`~waspada.matching.threshold.DEFAULT_PRECISION`; ``result.review`` holds the pairs of
    the review queue, from :data:`REVIEW_LOW` up to the threshold used. A failure names its
    cause and step (``WatchlistError``); the log names the step and the error type, never a
    record."""
    from waspada.matching import service

    step = ["computing features"]

    def engine_progress(message: str) -> None:
        for n, name in enumerate(DEDUPE_STEPS):
            if name in message and n >= DEDUPE_STEPS.index(step[0]):
                step[0] = name
                if progress is not None:
                    progress(n, len(DEDUPE_STEPS))
                return

    try:
        from waspada.matching.engines import out_of_disk, out_of_memory
        from waspada.matching.pipeline import dedupe, in_band
    except ImportError as exc:
        log.error("dedupe engine missing: %s", exc.name)
        raise service.WatchlistError("engine_missing",
                             N_("The deduplication engine is not installed (missing Python "
                                "package: {package}). Reinstall Waspada with `make run`."),
                             status=500, package=exc.name or "?") from None
    try:
        # the queue's upper end is the threshold used, known only when the run chose it
        from waspada.matching.threshold import DEFAULT_PRECISION

        result = dedupe(records, threshold=threshold,
                        precision=DEFAULT_PRECISION if threshold is None else None,
                        progress=engine_progress, review_band=(REVIEW_LOW, 1.0))
    except (service.WatchlistError, Cancelled):
        raise
    except Exception as exc:  # noqa: BLE001 - every engine failure is named, then logged
        if not out_of_memory(exc):
            log.error("dedupe failed at step %r: %s", step[0], type(exc).__name__)
            raise service.WatchlistError(
                "dedupe_failed", N_("The deduplication failed while {step} ({error}). The "
                                    "error was logged; check the file or try a higher "
                                    "threshold."),
                status=500, step=STEP_LABELS[step[0]], error=type(exc).__name__) from None
        if out_of_disk(exc):
            log.error("dedupe failed at step %r: its spill folder's disk is full "
                      "(WASPADA_MATCHING_SPILL_DIR)", step[0])
            raise service.WatchlistError(
                "dedupe_disk", N_("The deduplication ran out of disk space for its temporary "
                                  "files while {step}; ask the administrator to free space or "
                                  "set WASPADA_MATCHING_SPILL_DIR."), status=500,
                step=STEP_LABELS[step[0]]) from None
        log.error("dedupe failed at step %r: out of memory", step[0])
        raise service.WatchlistError(
            "dedupe_memory", N_("The deduplication ran out of memory while {step}; use fewer "
                                "records or the command line."), status=500,
            step=STEP_LABELS[step[0]]) from None
    used = result.choice.threshold if result.choice is not None else threshold
    band = review_band(used) if used is not None else None
    result.review = [t for t in result.review if in_band(t[2], band)]
    if progress is not None:
        progress(len(DEDUPE_STEPS), len(DEDUPE_STEPS))
    return result


def threshold_line(choice: Any) -> list[Any]:
    """The job's result line on the threshold used and the model's estimates."""
    from waspada.matching.threshold import show

    values = {"t": show(choice.threshold), "p": f"{choice.precision:.4f}",
              "r": f"{choice.recall:.4f}"}
    if not choice.pairs:  # nothing linked: no precision to claim
        return [N_("Threshold %(t)s: no pair scored at or above it, so nothing was linked."),
                {"t": values["t"]}]
    if choice.target is None:
        return [N_("Threshold %(t)s (fixed): estimated precision %(p)s, estimated recall "
                   "%(r)s."), values]
    return [N_("Threshold %(t)s, chosen for an estimated precision of at least %(target)s: "
               "estimated precision %(p)s, estimated recall %(r)s."),
            {**values, "target": f"{choice.target:g}"}]


def _run(ctx: JobContext) -> Outcome:
    from waspada.matching import service

    origin = str(ctx.params.get("origin", "upload"))
    given = ctx.params.get("threshold")  # None: chosen for the precision target
    threshold = None if given is None else float(given)
    rejects: list[Rejection] = []
    with session_factory()() as db:
        records = service.dedupe_input(db, origin, ctx.data, rejects=rejects)
    ctx.progress(0, len(DEDUPE_STEPS))
    result = compute_dedupe(records, threshold, progress=ctx.progress)
    choice = result.choice
    used = choice.threshold if choice is not None else threshold
    if used is None:
        raise RuntimeError("the dedupe engine returned no threshold")

    def save(db: Session) -> dict[str, Any]:
        run = service.save_dedupe_run(db, ctx.principal, records, result.clusters,
                                      origin=origin, threshold=used, review=result.review)
        lines = [[N_("Run #%(run)s: %(n)s records, %(c)s clusters of two or more records."),
                  {"run": str(run.id), "n": len(records), "c": run.n_clusters}]]
        if choice is not None:
            lines.append(threshold_line(choice))
        lines.extend(rejects_lines(rejects))
        return {"run_id": run.id, "clusters": run.n_clusters, "lines": lines}

    summary: dict[str, Any] = {"records": len(records), "threshold": used}
    if choice is not None:
        summary.update(precision_target=choice.target, estimated_precision=choice.precision,
                       estimated_recall=choice.recall)
    return Outcome(summary=summary, save=save)


def _review(summary: Mapping[str, Any]) -> str | None:
    run_id = summary.get("run_id")
    return f"/dedupe/runs/{int(run_id)}" if run_id else None


DEDUPE = JobKind(name="matching.dedupe", title=N_("Duplicate identities"),
                 view_action="dedupe.review", run=_run, result_link=_review,
                 result_link_label=N_("Review the clusters"), start_action="dedupe.run",
                 start_page="/dedupe")
