"""The public family report form: works without an account, and holds under abuse."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from tests.cases.conftest import unique_name
from waspada.cases import limits
from waspada.cases.models import Case, Person
from waspada.cases.public_pages import DESCRIPTION_ADMITTED, PUBLIC_MAX_BODY
from waspada.platform.db import session_scope


@pytest.fixture(autouse=True)
def _reset_public_limits() -> None:
    from waspada.cases.pages import public_lookup_limiter, public_report_limiter

    public_report_limiter.reset()
    public_lookup_limiter.reset()


def _form(client: TestClient, **fields: str) -> dict[str, str]:
    client.get("/lapor")
    data = {"csrf_token": client.cookies.get("waspada_csrf") or "",
            "reporter_name": "Ibu Sumiati", "reporter_phone": "0812 3456 7890",
            "relationship": "ibu", "victim_name": unique_name(),
            "victim_birth_date": "2001-02-03", "destination_country": "KH",
            "destination_city": "Bavet", "description": "Anak saya tidak bisa pulang.",
            "consent": "1"}
    data.update(fields)
    return data


def _code(html: str) -> str:
    match = re.search(r'id="follow-up-code">([^<]+)<', html)
    assert match, html[:2000]
    return match.group(1)


def test_family_reports_without_account_and_checks_status(client: TestClient, role_clients) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/lapor")
    assert page.status_code == 200 and "Laporkan keluarga yang terjebak di luar negeri" in page.text
    data = _form(client)
    response = client.post("/lapor", data=data)
    assert response.status_code == 200, response.text[:500]
    code = _code(response.text)
    # the receipt names the whole address to check it at, not a bare "/lapor/status" (walk16)
    assert re.search(r'id="status-address"><a href="/lapor/status">https?://[^<]+/lapor/status<',
                     response.text)
    # a short readable code (issue #16 item 14): four groups of four, no look-alike characters
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){3}", code), code
    with session_scope() as session:
        case = session.query(Case).filter(Case.public_code_hash.isnot(None)).order_by(
            Case.id.desc()).first()
        assert case.source == "public" and case.public_code_hash != code
        assert case.status == "reported"
    # the case went to KBRI Phnom Penh (Cambodia) and the protection officer sees it
    listed = role_clients["protection_officer"].get("/api/v1/cases",
                                                    params={"reference": case.reference})
    assert listed.json()["cases"][0]["victim"] == data["victim_name"]
    # the status page shows only the label and the date
    client.get("/lapor/status")
    status = client.post("/lapor/status", data={"code": code,
                                                "csrf_token": client.cookies["waspada_csrf"]})
    assert status.status_code == 200
    assert "Dilaporkan" in status.text
    for secret in (data["victim_name"], "Sumiati", "0812", "Bavet", case.reference):
        assert secret not in status.text
    wrong = client.post("/lapor/status", data={"code": "x" * 32,
                                               "csrf_token": client.cookies["waspada_csrf"]})
    assert wrong.status_code == 404 and "Tidak ada laporan" in wrong.text
    assert "x" * 32 not in wrong.text  # the code is secret: a mistyped one is cleared


def test_an_empty_code_asks_for_the_code(client: TestClient) -> None:
    """walk19: an empty code answered "Tidak ada laporan dengan kode ini"."""
    client.get("/lapor/status")
    for code in ("", "   ", " - - "):
        page = client.post("/lapor/status", data={"code": code,
                                                  "csrf_token": client.cookies["waspada_csrf"]})
        assert page.status_code == 422, code
        assert 'id="status-empty">Isi kode laporan.<' in page.text
        assert "Tidak ada laporan" not in page.text
    typo = "7KQM-3XWD-H9PA-RT2X"
    page = client.post("/lapor/status", data={"code": typo,
                                              "csrf_token": client.cookies["waspada_csrf"]})
    assert page.status_code == 404 and "Tidak ada laporan" in page.text
    assert typo not in page.text and "Isi kode laporan" not in page.text


def test_html_and_script_are_stored_as_text_and_escaped(client: TestClient, role_clients) -> None:  # type: ignore[no-untyped-def]
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    name = unique_name()
    response = client.post("/lapor", data=_form(client, victim_name=name,
                                                description=payload, destination_city=payload[:100]))
    assert response.status_code == 200
    with session_scope() as session:
        person = session.query(Person).filter(Person.full_name == name).one()
        case = session.get(Case, person.case_id)
        assert case.summary == payload  # stored as the plain text it is
        case_id = case.id
    page = role_clients["protection_officer"].get(f"/cases/{case_id}")
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;" in page.text


def test_oversized_and_missing_input_is_refused(client: TestClient) -> None:
    response = client.post("/lapor", data=_form(client, description="x" * 2001))
    assert response.status_code == 422
    response = client.post("/lapor", data=_form(client, victim_name="", reporter_phone="abc"))
    assert response.status_code == 422 and "wajib diisi" in response.text
    response = client.post("/lapor", data=_form(client, consent=""))
    assert response.status_code == 422
    huge = _form(client, description="y" * (PUBLIC_MAX_BODY + 1))
    assert client.post("/lapor", data=huge).status_code == 413
    # a body above the platform cap is cut off before the form is parsed
    assert client.post("/lapor", data=_form(client, description="z" * (13 * 1024 * 1024))
                       ).status_code == 413


EMOJI = "\U0001F600"  # 4 bytes in UTF-8: 12 bytes percent-encoded, the worst case


def test_the_largest_admitted_form_is_answered_by_the_form_with_the_text_kept(client: TestClient) -> None:
    """walk19: 2,700 emoji in the description got "Permintaan terlalu besar" and lost the form.
    Every field at its limit in the worst encoding, and the description far over its own, is
    admitted and answered with the field's error, everything typed kept."""
    fields = {name: EMOJI * limit for name, limit in limits.PUBLIC.items()}
    fields["description"] = EMOJI * DESCRIPTION_ADMITTED
    data = _form(client, **fields)
    body = urlencode(data)
    assert PUBLIC_MAX_BODY * 0.9 < len(body) <= PUBLIC_MAX_BODY, (len(body), PUBLIC_MAX_BODY)
    response = client.post("/lapor", content=body,
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 422, response.text[:300]
    assert re.search(r"Uraian berisi 8\.?000 karakter; paling banyak 2\.?000", response.text)
    assert EMOJI * DESCRIPTION_ADMITTED + "</textarea>" in response.text
    assert f'name="reporter_name" value="{EMOJI * 100}"' in response.text
    # the walk's report: 2,700 emoji
    response = client.post("/lapor", data=_form(client, description=EMOJI * 2700))
    assert response.status_code == 422
    assert re.search(r"Uraian berisi 2\.?700 karakter", response.text)
    assert EMOJI * 2700 + "</textarea>" in response.text


def test_line_breaks_count_once_as_the_counter_counts_them(client: TestClient) -> None:
    """The browser sends each line break as CR LF; the form's counter counts it once, and so
    does the server (2,000 characters with 40 line breaks are not "2,040 characters")."""
    lines = ["a" * 49] * 40
    text = "\r\n".join(lines)  # 40 x 49 + 39 line breaks = 1,999 characters as typed
    response = client.post("/lapor", data=_form(client, description=text + "b"))
    assert response.status_code == 200, response.text[:300]
    response = client.post("/lapor", data=_form(client, description=text + "bc"))
    assert response.status_code == 422
    assert re.search(r"Uraian berisi 2\.?001 karakter", response.text)


def test_a_body_beyond_the_limit_is_refused_quickly(client: TestClient) -> None:
    data = _form(client)
    body = urlencode(data) + "&description=" + "x" * PUBLIC_MAX_BODY
    headers = {"content-type": "application/x-www-form-urlencoded"}
    started = time.perf_counter()
    response = client.post("/lapor", content=body, headers=headers)
    assert response.status_code == 413 and "Permintaan terlalu besar" in response.text
    assert time.perf_counter() - started < 2.0

    def chunks() -> Iterator[bytes]:  # no content-length: the body itself is measured
        yield body.encode()

    started = time.perf_counter()
    response = client.post("/lapor", content=chunks(), headers=headers)
    assert response.status_code == 413
    assert time.perf_counter() - started < 2.0


def test_a_flood_of_posts_is_rate_limited(client: TestClient) -> None:
    codes = [client.post("/lapor", data=_form(client)).status_code for _ in range(8)]
    assert codes[:5] == [200] * 5
    assert set(codes[5:]) == {429}


def test_without_csrf_token_and_robots_are_refused(client: TestClient) -> None:
    data = _form(client)
    data.pop("csrf_token")
    assert client.post("/lapor", data=data).status_code == 403
    before = _count()
    bot = client.post("/lapor", data=_form(client, website="http://spam.example"))
    assert bot.status_code == 200 and 'id="follow-up-code"' not in bot.text
    assert _count() == before


def test_status_lookups_are_rate_limited(client: TestClient) -> None:
    client.get("/lapor/status")
    token = client.cookies["waspada_csrf"]
    statuses = [client.post("/lapor/status", data={"code": f"guess{i:028d}", "csrf_token": token}
                            ).status_code for i in range(32)]
    assert statuses[-1] == 429


def _count() -> int:
    with session_scope() as session:
        return session.query(Case).count()


def test_the_timeline_names_the_public_form_not_the_code_public(client: TestClient, role_clients) -> None:  # type: ignore[no-untyped-def]
    """walk task17: the case page's timeline read "Dilaporkan · 01-12-2026 22:29 · public"."""
    import io

    from pypdf import PdfReader

    assert client.post("/lapor", data=_form(client)).status_code == 200
    with session_scope() as session:
        case_id = session.query(Case).filter(Case.source == "public").order_by(
            Case.id.desc()).first().id
    officer = role_clients["protection_officer"]
    page = officer.get(f"/cases/{case_id}").text
    timeline = page.split('id="timeline"', 1)[1].split("</ol>", 1)[0]
    assert "formulir laporan masyarakat" in timeline and "· public" not in timeline
    pdf = officer.get(f"/cases/{case_id}/ringkasan.pdf")
    assert pdf.status_code == 200, pdf.text[:300]
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert "formulir laporan masyarakat" in text
