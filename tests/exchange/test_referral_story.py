"""Issue #17, "Done when": the whole referral story between two real Waspada installations.

A is KBRI Phnom Penh, B is Ditjen Imigrasi: two uvicorn processes, two SQLite databases, two data
directories, two key pairs (``tests/exchange/servers.py``). Everything happens over real HTTP and
through the product's own CLI, API and pages, as the officers of each side (personal API tokens
made with ``waspada users token --scope full``); the test reads the databases only to assert.

Set-up: A registers B as ``imigrasi`` (ImmigrationService, automatic acceptance); B registers A as
``kbri`` (CentralGovernmentOrganisation: Kemlu) with MANUAL acceptance. A protection officer at
A opens the case of a woman held in a scam compound; B already holds a case of the same woman
(her family reported her at B) and a watchlist entry for her.

1. **Consent.** A send without the victim's consent is refused with a clear error (API and CLI)
   and nothing is queued; ``--consent-override REASON`` (on another victim's case) builds a
   bundle marked with the legal basis and is audited. The officer records the victim's consent for ``imigrasi`` (purpose
   services, and verification for step 6) through the API and sends the referral: it is queued
   in A's outbox and pushed by A's delivery thread.
2. **Manual acceptance at B.** The bundle waits; B's preview (API and the inbox page) lists the
   changes, and B's duplicate detection found B's own case of the same woman
   (``possible_duplicate_of``). The same bundle is delivered three times (A's push, then twice
   more): ``replayed``. An officer accepts: the referral is linked to B's case, so the woman's
   case exists at B once, under A's global id.
3. **Refusals.** A tampered byte (``bad_signature``), a misaddressed bundle (``wrong_recipient``)
   and the replays of step 2 store nothing (the transport cases are in test_two_servers).
4. **B's update flows back.** B's officer changes the trafficking status and sends the case to A
   (a ``case_update``, applied automatically at A): A's case shows the new status, version 2.
5. **Conflict.** Both sides change the trafficking status from the same version 2 and send
   it: each side's version 3. B's arrives at A: a conflict is recorded, nothing is overwritten,
   the conflicts API and page show both values. A's waits at B, whose preview says accepting
   records a conflict; accepted, it does. A's officer keeps A's value; the resolution (version
   4) is sent to B and accepted there (B's own conflict is superseded by it): both sides hold
   A's value at version 4, with no open conflict.
6. **Verification.** A asks B to verify the victim's citizenship (deadline 3 working days); B's
   officer accepts the request, whose answer the matching engine drafted from B's watchlist
   (score and evidence); B's home page reminds of it with the deadline; a passport officer
   approves; the answer flows back and A's case shows "Kewarganegaraan terverifikasi" with the
   score and evidence. (The overdue reminder of a past deadline is tested in
   test_verification.py: a deadline cannot be put in the past through the product.)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.exchange.servers import Installation, Side, start_pair, wait_for
from waspada.exchange import bundle, verification
from waspada.platform import labels

VICTIM = "Siti Rahmawati Lubis"
BIRTH = "1999-04-12"
PASSWORD = "Cerita-Rujukan-2026!"
OVERRIDE = "UU 21/2007 pasal 43: korban TPPO dalam bahaya, rujukan mendesak"
STATUS_AT_B = "ActualVictimOfTrafficking"
STATUS_AT_A = "NotAVictimOfTrafficking"
STATUS_LATER_AT_B = "PossibleVictimOfTrafficking"


def _user(name: str, role: str, unit: str) -> list[dict[str, Any] | list[str]]:
    return [{"args": ["users", "add", name, "--role", role, "--unit", unit, "--create-unit",
                      "--password-stdin"], "input": PASSWORD + "\n"},
            ["users", "token", name, "--scope", "full"]]


class Officer:
    """One officer of one installation, signed in with a personal API token."""

    def __init__(self, inst: Installation, token: str) -> None:
        self.inst = inst
        self.http = httpx.Client(base_url=inst.url, timeout=20,
                                 headers={"Authorization": f"Bearer {token.strip()}"})

    def get(self, path: str) -> Any:
        response = self.http.get(path)
        assert response.status_code == 200, response.text
        return response.json()

    def page(self, path: str) -> str:
        response = self.http.get(path)
        assert response.status_code == 200, response.text[:500]
        return response.text

    def post(self, path: str, body: dict[str, Any], status: int) -> Any:
        response = self.http.post(path, json=body)
        assert response.status_code == status, response.text
        return response.json()

    def patch(self, path: str, body: dict[str, Any]) -> Any:
        response = self.http.patch(path, json=body)
        assert response.status_code == 200, response.text
        return response.json()


class Story:
    """The two installations, their officers, and what the steps learn along the way."""

    def __init__(self, a: Installation, b: Installation, tokens: list[list[str]]) -> None:
        self.a, self.b = a, b
        self.kbri = Officer(a, tokens[0][1])
        self.imigrasi = Officer(b, tokens[1][1])  # protection officer at B
        self.paspor = Officer(b, tokens[1][3])  # passport officer at B
        self.facts: dict[str, Any] = {}


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Story]:
    a = Installation("KBRI Phnom Penh", tmp_path_factory.mktemp("story-kbri"))
    b = Installation("Ditjen Imigrasi", tmp_path_factory.mktemp("story-imigrasi"))
    watch = ["watchlist", "add", "--record-id", "WL-STORY-1", "--full-name", VICTIM,
             "--birth-date", BIRTH, "--sex", "F", "--kind", "victim",
             "--reason", "Dilaporkan hilang oleh keluarga", "--source", "Kanim Medan"]
    tokens = start_pair(
        a, Side(a.name, "kbri", "CentralGovernmentOrganisation", "manual",
                tuple(_user("pelindungan.kbri", "protection_officer", "KBRI Phnom Penh")),
                admin="admin.kbri"),
        b, Side(b.name, "imigrasi", "ImmigrationService", "auto",
                (*_user("pelindungan.imigrasi", "protection_officer", "Ditjen Imigrasi Pusat"),
                 *_user("paspor.imigrasi", "passport_officer", "Ditjen Imigrasi Pusat"),
                 watch), admin="admin.imigrasi"))
    story = Story(a, b, tokens)
    try:
        yield story
    finally:
        for officer in (story.kbri, story.imigrasi, story.paspor):
            officer.http.close()
        a.stop()
        b.stop()


def _outbox(inst: Installation, kind: str) -> list[tuple[Any, ...]]:
    return inst.rows("SELECT id, status, bundle FROM exchange_outbox WHERE kind = ? "
                     "ORDER BY id", kind)


def _delivered(inst: Installation, outbox_id: int) -> None:
    wait_for(f"outbox {outbox_id} delivered", lambda: inst.rows(
        "SELECT status FROM exchange_outbox WHERE id = ?", outbox_id) == [("delivered",)],
        seconds=20)


def _pending(officer: Officer, kind: str) -> dict[str, Any]:
    items = [i for i in officer.get("/api/v1/exchange/inbox?status=pending")
             if i["kind"] == kind]
    assert len(items) == 1, items
    return dict(items[0])


def _exchange(officer: Officer, case_id: int) -> dict[str, Any]:
    return dict(officer.get(f"/api/v1/exchange/cases/{case_id}"))


def _status(officer: Officer, case_id: int) -> str | None:
    case = officer.get(f"/api/v1/cases/{case_id}")
    return case.get("trafficking_status")


def test_1_consent_is_enforced_then_the_referral_is_queued_and_pushed(story: Story) -> None:
    kbri, imigrasi = story.kbri, story.imigrasi
    case = kbri.post("/api/v1/cases", {
        "destination_country": "KH", "destination_city": "Sihanoukville",
        "exploitation_type": ["ForcedCriminality"], "compound_type": "OnlineScam",
        "summary": "Dijanjikan kerja admin, dipaksa menipu daring.",
        "persons": [{"role": "victim", "full_name": VICTIM, "birth_date": BIRTH,
                     "gender": "Feminine", "citizenship": "ID",
                     "mobile_phone": "+6281234567890"},
                    {"role": "reporter", "full_name": "Ibu Pelapor",
                     "mobile_phone": "+6285700000000", "relationship": "mother"}],
        "events": [{"type": "Recruitment", "city": "Medan", "country": "ID",
                    "date": "2025-11-01", "description": "Iklan lowongan di Facebook"},
                   {"type": "Exploitation", "city": "Sihanoukville", "country": "KH"}]}, 201)
    at_b = imigrasi.post("/api/v1/cases", {  # B's own case of the same woman
        "destination_country": "KH", "summary": "Keluarga melapor di Kanim Medan.",
        "persons": [{"role": "victim", "full_name": VICTIM, "birth_date": BIRTH,
                     "gender": "Feminine"}]}, 201)
    story.facts.update(case_a=case["id"], ref_a=case["reference"], case_b=at_b["id"],
                       ref_b=at_b["reference"])
    # without consent: refused, clearly, through the API and the CLI; nothing queued
    refused = kbri.post("/api/v1/exchange/send", {"case_number": case["reference"],
                                                  "partner": "imigrasi"}, 409)
    assert refused["error"]["code"] == "consent_missing"
    assert "consent" in refused["error"]["message"].lower()
    # ... and through the CLI, where a documented legal basis instead of consent (another
    # victim's case; as a file here, for air-gapped delivery) builds a marked, audited bundle
    other = kbri.post("/api/v1/cases", {
        "destination_country": "KH", "summary": "Korban tidak sadar, dirawat di Phnom Penh.",
        "persons": [{"role": "victim", "full_name": "Dewi Anggraini Putri",
                     "birth_date": "2001-02-03", "gender": "Feminine"}]}, 201)
    file = Path(story.a.root) / "override.bundle"
    cli_refusal, _sent = story.a.cli(
        {"args": ["exchange", "send", case["reference"], "--to", "imigrasi"], "fails": True},
        ["exchange", "send", other["reference"], "--to", "imigrasi", "--consent-override",
         OVERRIDE, "--output", str(file)])
    assert "consent" in cli_refusal.lower() and "Traceback" not in cli_refusal
    assert [status for _id, status, _raw in _outbox(story.a, "referral")] == ["file"]
    assert json.loads(file.read_bytes())["kind"] == "referral"
    audited = story.a.rows("SELECT detail FROM audit_entries WHERE action = "
                           "'exchange.consent_override'")
    assert len(audited) == 1 and OVERRIDE in audited[0][0]
    # the victim consents (written) to Ditjen Imigrasi: referral and verification
    victim = next(v["id"] for v in _exchange(kbri, case["id"])["victims"])
    story.facts["victim_a"] = victim
    for purpose in ("services", "verification"):
        kbri.post(f"/api/v1/exchange/cases/{case['id']}/consents", {
            "person_id": victim, "recipient": "imigrasi", "purpose": purpose, "given": True,
            "method": "written"}, 201)
    queued = kbri.post("/api/v1/exchange/send", {"case_number": case["reference"],
                                                 "partner": "imigrasi"}, 202)
    _delivered(story.a, queued["outbox_id"])
    story.facts["outbox_referral"] = queued["outbox_id"]


def test_2_b_previews_detects_the_duplicate_and_accepts_once(story: Story) -> None:
    imigrasi, facts = story.imigrasi, story.facts
    waiting = _pending(imigrasi, "referral")
    assert waiting["status"] == "pending"
    changes = {c["field"]: c for c in waiting["changes"]}
    # B's duplicate detection ran against B's cases: the woman is B's case already
    duplicate = changes["possible_duplicate_of"]["new"]
    assert duplicate.startswith(facts["ref_b"])
    assert int(duplicate.split("(")[1].rstrip(")")) >= 90
    page = imigrasi.page("/exchange/inbox")
    # the field in words (the page showed the raw code possible_duplicate_of before)
    assert "Kemungkinan sama dengan kasus di sini" in page and facts["ref_b"] in page
    # the same bundle delivered twice more (A's delivery was the first): refused as replays
    raw = story.a.rows("SELECT bundle FROM exchange_outbox WHERE id = ?",
                       facts["outbox_referral"])[0][0].encode()
    again = [story.b.push(raw) for _ in range(2)]
    assert [r.status_code for r in again] == [409, 409]
    assert {r.json()["error"]["code"] for r in again} == {"replayed"}
    accepted = imigrasi.post(f"/api/v1/exchange/inbox/{waiting['id']}/accept", {}, 200)
    assert accepted["case_number"] == facts["ref_b"] and not accepted["created"]
    # the woman's case exists at B once, under A's global id
    assert story.b.rows("SELECT count(*) FROM case_persons WHERE full_name = ? AND role = "
                        "'victim'", VICTIM) == [(1,)]
    global_a = _exchange(story.kbri, facts["case_a"])["global_id"]
    assert story.b.rows("SELECT case_id FROM exchange_shared_cases WHERE global_id = ?",
                        global_a) == [(facts["case_b"],)]
    assert story.b.rows("SELECT count(*) FROM exchange_inbox WHERE kind = 'referral'") == [(1,)]
    at_b = imigrasi.get(f"/api/v1/cases/{facts['case_b']}")
    assert at_b["summary"] == "Keluarga melapor di Kanim Medan."  # nothing held was overwritten
    assert at_b["compound_type"] == "OnlineScam"  # what B lacked was filled
    assert story.b.rows("SELECT count(*) FROM audit_entries WHERE action = 'exchange.case_link'"
                        ) == [(1,)]


def test_3_tampered_and_misaddressed_bundles_are_refused(story: Story) -> None:
    raw = story.a.rows("SELECT bundle FROM exchange_outbox WHERE id = ?",
                       story.facts["outbox_referral"])[0][0]
    envelope = json.loads(raw)
    cipher = bytearray(bundle.b64d(envelope["ciphertext"]))
    cipher[len(cipher) // 2] ^= 0x01
    before = story.b.rows("SELECT count(*) FROM exchange_inbox")
    tampered = story.b.push(bundle.canonical({**envelope,
                                              "ciphertext": bundle.b64e(bytes(cipher))}))
    assert tampered.status_code == 403 and tampered.json()["error"]["code"] == "bad_signature"
    misaddressed = story.a.push(raw.encode())  # A's bundle for B, pushed to A
    assert misaddressed.json()["error"]["code"] == "wrong_recipient"
    assert story.b.rows("SELECT count(*) FROM exchange_inbox") == before
    assert story.a.rows("SELECT count(*) FROM exchange_inbox WHERE kind = 'referral'") == [(0,)]


def _b_sends_to_a(story: Story) -> None:
    queued = story.imigrasi.post("/api/v1/exchange/send", {
        "case_number": story.facts["ref_b"], "partner": "kbri"}, 202)
    _delivered(story.b, queued["outbox_id"])


def test_4_b_updates_the_case_and_the_update_flows_back_to_a(story: Story) -> None:
    imigrasi, kbri, facts = story.imigrasi, story.kbri, story.facts
    assert _exchange(kbri, facts["case_a"])["version"] == 1
    imigrasi.patch(f"/api/v1/cases/{facts['case_b']}/htcds",
                   {"trafficking_status": STATUS_AT_B})
    # B sends to A: the victim's data needs her consent for KBRI at B too
    victim_b = next(v["id"] for v in _exchange(imigrasi, facts["case_b"])["victims"])
    imigrasi.post(f"/api/v1/exchange/cases/{facts['case_b']}/consents", {
        "person_id": victim_b, "recipient": "kbri", "purpose": "services", "given": True,
        "method": "written", "note": "Persetujuan tertulis diteruskan KBRI"}, 201)
    _b_sends_to_a(story)
    arrived = story.a.rows("SELECT kind, status FROM exchange_inbox WHERE kind IN "
                           "('referral', 'case_update')")
    assert arrived == [("case_update", "accepted")]
    assert _status(kbri, facts["case_a"]) == STATUS_AT_B
    assert _exchange(kbri, facts["case_a"])["version"] == 2
    assert _exchange(imigrasi, facts["case_b"])["version"] == 2


def test_5_concurrent_edits_are_conflicts_a_person_resolves(story: Story) -> None:
    imigrasi, kbri, facts = story.imigrasi, story.kbri, story.facts
    kbri.patch(f"/api/v1/cases/{facts['case_a']}/htcds", {"trafficking_status": STATUS_AT_A})
    imigrasi.patch(f"/api/v1/cases/{facts['case_b']}/htcds",
                   {"trafficking_status": STATUS_LATER_AT_B})
    # both send what they changed from version 2: each side's version 3
    from_a = kbri.post("/api/v1/exchange/send", {"case_number": facts["ref_a"],
                                                 "partner": "imigrasi"}, 202)
    _b_sends_to_a(story)  # B's update arrives at A (automatic acceptance): a conflict
    _delivered(story.a, from_a["outbox_id"])
    assert _status(kbri, facts["case_a"]) == STATUS_AT_A  # never last-write-wins
    (conflict,) = kbri.get("/api/v1/exchange/conflicts")
    assert conflict["fields"] == [{"field": "vic_TraffickingStatus", "local": STATUS_AT_A,
                                   "incoming": STATUS_LATER_AT_B}]
    assert (conflict["local_version"], conflict["incoming_version"]) == (3, 3)
    (received, *_older) = [i for i in kbri.get("/api/v1/exchange/inbox")
                           if i["kind"] == "case_update"]
    assert received["status"] == "accepted" and received["result"]["conflict"]
    # A's update waits at B, whose preview says that accepting it records a conflict
    waiting = _pending(imigrasi, "case_update")
    assert waiting["conflict"]
    assert {c["field"]: c["new"] for c in waiting["changes"]} == {
        "vic_TraffickingStatus": STATUS_AT_A}
    assert f'id="conflict-{waiting["id"]}"' in imigrasi.page("/exchange/inbox")
    imigrasi.post(f"/api/v1/exchange/inbox/{waiting['id']}/accept", {}, 200)
    assert _status(imigrasi, facts["case_b"]) == STATUS_LATER_AT_B
    (at_b,) = imigrasi.get("/api/v1/exchange/conflicts")
    assert at_b["fields"] == [{"field": "vic_TraffickingStatus", "local": STATUS_LATER_AT_B,
                               "incoming": STATUS_AT_A}]
    # a person at A decides: A's value stays
    page = kbri.page(f"/exchange/conflicts/{conflict['id']}")
    # both values, in words (the API above keeps the codes)
    assert labels.label("trafficking_status", STATUS_AT_A) in page
    assert labels.label("trafficking_status", STATUS_LATER_AT_B) in page
    assert STATUS_AT_A not in page.replace('value="', "")  # no raw code shown
    refused = kbri.post(f"/api/v1/exchange/conflicts/{conflict['id']}/resolve",
                        {"choices": {}}, 422)
    assert refused["error"]["code"] == "choice_missing"
    kbri.post(f"/api/v1/exchange/conflicts/{conflict['id']}/resolve",
              {"choices": {"vic_TraffickingStatus": "local"}}, 200)
    assert kbri.get("/api/v1/exchange/conflicts") == []
    assert _exchange(kbri, facts["case_a"])["version"] == 4
    # the resolution travels to B, which accepts it: no conflict any more on either side
    queued = kbri.post("/api/v1/exchange/send", {"case_number": facts["ref_a"],
                                                 "partner": "imigrasi"}, 202)
    _delivered(story.a, queued["outbox_id"])
    update = _pending(imigrasi, "case_update")
    assert not update["conflict"]
    assert {c["field"]: c["new"] for c in update["changes"]} == {
        "vic_TraffickingStatus": STATUS_AT_A}
    imigrasi.post(f"/api/v1/exchange/inbox/{update['id']}/accept", {}, 200)
    assert _status(imigrasi, facts["case_b"]) == STATUS_AT_A == _status(kbri, facts["case_a"])
    assert _exchange(imigrasi, facts["case_b"])["version"] == 4
    assert _exchange(kbri, facts["case_a"])["version"] == 4
    assert imigrasi.get("/api/v1/exchange/conflicts") == []  # B's own is superseded
    assert story.b.rows("SELECT status, resolved_by FROM exchange_conflicts") == [
        ("superseded", "exchange:kbri")]


def test_6_a_verification_request_is_answered_and_shown_as_evidence(story: Story) -> None:
    imigrasi, paspor, kbri, facts = story.imigrasi, story.paspor, story.kbri, story.facts
    asked_at = datetime.now(UTC)
    kbri.post(f"/api/v1/exchange/cases/{facts['case_a']}/verifications", {
        "partner": "imigrasi", "person_id": facts["victim_a"], "working_days": 3}, 201)
    (sent,) = _exchange(kbri, facts["case_a"])["verifications"]
    deadline = datetime.fromisoformat(sent["deadline"])
    assert sent["status"] == "sent" and not sent["overdue"]
    assert abs((deadline - verification.deadline_after(asked_at, 3)).total_seconds()) < 120
    wait_for("the request at B", lambda: story.b.rows(
        "SELECT count(*) FROM exchange_inbox WHERE kind = 'verification_request'") == [(1,)])
    waiting = _pending(imigrasi, "verification_request")
    assert waiting["changes"][0]["new"].startswith(VICTIM)
    imigrasi.post(f"/api/v1/exchange/inbox/{waiting['id']}/accept", {}, 200)
    # the matching engine drafted the answer from B's watchlist, with score and evidence
    (request,) = paspor.get("/api/v1/exchange/verifications")
    assert request["status"] == "draft" and request["deadline"][:10] == sent["deadline"][:10]
    best = request["draft"][0]
    assert best["source"] == "watchlist" and best["reference"] == "WL-STORY-1"
    assert best["score"] >= verification.MIN_SCORE and best["evidence"]
    home = paspor.page("/")
    assert "Permintaan verifikasi yang harus dijawab" in home
    assert f"kbri · {deadline:%Y-%m-%d}" in home
    paspor.post(f"/api/v1/exchange/verifications/{request['id']}/answer",
                {"result": "verified", "candidate": 0}, 200)
    wait_for("the answer at A", lambda: _exchange(kbri, facts["case_a"])[
        "verifications"][0]["status"] == "answered", seconds=20)
    (answered,) = _exchange(kbri, facts["case_a"])["verifications"]
    assert answered["result"] == "verified" and answered["score"] == best["score"]
    assert answered["evidence"][0]["reference"] == "WL-STORY-1"
    comments = [c["body"] for c in kbri.get(f"/api/v1/cases/{facts['case_a']}")["comments"]]
    assert any(c.startswith("Kewarganegaraan terverifikasi oleh imigrasi") and "WL-STORY-1" in c
               for c in comments)
    assert "Kewarganegaraan terverifikasi" in kbri.page(f"/exchange/cases/{facts['case_a']}")
    assert "Kewarganegaraan terverifikasi" in kbri.page(f"/cases/{facts['case_a']}")
