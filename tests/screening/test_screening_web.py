"""Screening through the API and pages: create, interview, decide, correct, PDF, scoping."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select

from tests.conftest import sign_in
from tests.jobs_helpers import finish_jobs, job_id_of
from waspada.identity.mrz import generate_mrz
from waspada.matching import store as matching_store
from waspada.matching.records import PersonRecord
from waspada.platform.db import session_scope
from waspada.platform.security.models import Unit, User
from waspada.platform.security.users import add_user
from waspada.screening.store import ImmutableRecordError, ScreeningDecision

PASSWORD = "Sangat-rahasia-123"


def _mrz(surname: str, given: str, number: str, birth: str, sex: str = "F") -> list[str]:
    return generate_mrz("TD3", surname=surname, given_names=given, document_number=number,
                        birth_date=birth, expiry_date="2031-05-01", issuing_state="IDN",
                        nationality="IDN", sex=sex)


def _officer(username: str, unit: str, supervisor: bool = False) -> TestClient:
    from waspada.platform.web import create_app  # noqa: F401 - app fixture already built

    with session_scope() as session:
        if session.scalar(select(User).where(User.username == username)) is None:
            user = add_user(session, username, role="checkpoint_officer", unit=unit,
                            password=PASSWORD)
            user.is_supervisor = supervisor
    return username  # type: ignore[return-value]


@pytest.fixture()
def kualanamu(app) -> TestClient:  # type: ignore[no-untyped-def]
    _officer("petugas.kno", "TPI Kualanamu")
    client = TestClient(app, raise_server_exceptions=False)
    return sign_in(client, "petugas.kno", PASSWORD)


def _create(client: TestClient, **body) -> dict:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/screenings", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _decide(client: TestClient, sid: int, **body) -> dict:  # type: ignore[no-untyped-def]
    response = client.post(f"/api/v1/screenings/{sid}/decision", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_create_answer_decide_and_pdf(role_clients) -> None:  # type: ignore[no-untyped-def]
    tpi = role_clients["checkpoint_officer"]
    created = _create(tpi, mrz=_mrz("LESTARI", "DEWI", "C7654321", "1998-02-11"),
                      nik="3507015102980003", destination_country="KHM",
                      transit_countries=["MYS"], ticket="one_way", visa_type="tourist",
                      offer_text="Kerja admin online di Phnom Penh gaji 12jt, tiket ditanggung")
    sid = created["id"]
    assert created["traveller"]["full_name"] == "DEWI LESTARI"
    assert created["assessment"]["level"] in ("medium", "high")
    assert created["record_no"].startswith("BAP/TPI-SOEKARNO-HATTA/")
    updated = tpi.patch(f"/api/v1/screenings/{sid}", json={
        "answers": {"told_to_lie": "yes", "documents_held": "yes"}}).json()
    assessment = updated["assessment"]
    assert assessment["level"] == "high" and assessment["recommended_action"] == "refer_police"
    assert "coached_to_deceive" in {r["code"] for r in assessment["reasons"]}
    bad = tpi.patch(f"/api/v1/screenings/{sid}", json={"answers": {"told_to_lie": "maybe"}})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "bad_answer"
    # a different action needs a reason; a legal basis is required
    refused = tpi.post(f"/api/v1/screenings/{sid}/decision",
                       json={"action": "allow", "legal_bases": ["uu_6_2011"]})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "reason_required"
    no_basis = tpi.post(f"/api/v1/screenings/{sid}/decision",
                        json={"action": "refer_police", "legal_bases": ["made_up"]})
    assert no_basis.status_code == 422
    decided = _decide(tpi, sid, action="refer_police", legal_bases=["uu_6_2011", "uu_21_2007"],
                      statement="Saya disuruh bilang liburan.")
    decision = decided["decisions"][0]
    assert decided["status"] == "decided" and decision["verified"]
    pdf = tpi.get(f"/api/v1/screenings/{sid}/record.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "BERITA ACARA PENUNDAAN KEBERANGKATAN" in text
    assert "DEWI LESTARI" in text and created["record_no"] in text
    assert decision["verification_code"] in text
    assert "Tindak Pidana Perdagangan Orang" in " ".join(text.split())  # may wrap
    # the decision is immutable; a correction is a new linked record
    with session_scope() as session:
        row = session.get(ScreeningDecision, decision["id"])
        row.action = "allow"
        with pytest.raises(ImmutableRecordError):
            session.flush()
        session.rollback()
    no_reason = tpi.post(f"/api/v1/screenings/{sid}/decision", json={
        "action": "refer_kp2mi", "legal_bases": ["uu_18_2017"],
        "deviation_reason": "bukan TPPO", "corrects_decision_id": decision["id"]})
    assert no_reason.status_code == 422
    corrected = _decide(tpi, sid, action="refer_kp2mi", legal_bases=["uu_18_2017"],
                        deviation_reason="Tidak ada unsur paksaan; PMI nonprosedural.",
                        corrects_decision_id=decision["id"],
                        correction_reason="Salah pilih tindakan.")
    assert [d["corrects_id"] for d in corrected["decisions"]] == [None, decision["id"]]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(
        tpi.get(f"/api/v1/screenings/{sid}/record.pdf").content)).pages)
    assert "Koreksi atas berita acara" in text


def test_repeat_attempt_under_a_variant_name_is_found(role_clients, kualanamu) -> None:  # type: ignore[no-untyped-def]
    soetta = role_clients["checkpoint_officer"]
    first = _create(soetta, full_name="Siti Nurhaliza binti Ahmad", birth_date="1996-03-04",
                    sex="F", destination_country="KHM", ticket="one_way",
                    answers={"purpose": "work", "told_to_lie": "yes"})
    _decide(soetta, first["id"], action=first["assessment"]["recommended_action"],
            legal_bases=["uu_6_2011"])
    # two weeks later at Kualanamu, old spelling, split name, one-year birth shift
    again = _create(kualanamu, full_name="Sitti Nur Haliza", birth_date="1997-03-04", sex="F",
                    destination_country="MYS")
    prior = again["prior"]
    assert prior and prior[0]["record_no"] == first["record_no"]
    assert prior[0]["unit"] == "TPI Soekarno-Hatta"
    codes = {r["code"] for r in again["assessment"]["reasons"]}
    assert "history.postponed" in codes
    assert again["assessment"]["level"] in ("medium", "high")
    history = kualanamu.get(f"/api/v1/persons/{first['person_id']}/history").json()
    assert history["hidden_other_units"] >= 1  # officers see other units' records only as hints
    analyst = role_clients["analyst"].get(f"/api/v1/persons/{first['person_id']}/history")
    assert first["record_no"] in analyst.text


def test_exit_ban_watchlist_hit(role_clients) -> None:  # type: ignore[no-untyped-def]
    with session_scope() as session:
        matching_store.add_entry(session, PersonRecord(
            record_id="CEKAL-TEST-1", full_name="Bambang Suryadi", birth_date=date(1980, 5, 5),
            sex="M", nik="3171010505800007"), reason="pencegahan KPK (uji)", source="test",
            list_kind="pencegahan", expires_on=None, actor="test")
    created = _create(role_clients["checkpoint_officer"], full_name="H. Bambang Soeryadi",
                      birth_date="1980-05-05", sex="M", destination_country="SGP")
    assert created["assessment"]["level"] == "high"
    assert created["assessment"]["recommended_action"] == "postpone"
    assert created["watchlist"][0]["entry_id"] == "CEKAL-TEST-1"


def test_unit_scoping(role_clients, kualanamu) -> None:  # type: ignore[no-untyped-def]
    mine = _create(kualanamu, full_name="Rudi Hartono", destination_country="THA")
    assert role_clients["checkpoint_officer"].get(
        f"/api/v1/screenings/{mine['id']}").status_code == 404
    assert role_clients["analyst"].get(f"/api/v1/screenings/{mine['id']}").status_code == 200
    assert role_clients["analyst"].post("/api/v1/screenings", json={
        "full_name": "x"}).status_code == 403
    assert role_clients["protection_officer"].get(
        f"/api/v1/screenings/{mine['id']}").status_code == 403
    page = role_clients["checkpoint_officer"].get("/screenings")
    assert mine["record_no"] not in page.text
    assert mine["record_no"] in kualanamu.get("/screenings").text


def test_bad_input_never_crashes(role_clients) -> None:  # type: ignore[no-untyped-def]
    tpi = role_clients["checkpoint_officer"]
    broken = _create(tpi, mrz=["P<IDNBROKEN<<LINE", "123"], full_name="Tono")
    assert any(f["severity"] == "critical" for f in broken["documents"])
    missing = tpi.post("/api/v1/screenings", json={"destination_country": "KHM"})
    assert missing.status_code == 422 and missing.json()["error"]["code"] == "name_missing"
    impossible = tpi.post("/api/v1/screenings", json={"full_name": "A", "birth_date": "2020-02-31"})
    assert impossible.status_code == 422
    page = tpi.post("/screenings", data={"full_name": "Budi", "birth_date": "31-02-1990",
                                         "csrf_token": tpi.cookies["waspada_csrf"]})
    assert page.status_code == 400 and "tidak valid" in page.text
    unknown = tpi.patch(f"/api/v1/screenings/{broken['id']}",
                        json={"answers": {"favourite": "yes"}})
    assert unknown.status_code == 422


def test_pages_decision_export_and_stats(role_clients) -> None:  # type: ignore[no-untyped-def]
    tpi = role_clients["checkpoint_officer"]
    token = tpi.cookies["waspada_csrf"]
    start = tpi.post("/screenings", data={"full_name": "Agus Salim", "nik": "3507010101900009",
                                          "destination_country": "KHM", "csrf_token": token},
                     follow_redirects=False)
    assert start.status_code == 303
    url = start.headers["location"]
    page = tpi.get(url)
    assert page.status_code == 200 and "Wawancara" in page.text and "Penilaian" in page.text
    sid = int(url.rsplit("/", 1)[1])
    saved = tpi.post(f"/screenings/{sid}/answers", data={"q_purpose": "work",
                                                         "q_has_job_offer": "yes",
                                                         "csrf_token": token},
                     follow_redirects=False)
    assert saved.status_code == 303
    decided = tpi.post(f"/screenings/{sid}/decision", data={
        "action": "secondary_interview", "legal_bases": "uu_6_2011", "csrf_token": token},
        follow_redirects=False)
    assert decided.status_code in (303, 400)
    # the export runs as a background job; its page offers CSV and Excel
    started = tpi.post("/screenings/export", data={"format": "csv", "csrf_token": token},
                       follow_redirects=False)
    job_id = job_id_of(started)
    finish_jobs()
    page = tpi.get(f"/jobs/{job_id}")
    assert page.status_code == 200 and "pemeriksaan dari" in page.text  # paged rows
    assert f'/jobs/{job_id}/screenings.xlsx' in page.text
    export = tpi.get(f"/jobs/{job_id}/screenings.csv")
    assert export.status_code == 200 and "Agus Salim" in export.text
    xlsx = tpi.get(f"/jobs/{job_id}/screenings.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and any("Agus Salim" in (c or "") for row in sheet.iter_rows(
        values_only=True) for c in row if isinstance(c, str))
    assert role_clients["protection_officer"].get(f"/jobs/{job_id}/screenings.csv").status_code == 404
    refused = tpi.post("/screenings/export", data={"format": "pdf", "csrf_token": token},
                       follow_redirects=False)
    assert refused.status_code in (400, 422) and "Traceback" not in refused.text
    stats = role_clients["analyst"].get("/screenings/stats")
    assert stats.status_code == 200 and "Kamboja" in stats.text
    # countries by name under a header, days as dd-mm-yyyy (walk16: KHM, 2026-12-01)
    dest = stats.text.split('id="by-destination"', 1)[1].split("</table>", 1)[0]
    assert "<th>Negara tujuan</th>" in dest and "<td>KHM</td>" not in dest
    days = re.findall(r"<tr><td>([^<]*)</td>", stats.text.split('id="by-day"', 1)[1]
                      .split("</table>", 1)[0])
    assert days and all(re.fullmatch(r"\d{2}-\d{2}-\d{4}", d) for d in days), days[:3]
    # one navigation item is current: "Statistik Pemeriksaan", not "Pemeriksaan" as well
    officer = role_clients["checkpoint_officer"].get("/screenings/stats").text
    current = re.findall(r'<a href="([^"]+)" aria-current="page"', officer)
    assert current == ["/screenings/stats"], current


def test_supervisor_approval_where_the_unit_requires_it(app) -> None:  # type: ignore[no-untyped-def]
    with session_scope() as session:
        unit = session.scalar(select(Unit).where(Unit.code == "tpi-ngurah-rai"))
        if unit is None:
            from waspada.platform.security.users import get_or_create_unit

            unit = get_or_create_unit(session, "TPI Ngurah Rai", kind="checkpoint")
        unit.requires_supervisor_approval = True
    _officer("petugas.dps", "TPI Ngurah Rai")
    _officer("kasi.dps", "TPI Ngurah Rai", supervisor=True)
    officer = sign_in(TestClient(app), "petugas.dps", PASSWORD)
    supervisor = sign_in(TestClient(app), "kasi.dps", PASSWORD)
    created = _create(officer, full_name="Wayan Sudarsana", destination_country="KHM",
                      answers={"told_to_lie": "yes", "documents_held": "yes"})
    decided = _decide(officer, created["id"], action="refer_police", legal_bases=["uu_21_2007"])
    decision = decided["decisions"][0]
    assert decision["needs_approval"] and decision["approval"] is None
    own = officer.post(f"/screenings/{created['id']}/decisions/{decision['id']}/approval",
                       data={"approved": "yes", "csrf_token": officer.cookies["waspada_csrf"]})
    assert own.status_code == 400
    ok = supervisor.post(f"/screenings/{created['id']}/decisions/{decision['id']}/approval",
                         data={"approved": "yes", "note": "setuju",
                               "csrf_token": supervisor.cookies["waspada_csrf"]},
                         follow_redirects=False)
    assert ok.status_code == 303
    after = officer.get(f"/api/v1/screenings/{created['id']}").json()
    assert after["decisions"][0]["approval"]["approved"] is True


def test_person_is_visible_only_through_a_visible_screening(role_clients, kualanamu) -> None:  # type: ignore[no-untyped-def]
    """Defect: an officer of another unit read the identity behind any person id."""
    soetta = role_clients["checkpoint_officer"]
    mine = _create(kualanamu, full_name="Wiwik Sukmawati Rangkuti", birth_date="1993-07-21",
                   sex="F", nik="1271016107930004", passport_no="C4455667",
                   destination_country="KHM")
    person_id = mine["person_id"]
    nonexistent = soetta.get("/api/v1/persons/999999999/history")
    for path in (f"/api/v1/persons/{person_id}/history", f"/persons/{person_id}"):
        response = soetta.get(path)
        assert response.status_code == 404 == nonexistent.status_code, path
        for secret in ("Wiwik", "Rangkuti", "1271016107930004", "C4455667", "1993-07-21"):
            assert secret not in response.text, (path, secret)
    assert soetta.get(f"/persons/{person_id}").status_code == 404
    # the unit that screened the person, and analysts (every unit), still see the history
    own = kualanamu.get(f"/api/v1/persons/{person_id}/history")
    assert own.status_code == 200 and own.json()["person"]["nik"] == "1271016107930004"
    page = kualanamu.get(f"/persons/{person_id}")
    assert page.status_code == 200
    assert "21-07-1993" in page.text and "1993-07-21" not in page.text  # as elsewhere (walk16)
    analyst = role_clients["analyst"].get(f"/api/v1/persons/{person_id}/history")
    assert analyst.status_code == 200 and mine["record_no"] in analyst.text


def test_linked_person_does_not_show_the_other_units_identity(role_clients, kualanamu) -> None:  # type: ignore[no-untyped-def]
    """Typing a name that links to another unit's traveller must not reveal their NIK/passport."""
    first = _create(kualanamu, full_name="Ratnasari Dewi Hutagalung", birth_date="1990-01-30",
                    sex="F", nik="1271017001900002", passport_no="C9988776",
                    destination_country="KHM")
    soetta = role_clients["checkpoint_officer"]
    again = _create(soetta, full_name="Ratnasari Dewi Hutagalung", birth_date="1990-01-30",
                    sex="F", destination_country="MYS")
    assert again["person_id"] == first["person_id"]  # the matching engine linked them
    for path in (f"/api/v1/persons/{first['person_id']}/history",
                 f"/persons/{first['person_id']}"):
        response = soetta.get(path)
        assert response.status_code == 200
        assert "Ratnasari" in response.text
        assert "1271017001900002" not in response.text and "C9988776" not in response.text
    own = kualanamu.get(f"/api/v1/persons/{first['person_id']}/history").json()
    assert own["person"]["nik"] == "1271017001900002"
