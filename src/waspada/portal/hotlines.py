"""The hotlines of the public pages, each with its public source (pure; read from
``hotlines.yaml`` once)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

HOTLINES_FILE = Path(__file__).with_name("hotlines.yaml")


@dataclass(frozen=True)
class Number:
    label: str  # English msgid
    value: str  # as written: "0800-1000", "+855 12 813 282", or a web address
    tel: str = ""  # for a tel: link
    url: str = ""  # for a web address


@dataclass(frozen=True)
class Source:
    url: str
    publisher: str
    date: str


@dataclass(frozen=True)
class Hotline:
    code: str
    name: str  # English msgid
    audience: str  # English msgid
    numbers: tuple[Number, ...]
    sources: tuple[Source, ...]


@lru_cache(maxsize=1)
def hotlines() -> tuple[Hotline, ...]:
    data = yaml.safe_load(HOTLINES_FILE.read_text(encoding="utf-8"))
    found = []
    for item in data["hotlines"]:
        if not item.get("sources"):
            raise ValueError(f"hotline {item['code']!r} has no public source")
        found.append(Hotline(
            code=item["code"], name=item["name"], audience=item["for"],
            numbers=tuple(Number(**n) for n in item["numbers"]),
            sources=tuple(Source(**s) for s in item["sources"])))
    return tuple(found)


def checked_on() -> str:
    """When the numbers were last checked against their sources (ISO date)."""
    return str(yaml.safe_load(HOTLINES_FILE.read_text(encoding="utf-8"))["checked"])
