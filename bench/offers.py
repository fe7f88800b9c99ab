"""Benchmark of the offer analyser (a script, not a test). Prints measured figures.

    .venv/bin/python bench/offers.py [--workers 2] [--bulk 6000] [--json]

1. Held-out quality on data/offers/corpus.csv (split == "test"): precision/recall/F1 of
   level "high" and ROC-AUC of the score; also the rules alone and the model alone. The same
   on the test split of the second corpus (data/offers/second_author.yaml, round 10; split by
   the hash of the id, ``waspada.offers.model.authored_split``), printed apart, and on the
   third and fourth corpora's (third_author.yaml, round 11; fourth_author.yaml, round 12; the
   same rule, ``model.AUTHORED``), printed apart.
2. The blind sets data/offers/blind*.yaml (written after
   tuning; evaluated here only; see the datasheet for what "blind" means for each).
3. The REAL-text set data/offers/real/real.yaml (verbatim quotations from public pages;
   never used for training), in parts printed apart: "dev" (looked at while changing the
   rules) and "heldout1" to "heldout17" (each collected before a round's changes, evaluated
   once at its end, then used for development; the next part is collected the same way before
   the next change, and ``--skip-part`` leaves it out while developing). Recall of "high"
   on risky texts, false "high" on the legitimate look-alikes, per kind of text.
4. False "high" rate on the Indonesian SMS set (../shared/data/sms-id-2016): labels 0 and 2
   are the false-alarm check; label 1 (fraud SMS, mostly not job offers) is reported apart.
5. Perturbation flip rate (bench/offers_perturb.py): synonym swaps, slang spellings,
   reordered sentences and the text embedded in a long innocent chat, applied to every risky
   text that is "high" (held-out split + blind sets); a flip is high -> low.
6. Latency p50/p95 of single analyse() calls and bulk throughput (offers/s).

All figures are at the DEFAULTS (what /cek-lowongan shows: analyse(text), model on).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import multiprocessing as mp
import os
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from offers_perturb import PERTURBATIONS, perturb  # noqa: E402

from waspada.offers.analyse import analyse  # noqa: E402
from waspada.offers.model import AUTHORED, read_authored  # noqa: E402

SMS = ROOT.parent / "shared" / "data" / "sms-id-2016" / "dataset_sms_spam_v1.csv"


def prf(ys: list[int], preds: list[bool]) -> dict[str, float]:
    tp = sum(1 for y, p in zip(ys, preds, strict=True) if y and p)
    fp = sum(1 for y, p in zip(ys, preds, strict=True) if not y and p)
    fn = sum(1 for y, p in zip(ys, preds, strict=True) if y and not p)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"n": len(ys), "positives": sum(ys), "tp": tp, "fp": fp, "fn": fn,
            "precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4)}


def auc(ys: list[int], scores: list[float]) -> float:
    from sklearn.metrics import roc_auc_score

    return round(float(roc_auc_score(ys, scores)), 4)


def quality(texts: list[str], ys: list[int]) -> dict[str, object]:
    res = [analyse(t) for t in texts]
    out: dict[str, object] = {
        "combined": {**prf(ys, [a.level == "high" for a in res]),
                     "roc_auc": auc(ys, [a.score for a in res])},
    }
    # Rules alone (same guards, no model) and model alone (threshold 0.5).
    rules_only = []
    for t in texts:
        a = analyse(t, use_model=False)
        rules_only.append(a)
    out["rules_only"] = {**prf(ys, [a.level == "high" for a in rules_only]),
                         "roc_auc": auc(ys, [a.score for a in rules_only])}
    probs = [a.model_probability or 0.0 for a in res]
    out["model_only"] = {**prf(ys, [p >= 0.5 for p in probs]), "roc_auc": auc(ys, probs)}
    out["levels"] = {lvl: sum(1 for a in res if a.level == lvl)
                     for lvl in ("low", "medium", "high")}
    out["errors"] = [
        {"label": y, "score": round(a.score, 3), "level": a.level, "codes": a.codes,
         "text": t[:140]}
        for t, y, a in zip(texts, ys, res, strict=True) if (a.level == "high") != bool(y)
    ]
    return out


def sms_check() -> dict[str, object]:
    if not SMS.is_file():
        return {"skipped": f"{SMS} not found"}
    rows = list(csv.DictReader(SMS.open(encoding="utf-8")))
    by: dict[str, dict[str, int]] = {}
    examples: list[dict[str, object]] = []
    for r in rows:
        a = analyse(r["Teks"])
        d = by.setdefault(r["label"], {"n": 0, "high": 0, "medium": 0})
        d["n"] += 1
        if a.level in ("high", "medium"):
            d[a.level] += 1
        if a.level == "high" and r["label"] != "1":
            examples.append({"label": r["label"], "score": round(a.score, 3), "codes": a.codes,
                             "text": r["Teks"][:120]})
    normal_promo = [by.get("0", {}), by.get("2", {})]
    n = sum(d.get("n", 0) for d in normal_promo)
    high = sum(d.get("high", 0) for d in normal_promo)
    return {
        "by_label": by,
        "false_high_rate_normal_promo": round(high / n, 4) if n else None,
        "high_rate_fraud_label1": round(by["1"]["high"] / by["1"]["n"], 4) if "1" in by else None,
        "false_high_examples": examples[:10],
    }


REAL_PARTS = (
    ("dev", "dev part: looked at while changing rules"),
    ("heldout1", "held-out part 1: evaluated once (2026-11-30), then used for development"),
    ("heldout2", "held-out part 2: evaluated once (2026-11-30), then development (round 3)"),
    ("heldout3", "held-out part 3: evaluated once (end of round 3), then development (round 4)"),
    ("heldout4", "held-out part 4: evaluated once (end of round 4), then development (round 5)"),
    ("heldout5", "held-out part 5: evaluated once (end of round 5), then development (round 6)"),
    ("heldout6", "held-out part 6: evaluated once (end of round 6), then development (round 7)"),
    ("heldout7", "held-out part 7: evaluated once (end of round 7), then development (round 8)"),
    ("heldout8", "held-out part 8: evaluated once (end of round 8), then development (round 9)"),
    ("heldout9", "held-out part 9: evaluated once (end of round 9), then development (round 10)"),
    ("heldout10",
     "held-out part 10: evaluated once (end of round 10), then development (round 11)"),
    ("heldout11",
     "held-out part 11: evaluated once (end of round 11), then development (round 12)"),
    ("heldout12",
     "held-out part 12: evaluated once (end of round 12), then development (round 13)"),
    ("heldout13",
     "held-out part 13: evaluated once (end of round 13), then development (round 14)"),
    ("heldout14",
     "held-out part 14: evaluated once (end of round 14), then development (round 15)"),
    ("heldout15",
     "held-out part 15: evaluated once (end of round 15), then development (round 16)"),
    ("heldout16",
     "held-out part 16: evaluated once (end of round 16), then development (round 17)"),
    ("heldout17",
     "held-out part 17: evaluated once (end of round 17), then development (round 18)"),
)


def real_split(item: dict[str, object]) -> str:
    """The part an item belongs to (data/offers/real/README.md, "Development and held-out parts").

    An item's own ``split`` field wins (items added later carry it); otherwise the first 40
    items are split by the parity of the SHA-256 of their id: even -> dev, odd -> heldout1.
    """
    if item.get("split") in {p for p, _ in REAL_PARTS}:
        return str(item["split"])
    return "dev" if int(hashlib.sha256(str(item["id"]).encode()).hexdigest(), 16) % 2 == 0 \
        else "heldout1"


def real_items(split: str) -> list[dict[str, object]]:
    doc = yaml.safe_load((ROOT / "data/offers/real/real.yaml").read_text("utf-8"))
    return [i for i in doc["items"] if real_split(i) == split]


def real_check(split: str) -> dict[str, object]:
    """One part of the real-text set: risky recall at high (and medium+), legitimate false high."""
    res = [(i, analyse(str(i["text"]))) for i in real_items(split)]
    risky = [(i, a) for i, a in res if i["label"] == 1]
    legit = [(i, a) for i, a in res if i["label"] == 0]
    by_kind: dict[str, dict[str, int]] = {}
    for i, a in res:
        k = by_kind.setdefault(i["kind"], {"n": 0, "label": i["label"], "high": 0, "medium": 0})
        k["n"] += 1
        if a.level in ("high", "medium"):
            k[a.level] += 1
    n_hi = sum(a.level == "high" for _, a in risky)
    n_med = sum(a.level != "low" for _, a in risky)
    fp = sum(a.level == "high" for _, a in legit)
    return {
        "n": len(res), "risky": len(risky), "legitimate": len(legit),
        "risky_recall_high": round(n_hi / len(risky), 4) if risky else None,
        "risky_recall_medium_or_high": round(n_med / len(risky), 4) if risky else None,
        "legitimate_false_high": fp,
        "legitimate_false_high_rate": round(fp / len(legit), 4) if legit else None,
        "by_kind": by_kind,
        "items": [{"id": i["id"], "label": i["label"], "level": a.level,
                   "score": round(a.score, 3), "codes": a.codes} for i, a in res],
    }


def robustness(texts: list[str]) -> dict[str, object]:
    """Flip rates of risky texts that are high, under each perturbation (3 seeds each)."""
    chat: list[str] = []
    if SMS.is_file():
        chat = [r["Teks"] for r in csv.DictReader(SMS.open(encoding="utf-8"))
                if r["label"] == "0"]
    base = [t for t in texts if analyse(t).level == "high"]
    out: dict[str, object] = {"base_high_texts": len(base)}
    flips: list[dict[str, object]] = []
    total = to_low = to_medium = 0
    for kind in PERTURBATIONS:
        n = low = med = 0
        for k, t in enumerate(base):
            for seed in range(3):
                a = analyse(perturb(kind, t, seed * 1000 + k, chat))
                n += 1
                if a.level == "low":
                    low += 1
                    flips.append({"perturbation": kind, "score": round(a.score, 3),
                                  "text": t[:100]})
                elif a.level == "medium":
                    med += 1
        out[kind] = {"n": n, "high_to_low": low, "high_to_medium": med,
                     "flip_rate_high_to_low": round(low / n, 4) if n else None}
        total, to_low, to_medium = total + n, to_low + low, to_medium + med
    out["all"] = {"n": total, "high_to_low": to_low, "high_to_medium": to_medium,
                  "flip_rate_high_to_low": round(to_low / total, 4) if total else None,
                  "rate_leaving_high": round((to_low + to_medium) / total, 4) if total else None}
    out["flips_to_low"] = flips[:10]
    return out


def _work(text: str) -> float:
    return analyse(text).score


def speed(texts: list[str], workers: int, bulk: int) -> dict[str, object]:
    analyse(texts[0])  # warm the lazy caches
    lat = []
    for t in texts:
        t0 = time.perf_counter()
        analyse(t)
        lat.append((time.perf_counter() - t0) * 1000)
    lat.sort()
    batch = (texts * (bulk // len(texts) + 1))[:bulk]
    t0 = time.perf_counter()
    c0 = time.process_time()
    for t in batch:
        analyse(t)
    single_rate = len(batch) / (time.perf_counter() - t0)
    cpu_rate = len(batch) / (time.process_time() - c0)
    ctx = mp.get_context("fork")
    t0 = time.perf_counter()
    with ctx.Pool(workers) as pool:
        list(pool.imap(_work, batch, chunksize=64))
    multi_rate = len(batch) / (time.perf_counter() - t0)
    return {
        "latency_ms": {"p50": round(lat[len(lat) // 2], 3),
                       "p95": round(lat[int(len(lat) * 0.95)], 3),
                       "max": round(lat[-1], 3), "mean": round(statistics.mean(lat), 3)},
        "mean_chars": round(statistics.mean(len(t) for t in texts)),
        "throughput_per_s": {"one_process": round(single_rate), f"{workers}_processes":
                             round(multi_rate)},
        # Offers per CPU-second of one process: capacity independent of other load on the
        # machine (the work is embarrassingly parallel: N free cores ~ N x this figure).
        "offers_per_cpu_second": round(cpu_rate),
        "bulk_records": len(batch), "cpu_count": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--bulk", type=int, default=6000)
    ap.add_argument("--json", action="store_true", help="print one JSON document")
    ap.add_argument("--speed-only", action="store_true", help="only latency and throughput")
    ap.add_argument("--skip-part", action="append", default=[], metavar="PART",
                    help="leave a real-text part out (e.g. the newest held-out part while "
                         "developing, so it stays unseen)")
    args = ap.parse_args()
    parts = [(p, t) for p, t in REAL_PARTS if p not in args.skip_part]

    rows = list(csv.DictReader((ROOT / "data/offers/corpus.csv").open(encoding="utf-8")))
    test = [r for r in rows if r["split"] == "test"]
    blind = yaml.safe_load((ROOT / "data/offers/blind.yaml").read_text("utf-8"))["items"]
    blind2 = yaml.safe_load((ROOT / "data/offers/blind2.yaml").read_text("utf-8"))["items"]
    blind3 = yaml.safe_load((ROOT / "data/offers/blind3.yaml").read_text("utf-8"))["items"]
    blind4 = yaml.safe_load((ROOT / "data/offers/blind4.yaml").read_text("utf-8"))["items"]
    authored = {c.metric: [r for r in read_authored(ROOT / "data/offers", c)
                           if r["split"] == "test"] for c in AUTHORED}
    if args.speed_only:
        print(json.dumps(speed([r["text"] for r in rows], args.workers, args.bulk)))
        return
    report = {
        "heldout_test": quality([r["text"] for r in test], [int(r["label"]) for r in test]),
        **{k: quality([r["text"] for r in v], [int(r["label"]) for r in v])
           for k, v in authored.items()},
        "blind": quality([b["text"] for b in blind], [int(b["label"]) for b in blind]),
        "blind2": quality([b["text"] for b in blind2], [int(b["label"]) for b in blind2]),
        "blind3": quality([b["text"] for b in blind3], [int(b["label"]) for b in blind3]),
        "blind4": quality([b["text"] for b in blind4], [int(b["label"]) for b in blind4]),
        **{f"real_{part}": real_check(part) for part, _ in parts},
        "sms_id_2016": sms_check(),
        "robustness": robustness(
            [r["text"] for r in test if r["label"] == "1"]
            + [b["text"] for bl in (blind, blind2, blind3, blind4) for b in bl if b["label"] == 1]),
        "speed": speed([r["text"] for r in rows], args.workers, args.bulk),
    }
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return
    for name in ("heldout_test", *authored, "blind", "blind2", "blind3", "blind4"):
        q = report[name]
        print(f"== {name} ==")
        for k in ("combined", "rules_only", "model_only"):
            print(f"  {k:11s} {json.dumps(q[k])}")
        print(f"  levels      {q['levels']}")
        for e in q["errors"]:
            print(f"  ERR {json.dumps(e, ensure_ascii=False)}")
    for part, title in parts:
        r = report[f"real_{part}"]
        print(f"== REAL-text set, {title} (data/offers/real; never trained on) ==")
        print(f"  n={r['n']} risky={r['risky']} legitimate={r['legitimate']}")
        print(f"  risky recall at high: {r['risky_recall_high']}; at medium or high: "
              f"{r['risky_recall_medium_or_high']}")
        print(f"  legitimate false high: {r['legitimate_false_high']} "
              f"(rate {r['legitimate_false_high_rate']})")
        for k, v in r["by_kind"].items():
            print(f"  kind {k:20s} {json.dumps(v)}")
        for it in r["items"]:
            if (it["level"] == "high") != bool(it["label"]):
                print(f"  ERR {json.dumps(it, ensure_ascii=False)}")
    s = report["sms_id_2016"]
    print("== sms-id-2016 ==")
    print(f"  by label    {s.get('by_label')}")
    print(f"  false high (labels 0+2): {s.get('false_high_rate_normal_promo')}; "
          f"high on fraud (label 1, not tuned): {s.get('high_rate_fraud_label1')}")
    for e in s.get("false_high_examples", []):
        print(f"  FP {json.dumps(e, ensure_ascii=False)}")
    rb = report["robustness"]
    print("== perturbation robustness (risky texts that are high) ==")
    print(f"  base high texts: {rb['base_high_texts']}")
    for k in (*PERTURBATIONS, "all"):
        print(f"  {k:9s} {json.dumps(rb[k])}")
    for f in rb["flips_to_low"]:
        print(f"  FLIP {json.dumps(f, ensure_ascii=False)}")
    print("== speed ==")
    print(f"  {json.dumps(report['speed'])}")


if __name__ == "__main__":
    main()
