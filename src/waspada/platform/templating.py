"""Jinja2 templates with gettext, the navigation for the current role, and the CSRF token."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal
from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from starlette.responses import HTMLResponse

from waspada.platform import i18n, labels
from waspada.platform.capabilities import Nav, nav_items, public_nav_items
from waspada.platform.security.policy import Principal, allowed
from waspada.platform.security.roles import role_label
from waspada.platform.timezones import format_local, zone_of

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _template_dirs() -> list[str]:
    dirs = [str(PACKAGE_DIR / "platform" / "templates")]
    dirs += sorted(str(p) for p in PACKAGE_DIR.glob("*/templates") if "platform" not in p.parts)
    return dirs


templates = Jinja2Templates(directory=_template_dirs())
templates.env.loader = ChoiceLoader([FileSystemLoader(d) for d in _template_dirs()])
templates.env.autoescape = select_autoescape(default=True, default_for_string=True)
templates.env.add_extension("jinja2.ext.i18n")
templates.env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
templates.env.globals["role_label"] = role_label


def nav_for(principal: Principal | None) -> list[Nav]:
    """The installed capabilities' navigation links this principal may follow."""
    return [item for item in nav_items() if allowed(principal, item.action)]


def render(request: Request, name: str, context: dict[str, Any] | None = None,
           status_code: int = 200) -> HTMLResponse:
    principal: Principal | None = getattr(request.state, "principal", None)
    ctx: dict[str, Any] = {
        "user": getattr(request.state, "user", None),
        "principal": principal,
        "nav": nav_for(principal),
        "public_nav": public_nav_items(),
        "lang": i18n.current_language.get(),
        "csrf_token": request.scope.get("csrf_token", ""),
        "demo_mode": getattr(request.app.state, "demo_mode", False),
        "path": request.url.path,
        "allowed_search": allowed(principal, "search.persons"),
    }
    ctx.update(context or {})
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)


@pass_context
def _localtime(context: Context, value: Any, unit: Any = None,
               fmt: str = "%d-%m-%Y %H:%M") -> str:
    """``{{ dt|localtime }}`` in the viewer's unit's zone, ``{{ dt|localtime(unit) }}`` in a
    given unit's (or zone name's); the zone abbreviation follows (WIB, WITA, WIT, ...)."""
    holder = unit if unit is not None else context.get("user")
    return format_local(value, zone_of(holder), fmt)


templates.env.filters["localtime"] = _localtime


def _label(code: Any, kind: str, default: str | None = None) -> str:
    """``{{ code|label("kind") }}``: a stored code in words, in the viewer's language (one
    catalogue: ``platform.labels``); ``default`` is shown for a code the catalogue lacks (an
    organisation an administrator added is shown by its own name)."""
    words = labels.label(kind, code, i18n.current_language.get())
    if default is not None and code not in (None, "") and words == str(code).strip():
        return default
    return words


def _labels(values: Any, kind: str) -> str:
    """``{{ codes|labels("country") }}``: several codes in words, joined with commas."""
    return labels.labels(kind, values or (), i18n.current_language.get())


templates.env.filters["label"] = _label
templates.env.filters["labels"] = _labels


def _dmy(value: Any) -> str:
    """``{{ day|dmy }}``: a calendar date (a ``date`` or an ISO "1974-08-12") as Indonesian
    readers write it, "12-08-1974"; a month "2025-12" as "12-2025"; anything else as it is,
    nothing as ""."""
    if value is None or value == "":
        return ""
    if hasattr(value, "strftime"):
        return str(value.strftime("%d-%m-%Y"))
    text = str(value)
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return f"{text[8:10]}-{text[5:7]}-{text[:4]}"
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        return f"{text[5:7]}-{text[:4]}"
    return text


templates.env.filters["dmy"] = _dmy

_ISO_DAY_IN_TEXT = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def dates_in_text(text: Any) -> str:
    """``{{ message|dmy_text }}``: the ISO days inside a text (a finding's message, a reason's
    title: "differs from the passport (1974-08-12)") as pages write days, "12-08-1974"; the
    API keeps its messages' ISO days for clients that parse them."""
    return _ISO_DAY_IN_TEXT.sub(lambda m: f"{m.group(3)}-{m.group(2)}-{m.group(1)}",
                                "" if text is None else str(text))


templates.env.filters["dmy_text"] = dates_in_text


def decimal_text(value: Any, places: int = 2) -> str:
    """``{{ score|decimal }}``: a number with ``places`` decimals in the reader's language,
    "0,96" in Indonesian and "0.96" in English (``"%.2f"|format`` wrote "0.96" for both);
    a negative ``places`` writes up to that many decimals without trailing zeros (a threshold
    0.5 as "0,5", 0.999992 as "0,999992")."""
    if value is None:
        return ""
    pattern = ("0." + "0" * places if places > 0 else
               "0." + "#" * -places if places < 0 else "0")
    return str(format_decimal(value, format=pattern, locale=i18n.current_language.get()))


templates.env.filters["decimal"] = decimal_text


def _decimal_below(value: Any, bound: Any, places: int = 2) -> str:
    """``{{ p|decimal_below(threshold) }}``: ``p`` (< ``bound``) with ``places`` decimals, or
    more (up to 6) when rounding would reach the bound; at 6 decimals it is cut, not rounded.
    A review-queue pair scored 0.9979 below the threshold 0.999 was shown as "1,00", more
    than the threshold it fell short of; now "0,998"."""
    if value is None:
        return ""
    p = float(value)
    if bound is None or p >= float(bound):
        return decimal_text(p, places)
    for digits in range(places, 7):
        if round(p, digits) < float(bound):
            return decimal_text(round(p, digits), digits)
    return decimal_text(math.floor(p * 1e6) / 1e6, 6)


templates.env.filters["decimal_below"] = _decimal_below

def _is_decimal_text(value: str) -> bool:
    """``-?digits.digits…?`` ("0.9340", "-1.5", "0.93…"), by string tests: linear on any input
    (the regex it replaces backtracked quadratically on long digit runs)."""
    body = value.removeprefix("-").removesuffix("…")
    whole, dot, fraction = body.partition(".")
    return bool(dot) and whole.isdigit() and fraction.isdigit()


def _is_id_key(key: str) -> bool:
    """A parameter that names a record (``run``, ``case_id``): digits, never a count."""
    return key == "run" or key == "id" or key.endswith("_id")


def _param_text(value: Any, lang: str, key: str = "") -> Any:
    """One parameter of a stored message as :func:`_decimal_params` writes it."""
    if _is_id_key(key):
        return value if isinstance(value, str) else str(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(format_decimal(value, format="#,##0", locale=lang))
    if lang == "id" and isinstance(value, str) and _is_decimal_text(value):
        return value.replace(".", ",", 1)
    return value


def _decimal_params(params: Any) -> dict[str, Any]:
    """``{{ _(msg, **(params|decimal_params)) }}``: a message's parameters (stored in a job's
    summary) in the reader's numbers: an integer is a count, grouped by thousands ("20.000"
    in Indonesian, "20,000" in English; an id is stored as text, and a parameter named as an
    id — ``run``, ``id``, ``*_id`` — stays digits even when a summary stored before round 25
    holds it as a number); a decimal number written as text ("0.9340") takes the reader's
    decimal separator, "0,9340" in Indonesian; other values as they are."""
    lang = i18n.current_language.get()
    return {key: _param_text(value, lang, key) for key, value in dict(params or {}).items()}


templates.env.filters["decimal_params"] = _decimal_params
