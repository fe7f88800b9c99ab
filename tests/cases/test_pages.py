"""Case pages: list, officer intake form, case page with timeline, steps, comments, uploads."""

from __future__ import annotations

import re

from tests.cases.conftest import create_case, unique_name
from tests.conftest import csrf_headers


def _token(client) -> str:  # type: ignore[no-untyped-def]
    return client.cookies.get("waspada_csrf") or ""


def test_officer_form_creates_a_case_and_the_page_shows_it(protection) -> None:  # type: ignore[no-untyped-def]
    name = unique_name()
    form = protection.get("/cases/new")
    assert form.status_code == 200 and "Kasus baru" in form.text
    response = protection.post("/cases/new", data={
        "csrf_token": _token(protection), "victim_name": name, "victim_birth_date": "2000-05-06",
        "destination_country": "KH", "exploitation_type": "ForcedCriminality",
        "compound_type": "OnlineScam", "source": "family", "summary": "Ditahan di Bavet",
        "reporter_name": "Bapak Pelapor", "reporter_phone": "081299999999",
        "recruiter_name": "Agen Rekrut"}, follow_redirects=False)
    assert response.status_code == 303
    page = protection.get(response.headers["location"])
    assert page.status_code == 200
    assert name in page.text and "Dilaporkan" in page.text and "Linimasa" in page.text
    listing = protection.get("/cases", params={"destination": "KH"})
    assert listing.status_code == 200 and name in listing.text


def test_steps_comments_and_tasks_from_the_page(protection) -> None:  # type: ignore[no-untyped-def]
    case = create_case(protection)
    cid = case["id"]
    ok = protection.post(f"/cases/{cid}/transition", data={
        "csrf_token": _token(protection), "transition": "verify",
        "trafficking_status": "PossibleVictimOfTrafficking", "note": "telepon keluarga"},
        follow_redirects=False)
    assert ok.status_code == 303
    refused = protection.post(f"/cases/{cid}/transition", data={
        "csrf_token": _token(protection), "transition": "issue_splp"})
    assert refused.status_code == 409 and "tidak mungkin" in refused.text
    protection.post(f"/cases/{cid}/comment", data={"csrf_token": _token(protection),
                                                   "body": "<b>tebal</b> & aman"})
    protection.post(f"/cases/{cid}/task", data={"csrf_token": _token(protection),
                                                "title": "Hubungi KP2MI", "due_on": "2026-01-10"})
    page = protection.get(f"/cases/{cid}").text
    assert "Terverifikasi" in page and "&lt;b&gt;tebal&lt;/b&gt; &amp; aman" in page
    assert "Hubungi KP2MI" in page


def test_analyst_sees_pseudonyms_on_pages(role_clients, protection) -> None:  # type: ignore[no-untyped-def]
    name = unique_name()
    case = create_case(protection, name)
    page = role_clients["analyst"].get(f"/cases/{case['id']}")
    assert page.status_code == 200 and name not in page.text
    assert re.search(r"V-\d+", page.text)
    listing = role_clients["analyst"].get("/cases", params={"reference": case["reference"]})
    assert name not in listing.text and case["reference"] in listing.text


def test_upload_and_download_from_the_page(protection) -> None:  # type: ignore[no-untyped-def]
    case = create_case(protection)
    cid = case["id"]
    png = b"\x89PNG\r\n\x1a\n" + b"\x01" * 32
    up = protection.post(f"/cases/{cid}/attachments", files={"file": ("foto.png", png, "image/png")},
                         headers=csrf_headers(protection), follow_redirects=False)
    assert up.status_code == 303
    bad = protection.post(f"/cases/{cid}/attachments",
                          files={"file": ("x.html", b"<html></html>", "text/html")},
                          headers=csrf_headers(protection))
    assert bad.status_code == 415 and "PDF, JPEG" in bad.text
    page = protection.get(f"/cases/{cid}").text
    link = re.search(rf'href="(/cases/{cid}/attachments/\d+)"', page).group(1)
    got = protection.get(link)
    assert got.content == png and got.headers["content-type"] == "image/png"


def test_other_units_get_not_found(role_clients, protection) -> None:  # type: ignore[no-untyped-def]
    case = create_case(protection)
    assert role_clients["checkpoint_officer"].get(f"/cases/{case['id']}").status_code == 404
    assert role_clients["auditor"].get("/cases").status_code == 403


