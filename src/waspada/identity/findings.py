"""Coded findings shared by all identity (and screening) checks.

Every problem is reported as a :class:`Finding` with a stable ``code``, a ``severity`` and an
English message template (a gettext msgid with ``{placeholders}``); the Indonesian wording is
the template's translation in the gettext catalogue (``platform/i18n/id/LC_MESSAGES``), applied
when the finding is shown.  All codes are declared once with :func:`register`, so the full
catalogue is available in :data:`REGISTRY` (used by the docs and by a test asserting every code
is reached).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from waspada.platform import labels
from waspada.platform.i18n import translate

Severity = Literal["info", "warning", "critical"]
SEVERITIES: tuple[str, ...] = ("info", "warning", "critical")


class Msg(str):
    """A message parameter that is itself an English msgid (mark it with ``N_``): it is
    translated together with the template, e.g. ``F_X(reason=Msg(N_("under 17")))``."""

    __slots__ = ()


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _render(template: str, params: tuple[tuple[str, str], ...], lang: str) -> str:
    """The template in ``lang`` ("id" Indonesian, anything else English), params filled in."""
    text = translate(template, "id") if lang == "id" else template
    if not params or "{" not in text:
        return text
    values = _SafeDict()
    for key, value in params:
        if lang == "id" and type(value) is Msg:
            value = translate(value, "id")
        elif lang == "id" and isinstance(value, str) and _ISO_DAY.fullmatch(value):  # a day
            value = f"{value[8:10]}-{value[5:7]}-{value[:4]}"  # as Indonesian readers write it
        values[key] = value
    return text.format_map(values)


@dataclass(frozen=True, slots=True)
class Finding:
    """One coded observation about an input (never just a boolean)."""

    code: str
    severity: Severity
    template: str
    params: tuple[tuple[str, str], ...] = ()
    field: str | None = None

    def message(self, lang: str = "en") -> str:
        """Message in ``lang`` ("id" for Indonesian, anything else English)."""
        return _render(self.template, self.params, lang)

    @property
    def message_id(self) -> str:
        """The message in Indonesian (from the gettext catalogue)."""
        return self.message("id")

    @property
    def message_en(self) -> str:
        """The message in English (the msgid with its parameters)."""
        return self.message("en")

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """Stable JSON shape: ``{"code", "severity", "message", "field"}``."""
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message(lang),
            "field": self.field,
        }


@dataclass(frozen=True, slots=True)
class FindingSpec:
    """Declaration of a finding code: severity and English message template (msgid)."""

    code: str
    severity: Severity
    message: str

    def __call__(
        self, field: str | None = None, severity: Severity | None = None, **params: Any
    ) -> Finding:
        """Build a :class:`Finding`; ``params`` fill ``{placeholders}`` in the template."""
        pairs: tuple[tuple[str, str], ...] = ()
        if "{" in self.message:  # templates without placeholders skip this
            if field is not None:
                params.setdefault("field", field)
            pairs = tuple((k, _param(v)) for k, v in params.items())
        return Finding(
            code=self.code,
            severity=severity or self.severity,
            template=self.message,
            params=pairs,
            field=field,
        )


REGISTRY: dict[str, FindingSpec] = {}


def register(code: str, severity: Severity, message: str) -> FindingSpec:
    """Declare a finding code with its English msgid (idempotent for identical declarations).

    The Indonesian wording goes into the gettext catalogue as the msgid's translation."""
    if severity not in SEVERITIES:
        raise ValueError(f"bad severity {severity!r}")
    spec = FindingSpec(code, severity, message)
    old = REGISTRY.get(code)
    if old is not None and old != spec:
        raise ValueError(f"finding code {code!r} declared twice with different content")
    REGISTRY[code] = spec
    return spec


def has_critical(findings: Iterable[Finding]) -> bool:
    """True when at least one finding is critical."""
    return any(f.severity == "critical" for f in findings)


def findings_to_dicts(findings: Iterable[Finding], lang: str = "en") -> list[dict[str, Any]]:
    """Serialise findings in order."""
    return [f.to_dict(lang) for f in findings]


def _param(value: Any) -> str:
    """A message parameter as stored: :class:`Msg` kept for translation, others bounded."""
    if type(value) is Msg:
        return value
    # Fast path for the common short printable string; _short otherwise.
    if type(value) is str and len(value) <= 60 and value.isprintable():
        return value
    return _short(value)


def _short(value: Any, limit: int = 60) -> str:
    """Render a message parameter safely (bounded length, printable)."""
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit and text.isprintable():  # the common case, without a copy
        return text
    text = "".join(ch if ch.isprintable() else "?" for ch in text[: limit + 1])
    return text if len(text) <= limit else text[:limit] + "…"


def _finding_words(code: str, lang: str) -> str | None:
    """A finding code (``nik_sex_mismatch``, also as ``traveller.nik_sex_mismatch``) as its
    message, without the parameters of one particular finding."""
    spec = REGISTRY.get(code) or REGISTRY.get(code.rsplit(".", 1)[-1])
    if spec is None:
        return None
    return _without_placeholders(_render(spec.message, (), lang))


def _without_placeholders(text: str) -> str:
    """A message template without one finding's values: a bracket holding a placeholder
    ("(got {value})") is left out, any other placeholder becomes "…" (no regex: linear)."""
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "(":
            end = text.find(")", index)
            if end != -1 and "{" in text[index:end]:
                while out and out[-1] == " ":
                    out.pop()
                index = end + 1
                continue
        if char == "{":
            end = text.find("}", index)
            if end != -1:
                out.append("…")
                index = end + 1
                continue
        out.append(char)
        index += 1
    return "".join(out)


# document finding codes in the one labels catalogue (issue #16, defect 8)
labels.register("finding", _finding_words, lambda: sorted(REGISTRY))
