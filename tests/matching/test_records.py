"""CSV reading: clear, line-numbered errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from waspada.matching.records import RecordError, read_records, read_records_text

HEADER = "record_id,full_name,birth_date,sex,birth_place,address,nik,passport_no,phone\n"


def test_reads_minimal_and_full_columns() -> None:
    recs = read_records_text("record_id,full_name\n1,Budi\n")
    assert recs[0].full_name == "Budi" and recs[0].birth_date is None
    recs = read_records_text(HEADER + "2,Siti,1990-01-02,P,Malang,,3507,x123,+62 812-1\n")
    assert recs[0].sex == "F" and recs[0].passport_no == "X123" and recs[0].phone == "08121"


@pytest.mark.parametrize(("text", "line", "words"), [
    ("full_name\nBudi\n", 1, "record_id"),
    ("record_id,full_name,birth_date\n1,Budi,1990-01-01\n2,Ani,17/08/1990\n", 3, "birth_date"),
    ("record_id,full_name,birth_date\n1,Budi,1990-02-30\n", 2, "valid date"),
    ("record_id,full_name\n1,Budi\n2,Ani\n1,Joko\n", 4, "duplicate record_id"),
    ("record_id,full_name,sex\n1,Budi,X\n", 2, "sex"),
    ("record_id,full_name\n1,\n", 2, "full_name"),
    ("record_id,full_name\n1,Budi,extra\n", 2, "fields"),
    ("", 1, "empty"),
])
def test_errors_name_the_line(text: str, line: int, words: str) -> None:
    with pytest.raises(RecordError) as exc:
        read_records_text(text)
    assert exc.value.line == line and words in str(exc.value)


def test_wrong_encoding_names_the_line(tmp_path: Path) -> None:
    p = tmp_path / "latin1.csv"
    p.write_bytes("record_id,full_name\n1,Budi\n2,Jos\xe9\n".encode("latin-1"))
    with pytest.raises(RecordError) as exc:
        read_records(p)
    assert exc.value.line == 3 and "UTF-8" in str(exc.value)


def test_bom_is_accepted(tmp_path: Path) -> None:
    p = tmp_path / "bom.csv"
    p.write_bytes("\ufeffrecord_id,full_name\n1,Budi\n".encode())
    assert read_records(p)[0].record_id == "1"


def test_tolerant_reading_notes_every_bad_value_and_keeps_structure_fatal() -> None:
    from waspada.matching.records import Rejection, read_records_text

    long = "x" * 1001
    text = ("record_id,full_name,birth_date,sex,address\n"
            f"1,Budi,1990-02-30,M,{long}\n2,Ani,,Q,Jl. Mawar\n,Tanpa Id,,,\n")
    rejects: list[Rejection] = []
    records = read_records_text(text, rejects=rejects)
    assert [r.record_id for r in records] == ["1", "2"]
    assert records[0].birth_date is None and records[0].address is None
    assert records[1].sex is None and records[1].address == "Jl. Mawar"
    assert [(r.line, r.column, r.skipped) for r in rejects] == [
        (2, "address", False), (2, "birth_date", False), (3, "sex", False),
        (4, "record_id", True)]
    with pytest.raises(RecordError, match="line 2: address"):  # strict mode is unchanged
        read_records_text(text)
    with pytest.raises(RecordError, match="duplicate"):
        read_records_text("record_id,full_name\n1,A\n1,B\n", rejects=[])


def test_a_birth_date_after_today_is_a_bad_value() -> None:
    """A date of birth in the future (after the UTC date plus one day) is read as missing
    and reported in a tolerant read, an error in a strict one; today + 1 day still passes
    (a unit east of UTC is a day ahead). A watchlist listing's expiry may lie in the future."""
    from datetime import UTC, datetime, timedelta

    from waspada.matching.records import Rejection, parse_birth_date
    from waspada.matching.schemas import EntryIn

    today = datetime.now(UTC).date()
    tomorrow, later = today + timedelta(days=1), today + timedelta(days=2)
    assert parse_birth_date(tomorrow.isoformat()) == tomorrow
    with pytest.raises(ValueError, match="in the future"):
        parse_birth_date(later.isoformat())
    text = ("record_id,full_name,birth_date\n"
            f"1,Budi,{later.isoformat()}\n2,Ani,{tomorrow.isoformat()}\n3,Siti,2999-01-01\n")
    rejects: list[Rejection] = []
    records = read_records_text(text, rejects=rejects)
    assert [(r.record_id, r.birth_date) for r in records] == [
        ("1", None), ("2", tomorrow), ("3", None)]
    assert [(r.line, r.column, r.skipped) for r in rejects] == [
        (2, "birth_date", False), (4, "birth_date", False)]
    assert all("in the future" in r.message for r in rejects)
    with pytest.raises(RecordError, match="line 2: birth_date is in the future"):
        read_records_text(text)
    entry = EntryIn(record_id="E-1", full_name="Budi", reason="r", source="s",
                    list_kind="recruiter", expires_on=later.isoformat())
    assert entry.expires_on == later


