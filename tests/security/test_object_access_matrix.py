"""Object-level access: every route that takes an id, for every role, in two units, against
objects of both units (role x unit x object).

The fixture builds two units (A and B). Each has its own users, one per role, and its own data:
a decided screening (person, decision, Berita Acara PDF), cases with a task, an attachment, a
consent-backed referral and a merge, plus national objects (watchlist entries, offer reports and
scans, dedupe runs with a cluster, an API token, the users themselves). Personal data planted in
each unit (names, NIK, passport numbers, phone numbers) is unique and searched for in every
response.

Routes are discovered from ``app.routes``: a route with a path parameter and no entry in
``MATRIX`` (or ``EXEMPT``, with a reason) fails the test, so a new route is covered or noticed.

For every (route, caller, object) the expected answer follows from the policy (the route's
``Require`` actions, as in tests/platform/test_route_authorisation.py) and the unit scope
(``may_access_unit``; national objects have none):

* refused: 403 (wrong role) or 404 (right role, other unit: the same answer as for an id that
  does not exist), the body holds none of the object's personal data, and a refused write
  changes nothing in the database or the attachment store;
* allowed: neither 401, 403 nor 404 (the write bodies are chosen so allowed calls also reach the
  object: a wrong-state transition, a non-supervisor approval, ...);
* never a 5xx, and an officer (unit-scoped role) never receives personal data of the other unit.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from tests.conftest import csrf_headers, sign_in
from tests.platform.test_route_authorisation import _markers
from waspada.platform.security.policy import Principal, may_access_unit, roles_for
from waspada.platform.security.roles import Role
from waspada.platform.web import iter_api_routes

PASSWORD = "Matriks-akses-2026!"
UNITS = ("A", "B")
ROLES = tuple(Role)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SYLLABLES = ["ka", "ri", "mo", "tu", "sa", "ne", "lo", "wi", "da", "pu", "ge", "ha", "zo", "ye"]


def _word() -> str:
    token = secrets.token_bytes(5)
    return "".join(SYLLABLES[b % len(SYLLABLES)] for b in token).capitalize()


def _digits(n: int) -> str:
    return "".join(str(secrets.randbelow(10)) for _ in range(n))


@dataclass
class Caller:
    role: Role
    unit: str
    username: str
    client: TestClient
    principal: Principal

    @property
    def label(self) -> str:
        return f"{self.role.value}@{self.unit}"


@dataclass
class UnitData:
    """One unit's objects (ids) and the personal data planted in them."""

    key: str
    unit_id: int = 0
    screening_id: int = 0
    decision_id: int = 0
    person_id: int = 0
    case_id: int = 0
    case2_id: int = 0
    case2_reference: str = ""
    case_person_id: int = 0
    task_id: int = 0
    attachment_id: int = 0
    referral_id: int = 0
    merge_id: int = 0
    report_id: int = 0
    scan_id: int = 0
    run_id: int = 0
    cluster_id: int = 0
    token_id: int = 0
    token_owner: str = ""
    user_id: int = 0
    secrets: list[str] = field(default_factory=list)
    case_identity: list[str] = field(default_factory=list)  # victim's name, NIK, passport
    case_contact: list[str] = field(default_factory=list)  # victim's phone


@dataclass
class World:
    callers: list[Caller]
    data: dict[str, UnitData]

    def caller(self, role: Role, unit: str) -> Caller:
        return next(c for c in self.callers if c.role == role and c.unit == unit)


@dataclass
class Probe:
    method: str
    path: str
    json: Any = None
    data: dict[str, Any] | None = None
    files: dict[str, Any] | None = None


# -- building the two units ------------------------------------------------------------------

def _ok(response: Any, status: int = 201) -> Any:
    assert response.status_code == status, response.text[:500]
    return response.json()


def _make_users(app: Any, key: str, unit_name: str) -> list[Caller]:
    from waspada.platform.db import session_scope
    from waspada.platform.security.auth import principal_for
    from waspada.platform.security.models import User
    from waspada.platform.security.users import add_user

    callers = []
    suffix = secrets.token_hex(3)
    for role in ROLES:
        username = f"mx.{key.lower()}.{role.value.replace('_', '-')}.{suffix}"
        with session_scope() as session:
            add_user(session, username, role=role.value, unit=unit_name, password=PASSWORD,
                     synthetic=True)
        with session_scope() as session:
            user = session.scalar(select(User).where(User.username == username))
            principal = principal_for(user)
        client = sign_in(TestClient(app, raise_server_exceptions=False), username, PASSWORD)
        callers.append(Caller(role, key, username, client, principal))
    return callers


