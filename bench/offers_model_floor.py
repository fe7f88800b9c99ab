"""Study of a second model high floor: texts the RULES ALONE call low (issue #15, round 14).

A script, not a test. Prints tables.

    nice .venv/bin/python bench/offers_model_floor.py            # the corpora, then T
    nice .venv/bin/python bench/offers_model_floor.py --real     # then the real parts and SMS
    nice .venv/bin/python bench/offers_model_floor.py --scope medium   # round 12's MODEL_HIGH_P

``--scope medium`` (round 16) applies the same decision rule to round 12's floor
(``score.MODEL_HIGH_P``): texts the rules ALONE put at MEDIUM, inside the same gate, added at
high at T. Round 12 chose that threshold by this rule but had no script for it.

Round 12 ships a model high floor (``score.MODEL_HIGH_P``) only for texts the rules alone put
at medium. This script studies a second threshold T for texts the rules alone put at LOW,
inside the same gate (``score.model_raises``: an undamped offer or account of
``MODEL_MIN_WORDS``+ words, no news frame). A text is "added at high" at T when it is in that
scope, its model probability is >= T, and the engine at the defaults does not already put it at
high; the floor it would get is ``score.MODEL_HIGH_FLOOR``, as in round 12.

The corpora, as round 12 did:

* the TEST splits of ``corpus.csv`` and of every authored corpus (``model.AUTHORED``), scored
  by the SHIPPED model (round 13's study counted the same four splits, 655 texts);
* the authored corpora's TRAIN splits scored OUT OF FOLD: 5 folds by the SHA-256 of the item id
  (hex digits 8-16 mod 5, independent of the train/test bits ``authored_split`` reads);
  ``corpus.csv``'s train split is always in training; each fold model is trained with the
  model's own code and settings (``model._fit``) on every other fold, and scores only the
  fold it did not see. Fold models are cached (``--cache``) by a hash of their training data.

Decision rule (fixed before any real text was read for it): T = the smallest value of
``GRID`` at which NO look-alike is added at high on the test splits AND on the out-of-fold
train splits; none qualifies -> nothing ships. ``--real`` then prints the real parts of
``data/offers/real/`` (``bench/offers.py``'s ``REAL_PARTS``, development data) and the SMS
set's normal + promo messages, per T (risky added / false high added), and the ship
conditions: SMS adds 0, false high on the real parts rises by at most 1, risky added >= 3.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from offers_corpora import DATA, FOLDS, SMS, fold_of, real_parts, sms_texts

from waspada.offers import model as model_mod
from waspada.offers import score as score_mod
from waspada.offers.catalogue import load_catalogue
from waspada.offers.extract import extract
from waspada.offers.model import (
    AUTHORED,
    TextModel,
    load_model,
    model_text,
    read_authored,
    read_corpus,
)
from waspada.offers.normalise import normalise
from waspada.offers.score import (
    MODEL_HIGH_FLOOR,
    MODEL_HIGH_P,
    RuleResult,
    evaluate_rules,
    fuse,
    level_for,
    model_raises,
)

GRID = (0.80, 0.85, 0.90, 0.95, 0.97, 0.99)
DEFAULT_CACHE = Path("/tmp/waspada-offers-model-floor")


@dataclass(frozen=True)
class Scored:
    """One text as the study sees it."""

    source: str
    item_id: str
    label: int
    p: float
    in_scope: bool
    """Rules alone (``fuse(rule, None)``) at the study's scope (low, or medium with
    ``--scope medium``), inside the model gate."""
    engine: str
    """The level at the defaults with this p (``fuse(rule, p)``) WITHOUT the floor under study
    (its threshold set out of reach: ``MODEL_LOW_HIGH_P``, or ``MODEL_HIGH_P`` with
    ``--scope medium``)."""

    def added(self, t: float) -> bool:
        """Whether a floor at ``t`` would make this text high when the engine does not."""
        return self.in_scope and self.p >= t and self.engine != "high"


def rule_of(text: str) -> RuleResult:
    norm = normalise(text)
    return evaluate_rules(load_catalogue(), norm, extract(norm), None)


SCOPE = ["low"]
"""The rules-alone level the study is about (set from ``--scope``)."""


def score_text(text: str, p: float, source: str, item_id: str, label: int) -> Scored:
    rule = rule_of(text)
    alone_in_scope = level_for(fuse(rule, None)) == SCOPE[0]
    gate = model_raises(rule, 1.0)  # the gate alone: p = 1 passes every threshold
    # The engine WITHOUT the floor under study: with it shipped, every text it lifts would
    # count as "already high" and the study would be blind at and above the shipped threshold
    # (round 16; round 14 ran this script before its floor existed).
    name = "MODEL_HIGH_P" if SCOPE[0] == "medium" else "MODEL_LOW_HIGH_P"
    saved = getattr(score_mod, name)
    setattr(score_mod, name, 2.0)
    try:
        engine = level_for(fuse(rule, p))
    finally:
        setattr(score_mod, name, saved)
    return Scored(source, item_id, label, p, alone_in_scope and gate, engine)


def fold_model(k: int, train: list[dict[str, str]], cache: Path) -> TextModel:
    """The model trained on ``train`` (the model's own ``_fit``), cached by a hash of its data."""
    texts = [model_text(r["text"]) for r in train]
    labels = [int(r["label"]) for r in train]
    settings = (model_mod.CHAR_RANGE, model_mod.CHAR_MIN_DF, model_mod.CHAR_MAX_FEATURES,
                model_mod.WORD_RANGE, model_mod.WORD_MIN_DF, model_mod.WORD_MAX_FEATURES,
                model_mod.SEED)
    key = hashlib.sha256(json.dumps([texts, labels, repr(settings)]).encode()).hexdigest()[:20]
    path = cache / f"fold{k}-{key}.json"
    if path.is_file():
        return TextModel(json.loads(path.read_text("utf-8")))
    t0 = time.perf_counter()
    data = model_mod._fit(texts, labels)
    data["version"] = f"fold{k}-{len(train)}"
    cache.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data), "utf-8")
    tmp.replace(path)
    print(f"  fold {k}: trained on {len(train)} texts in {time.perf_counter() - t0:.0f} s",
          file=sys.stderr)
    return TextModel(data)


