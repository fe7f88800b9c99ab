"""Citizenship verification between two installations, end to end in one process: KBRI (the
second database) asks, Ditjen Imigrasi (the test database, with its watchlist and screenings)
drafts an answer with the matching engine, an officer approves it, and KBRI's case shows the
evidence. The transport is exchange17a's; the outbox is stood in for (tests/exchange/conftest)."""

from __future__ import annotations

import copy
import json
import random
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.cases.conftest import unique_name
from tests.exchange.conftest import A_AS_PARTNER, register_partner
from waspada.cases import sharing
from waspada.cases.models import CaseComment
from waspada.exchange import content_service, handlers, verification
from waspada.exchange.content_errors import ConsentMissing, ContentError
from waspada.exchange.content_schemas import AnswerIn, ConsentIn, VerificationIn
from waspada.exchange.handlers import PartnerInfo
from waspada.exchange.records import VerificationRequest
from waspada.matching import service as matching
from waspada.matching.schemas import EntryIn
from waspada.platform.db import session_factory
from waspada.platform.security.policy import CLI_PRINCIPAL, Principal
from waspada.platform.security.roles import Role

IMIGRASI = PartnerInfo(name="imigrasi-pusat", organisation="ImmigrationService",
                       fingerprint="c" * 64)
KBRI = PartnerInfo(name="kbri-phnom-penh", organisation="CentralGovernmentOrganisation",
                   fingerprint="d" * 64)


def _nik() -> str:
    return "3201" + "".join(random.choice("0123456789") for _ in range(12))


@pytest.fixture()
def kbri_case(b_sessions: sessionmaker[Session], b_officer: Principal) -> tuple[int, Principal,
                                                                                 dict]:
    """A case at KBRI (the second database) with its protection officer; Imigrasi is one of
    KBRI's registered partners."""
    register_partner(b_sessions, IMIGRASI.name, IMIGRASI.organisation)
    name, nik = unique_name(), _nik()
    officer = Principal(user_id=None, username="pelindungan.kbri", role=Role.PROTECTION_OFFICER,
                        unit_id=b_officer.unit_id)
    with b_sessions() as db:
        case_id, _ref = sharing.import_case(db, officer, {
            "destination_country": "KH", "summary": "Korban di Sihanoukville",
            "persons": [{"role": "victim", "full_name": name, "birth_date": "1998-02-03",
                         "identity_number": nik, "passport_number": "C1234567",
                         "gender": "Feminine"}]})
        db.commit()
    return case_id, officer, {"name": name, "nik": nik}


def _victim(sessions: sessionmaker[Session], case_id: int) -> int:
    with sessions() as db:
        return int(sharing.persons(db, case_id)[0]["id"])


def test_deadline_counts_working_days_only() -> None:
    friday = datetime(2026, 11, 27, 9, 0)
    assert verification.deadline_after(friday, 3) == datetime(2026, 12, 2, 9, 0)
    assert verification.deadline_after(datetime(2026, 11, 30, 9), 3) == datetime(2026, 12, 3, 9)


def test_a_verification_request_needs_the_victims_consent(  # type: ignore[no-untyped-def]
        kbri_case, b_sessions, outbox) -> None:
    case_id, officer, _person = kbri_case
    with b_sessions() as db, pytest.raises(ConsentMissing):
        content_service.request_verification(db, officer, case_id,
                                             VerificationIn(partner=IMIGRASI.name))
    assert outbox.sent == []
    with b_sessions() as db:
        assert db.scalar(select(VerificationRequest.id).where(
            VerificationRequest.case_id == case_id)) is None