def _plant(world: World, key: str) -> None:
    from waspada.matching import store as matching_store
    from waspada.matching.records import PersonRecord
    from waspada.offers.store import OfferReport, OfferScan
    from waspada.platform.db import session_scope
    from waspada.platform.security.auth import create_api_token
    from waspada.platform.security.models import User

    d = world.data[key]
    officer = world.caller(Role.CHECKPOINT_OFFICER, key).client
    protection = world.caller(Role.PROTECTION_OFFICER, key).client
    d.unit_id = world.caller(Role.CHECKPOINT_OFFICER, key).principal.unit_id or 0

    # a decided screening: its person, its decision, its Berita Acara PDF
    given, family, nik, passport = _word(), _word(), "3171" + _digits(12), "X" + _digits(7)
    d.secrets += [given, family, nik, passport]
    screening = _ok(officer.post("/api/v1/screenings", json={
        "full_name": f"{given} {family}", "nik": nik, "passport_no": passport,
        "birth_date": "1991-08-17", "sex": "F", "destination_country": "KHM",
        "ticket": "one_way", "answers": {"purpose": "work"}}))
    d.screening_id, d.person_id = screening["id"], screening["person_id"]
    decided = _ok(officer.post(f"/api/v1/screenings/{d.screening_id}/decision", json={
        "action": screening["assessment"]["recommended_action"],
        "legal_bases": ["uu_6_2011"]}))
    d.decision_id = decided["decisions"][0]["id"]

    # cases: one with a task, an attachment, a consent-backed referral and a merged duplicate
    victim, victim_family = _word(), _word()
    case_nik, case_passport, phone = "3275" + _digits(12), "B" + _digits(7), "+62813" + _digits(8)
    d.case_identity = [victim, victim_family, case_nik, case_passport]
    d.case_contact = [phone]
    d.secrets += [*d.case_identity, *d.case_contact]

    def new_case(name: str, **person: Any) -> int:
        return _ok(protection.post("/api/v1/cases", json={
            "destination_country": "KH", "exploitation_type": ["ForcedCriminality"],
            "summary": "Dijanjikan kerja admin, dipaksa menipu daring.",
            "persons": [{"role": "victim", "full_name": name, "birth_date": "1998-02-03",
                         **person}]}))["id"]

    d.case_id = new_case(f"{victim} {victim_family}", identity_number=case_nik,
                         passport_number=case_passport, mobile_phone=phone)
    d.case2_id = new_case(f"{_word()} {_word()}")
    d.case2_reference = _ok(protection.get(f"/api/v1/cases/{d.case2_id}"), 200)["reference"]
    merged = new_case(f"{_word()} {_word()}")
    case = _ok(protection.get(f"/api/v1/cases/{d.case_id}"), 200)
    d.case_person_id = case["persons"][0]["id"]
    d.task_id = _ok(protection.post(f"/api/v1/cases/{d.case_id}/tasks",
                                    json={"title": "Hubungi keluarga"}))["id"]
    d.attachment_id = _ok(protection.post(f"/api/v1/cases/{d.case_id}/attachments",
                                          files={"file": ("bukti.png", PNG, "image/png")},
                                          headers=csrf_headers(protection)))["id"]
    _ok(protection.post(f"/api/v1/cases/{d.case_id}/consents",
                        json={"scope": "referral", "given": True}))
    # an organisation without a Waspada unit: the owning unit records its answer
    d.referral_id = _ok(protection.post(f"/api/v1/cases/{d.case_id}/referrals",
                                        json={"organisation": "NGO"}))["id"]
    d.merge_id = _ok(protection.post(f"/api/v1/cases/{d.case_id}/merge", json={
        "duplicate_case_id": merged, "reason": "Laporan ganda dari keluarga"}))["id"]

    # national objects (no unit scope): offer report and scan, dedupe run, API token
    report_phone, scan_phone = "0812" + _digits(8), "0857" + _digits(8)
    dedupe_a, dedupe_b = f"{_word()} {_word()}", f"{_word()} {_word()}"
    d.secrets += [report_phone, scan_phone, *dedupe_a.split(), *dedupe_b.split()]
    with session_scope() as session:
        report = OfferReport(text=f"Kerja admin Kamboja gaji 15jt, hubungi {report_phone}",
                             level="high", score=0.9)
        scan_line = json.dumps({"id": "p1", "text": f"WA {scan_phone}", "level": "high",
                                "score": 0.9, "contacts": [{"kind": "phone",
                                                            "value": scan_phone}]})
        analyst = world.caller(Role.ANALYST, key).principal
        scan = OfferScan(user_id=analyst.user_id, filename="posts.jsonl", records=1,
                         results_jsonl=scan_line)
        session.add_all([report, scan])
        records = [PersonRecord(record_id=f"r{i}", full_name=name, birth_date=None, sex="F",
                                nik=None) for i, name in enumerate((dedupe_a, dedupe_b))]
        run = matching_store.save_run(session, actor="mx", origin="upload", threshold=0.5,
                                      records=records, clusters=[("r0", "c1"), ("r1", "c1")])
        session.flush()
        d.report_id, d.scan_id, d.run_id = report.id, scan.id, run.id
        d.cluster_id = session.scalar(select(matching_store.DedupeCluster.id)
                                      .where(matching_store.DedupeCluster.run_id == run.id))
        owner = world.caller(Role.CHECKPOINT_OFFICER, key)
        user = session.get(User, owner.principal.user_id)
        token, _raw = create_api_token(session, user, "matrix", scope="full")
        session.flush()
        d.token_id, d.token_owner = token.id, owner.username
        d.user_id = world.caller(Role.PASSPORT_OFFICER, key).principal.user_id or 0


def _watchlist_entry(key: str) -> str:
    """A fresh entry (removal consumes one), named like the unit's planted people."""
    from waspada.matching import store as matching_store
    from waspada.matching.records import PersonRecord
    from waspada.platform.db import session_scope

    record_id = f"MX-{key}-{secrets.token_hex(4)}"
    with session_scope() as session:
        matching_store.add_entry(session, PersonRecord(
            record_id=record_id, full_name=f"{_word()} {_word()}", birth_date=None, sex="M",
            nik=None), reason="uji matriks akses", source="test", list_kind="recruiter",
            expires_on=None, actor="mx")
    return record_id


@pytest.fixture(scope="module")
def world(app) -> Iterator[World]:  # type: ignore[no-untyped-def]
    suffix = secrets.token_hex(2)
    callers: list[Caller] = []
    for key in UNITS:
        callers += _make_users(app, key, f"Uji Matriks Unit {key} {suffix}")
    built = World(callers=callers, data={key: UnitData(key) for key in UNITS})
    for key in UNITS:
        _plant(built, key)
    yield built
    for caller in callers:
        caller.client.close()


