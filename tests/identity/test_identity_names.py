"""Indonesian name parsing, canonical forms and phonetic keys."""

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.identity.names import PersonName, canonical_token, parse_name, phonetic_key

with (Path(__file__).parent / "name_pairs.csv").open(encoding="utf-8", newline="") as fh:
    _ROWS = list(csv.DictReader(fh))
SAME = [(r["a"], r["b"]) for r in _ROWS if r["relation"] == "same"]
DIFFERENT = [(r["a"], r["b"]) for r in _ROWS if r["relation"] == "different"]


def share_key(a: str, b: str) -> bool:
    pa, pb = parse_name(a), parse_name(b)
    given_same = (
        pa.canonical_tokens == pb.canonical_tokens
        or pa.phonetic_keys == pb.phonetic_keys
        or pa.joined_key == pb.joined_key
    )
    if (pa.patronym is None) != (pb.patronym is None):
        return False
    if pa.patronym is not None:
        qa, qb = parse_name(pa.patronym), parse_name(pb.patronym)
        if qa.joined_key != qb.joined_key and qa.phonetic_keys != qb.phonetic_keys:
            return False
    return given_same


def test_tables_are_big_enough():
    assert len(SAME) >= 100
    assert len(DIFFERENT) >= 50


@pytest.mark.parametrize(("a", "b"), SAME)
def test_variants_share_a_key(a, b):
    assert share_key(a, b), (parse_name(a), parse_name(b))


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_names_do_not(a, b):
    assert not share_key(a, b), (parse_name(a), parse_name(b))


def test_full_parse():
    p = parse_name("H. Moch. Rizki Ramadhan, S.Kom., M.M.")
    assert isinstance(p, PersonName)
    assert p.titles == ("H.", "S.Kom.", "M.M.")
    assert p.tokens == ("moch", "rizki", "ramadhan")
    assert p.canonical_tokens == ("muhammad", "rizki", "ramadhan")
    assert p.phonetic_keys == ("muhamad", "riski", "ramadan")
    assert p.joined_key == "muhamadrizkiramadhan"
    assert p.patronym is None
    d = p.to_dict()
    assert d["titles"] == ["H.", "S.Kom.", "M.M."]
    assert set(d) == {"original", "normalized", "tokens", "titles", "patronym",
                      "patronym_titles", "canonical_tokens", "phonetic_keys", "joined_key"}


def test_patronym_kept_separately():
    p = parse_name("Hj. Siti Nurhaliza binti Abdoel Rachman")
    assert p.titles == ("Hj.",)
    assert p.canonical_tokens == ("siti", "nurhaliza")
    assert p.patronym == "abdul rakhman"
    assert p.patronym_tokens == ("abdoel", "rachman")
    assert p.normalized == "siti nurhaliza binti abdoel rachman"
    for marker in ("bin", "bt", "bte", "binti"):
        assert parse_name(f"Ali {marker} Umar").patronym == "umar"
    p = parse_name("Hj. Cut Nyak Dien binti Teuku Nanta")
    assert p.titles == ("Hj.", "Cut") and p.patronym == "nanta"
    assert p.patronym_titles == ("Teuku",) and p.patronym_tokens == ("nanta",)
    assert parse_name("Ali bin H. Umar").patronym == "umar"
    assert parse_name("Ahmad bin").patronym is None
    assert parse_name("Bin Laden").patronym is None


@pytest.mark.parametrize(
    ("raw", "titles", "tokens"),
    [
        ("Andi", (), ("andi",)),
        ("Andi Wijaya", ("Andi",), ("wijaya",)),
        ("Budi Andi", (), ("budi", "andi")),
        ("Cut Nyak Dien", ("Cut",), ("nyak", "dien")),
        ("Raden", (), ("raden",)),
        ("Raden Ajeng Kartini", ("Raden Ajeng",), ("kartini",)),
        ("R. Soeprapto", ("R.",), ("soeprapto",)),
        ("R Soeprapto", (), ("r", "soeprapto")),
        ("I Gusti Ngurah Rai", ("I Gusti Ngurah",), ("rai",)),
        ("Ida Bagus Made Oka", ("Ida Bagus",), ("made", "oka")),
        ("Teuku Umar", ("Teuku",), ("umar",)),
        ("Daeng Mattola", ("Daeng",), ("mattola",)),
        ("dr. Dewi Sari, Sp.A.", ("Dr.", "Sp.A."), ("dewi", "sari")),
        ("Ir. H. Joko, S.T., M.Si", ("Ir.", "H.", "S.T.", "M.Si."), ("joko",)),
        ("Drs. Eko S.Pd", ("Drs.", "S.Pd."), ("eko",)),
        ("Bpk. Slamet", ("Bpk.",), ("slamet",)),
        ("Ibu Kartika, S.E.", ("Ibu", "S.E."), ("kartika",)),
        ("Budi Santoso, S. H.", ("S.H.",), ("budi", "santoso")),
        ("Hajjah Aminah", ("Hajjah",), ("aminah",)),
        ("KH Ahmad", ("KH.",), ("ahmad",)),
        ("Sdr. Anwar", ("Sdr.",), ("anwar",)),
        ("Tn. Anwar", ("Tn.",), ("anwar",)),
        ("Dra. Yuni", ("Dra.",), ("yuni",)),
    ],
)
def test_titles(raw, titles, tokens):
    p = parse_name(raw)
    assert p.titles == titles
    assert p.tokens == tokens


