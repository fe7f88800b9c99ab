"""Domain knowledge applied to a trained Splink model: default m values, bounds, caps.

Every table here is keyed by the stable level keys of :mod:`waspada.matching.comparisons`
(``"nik.same_regency_different"``), never by a level's position or its chart label, so
rewording a label or inserting a level cannot silently move a prior or drop a cap
(``tests/matching/test_priors.py`` checks that every key names an existing level and that each
comparison's defaults cover exactly its levels).
"""

from __future__ import annotations

from collections.abc import Sequence

from waspada.matching.comparisons import spec_for

__all__ = ["BIRTH_DATE_ELSE_M", "DEFAULT_M", "FIXED_M", "M_BOUNDS", "NEUTRAL_LEVELS", "UNSEEN_U",
           "U_CORRECTION_MIN_SHARE", "U_INCLUDES", "WEAK_LEVELS", "prior_fixed_point",
           "regularise_model"]

#: m values used where EM has no data for a level: one entry per level (the null level has no
#: m) of each comparison that has defaults; other comparisons get a neutral 0.9 / 0.05 / 0.01
DEFAULT_M: dict[str, dict[str, float]] = {
    "name": {
        "name.exact": 0.6,
        "name.reordered": 0.1,
        "name.phonetic": 0.05,
        "name.similar_rare_spelling": 0.05,
        "name.similar": 0.03,
        "name.one_typo": 0.03,
        "name.two_typos": 0.02,
        "name.extra_missing_two_shared": 0.05,
        "name.extra_missing_one_shared": 0.03,
        "name.two_shared_others_conflict": 0.01,
        "name.one_shared_given_conflict": 0.005,
        "name.one_similar_others_conflict": 0.005,
        "name.similar_spelling_no_shared": 0.02,
        "name.else": 0.002,
    },
    "birth_date": {
        "birth_date.exact_unknown_day": 0.03,
        "birth_date.exact_given_names_differ": 0.01,
        "birth_date.exact": 0.81,
        "birth_date.day_month_swap": 0.02,
        "birth_date.one_year_shift": 0.03,
        "birth_date.jan1_default": 0.02,
        "birth_date.one_typo": 0.02,
        "birth_date.within_2_years": 0.02,
        "birth_date.else": 0.005,
    },
    "sex": {"sex.same": 0.98, "sex.different": 0.02},
}
UNSEEN_U = 1e-5  # u of an agreement level never seen among random pairs
#: bounds on every m value
M_BOUNDS = (0.002, 0.998)
#: share of true duplicates whose birth dates are unrelated (a different date was declared),
#: held fixed: EM blocked on the name sees almost nothing but the birth date and puts every
#: birth-date disagreement in the non-match class, yet such duplicates exist (FEBRL: 3.5 % of
#: its true pairs; a double identity may change the age). Namesakes born years apart are kept
#: apart by the name frequency, not by this value.
BIRTH_DATE_ELSE_M = 0.03
#: levels whose m is held at a fixed value whatever EM learns
FIXED_M: dict[str, float] = {"birth_date.else": BIRTH_DATE_ELSE_M}
#: u by random sampling counts the true matches among the sampled pairs (a share lambda of
#: them); for strong levels (exact name, exact date) in a linkage with one match per record
#: that is most of u. In a linkage u is corrected to (u - lambda * m) / (1 - lambda), keeping
#: at least this share of the sampled value. Not in a dedupe (issue #13): there lambda is about
#: 1/n, the matches are a negligible share of u for every level but the rarest, and the u of
#: those rests on a handful of sampled pairs, so the subtraction only amplified sampling noise
#: (a near-exact name level's u fell to the floor, its Bayes factor rose tenfold: pairs scored
#: 0.99-0.999 were the same person 93.5 % of the time, 98.4 % without the correction).
U_CORRECTION_MIN_SHARE = 0.1
#: levels whose Bayes factor m/u is capped: relatives and namesakes share a region, so a
#: different NIK from the same regency is neutral; shared family tokens with conflicting given
#: names (twins, siblings) are evidence *against*, whatever EM learns from typos
#: A phone number is shared by a household (parents register their children's), so a shared
#: phone is capped at 2^6, as in the real-time scorer: twins with the same birth date, family
#: name and phone were scored 0.9999 (issue #13). Between records whose given names differ, a
#: shared phone is neutral: it says "same household", which the shared family name, birth date
#: and region already said (issue #13, round 6).
#: Twins of one sex share the NIK's first 12 digits (district, birth date, sex) and, with
#: sequential serials, often all but one digit: between different given names that is neutral
#: too (issue #13, round 9).
WEAK_LEVELS: dict[str, float] = {
    "nik.same_regency_different": 1.0,
    "nik.same_birth_code_given_names_differ": 1.0,
    "phone.same": 64.0,
    "phone.same_given_names_differ": 1.0,
    "name.one_shared_given_conflict": 0.5,
    "name.one_similar_others_conflict": 0.5,
    "name.two_shared_others_conflict": 0.5,
}

