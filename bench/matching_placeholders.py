"""Placeholders in a registry's columns (issue #13 item 4, round 23): what they cost and what
reading them as missing gives back.

Registries fill an unknown NIK with ``0`` or ``TIDAK ADA`` and an unknown birth date with
``1970-01-01``; many different people then share one value. This bench gives a share of the
synth2 dev records such a value and runs ``identity dedupe``'s pipeline at its defaults on
them three ways, each record first written as a CSV row:

* ``kept``: the values as written (the records built from the rows one by one, without the
  batch reader's checks: what the command did before round 23);
* ``read``: the rows read as ``identity dedupe`` reads its file (``read_records_text`` with a
  rejects list), which reads placeholders as missing and notes them;
* ``empty``: the same fields left empty instead (the bound: no information at all).

It prints pairwise precision / recall / F1 of the clusters and how many values the reader
noted. Dev seed only (synth2 dev 101); nothing here is tuned on held-out or blind data.

    python bench/matching_placeholders.py [--size 20000] [--share 0.1]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import logging
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from matching_calibration import cluster_pairs, data, prf  # noqa: E402

from waspada.matching import pipeline as D  # noqa: E402
from waspada.matching.records import (  # noqa: E402
    COLUMNS,
    PersonRecord,
    Rejection,
    read_records_text,
    record_from_mapping,
)

#: (column, placeholders drawn at random for the chosen records)
SCENARIOS = (("nik", ("0", "TIDAK ADA")), ("birth_date", ("1970-01-01",)),
             ("passport_no", ("TIDAK ADA", "NA")), ("phone", ("0", "0000000000")))


def rows_with(records: list[PersonRecord], column: str, values: tuple[str, ...],
              share: float, blank: bool = False, seed: int = 5) -> list[dict[str, str]]:
    """CSV rows of ``records``, a ``share`` of them (the same ones for every call with this
    seed) with ``column`` set to one of ``values``, or left empty (``blank``)."""
    rng = random.Random(seed)
    out = []
    for rec in records:
        row = rec.to_row()
        if rng.random() < share:
            chosen = rng.choice(values)  # drawn either way: the same records for every call
            row[column] = "" if blank else chosen
        out.append(row)
    return out


def as_csv(rows: list[dict[str, str]]) -> str:
    text = io.StringIO()
    w = csv.DictWriter(text, fieldnames=list(COLUMNS))
    w.writeheader()
    w.writerows(rows)
    return text.getvalue()


def score(records: list[PersonRecord], truth: set) -> tuple[float, float, float, float]:
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        res = D.dedupe(records)
    p, r, f = prf(cluster_pairs(res.clusters)[0], truth)
    return p, r, f, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=20000)
    ap.add_argument("--share", type=float, default=0.1,
                    help="share of the records given a placeholder (default 0.1)")
    args = ap.parse_args()
    logging.getLogger("splink").setLevel(logging.ERROR)
    base, truth = data("synth2-dev", args.size)
    print(f"## Placeholders: synth2 dev, {args.size:,} records, {args.share:.0%} of them "
          "given a placeholder in one column; the pipeline at its defaults")
    print(f"{'column':12} {'placeholders':24} {'way':6} {'noted':>6} {'P':>7} {'R':>7} "
          f"{'F1':>7} {'secs':>6}")
    for column, values in SCENARIOS:
        rows = rows_with(base, column, values, args.share)
        empty = read_records_text(as_csv(rows_with(base, column, values, args.share, blank=True)))
        kept = [record_from_mapping(row) for row in rows]
        noted: list[Rejection] = []
        read = read_records_text(as_csv(rows), rejects=noted)
        for way, recs, n in (("kept", kept, "—"), ("read", read, f"{len(noted):,}"),
                             ("empty", empty, "—")):
            p, r, f, secs = score(recs, truth)
            print(f"{column:12} {'/'.join(values):24} {way:6} {n:>6} {p:7.4f} {r:7.4f} "
                  f"{f:7.4f} {secs:6.1f}", flush=True)


if __name__ == "__main__":
    main()