@pytest.mark.parametrize(
    ("raw", "tokens", "titles"),
    [
        ("Budi SE", ("budi",), ("S.E.",)),
        ("BUDI SANTOSO SE MM", ("budi", "santoso"), ("S.E.", "M.M.")),
        ("Rina Wati Amd.Kep", ("rina", "wati"), ("A.Md.Kep.",)),
        ("Ma Ling", ("ma", "ling"), ()),  # a Chinese surname, not "M.A."
        ("Budi Santoso MH", ("budi", "santoso", "mh"), ()),  # MH may be Muhammad
        ("SE", ("se",), ()),  # never the whole name
    ],
)
def test_trailing_degrees_without_dots(raw, tokens, titles):
    p = parse_name(raw)
    assert (p.tokens, p.titles) == (tokens, titles)


def test_normalisation():
    assert parse_name("  MA’RUF   AMIN ").normalized == "maruf amin"
    assert parse_name("Zoë Çelik").tokens == ("zoe", "celik")
    # other scripts and letters that do not decompose are transliterated
    assert parse_name("Владимир Путин").tokens == ("vladimir", "putin")
    assert parse_name("Łukasz Straße").tokens == ("lukasz", "strasse")
    assert parse_name("Κυριάκος Μητσοτάκης").tokens == ("kyriakos", "mitsotakis")
    assert parse_name("ហ៊ុន ម៉ាណែត").tokens  # Khmer gives Latin tokens, not nothing
    assert parse_name("M.Rizki").canonical_tokens == ("muhammad", "rizki")
    assert parse_name("").to_dict()["tokens"] == []
    assert parse_name(None).tokens == ()  # type: ignore[arg-type]
    assert parse_name(["a", "b"]).tokens == ()  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("tok", "canon"),
    [
        ("Soekarno", "sukarno"), ("Djoko", "joko"), ("Tjahjo", "cahyo"), ("Jusuf", "yusuf"),
        ("Wahjudi", "wahyudi"), ("Njoman", "nyoman"), ("Sjahrir", "syahrir"),
        ("Chairul", "khairul"), ("Achmad", "ahmad"), ("Mochammad", "muhammad"),
        ("MOH.", "muhammad"), ("Abd.", "abdul"), ("Abdoel", "abdul"), ("Noor", "nur"),
        ("Khadijah", "khadijah"), ("Joko", "joko"), ("Panji", "panji"), ("Anjani", "anjani"),
        ("Fajar", "fajar"), ("Fadjar", "fajar"), ("Saifulloh", "saifullah"),
        ("Chandra", "candra"),
    ],
)
def test_canonical_token(tok, canon):
    assert canonical_token(tok) == canon


@pytest.mark.parametrize(
    ("tok", "key"),
    [
        ("Khairul", "hairul"), ("Yusuf", "yusup"), ("Syaiful", "saipul"), ("Faizal", "paisal"),
        ("Fatimah", "patima"), ("Muhammad", "muhamad"), ("Rizky", "riski"),
        ("Hidajat", "hidayat"), ("Ramadhan", "ramadan"), ("Ah", "ah"),
    ],
)
def test_phonetic_key(tok, key):
    assert phonetic_key(tok) == key


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_never_raises(text):
    p = parse_name(text)
    assert len(p.canonical_tokens) == len(p.phonetic_keys) == len(p.tokens)
    assert all(t.isascii() for t in p.canonical_tokens)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=15))
def test_keys_are_idempotent(tok):
    c = canonical_token(tok)
    assert canonical_token(c) == c
    assert phonetic_key(c) == phonetic_key(tok)
