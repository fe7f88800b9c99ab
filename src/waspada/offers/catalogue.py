"""The indicator catalogue (indicators.yaml): loading, compiling and matching."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from waspada.offers.fastre import Scan
from waspada.offers.normalise import Normalised
from waspada.offers.prefilter import (
    Prefilter,
    matches_at_word_starts,
    may_match,
    prefilter_for,
)
from waspada.platform import labels

GROUPS = ("destination", "job", "lure", "process", "control")
NEGATORS = frozenset(
    [
        "tidak", "bukan", "tanpa", "jangan", "belum", "tak", "no", "not", "never",
        "without", "non", "dont", "don't", "isn't", "isnt", "doesn't", "doesnt", "nor",
        "zero"
    ]
)
_ANY_NEGATOR = re.compile("|".join(re.escape(n) for n in sorted(NEGATORS, key=len, reverse=True)))
"""Any negator as a substring: a necessary condition for a negator word (fast path)."""
_CLAUSE_BREAK = re.compile(r"[.;!?\n|]|,|\b(?:tapi|namun|tetapi|but|however|melainkan)\b")


@dataclass(frozen=True)
class Indicator:
    """One catalogue entry."""

    code: str
    group: str
    weight: float
    source: str
    title_id: str
    title_en: str
    advice_id: str
    advice_en: str
    regex: re.Pattern[str] | None
    computed: str | None = None
    negatable: bool = True
    decisive: bool = False
    examples: dict[str, list[str]] = field(default_factory=dict)
    prefilter: Prefilter | None = None
    """Literal prefixes every match starts with (prefilter.py); None: always scan."""
    scan: Scan | None = field(init=False, compare=False, repr=False)
    """``regex`` in the forms that scan faster (``fastre.Scan``): the same matches."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "scan", None if self.regex is None else Scan(self.regex))

    def title(self, lang: str = "id") -> str:
        return self.title_en if lang == "en" else self.title_id

    def advice(self, lang: str = "id") -> str:
        return self.advice_en if lang == "en" else self.advice_id


@dataclass(frozen=True)
class Context:
    """A mitigating context (news, tourism, legal placement) that damps the rule score."""

    name: str
    weight: float
    title_id: str
    title_en: str
    regex: re.Pattern[str]
    prefilter: Prefilter | None = None
    scan: Scan = field(init=False, compare=False, repr=False)
    """``regex`` in the forms that scan faster (``fastre.Scan``): the same matches."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "scan", Scan(self.regex))


@dataclass(frozen=True)
class Catalogue:
    version: str
    sources: dict[str, str]
    indicators: tuple[Indicator, ...]
    contexts: tuple[Context, ...]

    def by_code(self, code: str) -> Indicator:
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise KeyError(code)


def _compile(patterns: list[str]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def parse_catalogue(data: dict[str, Any]) -> Catalogue:
    """Build a :class:`Catalogue` from the YAML structure (validating it)."""
    sources = dict(data["sources"])
    inds: list[Indicator] = []
    for item in data["indicators"]:
        pats = item.get("patterns") or {}
        regex = _compile(list(pats.get("id") or []) + list(pats.get("en") or []))
        if item["group"] not in GROUPS:
            raise ValueError(f"{item['code']}: unknown group {item['group']}")
        if item["source"] not in sources:
            raise ValueError(f"{item['code']}: unknown source {item['source']}")
        inds.append(
            Indicator(
                code=item["code"], group=item["group"], weight=float(item["weight"]),
                source=item["source"], title_id=item["title_id"], title_en=item["title_en"],
                advice_id=item["advice_id"], advice_en=item["advice_en"],
                regex=regex, prefilter=prefilter_for(regex),
                computed=item.get("computed"), negatable=bool(item.get("negatable", True)),
                decisive=bool(item.get("decisive", False)),
                examples={k: list(v or []) for k, v in (item.get("examples") or {}).items()},
            )
        )
    ctx_rx = {name: re.compile("|".join(f"(?:{p})" for p in c["patterns"]))
              for name, c in (data.get("contexts") or {}).items()}
    ctxs = tuple(
        Context(name=name, weight=float(c["weight"]), title_id=c["title_id"],
                title_en=c["title_en"], regex=ctx_rx[name],
                prefilter=prefilter_for(ctx_rx[name]))
        for name, c in (data.get("contexts") or {}).items()
    )
    return Catalogue(version=str(data["version"]), sources=sources, indicators=tuple(inds),
                     contexts=ctxs)


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """Load the packaged catalogue (cached)."""
    text = resources.files("waspada.offers").joinpath("indicators.yaml").read_text("utf-8")
    return parse_catalogue(yaml.safe_load(text))


@lru_cache(maxsize=1)
def _by_code_or_title() -> dict[str, Indicator]:
    """An indicator by its code or its title in either language (a stored title, e.g. a bulk
    scan job's rows before round 25, read again in the reader's language)."""
    return {key: ind for ind in load_catalogue().indicators
            for key in (ind.title_id, ind.title_en, ind.code)}


def _indicator_words(code: str, lang: str) -> str | None:
    found = _by_code_or_title().get(code)
    return found.title(lang) if found is not None else None


#: an indicator's title wherever a page or download shows its code (``offer_indicator``);
#: a title stored in one language reads in the other too
labels.register("offer_indicator", _indicator_words,
                lambda: [ind.code for ind in load_catalogue().indicators])


def is_negated(norm_text: str, start: int) -> bool:
    """True if a negator appears in the same clause within 3 words before ``start``."""
    window = norm_text[max(0, start - 40) : start]
    if not _ANY_NEGATOR.search(window):  # no negator anywhere near: cannot be negated
        return False
    parts = _CLAUSE_BREAK.split(window)
    words = parts[-1].split()[-3:] if parts else []
    return any(w in NEGATORS for w in words)


def find_matches(ind: Indicator, norm: Normalised,
                 starts: frozenset[str] | None = None) -> list[tuple[int, int]]:
    """Spans (in the normalised text) where the indicator's patterns match, negation-aware.

    ``starts``: ``prefilter.word_starts(norm.text)``, when the caller computed it once.
    """
    text = norm.text
    scan = ind.scan  # None exactly when there is no regex
    if scan is None or ind.regex is None:
        return []
    found: Iterable[re.Match[str]] | None = matches_at_word_starts(
        ind.regex, ind.prefilter, text, starts)
    if found is None:
        if not may_match(ind.prefilter, text, starts):
            return []
        found = scan.finditer(text)
    out: list[tuple[int, int]] = []
    negatable = ind.negatable
    for m in found:
        a, b = m.span()
        if b <= a:
            continue
        if negatable and is_negated(text, a):
            continue
        out.append((a, b))
    return out


def context_hits(ctx: Context, norm_text: str, starts: frozenset[str] | None = None) -> int:
    """Number of DISTINCT, non-negated cue strings of a context found in the text."""
    found: Iterable[re.Match[str]] | None = matches_at_word_starts(
        ctx.regex, ctx.prefilter, norm_text, starts)
    if found is None:
        if not may_match(ctx.prefilter, norm_text, starts):
            return 0
        found = ctx.scan.finditer(norm_text)
    return len({m.group(0) for m in found if not is_negated(norm_text, m.start())})
