"""Why a cluster of records was grouped: its weakest pair's score and what agrees (pure).

A dedupe run clusters records that Splink links at the run's threshold; the review page shows,
per cluster, the lowest pairwise score of the real-time scorer (``scorer.score_pair``) among
its members — the weakest link holding the cluster together — and the evidence of that pair,
as message ids with parameters for the page to translate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from waspada.matching.features import features_of
from waspada.matching.records import PersonRecord
from waspada.matching.scorer import score_pair
from waspada.platform.i18n import N_

#: pairs compared at most (a cluster of 20 records has 190 pairs)
MAX_MEMBERS = 20
RELATIONS = {
    "exact": N_("same date"),
    "exact_unknown_day": N_("same date, one registries write for an unknown day (1 Jan, 1 Jul, "
                            "31 Dec)"),
    "day_month_swap": N_("day and month swapped"),
    "one_year_shift": N_("one year apart, same day and month"),
    "jan1_default": N_("1 January (unknown date recorded as 1/1)"),
    "typo": N_("one digit differs"), "close": N_("within 45 days"),
    "same_year": N_("same year, different date"), "near": N_("within two years"),
    "far": N_("years apart"), "unknown": N_("not known on both sides"),
}


@dataclass(frozen=True)
class ClusterEvidence:
    score: float
    #: (msgid, params) pairs, most telling first
    reasons: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def evidence(records: list[PersonRecord]) -> ClusterEvidence:
    """The weakest pair's score and what agrees in it (names, birth date, identifiers)."""
    feats = [features_of(r) for r in records[:MAX_MEMBERS]]
    if len(feats) < 2:
        return ClusterEvidence(0.0)
    worst = min((score_pair(a, b) for a, b in combinations(feats, 2)), key=lambda s: s.score)
    ex = worst.explanation
    reasons: list[tuple[str, dict[str, Any]]] = []
    if (ex.get("nik") or {}).get("outcome") == "agree":
        reasons.append((N_("same NIK"), {}))
    if (ex.get("passport") or {}).get("outcome") == "agree":
        reasons.append((N_("same passport number"), {}))
    if (ex.get("phone") or {}).get("outcome") == "agree":
        reasons.append((N_("same phone number"), {}))
    parts = (ex.get("name") or {}).get("parts") or []
    if parts:
        reasons.append((N_("name parts that agree: %(n)s"), {"n": len(parts)}))
    else:
        reasons.append((N_("no name part agrees"), {}))
    relation = (ex.get("birth_date") or {}).get("relation")
    if relation in RELATIONS:
        reasons.append((N_("birth date: %(relation)s"), {"relation": RELATIONS[relation]}))
    for key, label in (("sex", N_("sex differs")), ("nik", N_("NIK differs")),
                       ("passport", N_("passport number differs"))):
        if str((ex.get(key) or {}).get("outcome", "")).startswith("disagree"):
            reasons.append((label, {}))
    return ClusterEvidence(round(worst.score, 3), reasons)