# -- the matrix: every route with an id -------------------------------------------------------

NATIONAL, SCOPED, OWNER = "national", "unit", "owner"
Build = Callable[[UnitData, Caller], Probe]


def _get(path: str) -> Build:
    return lambda d, c: Probe("GET", path.format(**vars(d)))


def _json(method: str, path: str, body: dict[str, Any]) -> Build:
    return lambda d, c: Probe(method, path.format(**vars(d)), json=body)


def _form(path: str, form: dict[str, Any] | None = None) -> Build:
    return lambda d, c: Probe("POST", path.format(**vars(d)), data={
        name: value.format(**vars(d)) for name, value in (form or {}).items()})


def _upload(path: str) -> Build:
    return lambda d, c: Probe("POST", path.format(**vars(d)),
                              files={"file": ("bukti.png", PNG, "image/png")})


def _merge_api(d: UnitData, c: Caller) -> Probe:
    return Probe("POST", f"/api/v1/cases/{d.case_id}/merge",
                 json={"duplicate_case_id": d.case2_id, "reason": "Laporan ganda (uji)"})


def _watchlist_api(d: UnitData, c: Caller) -> Probe:
    return Probe("DELETE", f"/api/v1/watchlist/{_watchlist_entry(d.key)}",
                 json={"reason": "uji matriks"})


def _watchlist_page(d: UnitData, c: Caller) -> Probe:
    return Probe("POST", f"/watchlist/manage/{_watchlist_entry(d.key)}/remove",
                 data={"reason": "uji matriks"})


#: a transition no role may take from "reported": allowed callers get 409, not 403/404
WRONG_STATE = {"transition": "repatriate"}
C = "/cases/{case_id}"
AC = "/api/v1/cases/{case_id}"