def test_a_batchs_placeholder_nik_is_a_bad_value_and_a_single_record_keeps_its_text() -> None:
    """Round 23: registries fill the NIK column with placeholders (``0``, ``-``, ``TIDAK ADA``,
    sixteen zeros), which many different people share; compared as one NIK they were the
    strongest evidence of a match. A batch (tolerant) read reports them and reads them as
    missing; a NIK one slip from 16 digits (15 or 17) is still compared; a single record (a
    screening query, a watchlist entry, a yente idNumber) keeps its text as before."""
    from waspada.matching.records import Rejection

    niks = ["0", "TIDAK ADA", "0000-0000-0000-0000", "N/A", "123456789012345",
            "3201011203870001", "32010112038700012", "320101120387000123", "3201.0112.0387.0001",
            "-"]
    text = "record_id,full_name,nik\n" + "".join(
        f"{i},Budi,{n}\n" for i, n in enumerate(niks))
    rejects: list[Rejection] = []
    got = {r.record_id: r.nik for r in read_records_text(text, rejects=rejects)}
    assert got == {"0": None, "1": None, "2": None, "3": None, "4": "123456789012345",
                   "5": "3201011203870001", "6": "32010112038700012", "7": None,
                   "8": "3201011203870001", "9": None}
    assert [(r.line, r.column, r.code, r.message) for r in rejects] == [
        (2, "nik", "bad_value", "nik is not a NIK: 1 digit, not 16"),
        (3, "nik", "bad_value", "nik is not a NIK: it has letters"),
        (4, "nik", "bad_value", "nik is not a NIK: one digit repeated"),
        (5, "nik", "bad_value", "nik is not a NIK: it has letters"),
        (9, "nik", "bad_value", "nik is not a NIK: 18 digits, not 16")]
    strict = {r.record_id: r.nik for r in read_records_text(text)}
    assert strict["1"] == "TIDAKADA" and strict["3"] == "NA" and strict["0"] == "0"


@given(st.text(max_size=40))
def test_nik_problem_accepts_exactly_one_slip_from_sixteen_digits(text: str) -> None:
    from waspada.matching.records import nik_problem

    problem = nik_problem(text)
    ok = text.isascii() and text.isdigit() and 15 <= len(text) <= 17 and len(set(text)) > 1
    assert (problem is None) == ok
    assert problem is None or problem.startswith("is not a NIK")


def test_a_batchs_placeholder_passport_or_phone_is_a_bad_value_too() -> None:
    from waspada.matching.records import Rejection

    rows = [("TIDAK ADA", "0"), ("C1234567", "+62 812-3456-7890"), ("NA", "0000000000"),
            ("AAAAAAA", "021 1234567"), ("X12", "1234567890123456"), ("-", "-")]
    text = "record_id,full_name,passport_no,phone\n" + "".join(
        f"{i},Budi,{pp},{ph}\n" for i, (pp, ph) in enumerate(rows))
    rejects: list[Rejection] = []
    got = [(r.passport_no, r.phone) for r in read_records_text(text, rejects=rejects)]
    assert got == [(None, None), ("C1234567", "081234567890"), (None, None),
                   (None, "0211234567"), (None, None), (None, None)]
    assert [(r.line, r.column, r.message) for r in rejects] == [
        (2, "passport_no", "passport_no is not a passport number: no digit"),
        (2, "phone", "phone is not a phone number: 1 digit, not 5 to 15"),
        (4, "passport_no", "passport_no is not a passport number: no digit"),
        (4, "phone", "phone is not a phone number: one digit repeated"),
        (5, "passport_no", "passport_no is not a passport number: no digit"),
        (6, "passport_no", "passport_no is not a passport number: 3 characters, not 5 to 12"),
        (6, "phone", "phone is not a phone number: 16 digits, not 5 to 15")]
    strict = [(r.passport_no, r.phone) for r in read_records_text(text)]
    assert strict[0] == ("TIDAKADA", "0") and strict[2] == ("NA", "0000000000")


