"""Local time per unit: the database stores UTC, people read their unit's wall-clock time.

Each unit has an IANA time zone (``units.time_zone``): WIB ``Asia/Jakarta``, WITA
``Asia/Makassar``, WIT ``Asia/Jayapura`` for Indonesian units, the host country's zone for an
embassy or consulate (``Asia/Phnom_Penh`` for KBRI Phnom Penh). ``format_local`` renders a UTC
instant in such a zone with its abbreviation: 20:44 UTC is "03:44 WIB" the next day.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DEFAULT_ZONE = "Asia/Jakarta"

#: Indonesia's three time zones (Keputusan Presiden 41/1987) by their IANA names
INDONESIAN_ABBREVIATIONS: dict[str, str] = {
    "Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT",
}

#: words in a unit's name that tell its zone when none was chosen (first match wins);
#: Western Indonesia (WIB) is the default
_NAME_HINTS: tuple[tuple[str, str], ...] = (
    # embassies and consulates abroad: the host city's zone
    ("phnom penh", "Asia/Phnom_Penh"), ("kamboja", "Asia/Phnom_Penh"),
    ("bangkok", "Asia/Bangkok"), ("thailand", "Asia/Bangkok"),
    ("kuala lumpur", "Asia/Kuala_Lumpur"), ("johor", "Asia/Kuala_Lumpur"),
    ("penang", "Asia/Kuala_Lumpur"), ("kuching", "Asia/Kuching"),
    ("kota kinabalu", "Asia/Kuching"), ("tawau", "Asia/Kuching"),
    ("manila", "Asia/Manila"), ("davao", "Asia/Manila"),
    ("yangon", "Asia/Yangon"), ("myanmar", "Asia/Yangon"), ("vientiane", "Asia/Vientiane"),
    ("hanoi", "Asia/Ho_Chi_Minh"), ("ho chi minh", "Asia/Ho_Chi_Minh"),
    ("singapura", "Asia/Singapore"), ("singapore", "Asia/Singapore"),
    ("hong kong", "Asia/Hong_Kong"), ("taipei", "Asia/Taipei"), ("tokyo", "Asia/Tokyo"),
    ("seoul", "Asia/Seoul"), ("dubai", "Asia/Dubai"), ("abu dhabi", "Asia/Dubai"),
    ("riyadh", "Asia/Riyadh"), ("jeddah", "Asia/Riyadh"),
    # central Indonesia (WITA)
    ("makassar", "Asia/Makassar"), ("ngurah rai", "Asia/Makassar"), ("denpasar", "Asia/Makassar"),
    ("bali", "Asia/Makassar"), ("mataram", "Asia/Makassar"), ("lombok", "Asia/Makassar"),
    ("kupang", "Asia/Makassar"), ("balikpapan", "Asia/Makassar"), ("samarinda", "Asia/Makassar"),
    ("tarakan", "Asia/Makassar"), ("nunukan", "Asia/Makassar"), ("manado", "Asia/Makassar"),
    ("palu", "Asia/Makassar"), ("kendari", "Asia/Makassar"), ("banjarmasin", "Asia/Makassar"),
    # eastern Indonesia (WIT)
    ("jayapura", "Asia/Jayapura"), ("sentani", "Asia/Jayapura"), ("merauke", "Asia/Jayapura"),
    ("ambon", "Asia/Jayapura"), ("ternate", "Asia/Jayapura"), ("sorong", "Asia/Jayapura"),
    ("timika", "Asia/Jayapura"), ("manokwari", "Asia/Jayapura"), ("papua", "Asia/Jayapura"),
    # western Kalimantan keeps WIB under its own IANA name
    ("pontianak", "Asia/Pontianak"), ("entikong", "Asia/Pontianak"),
)


def is_valid_zone(name: str) -> bool:
    return name in _zones()


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_for_unit_name(name: str) -> str:
    """A sensible zone for a unit from its name (``DEFAULT_ZONE`` when nothing matches)."""
    lowered = " ".join(re.split(r"[^a-z]+", name.lower()))
    for hint, zone in _NAME_HINTS:
        if hint in lowered:
            return zone
    return DEFAULT_ZONE


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def abbreviation(local: datetime) -> str:
    """WIB / WITA / WIT for Indonesia; elsewhere the zone's own letters or ``UTC+07:00``."""
    key = getattr(local.tzinfo, "key", "")
    if key in INDONESIAN_ABBREVIATIONS:
        return INDONESIAN_ABBREVIATIONS[key]
    name = local.tzname() or ""
    if name.isalpha():
        return name
    offset = local.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def to_utc(value: datetime | str) -> datetime:
    """A UTC-aware datetime from a datetime (naive means UTC, as stored) or an ISO string."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def to_local(value: datetime | str, zone: str | None) -> datetime:
    return to_utc(value).astimezone(_zone(zone))


def format_local(value: datetime | str | None, zone: str | None,
                 fmt: str = "%d-%m-%Y %H:%M", empty: str = "—") -> str:
    """``value`` (UTC) as wall-clock time in ``zone`` followed by the zone abbreviation; a
    format without a time of day (``"%d-%m-%Y"``) writes the date in ``zone`` and no zone (a
    deadline read "05-12-2026 WIB"; round 25)."""
    if value is None or value == "":
        return empty
    if isinstance(value, str) and len(value) == 10:  # a calendar date (ISO), no time of day
        try:
            return date.fromisoformat(value).strftime(fmt.split(" ")[0])
        except ValueError:
            return value
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.strftime(fmt.split(" ")[0])
    try:
        local = to_local(value, zone)
    except ValueError:
        return str(value)
    if not _has_time_of_day(fmt):
        return local.strftime(fmt)
    return f"{local.strftime(fmt)} {abbreviation(local)}"


#: a strftime directive that writes a time of day (or a whole date and time)
_TIME_OF_DAY = re.compile(r"%[-#]?[HIMSpXcTRrfz]")


def _has_time_of_day(fmt: str) -> bool:
    """Whether ``fmt`` writes a time of day (``%H``, ``%M``, ``%X``, ...; ``%%`` is text)."""
    return _TIME_OF_DAY.search(fmt.replace("%%", "")) is not None


def zone_of(holder: Any) -> str:
    """The zone of a unit, of a user's unit, or the default (anything else)."""
    if holder is None:
        return DEFAULT_ZONE
    if isinstance(holder, str):
        return holder if is_valid_zone(holder) else DEFAULT_ZONE
    zone = getattr(holder, "time_zone", None)
    if zone:
        return str(zone)
    unit = getattr(holder, "unit", None)
    return zone_of(unit) if unit is not None and unit is not holder else DEFAULT_ZONE