#: (method, route path) -> (scope of the object, how to call it for one unit's object)
MATRIX: dict[tuple[str, str], tuple[str, Build]] = {
    # screenings, their decisions and Berita Acara PDF records (unit-scoped)
    ("GET", "/api/v1/screenings/{screening_id}"): (SCOPED, _get("/api/v1/screenings/{screening_id}")),
    ("PATCH", "/api/v1/screenings/{screening_id}"): (SCOPED, _json(
        "PATCH", "/api/v1/screenings/{screening_id}", {"answers": {"purpose": "work"}})),
    ("POST", "/api/v1/screenings/{screening_id}/decision"): (SCOPED, _json(
        "POST", "/api/v1/screenings/{screening_id}/decision",
        {"action": "allow", "legal_bases": ["uu_6_2011"], "deviation_reason": "uji"})),
    ("GET", "/api/v1/screenings/{screening_id}/record.pdf"): (
        SCOPED, _get("/api/v1/screenings/{screening_id}/record.pdf")),
    ("GET", "/screenings/{screening_id}"): (SCOPED, _get("/screenings/{screening_id}")),
    ("POST", "/screenings/{screening_id}/answers"): (SCOPED, _form(
        "/screenings/{screening_id}/answers", {"q_purpose": "work"})),
    ("POST", "/screenings/{screening_id}/decision"): (SCOPED, _form(
        "/screenings/{screening_id}/decision", {"action": "allow", "legal_bases": "uu_6_2011",
                                                "deviation_reason": "uji"})),
    ("POST", "/screenings/{screening_id}/decisions/{decision_id}/approval"): (SCOPED, _form(
        "/screenings/{screening_id}/decisions/{decision_id}/approval", {"approved": "yes"})),
    ("GET", "/screenings/{screening_id}/record.pdf"): (
        SCOPED, _get("/screenings/{screening_id}/record.pdf")),
    # persons: through a screening the caller may see
    ("GET", "/api/v1/persons/{person_id}/history"): (
        SCOPED, _get("/api/v1/persons/{person_id}/history")),
    ("GET", "/persons/{person_id}"): (SCOPED, _get("/persons/{person_id}")),
    # cases and what hangs off them (unit-scoped through case_unit_access)
    ("GET", AC): (SCOPED, _get(AC)),
    ("GET", AC + "/duplicates"): (SCOPED, _get(AC + "/duplicates")),
    ("POST", AC + "/transitions"): (SCOPED, _json("POST", AC + "/transitions", WRONG_STATE)),
    ("POST", AC + "/comments"): (SCOPED, _json("POST", AC + "/comments", {"body": "Catatan uji"})),
    ("POST", AC + "/tasks"): (SCOPED, _json("POST", AC + "/tasks", {"title": "Tugas uji"})),
    ("POST", AC + "/tasks/{task_id}/done"): (SCOPED, _json("POST", AC + "/tasks/{task_id}/done",
                                                          {})),
    ("POST", AC + "/persons"): (SCOPED, _json("POST", AC + "/persons",
                                              {"role": "reporter", "full_name": "Ibu Uji"})),
    ("POST", AC + "/events"): (SCOPED, _json("POST", AC + "/events",
                                             {"type": "Transit", "country": "MY"})),
    ("PATCH", AC + "/htcds"): (SCOPED, _json("PATCH", AC + "/htcds",
                                             {"recruitment_location": "Medan (uji)"})),
    ("POST", AC + "/consents"): (SCOPED, _json("POST", AC + "/consents",
                                               {"scope": "research", "given": False})),
    ("POST", AC + "/support-plans"): (SCOPED, _json("POST", AC + "/support-plans",
                                                    {"type": "Shelter"})),
    ("POST", AC + "/assessments"): (SCOPED, _json("POST", AC + "/assessments",
                                                  {"level": "individual", "risk": "low"})),
    ("POST", AC + "/referrals"): (SCOPED, _json("POST", AC + "/referrals",
                                                {"organisation": "IOM"})),
    ("POST", AC + "/merge"): (SCOPED, _merge_api),
    # exchange between installations: the victim's consent and verification requests hang off
    # the case, so they follow the case's unit scope
    ("GET", "/api/v1/exchange/cases/{case_id}"): (SCOPED, _get("/api/v1/exchange/cases/{case_id}")),
    ("GET", "/exchange/cases/{case_id}"): (SCOPED, _get("/exchange/cases/{case_id}")),
    ("POST", "/api/v1/exchange/cases/{case_id}/consents"): (SCOPED, lambda d, c: Probe(
        "POST", f"/api/v1/exchange/cases/{d.case_id}/consents", json={
            "person_id": d.case_person_id, "recipient": "imigrasi-uji",
            "purpose": "verification", "given": True})),
    ("POST", "/exchange/cases/{case_id}/consent"): (SCOPED, _form(
        "/exchange/cases/{case_id}/consent", {
            "person_id": "{case_person_id}", "recipient": "imigrasi-uji",
            "purpose": "verification", "given": "true"})),
    ("POST", AC + "/attachments"): (SCOPED, _upload(AC + "/attachments")),
    ("GET", AC + "/attachments/{attachment_id}"): (SCOPED,
                                                   _get(AC + "/attachments/{attachment_id}")),
    ("POST", "/api/v1/cases/referrals/{referral_id}/answer"): (SCOPED, _json(
        "POST", "/api/v1/cases/referrals/{referral_id}/answer", {"accept": True})),
    ("POST", "/api/v1/cases/merges/{merge_id}/undo"): (SCOPED, _json(
        "POST", "/api/v1/cases/merges/{merge_id}/undo", {})),
    ("GET", "/api/v1/cases/persons/{person_id}/subject-export"): (SCOPED, _get(
        "/api/v1/cases/persons/{case_person_id}/subject-export")),
    ("GET", C): (SCOPED, _get(C)),
    ("POST", C + "/transition"): (SCOPED, _form(C + "/transition", WRONG_STATE)),
    ("POST", C + "/comment"): (SCOPED, _form(C + "/comment", {"body": "Catatan uji"})),
    ("POST", C + "/task"): (SCOPED, _form(C + "/task", {"title": "Tugas uji"})),
    ("POST", C + "/tasks/{task_id}/done"): (SCOPED, _form(C + "/tasks/{task_id}/done")),
    ("POST", C + "/event"): (SCOPED, _form(C + "/event", {"type": "Transit", "country": "MY"})),
    ("POST", C + "/person"): (SCOPED, _form(C + "/person", {"role": "reporter",
                                                           "full_name": "Ibu Uji"})),
    ("POST", C + "/htcds"): (SCOPED, _form(C + "/htcds", {"case_worker": "Petugas Uji"})),
    ("POST", C + "/persons/{person_id}/profile"): (SCOPED, _form(
        C + "/persons/{case_person_id}/profile", {"person_id": "{case_person_id}",
                                                 "salutation": "Ibu"})),
    ("POST", C + "/assessment"): (SCOPED, _form(C + "/assessment", {"level": "individual",
                                                                   "risk": "low"})),
    ("POST", C + "/support-plan"): (SCOPED, _form(C + "/support-plan", {"type": "Shelter"})),
    ("POST", C + "/consent"): (SCOPED, _form(C + "/consent", {"scope": "research",
                                                             "given": "0"})),
    ("POST", C + "/referral"): (SCOPED, _form(C + "/referral", {"organisation": "IOM"})),
    ("POST", C + "/merge"): (SCOPED, _form(C + "/merge", {"duplicate_reference": "{case2_reference}",
                                                         "reason": "Laporan ganda (uji)"})),
    ("POST", C + "/attachments"): (SCOPED, _upload(C + "/attachments")),
    ("GET", C + "/attachments/{attachment_id}"): (SCOPED, _get(C + "/attachments/{attachment_id}")),
    ("GET", C + "/ringkasan.pdf"): (SCOPED, _get(C + "/ringkasan.pdf")),
    ("GET", C + "/referrals/{referral_id}/surat.pdf"): (SCOPED, _get(
        C + "/referrals/{referral_id}/surat.pdf")),
    ("POST", "/cases/referrals/{referral_id}/answer"): (SCOPED, _form(
        "/cases/referrals/{referral_id}/answer", {"accept": "1"})),
    ("POST", "/cases/merges/{merge_id}/undo"): (SCOPED, _form("/cases/merges/{merge_id}/undo")),
    # national objects: the role decides (every role allowed here reaches every unit)
    ("DELETE", "/api/v1/watchlist/{record_id:path}"): (NATIONAL, _watchlist_api),
    ("POST", "/watchlist/manage/{record_id:path}/remove"): (NATIONAL, _watchlist_page),
    ("GET", "/offers/reports/{report_id}"): (NATIONAL, _get("/offers/reports/{report_id}")),
    ("POST", "/offers/reports/{report_id}/status"): (NATIONAL, _form(
        "/offers/reports/{report_id}/status", {"status": "reviewed"})),
    ("GET", "/offers/scan/{scan_id}/results.jsonl"): (NATIONAL, _get(
        "/offers/scan/{scan_id}/results.jsonl")),
    ("GET", "/offers/scan/{scan_id}/contacts.csv"): (NATIONAL, _get(
        "/offers/scan/{scan_id}/contacts.csv")),
    ("GET", "/dedupe/runs/{run_id}"): (NATIONAL, _get("/dedupe/runs/{run_id}")),
    ("POST", "/dedupe/clusters/{cluster_id}/decide"): (NATIONAL, _form(
        "/dedupe/clusters/{cluster_id}/decide", {"decision": "confirmed"})),
    ("POST", "/admin/users/{user_id}/active"): (NATIONAL, _form(
        "/admin/users/{user_id}/active", {"active": "1"})),
    # one user's administration page; a role change and a password reset answer with the
    # confirmation page first (nothing written without confirmed=1)
    ("GET", "/admin/users/{user_id}"): (NATIONAL, _get("/admin/users/{user_id}")),
    ("POST", "/admin/users/{user_id}/edit"): (NATIONAL, _form(
        "/admin/users/{user_id}/edit", {"role": "auditor", "unit_id": "{unit_id}"})),
    ("POST", "/admin/users/{user_id}/password"): (NATIONAL, _form(
        "/admin/users/{user_id}/password")),
    # an administrator revokes any user's token (confirmation page first, as above; the
    # revocation itself, CSRF and a token of another user: tests/platform/test_api_tokens.py)
    ("POST", "/admin/users/{user_id}/tokens/{token_id}/revoke"): (NATIONAL, _form(
        "/admin/users/{user_id}/tokens/{token_id}/revoke")),
    # a personal API token: only its owner may revoke it (the answer is always the account page)
    ("POST", "/account/tokens/{token_id}/revoke"): (OWNER, _form(
        "/account/tokens/{token_id}/revoke")),
}

