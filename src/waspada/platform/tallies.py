"""Counts of people's decisions set against what an engine said: shares with their Wilson 95 %
intervals, and the range of days a tally may start from.

Used where officers' or analysts' decisions are real labels of the engine's output (offers:
reports referred or dismissed; matching: clusters confirmed or split).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from waspada.platform.domain import DomainError
from waspada.platform.i18n import N_
from waspada.platform.timezones import DEFAULT_ZONE

_Z95 = 1.959963984540054
#: the range a ``since`` day may take (an earlier or later one is a mistake, and the year-1 or
#: year-9999 edges do not survive the conversion to UTC)
SINCE_MIN, SINCE_MAX = date(2000, 1, 1), date(2999, 12, 31)


@dataclass(frozen=True)
class Share:
    """``count`` of ``total``, with its Wilson 95 % interval (small counts are the rule here)."""

    count: int
    total: int

    @property
    def value(self) -> float | None:
        return self.count / self.total if self.total else None

    @property
    def interval(self) -> tuple[float, float] | None:
        if not self.total:
            return None
        n, p, z = self.total, self.count / self.total, _Z95
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        # the interval always holds p: pin the ends rounding could push past it (0 of n, n of n)
        return max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half))

    def to_dict(self) -> dict[str, object]:
        return {"count": self.count, "total": self.total, "value": self.value,
                "interval95": list(self.interval) if self.interval else None}


class ShareOut(BaseModel):
    """``count`` of ``total`` (``value``, None when ``total`` is 0) with its Wilson 95 %
    interval."""

    count: int
    total: int
    value: float | None
    interval95: list[float] | None


def since_start(since: date | None) -> datetime | None:
    """The moment the day ``since`` began in Asia/Jakarta; a ``DomainError``
    (``invalid_since``, 422) outside ``SINCE_MIN`` … ``SINCE_MAX``."""
    if since is None:
        return None
    if not SINCE_MIN <= since <= SINCE_MAX:
        raise DomainError("invalid_since", N_("The start date must lie between {low} and "
                                              "{high}."), status=422,
                          low=SINCE_MIN.isoformat(), high=SINCE_MAX.isoformat())
    return datetime.combine(since, time(), ZoneInfo(DEFAULT_ZONE))
