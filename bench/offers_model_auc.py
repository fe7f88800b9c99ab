"""The text model ALONE: ROC-AUC of its probability on the authored test splits and on the real
parts (issue #15). A script, not a test; prints one table (or JSON with ``--json``).

    nice .venv/bin/python bench/offers_model_auc.py                      # the shipped artefact
    nice .venv/bin/python bench/offers_model_auc.py --model old.json     # another artefact

The real parts (``bench/offers.py``'s ``REAL_PARTS``) are read only to measure: no model is
trained or tuned on them. Texts are never printed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from sklearn.metrics import roc_auc_score  # noqa: E402

from offers import REAL_PARTS, real_items  # noqa: E402
from waspada.offers.model import (  # noqa: E402
    AUTHORED,
    TextModel,
    load_model,
    model_text,
    read_authored,
    read_corpus,
)

DATA = ROOT / "data" / "offers"


def auc(pairs: list[tuple[int, float]]) -> float | None:
    ys = [y for y, _ in pairs]
    if len(set(ys)) < 2:
        return None
    return round(float(roc_auc_score(ys, [p for _, p in pairs])), 3)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, help="a model artefact (default: the shipped one)")
    ap.add_argument("--json", action="store_true", help="print one JSON document")
    args = ap.parse_args()
    m = (TextModel(json.loads(args.model.read_text("utf-8"))) if args.model else load_model())
    if m is None:
        raise SystemExit("no model artefact")

    def score(text: str) -> float:
        return m.predict_proba(model_text(text))

    out: dict[str, dict[str, object]] = {}
    splits = [("corpus.csv test", [r for r in read_corpus(DATA) if r["split"] == "test"])]
    splits += [(f"{c.source} test", [r for r in read_authored(DATA, c) if r["split"] == "test"])
               for c in AUTHORED]
    for name, rows in splits:
        pairs = [(int(r["label"]), score(r["text"])) for r in rows]
        out[name] = {"n": len(pairs), "risky": sum(y for y, _ in pairs), "roc_auc": auc(pairs)}
    pooled: list[tuple[int, float]] = []
    for part, _ in REAL_PARTS:
        pairs = [(int(str(i["label"])), score(str(i["text"]))) for i in real_items(part)]
        pooled += pairs
        out[f"real {part}"] = {"n": len(pairs), "risky": sum(y for y, _ in pairs),
                               "roc_auc": auc(pairs)}
    out["real, all parts"] = {"n": len(pooled), "risky": sum(y for y, _ in pooled),
                              "roc_auc": auc(pooled)}
    if args.json:
        print(json.dumps({"model": m.version, "sets": out}, indent=1))
        return
    print(f"model {m.version}\n| set | texts | risky | ROC-AUC |\n|---|---|---|---|")
    for name, v in out.items():
        print(f"| {name} | {v['n']} | {v['risky']} | {v['roc_auc']} |")


if __name__ == "__main__":
    main()