#: routes with a path parameter that names no object, and why
EXEMPT: dict[tuple[str, str], str] = {
    # exchange content objects the matrix world does not build (a consent, a verification
    # request sent to a partner, a conflict from an incoming bundle). Case-hung ones check the
    # case's reach in exchange/content_service.py (sharing.case_ref, as the case routes above
    # prove for GET/POST on the case); incoming verification requests belong to the
    # installation (like the inbox) and need exchange.answer (tests/exchange/test_pages.py).
    **{(method, path): "exchange content object; case reach via sharing.case_ref or "
                       "installation-wide with exchange.answer (tests/exchange)"
       for method, path in (
           ("GET", "/api/v1/exchange/verifications/{request_id}"),
           ("GET", "/exchange/verifications/{request_id}"),
           ("POST", "/api/v1/exchange/verifications/{request_id}/answer"),
           ("POST", "/exchange/verifications/{request_id}/answer"),
           ("GET", "/exchange/conflicts/{conflict_id}"),
           ("POST", "/api/v1/exchange/conflicts/{conflict_id}/resolve"),
           ("POST", "/exchange/conflicts/{conflict_id}/resolve"),
           ("POST", "/api/v1/exchange/cases/{case_id}/consents/{consent_id}/withdraw"),
           ("POST", "/exchange/cases/{case_id}/consent/{consent_id}/withdraw"),
           ("POST", "/api/v1/exchange/cases/{case_id}/verifications"),
           ("POST", "/exchange/cases/{case_id}/verification"))},
    ("GET", "/lang/{code}"): "public language switch; the parameter is a language code",
    ("POST", "/api/v1/match/{dataset}"): "the parameter names a list kind, not an object; the "
                                          "role check is in test_route_authorisation",
    # background jobs: a job is visible to its owner and to the roles allowed its kind's own
    # action within their unit reach (platform/jobs/service.py: may_see), a rule this matrix's
    # scopes do not express; every role is checked on all four routes in
    # tests/platform/test_jobs.py::test_a_job_is_visible_to_its_owner_and_roles_allowed_its_results
    ("GET", "/jobs/{job_id}"): "per-job visibility, tested in tests/platform/test_jobs.py",
    ("GET", "/jobs/{job_id}/status"): "per-job visibility, tested in tests/platform/test_jobs.py",
    ("POST", "/jobs/{job_id}/cancel"): "owner only, tested in tests/platform/test_jobs.py",
    ("GET", "/jobs/{job_id}/{section}.csv"): "per-job visibility, tested in "
                                              "tests/platform/test_jobs.py",
    ("GET", "/jobs/{job_id}/{section}.xlsx"): "per-job visibility, tested in "
                                              "tests/platform/test_jobs.py",
    # a job's kept file and its API status (htcds19): the same visibility, plus same_role for
    # the HTCDS export (an analyst never sees a protection officer's export with names)
    ("GET", "/jobs/{job_id}/files/{name}"): "per-job visibility, tested in "
                                            "tests/cases/test_export_job.py",
    ("GET", "/api/v1/jobs/{job_id}"): "per-job visibility, tested in "
                                      "tests/cases/test_export_job.py",
    ("GET", "/api/v1/jobs/{job_id}/files/{name}"): "per-job visibility, tested in "
                                                   "tests/cases/test_export_job.py",
    # network merge suggestions are national analyst work, owned by no unit: only the role with
    # network.review reaches them (tests/network/test_review_export.py checks the other roles' 403)
    ("POST", "/api/v1/network/suggestions/{suggestion_id}"): "national analyst review, role "
                                                              "checked in tests/network",
    ("POST", "/api/v1/network/suggestions/{suggestion_id}/undo"): "national analyst review, "
                                                                   "role checked in tests/network",
    # exchange: received and outgoing bundles belong to the installation, not to a unit; only
    # the roles allowed exchange.receive / exchange.admin reach them
    # (tests/exchange/test_transport.py::test_bundle_routes_refuse_other_roles)
    **{(method, path): "installation-wide exchange bundles, role checked in tests/exchange"
       for method, path in (
           ("POST", "/api/v1/exchange/inbox/{inbox_id}/accept"),
           ("POST", "/api/v1/exchange/inbox/{inbox_id}/reject"),
           ("POST", "/api/v1/exchange/outbox/{outbox_id}/resend"),
           ("POST", "/exchange/inbox/{inbox_id}/accept"),
           ("POST", "/exchange/inbox/{inbox_id}/reject"),
           ("POST", "/exchange/outbox/{outbox_id}/resend"))},
    # exchange partners belong to the installation; only exchange.admin (administrators)
    # disables or enables one (tests/exchange/test_partner_enable.py), or replaces its key
    # (tests/exchange/test_rekey.py)
    **{(method, path): "installation-wide exchange partner, role checked in tests/exchange"
       for method, path in (
           ("POST", "/api/v1/exchange/partners/{name}/disable"),
           ("POST", "/api/v1/exchange/partners/{name}/enable"),
           ("POST", "/api/v1/exchange/partners/{name}/key"))},

    ("POST", "/network/review/{suggestion_id}"): "national analyst review page, role checked in "
                                                 "tests/network/test_review_page.py",

    # Primero's case-change webhook: the parameter names a destination, authenticated by that
    # destination's x-api-key (tests/exchange/primero/test_service.py checks wrong/missing keys)
    ("POST", "/api/v1/exchange/primero/webhook/{destination}"): "machine-to-machine, x-api-key "
                                                                "checked in tests/exchange",
}


