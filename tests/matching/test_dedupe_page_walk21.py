"""The dedupe page as a new Indonesian user meets it (walk21): numbers with a decimal comma
both ways, the runs table's header a noun, and a review-queue probability never shown at or
above the threshold it fell short of."""

from __future__ import annotations

import re

from tests.jobs_helpers import run_job_page

# the walk's file: at the threshold 0.999 its pairs, scored 0.98-0.9999, are all in the queue
PEOPLE = ("record_id,full_name,birth_date,sex,birth_place,address,nik,passport_no,phone\n"
          "r1,Budi Santoso,1985-03-12,L,Malang,Jl. Ijen 5,3573011203850001,B1234567,"
          "0812-3456-7890\n"
          "r2,BUDI SANTOSO,1985-03-12,M,Malang,,3573011203850001,,+62 812 3456 7890\n"
          "r3,Siti Aminah,1990-07-01,P,Surabaya,,,C7654321,(0812) 999-888\n"
          "r4,Siti Aminah,1990-07-01,F,Surabaya,,,C7654321,62812999888\n"
          "r6,Ahmad Fauzi,1938-11-13,L,Medan,,,,\n"
          "r7,Ahmad Fauzi,1938-11-13,L,Medan,,,,\n"
          "r8,Dewi Lestari,1995-02-03,P,Bandung,,,,08-12-34\n"
          "r9,Dewi Lestari,1995-02-03,P,Bandung,,,,081234\n"
          "r10,Muhammad Rizki,2001-12-25,L,Jakarta,,3171012512010003,,\n"
          "r11,Moch. Rizky,2001-12-25,L,Jakarta,,3171012512010003,,\n"
          "r12,Ni Wayan Suardani,1988-08-08,P,Denpasar,,,,\n")


def _run(client, threshold: str):  # type: ignore[no-untyped-def]
    return client.post("/dedupe/run", data={"csrf_token": client.cookies["waspada_csrf"],
                                            "origin": "upload", "threshold": threshold},
                       files={"file": ("p.csv", PEOPLE.encode(), "text/csv")},
                       follow_redirects=False)


def test_the_threshold_is_written_and_read_with_a_decimal_comma(role_clients) -> None:  # type: ignore[no-untyped-def]
    """The page wrote its numbers "0,979189" but refused "0,9" as "Ambang tidak valid."; the
    field and the hint showed "0.5"."""
    analyst = role_clients["analyst"]
    page = analyst.get("/dedupe")
    assert 'name="threshold" value="0,5"' in page.text
    assert "misalnya 0,5; 0,9 hanya" in page.text and "paling kecil 0,5)" in page.text
    job = run_job_page(analyst, _run(analyst, "0,9"))
    assert "Ambang 0,9 (tetap)" in job.text, job.text[-1500:]
    # a comma with a point, or two commas, is still no number
    for bad in ("0,9.1", "0,9,1"):
        refused = _run(analyst, bad)
        assert refused.status_code == 400 and 'id="threshold-error"' in refused.text


def test_the_runs_table_names_its_column_proses_not_the_button_jalankan(role_clients) -> None:  # type: ignore[no-untyped-def]
    page = role_clients["analyst"].get("/dedupe")
    header = re.search(r'<table class="dense" id="runs"><thead><tr><th>([^<]+)</th>', page.text)
    assert header and header.group(1) == "Proses"


def test_a_review_pair_is_never_shown_at_or_above_the_threshold(role_clients) -> None:  # type: ignore[no-untyped-def]
    """At the threshold 0.999 the queue said "Probabilitas kecocokan 1,00" for pairs scored
    0.9979: more than the threshold they fell short of."""
    analyst = role_clients["analyst"]
    job = run_job_page(analyst, _run(analyst, "0.999"))
    link = re.search(r'href="(/dedupe/runs/\d+)" id="result-link"', job.text)
    assert link, job.text[-1500:]
    review = analyst.get(link.group(1))
    shown = re.findall(r'class="pair-probability">([^<]+)<', review.text)
    assert shown, review.text[-2000:]
    for text in shown:
        assert float(text.replace(",", ".")) < 0.999, shown