@given(st.text(alphabet="0123456789ABCX", max_size=20))
def test_the_identifier_checks_never_fail_and_explain(text: str) -> None:
    from waspada.matching.records import IDENTIFIER_PROBLEMS

    for column, check in IDENTIFIER_PROBLEMS.items():
        problem = check(text) if text else None
        assert problem is None or problem.startswith("is not a"), column


def test_a_birth_date_a_batch_holds_far_too_often_is_a_placeholder() -> None:
    """Round 23: ``1900-01-01`` for an unknown date, shared by many different people, was
    "the same birth date". A date held by at least 50 records and 25 times the batch's median
    date is read as missing in a batch, each holder noted; a strict read keeps it."""
    from datetime import date, timedelta

    from waspada.matching.records import Rejection

    day0 = date(1960, 1, 1)
    rows = [(f"d{i}-{k}", (day0 + timedelta(days=i)).isoformat())
            for i in range(300) for k in range(3)]  # the median date: 3 holders
    rows += [(f"p{k}", "1900-01-01") for k in range(75)]  # 25 times: a placeholder
    rows += [(f"j{k}", "1971-07-01") for k in range(60)]  # 20 times: kept
    text = "record_id,full_name,birth_date\n" + "".join(f"{i},Budi,{d}\n" for i, d in rows)
    rejects: list[Rejection] = []
    got = {r.record_id: r.birth_date for r in read_records_text(text, rejects=rejects)}
    assert sum(1 for i, d in got.items() if i.startswith("p") and d is None) == 75
    assert got["j0"] == date(1971, 7, 1) and got["d0-0"] == day0
    assert len(rejects) == 75 and {r.code for r in rejects} == {"placeholder_value"}
    assert rejects[0].line == 902 and rejects[0].column == "birth_date"
    assert rejects[0].message == ("birth_date 1900-01-01 is held by 75 records, 25 times the "
                                  "file's typical date: a placeholder")
    assert read_records_text(text)[900].birth_date == date(1900, 1, 1)
    few = "record_id,full_name,birth_date\n" + "".join(f"{k},Budi,1900-01-01\n" for k in range(49))
    assert all(r.birth_date for r in read_records_text(few, rejects=[]))


def test_a_pages_result_lines_name_each_column_in_words_and_never_a_value() -> None:
    """The dedupe page's result (round 24): one line per column read as missing, in the
    file's column order, named in words with the column as the file has it; the skipped
    records by line; Indonesian for every line, no value of the file in any."""
    from waspada.matching.records import Rejection, rejects_lines
    from waspada.platform.i18n import translations

    text = ("record_id,full_name,birth_date,sex,nik,phone\n"
            "a,Budi,1938-11-31,X,0,1\n"
            "b,Siti,1990-01-01,P,TIDAK ADA,081234567890\n"
            "c,,1990-01-01,P,,\n")
    rejects: list[Rejection] = []
    read_records_text(text, rejects=rejects)
    lines = rejects_lines(rejects)
    assert [params for _m, params in lines] == [{"n": 1}, {"n": 1}, {"n": 2}, {"n": 1},
                                                {"n": 1, "lines": "4"}]
    id_ = translations("id")
    said = [id_.gettext(m) % params for m, params in lines]
    assert said == [
        "1 tanggal lahir (kolom birth_date) tidak valid dan dibaca sebagai kosong.",
        "1 jenis kelamin (kolom sex) tidak valid dan dibaca sebagai kosong.",
        "2 NIK (kolom nik) tidak valid atau hanya pengisi dan dibaca sebagai kosong.",
        "1 nomor telepon (kolom phone) tidak valid atau hanya pengisi dan dibaca sebagai "
        "kosong.",
        "1 data tanpa record_id atau full_name dilewati (baris 4)."]
    assert not any(v in " ".join(said) for v in ("1938-11-31", "TIDAK", " X "))
    # a column without words of its own (a too-long record_id is skipped, not counted here)
    other = rejects_lines([Rejection(2, "extra", "bad_value", "x")])
    assert id_.gettext(other[0][0]) % other[0][1] == (
        "1 nilai kolom extra tidak valid dan dibaca sebagai kosong.")