def _id_routes(app: Any) -> list[tuple[str, str, APIRoute]]:
    return [(method, route.path, route) for route in iter_api_routes(app)
            for method in sorted(route.methods) if "{" in route.path]


def test_every_route_with_an_id_has_a_matrix_entry(app) -> None:  # type: ignore[no-untyped-def]
    found = {(method, path) for method, path, _route in _id_routes(app)}
    missing = sorted(found - set(MATRIX) - set(EXEMPT))
    stale = sorted((set(MATRIX) | set(EXEMPT)) - found)
    assert not missing, f"routes with an id and no object-access matrix entry: {missing}"
    assert not stale, f"matrix entries for routes that no longer exist: {stale}"


# -- checking -----------------------------------------------------------------------------------

_SKIP_TABLES = {"audit_entries", "web_sessions", "alembic_version"}
_COUNTER = "mx_table_writes"


def _tracked_tables() -> list[Any]:
    from waspada.platform.db import Base

    return [table for table in sorted(Base.metadata.tables.values(), key=lambda t: t.name)
            if table.name not in _SKIP_TABLES]


def _table_digest(conn: Any, table: Any) -> bytes:
    digest = hashlib.sha256()
    order = ", ".join(c.name for c in table.primary_key.columns) or "1"
    for row in conn.execute(text(f"SELECT * FROM {table.name} ORDER BY {order}")):  # noqa: S608
        digest.update(repr(tuple(row)).encode())
    digest.update(table.name.encode())
    return digest.digest()


def _combine(digests: dict[str, bytes]) -> str:
    """One digest of every table's digest and of the attachment store's file names."""
    from waspada.cases.store import attachments_dir

    digest = hashlib.sha256()
    for name in sorted(digests):
        digest.update(name.encode() + digests[name])
    directory = attachments_dir()
    if directory.is_dir():
        digest.update(repr(sorted(p.name for p in directory.iterdir())).encode())
    return digest.hexdigest()


def fingerprint() -> str:
    """A digest of every table that holds state (not the audit trail or sessions), and of the
    attachment store, to prove that a refused write changed nothing. Reads every row."""
    from waspada.platform.db import get_engine

    with get_engine().connect() as conn:
        return _combine({table.name: _table_digest(conn, table) for table in _tracked_tables()})


class StateWatch:
    """``fingerprint()`` without reading every row each time: a trigger on every tracked table
    counts its writes (INSERT, UPDATE, DELETE; TRUNCATE on PostgreSQL) in ``mx_table_writes``,
    and a table's digest is computed again only when its count moved since the last look. A
    write that is rolled back rolls its count back with it (SQLite) or leaves it moved
    (PostgreSQL: recomputed, the same digest). The result equals ``fingerprint()``: the matrix
    test compares the two at its end."""

    def __init__(self) -> None:
        from waspada.platform.db import get_engine

        self.engine = get_engine()
        self.tables = _tracked_tables()
        self._counts: dict[str, int] = {}
        self._digests: dict[str, bytes] = {}
        with self.engine.begin() as conn:
            conn.execute(text(f"CREATE TABLE {_COUNTER} (name VARCHAR(100) PRIMARY KEY, "
                              "n INTEGER NOT NULL)"))
            for table in self.tables:
                conn.execute(text(f"INSERT INTO {_COUNTER} (name, n) VALUES (:name, 0)"),
                             {"name": table.name})
            if self.engine.dialect.name == "postgresql":
                conn.execute(text(
                    "CREATE OR REPLACE FUNCTION mx_count_write() RETURNS trigger "
                    "LANGUAGE plpgsql AS $$ BEGIN "
                    f"UPDATE {_COUNTER} SET n = n + 1 WHERE name = TG_TABLE_NAME; "
                    "RETURN NULL; END $$"))
                for table in self.tables:
                    conn.execute(text(
                        f"CREATE TRIGGER mx_w_{table.name} AFTER INSERT OR UPDATE OR DELETE "
                        f"OR TRUNCATE ON {table.name} FOR EACH STATEMENT "
                        "EXECUTE FUNCTION mx_count_write()"))
            else:
                for table in self.tables:
                    for event in ("INSERT", "UPDATE", "DELETE"):
                        conn.execute(text(
                            f"CREATE TRIGGER mx_w_{table.name}_{event.lower()} AFTER {event} "
                            f"ON {table.name} BEGIN UPDATE {_COUNTER} SET n = n + 1 "
                            f"WHERE name = '{table.name}'; END"))

    def fingerprint(self) -> str:
        with self.engine.connect() as conn:
            rows = conn.execute(text(f"SELECT name, n FROM {_COUNTER}"))
            counts = {str(name): int(n) for name, n in rows}
            for table in self.tables:
                name = table.name
                if name not in self._digests or counts[name] != self._counts.get(name):
                    self._digests[name] = _table_digest(conn, table)
        self._counts = counts
        return _combine(self._digests)

    def close(self) -> None:
        with self.engine.begin() as conn:
            for table in self.tables:
                if self.engine.dialect.name == "postgresql":
                    conn.execute(text(f"DROP TRIGGER IF EXISTS mx_w_{table.name} "
                                      f"ON {table.name}"))
                else:
                    for event in ("insert", "update", "delete"):
                        conn.execute(text(f"DROP TRIGGER IF EXISTS mx_w_{table.name}_{event}"))
            if self.engine.dialect.name == "postgresql":
                conn.execute(text("DROP FUNCTION IF EXISTS mx_count_write()"))
            conn.execute(text(f"DROP TABLE IF EXISTS {_COUNTER}"))