def test_verification_request_answered_and_shown_on_the_case(  # type: ignore[no-untyped-def]
        kbri_case, b_sessions, outbox) -> None:
    case_id, officer, person = kbri_case
    with session_factory()() as db:  # Imigrasi holds the person (here: its watchlist)
        matching.add_entry(db, CLI_PRINCIPAL, EntryIn(
            record_id=f"IMI-{person['nik']}", full_name=person["name"],
            birth_date="1998-02-03", nik=person["nik"], passport_no="C1234567",
            list_kind="pencegahan", reason="paspor dilaporkan", source="Kanim Medan"))
    with b_sessions() as db:  # KBRI records the victim's consent and asks
        content_service.record_consent(db, officer, case_id, ConsentIn(
            person_id=_victim(b_sessions, case_id), recipient=IMIGRASI.name,
            purpose="verification", given=True, method="written"))
        done = content_service.request_verification(
            db, officer, case_id, VerificationIn(partner=IMIGRASI.name, working_days=3))
    assert done.status == "sent"
    (partner, kind, request), = outbox.sent
    assert (partner, kind) == (IMIGRASI.name, "verification_request")
    assert request["identifiers"]["nik"] == person["nik"]
    assert request["identifiers"]["passport_numbers"] == ["C1234567"]

    handler = handlers.get("verification_request")
    assert handler is not None
    with session_factory()() as db:  # Imigrasi: preview writes nothing, apply drafts
        preview = handler.apply(db, CLI_PRINCIPAL, KBRI, copy.deepcopy(request), preview=True)
        assert preview.changed and db.scalar(select(VerificationRequest.id).where(
            VerificationRequest.request_uid == request["request_id"])) is None
        handler.apply(db, CLI_PRINCIPAL, KBRI, copy.deepcopy(request), preview=False)
        db.commit()
        assert not handler.apply(db, CLI_PRINCIPAL, KBRI, copy.deepcopy(request),
                                 preview=False).changed  # a second delivery: nothing new
        row = db.scalars(select(VerificationRequest).where(
            VerificationRequest.request_uid == request["request_id"])).one()
    imigrasi_officer = Principal(user_id=None, username="petugas.imigrasi",
                                 role=Role.PASSPORT_OFFICER, unit_id=None)
    with session_factory()() as db:
        queue = content_service.list_verifications(db, imigrasi_officer)
        assert row.id in [v.id for v in queue]
        shown = content_service.get_verification(db, imigrasi_officer, row.id)
        assert shown.status == "draft" and shown.draft
        best = shown.draft[0]
        assert best["source"] == "watchlist" and best["score"] >= 90
        # the list and the agreement in words, not "pencegahan; prior: -13.3, total_weight: …"
        assert best["evidence"].startswith("Pencegahan (cegah tangkal); nama "), best
        assert "prior" not in best["evidence"] and "weight" not in best["evidence"]
        with pytest.raises(ContentError):  # a verified answer names the matching record
            content_service.answer_verification(db, imigrasi_officer, row.id,
                                                AnswerIn(result="verified"))
        content_service.answer_verification(db, imigrasi_officer, row.id,
                                            AnswerIn(result="verified", candidate=0))
    (_p, kind, answer) = outbox.sent[-1]
    assert kind == "verification_answer" and answer["result"] == "verified"
    assert answer["answered_by"] == "petugas.imigrasi"

    answer_handler = handlers.get("verification_answer")
    assert answer_handler is not None
    with b_sessions() as db:  # KBRI applies the answer: evidence on the case
        applied = answer_handler.apply(db, officer, IMIGRASI, copy.deepcopy(answer),
                                       preview=False)
        db.commit()
        assert applied.changed and applied.case_number
        again = answer_handler.apply(db, officer, IMIGRASI, copy.deepcopy(answer),
                                     preview=False)
        assert not again.changed
        comments = list(db.scalars(select(CaseComment.body).where(
            CaseComment.case_id == case_id)))
        view = content_service.case_exchange(db, officer, case_id)
    assert len(comments) == 1 and comments[0].startswith("Kewarganegaraan terverifikasi")
    assert "petugas.imigrasi" in comments[0] and str(best["score"]) in comments[0]
    (shown_out,) = view.verifications
    assert shown_out.result == "verified" and shown_out.score == best["score"]
    assert shown_out.evidence[0]["reference"] == best["reference"]


def test_an_answer_to_a_request_never_sent_is_refused(b_sessions, b_officer) -> None:  # type: ignore[no-untyped-def]
    handler = handlers.get("verification_answer")
    assert handler is not None
    with b_sessions() as db, pytest.raises(ContentError) as refused:
        handler.apply(db, b_officer, A_AS_PARTNER, {
            "request_id": "0b7c6b0e-7c54-4e43-9b8e-3a6a8b1f7d10", "result": "verified",
            "evidence": []}, preview=False)
    assert refused.value.code == "unknown_request"


def test_denial_needs_a_reason_and_the_deadline_reminds(  # type: ignore[no-untyped-def]
        kbri_case, b_sessions, outbox) -> None:
    case_id, officer, _person = kbri_case
    with b_sessions() as db:
        content_service.request_verification(db, officer, case_id, VerificationIn(
            partner=IMIGRASI.name, working_days=1,
            consent_override="UU 6/2011 pasal 27: WNI tanpa dokumen perjalanan, SPLP mendesak"))
        row = db.scalars(select(VerificationRequest).where(
            VerificationRequest.case_id == case_id)).one()
        assert row.consent_override and row.consent_override.startswith("UU 6/2011")
        row.deadline = datetime(2020, 1, 1, tzinfo=UTC)
        db.commit()
        widgets = {w.key: w for w in content_service.home(db, officer)}
    reminder = widgets["exchange.verify_out"]
    assert reminder.level == "crit" and reminder.count and reminder.count >= 1
    (_partner, _kind, request) = outbox.sent[-1]
    with session_factory()() as db:
        handler = handlers.get("verification_request")
        assert handler is not None
        handler.apply(db, CLI_PRINCIPAL, KBRI, copy.deepcopy(request), preview=False)
        db.commit()
        row_in = db.scalars(select(VerificationRequest).where(
            VerificationRequest.request_uid == request["request_id"])).one()
        with pytest.raises(ContentError) as refused:
            content_service.answer_verification(db, CLI_PRINCIPAL, row_in.id,
                                                AnswerIn(result="denied", note="tidak"))
        assert refused.value.code == "note_missing"
        content_service.answer_verification(db, CLI_PRINCIPAL, row_in.id, AnswerIn(
            result="denied", note="Bukan kewenangan kantor ini"))
    assert json.loads(json.dumps(outbox.sent[-1][2]))["result"] == "denied"
