"""`waspada identity dedupe|link|verdicts` (the watchlist's commands are in
``watchlist_cli``; the file helpers both use are in ``cli_files``).

Output files are written atomically (temp file + rename) and only over a regular file; the
output path is checked before any work starts. Structural problems in an input CSV
(unterminated quote, a field holding a line break, a missing column, a wrong field count, a
duplicate id) stop the command with the line. ``dedupe``, ``link`` and ``match`` read values
tolerantly: a bad value (an impossible date, an unknown sex) is read as missing and a record
without id or name is skipped — each counted on stderr and listed with ``--rejects FILE``.
``watchlist import`` stays strict: a curated list is fixed at its source. Progress goes to
stderr; errors are one English line without a traceback and exit code 2.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from waspada.matching.cli_files import (
    REJECTS_HELP,
    Progress,
    TolerantReader,
    check_output,
    keep_apart,
    write_output,
)
from waspada.matching.pipeline import (
    FIXED_THRESHOLD,
    check_band,
    resolve_threshold,
    saved_model,
)
from waspada.matching.threshold import DEFAULT_PRECISION, describe
from waspada.matching.training import LinkType
from waspada.platform.console import err, fail
from waspada.platform.files import FileError, check_output_path

identity_app = typer.Typer(help="Duplicate-identity detection and record linkage (Splink).",
                           no_args_is_help=True, add_completion=False)


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Splink prints some progress on stdout; keep stdout clean."""
    old = sys.stdout
    sys.stdout = sys.stderr
    try:
        yield
    finally:
        sys.stdout = old


def _model_to_load(model: Path | None, link_type: LinkType) -> Path | None:
    """``--model``, checked before any input is read: an existing file must be a model saved
    for this task (returned, to be loaded); a new one must be a writable path (None: train and
    save there). Before, a JSON file that was no model failed after the features with
    "KeyError: 'comparisons'", and a missing folder was named "the output folder" only after
    the input had been read."""
    if model is None:
        return None
    if model.exists():
        try:
            saved_model(model, link_type)
        except ValueError as exc:
            fail(f"--model: {exc}")
        return model
    try:
        check_output_path(model)
    except FileError as exc:
        fail(f"--model: {exc}")
    return None


def _check_engine(engine: str) -> None:
    if engine not in ("duckdb", "spark"):
        fail("--engine must be duckdb or spark")


def _check_threshold(threshold: float | None, precision: float | None) -> None:
    """--threshold in (0, 1], --precision in (0.5, 1), not both."""
    if threshold is not None and not 0.0 < threshold <= 1.0:
        fail("--threshold must be in (0, 1]")
    if precision is not None and not 0.5 < precision < 1.0:
        fail("--precision must be in (0.5, 1), e.g. 0.99")
    try:
        resolve_threshold(threshold, precision)
    except ValueError:
        fail("give --threshold or --precision, not both")


_THRESHOLD_HELP = ("Match probability at which records are linked. Probabilities are "
                   "calibrated: of the pairs scored about 0.9, about 9 in 10 are the same "
                   "person. Higher: fewer wrong links, more missed ones.")
_PRECISION_HELP = ("Instead of --threshold: link at the smallest threshold (at least 0.5) at "
                   "which the model's estimate of the linked pairs' precision (their mean "
                   f"probability) reaches this, in (0.5, 1), e.g. {DEFAULT_PRECISION}.")
_BAND_HELP = ("Writes the pairs whose probability is in [LOW, HIGH) to --review-output, for "
              "a person to decide (0 < LOW < HIGH <= 1).")
_REVIEW_OUTPUT_HELP = "Review file for --review-band (default: OUTPUT with .review.csv)."


def _review_path(band: tuple[float, float] | None, output: Path,
                 review_output: Path | None) -> Path | None:
    """The review file of ``--review-band`` (checked before any work), or None."""

    if band is None:
        if review_output is not None:
            fail("--review-output needs --review-band LOW HIGH")
        return None
    try:
        check_band(band)
    except ValueError as exc:
        fail(f"--review-band: {exc}")
    path = review_output or output.with_name(output.stem + ".review.csv")
    if path.resolve() == output.resolve():
        fail("--review-output must differ from --output")
    check_output(path)
    return path


