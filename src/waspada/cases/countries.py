"""A country as an officer types it -> the ISO 3166 alpha-2 code the cases store (pure).

A trafficking event's country field took only a two-letter code (``maxlength="2"``): typing
"Cambodia" saved "Ca" and the page then read "Canada" (round 25). Every country input of the
cases capability (an event, a workflow step's ``location_country``, the intake and public
forms, the API) now goes through :func:`country_code`: a name in Indonesian or English
("Kamboja", "Cambodia"), an alpha-2 or alpha-3 code ("KH", "khm"), case- and accent-
insensitive; anything else is refused, never cut. The words are the labels catalogue's
(``platform.labels.country_name``) plus the plain CLDR names Babel ships.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from babel import Locale

from waspada.platform import labels


class UnknownCountry(ValueError):
    """The text names no country."""


def _key(text: str) -> str:
    """Compare names without case, accents or punctuation ("Côte d’Ivoire" = "cote divoire")."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join("".join(ch if ch.isalnum() else " " if ch in " -_/,()" else ""
                            for ch in plain.casefold()).split())


def _is_country(code: str) -> bool:
    """An ISO 3166 country or territory: not a user-assigned code (AA, QM-QZ, XA-XZ but
    Kosovo's XK, ZZ) nor a grouping (EU, EZ, UN)."""
    user_assigned = (code in ("AA", "ZZ") or ("QM" <= code <= "QZ")
                     or (code[0] == "X" and code != "XK"))
    return not user_assigned and code not in ("EU", "EZ", "UN")


@lru_cache(maxsize=1)
def _alpha2_codes() -> tuple[str, ...]:
    found = {labels.alpha2(code) for code in labels.codes("country")}
    return tuple(sorted(code for code in found if code and _is_country(code)))


@lru_cache(maxsize=1)
def _by_name() -> dict[str, str]:
    """Every name (both languages, the catalogue's and CLDR's) -> alpha-2 code."""
    out: dict[str, str] = {}
    for lang in labels.LANGS:
        territories = Locale(lang).territories
        for code in _alpha2_codes():
            for name in (labels.country_name(code, lang), territories.get(code, "")):
                if name and name != code:
                    out.setdefault(_key(name), code)
    return out


def country_code(text: object) -> str | None:
    """The alpha-2 code for what was typed; None for nothing typed; :class:`UnknownCountry`
    when the text names no country."""
    value = "" if text is None else str(text).strip()
    if not value:
        return None
    if len(value) in (2, 3) and value.isascii() and value.isalpha():
        code = labels.alpha2(value)
        if code is not None and _is_country(code):
            return code
    code = _by_name().get(_key(value))
    if code is None:
        raise UnknownCountry(value)
    return code


def country_names(lang: str) -> list[str]:
    """Every country's name in ``lang``, sorted (the country fields' ``<datalist>``)."""
    return sorted({labels.country_name(code, lang) for code in _alpha2_codes()},
                  key=_key)
