"""A country as an officer types it -> its ISO 3166 code (alpha-2, as the cases store it, or
alpha-3, as screenings do) (pure).

A trafficking event's country field took only a two-letter code (``maxlength="2"``): typing
"Cambodia" saved "Ca" and the page then read "Canada" (round 25). Every country input of the
cases capability (an event, a workflow step's ``location_country``, the intake and public
forms, the API) now goes through :func:`country_code`: a name in Indonesian or English
("Kamboja", "Cambodia"), an alpha-2 or alpha-3 code ("KH", "khm"), case- and accent-
insensitive; anything else is refused, never cut. The words are the labels catalogue's
(``platform.labels.country_name``) plus the plain CLDR names Babel ships. Screening's
destination and transit countries take the same input (:func:`country_alpha3`): typed as
"XYZ" they were stored as they were, and "Kamboja" did not count as Cambodia.
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


#: alpha-3 codes ISO 3166 withdrew that CLDR still maps (Burma, Zaire, East Germany,
#: metropolitan France, East Timor, South Yemen)
_WITHDRAWN_ALPHA3 = frozenset({"BUR", "ZAR", "DDR", "FXX", "TMP", "YMD"})


@lru_cache(maxsize=1)
def _alpha3_by_alpha2() -> dict[str, str]:
    out: dict[str, str] = {}
    for alpha3 in labels.codes("country"):
        two = labels.alpha2(alpha3)
        if two is not None and alpha3 not in _WITHDRAWN_ALPHA3:
            out[two] = alpha3
    return out


def country_alpha3(text: object) -> str | None:
    """:func:`country_code`, as the alpha-3 code ("Kamboja", "KH", "khm" -> "KHM")."""
    code = country_code(text)
    if code is None:
        return None
    alpha3 = _alpha3_by_alpha2().get(code)
    if alpha3 is None:
        raise UnknownCountry(str(text))
    return alpha3