def _engine_failed(what: str, exc: BaseException) -> NoReturn:
    """One line for a failed dedupe or link: stopped (Ctrl+C, SIGTERM: exit 130), what to do
    when memory ran out, else the error."""
    from waspada.matching.engines import interrupted, memory_hint, out_of_memory

    if interrupted(exc):
        fail(f"{what} stopped (Ctrl+C or SIGTERM); nothing was written", code=130)
    if out_of_memory(exc):
        fail(f"{what} failed: {memory_hint(exc)}")
    fail(f"{what} failed: {type(exc).__name__}: {str(exc)[:300]}")


@identity_app.command("dedupe")
def dedupe_cmd(
    input: Annotated[Path, typer.Argument(help="Person CSV (record_id,full_name,...).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Writes record_id,cluster_id.")],
    threshold: Annotated[float | None, typer.Option(
        help=f"{_THRESHOLD_HELP} Default: {FIXED_THRESHOLD}.", show_default=False)] = None,
    precision: Annotated[float | None, typer.Option(help=_PRECISION_HELP)] = None,
    engine: Annotated[str, typer.Option(help="duckdb (embedded) or spark.")] = "duckdb",
    model: Annotated[Path | None, typer.Option(
        help="Trained model JSON: loaded if it exists, else trained and saved there.")] = None,
    rejects: Annotated[Path | None, typer.Option(help=REJECTS_HELP)] = None,
    review_band: Annotated[tuple[float, float] | None, typer.Option(
        metavar="LOW HIGH", help=_BAND_HELP)] = None,
    review_output: Annotated[Path | None, typer.Option(help=_REVIEW_OUTPUT_HELP)] = None,
) -> None:
    """Find people holding several identities; every record gets a cluster id."""
    from waspada.matching.pipeline import dedupe

    _check_threshold(threshold, precision)
    _check_engine(engine)
    check_output(output)
    review_path = _review_path(review_band, output, review_output)
    if rejects is not None:
        check_output(rejects)
    load = _model_to_load(model, "dedupe_only")
    keep_apart({"input": input}, {"--output": output, "--rejects": rejects,
                                  "--review-output": review_path,
                                  "--model": model if load is None else None})
    progress = Progress()
    reader = TolerantReader(rejects)
    records = reader.read(input, "input")
    reader.finish()
    progress(f"read {len(records):,} records")
    try:
        with _stdout_to_stderr():
            res = dedupe(records, threshold=threshold, precision=precision, engine=engine,
                         model=load,
                         save_model=model if load is None else None, progress=progress,
                         review_band=review_band)
    except ImportError as exc:
        fail(f"engine {engine} is not available: {exc}")
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - a clear line, not a traceback
        _engine_failed("deduplication", exc)
    if res.choice is not None:
        err.print(describe(res.choice), highlight=False, soft_wrap=True)
    n = write_output(output, ["record_id", "cluster_id"], res.clusters)
    clusters = len({c for _, c in res.clusters})
    progress(f"wrote {n:,} rows ({clusters:,} clusters) to {output}")
    if review_path is not None:
        cluster_of = dict(res.clusters)
        n = write_output(
            review_path, ["record_id_l", "record_id_r", "probability", "same_cluster"],
            ((a, b, f"{p:.6f}", "yes" if cluster_of.get(a) == cluster_of.get(b) else "no")
             for a, b, p in sorted(res.review, key=lambda t: (-t[2], t[0], t[1]))))
        progress(f"wrote {n:,} pairs to review to {review_path}")


