"""Cross-checks of everything known about one traveller.

:func:`check_traveller` combines NIK, MRZ and typed data-page fields and
returns every finding: NIK vs passport (birth date, sex), typed fields vs
MRZ, passport validity rules, expiry vs travel date, age at travel, the
(configurable) passport-number pattern and, for an Indonesian passport's MRZ,
the known number series.  Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from waspada.identity import passport
from waspada.identity.findings import Finding, Msg, findings_to_dicts, has_critical, register
from waspada.identity.mrz import MRZResult, parse_mrz
from waspada.identity.names import parse_name
from waspada.identity.nik import parse_nik
from waspada.platform.i18n import N_

F_UNKNOWN_KEY = register(
    "traveller.input.unknown_key",
    "warning",
    N_("Unknown field ignored: '{key}'."),
)
F_BAD_DATE = register(
    "traveller.input.bad_date",
    "warning",
    N_("Unreadable date in field {field}: '{value}'."),
)
F_BAD_VALUE = register(
    "traveller.input.bad_value",
    "warning",
    N_("Unrecognised value in field {field}: '{value}'."),
)
F_NOT_OBJECT = register(
    "traveller.input.not_object",
    "critical",
    N_("Traveller data must be a JSON object."),
)
F_NIK_BIRTH = register(
    "traveller.nik_birth_date_mismatch",
    "critical",
    N_("Birth date in the NIK ({nik}) differs from the passport ({passport})."),
)
F_NIK_SEX = register(
    "traveller.nik_sex_mismatch",
    "critical",
    N_("Sex in the NIK ({nik}) differs from the passport ({passport})."),
)
F_MRZ_MISMATCH = register(
    "traveller.mrz_mismatch",
    "critical",
    N_("Data-page field {field} ('{typed}') differs from the MRZ ('{mrz}')."),
)
F_MRZ_NAME = register(
    "traveller.mrz_name_mismatch",
    "warning",
    N_("Data-page name ('{typed}') differs from the MRZ ('{mrz}')."),
)
F_BIRTH_FUTURE = register(
    "traveller.birth_date.future",
    "critical",
    N_("Birth date is in the future ({value})."),
)
F_MINOR = register(
    "traveller.minor",
    "warning",
    N_("The traveller is a minor ({age} years old) on the travel date."),
)
F_NOT_IDN = register(
    "traveller.not_indonesian",
    "info",
    N_("MRZ nationality is not IDN ({value})."),
)

MINOR_AGE = 18
_MARRIED = {"married", "kawin", "menikah", "sudah kawin", "cerai hidup", "cerai mati",
            "divorced", "widowed", "true", "yes", "ya", "1"}
_UNMARRIED = {"unmarried", "single", "belum kawin", "belum menikah", "lajang", "false", "no",
              "tidak", "0"}
_SEX = {"m": "M", "male": "M", "l": "M", "laki-laki": "M", "laki laki": "M", "pria": "M",
        "f": "F", "female": "F", "p": "F", "perempuan": "F", "wanita": "F", "x": "X"}
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d")
_DATE_KEYS = ("birth_date", "issue_date", "expiry_date", "travel_date")


@dataclass
class TravellerFacts:
    """Whatever is known about a traveller; every field optional."""

    nik: str | None = None
    mrz: list[str] | None = None
    surname: str | None = None
    given_names: str | None = None
    birth_date: date | None = None
    sex: str | None = None
    passport_number: str | None = None
    nationality: str | None = None
    issue_date: date | None = None
    expiry_date: date | None = None
    married: bool | None = None
    travel_date: date | None = None
    input_findings: list[Finding] = field(default_factory=list, repr=False)

    @classmethod
    def from_dict(cls, data: Any) -> TravellerFacts:
        """Build from a JSON-like mapping; problems go to ``input_findings``."""
        facts = cls()
        if not isinstance(data, Mapping):
            facts.input_findings.append(F_NOT_OBJECT())
            return facts
        known = {f.name for f in fields(cls)} - {"input_findings"}
        aliases = {"mrz_lines": "mrz", "marital_status": "married", "document_number":
                   "passport_number", "date_of_birth": "birth_date"}
        for raw_key, value in data.items():
            key = aliases.get(str(raw_key), str(raw_key))
            if key not in known:
                facts.input_findings.append(F_UNKNOWN_KEY(field=str(raw_key), key=raw_key))
                continue
            if value is None or value == "":
                continue
            facts._set(key, value)
        return facts

    def _set(self, key: str, value: Any) -> None:
        bad = lambda: self.input_findings.append(  # noqa: E731
            F_BAD_VALUE(field=key, value=value)
        )
        if key in _DATE_KEYS:
            d = parse_date(value)
            if d is None:
                self.input_findings.append(F_BAD_DATE(field=key, value=value))
            setattr(self, key, d)
        elif key == "mrz":
            if isinstance(value, str):
                self.mrz = value.splitlines()
            elif isinstance(value, list) and all(isinstance(x, str) for x in value):
                self.mrz = list(value)
            else:
                bad()
        elif key == "married":
            text = str(value).strip().lower()
            if text in _MARRIED:
                self.married = True
            elif text in _UNMARRIED:
                self.married = False
            else:
                bad()
        elif key == "sex":
            sex = _SEX.get(str(value).strip().lower())
            if sex is None:
                bad()
            self.sex = sex
        elif isinstance(value, (str, int)):
            setattr(self, key, str(value))
        else:
            bad()


def parse_date(value: Any) -> date | None:
    """Read a date from ``date``/ISO/``DD-MM-YYYY``/``DD/MM/YYYY``; ``None`` if unreadable."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) > 40:
        return None
    text = value.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


