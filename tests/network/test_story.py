"""Issue #18, "Done when": two offer reports and a case perpetrator share one WhatsApp number
written three ways; a screening traveller names a sponsor with that number. The lookup returns
all four sources, the offer check of a new post returns ``known_contacts``, the screening shows
the reason, and the FollowTheMoney export loads with ``followthemoney``."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.conftest import csrf_headers
from tests.network.helpers import dashed, file_report, fresh_number, spaced_international
from waspada.cli import app as root_app

runner = CliRunner()


def test_the_whole_story(role_clients, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    national, e164 = fresh_number()
    first = file_report(f"Lowongan admin Kamboja gaji 15 juta, hubungi WA {dashed(national)}")
    second = file_report(f"Kerja CS online di Myawaddy, tiket ditanggung. Chat: "
                     f"https://wa.me/{e164[1:]}")
    checkpoint = role_clients["checkpoint_officer"]
    case = checkpoint.post("/api/v1/cases", headers=csrf_headers(checkpoint), json={
        "destination_country": "KH", "exploitation_type": ["ForcedCriminality"],
        "compound_type": "OnlineScam", "summary": "Korban pulang lewat TPI.",
        "persons": [{"role": "victim", "full_name": "Sari Kembali Pulang"},
                    {"role": "perpetrator", "full_name": "Agen Anto",
                     "mobile_phone": spaced_international(e164)}]})
    assert case.status_code == 201, case.text
    case_id = case.json()["id"]

    screening = checkpoint.post("/api/v1/screenings", headers=csrf_headers(checkpoint), json={
        "kind": "departure", "full_name": "Budi Berangkat Kerja", "destination_country": "KHM",
        "sponsor": f"Pak Anto, WA {national}"})
    assert screening.status_code == 201, screening.text
    body = screening.json()
    reasons = {r["code"]: r for r in body["assessment"]["reasons"]}
    assert "network.case" in reasons, body["assessment"]["reasons"]
    assert f"#{case_id}" in reasons["network.case"]["evidence"]
    assert e164 in reasons["network.case"]["evidence"]

    analyst = role_clients["analyst"]
    found = analyst.get("/api/v1/network/lookup", params={"value": spaced_international(e164)})
    assert found.status_code == 200, found.text
    data = found.json()
    assert data["entity"]["value"] == e164
    sources = {(a["source_type"], a["source_id"]) for a in data["timeline"]}
    assert sources == {("offer_report", first), ("offer_report", second), ("case", case_id),
                       ("screening", body["id"])}
    assert {a["raw"] for a in data["timeline"]} >= {dashed(national),
                                                    spaced_international(e164)}

    check = analyst.post("/api/v1/offers/check", headers=csrf_headers(analyst), json={
        "text": f"Dicari operator chat, gaji dolar. WA: +{e164[1:]}"})
    assert check.status_code == 200, check.text
    known = {k["value"]: k for k in check.json()["known_contacts"]}
    seen = {s["source_type"]: s["count"] for s in known[e164]["seen_in"]}
    assert seen == {"offer_report": 2, "case": 1, "screening": 1}

    output = tmp_path / "graph.ftm.json"
    result = runner.invoke(root_app, ["network", "export", "--format", "ftm", "--output",
                                      str(output), "--seed", national, "--depth", "1"])
    assert result.exit_code == 0, result.output
    from followthemoney import model

    proxies = [model.get_proxy(json.loads(line)) for line in output.read_text().splitlines()]
    phones = [p for p in proxies if p.schema.name == "UserAccount" and e164 in p.get("phone")]
    assert len(phones) == 1
    documented = {p.first("document") for p in proxies if p.schema.name == "Documentation"
                  and p.first("entity") == phones[0].id}
    assert documented == {f"waspada-offer-report-{first}", f"waspada-offer-report-{second}",
                          f"waspada-case-{case_id}", f"waspada-screening-{body['id']}"}


def test_the_signed_in_offer_check_page_shows_what_is_already_known(  # type: ignore[no-untyped-def]
        role_clients, client) -> None:
    """Item 4: "the analyst/officer pages" — Cek Lowongan, opened by a signed-in analyst, runs
    the audited check and lists the sources; a visitor sees only the public count band."""
    national, e164 = fresh_number()
    file_report(f"Lowongan admin Kamboja gaji 15 juta, hubungi WA {dashed(national)}")
    analyst = role_clients["analyst"]
    analyst.get("/cek-lowongan")
    text = f"Dicari operator chat di Kamboja, gaji dolar. WA: +{e164[1:]}"
    page = analyst.post("/cek-lowongan", data={
        "text": text, "csrf_token": analyst.cookies.get("waspada_csrf")})
    assert page.status_code == 200
    assert 'id="known-contacts"' in page.text and "Sudah dikenal" in page.text
    assert f'href="/network?q=%2B{e164[1:]}"' in page.text and "Laporan lowongan: 1" in page.text
    client.get("/cek-lowongan")
    public = client.post("/cek-lowongan", data={
        "text": text, "csrf_token": client.cookies.get("waspada_csrf")})
    assert public.status_code == 200 and 'id="known-contacts"' not in public.text
