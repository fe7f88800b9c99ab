"""Round 10 (issue #15): the text model trained on a second, independently written corpus, and
its bounded role (a confident "yes" in an undamped text of 15+ words is at least medium).

The texts below were written for these tests, in voices unlike data/offers/real/real.yaml and
unlike data/offers/second_author.yaml (a room-mate's chat, a neighbour's story, a sermon).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.offers_vocab import (
    CODES,
    CONTEXT_COUNTS,
    RANK,
    passages,
    sampled_passages,
    subset_pair,
)
from waspada.offers import analyse
from waspada.offers.model import (
    SECOND_FILE,
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
from waspada.offers.schemas import ModelOut
from waspada.offers.score import (
    MODEL_LOW_HIGH_P,
    MODEL_MEDIUM_FLOOR,
    MODEL_MEDIUM_P,
    MODEL_MIN_WORDS,
    fuse,
    level_for,
    model_raises,
)
from waspada.platform.files import FileError

DATA = Path(__file__).resolve().parents[2] / "data" / "offers"

# Written for this test: no rule indicator fires; the model reads a relayed offer.
RAISED = ("Teman sekamar kos saya ditawari kerja oleh orang yang baru dikenalnya di game online, "
          "katanya kerja enak di luar pulau dan semua diurus, dia sudah kirim foto KTP dan KK "
          "lewat chat.")
NEPHEW = ("Keponakan saya yang baru lulus SMK bilang dia sudah diterima kerja oleh kenalan "
          "ibunya, berangkat bulan depan, katanya semua urusan nanti diatur orang itu dan tidak "
          "perlu ke kantor mana pun.")
# The same facts as advice to the congregation: damped, so the model's vote does not count.
SERMON = ("Jamaah sekalian, hati-hati bila anak kita ditawari kerja oleh orang yang baru "
          "dikenal di game online, katanya kerja enak di luar pulau dan semua diurus, lalu "
          "diminta kirim foto KTP dan KK lewat chat. Jangan percaya, tanyakan dulu ke desa.")


# --- the second corpus ----------------------------------------------------------------------


def test_the_second_corpus_is_large_balanced_and_described() -> None:
    rows = read_second(DATA)
    items = yaml.safe_load((DATA / SECOND_FILE).read_text("utf-8"))["items"]
    assert len(rows) == len(items) >= 300
    risky = sum(r["label"] == "1" for r in rows)
    assert len(rows) - risky >= risky >= 150  # at least as many look-alikes as risky texts
    assert {i["language"] for i in items} >= {"id", "en", "mixed", "id+regional"}
    for lab in (0, 1):  # both labels in the voices the first corpus lacks
        voices = {i["voice"] for i in items if i["label"] == lab}
        assert {"mother", "reporter", "friend", "official"} <= voices, (lab, voices)


def test_the_split_is_fixed_by_the_hash_of_the_id() -> None:
    rows = read_second(DATA)
    assert all(r["split"] == authored_split(r["id"]) for r in rows)
    test = [r for r in rows if r["split"] == "test"]
    assert 0.2 <= len(test) / len(rows) <= 0.4
    assert {r["label"] for r in test} == {"0", "1"}
    assert authored_split("sa-r001") == authored_split("sa-r001")


def test_the_second_corpus_shares_no_passage_with_the_real_set_or_the_first_corpus() -> None:
    real = yaml.safe_load((DATA / "real" / "real.yaml").read_text("utf-8"))["items"]
    seen = passages([r["text"] for r in real] + [r["text"] for r in read_corpus(DATA)])
    for r in read_second(DATA):
        assert not (sampled_passages(r["text"]) & seen), r["id"]


@pytest.mark.parametrize(("body", "needle"), [
    ("items:\n- {id: a, text: x, label: 2, kind: k, voice: v, language: id}\n", "item 1"),
    ("items:\n- {id: a, text: x, label: 1, kind: k, voice: v}\n", "item 1"),
    ("items:\n- {id: a, text: x, label: 1, kind: k, voice: v, language: id}\n"
     "- {id: a, text: y, label: 0, kind: k, voice: v, language: id}\n", "item 2"),
    ("items: [unclosed\n", "not valid YAML"),
    ("just: text\n", "a list under 'items'"),
])
def test_a_bad_second_corpus_is_refused_naming_the_item(tmp_path: Path, body: str,
                                                        needle: str) -> None:
    (tmp_path / SECOND_FILE).write_text(body, "utf-8")
    with pytest.raises(FileError) as e:
        read_second(tmp_path)
    assert needle in str(e.value)


def test_without_the_file_there_is_no_second_corpus(tmp_path: Path) -> None:
    assert read_second(tmp_path) == []


# --- the shipped model --------------------------------------------------------------------


def test_the_shipped_model_was_trained_on_both_train_splits_and_not_on_the_tests() -> None:
    m = load_model()
    assert m is not None
    n_train = (sum(r["split"] == "train" for r in read_corpus(DATA))
               + sum(r["split"] == "train" for r in read_second(DATA))
               + sum(r["split"] == "train" for r in read_third(DATA))  # round 11: a third
               + sum(r["split"] == "train" for r in read_fourth(DATA))  # round 12: a fourth
               + sum(r["split"] == "train" for r in read_fifth(DATA)))  # round 16: a fifth
    assert m.version == f"offers-model-{n_train}"
    assert set(m.metrics) >= {"train", "test", "second_test"}


def test_the_shipped_model_reads_the_second_corpus_test_split() -> None:
    """Round 9's model (corpus.csv only) had ROC-AUC 0.82 on this split; now 0.95."""
    m = load_model()
    assert m is not None
    test = [r for r in read_second(DATA) if r["split"] == "test"]
    got = evaluate(m, test)
    assert got["roc_auc"] is not None and got["roc_auc"] >= 0.9
    assert got["recall"] >= 0.8 and got["precision"] >= 0.75
    assert m.metrics["second_test"] == got


