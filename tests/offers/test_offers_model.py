"""The packaged model loads; training is reproducible."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from waspada.offers.cli import offers_app
from waspada.offers.model import char_wb_ngrams, load_model, model_text, train, word_ngrams

DATA = Path(__file__).resolve().parents[2] / "data" / "offers"


def test_model_loads_and_predicts() -> None:
    m = load_model()
    assert m is not None
    assert load_model() is m  # cached
    hi = m.predict_proba(model_text("Loker CS Kamboja gaji 15jt tiket ditanggung"))
    lo = m.predict_proba(model_text("Nanti malam jadi makan bareng gak?"))
    assert 0 <= lo < hi <= 1


def test_ngrams_match_sklearn() -> None:
    from sklearn.feature_extraction.text import CountVectorizer

    text = "gaji 15jt di kamboja  a bb"
    for analyzer, ours in (("char_wb", char_wb_ngrams(text)), ("word", word_ngrams(text))):
        rng = (2, 5) if analyzer == "char_wb" else (1, 2)
        ref = CountVectorizer(analyzer=analyzer, ngram_range=rng, lowercase=False
                              ).build_analyzer()(text)
        assert sorted(ours) == sorted(ref)


def test_train_reproducible(tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    m1 = train(DATA, a, limit=150)
    m2 = train(DATA, b, limit=150)
    assert m1 == m2
    assert a.read_bytes() == b.read_bytes()
    assert 0 <= m1["test"]["roc_auc"] <= 1


def test_train_cli(tmp_path: Path) -> None:
    r = CliRunner().invoke(offers_app, ["train", "--data", str(tmp_path)])
    assert r.exit_code == 2
