"""Load the screening data files: questionnaire, destinations, legal bases (cached)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).parent


@dataclass(frozen=True)
class Risk:
    """What an answer contributes: a reason code, points, its source and titles."""

    code: str
    weight: float
    source: str
    title_id: str
    title_en: str


@dataclass(frozen=True)
class Question:
    code: str
    section: str
    type: str  # yes_no | choice
    text_id: str
    text_en: str
    options: dict[str, dict[str, str]]
    risk_by_answer: dict[str, Risk]

    def text(self, lang: str) -> str:
        return self.text_en if lang == "en" else self.text_id

    def option_label(self, value: str, lang: str) -> str:
        option = self.options.get(value)
        return option.get(lang, value) if option else value


@dataclass(frozen=True)
class Questionnaire:
    version: str
    sections: tuple[dict[str, str], ...]
    questions: tuple[Question, ...]

    def by_code(self) -> dict[str, Question]:
        return {q.code: q for q in self.questions}


YES_NO = {"yes": {"id": "Ya", "en": "Yes"}, "no": {"id": "Tidak", "en": "No"}}


def _risk(raw: dict[str, Any]) -> Risk:
    return Risk(code=raw["code"], weight=float(raw["weight"]), source=raw["source"],
                title_id=raw["title_id"], title_en=raw["title_en"])


@lru_cache(maxsize=1)
def questionnaire() -> Questionnaire:
    data = yaml.safe_load((DATA_DIR / "questionnaire.yaml").read_text(encoding="utf-8"))
    questions = []
    for raw in data["questions"]:
        risks: dict[str, Risk] = {}
        if "risk" in raw:
            risks[str(raw["risk"]["answer"])] = _risk(raw["risk"])
        for answer, risk in (raw.get("risk_options") or {}).items():
            risks[str(answer)] = _risk(risk)
        options = {str(k): v for k, v in (raw.get("options") or {}).items()}
        if raw["type"] == "yes_no":
            options = dict(YES_NO)
        questions.append(Question(code=raw["code"], section=raw["section"], type=raw["type"],
                                  text_id=raw["text_id"], text_en=raw["text_en"],
                                  options=options, risk_by_answer=risks))
    return Questionnaire(version=str(data["version"]), sections=tuple(data["sections"]),
                         questions=tuple(questions))


@lru_cache(maxsize=1)
def destinations() -> dict[str, Any]:
    return yaml.safe_load((DATA_DIR / "destinations.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def legal_bases() -> list[dict[str, Any]]:
    data = yaml.safe_load((DATA_DIR / "legal_bases.yaml").read_text(encoding="utf-8"))
    return list(data["bases"])


def legal_basis_codes(kind: str) -> set[str]:
    return {b["code"] for b in legal_bases() if kind in b.get("applies_to", [])}