def corpora(cache: Path) -> tuple[list[Scored], list[Scored]]:
    """(test splits scored by the shipped model, authored train splits scored out of fold)."""
    shipped = load_model()
    if shipped is None:
        raise SystemExit("the shipped model artefact is missing")
    rows = read_corpus(DATA)
    authored = [r for c in AUTHORED for r in read_authored(DATA, c)]
    tagged = [("corpus", r) for r in rows] + [(r["source"].split(":")[0], r) for r in authored]
    test = [score_text(r["text"], shipped.predict_proba(model_text(r["text"])), src,
                       r.get("id", ""), int(r["label"]))
            for src, r in tagged if r["split"] == "test"]
    base = [r for r in rows if r["split"] == "train"]
    pool = [r for r in authored if r["split"] == "train"]
    oof: list[Scored] = []
    for k in range(FOLDS):
        held = [r for r in pool if fold_of(r["id"]) == k]
        m = fold_model(k, base + [r for r in pool if fold_of(r["id"]) != k], cache)
        for r in held:
            oof.append(score_text(r["text"], m.predict_proba(model_text(r["text"])),
                                  r["source"].split(":")[0], r["id"], int(r["label"])))
    return test, oof


def counts(items: Iterable[Scored], t: float) -> tuple[int, int]:
    """(risky added, look-alikes added) at ``t``."""
    got = [s for s in items if s.added(t)]
    return sum(s.label == 1 for s in got), sum(s.label == 0 for s in got)


def table(title: str, rows: list[tuple[str, list[Scored]]]) -> None:
    print(f"\n{title}")
    head = " | ".join(f"{t:.2f}" for t in GRID)
    print(f"| set | texts (risky / look-alikes) | in scope | {head} |")
    print("|---|---|---|" + "---|" * len(GRID))
    for name, items in rows:
        n1 = sum(s.label == 1 for s in items)
        sc = [s for s in items if s.in_scope]
        cells = " | ".join("+{} / {}".format(*counts(items, t)) for t in GRID)
        print(f"| {name} | {len(items)} ({n1} / {len(items) - n1}) | "
              f"{sum(s.label == 1 for s in sc)} / {sum(s.label == 0 for s in sc)} | {cells} |")


