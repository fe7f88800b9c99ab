"""The one entry point: ``analyse(text) -> OfferAnalysis``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from waspada.offers.catalogue import load_catalogue
from waspada.offers.classes import NO_PLACE_CLASS, load_classes
from waspada.offers.extract import Entities, extract
from waspada.offers.genre import general_probability, load_genre
from waspada.offers.language import identify
from waspada.offers.model import load_model
from waspada.offers.normalise import MAX_CHARS, normalise
from waspada.offers.prefilter import matches_at_word_starts
from waspada.offers.score import (
    LEVEL_LABELS,
    MODEL_HIGH_P,
    MODEL_LOW_HIGH_P,
    NEWS_FRAME_CAP,
    RuleResult,
    evaluate_rules,
    fuse,
    genre_caps,
    level_for,
    model_raises,
    model_raises_high,
    model_raises_high_from_low,
)

MODEL_NOTE = {
    "id": ("Probabilitas dari model teks statistik (n-gram karakter/kata + regresi logistik) "
           "yang dilatih pada lima korpus yang ditulis untuk proyek ini (bukan data nyata). "
           "Ini bukan bukti; keputusan tetap di tangan petugas."),
    "en": ("Probability from a statistical text model (character/word n-grams + logistic "
           "regression) trained on five corpora written for this project (not real data). "
           "It is not evidence; a human decides."),
}
_LOW_HIGH_EN = f"{MODEL_LOW_HIGH_P:.2f}"
_LOW_HIGH_ID = _LOW_HIGH_EN.replace(".", ",")
_HIGH_EN = f"{MODEL_HIGH_P:.2f}"
_HIGH_ID = _HIGH_EN.replace(".", ",")
MODEL_RAISED_NOTE = {
    "id": ("Model teks statistik yakin teks ini mirip tawaran kerja berisiko; karena itu "
           "tingkatnya sekurang-kurangnya Sedang, untuk diperiksa petugas. Teks yang oleh aturan "
           f"dinilai Rendah hanya menjadi Tinggi bila model sangat yakin (probabilitas "
           f"{_LOW_HIGH_ID} atau lebih)."),
    "en": ("The statistical text model is confident this text reads like a risky job offer; so "
           "the level is at least Medium, for an officer to check. A text the rules call Low "
           f"becomes High by the model only at probability {_LOW_HIGH_EN} or more."),
}
MODEL_RAISED_HIGH_NOTE = {
    "id": ("Aturan menilai teks ini Sedang; model teks statistik sangat yakin (probabilitas "
           f"{_HIGH_ID} atau lebih) teks ini tawaran kerja berisiko atau cerita satu tawaran "
           "seperti itu, sehingga tingkatnya Tinggi. Model membuat Tinggi teks yang oleh aturan "
           f"dinilai Rendah hanya pada probabilitas {_LOW_HIGH_ID} atau lebih, dan tidak pernah "
           "teks peringatan/berita."),
    "en": ("The rules put this text at Medium; the statistical text model is very confident "
           f"(probability {_HIGH_EN} or more) that it is a risky job offer or tells one, so the "
           "level is High. The model makes High a text the rules call Low only at probability "
           f"{_LOW_HIGH_EN} or more, and never a warning or news."),
}
MODEL_RAISED_LOW_HIGH_NOTE = {
    "id": ("Aturan saja menilai teks ini Rendah; model teks statistik sangat yakin "
           f"(probabilitas {_LOW_HIGH_ID} atau lebih) teks ini tawaran kerja berisiko atau cerita "
           "satu tawaran seperti itu, sehingga tingkatnya Tinggi, untuk diperiksa petugas. "
           "Model tidak pernah membuat Tinggi teks peringatan atau berita."),
    "en": ("The rules alone put this text at Low; the statistical text model is extremely "
           f"confident (probability {_LOW_HIGH_EN} or more) that it is a risky job offer or "
           "tells one, so the level is High, for an officer to check. The model never makes "
           "High a warning or news."),
}
GENRE_CAPPED_NOTE = {
    "id": ("Model genre statistik membaca teks ini sebagai pembicaraan umum tentang pola "
           "(peringatan, imbauan, statistik, berita tentang banyak korban), bukan satu tawaran "
           "atau satu kasus; karena itu tingkatnya paling tinggi Sedang. Petugas tetap dapat "
           "memeriksanya."),
    "en": ("The statistical genre model reads this text as talk about the pattern in general "
           "(a warning, advice, statistics, news about many victims), not one offer or one "
           "case; so its level is at most Medium. An officer can still check it."),
}
TRUNCATION_NOTE = f"only the first {MAX_CHARS:,} characters were analysed"


@dataclass(frozen=True, slots=True)
class Evidence:
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class FiredIndicator:
    code: str
    group: str
    weight: float
    source: str
    title_id: str
    title_en: str
    advice_id: str
    advice_en: str
    evidence: tuple[Evidence, ...]
    detail: str | None = None

    def to_dict(self, lang: str = "id") -> dict[str, Any]:
        en = lang == "en"
        d: dict[str, Any] = {
            "code": self.code, "group": self.group, "weight": self.weight,
            "title": self.title_en if en else self.title_id,
            "advice": self.advice_en if en else self.advice_id,
            "source": self.source, "evidence": [e.to_dict() for e in self.evidence],
        }
        if self.detail:
            d["detail"] = self.detail
        return d


@dataclass
class OfferAnalysis:
    """Result of :func:`analyse`. Offsets are into the original text."""

    score: float
    level: str
    language: str
    indicators: list[FiredIndicator]
    entities: Entities
    rule_score: float
    model_probability: float | None
    groups: dict[str, float]
    contexts: dict[str, int]
    agencies: list[dict[str, Any]] = field(default_factory=list)
    text_length: int = 0
    analysed_chars: int = 0
    truncated: bool = False
    catalogue_version: str = ""
    model_version: str | None = None
    strong: tuple[str, ...] = ()
    """Strong combinations (``score.STRONG_RULES``) that lifted the level to high."""
    frame: str = "none"
    """What the whole text is (``score.decide_frame``): advice, account, pattern, offer, none."""
    offer_abroad: tuple[str, ...] = ()
    """Round 7: the signals (word classes) of an offer abroad that set a floor (medium with one,
    high with two or a strong one); empty when the class layer set no floor."""
    offer_told: tuple[str, ...] = ()
    """Round 8: the signals of an offer TOLD as made to someone with no place named (medium with
    one, high with two or an outcome); empty when that floor was not set."""
    class_evidence: dict[str, tuple[Evidence, ...]] = field(default_factory=dict)
    """The words behind ``offer_abroad`` / ``offer_told``: per word class (the offer, the place,
    each signal), its first matches in the text; empty when neither floor was set."""
    model_raised: bool = False
    """Round 10: the text model's confident "yes" lifted a text the rules alone call low to
    medium (``score.model_raises``); round 12: or one they call medium to high
    (``score.model_raises_high``; ``model_raised_to`` says which); round 14: or one they call
    low to high (``score.model_raises_high_from_low``)."""
    model_raised_to: str | None = None
    """Round 12: the level the model lifted the text to ("medium" or "high"), None if it did not."""
    model_raised_from: str | None = None
    """Round 14: the level of the rules alone when the model lifted the text ("low" or
    "medium"), None if it did not."""
    genre_probability: float | None = None
    """Round 17: the genre model's probability that the text talks about the pattern in general
    (``genre.py``); read only when it could change the level (a score above the cap, no
    recruiter contact, not one identified person's account), else None."""
    genre_capped: bool = False
    """Round 17: the genre model kept the text below high (``score.genre_caps``)."""
    genre_version: str | None = None

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level][0]

    @property
    def codes(self) -> list[str]:
        return [i.code for i in self.indicators]

    def to_dict(self, lang: str = "id") -> dict[str, Any]:
        """Stable JSON-ready dict; titles/advice in ``lang`` ("id" or "en")."""
        lang = "en" if lang == "en" else "id"
        label = LEVEL_LABELS[self.level][1 if lang == "en" else 0]
        return {
            "score": round(self.score, 4),
            "level": self.level,
            "level_label": label,
            "language": self.language,
            "indicators": [i.to_dict(lang) for i in self.indicators],
            "advice": [i.advice_en if lang == "en" else i.advice_id for i in self.indicators],
            "entities": self.entities.to_dict(),
            "agencies": self.agencies,
            "rules": {"score": round(self.rule_score, 4),
                      "groups": {k: round(v, 4) for k, v in self.groups.items()},
                      "contexts": self.contexts, "strong": list(self.strong),
                      "frame": self.frame, "offer_abroad": list(self.offer_abroad),
                      "offer_told": list(self.offer_told),
                      "class_evidence": {k: [e.to_dict() for e in v]
                                         for k, v in self.class_evidence.items()}},
            "model": {"probability": (None if self.model_probability is None
                                      else round(self.model_probability, 4)),
                      "version": self.model_version, "note": MODEL_NOTE[lang],
                      "raised_level": self.model_raised,
                      "raised_to": self.model_raised_to,
                      "raised_from": self.model_raised_from,
                      "raised_note": _raised_note(self.model_raised_from,
                                                  self.model_raised_to, lang)},
            "genre": {"general_probability": (None if self.genre_probability is None
                                              else round(self.genre_probability, 4)),
                      "version": self.genre_version, "capped": self.genre_capped,
                      "note": GENRE_CAPPED_NOTE[lang] if self.genre_capped else None},
            "text_length": self.text_length,
            "analysed_chars": self.analysed_chars,
            "truncated": self.truncated,
            "notes": [TRUNCATION_NOTE] if self.truncated else [],
            "catalogue_version": self.catalogue_version,
        }