def test_people_assessments_and_support_plans_from_the_page(role_clients, protection) -> None:  # type: ignore[no-untyped-def]
    first = create_case(protection)
    victim = next(p for p in first["persons"] if p["role"] == "victim")
    second = create_case(protection)
    token = _token(protection)
    # the same victim added by hand to another case is flagged as a possible duplicate
    added = protection.post(f"/cases/{second['id']}/person", data={
        "csrf_token": token, "role": "victim", "full_name": victim["full_name"],
        "birth_date": "1999-04-12"}, follow_redirects=False)
    assert added.status_code == 303
    page = protection.get(f"/cases/{second['id']}").text
    assert first["reference"] in page
    protection.post(f"/cases/{second['id']}/assessment", data={
        "csrf_token": token, "level": "household", "risk": "medium", "notes": "utang keluarga"})
    protection.post(f"/cases/{second['id']}/support-plan", data={
        "csrf_token": token, "type": "Livelihood", "objectives": "pelatihan kerja"})
    page = protection.get(f"/cases/{second['id']}").text
    assert "utang keluarga" in page and "pelatihan kerja" in page
    bad = protection.post(f"/cases/{second['id']}/assessment", data={
        "csrf_token": token, "level": "galaxy", "risk": "medium"})
    assert bad.status_code == 422
    # the analyst does not see the sensitive section at all
    analyst_page = role_clients["analyst"].get(f"/cases/{second['id']}").text
    assert "utang keluarga" not in analyst_page


def test_the_case_page_and_summary_name_every_source_and_leave_no_empty_gaps(protection) -> None:  # type: ignore[no-untyped-def]
    """walk16: a case reported by the family read "(family)" and "Sumber laporan: family;" on
    the page and in the PDF; the possible-duplicates line ended in "(matching)"; an event
    without a date read "Perekrutan · · Medan Indonesia"; no trafficking status left an empty
    line."""
    from typing import get_args

    from waspada.cases.schemas import CaseIn
    from waspada.platform import labels

    for source in get_args(CaseIn.model_fields["source"].annotation):
        for lang in labels.LANGS:
            assert labels.label("case_source", source, lang) != source, (source, lang)
    case = create_case(protection, source="family", events=[
        {"type": "Recruitment", "city": "Medan", "country": "ID"},
        {"type": "Exploitation", "city": "Sihanoukville", "country": "KH",
         "date": "2025-11-03"}])
    page = protection.get(f"/cases/{case['id']}").text
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "(Keluarga)" in text and "family" not in text
    assert "Perekrutan · Medan, Indonesia" in text
    assert "Eksploitasi · 03-11-2025 · Sihanoukville, Kamboja" in text
    assert "· ·" not in text and "(matching)" not in text
    assert re.search(r"Status perdagangan orang\s+-", text)
    assert "Sihanoukville, Kamboja" in text.split("Tujuan", 1)[1][:80]
    import io

    from pypdf import PdfReader

    pdf = protection.get(f"/cases/{case['id']}/ringkasan.pdf")
    printed = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "(Keluarga)" in printed and "family" not in printed
    assert "Belum ada rujukan." in printed


def test_a_single_page_of_cases_shows_no_pager(protection) -> None:  # type: ignore[no-untyped-def]
    empty = protection.get("/cases", params={"reference": "NO-SUCH-REF"})
    assert empty.status_code == 200 and 'class="pager"' not in empty.text
    beyond = protection.get("/cases", params={"page": 2})  # a second page links back to the first
    assert beyond.status_code == 200 and 'class="pager"' in beyond.text


def test_a_second_pending_referral_to_the_same_organisation_is_refused_on_the_page(protection) -> None:  # type: ignore[no-untyped-def]
    cid = create_case(protection)["id"]
    protection.post(f"/api/v1/cases/{cid}/consents", json={"scope": "referral", "given": True})
    form = {"organisation": "IOM", "kind": "referral", "reason": "AdditionalServicesRequired",
            "details": "Pendampingan psikososial"}
    first = protection.post(f"/cases/{cid}/referral",
                            data={"csrf_token": _token(protection), **form},
                            follow_redirects=False)
    assert first.status_code == 303
    again = protection.post(f"/cases/{cid}/referral",
                            data={"csrf_token": _token(protection), **form,
                                  "details": "Rujukan kedua yang sama"},
                            follow_redirects=False)
    assert again.status_code == 409
    assert "sudah dirujuk ke organisasi tersebut" in again.text
    assert "Rujukan kedua yang sama" in again.text  # the officer's input is kept
    assert len(protection.get(f"/api/v1/cases/{cid}").json()["referrals"]) == 1
