"""Name similarity keeps the spelling closeness of one-letter variants (issue #13, item 6),
while the record score still counts them as another name (Rina / Dina)."""

from waspada.identity.phonetic import fold
from waspada.matching.features import (
    compare_names,
    features_of,
    name_similarity,
    spelling_closeness,
)
from waspada.matching.records import PersonRecord


def test_one_letter_surname_variant_is_similar() -> None:
    assert name_similarity("Tim Cock", "Tim Cook") >= 0.7
    assert name_similarity("Lionel Bessi", "Lionel Messi") >= 0.7
    assert name_similarity("Mikhail Khordorovsky", "Mikhail Khodorkovsky") >= 0.7


def test_spelling_closeness_scales_with_the_edits() -> None:
    assert spelling_closeness("hannibal", "hannibal") == 1.0
    assert spelling_closeness("hannibal", "hannibol") == 0.75
    assert spelling_closeness("castillo", "castro") < 0.5
    # a different surname sharing a prefix stays below the bar
    assert name_similarity("Raúl Castillo", "Raúl Castro") < 0.7


def test_one_letter_given_name_is_still_a_disagreement_for_the_weight() -> None:
    a = features_of(PersonRecord("a", "Rina Wulandari"))
    b = features_of(PersonRecord("b", "Dina Wulandari"))
    same = features_of(PersonRecord("c", "Rina Wulandari"))
    cmp = compare_names(a, b)
    assert cmp.weight < 0 < compare_names(a, same).weight
    assert cmp.level == "weak"
    assert "rina" in cmp.unmatched_query


def test_single_indonesian_names_one_letter_apart_stay_below_the_bar() -> None:
    assert name_similarity("Rina", "Rini") < 0.7
    assert name_similarity("Setiawan", "Setiawati") < 0.7


def test_kana_voicing_marks_are_kept() -> None:
    assert fold("バラク・オバマ").startswith("baraku")
    assert fold("Pérez") == "perez"