def analyse(text: str, *, agencies: list[str] | None = None,
            rates: dict[str, float] | None = None, use_model: bool = True) -> OfferAnalysis:
    """Analyse one offer text.

    ``agencies``: the licensed P3MI registry (names); when given, named companies are
    checked against it. ``rates``: IDR per unit of currency, overriding the defaults.
    Only the first ``MAX_CHARS`` characters are analysed (``truncated`` says so).
    """
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    cat = load_catalogue()
    norm = normalise(text)
    ents = extract(norm, rates)
    rule = evaluate_rules(cat, norm, ents, agencies)
    model = load_model() if use_model else None
    p = model.predict_proba(norm.text) if model is not None else None
    score = fuse(rule, p)
    # Round 17: the genre model is read only where its cap could change the level (lazy: most
    # texts are below the cap, give a contact or tell one person's case).
    g = None
    genre = None
    if score > NEWS_FRAME_CAP and genre_caps(rule, 1.0) and use_model:
        genre = load_genre()
        g = general_probability(norm.text)
        score = fuse(rule, p, g)
    from waspada.offers.score import _sigmoid

    rule_score = _sigmoid(rule.z_rule)
    inds: list[FiredIndicator] = []
    for ind in cat.indicators:
        f = rule.fired.get(ind.code)
        if f is None:
            continue
        ev = tuple(Evidence(a, b, norm.original[a:b]) for a, b in sorted(f.spans))
        inds.append(FiredIndicator(ind.code, ind.group, ind.weight, ind.source, ind.title_id,
                                   ind.title_en, ind.advice_id, ind.advice_en, ev, f.detail))
    signals = rule.class_signals if rule.class_floor > 0 else ()
    raised_from, raised_to = _raised(rule, p)
    return OfferAnalysis(
        score=score, level=level_for(score), language=identify(norm.text), indicators=inds,
        entities=ents, rule_score=rule_score, model_probability=p, groups=rule.groups,
        contexts=rule.contexts, agencies=rule.agencies, text_length=len(text),
        analysed_chars=len(norm.original), truncated=norm.truncated,
        catalogue_version=cat.version, model_version=model.version if model else None,
        strong=rule.strong, frame=rule.frame,
        offer_abroad=rule.class_signals if rule.class_floor > 0 and not rule.class_no_place
        else (),
        offer_told=rule.class_signals if rule.class_floor > 0 and rule.class_no_place else (),
        class_evidence=_class_evidence(norm.text, norm.original, signals, rule.starts),
        model_raised=raised_to is not None, model_raised_to=raised_to,
        model_raised_from=raised_from, genre_probability=g,
        genre_capped=genre_caps(rule, g) and level_for(fuse(rule, p)) == "high",
        genre_version=genre.version if genre is not None else None,
    )


