"""Issue #16 item 14: the short follow-up code, its lookup, the receipt and the status words."""

from __future__ import annotations

import hashlib
import re
import secrets

import pytest
from fastapi.testclient import TestClient

from tests.cases.conftest import unique_name
from tests.cases.test_public import _code, _form
from waspada.cases import followup
from waspada.cases.models import Case
from waspada.platform.db import session_scope


@pytest.fixture(autouse=True)
def _reset_public_limits() -> None:
    from waspada.cases.pages import public_lookup_limiter, public_report_limiter

    public_report_limiter.reset()
    public_lookup_limiter.reset()


def _status(client: TestClient, code: str):  # type: ignore[no-untyped-def]
    client.get("/lapor/status")
    return client.post("/lapor/status", data={"code": code,
                                              "csrf_token": client.cookies["waspada_csrf"]})


def test_the_alphabet_has_31_unambiguous_characters() -> None:
    assert len(followup.ALPHABET) == len(set(followup.ALPHABET)) == 31
    assert not set("0O1IL") & set(followup.ALPHABET)
    codes = {followup.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        groups = code.split("-")
        assert [len(g) for g in groups] == [4, 4, 4, 4]
        assert set("".join(groups)) <= set(followup.ALPHABET)


def test_a_code_is_found_however_it_is_typed_and_only_its_hash_is_stored(
        client: TestClient) -> None:
    code = _code(client.post("/lapor", data=_form(client, victim_name=unique_name())).text)
    with session_scope() as session:
        stored = session.query(Case.public_code_hash).order_by(Case.id.desc()).first()[0]
    assert stored == hashlib.sha256(code.replace("-", "").encode()).hexdigest()
    assert code not in stored
    for typed in (code, code.lower(), code.replace("-", " "), code.replace("-", ""),
                  f"  {code.lower().replace('-', '')} "):
        response = _status(client, typed)
        assert response.status_code == 200, typed
        assert 'id="status-explanation"' in response.text
    # one wrong character is not found
    wrong = code[:-1] + ("2" if code[-1] != "2" else "3")
    assert _status(client, wrong).status_code == 404


def test_long_codes_issued_before_keep_working(client: TestClient) -> None:
    client.post("/lapor", data=_form(client, victim_name=unique_name()))
    legacy = secrets.token_urlsafe(24)  # the 32-character codes of the earlier version
    with session_scope() as session:
        case = session.query(Case).filter(Case.public_code_hash.isnot(None)).order_by(
            Case.id.desc()).first()
        case.public_code_hash = hashlib.sha256(legacy.encode()).hexdigest()
    response = _status(client, legacy)
    assert response.status_code == 200 and "Dilaporkan" in response.text


def test_the_status_is_explained_in_plain_words_without_details(client: TestClient) -> None:
    name = unique_name()
    code = _code(client.post("/lapor", data=_form(client, victim_name=name)).text)
    response = _status(client, code)
    explanation = re.search(r'id="status-explanation">([^<]+)<', response.text).group(1)
    assert "petugas pelindungan" in explanation.lower() and "dua hari kerja" in explanation
    assert name not in response.text
    # every step a family can meet is explained, not only the current one
    steps = response.text.split('id="status-steps"')[1]
    for label in ("Dilaporkan", "Ditutup", "Hilang kontak"):
        assert label in steps


def test_the_receipt_has_next_steps_hotlines_and_a_copy_button(client: TestClient) -> None:
    page = client.post("/lapor", data=_form(client, victim_name=unique_name())).text
    assert 'class="copy-code"' in page and 'class="print-page"' in page
    assert 'id="what-happens-now"' in page
    for number in ("0800-1000", "+855 12 813 282", "peduliwni.kemlu.go.id"):
        assert number in page
    assert re.search(r'id="receipt-time">\d\d-\d\d-\d{4} \d\d:\d\d WIB<', page)


def test_a_too_long_description_is_refused_with_its_length_not_cut(client: TestClient) -> None:
    text = "Kata " * 450  # 2,250 characters
    response = client.post("/lapor", data=_form(client, description=text))
    assert response.status_code == 422
    assert "2249 karakter" in response.text and "paling banyak 2000" in response.text
    assert text.strip() in response.text  # the text comes back whole, to be shortened
    form = client.get("/lapor").text
    assert 'id="description-counter"' in form
    assert 'maxlength="2000"' not in form  # the browser no longer cuts a paste silently


def test_country_names_are_plain() -> None:
    from waspada.platform.i18n import translate

    assert translate("Thailand", "id") == "Thailand"
    assert translate("Malaysia", "id") == "Malaysia"


def test_the_receipt_is_a_page_of_its_own_and_a_reload_sends_nothing_again(
        client: TestClient) -> None:
    name = unique_name()
    sent = client.post("/lapor", data=_form(client, victim_name=name), follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == "/lapor/tanda-terima"
    assert "/lapor/tanda-terima" in sent.headers["set-cookie"]
    assert "httponly" in sent.headers["set-cookie"].lower()
    first = client.get("/lapor/tanda-terima")
    code = _code(first.text)
    assert code not in str(first.url)  # never in the address
    with session_scope() as session:
        before = session.query(Case).count()
    again = client.get("/lapor/tanda-terima")  # a reload shows the same receipt ...
    assert _code(again.text) == code
    with session_scope() as session:
        assert session.query(Case).count() == before  # ... and sends no second report
    # another browser (no cookie) gets the advice, not someone else's code
    with TestClient(client.app) as other:
        page = other.get("/lapor/tanda-terima")
    assert page.status_code == 200 and 'id="follow-up-code"' not in page.text
    assert 'id="receipt-expired"' in page.text and "0800-1000" in page.text