#: levels held at neutral (m = u), not only capped there: EM cannot learn them. A different
#: NIK from the same regency: EM blocked on the birth date sees only same-date pairs, whose
#: NIKs (which encode the date) of one person differ in the serial alone (the level
#: ``nik.same_birth_code``), never a duplicate whose date was declared differently. With that
#: level split off, EM put this one's m at its lower bound, evidence against (2^-1.8 on the
#: first generator at 200,000 records: recall 0.960 -> 0.955, issue #13 round 9).
NEUTRAL_LEVELS: tuple[str, ...] = ("nik.same_regency_different",)


#: a level whose u must not depend on another comparison: a level split off before it by a
#: condition on the name (twins' "same date, different given names") takes the pairs with
#: different given names out of its sampled u, which would leave u(same date) = the chance of
#: the same date *and* similar given names, and count the name's agreement a second time (its
#: Bayes factor rose from 2^13.4 to 2^18.3 on the first generator, issue #13 round 6). Its u
#: is restored to the chance of the agreement whatever the names: the sum of the sampled u of
#: the level and of the levels split off from it.
U_INCLUDES: dict[str, tuple[str, ...]] = {
    "birth_date.exact": ("birth_date.exact_given_names_differ",),
    "phone.same": ("phone.same_given_names_differ",),
    # the twins' NIK level is split off both the slip and the second serial; its sampled u
    # goes back to the second serial's, the level defined by the same digits
    "nik.same_birth_code": ("nik.same_birth_code_given_names_differ",),
}


def _include_u(keys: Sequence[str | None], levels: list[dict]) -> None:
    """Apply :data:`U_INCLUDES` to one comparison's non-null levels (sampled u only)."""
    u_of = {k: lv.get("u_probability") for k, lv in zip(keys, levels, strict=True) if k}
    for k, lv in zip(keys, levels, strict=True):
        if k in U_INCLUDES and lv.get("u_probability"):
            lv["u_probability"] += sum(u_of.get(o) or 0.0 for o in U_INCLUDES[k])


def _parent_weight(keys: Sequence[str | None], levels: list[dict]) -> None:
    """Give each level split off by :data:`U_INCLUDES` its parent level's Bayes factor."""
    at = {k: lv for k, lv in zip(keys, levels, strict=True) if k}
    for parent, children in U_INCLUDES.items():
        if parent not in at:
            continue
        bf = at[parent]["m_probability"] / at[parent]["u_probability"]
        for child in children:
            if child in at and child not in WEAK_LEVELS:  # a cap stays a cap
                at[child]["m_probability"] = min(max(bf * at[child]["u_probability"],
                                                     M_BOUNDS[0]), M_BOUNDS[1])


