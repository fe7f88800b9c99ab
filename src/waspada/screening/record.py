"""What the official record (Berita Acara) shows, in Indonesian words and the unit's local time.

``record_for_pdf`` reads a decided screening and returns the plain dict ``pdf.render_record``
prints: every code as words (``screening.labels``), times in the unit's zone with its
abbreviation (``platform.timezones``), the officer's name, NIP and rank, the place of signing,
and the payload of the QR code that lets anyone holding the paper check it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from babel.dates import format_date
from sqlalchemy.orm import Session

from waspada.platform.i18n import N_, translate
from waspada.platform.labels import label
from waspada.platform.timezones import format_local, to_local, zone_of
from waspada.screening.catalogue import legal_bases
from waspada.screening.decisions import approval_for, effective_decision
from waspada.screening.labels import (
    citation,
    dates_in_words,
    evidence_words,
    fact_value,
)
from waspada.screening.store import Screening, ScreeningDecision

#: the travel facts in their order, labelled once (msgids: pages translate them to the
#: reader's language, the record to Indonesian)
FACT_LABELS = (
    ("destination_country", N_("Destination country")),
    ("transit_countries", N_("Transit countries")), ("flight", N_("Flight / route")),
    ("ticket", N_("Ticket")), ("visa_type", N_("Visa")),
    ("stated_purpose", N_("Stated purpose")), ("accommodation", N_("Accommodation")),
    ("contacts_abroad", N_("Contacts abroad")), ("sponsor", N_("Sponsor or agent")),
    ("who_paid", N_("Who paid")),
)
#: a travel fact left empty on the start form is taken from the interview answer to this question
FACT_FROM_ANSWER = {"stated_purpose": "purpose", "who_paid": "who_paid"}


def verification_payload(record_no: str, code: str, base_url: str | None = None) -> str:
    """What the QR code holds: the verification URL when the public address is known, else
    the record number and code in a fixed, readable form."""
    if base_url:
        return (f"{base_url.rstrip('/')}/verifikasi?no={quote(record_no, safe='')}"
                f"&kode={quote(code, safe='')}")
    return f"WASPADA BERITA ACARA {record_no} KODE VERIFIKASI {code}"


def fact_rows(facts: dict[str, Any], answers: dict[str, str]) -> list[tuple[str, str]]:
    rows = []
    for key, title in FACT_LABELS:
        value = facts.get(key)
        if key in FACT_FROM_ANSWER and not value:
            value = answers.get(FACT_FROM_ANSWER[key], "")
        rows.append((translate(title, "id"), fact_value(key, value) or "-"))
    return rows


def record_for_pdf(db: Session, screening: Screening, decision: ScreeningDecision | None = None,
                   base_url: str | None = None) -> dict[str, Any]:
    """Everything the PDF shows, in Indonesian."""
    from waspada.screening.views import action_label, assessment_of  # views imports this module

    decision = decision or effective_decision(db, screening)
    if decision is None:
        raise ValueError("no decision yet")
    unit = screening.unit
    zone = zone_of(unit)
    assessment = assessment_of(screening).to_dict(screening.kind, "id")
    bases = {b["code"]: b["id"] for b in legal_bases()}
    approval = approval_for(db, decision)
    corrects = db.get(ScreeningDecision, decision.corrects_id) if decision.corrects_id else None
    officer = decision.officer
    signed_local = to_local(decision.signed_at, zone)
    supervisor = approval.supervisor if approval is not None else None
    supervisor_name = (supervisor.full_name or supervisor.username) if supervisor else "-"
    reasons = [{"title": dates_in_words(r["title"]), "evidence": evidence_words(r["evidence"]),
                "source": citation(r["source"])} for r in assessment["reasons"]]
    return {
        "kind": screening.kind, "record_no": screening.record_no, "unit": unit.name,
        "place": unit.city or unit.name,
        "officer": (officer.full_name or officer.username) if officer else "-",
        "officer_nip": (officer.nip if officer else None) or "-",
        "officer_rank": (officer.rank if officer else None) or "-",
        "officer_role": "Petugas Imigrasi",
        "signed_at": format_local(decision.signed_at, zone, "%d-%m-%Y pukul %H:%M"),
        "signed_date": format_date(signed_local.date(), format="long", locale="id"),
        "verification_code": decision.verification_code,
        "verification_payload": verification_payload(screening.record_no,
                                                     decision.verification_code, base_url),
        "traveller": {"full_name": screening.full_name, "nik": screening.nik,
                      "passport_no": screening.passport_no,
                      "birth_date": screening.birth_date.strftime("%d-%m-%Y")
                      if screening.birth_date else None,
                      "sex": label("sex", screening.sex, "id") or "-"},
        "facts": fact_rows(screening.load("facts"), screening.load("answers")),
        "level_label": assessment["level_label"],
        "recommended_label": assessment["recommended_action_label"],
        "reasons": reasons, "action": decision.action,
        "action_label": action_label(screening.kind, decision.action, "id"),
        "deviation_reason": decision.deviation_reason,
        "legal_bases": [bases.get(code, code) for code in decision.legal_bases],
        "approval": None if approval is None else (
            f"{'Disetujui' if approval.approved else 'Ditolak'} oleh {supervisor_name} "
            f"({format_local(approval.decided_at, zone)})"
            + (f": {approval.note}" if approval.note else "")),
        "notes": screening.notes, "statement": decision.statement,
        "corrects": f"{screening.record_no} (keputusan #{corrects.id})" if corrects else None,
        "assessment_version": assessment["version"], "synthetic": screening.is_synthetic,
    }