@identity_app.command("verdicts")
def verdicts_cmd(
    since: Annotated[str | None, typer.Option(
        help="Only decisions made on or after this date (YYYY-MM-DD, Asia/Jakarta).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Analysts' decisions on dedupe clusters and review pairs against the score they were
    shown: per score band, the share confirmed (counts only)."""
    from rich.console import Console
    from rich.table import Table

    from waspada.matching import service
    from waspada.platform.console import since_tally
    from waspada.platform.files import dumps_json

    result = since_tally(service.dedupe_verdicts, since)
    if as_json:
        sys.stdout.write(dumps_json(result.to_dict(), sort_keys=True) + "\n")
        return
    out = Console()
    for title, kind in (("clusters (score: the weakest pair's)", result.clusters),
                        ("review-queue pairs (score: the match probability)", result.pairs)):
        if not kind.decided:
            out.print(f"{title}: none decided")
            continue
        table = Table(title=title)
        for column in ("score shown", "decided", "confirmed", "split", "mean score",
                       "share confirmed (95% interval)"):
            table.add_column(column, justify="left" if column == "score shown" else "right")
        for b in kind.bands:
            s = b.confirmed_share
            if s.value is None or s.interval is None or b.mean_score is None:
                continue
            table.add_row(f"{b.low:.2f}-{b.high:.2f}", str(b.decided), str(b.confirmed),
                          str(b.split), f"{b.mean_score:.2f}",
                          f"{s.value:.2f} ({s.interval[0]:.2f}-{s.interval[1]:.2f})")
        out.print(table)
        out.print(f"calibration error: {kind.calibration_error:.3f}")
    if result.unscored:
        out.print(f"decisions made before scores were kept (not counted): {result.unscored}")


@identity_app.command("link")
def link_cmd(
    left: Annotated[Path, typer.Argument(help="Left person CSV.")],
    right: Annotated[Path, typer.Argument(help="Right person CSV.")],
    output: Annotated[Path, typer.Option("--output", "-o",
                                         help="Writes left_id,right_id,probability.")],
    threshold: Annotated[float | None, typer.Option(
        help=f"{_THRESHOLD_HELP} Default: {FIXED_THRESHOLD}.", show_default=False)] = None,
    precision: Annotated[float | None, typer.Option(help=_PRECISION_HELP)] = None,
    engine: Annotated[str, typer.Option(help="duckdb (embedded) or spark.")] = "duckdb",
    model: Annotated[Path | None, typer.Option(
        help="Trained model JSON: loaded if it exists, else trained and saved there.")] = None,
    one_to_one: Annotated[bool, typer.Option(
        "--one-to-one", help="Link each record at most once (both files free of duplicates)."
    )] = False,
    rejects: Annotated[Path | None, typer.Option(help=REJECTS_HELP)] = None,
    review_band: Annotated[tuple[float, float] | None, typer.Option(
        metavar="LOW HIGH", help=_BAND_HELP)] = None,
    review_output: Annotated[Path | None, typer.Option(help=_REVIEW_OUTPUT_HELP)] = None,
) -> None:
    """Link two sources: pairs of records of the same person."""
    from waspada.matching.pipeline import link_review

    _check_threshold(threshold, precision)
    _check_engine(engine)
    check_output(output)
    review_path = _review_path(review_band, output, review_output)
    if rejects is not None:
        check_output(rejects)
    load = _model_to_load(model, "link_only")
    keep_apart({"left": left, "right": right},
               {"--output": output, "--rejects": rejects, "--review-output": review_path,
                "--model": model if load is None else None})
    progress = Progress()
    reader = TolerantReader(rejects)
    lrec = reader.read(left, "left")
    rrec = reader.read(right, "right")
    reader.finish()
    try:
        with _stdout_to_stderr():
            res = link_review(lrec, rrec, threshold=threshold, precision=precision,
                              engine=engine, model=load,
                              save_model=model if load is None else None, progress=progress,
                              one_to_one=one_to_one, review_band=review_band)
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001
        _engine_failed("linkage", exc)
    if res.choice is not None:
        err.print(describe(res.choice), highlight=False, soft_wrap=True)
    n = write_output(output, ["left_id", "right_id", "probability"],
                         ((a, b, f"{p:.6f}") for a, b, p in res.pairs))
    progress(f"wrote {n:,} pairs to {output}")
    if review_path is not None:
        linked = {(a, b) for a, b, _ in res.pairs}
        n = write_output(review_path, ["left_id", "right_id", "probability", "linked"],
                         ((a, b, f"{p:.6f}", "yes" if (a, b) in linked else "no")
                          for a, b, p in res.review))
        progress(f"wrote {n:,} pairs to review to {review_path}")
