"""Every label in the interview catalogue is read whole (no comma cut in a YAML flow mapping)."""

from __future__ import annotations

from typing import Any

import yaml

from waspada.screening.catalogue import DATA_DIR, questionnaire

OPTION_KEYS = {"id", "en"}
RISK_KEYS = {"weight", "code", "source", "title_id", "title_en"}


def _raw() -> dict[str, Any]:
    return yaml.safe_load((DATA_DIR / "questionnaire.yaml").read_text(encoding="utf-8"))


def _balanced(text: str) -> bool:
    return text.count("(") == text.count(")") and text.count('"') % 2 == 0


def test_every_option_and_risk_has_exactly_its_fields_as_whole_strings() -> None:
    problems = []
    for question in _raw()["questions"]:
        for value, option in (question.get("options") or {}).items():
            if set(option) != OPTION_KEYS or not all(isinstance(option[k], str) and option[k]
                                                     for k in OPTION_KEYS):
                problems.append((question["code"], value, option))
        risks = list((question.get("risk_options") or {}).values())
        if "risk" in question:
            risks.append({k: v for k, v in question["risk"].items() if k != "answer"})
        for risk in risks:
            if set(risk) != RISK_KEYS or any(v is None for v in risk.values()):
                problems.append((question["code"], "risk", risk))
    assert problems == []


def test_every_label_is_complete_and_survives_a_block_style_round_trip() -> None:
    raw = _raw()
    assert yaml.safe_load(yaml.safe_dump(raw, default_flow_style=False, allow_unicode=True)) == raw
    labels = []
    for question in questionnaire().questions:
        labels += [question.text_id, question.text_en]
        for option in question.options.values():
            labels += [option["id"], option["en"]]
        for risk in question.risk_by_answer.values():
            labels += [risk.title_id, risk.title_en, risk.source]
    unbalanced = [label for label in labels if not _balanced(label)]
    assert unbalanced == []
    offer = questionnaire().by_code()["offer_channel"]
    assert offer.option_label("social_media", "id") == "Media sosial (Facebook, TikTok, Instagram)"
    assert questionnaire().by_code()["recruiter_licensed"].option_label("yes", "en") == "Yes, with proof"
