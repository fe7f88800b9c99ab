"""Indonesian passport rules: validity period, expiry before travel, number pattern, series.

Validity (Permenkumham 18/2022, in force 29 Sep 2022): up to 10 years for
holders aged 17+ or married; 5 years otherwise, and 5 years for passports
issued before that date.  No official number format is published, so the pattern
is a parameter and a mismatch is only a warning; so is a number outside the
series that public sources list (:data:`IDN_SERIES`).
"""

from __future__ import annotations

import re
from datetime import date

from waspada.identity.findings import Finding, Msg, register
from waspada.platform.i18n import N_

TEN_YEAR_RULE_START = date(2022, 9, 29)
DEFAULT_NUMBER_PATTERN = r"[A-Z]{1,2}\d{6,8}"
#: Days of slack when comparing a validity period with 5 or 10 years.
PERIOD_TOLERANCE_DAYS = 31
SIX_MONTHS_DAYS = 183

F_EXPIRY_BEFORE_ISSUE = register(
    "passport.expiry_before_issue",
    "critical",
    N_("Passport expiry date is before its issue date."),
)
F_ISSUE_FUTURE = register(
    "passport.issue_date.future",
    "critical",
    N_("Passport issue date is in the future ({value})."),
)
F_ISSUE_BEFORE_BIRTH = register(
    "passport.issue_before_birth",
    "critical",
    N_("Passport was issued before the holder was born."),
)
F_TOO_LONG = register(
    "passport.validity.too_long",
    "critical",
    N_("Validity of {years} years exceeds the {allowed}-year limit ({reason})."),
)
F_UNUSUAL = register(
    "passport.validity.unusual",
    "warning",
    N_("Unusual passport validity ({days} days; normally 5 or 10 years)."),
)
F_EXPIRED = register(
    "passport.expired",
    "critical",
    N_("The passport has expired by the travel date ({value})."),
)
F_SIX_MONTHS = register(
    "passport.expires_within_6_months",
    "warning",
    N_("The passport expires less than 6 months after travel ({value}); "
    "many countries refuse entry."),
)
F_NUMBER = register(
    "passport.number.pattern",
    "warning",
    N_("Passport number '{value}' does not match the usual pattern."),
)


F_SERIES = register(
    "passport.number.series",
    "warning",
    N_("Passport number '{value}' is not in a known series of Indonesian passports ({series}); "
       "public sources disagree, so compare it with the data page and the issuing office."),
)

#: Series of Indonesian passport numbers found in public sources: (full-match pattern, label).
#: validator.js (``src/lib/isPassportNumber.js``, entry ``ID``) and its ports accept one letter
#: A, B or C followed by 7 digits. Other public pages disagree (two letters and 7 digits; 12
#: digits; 9 digits) and none names the letter of electronic passports, so a number outside
#: these series is a warning, never critical. The service may extend the table with the
#: Directorate General's own specification.
IDN_SERIES: tuple[tuple[str, str], ...] = ((r"[A-C]\d{7}", N_("A, B or C + 7 digits")),)
_SERIES_RX = {pattern: re.compile(pattern) for pattern, _ in IDN_SERIES}


def check_series(number: str, series: tuple[tuple[str, str], ...] = IDN_SERIES
                 ) -> list[Finding]:
    """Warn when an Indonesian passport's ``number`` is in none of the known ``series``."""
    text = number.strip().upper()
    for pattern, _ in series:
        rx = _SERIES_RX.get(pattern) or re.compile(pattern)
        if rx.fullmatch(text):
            return []
    labels = "; ".join(label for _, label in series)
    # one series: its label is a msgid, translated with the message ("A, B atau C + 7 angka")
    return [F_SERIES(field="passport_number", value=number,
                     series=Msg(labels) if len(series) == 1 else labels)]


def years_between(start: date, end: date) -> int:
    """Whole years from ``start`` to ``end`` (age arithmetic)."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def max_validity_years(issue_date: date, birth_date: date | None, married: bool | None) -> int:
    """Longest validity allowed for a passport issued on ``issue_date``."""
    if issue_date < TEN_YEAR_RULE_START:
        return 5
    if married:
        return 10
    if birth_date is None:
        return 10  # unknown age: cannot tighten the limit
    return 10 if years_between(birth_date, issue_date) >= 17 else 5


def check_validity(
    issue_date: date,
    expiry_date: date,
    birth_date: date | None = None,
    married: bool | None = None,
) -> list[Finding]:
    """Findings on the issue/expiry pair against the validity rules."""
    if expiry_date <= issue_date:
        return [F_EXPIRY_BEFORE_ISSUE(field="expiry_date")]
    allowed = max_validity_years(issue_date, birth_date, married)
    slack = PERIOD_TOLERANCE_DAYS
    if (expiry_date - _add_years(issue_date, allowed)).days > slack:
        if issue_date < TEN_YEAR_RULE_START:
            reason = Msg(N_("issued before 2022-09-29"))
        else:
            reason = Msg(N_("under 17 and unmarried"))
        years = years_between(issue_date, expiry_date)
        return [
            F_TOO_LONG(field="expiry_date", years=years, allowed=allowed,
                       reason=reason)
        ]
    near = any(
        abs((expiry_date - _add_years(issue_date, y)).days) <= slack for y in (5, 10)
    )
    if not near:
        return [F_UNUSUAL(field="expiry_date", days=(expiry_date - issue_date).days)]
    return []


def check_expiry_for_travel(expiry_date: date, travel_date: date) -> list[Finding]:
    """Expired by travel (critical) or within 6 months of it (warning)."""
    if expiry_date < travel_date:
        return [F_EXPIRED(field="expiry_date", value=expiry_date.isoformat())]
    if (expiry_date - travel_date).days < SIX_MONTHS_DAYS:
        return [F_SIX_MONTHS(field="expiry_date", value=expiry_date.isoformat())]
    return []


_PATTERNS: dict[str, re.Pattern[str]] = {}


def check_number(number: str, pattern: str | None = DEFAULT_NUMBER_PATTERN) -> list[Finding]:
    """Warn when ``number`` does not fully match ``pattern`` (``None`` disables)."""
    if not pattern:
        return []
    rx = _PATTERNS.get(pattern)
    if rx is None:
        rx = _PATTERNS[pattern] = re.compile(pattern)
    if rx.fullmatch(number.strip().upper()):
        return []
    return [F_NUMBER(field="passport_number", value=number)]