def decide(test: list[Scored], oof: list[Scored]) -> float | None:
    """The decision rule: the smallest T adding no look-alike on the test splits nor out of fold."""
    for t in GRID:
        if counts(test, t)[1] == 0 and counts(oof, t)[1] == 0:
            return t
    return None


def listing(title: str, items: list[Scored], t: float) -> None:
    got = [s for s in items if s.added(t)]
    print(f"\n{title} at T = {t:.2f}: " + (", ".join(
        f"{s.source}/{s.item_id} (label {s.label}, p {s.p:.3f}, engine {s.engine})"
        for s in got) or "none"))


def real_scored() -> list[tuple[str, list[Scored]]]:
    """The real parts (``offers_corpora.real_parts``), scored by the shipped model."""
    shipped = load_model()
    assert shipped is not None
    return [(part, [score_text(str(i["text"]),
                               shipped.predict_proba(model_text(str(i["text"]))),
                               part, str(i["id"]), int(i["label"])) for i in items])
            for part, items in real_parts()]


def sms() -> list[Scored]:
    shipped = load_model()
    assert shipped is not None
    texts = sms_texts()
    if texts is None:
        raise SystemExit(f"{SMS} not found")
    return [score_text(t, shipped.predict_proba(model_text(t)), "sms", str(n), 0)
            for n, t in enumerate(texts)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--real", action="store_true",
                    help="after T is fixed on the corpora, print the real parts and SMS")
    ap.add_argument("--items", action="store_true",
                    help="list the texts added at T (ids, p, engine level)")
    ap.add_argument("--scope", choices=("low", "medium"), default="low",
                    help="the rules-alone level studied: low (MODEL_LOW_HIGH_P, round 14) or "
                         "medium (MODEL_HIGH_P, round 12)")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE,
                    help=f"folder for the fold models (default {DEFAULT_CACHE})")
    args = ap.parse_args()
    SCOPE[0] = args.scope

    test, oof = corpora(args.cache)
    print(f"Texts the rules ALONE put at {args.scope}, inside the model gate; added at high at "
          "T: risky / look-alikes (engine at the defaults not already high)")
    print(f"(round 12's floor for rules-alone medium: p >= {MODEL_HIGH_P}; the floor set: "
          f"{MODEL_HIGH_FLOOR})")
    srcs = ["corpus", *(c.source for c in AUTHORED)]
    table("Authored test splits, shipped model:",
          [(f"{s} test", [x for x in test if x.source == s]) for s in srcs]
          + [("**all test splits**", test)])
    table("Authored train splits, out of fold (5 folds; corpus.csv's train split always in "
          "training):",
          [(f"{c.source} train", [x for x in oof if x.source == c.source]) for c in AUTHORED]
          + [("**all out of fold**", oof)])
    t = decide(test, oof)
    print(f"\nDecision rule (smallest T of {GRID} adding no look-alike on either): "
          + ("none qualifies: nothing ships" if t is None else f"T = {t:.2f}"))
    if args.items:
        for tt in GRID:
            listing("test splits, added", test, tt)
            listing("out of fold, added", oof, tt)
    if not args.real:
        return
    parts = real_scored()
    allreal = [s for _, items in parts for s in items]
    table("Real parts (development data; read only after T was fixed), risky added / false "
          "high added:", [*parts, ("**all real parts**", allreal)])
    sm = sms()
    table("SMS sms-id-2016, normal + promo (labels 0 and 2), false high added:",
          [("sms normal + promo", sm)])
    if args.items:
        for tt in GRID:
            listing("real parts, added", allreal, tt)
            listing("SMS, added", sm, tt)
    if t is None:
        print("\nShip conditions: not evaluated (no T qualified on the corpora)")
        return
    risky, false_high = counts(allreal, t)
    sms_added = counts(sm, t)[1]
    ok = sms_added == 0 and false_high <= 1 and risky >= 3
    print(f"\nShip conditions at T = {t:.2f}: SMS added {sms_added} (must be 0); real false "
          f"high added {false_high} (at most 1); real risky added {risky} (at least 3) -> "
          + ("SHIP" if ok else "DO NOT SHIP"))


if __name__ == "__main__":
    main()
