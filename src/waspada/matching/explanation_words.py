"""A match's explanation in words an officer reads: "nama sama; tgl lahir hari dan bulan
tertukar; NIK cocok" (Indonesian) or "name same; date of birth day and month swapped; NIK
agrees" (English), never the engine's codes.

The engine's explanation (:func:`waspada.matching.scorer.score_pair`) is turned into
language-neutral ``[part, outcome]`` pairs (stored with a screening), and those into a line in
the reader's language: parts by their labels (gettext), outcomes by the labels kind
``match_outcome`` (``platform/labels.yaml``). Used by screening (watchlist candidates, earlier
screenings) and exchange (a verification's candidates)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from waspada.platform.i18n import N_, translate
from waspada.platform.labels import codes, label

__all__ = ["PART_LABELS", "explain", "explanation_parts", "outcome_words", "render_parts"]

#: explanation part -> its label (English message id; Indonesian in the catalogue)
PART_LABELS = {"name": N_("name"), "birth_date": N_("date of birth"), "nik": "NIK",
               "passport": N_("passport"), "phone": N_("phone")}


@lru_cache(maxsize=4)
def outcome_words(lang: str) -> Mapping[str, str]:
    """Every outcome code of the engine -> its words in ``lang`` (built once per language:
    every screening renders its candidates through it)."""
    return MappingProxyType({code: label("match_outcome", code, lang)
                             for code in codes("match_outcome")})


def explanation_parts(explanation: dict[str, Any]) -> list[list[str]]:
    """The engine's explanation as ``[part, value]`` pairs (language-neutral, stored)."""
    parts: list[list[str]] = []
    name = explanation.get("name") or {}
    if name:
        parts.append(["name", str(name.get("level", "?"))])
    birth = explanation.get("birth_date") or {}
    if birth.get("relation"):
        parts.append(["birth_date", str(birth["relation"])])
    for key in ("nik", "passport", "phone"):
        if key in explanation:
            parts.append([key, str(explanation[key].get("outcome", "?"))])
    return parts


def render_parts(parts: list[list[str]], lang: str) -> str:
    """One line an officer can read, in ``lang``: which parts agreed and how, the engine's
    outcomes in words ("nama sama; NIK cocok", "name same; NIK agrees"), never its codes."""
    words = outcome_words("id" if lang == "id" else "en")
    return "; ".join(f"{translate(PART_LABELS.get(key, key), lang)} {words.get(value, value)}"
                     for key, value in parts)


def explain(explanation: dict[str, Any], lang: str = "id") -> str:
    """The engine's explanation straight to a line in ``lang``."""
    return render_parts(explanation_parts(explanation), lang)
