"""Gettext catalogues (Babel). Message ids are English; ``id`` (Bahasa Indonesia) is the default UI.

Catalogues are ``<lang>/LC_MESSAGES/*.po`` beside this file (``messages.po`` for the platform,
one file per capability, e.g. ``identity.po``), merged and compiled in memory at first use (no
build step). Extract new strings with ``pybabel extract -F babel.cfg -o messages.pot src``.
"""

from __future__ import annotations

import io
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES = ("id", "en")
CATALOGUE_DIR = Path(__file__).parent
current_language: ContextVar[str] = ContextVar("current_language", default="id")


def _compile(po_path: Path, lang: str) -> Translations:
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    catalog.fuzzy = False
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> NullTranslations:
    po_paths = sorted((CATALOGUE_DIR / lang / "LC_MESSAGES").glob("*.po"))
    if not po_paths:
        return NullTranslations()
    merged = _compile(po_paths[0], lang)
    for extra in po_paths[1:]:
        merged.merge(_compile(extra, lang))
    return merged


def gettext(message: str, **params: object) -> str:
    """Translate into the current request's language; ``%(name)s`` placeholders from params."""
    text = translations(current_language.get()).gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_language.get()).ngettext(singular, plural, n)


def translate(message: str, lang: str) -> str:
    return translations(lang).gettext(message)


_ = gettext


def N_(message: str) -> str:
    """Mark a message for extraction without translating it yet (translated where shown)."""
    return message


def pick_language(requested: str | None, default: str) -> str:
    return requested if requested in LANGUAGES else default
