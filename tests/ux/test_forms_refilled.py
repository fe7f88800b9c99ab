"""Issue #16, defect 5: a refused form comes back filled in with the problem next to its field;
a POST-only form address opened with GET shows its page instead of "405"."""

from __future__ import annotations

from bs4 import BeautifulSoup


def _screening(client) -> int:  # type: ignore[no-untyped-def]
    token = client.cookies["waspada_csrf"]
    start = client.post("/screenings", data={"full_name": "Rina Wulandari",
                                             "nik": "3507015505950004",
                                             "destination_country": "KHM",
                                             "csrf_token": token}, follow_redirects=False)
    assert start.status_code == 303
    return int(start.headers["location"].rsplit("/", 1)[1])


def test_refused_decision_keeps_every_input_and_names_the_field(role_clients) -> None:  # type: ignore[no-untyped-def]
    tpi = role_clients["checkpoint_officer"]
    sid = _screening(tpi)
    page = BeautifulSoup(tpi.get(f"/screenings/{sid}").text, "html.parser")
    recommended = page.select_one("#action option[selected]")["value"]
    other = next(o["value"] for o in page.select("#action option") if o["value"] != recommended)
    refused = tpi.post(f"/screenings/{sid}/decision", data={
        "action": other, "legal_bases": ["uu_6_2011", "uu_21_2007"],
        "statement": "Saya mau kerja di Phnom Penh.", "deviation_reason": "",
        "csrf_token": tpi.cookies["waspada_csrf"]}, follow_redirects=False)
    assert refused.status_code == 400
    form = BeautifulSoup(refused.text, "html.parser").select_one("#decision-form")
    assert form.select_one("#action option[selected]")["value"] == other
    ticked = {box["value"] for box in form.select("input[name=legal_bases][checked]")}
    assert ticked == {"uu_6_2011", "uu_21_2007"}
    assert form.select_one("#statement").text == "Saya mau kerja di Phnom Penh."
    reason = form.select_one("#deviation_reason")
    assert reason["aria-invalid"] == "true"
    problem = form.select_one("#" + reason["aria-describedby"])
    assert problem is not None and "alasan" in problem.text.lower()
    # the problem stands right after its field, not only at the top of the page
    assert reason.find_next_sibling() is problem


def test_form_too_long_is_refilled_with_problem_beside_it(role_clients) -> None:  # type: ignore[no-untyped-def]
    tpi = role_clients["checkpoint_officer"]
    sid = _screening(tpi)
    refused = tpi.post(f"/screenings/{sid}/decision", data={
        "action": "allow", "legal_bases": "uu_6_2011", "statement": "x" * 20_001,
        "deviation_reason": "cukup jelas", "csrf_token": tpi.cookies["waspada_csrf"]},
        follow_redirects=False)
    assert refused.status_code == 400
    form = BeautifulSoup(refused.text, "html.parser").select_one("#decision-form")
    assert form.select_one("#deviation_reason").text == "cukup jelas"
    assert form.select_one("#statement")["aria-describedby"] == "problem-statement"
    assert form.select_one("#problem-statement") is not None


def test_get_on_a_form_address_shows_its_page(role_clients) -> None:  # type: ignore[no-untyped-def]
    tpi = role_clients["checkpoint_officer"]
    sid = _screening(tpi)
    opened = tpi.get(f"/screenings/{sid}/decision", follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == f"/screenings/{sid}"
    answers = tpi.get(f"/screenings/{sid}/answers", follow_redirects=True)
    assert answers.status_code == 200 and 'id="decision-form"' in answers.text
    # the API keeps its plain answer
    api = tpi.get(f"/api/v1/screenings/{sid}/decision")
    assert api.status_code == 405


def test_new_case_and_watchlist_forms_name_the_field(role_clients) -> None:  # type: ignore[no-untyped-def]
    protection = role_clients["protection_officer"]
    refused = protection.post("/cases/new", data={
        "victim_name": "", "destination_city": "Bavet",
        "csrf_token": protection.cookies["waspada_csrf"]}, follow_redirects=False)
    assert refused.status_code == 422
    form = BeautifulSoup(refused.text, "html.parser").select_one("#case-new")
    assert form.select_one("input[name=destination_city]")["value"] == "Bavet"
    assert form.select_one("input[name=victim_name]")["aria-describedby"] == "problem-victim_name"
    analyst = role_clients["analyst"]
    searched = analyst.post("/watchlist/search", data={
        "full_name": "", "nik": "3507015505950004",
        "csrf_token": analyst.cookies["waspada_csrf"]}, follow_redirects=False)
    assert searched.status_code in (400, 422)
    page = BeautifulSoup(searched.text, "html.parser")
    assert page.select_one("input[name=nik]")["value"] == "3507015505950004"
    assert page.select_one("#problem-full_name") is not None