@pytest.fixture(scope="module")
def state(world: World) -> Iterator[StateWatch]:
    watch = StateWatch()
    yield watch
    watch.close()


def test_the_state_watch_sees_every_write(state: StateWatch) -> None:
    """The cached fingerprint moves with an insert, an update and a delete, and comes back."""
    from waspada.offers.store import OfferReport
    from waspada.platform.db import session_scope

    start = state.fingerprint()
    assert state.fingerprint() == start == fingerprint()
    with session_scope() as session:
        report = OfferReport(text="uji pengawas", level="low", score=0.1)
        session.add(report)
    inserted = state.fingerprint()
    with session_scope() as session:
        session.get(OfferReport, report.id).text = "uji pengawas 2"
    updated = state.fingerprint()
    assert len({start, inserted, updated}) == 3, "a write was not seen"
    assert updated == fingerprint()
    with session_scope() as session:
        session.delete(session.get(OfferReport, report.id))
    assert state.fingerprint() == start == fingerprint()


def _send(caller: Caller, probe: Probe) -> Any:
    client = caller.client
    headers = csrf_headers(client)
    if probe.method == "GET":
        return client.get(probe.path, follow_redirects=False)
    if probe.files is not None:
        return client.post(probe.path, files=probe.files, headers=headers,
                           follow_redirects=False)
    if probe.json is not None:
        return client.request(probe.method, probe.path, json=probe.json, headers=headers,
                              follow_redirects=False)
    return client.request(probe.method, probe.path, data=probe.data or {}, headers=headers,
                          follow_redirects=False)


def _body(response: Any) -> str:
    return response.content.decode("utf-8", errors="replace")


def _role_ok(route: APIRoute, role: Role) -> bool:
    actions, _public = _markers(route)
    return bool(actions) and all(role in roles_for(action) for action in actions)


def _expected(scope: str, route: APIRoute, caller: Caller, d: UnitData) -> bool:
    if scope == OWNER:
        return caller.username == d.token_owner
    if not _role_ok(route, caller.role):
        return False
    return scope == NATIONAL or may_access_unit(caller.principal, d.unit_id)


@dataclass
class Tally:
    cells: int = 0
    allowed: int = 0
    refused: int = 0
    writes_refused: int = 0
    secrets_shown: int = 0  # allowed answers showing planted data: the search is not blind
    routes: set[tuple[str, str]] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


def _check_case_fields(tally: Tally, where: str, caller: Caller, d: UnitData, body: str
                       ) -> None:
    """Field-level visibility (cases/visibility.py) holds on every case route that answers."""
    from waspada.cases.visibility import CONTACT, IDENTITY, groups_for

    groups = groups_for(caller.role.value)
    for group, planted in ((IDENTITY, d.case_identity), (CONTACT, d.case_contact)):
        shown = [s for s in planted if s in body]
        if group not in groups and shown:
            tally.problems.append(f"{where}: {caller.role.value} may not see {group} {shown}")


def _token_revoked(token_id: int) -> bool:
    from waspada.platform.db import session_scope
    from waspada.platform.security.models import ApiToken

    with session_scope() as session:
        return session.get(ApiToken, token_id).revoked_at is not None


