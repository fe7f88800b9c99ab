"""Round 11 (issue #15): the text model trained on a third, independently written corpus
(data/offers/third_author.yaml), with its vocabulary kept in check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.offers_vocab import passages, sampled_passages
from waspada.offers.model import (
    AUTHORED,
    SECOND_FILE,
    THIRD_FILE,
    authored_split,
    evaluate,
    load_model,
    read_corpus,
    read_fifth,
    read_fourth,
    read_second,
    read_third,
    train,
)
from waspada.platform.files import FileError

DATA = Path(__file__).resolve().parents[2] / "data" / "offers"

ROUND10_CHAR_NGRAMS = 11_802
"""Character n-grams of round 10's model (min_df 3 on corpus.csv + the second corpus)."""


# --- the third corpus -----------------------------------------------------------------------


def test_the_third_corpus_is_large_balanced_and_described() -> None:
    rows = read_third(DATA)
    items = yaml.safe_load((DATA / THIRD_FILE).read_text("utf-8"))["items"]
    assert len(rows) == len(items) >= 400
    risky = sum(r["label"] == "1" for r in rows)
    assert len(rows) - risky >= risky >= 150  # at least as many look-alikes as risky texts
    assert {i["language"] for i in items} >= {"id", "en", "mixed", "id+regional"}
    for lab in (0, 1):  # both labels in the same voices
        voices = {i["voice"] for i in items if i["label"] == lab}
        assert {"mother", "father", "reporter", "prosecutor", "friend", "victim", "recruiter",
                "ngo"} <= voices, (lab, voices)
        kinds = {i["kind"] for i in items if i["label"] == lab}
        assert {"fragment", "long_chat", "ngo_note", "recruiter_chat", "ad"} <= kinds, (lab,
                                                                                         kinds)
    assert all(i["id"].startswith("tw-") for i in items)


def test_the_third_split_is_fixed_by_the_hash_of_the_id() -> None:
    rows = read_third(DATA)
    assert all(r["split"] == authored_split(r["id"]) for r in rows)
    test = [r for r in rows if r["split"] == "test"]
    assert 0.2 <= len(test) / len(rows) <= 0.4
    assert {r["label"] for r in test} == {"0", "1"}
    assert all(r["source"].startswith("third:") for r in rows)


def test_the_three_corpora_share_no_id() -> None:
    ids = [r["id"] for r in read_corpus(DATA)] + [r["id"] for r in read_second(DATA)]
    assert not {r["id"] for r in read_third(DATA)} & set(ids)


def test_the_third_corpus_shares_no_passage_with_the_real_set_or_the_other_corpora() -> None:
    real = yaml.safe_load((DATA / "real" / "real.yaml").read_text("utf-8"))["items"]
    others = [r["text"] for r in real] + [r["text"] for r in read_corpus(DATA)] + [
        r["text"] for r in read_second(DATA)]
    seen = passages(others)
    for r in read_third(DATA):
        assert not (sampled_passages(r["text"]) & seen), r["id"]


@pytest.mark.parametrize(("body", "needle"), [
    ("items:\n- {id: a, text: x, label: 2, kind: k, voice: v, language: id}\n", "item 1"),
    ("items:\n- {id: a, text: ' ', label: 1, kind: k, voice: v, language: id}\n", "item 1"),
    ("items:\n- {id: a, text: x, label: 1, kind: k, voice: v, language: id}\n"
     "- {id: a, text: y, label: 0, kind: k, voice: v, language: id}\n", "item 2"),
    ("items: [unclosed\n", "not valid YAML"),
])
def test_a_bad_third_corpus_is_refused_naming_the_file_and_item(tmp_path: Path, body: str,
                                                               needle: str) -> None:
    (tmp_path / THIRD_FILE).write_text(body, "utf-8")
    with pytest.raises(FileError) as e:
        read_third(tmp_path)
    assert needle in str(e.value) and THIRD_FILE in str(e.value)


def test_without_the_file_there_is_no_third_corpus(tmp_path: Path) -> None:
    assert read_third(tmp_path) == []


# --- the shipped model --------------------------------------------------------------------


def test_the_shipped_model_was_trained_on_the_train_splits() -> None:
    m = load_model()
    assert m is not None
    n_train = sum(sum(r["split"] == "train" for r in rows) for rows in (
        read_corpus(DATA), read_second(DATA), read_third(DATA), read_fourth(DATA),
        read_fifth(DATA)))
    assert m.version == f"offers-model-{n_train}"
    assert set(m.metrics) >= {"train", "test", "second_test", "third_test"}


def test_the_shipped_model_reads_both_other_authors_test_splits() -> None:
    """Round 10's model: ROC-AUC 0.948 on the second corpus's test split; now 0.976."""
    m = load_model()
    assert m is not None
    for rows, key in ((read_second(DATA), "second_test"), (read_third(DATA), "third_test")):
        got = evaluate(m, [r for r in rows if r["split"] == "test"])
        assert got["roc_auc"] is not None and got["roc_auc"] >= 0.96, (key, got)
        assert got["recall"] >= 0.85 and got["precision"] >= 0.8, (key, got)
        assert m.metrics[key] == got


def test_the_vocabulary_stays_within_its_budget() -> None:
    """More training texts must not mean a slower model: the character n-grams (one lookup per
    n-gram of every word) stay below round 10's count; min_df 3 would have kept 15.8 thousand."""
    m = load_model()
    assert m is not None
    assert len(m.char.vocab) <= ROUND10_CHAR_NGRAMS
    assert len(m.char.vocab) + len(m.word.vocab) <= 17_500


def test_training_reads_the_third_corpus_and_is_reproducible(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for name in ("corpus.csv", SECOND_FILE, THIRD_FILE):
        (data / name).write_bytes((DATA / name).read_bytes())
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    m1 = train(data, a, limit=300)
    m2 = train(data, b, limit=300)
    assert a.read_bytes() == b.read_bytes() and m1 == m2
    assert m1["third_test"]["n"] == sum(r["split"] == "test" for r in read_third(DATA))
    (data / THIRD_FILE).unlink()
    m3 = train(data, tmp_path / "c.json", limit=300)
    assert "third_test" not in m3 and "second_test" in m3
    assert json.loads(a.read_text("utf-8"))["word"] != json.loads(
        (tmp_path / "c.json").read_text("utf-8"))["word"]


def test_the_model_note_names_the_corpora() -> None:
    from waspada.offers.analyse import MODEL_NOTE

    # corpus.csv and the authored corpora (round 16: a fifth).
    assert len(AUTHORED) + 1 == 5
    assert "lima korpus" in MODEL_NOTE["id"] and "five corpora" in MODEL_NOTE["en"]