@dataclass
class TravellerCheck:
    """Outcome of :func:`check_traveller`."""

    valid: bool
    findings: list[Finding]
    mrz: MRZResult | None = None

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """Stable JSON shape: ``{"valid", "findings"}``."""
        return {"valid": self.valid, "findings": findings_to_dicts(self.findings, lang)}


_MRZ_CLEAN = re.compile(r"[^A-Z]+")


def _mrz_name(text: str) -> str:
    return _MRZ_CLEAN.sub(" ", parse_name(text).normalized.upper()).strip()


def _name_matches(typed: str, mrz_value: str) -> bool:
    a, b = _mrz_name(typed), _mrz_name(mrz_value)
    if a == b:
        return True
    # MRZ names may be truncated to fit: accept a matching prefix.
    return bool(b) and a.replace(" ", "").startswith(b.replace(" ", ""))


def check_traveller(
    facts: TravellerFacts | Mapping[str, Any] | None = None,
    *,
    reference_date: date | None = None,
    passport_number_pattern: str | None = passport.DEFAULT_NUMBER_PATTERN,
    **known: Any,
) -> TravellerCheck:
    """All findings about one traveller (``facts`` or keyword fields); never raises."""
    if facts is None:
        facts = TravellerFacts.from_dict(known)
    elif not isinstance(facts, TravellerFacts):
        facts = TravellerFacts.from_dict(facts)
    ref = reference_date or date.today()
    out: list[Finding] = list(facts.input_findings)
    travel = facts.travel_date or ref

    mrz_res = parse_mrz(facts.mrz, reference_date=ref) if facts.mrz else None
    mrz_f = mrz_res.fields if mrz_res and mrz_res.document_type else {}
    if mrz_res:
        out.extend(mrz_res.findings)

    birth = facts.birth_date or parse_date(mrz_f.get("birth_date"))
    sex = facts.sex or mrz_f.get("sex")
    expiry = facts.expiry_date or parse_date(mrz_f.get("expiry_date"))
    number = facts.passport_number or mrz_f.get("document_number")

    if mrz_f:
        out.extend(_compare_mrz(facts, mrz_f))
        nat = mrz_f.get("nationality")
        if nat and nat != "IDN":
            out.append(F_NOT_IDN(field="nationality", value=nat))

    if facts.nik:
        nik = parse_nik(facts.nik, reference_date=ref)
        out.extend(nik.findings)
        if nik.birth_date and birth and nik.birth_date != birth.isoformat():
            # Two-digit years: compare day and month and year modulo 100.
            nb = date.fromisoformat(nik.birth_date)
            if (nb.day, nb.month, nb.year % 100) != (birth.day, birth.month, birth.year % 100):
                out.append(F_NIK_BIRTH(field="birth_date", nik=nik.birth_date,
                                       passport=birth.isoformat()))
        if nik.sex and sex in ("M", "F") and nik.sex != sex:
            # in words, translated with the message ("Laki-laki", not "M")
            words = {"M": Msg(N_("Male")), "F": Msg(N_("Female"))}
            out.append(F_NIK_SEX(field="sex", nik=words.get(nik.sex, nik.sex),
                                 passport=words[sex]))

    if birth and birth > ref:
        out.append(F_BIRTH_FUTURE(field="birth_date", value=birth.isoformat()))
    if facts.issue_date:
        if facts.issue_date > ref:
            out.append(passport.F_ISSUE_FUTURE(field="issue_date",
                                               value=facts.issue_date.isoformat()))
        if birth and facts.issue_date < birth:
            out.append(passport.F_ISSUE_BEFORE_BIRTH(field="issue_date"))
        if expiry:
            out.extend(passport.check_validity(facts.issue_date, expiry, birth, facts.married))
    if expiry:
        out.extend(passport.check_expiry_for_travel(expiry, travel))
    if birth and birth <= travel:
        age = passport.years_between(birth, travel)
        if age < MINOR_AGE:
            out.append(F_MINOR(field="birth_date", age=age))
    if number:
        out.extend(passport.check_number(number, passport_number_pattern))
    if mrz_f.get("issuing_state") == "IDN" and str(mrz_f.get("document_code") or "")[:1] == "P" \
            and mrz_f.get("document_number"):
        out.extend(passport.check_series(mrz_f["document_number"]))
    return TravellerCheck(not has_critical(out), _dedupe(out), mrz_res)


def _compare_mrz(facts: TravellerFacts, mrz_f: dict[str, Any]) -> list[Finding]:
    out: list[Finding] = []
    pairs = (
        ("birth_date", facts.birth_date.isoformat() if facts.birth_date else None),
        ("expiry_date", facts.expiry_date.isoformat() if facts.expiry_date else None),
        ("sex", facts.sex),
        ("nationality", facts.nationality.strip().upper() if facts.nationality else None),
        ("document_number",
         facts.passport_number.strip().upper() if facts.passport_number else None),
    )
    for name, typed in pairs:
        mrz_value = mrz_f.get(name)
        if typed and mrz_value and typed != mrz_value:
            out.append(F_MRZ_MISMATCH(field=name, typed=typed, mrz=mrz_value))
    for name in ("surname", "given_names"):
        typed = getattr(facts, name)
        mrz_value = mrz_f.get(name)
        if typed and mrz_value is not None and not _name_matches(typed, mrz_value):
            out.append(F_MRZ_NAME(field=name, typed=typed, mrz=mrz_value))
    return out


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[Finding] = set()
    out = []
    for f in findings:
        if f not in seen:
            seen.add(f)
            out.append(f)
    return out
