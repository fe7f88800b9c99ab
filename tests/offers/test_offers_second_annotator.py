"""The second annotator's labels of the real-text set (data/offers/real/second_annotator.yaml).

Data checks only; the offer engine is not run. The sampling script is loaded from its path.
"""
from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
REAL_DIR = ROOT / "data/offers/real"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "second_annotator", REAL_DIR / "second_annotator.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _load(name: str) -> dict:
    return yaml.safe_load((REAL_DIR / name).read_text("utf-8"))


def test_every_label_is_for_an_item_of_real_yaml_and_is_0_1_or_unsure() -> None:
    real_ids = {str(i["id"]) for i in _load("real.yaml")["items"]}
    rows = _load("second_annotator.yaml")["items"]
    ids = [str(r["id"]) for r in rows]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    assert set(ids) <= real_ids, sorted(set(ids) - real_ids)
    for row in rows:
        assert row["label2"] in (0, 1, "unsure"), row
        assert isinstance(row["label2"], str) or type(row["label2"]) is int, row
        assert str(row.get("reason", "")).strip(), f"{row['id']} has no reason"


def test_labels_cover_exactly_the_seeded_sample_and_it_is_8_per_part() -> None:
    script = _script()
    items = _load("real.yaml")["items"]
    drawn = script.draw(items)
    assert len(drawn) == 8 * 18
    parts = Counter(script.part_of(i) for i in drawn)
    assert set(parts) == set(script.PARTS) and set(parts.values()) == {8}
    assert [str(i["id"]) for i in drawn] == [
        str(i["id"]) for i in _load("second_annotator_sample.yaml")["items"]]
    assert {str(r["id"]) for r in _load("second_annotator.yaml")["items"]} == {
        str(i["id"]) for i in drawn}


def test_the_blind_sample_carries_no_label_kind_note_or_source() -> None:
    for row in _load("second_annotator_sample.yaml")["items"]:
        assert set(row) == {"id", "text"}, row


def test_kappa_matches_a_hand_computed_table() -> None:
    kappa = _script().cohen_kappa
    # 20 items: 8 (1,1), 2 (1,0), 1 (0,1), 9 (0,0): po = 0.85,
    # pe = 0.5 * 0.45 + 0.5 * 0.55 = 0.5, kappa = 0.7
    pairs = [(1, 1)] * 8 + [(1, 0)] * 2 + [(0, 1)] + [(0, 0)] * 9
    assert kappa(pairs) == pytest.approx(0.7)
    assert kappa([(1, 1), (0, 0)]) == pytest.approx(1.0)
    assert kappa([(1, 0), (0, 1)]) == pytest.approx(-1.0)
