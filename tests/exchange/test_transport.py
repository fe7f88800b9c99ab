"""The transport in one process: identity, partners, the inbox (HTTP and file), acceptance,
the transactional outbox and its delivery with retries, the CLI and the pages."""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.conftest import csrf_headers
from waspada.cli import app as cli_app
from waspada.exchange import bundle, handlers, outbox, service
from waspada.exchange.handlers import Applied, PartnerInfo
from waspada.exchange.keys import Identity
from waspada.exchange.models import DeliveryAttempt, InboxItem, OutboxItem, Partner, SeenNonce
from waspada.exchange.schemas import PartnerIn
from waspada.platform.audit import AuditEntry
from waspada.platform.db import session_scope
from waspada.platform.domain import DomainError
from waspada.platform.security.policy import CLI_PRINCIPAL
from waspada.platform.settings import get_settings

runner = CliRunner()
AUTO = Identity.generate("Ditjen Imigrasi")
MANUAL = Identity.generate("KP2MI")
STRANGER = Identity.generate("Somebody")
PARTNER_URL = "http://imigrasi.test"


def _cli(*args: str) -> Any:
    return runner.invoke(cli_app, ["exchange", *args])


@pytest.fixture(scope="module", autouse=True)
def installation(database: None) -> Iterator[dict[str, str]]:
    result = _cli("init", "--name", "KBRI Phnom Penh", "--force", "--json")
    assert result.exit_code == 0, result.output
    me = json.loads(result.output)
    with session_scope() as db:
        for name in ("imigrasi", "kp2mi", "polri-off"):
            found = db.scalar(select(Partner).where(Partner.name == name))
            if found is not None:
                db.delete(found)
    with session_scope() as db:
        service.add_partner(db, CLI_PRINCIPAL, PartnerIn(
            name="imigrasi", public_key=AUTO.public.text, url=PARTNER_URL,
            organisation="ImmigrationService"))
        service.add_partner(db, CLI_PRINCIPAL, PartnerIn(
            name="kp2mi", public_key=MANUAL.public.text, acceptance="manual"))
    yield me


@pytest.fixture(autouse=True)
def _limits() -> Iterator[None]:
    from waspada.exchange import api

    api.ip_limiter.reset()
    api.partner_limiter.reset()
    yield


def _me() -> Identity:
    return service.identity()


def _bundle(sender: Identity = AUTO, kind: str = "ping",
            payload: dict[str, Any] | None = None) -> bytes:
    return bundle.seal(sender, _me().public, kind, payload or {"id": "t", "message": "halo"})


def _counts() -> tuple[int, int]:
    with session_scope() as db:
        return (db.scalar(select(func.count(InboxItem.id))) or 0,
                db.scalar(select(func.count(SeenNonce.id))) or 0)


def _push(client: TestClient, raw: bytes) -> httpx.Response:
    return client.post("/api/v1/exchange/inbox", content=raw,
                       headers={"content-type": "application/json"})


def test_init_prints_the_public_key_and_refuses_to_overwrite(installation: dict[str, str]
                                                              ) -> None:
    assert set(installation) == {"name", "public_key"}
    assert installation["public_key"] == _me().public.text
    again = _cli("init", "--name", "Other")
    assert again.exit_code == 1 and "--force" in again.output
    assert _me().public.text == installation["public_key"]
    path = get_settings().data_dir / "exchange_identity"
    assert path.stat().st_mode & 0o777 == 0o600


def test_partner_cli_add_list_and_refusals() -> None:
    listed = json.loads(_cli("partner", "list", "--json").output)
    names = {p["name"]: p for p in listed}
    assert names["imigrasi"]["organisation"] == "ImmigrationService"
    assert names["kp2mi"]["acceptance"] == "manual"
    same_key = _cli("partner", "add", "copy", "--key", AUTO.public.text)
    assert same_key.exit_code == 1 and "imigrasi" in same_key.output
    bad = _cli("partner", "add", "bad", "--key", "wsp1.nonsense")
    assert bad.exit_code == 1 and "Error" in bad.output
    own = _cli("partner", "add", "me", "--key", _me().public.text)
    assert own.exit_code == 1 and "own key" in own.output
    added = _cli("partner", "add", "polri-off", "--key", STRANGER.public.text)
    assert added.exit_code == 0, added.output
    assert _cli("partner", "disable", "polri-off").exit_code == 0
    refused = _push_direct(_bundle(STRANGER))
    assert refused == "partner_disabled"


