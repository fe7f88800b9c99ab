"""What the printed case summary and referral letter show, in Indonesian words and the unit's
local time (issue #16, printing): the plain dicts ``cases.pdf`` prints.

Built from the case as the principal may see it (``store.view_case``: field-level visibility
already applied, so a role that sees a pseudonym prints a pseudonym), every code through the
labels catalogue, times with their zone, the printing officer's name, NIP and rank, and a
verification code (HMAC of the document's number, the case and the time it was issued, with
the instance's secret key) that the audit entry of the print keeps, so anyone holding the paper
can have it checked.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Any

from babel.dates import format_date

from waspada.cases.step_values import day_text, step_value
from waspada.platform.labels import label, labels
from waspada.platform.settings import get_settings
from waspada.platform.timezones import format_local, to_local, zone_of

TIME = "%d-%m-%Y pukul %H:%M"
VALUE_TITLES = {"trafficking_status": "Status TPPO", "note": "Catatan",
                "location_country": "Negara", "location_city": "Kota",
                "exit_date": "Tanggal keluar", "exit_mode": "Cara keluar",
                "shelter_name": "Rumah aman", "citizenship_basis": "Dasar verifikasi",
                "splp_number": "Nomor SPLP", "splp_issued_on": "Tanggal SPLP",
                "arrival_date": "Tanggal tiba", "arrival_port": "TPI kedatangan",
                "return_mode": "Cara pulang", "handover_to": "Diserahkan kepada",
                "handover_date": "Tanggal serah terima", "closure_reason": "Alasan penutupan",
                "closure_note": "Catatan penutupan", "duplicate_of": "Duplikat dari",
                "last_contact_date": "Kontak terakhir", "source": "Sumber laporan"}


def _value(key: str, value: Any, org_names: dict[str, str]) -> str:
    """One value of a workflow step in Indonesian words (``cases.step_values``, shared with
    the case page): dates DD-MM-YYYY, codes through the labels catalogue, an organisation an
    administrator added by its registered name (the summary said "Diserahkan kepada:
    LSM_DEMO"; walk18)."""
    return step_value(key, value, "id", org_names)


def _local_day(referral: dict[str, Any], zone: str | None) -> str:
    """The day a referral was made, on the printing unit's calendar (the UTC date printed
    "01-12-2026" for a referral made at 00:16 WIB on 2 December; walk18)."""
    if referral.get("created_at"):
        return to_local(referral["created_at"], zone).strftime("%d-%m-%Y")
    return _date(referral.get("created_on"))


def verification_code(document_no: str, case_id: int, issued_at: datetime) -> str:
    message = f"{document_no}|{case_id}|{issued_at.isoformat()}"
    key = get_settings().effective_secret_key.encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:16].upper()


def _date(value: Any) -> str:
    return day_text(value)


def _officer(user: Any, unit: Any) -> dict[str, str]:
    return {"officer": (user.full_name or user.username) if user else "Operator sistem",
            "officer_nip": (getattr(user, "nip", None) or "-") if user else "-",
            "officer_rank": (getattr(user, "rank", None) or "-") if user else "-",
            "unit": unit.name if unit else "Waspada",
            "place": (getattr(unit, "city", None) or unit.name) if unit else "Jakarta"}


def _common(case: dict[str, Any], user: Any, unit: Any, document_no: str,
            issued_at: datetime) -> dict[str, Any]:
    zone = zone_of(unit)
    code = verification_code(document_no, int(case["id"]), issued_at)
    return {**_officer(user, unit), "document_no": document_no, "reference": case["reference"],
            "issued_at": format_local(issued_at, zone, TIME),
            "issued_date": format_date(to_local(issued_at, zone).date(), format="long",
                                       locale="id"),
            "verification_code": code,
            "verification_payload": f"WASPADA {document_no} KODE VERIFIKASI {code}",
            "synthetic": bool(case.get("is_synthetic"))}


def _person_rows(person: dict[str, Any]) -> list[tuple[str, str]]:
    rows = [("Nama", person.get("display_name") or "-")]
    if person.get("birth_date"):
        rows.append(("Tanggal lahir", _date(person["birth_date"])))
    elif person.get("age_band"):
        rows.append(("Kelompok umur", str(person["age_band"])))
    for key, title, kind in (("gender", "Jenis kelamin", "sex"),
                             ("identity_number", "NIK", None),
                             ("passport_number", "Nomor paspor", None),
                             ("mobile_phone", "Telepon", None),
                             ("relationship", "Hubungan dengan korban", None)):
        if person.get(key):
            rows.append((title, label(kind, person[key], "id") if kind else str(person[key])))
    return rows


