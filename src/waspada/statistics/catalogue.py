"""The indicator catalogue (``indicators.yaml``), loaded once and checked."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from waspada.platform import labels

__all__ = ["DIMENSIONS", "Indicator", "computed", "durations", "indicators"]

DIMENSIONS = ("period", "province", "destination", "unit")


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    status: str
    name_id: str
    name_en: str
    formula: str
    source_tables: tuple[str, ...]
    dimensions: tuple[str, ...]
    caveats_id: str
    caveats_en: str
    kind: str = "count"
    """count (events) or duration (median days, from a histogram)"""
    definition_id: str = ""
    definition_en: str = ""
    """what is counted in a reader's words (``formula`` names tables and columns)"""

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_id

    def caveats(self, lang: str) -> str:
        """The caveats in the reader's language (Indonesian unless ``lang`` is ``en``)."""
        return self.caveats_en if lang == "en" else self.caveats_id

    def definition(self, lang: str) -> str:
        """What is counted, in the reader's words and language (no table or column names)."""
        return self.definition_en if lang == "en" else self.definition_id


@lru_cache(maxsize=1)
def indicators() -> dict[str, Indicator]:
    data = yaml.safe_load((Path(__file__).with_name("indicators.yaml")).read_text("utf-8"))
    out: dict[str, Indicator] = {}
    for item in data["indicators"]:
        ind = Indicator(item["id"], item["status"], item["name"]["id"], item["name"]["en"],
                        item["formula"], tuple(item["source_tables"]),
                        tuple(item["dimensions"]), str(item["caveats"]["id"]).strip(),
                        str(item["caveats"]["en"]).strip(), item.get("kind", "count"),
                        str(item["definition"]["id"]).strip(),
                        str(item["definition"]["en"]).strip())
        if ind.id in out or not ind.definition_id or not ind.definition_en or \
                ind.status not in ("computed", "planned") or \
                ind.kind not in ("count", "duration") or \
                not set(ind.dimensions) <= set(DIMENSIONS) or "period" not in ind.dimensions:
            raise ValueError(f"indicators.yaml: bad or duplicate indicator {ind.id!r}")
        out[ind.id] = ind
    return out


def computed() -> list[Indicator]:
    """Computed count indicators (the durations are :func:`durations`)."""
    return [i for i in indicators().values() if i.status == "computed" and i.kind == "count"]


def durations() -> list[Indicator]:
    """Computed duration indicators: median whole days, by period of the start event."""
    return [i for i in indicators().values()
            if i.status == "computed" and i.kind == "duration"]


def _indicator_words(code: str, lang: str) -> str | None:
    found = indicators().get(code)
    return found.name(lang) if found is not None else None


#: an indicator's name wherever a page shows its id (the audit trail's ``indicator=`` detail)
labels.register("statistics_indicator", _indicator_words, lambda: list(indicators()))