def _push_direct(raw: bytes) -> str:
    with session_scope() as db:
        try:
            service.receive(db, raw, via="file")
        except DomainError as exc:
            return exc.code
    return "accepted"


def test_auto_partner_ping_is_applied_and_its_pong_queued(client: TestClient) -> None:
    before_inbox, _ = _counts()
    raw = _bundle()
    response = _push(client, raw)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "accepted" and body["kind"] == "ping"
    with session_scope() as db:
        pong = db.scalars(select(OutboxItem).where(OutboxItem.kind == "pong")
                          .order_by(OutboxItem.id.desc())).first()
        assert pong is not None and pong.status == "pending"
        reply = bundle.open_bundle(pong.bundle.encode(), AUTO, lambda fp: _me().public,
                                   limit=1 << 20, max_age=bundle.timedelta(days=1))
        assert reply.payload["name"] == "KBRI Phnom Penh"
        assert reply.payload["in_reply_to"] == "t"
        entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "exchange.receive")
                           .order_by(AuditEntry.seq.desc())).first()
        assert entry is not None and entry.actor == "partner:imigrasi"
    # delivered again (a lost answer, a replay): refused, nothing stored
    inbox_now, nonces_now = _counts()
    assert inbox_now == before_inbox + 1
    again = _push(client, raw)
    assert again.status_code == 409 and again.json()["error"]["code"] == "replayed"
    assert _counts() == (inbox_now, nonces_now)


@pytest.mark.parametrize("damage, code, status", [
    ("tamper", "bad_signature", 403), ("misaddress", "wrong_recipient", 400),
    ("stranger", "unknown_partner", 403), ("garbage", "malformed", 400),
    ("kind", "unknown_kind", 400)])
def test_refused_bundles_store_nothing(client: TestClient, damage: str, code: str,
                                       status: int) -> None:
    raw = _bundle()
    if damage == "tamper":
        env = json.loads(raw)
        ct = bytearray(bundle.b64d(env["ciphertext"]))
        ct[3] ^= 0x20
        env["ciphertext"] = bundle.b64e(bytes(ct))
        raw = bundle.canonical(env)
    elif damage == "misaddress":
        raw = bundle.seal(AUTO, MANUAL.public, "ping", {"message": "x"})
    elif damage == "stranger":
        raw = bundle.seal(Identity.generate("x"), _me().public, "ping", {})
    elif damage == "garbage":
        raw = b'{"v": 1'
    elif damage == "kind":
        raw = _bundle(kind="no_such_kind")
    before = _counts()
    response = _push(client, raw)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert _counts() == before


def test_oversize_body_is_refused_before_reading(client: TestClient,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "exchange_max_bundle_bytes", 2048)
    before = _counts()
    response = _push(client, _bundle(payload={"blob": "x" * 4000}))
    assert response.status_code == 413 and response.json()["error"]["code"] == "oversize"
    assert _counts() == before


