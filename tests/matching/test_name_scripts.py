"""Names in other scripts and romanisations (issue #13 item 6, round 17; docs/matching.md,
"Names in other scripts"): Hangul and Chinese characters tokenised by syllable and compared
exactly within their script, Wade-Giles read as pinyin, Arabic script meeting Latin on its
consonants, the vowel katakana adds to a foreign name's final consonant. Each rule has pairs it
must join and pairs it must keep apart; Indonesian names must not be touched by any of them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.identity.names import parse_name
from waspada.identity.phonetic import (
    consonant_skeleton,
    name_script,
    segment_syllables,
    wade_giles_to_pinyin,
)
from waspada.matching import snapshot
from waspada.matching.features import (
    compare_names,
    features_of,
    name_similarity,
)
from waspada.matching.index import WatchlistIndex
from waspada.matching.records import PersonRecord

# -- scripts -------------------------------------------------------------------------------------


def test_name_script() -> None:
    assert name_script("Budi Santoso") is None
    assert name_script("José Pérez") is None  # Latin with diacritics
    assert name_script("김정은") == "hangul"
    assert name_script("习近平") == "han"
    assert name_script("安倍晋三") == "han"  # kanji alone cannot be told from Chinese
    assert name_script("バラク・オバマ") == "kana"
    assert name_script("安倍 しんぞう") == "kana"  # kana anywhere: Japanese
    assert name_script("فرناندو بيريز") == "arabic"
    assert name_script("مسعود پزشکیان") == "arabic"  # Persian letters too
    assert name_script("Сергей Лавров") is None  # an alphabet with vowels: no rule of its own


def test_hangul_and_chinese_names_are_split_into_syllables() -> None:
    assert parse_name("김정은").tokens == ("gim", "jeong", "eun")
    assert parse_name("이재명").tokens == ("i", "jae", "myeong")
    assert parse_name("习近平").tokens == ("xi", "jin", "ping")
    assert segment_syllables("Budi Santoso") == "Budi Santoso"
    # a middle dot marks the words of a foreign name: they stay whole
    assert parse_name("贝拉克·奥巴马").tokens == ("beilake", "aobama")
    # Latin conventions do not apply to the syllables: 싶 is "sip", not the degree S.IP.; 빈 is
    # "bin", not "son of"; 이 is "i", not the Balinese I of "I Gusti"
    assert parse_name("가가싶").tokens == ("ga", "ga", "sip")
    assert parse_name("김빈수").tokens == ("gim", "bin", "su")
    assert parse_name("김빈수").patronym is None
    # kana: Japanese, not split
    assert segment_syllables("ばらく") == "ばらく"


@pytest.mark.parametrize(("a", "b"), [
    ("김정은", "김종은"),  # one given syllable differs
    ("이재명", "이재형"),
    ("习近平", "习近朋"),  # one given character differs
    ("习近平", "李近平"),  # the family character differs
    ("滷尺噴", "滷尺雰"),  # pen / fen: f and p are different pinyin initials
])
def test_a_different_syllable_in_the_same_script_is_another_name(a: str, b: str) -> None:
    assert name_similarity(a, b) < 0.7
    assert compare_names(features_of(PersonRecord("a", a)),
                         features_of(PersonRecord("b", b))).weight < 0


@pytest.mark.parametrize(("a", "b"), [
    ("김정은", "김정은"),
    ("习近平", "Xi Jinping"),  # given characters meet the pinyin given name written as one word
    ("毛泽东", "Mao Zedong"),
    ("习近平", "Xi Jin Ping"),
])
def test_the_same_syllables_match(a: str, b: str) -> None:
    assert name_similarity(a, b) >= 0.9


def test_latin_romanisations_keep_their_spelling_levels() -> None:
    """The exact comparison is for two names in the script, not for Latin Korean names."""
    a, b = features_of(PersonRecord("a", "Kim Jong Un")), features_of(PersonRecord("b",
                                                                                  "Kim Jong Eun"))
    assert a.name_script is None and b.name_script is None
    assert name_similarity("Mochtar Lubis", "Mokhtar Lubis") >= 0.9


_HANGUL = st.integers(0xAC00, 0xD7A3).map(chr)


@settings(max_examples=60, deadline=None)
@given(_HANGUL, _HANGUL, _HANGUL, _HANGUL)
def test_any_hangul_name_with_another_given_syllable_stays_below_the_threshold(
        family: str, g1: str, g2: str, other: str) -> None:
    name = family + g1 + g2
    changed = family + g1 + other
    assert name_similarity(name, name) == 1.0
    a, b = parse_name(name).tokens, parse_name(changed).tokens
    if a != b:  # two blocks may read alike
        assert name_similarity(name, changed) < 0.7


_HAN = st.integers(0x4E00, 0x9FA5).map(chr)  # the CJK block up to its last 1993 additions


@settings(max_examples=60, deadline=None)
@given(_HAN, _HAN, _HAN, _HAN)
def test_any_chinese_name_with_another_given_character_stays_below_the_threshold(
        family: str, g1: str, g2: str, other: str) -> None:
    """Pinyin f and p are different initials: the Indonesian sound merges (f = p) do not apply
    between two names in characters (滷尺噴 pen / 滷尺雰 fen)."""
    name, changed = family + g1 + g2, family + g1 + other
    a, b = parse_name(name).tokens, parse_name(changed).tokens
    if a != b and len(a) == len(b) == 3:  # a character anyascii cannot read gives no token
        assert name_similarity(name, changed) < 0.7


# -- Wade-Giles ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("wg", "pinyin"), [
    ("Hsi Chin-ping", "Xi Jinping"),
    ("Mao Tse-tung", "Mao Zedong"),
    ("Hsi Chin-p'ing", "Xi Jinping"),
    ("Hsu Chih-mo", "Xu Zhimo"),
])
def test_wade_giles_meets_pinyin(wg: str, pinyin: str) -> None:
    assert name_similarity(wg, pinyin) >= 0.9


def test_wade_giles_is_read_only_in_names_that_show_it() -> None:
    assert wade_giles_to_pinyin(["hsi", "chin", "ping"]) == ["xi", "jin", "ping"]
    assert wade_giles_to_pinyin(["teng", "hsiao", "ping"]) == ["teng", "xiao", "ping"]  # pinyin
    # no syllable only Wade-Giles writes: Indonesian and Korean names are left alone
    for name in ("Tung Desem Waringin", "Chung Ho Lo", "Jung Chin", "Agung Yen",
                 "Ratih Asih", "Lo Kheng Hong"):
        assert wade_giles_to_pinyin(name.lower().split()) is None, name
        assert parse_name(name).tokens == tuple(name.lower().split())
    # a long token: not a syllable
    assert wade_giles_to_pinyin(["tsai", "wulandari"]) is None
    # a different syllable stays different
    assert name_similarity("Hsi Chin-ping", "Xi Jinbao") < 0.7


# -- Arabic script against Latin -----------------------------------------------------------------


def test_consonant_skeleton() -> None:
    assert consonant_skeleton("pernando") == consonant_skeleton("prndw") == "prnd"
    assert consonant_skeleton("peres") == consonant_skeleton("biris") == "prs"
    assert consonant_skeleton("ptmh") == consonant_skeleton("ptima") == "ptm"


@pytest.mark.parametrize(("arabic", "latin"), [
    ("فرناندو بيريز", "Fernando Pérez"),
    ("محمد", "Muhammad"),
    ("يوسف", "Yusuf"),
])
def test_arabic_script_meets_latin_on_its_consonants(arabic: str, latin: str) -> None:
    assert name_similarity(arabic, latin) >= 0.7
    cmp = compare_names(features_of(PersonRecord("a", arabic)), features_of(PersonRecord("b",
                                                                                        latin)))
    assert any(p["how"] == "consonants" for p in cmp.parts) or cmp.level == "exact"


@pytest.mark.parametrize(("arabic", "latin"), [
    ("فرناندو بيريز", "Fernando Lopez"),
    ("فرناندو بيريز", "Bernardo Pérez"),
    ("محمد", "Ahmad"),
])
def test_other_consonants_stay_apart(arabic: str, latin: str) -> None:
    assert name_similarity(arabic, latin) < 0.7


def test_two_latin_names_never_meet_on_consonants_alone() -> None:
    """Latin writes its vowels: Budi / Badu and Rina / Rani are not the same name by this rule."""
    for a, b in (("Budi Santoso", "Badu Santoso"), ("Rina Wulandari", "Rani Wulandari"),
                 ("Marta Sari", "Mirta Sari")):
        cmp = compare_names(features_of(PersonRecord("a", a)), features_of(PersonRecord("b", b)))
        assert all(p["how"] != "consonants" for p in cmp.parts), (a, b)
    # two names in Arabic script compare as before (their letters are the same kind)
    cmp = compare_names(features_of(PersonRecord("a", "محمد شريف السوداني")),
                        features_of(PersonRecord("b", "محمد شياع السوداني")))
    assert all(p["how"] != "consonants" for p in cmp.parts)


# -- katakana ------------------------------------------------------------------------------------


def test_katakana_foreign_names_drop_the_added_final_vowel() -> None:
    assert parse_name("バラク・オバマ").tokens == ("barak", "obama")
    assert name_similarity("Barack Obama", "バラク・オバマ") >= 0.9
    assert name_similarity("Donald Trump", "バラク・オバマ") < 0.3
    # a Japanese name (no middle dot) keeps its vowels
    assert parse_name("さとう かずく").tokens[-1].endswith("u")


# -- snapshots -----------------------------------------------------------------------------------

KEY = snapshot.snapshot_key("test secret")


def test_snapshots_keep_the_script_and_older_formats_are_rebuilt(tmp_path: Path) -> None:
    records = [PersonRecord("K1", "김정은"), PersonRecord("K2", "이재명"),
               PersonRecord("C1", "习近平"), PersonRecord("L1", "Budi Santoso")]
    built = WatchlistIndex.build(records)
    path = tmp_path / "w.snapshot"
    snapshot.write(built, path, key=KEY, kind="watchlist", watermark={})
    loaded, _ = snapshot.load(path, key=KEY, kind="watchlist")
    for q in ("김종은", "김정은", "习近朋", "Xi Jinping"):
        query = PersonRecord("q", q)
        assert ([(m.record_id, m.score) for m in loaded.search(query, threshold=0.0)]
                == [(m.record_id, m.score) for m in built.search(query, threshold=0.0)])
    # a snapshot of the previous format (names tokenised without their script) is refused,
    # even when authentic, so the caller rebuilds the index from its entries
    raw = path.read_bytes()
    at = len(snapshot.MAGIC)
    end = raw.index(b"\n", at)
    mac_end = raw.index(b"\n", end + 1)
    header = json.loads(raw[at:end])
    header["format"] = 3
    new_header = json.dumps(header, sort_keys=True).encode()
    body = raw[mac_end + 1:]
    mac = snapshot._mac(KEY, new_header, body).encode()
    path.write_bytes(snapshot.MAGIC + new_header + b"\n" + mac + b"\n" + body)
    with pytest.raises(snapshot.SnapshotRejected, match="format 3 is not 4"):
        snapshot.load(path, key=KEY, kind="watchlist")
