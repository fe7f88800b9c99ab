"""yente's result explanations from Waspada's own (weights in bits): what each feature means
(``/algorithms``), each result's ``explanations`` (feature -> score 0-1, detail) and the
older clients' ``features``."""

from __future__ import annotations

from typing import Any

#: what each feature in ``explanations`` means (yente's ``FeatureDocs``); the coefficient is the
#: largest weight in bits the feature can add (negative: it can only count against a match)
FEATURES: dict[str, tuple[str, float]] = {
    "name": ("Agreement of the names, token by token, weighted by how rare each token is "
             "(0-1); detail names the level (exact, variant, partial, weak, different).", 15.0),
    "birth_date": ("Agreement of the birth dates (1 exact; less for a day/month swap, a typo, "
                   "a one-year shift; 0 years apart). Partial query dates compare the year "
                   "(and month).", 7.0),
    "nik": ("The 16-digit NIK (national id number) is the same (1) or differs (0).", 12.0),
    "passport": ("The passport number is the same (1) or differs (0).", 10.0),
    "phone": ("The phone number is the same.", 6.0),
    "sex": ("The sex is the same (1) or differs (0).", 0.5),
    "birth_place": ("The place of birth is the same (1) or differs (0).", 1.5),
}

_BIRTH_SCORE = {"exact": 1.0, "exact_unknown_day": 0.8, "month_agrees": 0.8,
                "day_month_swap": 0.8, "typo": 0.8,
                "one_year_shift": 0.7, "year_agrees": 0.6, "jan1_default": 0.6, "close": 0.5,
                "same_year": 0.3, "near": 0.1, "far": 0.0}


def feature_docs() -> dict[str, dict[str, Any]]:
    return {k: {"description": d, "coefficient": c,
                "url": "https://github.com/waspada/waspada/blob/main/docs/matching.md"}
            for k, (d, c) in FEATURES.items()}


def explanations(ex: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """yente's ``explanations`` (feature -> {score 0-1, detail, query, candidate}) from
    Waspada's own explanation (weights in bits)."""
    out: dict[str, dict[str, Any]] = {}
    name = ex.get("name")
    if isinstance(name, dict):
        parts = name.get("parts") or []
        out["name"] = {
            "score": round(float(name.get("similarity", 0.0)), 4),
            "detail": f"{name.get('level')}, {name.get('weight')} bits",
            "query": " ".join(p["query"] for p in parts) or None,
            "candidate": " ".join(p["candidate"] for p in parts) or None}
    bd = ex.get("birth_date")
    if isinstance(bd, dict) and bd.get("relation") != "unknown":
        out["birth_date"] = {"score": _BIRTH_SCORE.get(str(bd.get("relation")), 0.0),
                             "detail": f"{bd.get('relation')}, {bd.get('weight')} bits",
                             "query": None, "candidate": None}
    for key in ("nik", "passport", "phone", "sex", "birth_place"):
        f = ex.get(key)
        if isinstance(f, dict):
            agree = str(f.get("outcome")) == "agree"
            out[key] = {"score": 1.0 if agree else 0.0,
                        "detail": f"{f.get('outcome')}, {f.get('weight')} bits",
                        "query": None, "candidate": None}
    return out


def legacy_features(expl: dict[str, dict[str, Any]]) -> dict[str, float]:
    """Older yente clients read ``features`` (feature -> score 0-1)."""
    return {k: float(v["score"]) for k, v in expl.items()}