def summary_for_pdf(case: dict[str, Any], user: Any, unit: Any, issued_at: datetime,
                    org_names: dict[str, str] | None = None) -> dict[str, Any]:
    """The case summary in Indonesian (``case``: ``store.view_case`` of the printing user;
    ``org_names``: organisation code -> registered name, for organisations outside the
    catalogue)."""
    zone = zone_of(unit)
    names = {o["code"]: o["name"] for o in case.get("organisations", ()) if o.get("code")}
    names.update(org_names or {})
    document_no = f"{case['reference']}/RK"
    facts = [("Status", label("case_status", case["status"], "id")),
             ("Unit pemilik", case.get("owner_unit") or "-"),
             ("Negara tujuan", ", ".join(filter(None, [case.get("destination_city"),
                                                   label("country",
                                                         case.get("destination_country"), "id")]))
              or "-"),
             ("Jenis eksploitasi", labels("exploitation", case.get("exploitation_type"), "id")
              or "-"),
             ("Jenis markas", label("compound", case.get("compound_type"), "id") or "-"),
             ("Status TPPO", label("trafficking_status", case.get("trafficking_status"), "id")
              or "-"),
             ("Dilaporkan", format_local(case["reported_at"], zone, TIME)
              + f" ({label('case_source', case.get('source'), 'id')})"),
             ("Batas waktu langkah berikut", format_local(case["due_at"], zone, "%d-%m-%Y")
              if case.get("due_at") else "-")]
    history = []
    for step in case.get("history", ()):
        values = "; ".join(f"{VALUE_TITLES.get(k, k)}: {_value(k, v, names)}"
                           for k, v in (step.get("values") or {}).items() if v)
        history.append((format_local(step["at"], zone, TIME),
                        label("case_status", step["to"], "id"),
                        # a family report has no officer: "public" is the public form
                        "formulir laporan masyarakat" if step.get("actor") == "public"
                        else step.get("actor") or "-",
                        values))
    return {**_common(case, user, unit, document_no, issued_at), "title": "RINGKASAN KASUS",
            "facts": facts, "summary": case.get("summary"),
            "persons": [(label("person_role", p.get("role"), "id"), _person_rows(p))
                        for p in case.get("persons", ())],
            "history": history,
            "referrals": [(f"{label('referral_kind', r['kind'], 'id')} kepada "
                           f"{_organisation(r)}",
                           f"{label('referral_status', r['status'], 'id')} · dibuat "
                           f"{_local_day(r, zone)}") for r in case.get("referrals", ())],
            "tasks": [(t["title"], ("selesai" if t.get("done_at") else
                                    f"batas {_date(t['due_on'])}" if t.get("due_on") else
                                    "belum selesai")) for t in case.get("tasks", ())],
            "events": [(label("event_type", e.get("type"), "id"),
                        " · ".join(filter(None, [_date(e.get("date")) if e.get("date") else "",
                                                 ", ".join(filter(None, [
                                                     e.get("city"),
                                                     label("country", e.get("country"), "id")]))])))
                       for e in case.get("events", ())]}


def _organisation(referral: dict[str, Any]) -> str:
    """The receiving organisation in Indonesian: the catalogue's words for a listed code, else
    the name it was registered with (the letter said "Kepada Yth. LSM_DEMO" for an
    organisation an administrator added; walk17)."""
    code = referral.get("to_org_code")
    words = label("organisation", code, "id") if code else ""
    if words and words != str(code).strip():
        return words
    return str(referral.get("to_org") or code or "-")


def referral_for_pdf(case: dict[str, Any], referral: dict[str, Any], user: Any, unit: Any,
                     issued_at: datetime) -> dict[str, Any]:
    """The referral letter in Indonesian for one of the case's referrals."""
    document_no = f"{case['reference']}/RUJ-{referral['id']}"
    victims = [p for p in case.get("persons", ()) if p.get("role") == "victim"]
    consent = next((c for c in reversed(case.get("consents", ()))
                    if c.get("scope") == "referral" and not c.get("withdrawn_at")), None)
    if referral.get("override"):
        consent_text = ("Dirujuk tanpa persetujuan korban, dengan alasan yang dicatat oleh "
                        "petugas yang berwenang.")
    elif consent and consent.get("given"):
        consent_text = "Korban telah menyatakan setuju untuk dirujuk."
    else:
        consent_text = "-"
    return {**_common(case, user, unit, document_no, issued_at), "title": "SURAT RUJUKAN",
            "transfer": referral["kind"] == "transfer",
            "to_org": _organisation(referral),
            "subject": ("Pengalihan penanganan kasus" if referral["kind"] == "transfer"
                        else "Rujukan layanan bagi korban dugaan tindak pidana perdagangan orang")
            + f" ({case['reference']})",
            "reason": label("referral_reason", referral.get("reason"), "id"),
            "details": referral.get("details") or "",
            "status": label("referral_status", referral["status"], "id"),
            "created_on": _local_day(referral, zone_of(unit)),
            "victims": [_person_rows(p) for p in victims],
            "case_facts": [("Nomor kasus", case["reference"]),
                           ("Status kasus", label("case_status", case["status"], "id")),
                           ("Negara tujuan", label("country", case.get("destination_country"),
                                                   "id") or "-"),
                           ("Jenis eksploitasi",
                            labels("exploitation", case.get("exploitation_type"), "id") or "-")],
            "consent": consent_text}