def _check_cell(tally: Tally, method: str, path: str, route: APIRoute, scope: str,
                build: Build, caller: Caller, d: UnitData, world: World, state: StateWatch
                ) -> None:
    allowed = _expected(scope, route, caller, d)
    probe = build(d, caller)
    write = probe.method != "GET"
    before = state.fingerprint() if write and not allowed else None
    response = _send(caller, probe)
    status = response.status_code
    body = _body(response)
    where = f"{method} {path} as {caller.label} on unit {d.key}'s object ({probe.path})"
    tally.cells += 1
    tally.routes.add((method, path))
    if status >= 500:
        tally.problems.append(f"{where}: server error {status}")
    if scope == OWNER:
        # the account page answers every caller alike; only the owner's call revokes the token
        if _token_revoked(d.token_id) != allowed:
            tally.problems.append(f"{where}: token revoked={not allowed}")
    elif allowed:
        tally.allowed += 1
        if status in (401, 403, 404):
            tally.problems.append(f"{where}: expected access, got {status}")
        tally.secrets_shown += any(s in body for s in d.secrets)
        if "/cases" in path:
            _check_case_fields(tally, where, caller, d, body)
    else:
        tally.refused += 1
        if status not in (403, 404):
            tally.problems.append(f"{where}: expected 403/404, got {status}")
        elif _role_ok(route, caller.role) and status != 404:
            tally.problems.append(f"{where}: other unit must look like a missing id (404), "
                                  f"got {status}")
        leaked = [s for s in d.secrets if s in body]
        if leaked:
            tally.problems.append(f"{where}: refused answer holds personal data {leaked}")
    if before is not None:
        tally.writes_refused += 1
        if state.fingerprint() != before:
            tally.problems.append(f"{where}: a refused write changed the database")
    if caller.role not in (Role.ADMIN, Role.ANALYST, Role.AUDITOR):
        other = world.data["B" if caller.unit == "A" else "A"]
        leaked = [s for s in other.secrets if s in body]
        if leaked:
            tally.problems.append(f"{where}: an officer received the other unit's data {leaked}")


def test_role_unit_object_matrix(app, world: World,  # type: ignore[no-untyped-def]
                                 state: StateWatch) -> None:
    tally = Tally()
    routes = {(m, p): r for m, p, r in _id_routes(app)}
    for key, (scope, build) in MATRIX.items():
        route = routes[key]
        for d in world.data.values():
            cells = [(c, _expected(scope, route, c, d)) for c in world.callers]
            # refused callers first: an allowed write (a merge, an undo) may change the object
            for caller, _allowed in sorted(cells, key=lambda cell: cell[1]):
                _check_cell(tally, key[0], key[1], route, scope, build, caller, d, world,
                            state)
    print(f"\nobject-access matrix: {len(tally.routes)} routes x {len(ROLES)} roles x "
          f"{len(UNITS)} caller units x {len(UNITS)} object units = {tally.cells} cells; "
          f"{tally.allowed} allowed, {tally.refused} refused "
          f"({tally.writes_refused} refused writes checked unchanged); planted data seen in "
          f"{tally.secrets_shown} allowed answers")
    assert tally.routes == set(MATRIX)
    assert tally.cells == len(MATRIX) * len(ROLES) * len(UNITS) * len(UNITS)
    assert tally.allowed > 50 and tally.refused > 500 and tally.secrets_shown > 20
    assert not tally.problems, "\n".join(tally.problems)
    assert state.fingerprint() == fingerprint(), "the cached fingerprint missed a write"


def test_ids_of_the_other_unit_inside_an_own_request(world: World, state: StateWatch) -> None:
    """An id in the body or query string (a decision, a task, an attachment, a case to merge, a
    person's consent) is checked against the object in the path: the other unit's id is 404."""
    a, b = world.data["A"], world.data["B"]
    officer = world.caller(Role.CHECKPOINT_OFFICER, "A")
    protection = world.caller(Role.PROTECTION_OFFICER, "A")
    probes = [
        (officer, Probe("GET", f"/api/v1/screenings/{a.screening_id}/record.pdf"
                               f"?decision_id={b.decision_id}")),
        (officer, Probe("GET", f"/screenings/{a.screening_id}/record.pdf"
                               f"?decision_id={b.decision_id}")),
        (officer, Probe("POST", f"/api/v1/screenings/{a.screening_id}/decision", json={
            "action": "allow", "legal_bases": ["uu_6_2011"], "deviation_reason": "uji",
            "corrects_decision_id": b.decision_id, "correction_reason": "uji"})),
        (officer, Probe("POST", f"/screenings/{a.screening_id}/decision", data={
            "action": "allow", "legal_bases": "uu_6_2011", "deviation_reason": "uji",
            "corrects_decision_id": str(b.decision_id), "correction_reason": "uji"})),
        (officer, Probe("POST", f"/screenings/{a.screening_id}/decisions/{b.decision_id}"
                                "/approval", data={"approved": "yes"})),
        (protection, Probe("POST", f"/api/v1/cases/{a.case_id}/tasks/{b.task_id}/done",
                           json={})),
        (protection, Probe("POST", f"/cases/{a.case_id}/tasks/{b.task_id}/done", data={})),
        (protection, Probe("GET", f"/api/v1/cases/{a.case_id}/attachments/{b.attachment_id}")),
        (protection, Probe("GET", f"/cases/{a.case_id}/attachments/{b.attachment_id}")),
        (protection, Probe("POST", f"/api/v1/cases/{a.case_id}/merge", json={
            "duplicate_case_id": b.case2_id, "reason": "Laporan ganda (uji)"})),
        (protection, Probe("POST", f"/cases/{a.case_id}/merge", data={
            "duplicate_reference": b.case2_reference, "reason": "Laporan ganda (uji)"})),
        (protection, Probe("POST", f"/api/v1/cases/{a.case_id}/consents", json={
            "scope": "research", "given": True, "person_id": b.case_person_id})),
    ]
    problems = []
    for caller, probe in probes:
        before = state.fingerprint() if probe.method != "GET" else None
        response = _send(caller, probe)
        body = _body(response)
        where = f"{probe.method} {probe.path} as {caller.label}"
        if response.status_code != 404:
            problems.append(f"{where}: expected 404, got {response.status_code}")
        leaked = [s for s in b.secrets if s in body]
        if leaked:
            problems.append(f"{where}: answer holds the other unit's data {leaked}")
        if before is not None and state.fingerprint() != before:
            problems.append(f"{where}: the refused write changed the database")
    assert not problems, "\n".join(problems)
