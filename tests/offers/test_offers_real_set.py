"""The real-text evaluation set (data/offers/real/real.yaml) is well formed.

Data checks only: the offer engine is NOT run here (the newest held-out part must stay unseen
by development runs). Parts are read from bench/offers.py's ``REAL_PARTS`` by parsing the
source, so the bench is not imported either.
"""
from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "data/offers/real/real.yaml"
BENCH = ROOT / "bench/offers.py"


def _doc() -> dict:
    return yaml.safe_load(REAL.read_text("utf-8"))


def _bench_parts() -> list[str]:
    tree = ast.parse(BENCH.read_text("utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "REAL_PARTS" for t in node.targets):
            return [elt.elts[0].value for elt in node.value.elts]  # type: ignore[attr-defined]
    raise AssertionError("REAL_PARTS not found in bench/offers.py")


# The newest held-out part is the last one the bench registers (no part name hard-coded).
NEWEST = _bench_parts()[-1]


def test_every_item_has_an_attributed_source_a_label_and_a_kind() -> None:
    doc = _doc()
    sources = doc["sources"]
    ids = [i["id"] for i in doc["items"]]
    assert len(ids) == len(set(ids)), [k for k, n in Counter(ids).items() if n > 1]
    for item in doc["items"]:
        src = sources.get(item["source"])
        assert src is not None, item["id"]
        assert str(src.get("url", "")).startswith("http"), item["id"]
        assert src.get("title") and src.get("publisher") and src.get("date"), item["source"]
        assert item["label"] in (0, 1), item["id"]
        assert isinstance(item.get("kind"), str) and item["kind"], item["id"]
        assert isinstance(item.get("text"), str) and item["text"].strip(), item["id"]


def test_every_explicit_split_is_a_part_the_bench_reports() -> None:
    """An unregistered split would silently fall into dev/heldout1 by the hash rule."""
    parts = set(_bench_parts())
    splits = {i["split"] for i in _doc()["items"] if "split" in i}
    assert splits <= parts, splits - parts
    assert NEWEST.startswith("heldout") and NEWEST in splits, NEWEST


def test_newest_heldout_part_is_big_enough_attributed_and_from_new_pages() -> None:
    doc = _doc()
    items = [i for i in doc["items"] if i.get("split") == NEWEST]
    labels = Counter(i["label"] for i in items)
    assert len(items) >= 45 and labels[1] >= 25 and labels[0] >= 20, labels
    for item in items:
        assert item["language"] in ("id", "en", "mixed"), item["id"]
        assert doc["sources"][item["source"]]["url"], item["id"]
    earlier_urls = {doc["sources"][i["source"]]["url"].split("://", 1)[-1].rstrip("/").lower()
                    for i in doc["items"] if i.get("split") != NEWEST}
    new_urls = {doc["sources"][i["source"]]["url"].split("://", 1)[-1].rstrip("/").lower()
                for i in items}
    assert not new_urls & earlier_urls, new_urls & earlier_urls
    texts = [i["text"] for i in doc["items"]]
    assert len(texts) == len(set(texts))