def test_training_reads_the_second_corpus_and_is_reproducible(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "corpus.csv").write_bytes((DATA / "corpus.csv").read_bytes())
    (data / SECOND_FILE).write_bytes((DATA / SECOND_FILE).read_bytes())
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    m1 = train(data, a, limit=300)
    m2 = train(data, b, limit=300)
    assert a.read_bytes() == b.read_bytes() and m1 == m2
    assert m1["second_test"]["n"] == sum(r["split"] == "test" for r in read_second(DATA))
    # the same corpus without the second file: different training rows, no second metrics
    (data / SECOND_FILE).unlink()
    m3 = train(data, tmp_path / "c.json", limit=300)
    assert "second_test" not in m3
    assert json.loads(a.read_text("utf-8"))["word"] != json.loads(
        (tmp_path / "c.json").read_text("utf-8"))["word"]


# --- the model's role -----------------------------------------------------------------------


def test_a_confident_model_yes_lifts_an_undamped_text_to_medium_never_high() -> None:
    for text in (RAISED, NEPHEW):
        a = analyse(text)
        assert a.model_probability is not None and a.model_probability >= MODEL_MEDIUM_P
        assert analyse(text, use_model=False).level == "low"
        assert a.level == "medium" and a.model_raised, text
        d = a.to_dict("id")["model"]
        assert d["raised_level"] is True and "Sedang" in d["raised_note"]
        assert ModelOut(**d).raised_level is True


def test_the_model_vote_does_not_count_in_advice_or_a_short_line() -> None:
    a = analyse(SERMON)
    assert a.level == "low" and not a.model_raised
    short = "Adik saya dijanjikan kerja di Brunei."  # the round-7 look-alike: an anchor alone
    assert len(short.split()) < MODEL_MIN_WORDS
    assert analyse(short).level == "low" and not analyse(short).model_raised


# Everyday chat the model was not trained on (written for this test): no offer, no account.
CHAT = ("Besok kumpul di rumah Andi jam tujuh ya, bawa laptop sama charger, kita kerjakan "
        "laporan praktikum bareng terus sekalian makan nasi goreng di depan gang.")


def test_the_model_vote_needs_an_offer_or_an_account() -> None:
    from waspada.offers.catalogue import load_catalogue
    from waspada.offers.extract import extract
    from waspada.offers.normalise import normalise
    from waspada.offers.score import evaluate_rules

    n = normalise(CHAT)
    rule = evaluate_rules(load_catalogue(), n, extract(n, None))
    assert rule.words >= MODEL_MIN_WORDS and rule.undamped and rule.frame == "none"
    assert not model_raises(rule, 0.99)
    assert level_for(fuse(rule, 0.99)) == "low"
    told = dataclasses.replace(rule, frame="account")
    assert model_raises(told, 0.99) and level_for(fuse(told, 0.99)) != "low"
    # Below round 14's floor for rules-alone low (MODEL_LOW_HIGH_P) the lift stops at medium.
    assert level_for(fuse(told, MODEL_LOW_HIGH_P - 0.01)) == "medium"
    assert not model_raises(told, MODEL_MEDIUM_P - 0.01)


def test_a_text_already_medium_by_the_rules_is_not_said_to_be_raised() -> None:
    text = "Teman kampus diajak kerja di restoran Singapura, gajinya lumayan katanya."
    assert analyse(text, use_model=False).level == "medium"
    assert not analyse(text).model_raised


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sets(st.sampled_from(CODES)), st.sets(st.sampled_from(CODES)), CONTEXT_COUNTS, st.booleans(),
       st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.integers(0, 60))
def test_with_the_model_floor_scoring_stays_monotone(small, extra, contexts, contact, p1, p2,
                                                    words) -> None:  # type: ignore[no-untyped-def]
    """The hypothesis test of round 1, with texts long enough for the model's floor: adding a
    red flag, or a higher model probability, never lowers the score; the floor is medium; in a
    damped text (pattern, advice, tourism, legal route, news frame) the model adds nothing."""
    a, b = subset_pair(small, extra, contexts, contact, words)
    lo, hi = sorted((p1, p2))
    for p in (lo, hi):
        assert fuse(b, p) >= fuse(a, p) - 1e-12
        assert RANK[level_for(fuse(b, p))] >= RANK[level_for(fuse(a, p))]
    assert fuse(a, hi) >= fuse(a, lo) - 1e-12
    assert fuse(a, hi) >= fuse(a, None) - 1e-12
    if not (a.undamped and not a.news_frame):  # a damped text: the model's vote does not count
        assert fuse(a, hi) == fuse(a, None)
    if model_raises(a, hi):
        assert fuse(a, hi) >= MODEL_MEDIUM_FLOOR
        assert a.undamped and not a.news_frame and words >= MODEL_MIN_WORDS
        assert a.frame in ("account", "offer")


def test_the_page_says_the_model_raised_the_level(client: TestClient) -> None:
    client.get("/cek-lowongan")
    r = client.post("/cek-lowongan", data={"text": RAISED,
                                           "csrf_token": client.cookies["waspada_csrf"]})
    assert r.status_code == 200
    assert 'id="model-raised"' in r.text and "Model teks statistik yakin" in r.text
    r = client.post("/cek-lowongan", data={"text": SERMON,
                                           "csrf_token": client.cookies["waspada_csrf"]})
    assert 'id="model-raised"' not in r.text

