"""Round 17: the GENRE of a text, learned from the authored corpora's ``kind`` field.

Does the text talk about the pattern in general - a warning, advice, statistics, police or
court news about many victims, a ministry statement - or does it make, relay or tell ONE
offer, one case, one job? The rules read this from cue lists (``generic_statement``,
``warning_advice``, ``enforcement_report``), and every blind part brought warnings and news
whose wording the lists did not hold (rounds 13-16). This is the same question asked of a
small statistical model trained on the kinds the writers of the four authored corpora gave
their texts, with the text model's own features and code (``model._fit``: char 2-5 within
words + word 1-2 grams, logistic regression, Platt-calibrated out of fold).

Labels (fixed before any real text was scored): ``GENERAL_KINDS`` -> 1 (general), every other
authored kind -> 0 (one offer, one case, one legal job, everyday chat), ``EXCLUDED_KINDS``
(mixed bags: one-sentence fragments of every look-alike kind, off-topic news, case notes) are
left out. Only the authored corpora (``model.AUTHORED``), train splits; never a real text.

Shipped as ``model/genre_model.json``; ``train_genre()`` rebuilds it byte for byte.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from waspada.offers.model import (
    AUTHORED,
    TextModel,
    _fit,
    evaluate,
    load_packaged,
    model_text,
    read_authored,
    save_packaged,
)

GENRE_FILE = "genre_model.json"
GENRE_CHAR_MAX = 5000
GENRE_WORD_MAX = 4000
"""Vocabulary caps of the genre model (half the text model's: a small artefact)."""

GENERAL_KINDS: dict[str, frozenset[str]] = {
    "second": frozenset({"stats_news", "warning", "advice", "warning_case"}),
    "third": frozenset({"warning", "stats_news"}),
    "fourth": frozenset({"church_statement", "dpr_statement", "fact_check",
                         "ministry_statement", "news_general", "ngo_statement", "research",
                         "socialisation", "talkshow", "testimony_advice", "warning_quote",
                         "mosque_notice", "family_blog"}),
    "fifth": frozenset({"advice", "en_advice", "en_advisory", "en_news_general", "en_stats",
                        "news_general", "pattern_news", "statistics", "warning_quote",
                        "warning_redflags"}),
}
"""Look-alike kinds (label 0) that talk about the pattern, warn, advise or report on many
cases; per corpus, as its author named them (data/offers/DATASHEET.md)."""

EXCLUDED_KINDS: frozenset[tuple[str, str]] = frozenset({
    ("second", "news_other"), ("third", "ngo_note"), ("third", "fragment"),
    ("fifth", "short_fragment"),
    ("second", "enforcement_news"), ("third", "enforcement_news"), ("third", "court_general"),
    ("fourth", "court_news"), ("fifth", "court_news"), ("fifth", "en_court"),
    ("fifth", "police_statement"), ("fifth", "return_news")})
"""Look-alike kinds that mix both genres (fragments of every kind, off-topic news, NGO case
notes about one client): left out of training."""


def genre_rows(data_dir: Path) -> list[dict[str, str]]:
    """The authored corpora as genre rows: ``genre`` "1" (general) or "0" (one offer/case)."""
    rows: list[dict[str, str]] = []
    for corpus in AUTHORED:
        for r in read_authored(data_dir, corpus):
            src, kind = r["source"].split(":", 1)
            if r["label"] == "0" and (src, kind) in EXCLUDED_KINDS:
                continue
            general = r["label"] == "0" and kind in GENERAL_KINDS.get(src, frozenset())
            rows.append({**r, "genre": "1" if general else "0"})
    return rows


def fit_genre(rows: list[dict[str, str]]) -> dict[str, Any]:
    """The genre model's artefact (a ``TextModel`` payload) trained on ``rows``."""
    return _fit([model_text(r["text"]) for r in rows], [int(r["genre"]) for r in rows],
                char_max=GENRE_CHAR_MAX, word_max=GENRE_WORD_MAX)


def default_genre_output() -> Path:
    return Path(__file__).parent / "model" / GENRE_FILE


def train_genre(data_dir: Path | str = Path("data/offers"), output: Path | str | None = None,
                limit: int | None = None) -> dict[str, Any]:
    """Train on the authored train splits, evaluate on their test splits, write the artefact.

    Deterministic (the text model's seeds, sorted vocabularies). ``limit`` keeps an evenly
    spaced subset of N training rows (for the reproducibility test). Returns the metrics
    (ROC-AUC of "general" on the test splits at 0.5).
    """
    rows = genre_rows(Path(data_dir))
    train_rows = [r for r in rows if r["split"] == "train"]
    test_rows = [r for r in rows if r["split"] == "test"]
    if limit:
        step = max(1, len(train_rows) // limit)
        train_rows = train_rows[::step][:limit]
    data = fit_genre(train_rows)
    data["version"] = f"offers-genre-{len(train_rows)}"
    model = TextModel(data)
    as_label = [{"text": r["text"], "label": r["genre"]} for r in test_rows]
    data["metrics"] = {"test": evaluate(model, as_label)}
    save_packaged(data, Path(output) if output else default_genre_output(),
                  default_genre_output())
    return data["metrics"]


def load_genre() -> TextModel | None:
    """The packaged genre model (lazy, once); None if the artefact is missing."""
    return load_packaged(GENRE_FILE)


def general_probability(norm_text: str) -> float | None:
    """Calibrated probability that a (normalised) text talks about the pattern in general
    (warning, advice, statistics, news about many cases); None without the artefact."""
    m = load_genre()
    return None if m is None else m.predict_proba(norm_text)
