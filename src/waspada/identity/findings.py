"""Coded, bilingual findings shared by all identity (and screening) checks.

Every problem is reported as a :class:`Finding` with a stable ``code``, a
``severity`` and a message in Indonesian and English.  All codes are declared
once with :func:`register`, so the full catalogue is available in
:data:`REGISTRY` (used by the docs and by a test asserting every code is reached).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["info", "warning", "critical"]
SEVERITIES: tuple[str, ...] = ("info", "warning", "critical")


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True, slots=True)
class Finding:
    """One coded observation about an input (never just a boolean)."""

    code: str
    severity: Severity
    message_id: str
    message_en: str
    field: str | None = None

    def message(self, lang: str = "en") -> str:
        """Message in ``lang`` ("id" for Indonesian, anything else English)."""
        return self.message_id if lang == "id" else self.message_en

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
    """Declaration of a finding code: severity and message templates."""

    code: str
    severity: Severity
    message_id: str
    message_en: str

    def __call__(
        self, field: str | None = None, severity: Severity | None = None, **params: Any
    ) -> Finding:
        """Build a :class:`Finding`; ``params`` fill ``{placeholders}`` in the templates."""
        message_id, message_en = self.message_id, self.message_en
        if "{" in message_id or "{" in message_en:  # templates without placeholders skip this
            if field is not None:
                params.setdefault("field", field)
            p = _SafeDict()
            for k, v in params.items():
                # Fast path for the common short printable string; _short otherwise.
                p[k] = v if type(v) is str and len(v) <= 60 and v.isprintable() else _short(v)
            message_id, message_en = message_id.format_map(p), message_en.format_map(p)
        return Finding(
            code=self.code,
            severity=severity or self.severity,
            message_id=message_id,
            message_en=message_en,
            field=field,
        )


REGISTRY: dict[str, FindingSpec] = {}


def register(code: str, severity: Severity, message_id: str, message_en: str) -> FindingSpec:
    """Declare a finding code (idempotent for identical declarations)."""
    if severity not in SEVERITIES:
        raise ValueError(f"bad severity {severity!r}")
    spec = FindingSpec(code, severity, message_id, message_en)
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


def _short(value: Any, limit: int = 60) -> str:
    """Render a message parameter safely (bounded length, printable)."""
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit and text.isprintable():  # the common case, without a copy
        return text
    text = "".join(ch if ch.isprintable() else "?" for ch in text[: limit + 1])
    return text if len(text) <= limit else text[:limit] + "…"