def test_the_inbox_is_rate_limited_per_partner(client: TestClient,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from waspada.exchange import api

    monkeypatch.setattr(api.partner_limiter, "limit", 2)
    codes = [_push(client, _bundle()).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


class Recorder:
    """A content handler standing in for the content side's (registered like theirs)."""

    kind = "test_referral"

    def __init__(self) -> None:
        self.calls: list[tuple[str, bool]] = []

    def apply(self, db: Any, actor: Any, partner: PartnerInfo, payload: dict[str, Any], *,
              preview: bool) -> Applied:
        self.calls.append((partner.name, preview))
        if payload.get("fail"):
            db.add(Partner(name="written-then-undone", public_key="x", fingerprint="y" * 32))
            db.flush()
            raise DomainError("conflict", "the case changed on both sides")
        return Applied(case_number="KSS-2026-0001", created=not preview, changed=not preview,
                       changes=[{"field": "name", "old": None, "new": payload.get("name")}])


@pytest.fixture()
def recorder() -> Iterator[Recorder]:
    handler = Recorder()
    service.load_handlers()
    handlers.register(handler)
    yield handler
    handlers._HANDLERS.pop(handler.kind, None)


def test_receive_file_prints_the_applied_result(tmp_path, recorder: Recorder) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bundle.json"
    path.write_bytes(_bundle(kind="test_referral", payload={"name": "Siti"}))
    result = _cli("receive", str(path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"case_number": "KSS-2026-0001", "created": True,
                                         "changed": True}
    assert recorder.calls == [("imigrasi", False)]
    again = _cli("receive", str(path), "--json")
    assert again.exit_code == 1 and "replayed" in again.output


def test_a_refused_apply_is_kept_as_failed_and_undone(recorder: Recorder) -> None:
    raw = _bundle(kind="test_referral", payload={"fail": True})
    with session_scope() as db:
        got = service.receive(db, raw, via="file")
    assert got.status == "failed"
    with session_scope() as db:
        item = db.get(InboxItem, got.inbox_id)
        assert item is not None and "both sides" in (item.reason or "")
        assert db.scalar(select(Partner).where(Partner.name == "written-then-undone")) is None


def test_manual_partner_waits_with_a_preview_then_an_officer_accepts(
        role_clients: dict[str, TestClient], recorder: Recorder) -> None:
    officer = role_clients["protection_officer"]
    response = _push(officer, bundle.seal(MANUAL, _me().public, "test_referral",
                                          {"name": "Siti Aminah"}))
    assert response.status_code == 200 and response.json()["status"] == "pending"
    inbox_id = response.json()["inbox_id"]
    assert response.json()["created"] is False
    assert recorder.calls[-1] == ("kp2mi", True)
    page = officer.get("/exchange/inbox")
    assert page.status_code == 200 and "Kotak masuk" in page.text
    assert "Siti Aminah" in page.text and f'data-inbox="{inbox_id}"' in page.text
    assert recorder.calls[-1][1] is True  # the page only previews
    accepted = officer.post(f"/exchange/inbox/{inbox_id}/accept", headers=csrf_headers(officer),
                            follow_redirects=False)
    assert accepted.status_code == 303
    assert recorder.calls[-1] == ("kp2mi", False)
    with session_scope() as db:
        item = db.get(InboxItem, inbox_id)
        assert item is not None and item.status == "accepted"
        assert item.decided_by == "pelindungan"
    twice = officer.post(f"/exchange/inbox/{inbox_id}/accept", headers=csrf_headers(officer))
    assert twice.status_code == 409


def test_an_officer_rejects_with_a_reason_and_an_empty_reason_is_reshown(
        role_clients: dict[str, TestClient], recorder: Recorder) -> None:
    officer = role_clients["passport_officer"]
    inbox_id = _push(officer, bundle.seal(MANUAL, _me().public, "test_referral",
                                          {"name": "X"})).json()["inbox_id"]
    empty = officer.post(f"/exchange/inbox/{inbox_id}/reject",
                         data={"reason": "", "csrf_token": officer.cookies.get("waspada_csrf")})
    assert empty.status_code == 400 and "Alasan" in empty.text
    done = officer.post(f"/exchange/inbox/{inbox_id}/reject", follow_redirects=False,
                        data={"reason": "not ours",
                              "csrf_token": officer.cookies.get("waspada_csrf")})
    assert done.status_code == 303
    with session_scope() as db:
        item = db.get(InboxItem, inbox_id)
        assert item is not None and item.status == "rejected" and item.reason == "not ours"
    assert recorder.calls[-1][1] is True  # never applied


def test_pages_are_for_their_roles(role_clients: dict[str, TestClient]) -> None:
    assert role_clients["analyst"].get("/exchange/inbox").status_code == 403
    assert role_clients["protection_officer"].get("/exchange/partners").status_code == 403
    page = role_clients["admin"].get("/exchange/partners")
    assert page.status_code == 200 and "Mitra pertukaran" in page.text
    assert _me().public.text in page.text and 'data-partner="imigrasi"' in page.text


def test_partner_form_refusals_are_reshown_filled_in(role_clients: dict[str, TestClient]
                                                     ) -> None:
    admin = role_clients["admin"]
    token = admin.cookies.get("waspada_csrf")
    bad = admin.post("/exchange/partners", data={"name": "Polda", "public_key": "wsp1.xyz",
                                                 "csrf_token": token})
    assert bad.status_code == 400 and 'value="Polda"' in bad.text
    taken = admin.post("/exchange/partners", data={"name": "imigrasi", "csrf_token": token,
                                                   "public_key": Identity.generate("n").public.text})
    assert taken.status_code == 409 and "Nama ini sudah dipakai" in taken.text
    key = Identity.generate("DINSOS").public.text
    ok = admin.post("/exchange/partners", follow_redirects=False,
                    data={"name": "dinsos", "public_key": key, "url": "https://dinsos.test",
                          "organisation": "SocialServices", "acceptance": "manual",
                          "csrf_token": token})
    assert ok.status_code == 303
    with session_scope() as db:
        added = db.scalar(select(Partner).where(Partner.name == "dinsos"))
        assert added is not None and added.acceptance == "manual"
        db.delete(added)


def test_queue_bundle_joins_the_callers_transaction() -> None:
    with session_scope() as db:
        before = db.scalar(select(func.count(OutboxItem.id)))
    with pytest.raises(RuntimeError), session_scope() as db:
        service.queue_bundle(db, CLI_PRINCIPAL, "imigrasi", "ping", {"message": "x"})
        raise RuntimeError("the caller's change failed")
    with session_scope() as db:
        assert db.scalar(select(func.count(OutboxItem.id))) == before
        outbox_id = service.queue_bundle(db, CLI_PRINCIPAL, "imigrasi", "ping", {"m": 1})
    with session_scope() as db:
        item = db.get(OutboxItem, outbox_id)
        assert item is not None and item.status == "pending" and item.kind == "ping"


def _clear_outbox() -> None:
    with session_scope() as db:
        for item in db.scalars(select(OutboxItem).where(OutboxItem.status == "pending")):
            item.status = "delivered"


def test_delivery_retries_with_backoff_then_dead_letters_then_resends(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _clear_outbox()
    settings = get_settings()
    monkeypatch.setattr(settings, "exchange_delivery_attempts", 3)
    monkeypatch.setattr(settings, "exchange_retry_base_seconds", 0.001)
    up = {"now": False}
    seen: list[str] = []

    def partner(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if not up["now"]:
            raise httpx.ConnectError("refused")
        return httpx.Response(200, json={"status": "accepted"})

    client = httpx.Client(transport=httpx.MockTransport(partner))
    with session_scope() as db:
        outbox_id = service.queue_bundle(db, CLI_PRINCIPAL, "imigrasi", "ping", {"m": 2})
    tallies = []
    for _ in range(3):
        import time

        time.sleep(0.01)
        tallies.append(outbox.deliver_due(client))
    assert [t.failed for t in tallies] == [1, 1, 0] and tallies[-1].dead == 1
    assert seen == [PARTNER_URL + "/api/v1/exchange/inbox"] * 3
    with session_scope() as db:
        item = db.get(OutboxItem, outbox_id)
        assert item is not None and item.status == "dead" and item.attempts == 3
        assert "ConnectError" in (item.last_error or "")
        reasons = db.scalars(select(DeliveryAttempt.reason)
                            .where(DeliveryAttempt.outbox_id == outbox_id)).all()
        assert len(reasons) == 3 and all("no answer" in r for r in reasons)
    assert outbox.deliver_due(client).failed == 0  # dead: not tried again
    health = {p["name"]: p for p in json.loads(_cli("partner", "list", "--json").output)}
    assert health["imigrasi"]["dead"] >= 1 and "ConnectError" in health["imigrasi"]["last_error"]
    up["now"] = True
    assert _cli("resend", str(outbox_id)).exit_code == 0
    assert outbox.deliver_due(client).delivered == 1
    with session_scope() as db:
        item = db.get(OutboxItem, outbox_id)
        assert item is not None and item.status == "delivered" and item.delivered_at


def test_a_replayed_answer_counts_as_delivered() -> None:
    _clear_outbox()

    def partner(request: httpx.Request) -> httpx.Response:
        return httpx.Response(409, json={"error": {"code": "replayed", "message": "x"}})

    with session_scope() as db:
        outbox_id = service.queue_bundle(db, CLI_PRINCIPAL, "imigrasi", "ping", {"m": 3})
    tally = outbox.deliver_due(httpx.Client(transport=httpx.MockTransport(partner)))
    assert tally.delivered == 1
    with session_scope() as db:
        attempt = db.scalar(select(DeliveryAttempt).where(DeliveryAttempt.outbox_id == outbox_id))
        assert attempt is not None and attempt.reason == "already received by the partner"


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    import random

    rnd = random.Random(1)
    delays = [outbox.backoff(n, 30, 3600, rnd) for n in range(1, 10)]
    assert all(15 * 2 ** (n - 1) <= d <= 30 * 2 ** (n - 1) for n, d in enumerate(delays[:6], 1))
    assert max(delays) <= 3600 and delays[-1] >= 1800


def test_send_calls_the_content_builder_and_writes_a_sealed_file(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    with monkeypatch.context() as m:  # an installation without the content module
        m.setattr(service, "REFERRAL_MODULE", "waspada.exchange.not_installed")
        missing = _cli("send", "KSS-1", "--to", "imigrasi", "--output", str(tmp_path / "n.json"))
    assert missing.exit_code == 1 and "content module" in missing.output
    calls: list[tuple[str, PartnerInfo, str | None]] = []

    def build_referral(db: Any, actor: Any, case_number: str, partner: PartnerInfo, *,
                       consent_override: str | None) -> dict[str, Any]:
        calls.append((case_number, partner, consent_override))
        if case_number == "NO-CONSENT":
            raise DomainError("consent_missing", "No recorded consent for this partner.")
        return {"case": {"cas_CaseNumber": case_number}}

    fake = types.ModuleType("waspada.exchange.referral")
    fake.build_referral = build_referral  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "waspada.exchange.referral", fake)
    out = tmp_path / "referral.json"
    result = _cli("send", "KSS-1", "--to", "imigrasi", "--output", str(out),
                  "--consent-override", "UU 21/2007 Pasal 44")
    assert result.exit_code == 0, result.output
    assert calls == [("KSS-1", PartnerInfo("imigrasi", "ImmigrationService",
                                           AUTO.public.fingerprint), "UU 21/2007 Pasal 44")]
    opened = bundle.open_bundle(out.read_bytes(), AUTO, lambda fp: _me().public,
                                limit=1 << 20, max_age=bundle.timedelta(days=1))
    assert opened.kind == "referral" and opened.payload == {"case": {"cas_CaseNumber": "KSS-1"}}
    refused = _cli("send", "NO-CONSENT", "--to", "imigrasi", "--output", str(tmp_path / "x"))
    assert refused.exit_code == 1 and "consent" in refused.output
    assert not (tmp_path / "x").exists()
    with session_scope() as db:
        entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "exchange.send_file")
                           .order_by(AuditEntry.seq.desc())).first()
        assert entry is not None and "KSS-1" in entry.detail


def test_send_ping_to_a_disabled_or_unknown_partner_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    unknown = _cli("send-ping", "--to", "nobody")
    assert unknown.exit_code == 1 and "No exchange partner" in unknown.output
    queued = _cli("send-ping", "--to", "imigrasi")
    assert queued.exit_code == 0 and "queued" in queued.output


@pytest.fixture()
def fake_builder(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The content side's referral builder (exchange-common.md), standing in until merge."""
    calls: list[str] = []

    def build_referral(db: Any, actor: Any, case_number: str, partner: PartnerInfo, *,
                       consent_override: str | None) -> dict[str, Any]:
        calls.append(case_number)
        if case_number == "NO-CONSENT" and not consent_override:
            raise DomainError("consent_missing", "No recorded consent for this partner.")
        return {"case": {"cas_CaseNumber": case_number}}

    fake = types.ModuleType("waspada.exchange.referral")
    fake.build_referral = build_referral  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "waspada.exchange.referral", fake)
    return calls


def test_kirim_ke_mitra_page_and_api_queue_the_referral(
        role_clients: dict[str, TestClient], fake_builder: list[str]) -> None:
    officer = role_clients["protection_officer"]
    form = officer.get("/exchange/send?case=KSS-2026-0007")
    assert form.status_code == 200 and "Kirim ke mitra" in form.text
    assert 'value="KSS-2026-0007"' in form.text and '<option value="imigrasi"' in form.text
    token = officer.cookies.get("waspada_csrf")
    refused = officer.post("/exchange/send", data={"case_number": "NO-CONSENT",
                                                   "partner": "imigrasi", "csrf_token": token})
    assert refused.status_code == 400 and "consent" in refused.text
    assert 'value="NO-CONSENT"' in refused.text
    sent = officer.post("/exchange/send", data={
        "case_number": "NO-CONSENT", "partner": "imigrasi", "csrf_token": token,
        "consent_override": "UU 21/2007 Pasal 44"})
    assert sent.status_code == 200 and 'id="queued"' in sent.text
    api = officer.post("/api/v1/exchange/send", json={"case_number": "KSS-2026-0008",
                                                      "partner": "imigrasi"})
    assert api.status_code == 202, api.text
    with session_scope() as db:
        item = db.get(OutboxItem, api.json()["outbox_id"])
        assert item is not None and item.kind == "referral" and item.status == "pending"
        assert item.created_by == "pelindungan"
    assert fake_builder == ["NO-CONSENT", "NO-CONSENT", "KSS-2026-0008"]
    assert role_clients["analyst"].post("/api/v1/exchange/send", json={
        "case_number": "X", "partner": "imigrasi"}).status_code == 403


def test_a_waiting_bundle_can_be_exported_to_a_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with session_scope() as db:
        outbox_id = service.queue_bundle(db, CLI_PRINCIPAL, "kp2mi", "ping", {"m": "file"})
    out = tmp_path / "kp2mi.json"
    result = _cli("export", str(outbox_id), "--output", str(out))
    assert result.exit_code == 0, result.output
    opened = bundle.open_bundle(out.read_bytes(), MANUAL, lambda fp: _me().public,
                                limit=1 << 20, max_age=bundle.timedelta(days=1))
    assert opened.payload == {"m": "file"}
    with session_scope() as db:
        item = db.get(OutboxItem, outbox_id)
        assert item is not None and item.status == "file"
    assert _cli("export", str(outbox_id), "--output", str(out)).exit_code == 1


def test_old_nonces_are_pruned_and_recent_ones_kept() -> None:
    from datetime import timedelta

    from waspada.platform.db import utcnow

    with session_scope() as db:
        partner = db.scalar(select(Partner).where(Partner.name == "imigrasi"))
        assert partner is not None
        db.add(SeenNonce(partner_id=partner.id, nonce="old-nonce",
                         bundle_created_at=utcnow() - timedelta(days=40)))
        db.add(SeenNonce(partner_id=partner.id, nonce="new-nonce",
                         bundle_created_at=utcnow() - timedelta(days=1)))
    assert outbox.prune() >= 1
    with session_scope() as db:
        left = set(db.scalars(select(SeenNonce.nonce)))
    assert "old-nonce" not in left and "new-nonce" in left


def test_receive_accept_and_queue_audit_in_their_own_transaction(
        recorder: Recorder) -> None:
    from tests.platform.audit_watch import AuditWatch

    watch = AuditWatch()
    watch.install()
    try:
        with watch.watching():
            with session_scope() as db:
                got = service.receive(db, bundle.seal(MANUAL, _me().public, "test_referral",
                                                      {"name": "Y"}), via="file")
            with session_scope() as db:
                service.accept(db, CLI_PRINCIPAL, got.inbox_id)
            with session_scope() as db:
                service.queue_bundle(db, CLI_PRINCIPAL, "imigrasi", "ping", {"m": 4})
            with session_scope() as db:
                service.receive(db, _bundle(), via="file")
    finally:
        watch.remove()
    assert not watch.unaudited, watch.unaudited
    assert watch.audited_writes >= 4


def test_bundle_routes_refuse_other_roles(role_clients: dict[str, TestClient],
                                          recorder: Recorder) -> None:
    with session_scope() as db:
        got = service.receive(db, bundle.seal(MANUAL, _me().public, "test_referral",
                                              {"name": "Z"}), via="file")
        outbox_id = service.queue_bundle(db, CLI_PRINCIPAL, "imigrasi", "ping", {"m": 5})
        db.commit()
    for role in ("analyst", "auditor", "admin"):
        who = role_clients[role]
        assert who.post(f"/api/v1/exchange/inbox/{got.inbox_id}/accept").status_code == 403
        assert who.post(f"/api/v1/exchange/inbox/{got.inbox_id}/reject",
                        json={"reason": "x"}).status_code == 403
        assert who.post(f"/exchange/inbox/{got.inbox_id}/accept",
                        headers=csrf_headers(who)).status_code == 403
    for role in ("protection_officer", "passport_officer", "checkpoint_officer", "analyst"):
        who = role_clients[role]
        assert who.post(f"/api/v1/exchange/outbox/{outbox_id}/resend").status_code == 403
        assert who.post(f"/exchange/outbox/{outbox_id}/resend",
                        headers=csrf_headers(who)).status_code == 403
    with session_scope() as db:
        item = db.get(InboxItem, got.inbox_id)
        assert item is not None and item.status == "pending"


def test_payloads_of_long_decided_bundles_are_erased_and_audited() -> None:
    """UU 27/2022: what was accepted lives on in the case; a decided bundle's payload is not
    kept beyond exchange_inbox_keep_days (pending ones and recent ones are)."""
    from datetime import timedelta

    from waspada.platform.audit import AuditEntry
    from waspada.platform.db import utcnow

    old = utcnow() - timedelta(days=31)
    with session_scope() as db:
        partner = db.scalar(select(Partner).where(Partner.name == "imigrasi"))
        assert partner is not None
        rows = [InboxItem(partner_id=partner.id, kind="ping", nonce=f"erase-{name}",
                          bundle_created_at=old, received_at=old, status=status,
                          decided_at=decided, payload_json='{"name": "Sekar Purba"}')
                for name, status, decided in (("old", "accepted", old), ("failed", "failed", None),
                                              ("pending", "pending", None),
                                              ("recent", "rejected", utcnow()))]
        db.add_all(rows)
        db.flush()
        ids = {row.nonce: row.id for row in rows}
    outbox.prune()
    with session_scope() as db:
        payload = {nonce: db.get(InboxItem, i).payload_json for nonce, i in ids.items()}  # type: ignore[union-attr]
        erased = db.scalars(select(AuditEntry).where(AuditEntry.action == "exchange.inbox_erase")
                            ).all()
    assert payload == {"erase-old": "{}", "erase-failed": "{}",
                       "erase-pending": '{"name": "Sekar Purba"}',
                       "erase-recent": '{"name": "Sekar Purba"}'}
    assert erased and all("Sekar" not in e.detail for e in erased)