def test_decimal_below_keeps_a_number_under_its_bound() -> None:
    from waspada.platform import i18n
    from waspada.platform.templating import templates

    below = templates.env.filters["decimal_below"]
    token = i18n.current_language.set("id")
    try:
        assert below(0.31, 0.5) == "0,31"
        assert below(0.9979, 0.999) == "0,998"
        assert below(0.99999971, 0.9999999) == "0,999999"  # cut, not rounded up
        assert below(0.42, None) == "0,42"
    finally:
        i18n.current_language.reset(token)


def test_a_semicolon_separated_upload_is_named_beside_the_file_field(role_clients) -> None:  # type: ignore[no-untyped-def]
    analyst = role_clients["analyst"]
    page = analyst.post("/dedupe/run", data={"csrf_token": analyst.cookies["waspada_csrf"],
                                             "origin": "upload", "threshold": "0,5"},
                        files={"file": ("p.csv", PEOPLE.replace(",", ";").encode(), "text/csv")},
                        follow_redirects=False)
    assert page.status_code == 400
    error = re.search(r'id="file-error">([^<]+)<', page.text)
    assert error and "dipisahkan dengan titik koma (;)" in error.group(1), page.text[-2000:]
    assert "Kolom wajib tidak ada" not in page.text


def test_the_demo_watchlist_reason_is_indonesian_on_the_search_page(role_clients) -> None:  # type: ignore[no-untyped-def]
    """The search page showed "Alasan pencantuman: Synthetic demo entry"."""
    from sqlalchemy import select

    from waspada.matching.store import WatchlistEntry
    from waspada.platform.db import session_scope

    with session_scope() as db:
        entry = db.scalars(select(WatchlistEntry).where(
            WatchlistEntry.record_id.like("DEMO-WL-%")).limit(1)).one()
        name, born = entry.full_name, entry.birth_date
    analyst = role_clients["analyst"]
    page = analyst.post("/watchlist/search", data={
        "csrf_token": analyst.cookies["waspada_csrf"], "full_name": name,
        "birth_date": born.isoformat() if born else ""})
    assert page.status_code == 200 and "Alasan pencantuman: Entri demo sintetis" in page.text
    assert "Synthetic demo entry" not in page.text


def test_a_registry_extract_with_bad_values_runs_and_says_what_it_left_out(role_clients) -> None:  # type: ignore[no-untyped-def]
    """The page read strictly: one record without a name ("Baris 6: full_name kosong.")
    refused the whole file, which ``identity dedupe`` reads (issue #13 item 4). Now the run
    goes on and its result counts what was read as missing or skipped, naming no value."""
    dirty = (PEOPLE.replace("r7,Ahmad Fauzi,1938-11-13,L", "r7,Ahmad Fauzi,1938-11-31,L")
             .replace("r9,Dewi Lestari,1995-02-03,P", "r9,Dewi Lestari,1995-02-03,X")
             + "r5,,1970-01-01,L,,,,,\n")
    analyst = role_clients["analyst"]
    started = analyst.post("/dedupe/run", data={"csrf_token": analyst.cookies["waspada_csrf"],
                                                "origin": "upload", "threshold": "0,5"},
                           files={"file": ("p.csv", dirty.encode(), "text/csv")},
                           follow_redirects=False)
    job = run_job_page(analyst, started)
    said = re.search(r'id="job-summary">(.*?)</ul>', job.text, re.S)
    assert said, job.text[-2000:]
    text = re.sub(r"<[^>]+>", " ", said.group(1))
    assert "11 data" in text  # twelve rows, the nameless one skipped
    assert "1 tanggal lahir (kolom birth_date) tidak valid dan dibaca sebagai kosong." in text
    assert "1 jenis kelamin (kolom sex) tidak valid dan dibaca sebagai kosong." in text
    assert "1 data tanpa record_id atau full_name dilewati (baris 13)." in text
    assert "1938-11-31" not in job.text
    # a structural problem still refuses the file, with its line
    refused = analyst.post("/dedupe/run", data={"csrf_token": analyst.cookies["waspada_csrf"],
                                                "origin": "upload", "threshold": "0,5"},
                           files={"file": ("p.csv", (dirty + "r1,Budi,,,,,,,\n").encode(),
                                           "text/csv")}, follow_redirects=False)
    assert refused.status_code == 400 and "Baris 14" in refused.text
