"""Speed against plain Splink (issue #13 item 5): wall time and peak memory of ``identity
dedupe`` at its defaults and of a plain Splink 5 set-up, side by side on the same records.

Each run is a separate child process (so its peak RSS is its own); the records are generated
in the child before the clock starts (generation is not counted, the features are). The plain
set-up is the one of ``bench/matching.py`` (first name, surname, birth date with Splink's
default comparisons, blocked on first name + surname and on birth date, u from 2 M random
pairs, two EM sessions), clustered at 0.9 by connected components, as the issue's benchmark did.

    python bench/matching_speed.py --sizes 20000,200000 [--gen synth2-heldout]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

PLAIN_THRESHOLD = 0.9


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    """CPU seconds of this process, all threads (less sensitive than wall time to other jobs
    on a shared machine)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def child(engine: str, gen: str, n: int) -> dict:
    """One timed run in this process: ``waspada`` (pipeline.dedupe at its defaults) or
    ``plain`` (plain Splink); pairwise P / R of the clusters against the generator's labels."""
    import logging

    from matching_calibration import cluster_pairs, data, prf

    from waspada.matching import pipeline as D
    from waspada.matching.clustering import components

    logging.getLogger("splink").setLevel(logging.ERROR)
    recs, truth = data(gen, n)
    base = _rss_mb()
    cpu0 = _cpu()
    t0 = time.perf_counter()
    marks: list[tuple[float, float, str]] = []  # (wall s, CPU s) since the start, stage
    if engine == "waspada":
        with contextlib.redirect_stdout(io.StringIO()):
            res = D.dedupe(recs, progress=lambda m: marks.append(
                (round(time.perf_counter() - t0, 2), round(_cpu() - cpu0, 2), m)))
        clusters = res.clusters
    else:
        from matching import plain_frame, plain_run

        scored = plain_run([plain_frame(recs)], {"nik"}, "dedupe_only", PLAIN_THRESHOLD)
        ids = [r.record_id for r in recs]
        clusters = [(i, c[0]) for c in components(ids, scored) for i in c]
    secs = time.perf_counter() - t0
    cpu = _cpu() - cpu0
    pred, largest = cluster_pairs(clusters)
    p, r, f = prf(pred, truth)
    return {"engine": engine, "gen": gen, "n": len(recs), "secs": secs, "cpu": cpu,
            "peak_mb": _peak_mb(), "base_mb": base, "P": p, "R": r, "F1": f,
            "largest": largest, "marks": marks}


def run_child(engine: str, gen: str, n: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", engine, "--gen", gen,
                          "--sizes", str(n)], capture_output=True, text=True, check=False)
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"{engine} at {n:,} failed:\n{out.stderr[-3000:]}")
    return json.loads(lines[-1])


def side_by_side(sizes: list[int], gen: str = "synth2-heldout", show_marks: bool = False
                 ) -> list[dict]:
    print(f"\n## Speed against plain Splink ({gen}; wall time without generation; "
          f"peak RSS of each run's own process)")
    print(f"{'records':>9} {'engine':8} {'wall s':>7} {'CPU s':>7} {'peak MB':>8} {'P':>7} "
          f"{'R':>7} {'F1':>7} {'largest':>7} {'wall ratio':>10} {'CPU ratio':>9} "
          f"{'RSS ratio':>9}")
    rows = []
    for n in sizes:
        w = run_child("waspada", gen, n)
        b = run_child("plain", gen, n)
        for o in (w, b):
            ratio = (f"{w['secs'] / b['secs']:10.2f} {w['cpu'] / b['cpu']:9.2f} "
                     f"{w['peak_mb'] / b['peak_mb']:9.2f}" if o is w else "")
            print(f"{o['n']:9,} {o['engine']:8} {o['secs']:7.1f} {o['cpu']:7.1f} "
                  f"{o['peak_mb']:8.0f} "
                  f"{o['P']:7.4f} {o['R']:7.4f} {o['F1']:7.4f} {o['largest']:7} {ratio}",
                  flush=True)
        if show_marks:
            print(f"{'':18}{'wall s':>7} {'CPU s':>7} {'stage CPU':>9}  stage (starting then)")
            ends = [c for _, c, _ in w["marks"][1:]] + [w["cpu"]]
            for (t, c, m), end in zip(w["marks"], ends, strict=True):
                print(f"{'':18}{t:7.2f} {c:7.2f} {end - c:9.2f}  {m}")
        rows.append({"n": n, "waspada": w, "plain": b})
    summary(rows)
    return rows


def summary(rows: list[dict]) -> None:
    """The ratios of every size side by side (issue #13 item 5: the pipeline should need no
    more than plain Splink; CPU is the figure to compare on a shared machine)."""
    print("\nWaspada / plain Splink, same records, one run:")
    print(f"{'records':>9} {'CPU s':>15} {'CPU ratio':>9} {'wall s':>15} {'wall ratio':>10} "
          f"{'peak MB':>13} {'RSS ratio':>9}")
    for row in rows:
        w, b = row["waspada"], row["plain"]
        print(f"{row['n']:9,} {w['cpu']:7.1f}/{b['cpu']:<7.1f} {w['cpu'] / b['cpu']:9.2f} "
              f"{w['secs']:7.1f}/{b['secs']:<7.1f} {w['secs'] / b['secs']:10.2f} "
              f"{w['peak_mb']:6.0f}/{b['peak_mb']:<6.0f} {w['peak_mb'] / b['peak_mb']:9.2f}",
              flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="20000,200000")
    ap.add_argument("--gen", default="synth2-heldout")
    ap.add_argument("--marks", action="store_true", help="print the pipeline's stage times")
    ap.add_argument("--child", choices=("waspada", "plain"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    if args.child:
        print(json.dumps(child(args.child, args.gen, sizes[0])))
        return
    side_by_side(sizes, args.gen, args.marks)


if __name__ == "__main__":
    main()
