"""Round 12 (issue #15): a fourth, independently written corpus of mostly HARD look-alikes
(data/offers/fourth_author.yaml), the authored corpora read as one tuple, and a high floor from
a very confident model "yes" on a text the rules alone already put at medium."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import yaml
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import waspada.offers.model as model_mod
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
    AUTHORED,
    FOURTH_FILE,
    authored_split,
    evaluate,
    load_model,
    read_authored,
    read_corpus,
    read_fourth,
    train,
)
from waspada.offers.schemas import ModelOut
from waspada.offers.score import (
    MODEL_HIGH_FLOOR,
    MODEL_HIGH_P,
    MODEL_LOW_HIGH_P,
    MODEL_MEDIUM_P,
    MODEL_MIN_WORDS,
    fuse,
    level_for,
    model_raises,
    model_raises_high,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "offers"

HARD_KINDS = {"family_post", "family_blog", "testimony_advice", "church_statement",
              "ngo_statement", "warning_quote", "dpr_statement", "ministry_statement",
              "court_news", "talkshow", "socialisation", "legal_job", "travel_package",
              "local_job"}
"""The kinds of hard look-alike the brief asked for (texts with the red-flag words, no offer)."""

# Written for this test (not in any corpus): an account the rules alone put at medium and the
# model reads as risky with p >= 0.80. Round 15: told with no identified person (the same text
# about "Sepupu saya" is high by the rules alone since round 15's one-person floor: an offer
# abroad with a fee asked, told as one person's case).
TOLD = ("Dijanjikan kerja di pabrik di Korea oleh seorang kenalan, katanya tidak "
        "perlu ikut ujian bahasa dan cukup menyiapkan uang untuk proses visanya bulan ini.")


# --- the fourth corpus ----------------------------------------------------------------------


def test_the_fourth_corpus_is_large_and_mostly_hard_look_alikes() -> None:
    rows = read_fourth(DATA)
    items = yaml.safe_load((DATA / FOURTH_FILE).read_text("utf-8"))["items"]
    assert len(rows) == len(items) >= 400
    legit = [i for i in items if i["label"] == 0]
    hard = [i for i in legit if i["kind"] in HARD_KINDS]
    assert len(hard) * 2 >= len(items)  # at least half of the corpus: hard look-alikes
    assert {i["kind"] for i in legit} >= HARD_KINDS
    risky = [i for i in items if i["label"] == 1]
    assert len(risky) >= 150
    assert {i["kind"] for i in risky} >= {"dm", "plain_offer", "relayed", "account"}
    assert {i["language"] for i in items} >= {"id", "en", "mixed", "id+regional"}
    for lab in (0, 1):  # both labels in the same voices
        voices = {i["voice"] for i in items if i["label"] == lab}
        assert {"mother", "father", "sister", "wife", "friend", "victim", "reporter"} <= voices
    assert all(i["id"].startswith(("fo-r", "fo-l")) for i in items)
    assert all(i["id"].startswith("fo-r") == (i["label"] == 1) for i in items)


def test_every_authored_corpus_is_split_by_the_one_rule() -> None:
    assert not hasattr(model_mod, "third_split")  # no alias: one function serves all
    for c in AUTHORED:
        rows = read_authored(DATA, c)
        assert rows and all(r["split"] == authored_split(r["id"]) for r in rows), c.file
        assert all(r["source"].startswith(f"{c.source}:") for r in rows)
        test = [r for r in rows if r["split"] == "test"]
        assert 0.2 <= len(test) / len(rows) <= 0.4 and {r["label"] for r in test} == {"0", "1"}
    assert [c.metric for c in AUTHORED] == ["second_test", "third_test", "fourth_test",
                                            "fifth_test"]


def test_the_fourth_corpus_shares_no_id_or_passage_with_the_real_set_or_other_corpora() -> None:
    real = yaml.safe_load((DATA / "real" / "real.yaml").read_text("utf-8"))["items"]
    others = [str(r["text"]) for r in real] + [r["text"] for r in read_corpus(DATA)]
    ids = {str(r["id"]) for r in real} | {r["id"] for r in read_corpus(DATA)}
    for c in AUTHORED:
        if c.file == FOURTH_FILE:
            continue
        got = read_authored(DATA, c)
        others += [r["text"] for r in got]
        ids |= {r["id"] for r in got}
    seen = passages(others)
    for r in read_fourth(DATA):
        assert r["id"] not in ids
        assert not (sampled_passages(r["text"]) & seen), r["id"]


def test_without_the_file_there_is_no_fourth_corpus(tmp_path: Path) -> None:
    assert read_fourth(tmp_path) == []


# --- the shipped model and training ---------------------------------------------------------


def test_the_shipped_model_reads_the_fourth_corpus_test_split() -> None:
    """The round-11 model, before it saw this corpus: ROC-AUC 0.979 on this split; now 0.992."""
    m = load_model()
    assert m is not None
    got = evaluate(m, [r for r in read_fourth(DATA) if r["split"] == "test"])
    assert got["roc_auc"] is not None and got["roc_auc"] >= 0.98
    assert got["recall"] >= 0.9 and got["precision"] >= 0.85
    assert m.metrics["fourth_test"] == got


def test_training_reads_every_authored_corpus_and_is_reproducible(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for name in ("corpus.csv", *(c.file for c in AUTHORED)):
        (data / name).write_bytes((DATA / name).read_bytes())
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    m1 = train(data, a, limit=300)
    m2 = train(data, b, limit=300)
    assert a.read_bytes() == b.read_bytes() and m1 == m2
    assert {c.metric for c in AUTHORED} <= set(m1)
    assert m1["fourth_test"]["n"] == sum(r["split"] == "test" for r in read_fourth(DATA))
    (data / FOURTH_FILE).unlink()
    m3 = train(data, tmp_path / "c.json", limit=300)
    assert "fourth_test" not in m3 and "third_test" in m3
    assert json.loads(a.read_text("utf-8"))["word"] != json.loads(
        (tmp_path / "c.json").read_text("utf-8"))["word"]


# --- the model's high floor -----------------------------------------------------------------


def _rule(text: str):  # type: ignore[no-untyped-def]
    from waspada.offers.catalogue import load_catalogue
    from waspada.offers.extract import extract
    from waspada.offers.normalise import normalise
    from waspada.offers.score import evaluate_rules

    n = normalise(text)
    return evaluate_rules(load_catalogue(), n, extract(n, None))


def test_a_very_confident_model_yes_makes_a_rules_medium_account_high() -> None:
    assert analyse(TOLD, use_model=False).level == "medium"
    a = analyse(TOLD)
    assert a.model_probability is not None and a.model_probability >= MODEL_HIGH_P
    assert a.level == "high" and a.model_raised and a.model_raised_to == "high"
    d = a.to_dict("id")["model"]
    assert d["raised_to"] == "high" and "Tinggi" in d["raised_note"]
    assert "sangat yakin" in d["raised_note"]
    assert ModelOut(**d).raised_to == "high"
    en = a.to_dict("en")["model"]["raised_note"]
    assert "makes High a text the rules call Low only at probability 0.97" in en


def test_the_high_floor_needs_the_threshold_the_rules_medium_and_the_gate() -> None:
    rule = _rule(TOLD)
    assert level_for(fuse(rule, None)) == "medium" and rule.undamped
    assert model_raises_high(rule, MODEL_HIGH_P)
    assert level_for(fuse(rule, MODEL_HIGH_P)) == "high"
    below = MODEL_HIGH_P - 0.01
    assert below >= MODEL_MEDIUM_P and not model_raises_high(rule, below)
    assert level_for(fuse(rule, below)) == "medium"
    # The same probability in a damped text, a news frame, another frame or a short line: no.
    for changed in (dataclasses.replace(rule, undamped=False),
                    dataclasses.replace(rule, news_frame=True),
                    dataclasses.replace(rule, frame="none"),
                    dataclasses.replace(rule, words=MODEL_MIN_WORDS - 1)):
        assert not model_raises_high(changed, 0.999)
        assert level_for(fuse(changed, 0.999)) != "high"


def test_a_text_the_rules_call_low_reaches_high_only_by_the_round_14_floor() -> None:
    """Round 12's floor never lifts a rules-alone low; round 14's (``MODEL_LOW_HIGH_P``, tested
    in test_offers_round14.py) does only at its own, higher threshold."""
    chat = ("Besok kumpul di rumah Andi jam tujuh ya, bawa laptop sama charger, kita kerjakan "
            "laporan praktikum bareng terus sekalian makan nasi goreng di depan gang.")
    told = dataclasses.replace(_rule(chat), frame="account")
    assert level_for(fuse(told, None)) == "low" and model_raises(told, 0.999)
    assert not model_raises_high(told, 0.999)
    below = MODEL_LOW_HIGH_P - 0.001
    assert below >= MODEL_MEDIUM_P and level_for(fuse(told, below)) == "medium"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sets(st.sampled_from(CODES)), st.sets(st.sampled_from(CODES)), CONTEXT_COUNTS, st.booleans(),
       st.floats(0.6, 1.0), st.floats(0.6, 1.0), st.integers(0, 60))
def test_with_the_high_floor_scoring_stays_monotone(small, extra, contexts, contact, p1, p2,
                                                   words) -> None:  # type: ignore[no-untyped-def]
    """Round 10's subset property with probabilities around the high threshold: adding a red
    flag, or a higher p, never lowers the score; the high floor needs the rules-alone medium."""
    a, b = subset_pair(small, extra, contexts, contact, words)
    lo, hi = sorted((p1, p2))
    for p in (lo, hi):
        assert fuse(b, p) >= fuse(a, p) - 1e-12
        assert RANK[level_for(fuse(b, p))] >= RANK[level_for(fuse(a, p))]
    assert fuse(a, hi) >= fuse(a, lo) - 1e-12
    if model_raises_high(a, hi):
        assert fuse(a, hi) >= MODEL_HIGH_FLOOR and level_for(fuse(a, hi)) == "high"
        assert level_for(fuse(a, None)) != "low" and hi >= MODEL_HIGH_P


def test_the_page_and_the_cli_say_the_model_raised_it_to_high(client: TestClient) -> None:
    client.get("/cek-lowongan")
    r = client.post("/cek-lowongan", data={"text": TOLD,
                                           "csrf_token": client.cookies["waspada_csrf"]})
    assert r.status_code == 200
    assert 'id="model-raised"' in r.text and "sangat yakin" in r.text

    from waspada.offers.cli import offers_app

    out = CliRunner().invoke(offers_app, ["check", TOLD])
    assert out.exit_code == 0 and "model raised the level to high" in out.output
