"""One labels catalogue for every code a person reads (issue #16, defect 8).

``label(kind, code, lang)`` turns a stored code (``PossibleVictimOfTrafficking``, ``DINSOS``,
``refer_police``, ``F``, ``KHM`` or ``KH``) into words in Indonesian or English; pages use the
Jinja filter ``{{ code|label("kind") }}`` (the viewer's language), PDFs ``label(..., "id")``.
The API and exports for machines keep the codes.

Where the words come from:

* ``labels.yaml`` next to this module: the fixed code lists (HTCDS statuses, exploitation
  types, organisations, risk levels, sexes, referral states, watchlist list kinds, ...);
* ``country``: the Unicode CLDR territory names that Babel ships, for ISO 3166 alpha-2 *and*
  alpha-3 codes alike (one helper, so cases and screenings name countries the same way);
* kinds whose words live with their capability (case states in ``workflow.yaml``, screening
  actions, document finding codes, interview answers) are added by that capability's core
  module with :func:`register` — the platform imports no capability.

An unknown code is shown as it is (never dropped), so a new code is visible and gets a label.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from babel import Locale
from babel.core import get_global

LANGS = ("id", "en")
CATALOGUE = Path(__file__).with_name("labels.yaml")

#: ``resolve(code, lang)`` -> words, or None when the code is not one of this kind's
Resolver = Callable[[str, str], "str | None"]


@dataclass(frozen=True)
class _Registered:
    resolve: Resolver
    codes: Callable[[], Iterable[str]]


_REGISTERED: dict[str, _Registered] = {}


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, dict[str, str]]]:
    """The fixed code lists: kind -> code -> {"id": ..., "en": ...}."""
    data = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8")) or {}
    for kind, entries in data.items():
        for code, words in entries.items():
            missing = [lang for lang in LANGS if not (words or {}).get(lang)]
            if missing:
                raise ValueError(f"labels.yaml: {kind}.{code} has no {', '.join(missing)} words")
    return {str(k): {str(c): dict(w) for c, w in v.items()} for k, v in data.items()}


def register(kind: str, resolve: Resolver, codes: Callable[[], Iterable[str]]) -> None:
    """A capability adds a kind whose words it keeps (``codes`` lists them for the tests that
    look for raw codes on pages). Registering the same kind again replaces it."""
    if kind in catalogue():
        raise ValueError(f"label kind {kind!r} is already in labels.yaml")
    _REGISTERED[kind] = _Registered(resolve, codes)


def kinds() -> list[str]:
    return sorted({*catalogue(), *_REGISTERED, "country"})


def codes(kind: str) -> list[str]:
    """Every code of ``kind`` (for tests and pickers)."""
    if kind in catalogue():
        return list(catalogue()[kind])
    if kind in _REGISTERED:
        return list(_REGISTERED[kind].codes())
    if kind == "country":
        return sorted(_alpha3_to_alpha2())
    raise KeyError(kind)


def label(kind: str, code: Any, lang: str = "id") -> str:
    """``code`` of ``kind`` in words (``lang``: "id" or "en"); "" for no code; an unknown code
    as it is."""
    if code is None or code == "":
        return ""
    text = str(code).strip()
    lang = lang if lang in LANGS else "en"
    if kind == "country":
        return country_name(text, lang)
    entry = catalogue().get(kind, {}).get(text)
    if entry is not None:
        return entry[lang]
    registered = _REGISTERED.get(kind)
    if registered is not None:
        words = registered.resolve(text, lang)
        if words:
            return words
    return text


def labels(kind: str, values: Iterable[Any] | str | None, lang: str = "id") -> str:
    """Several codes of one kind (a list, or one string "A,B"), in words, joined with commas."""
    if isinstance(values, str):
        values = [v.strip() for v in values.split(",")]
    return ", ".join(label(kind, v, lang) for v in values or () if v not in (None, ""))


# -- countries --------------------------------------------------------------------------------

#: where the CLDR name is not what an Indonesian officer writes
_COUNTRY_OVERRIDES = {"id": {"MM": "Myanmar", "LA": "Laos", "KR": "Korea Selatan",
                             "HK": "Hong Kong", "TW": "Taiwan"},
                      "en": {"MM": "Myanmar", "LA": "Laos", "HK": "Hong Kong"}}


@lru_cache(maxsize=2)
def _territories(lang: str) -> dict[str, str]:
    return dict(Locale(lang).territories)


@lru_cache(maxsize=1)
def _alpha3_to_alpha2() -> dict[str, str]:
    aliases = get_global("territory_aliases")
    return {code: targets[0] for code, targets in aliases.items()
            if len(code) == 3 and code.isalpha() and len(targets) == 1
            and len(targets[0]) == 2 and targets[0] != "ZZ"}


def alpha2(code: str) -> str | None:
    """The ISO 3166 alpha-2 code of an alpha-2 or alpha-3 code; None if unknown."""
    code = (code or "").strip().upper()
    if len(code) == 2 and code.isalpha():
        return code if code in _territories("en") else None
    if len(code) == 3:
        return _alpha3_to_alpha2().get(code)
    return None


def country_name(code: str, lang: str = "id") -> str:
    """A country's name from its ISO 3166 alpha-2 or alpha-3 code (``KH`` and ``KHM`` ->
    "Kamboja"); the code itself if unknown."""
    lang = lang if lang in LANGS else "en"
    two = alpha2(code)
    if two is None:
        return (code or "").strip()
    return _COUNTRY_OVERRIDES[lang].get(two) or _territories(lang).get(two) or code


def countries(codes: Iterable[str] | str, lang: str = "id") -> str:
    """Several countries by name, joined with commas (a string may hold "KHM, MYS")."""
    items = codes.replace(",", " ").split() if isinstance(codes, str) else list(codes)
    return ", ".join(country_name(c, lang) for c in items if c)