def _raised(rule: RuleResult, p: float | None) -> tuple[str | None, str | None]:
    """(the level of the rules alone, the level the text model lifted the text to), or
    (None, None) when the model did not lift it."""
    alone = level_for(fuse(rule, None))
    if alone == "low" and model_raises_high_from_low(rule, p):
        return alone, "high"
    if alone == "low" and model_raises(rule, p):
        return alone, "medium"
    if alone == "medium" and model_raises_high(rule, p):
        return alone, "high"
    return None, None


def _raised_note(raised_from: str | None, raised_to: str | None, lang: str) -> str | None:
    if raised_to is None:
        return None
    if raised_to == "medium":
        return MODEL_RAISED_NOTE[lang]
    return (MODEL_RAISED_LOW_HIGH_NOTE if raised_from == "low" else MODEL_RAISED_HIGH_NOTE)[lang]


EVIDENCE_PER_CLASS = 3


def _class_evidence(text: str, original: str, signals: tuple[str, ...],
                    starts: frozenset[str] | None = None) -> dict[str, tuple[Evidence, ...]]:
    """The first matches of the offer, place and signal word classes behind a class floor,
    as spans of the original text (``text`` is its normalised, same-length form).

    ``starts``: ``prefilter.word_starts(text)`` when the caller has it (round 12: a class is
    then read only at the word starts its prefixes begin, ``matches_at_word_starts``)."""
    if not signals:
        return {}
    classes = load_classes()
    out: dict[str, tuple[Evidence, ...]] = {}
    for name in ("offer", "place_abroad", *signals):
        wc = classes.get(NO_PLACE_CLASS.get(name, name))
        if wc is None or name in out:
            continue
        found = matches_at_word_starts(wc.regex, wc.prefilter, text, starts)
        ev = tuple(Evidence(m.start(), m.end(), original[m.start():m.end()])
                   for _, m in zip(range(EVIDENCE_PER_CLASS),
                                   wc.scan.finditer(text) if found is None else found,
                                   strict=False))
        if ev:
            out[name] = ev
    return out