def prior_fixed_point(weights: Sequence[float], total_pairs: float, start: float, *,
                      iterations: int = 100, tol: float = 1e-6) -> float:
    """The prior lambda that agrees with the model's own expected number of matches.

    ``weights`` are the summed log2 Bayes factors (match weight without the prior) of the
    blocked pairs; pairs never blocked have a negligible probability. The expected number of
    matches is sum(p_i), so lambda = sum(p_i(lambda)) / total_pairs — the EM update of lambda
    over every pair — iterated from ``start`` to its fixed point. Unlike the estimate from
    deterministic rules with an assumed recall, it needs no guess and does not grow with the
    namesakes the rules catch at scale (issue #13).
    """
    import math

    import numpy as np

    if total_pairs <= 0 or not len(weights):
        return start
    w = np.asarray(weights, dtype=float)
    lam = min(max(start, 1e-12), 0.5)
    for _ in range(iterations):
        x = np.clip(w + math.log2(lam / (1 - lam)), -60.0, 60.0)
        expected = float((1.0 / (1.0 + np.exp2(-x))).sum())
        new = min(max(expected / total_pairs, 1e-12), 0.5)
        if abs(new - lam) <= tol * lam:
            return new
        lam = new
    return lam


def _neutral_m(i: int, n: int) -> float:
    return 0.9 if i == 0 else (0.01 if i == n - 1 else 0.05)


def regularise_model(model: dict, *, correct_u: bool | None = None,
                     split_levels_learnt: bool = True) -> dict:
    """Bound EM's m values so no single level is decisive on its own.

    EM can drive a level's m to ~0 (e.g. "different NIK": -100 bits) from a few thousand
    training pairs; bounds keep the evidence additive. Levels EM could not estimate get the
    domain defaults in :data:`DEFAULT_M` (or a neutral value); :data:`FIXED_M`,
    :data:`WEAK_LEVELS` and :data:`NEUTRAL_LEVELS` apply by level key. A comparison whose
    levels do not fit this version's is refused (``ValueError``). ``correct_u`` (default: for
    a linkage only) removes the true matches from the sampled u (:data:`U_CORRECTION_MIN_SHARE`).
    ``split_levels_learnt=False`` (EM had no identifier to block on, so it never saw the pairs
    of a level split off by :data:`U_INCLUDES`): such a level gets the Bayes factor of the level
    it was split from, as before the split (FEBRL names + birth date, where a sixth of the true
    pairs have another given name: issue #13, round 6).
    """
    if correct_u is None:
        correct_u = model.get("link_type") == "link_only"
    lam = model.get("probability_two_random_records_match") or 1e-4
    lam = min(max(lam, 1e-8), 0.5)
    model["probability_two_random_records_match"] = lam
    for comp in model.get("comparisons", []):
        name = comp.get("output_column_name", "")
        levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        spec = spec_for(name)
        # a comparison this version does not define has no priors: neutral values only
        keys: tuple[str | None, ...] = (spec.level_keys(comp) if spec
                                        else (None,) * len(levels))
        defaults = DEFAULT_M.get(name, {})
        _include_u(keys, levels)
        for i, (key, lv) in enumerate(zip(keys, levels, strict=True)):
            is_else = i == len(levels) - 1  # Splink's else level is always the last
            m = lv.get("m_probability")
            if m is None:
                m = defaults[key] if key in defaults else _neutral_m(i, len(levels))
            m = min(max(m, M_BOUNDS[0]), M_BOUNDS[1])
            u = lv.get("u_probability") or UNSEEN_U
            if key in FIXED_M:
                m = FIXED_M[key]
            if correct_u and lv.get("u_probability") and not is_else:
                u_raw = lv["u_probability"]
                lv["u_probability"] = max(u_raw - lam * m, U_CORRECTION_MIN_SHARE * u_raw
                                          ) / (1 - lam)
                u = lv["u_probability"]
            if u and key in WEAK_LEVELS:
                m = min(m, WEAK_LEVELS[key] * u)
            if u and key in NEUTRAL_LEVELS:
                m = u
            lv["m_probability"] = m
            if lv.get("u_probability") is None:
                lv["u_probability"] = 0.99 if is_else else UNSEEN_U
        if not split_levels_learnt:
            _parent_weight(keys, levels)
    return model
