"""ICAO Doc 9303 machine readable zone (MRZ): parse, validate and generate.

Formats: TD1 (3x30), TD2 (2x36), TD3 (2x44), MRV-A (2x44, code ``V``) and
MRV-B (2x36, code ``V``).  Every problem becomes a coded :class:`Finding`;
:func:`parse_mrz` never raises, whatever the input.

Written in-house: the ``mrz`` PyPI package is GPL-3, unmaintained, and does
not handle long document numbers (TD1/TD2 ``<`` in the check-digit position).

Why one module of about 840 lines (the project keeps modules under ~500): the five layouts, the
OCR repair and the field parsers all work on one parse context (``_Ctx``: findings, corrections,
OCR mode) and one set of check-digit rules; split along those seams, that state would be
threaded through every module. Its findings are declared in :mod:`waspada.identity.mrz_findings`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from typing import Any

from waspada.identity.countries import VALID_CODES
from waspada.identity.findings import Finding, Msg, findings_to_dicts, has_critical
from waspada.identity.mrz_findings import (  # noqa: F401 - part of this module's interface
    _DATE_FIELDS,
    F_BIRTH_UNKNOWN,
    F_CHARS,
    F_CHECK,
    F_DATE_INVALID,
    F_DATES_ORDER,
    F_DOC_CODE,
    F_DOC_CODE_BAD,
    F_DOCNUM_EMPTY,
    F_DOCNUM_FILLER,
    F_EMPTY,
    F_EXPIRED,
    F_EXTRACTED,
    F_FORMAT,
    F_ISSUER_VARIANT,
    F_LONG_DOCNUM,
    F_LONG_DOCNUM_BAD,
    F_LOWERCASE,
    F_NAME_CHARS,
    F_NAME_EMPTY,
    F_NAME_SEP,
    F_NAME_TRUNC,
    F_NAT,
    F_NOT_ICAO,
    F_OCR,
    F_ORDER,
    F_PADDED,
    F_SEX,
    F_SEX_UNSPEC,
    F_SPECIMEN,
    F_STATE,
    F_TOO_LONG,
    F_TYPE,
    F_WHITESPACE,
)
from waspada.platform.i18n import N_

MAX_INPUT_CHARS = 2_000

# ---------------------------------------------------------------- helpers
_VALUES = {c: i for i, c in enumerate("0123456789")}
_VALUES.update({c: i + 10 for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")})
_VALUES["<"] = 0
_WEIGHTS = (7, 3, 1)
_VALID_CHARS = frozenset(_VALUES)
_WS_RE = re.compile(r"[ \t\r\f\v]+")
_DIGIT_RE = re.compile(r"[0-9]")

# OCR confusions, restricted by field type.
_TO_DIGIT = {"O": "0", "Q": "0", "D": "0", "U": "0", "I": "1", "L": "1", "Z": "2",
             "S": "5", "G": "6", "B": "8", "T": "7"}
_SEX_OCR = {"H": "M", "N": "M", "E": "F", "P": "F"}
_TO_ALPHA = {"0": "O", "1": "I", "2": "Z", "5": "S", "6": "G", "8": "B", "4": "A", "7": "T"}
# Symmetric confusions tried in alphanumeric fields, guided by the check digit.
_SWAP = {"O": "0", "0": "O", "I": "1", "1": "I", "S": "5", "5": "S", "B": "8", "8": "B",
         "Z": "2", "2": "Z", "G": "6", "6": "G"}
_MAX_SWAPS = 8


def _alnum_fix(data: str, cd: str, name: str, ctx: _Ctx) -> str:
    """OCR mode: repair an alphanumeric field whose check digit fails.

    Tries O/0, I/1, S/5, B/8, Z/2, G/6 swaps; accepts the smallest number of
    swaps that satisfies ``cd`` only if exactly one candidate has that size.
    """
    if not ctx.ocr or not cd.isdigit() or check_digit(data) == cd:
        return data
    positions = [i for i, c in enumerate(data) if c in _SWAP][:_MAX_SWAPS]
    best: list[str] = []
    for size in range(1, len(positions) + 1):
        best = []
        for combo in combinations(positions, size):
            cand = list(data)
            for i in combo:
                cand[i] = _SWAP[cand[i]]
            text = "".join(cand)
            if check_digit(text) == cd:
                best.append(text)
        if best:
            break
    if len(best) == 1:
        ctx.add(F_OCR(field=name, old=data, new=best[0]))
        return best[0]
    return data


_W7 = {c: v * 7 for c, v in _VALUES.items()}
_W3 = {c: v * 3 for c, v in _VALUES.items()}


def check_digit(data: str) -> str:
    """ICAO 9303 check digit (weights 7-3-1, ``<`` = 0) of ``data`` as one character.

    Characters outside the MRZ alphabet count as 0."""
    try:
        total = (sum(map(_W7.__getitem__, data[0::3])) + sum(map(_W3.__getitem__, data[1::3]))
                 + sum(map(_VALUES.__getitem__, data[2::3])))
    except KeyError:
        total = sum(_VALUES.get(ch, 0) * _WEIGHTS[i % 3] for i, ch in enumerate(data))
    return str(total % 10)


_LAYOUTS = {
    (3, 30): "TD1",
    (2, 36): "TD2",
    (2, 44): "TD3",
}
_WIDTHS = frozenset(w for _, w in _LAYOUTS)
FIELD_KEYS = (
    "document_code", "issuing_state", "surname", "given_names", "document_number",
    "nationality", "birth_date", "sex", "expiry_date", "optional_data",
)


@dataclass
class MRZResult:
    """Outcome of :func:`parse_mrz`."""

    valid: bool
    document_type: str | None
    fields: dict[str, Any]
    findings: list[Finding]
    lines: list[str] = field(default_factory=list)
    #: ``lines`` with every OCR correction applied (``ocr_tolerant``): the MRZ a strict parse
    #: reads the same way; equal to ``lines`` when nothing was corrected
    corrected: list[str] = field(default_factory=list)

    def text(self) -> str:
        """The corrected MRZ lines joined by newlines (what a form should be filled with)."""
        return "\n".join(self.corrected or self.lines)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """Stable JSON shape used by the CLI and APIs."""
        return {
            "valid": self.valid,
            "document_type": self.document_type,
            "fields": dict(self.fields),
            "findings": findings_to_dicts(self.findings, lang),
        }


def _empty_fields() -> dict[str, Any]:
    return dict.fromkeys(FIELD_KEYS)


class _Ctx:
    """Mutable parse state: findings and OCR settings."""

    __slots__ = ("findings", "fixed", "ocr", "ref")

    def __init__(self, ocr: bool, ref: date) -> None:
        self.findings: list[Finding] = []
        self.ocr = ocr
        self.ref = ref
        #: the lines with the check-digit-guided repairs written back (OCR mode)
        self.fixed: list[str] | None = None

    def add(self, f: Finding) -> None:
        self.findings.append(f)

    def fix(self, text: str, table: dict[str, str], name: str, keep: str = "<") -> str:
        """Apply OCR fixes from ``table`` (only when OCR tolerance is on)."""
        if not self.ocr:
            return text
        out = "".join(table.get(c, c) if c not in keep else c for c in text)
        if out != text:
            self.add(F_OCR(field=name, old=text, new=out))
        return out

    def digits(self, text: str, name: str) -> str:
        return self.fix(text, _TO_DIGIT, name)

    def alpha(self, text: str, name: str) -> str:
        return self.fix(text, _TO_ALPHA, name)


# ---------------------------------------------------------------- input
def _split_lines(raw: Any, ctx: _Ctx) -> list[str] | None:
    if isinstance(raw, (list, tuple)):
        if not all(isinstance(x, str) for x in raw):
            ctx.add(F_TYPE())
            return None
        if sum(len(x) for x in raw) > MAX_INPUT_CHARS:
            ctx.add(F_TOO_LONG(length=sum(len(x) for x in raw)))
            return None
        raw = "\n".join(raw)
    elif isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    elif not isinstance(raw, str):
        ctx.add(F_TYPE())
        return None
    if len(raw) > MAX_INPUT_CHARS:
        ctx.add(F_TOO_LONG(length=len(raw)))
        return None
    parts = raw.split("\n")
    if " " not in raw and all(p and p.isprintable() for p in parts):
        # The common case, lines without whitespace: nothing to clean (every line break
        # splitlines() knows and every character _WS_RE removes is non-printable).
        return _run_on(parts, ctx, False)
    parts = raw.splitlines()
    lines = []
    changed = False
    for i, p in enumerate(parts, 1):
        core = p if len(p) in _WIDTHS else p.strip()
        if (ctx.ocr and " " in core and len(core) in _WIDTHS
                and set(core.upper()) <= _SPACED_ALPHABET):
            # OCR often reads fillers as spaces: keep the width, restore the fillers
            # (only in lines of the MRZ alphabet, not in other text of the page).
            q = core.replace(" ", "<")
            ctx.add(F_OCR(field=f"line {i}", old="' '", new="<"))
        else:
            q = _WS_RE.sub("", p)
        if q != p:
            changed = True
        if q:
            lines.append(q)
        else:
            changed = changed or bool(p) or len(parts) > 1
    if not lines:
        ctx.add(F_EMPTY())
        return None
    return _run_on(lines, ctx, changed)


def _run_on(lines: list[str], ctx: _Ctx, changed: bool) -> list[str]:
    """A single run-on line holding a whole MRZ is split by the layout widths."""
    if len(lines) == 1:
        n = len(lines[0])
        for (count, width) in _LAYOUTS:
            if n == count * width:
                lines = [lines[0][i * width:(i + 1) * width] for i in range(count)]
                changed = True
                break
    if changed:
        ctx.add(F_WHITESPACE())
    return lines


def _uppercase(lines: list[str], ctx: _Ctx) -> list[str]:
    if any(ln.upper() != ln for ln in lines):
        ctx.add(F_LOWERCASE())
        return [ln.upper() for ln in lines]
    return lines


_OCR_FILLERS = frozenset("«‹")
_SPACED_ALPHABET = _VALID_CHARS | _OCR_FILLERS | {" "}
_FILLERS_OCR = _OCR_FILLERS | {"<"}
_ALPHABET_OCR = _VALID_CHARS | _OCR_FILLERS


def _mrz_like(line: str, ocr: bool) -> bool:
    """Could ``line`` be an MRZ line (MRZ alphabet only, a filler, plausible length)?"""
    if not 15 <= len(line) <= 44:
        return False
    chars = set(line.upper())
    if ocr:
        return bool(chars & _FILLERS_OCR) and chars <= _ALPHABET_OCR
    return "<" in chars and chars <= _VALID_CHARS


def _find_block(lines: list[str], ctx: _Ctx) -> list[str]:
    """Pick the MRZ block out of OCR text that also holds other lines.

    Returns ``lines`` unchanged when they already form a layout, or when no
    block of 3x30, 2x36 or 2x44 consecutive MRZ-like lines is found (the caller
    then reports the problem).  One linear pass over the lines.
    """
    n = len(lines)
    if (n, max(len(x) for x in lines)) in _LAYOUTS:
        return lines  # already a layout: any stray character is reported later
    like = [_mrz_like(ln, ctx.ocr) for ln in lines]
    best: tuple[int, int, int] | None = None  # (exact lengths, start, count)
    for (count, width) in _LAYOUTS:
        for start in range(n - count + 1):
            window = range(start, start + count)
            if not all(like[i] for i in window):
                continue
            lengths = [len(lines[i]) for i in window]
            if max(lengths) != width or min(lengths) < width // 2:
                continue
            exact = sum(1 for x in lengths if x == width)
            # Prefer full-width lines, then the lowest block (the MRZ ends a data page).
            if best is None or (exact, start) >= best[:2]:
                best = (exact, start, count)
    if best is None:
        return lines
    _, start, count = best
    ctx.add(F_EXTRACTED(count=n - count))
    return lines[start:start + count]


def _layout_for(lines: list[str], ctx: _Ctx) -> tuple[str, int] | None:
    n = len(lines)
    lengths = [len(x) for x in lines]
    maxlen = max(lengths)
    key = (n, maxlen)
    if key in _LAYOUTS:
        return _LAYOUTS[key], maxlen
    ctx.add(F_FORMAT(lengths="/".join(str(x) for x in lengths)))
    return None


_INVALID_RE = re.compile(r"[^0-9A-Z<]")


def _bad_chars(lines: list[str], ctx: _Ctx) -> bool:
    bad = False
    for i, ln in enumerate(lines, 1):
        if _INVALID_RE.search(ln) is None:  # the common case, without building a set
            continue
        chars = sorted(set(ln) - _VALID_CHARS)
        if chars:
            if ctx.ocr and set(chars) <= {"«", "‹"}:
                continue
            ctx.add(F_CHARS(line=i, chars="".join(chars)))
            bad = True
    return bad


# ---------------------------------------------------------------- fields
def _parse_date(raw: str, name: str, ctx: _Ctx) -> date | None:
    if ctx.ocr:
        raw = ctx.digits(raw, name)
    if "<" in raw:
        # ICAO allows unknown birth-date parts as '<<'; a half-filled pair is an error.
        pairs = (raw[0:2], raw[2:4], raw[4:6])
        if name == "birth_date" and all(p == "<<" or p.isdigit() for p in pairs):
            ctx.add(F_BIRTH_UNKNOWN(field=name))
        else:
            ctx.add(F_DATE_INVALID[name](field=name, value=raw))
        return None
    if not raw.isdigit() or len(raw) != 6:
        ctx.add(F_DATE_INVALID[name](field=name, value=raw))
        return None
    yy, mm, dd = int(raw[:2]), int(raw[2:4]), int(raw[4:])
    ref = ctx.ref
    if name == "birth_date":
        year = 2000 + yy if 2000 + yy <= ref.year else 1900 + yy
    else:
        year = 2000 + yy if 2000 + yy <= ref.year + 20 else 1900 + yy
    try:
        d = date(year, mm, dd)
    except ValueError:
        ctx.add(F_DATE_INVALID[name](field=name, value=raw))
        return None
    if name == "birth_date" and d > ref:
        try:
            d = date(year - 100, mm, dd)
        except ValueError:
            ctx.add(F_DATE_INVALID[name](field=name, value=raw))
            return None
    return d


def _verify(data: str, found: str, name: str, ctx: _Ctx, allow_filler: bool = False) -> None:
    if ctx.ocr:
        found = ctx.digits(found, f"{name}_check")
    if allow_filler and found == "<" and data.strip("<") == "":
        return
    expected = check_digit(data)
    if found != expected:
        ctx.add(F_CHECK[name](field=name, found=found, expected=expected))


def _country(raw: str, name: str, ctx: _Ctx) -> str:
    code = ctx.alpha(raw, name)
    if code not in VALID_CODES:
        spec = F_STATE if name == "issuing_state" else F_NAT
        ctx.add(spec(field=name, value=code))
    return code.replace("<", "") if code == "D<<" else code


def _names(raw: str, ctx: _Ctx) -> tuple[str, str]:
    raw = ctx.alpha(raw, "name")
    if _DIGIT_RE.search(raw):
        ctx.add(F_NAME_CHARS(field="surname"))
    if not raw.endswith("<"):
        ctx.add(F_NAME_TRUNC(field="surname"))
    body = raw.rstrip("<")
    if not body:
        ctx.add(F_NAME_EMPTY(field="surname"))
        return "", ""
    if "<<" in body:
        primary, secondary = body.split("<<", 1)
    else:
        ctx.add(F_NAME_SEP(field="surname"))
        primary, secondary = body, ""
    clean = lambda s: " ".join(s.replace("<", " ").split())  # noqa: E731
    return clean(primary), clean(secondary)


def _sex(raw: str, ctx: _Ctx) -> str | None:
    raw = ctx.fix(raw, _SEX_OCR, "sex")
    if raw in ("M", "F", "X"):
        return raw
    if raw == "<":
        ctx.add(F_SEX_UNSPEC(field="sex"))
        return None
    ctx.add(F_SEX(field="sex", value=raw))
    return None


def _doc_code(raw: str, kind: str, ctx: _Ctx) -> tuple[str, str]:
    raw = ctx.alpha(raw, "document_code")
    code = raw.rstrip("<")
    if not raw[0].isalpha() or not (raw[1].isalpha() or raw[1] == "<"):
        ctx.add(F_DOC_CODE_BAD(field="document_code", value=raw))
        return code, kind
    first = raw[0]
    if kind == "TD3" and first == "V":
        return code, "MRVA"
    if kind == "TD2" and first == "V":
        return code, "MRVB"
    expected = {"TD3": "P", "TD2": "ACI", "TD1": "ACI"}[kind]
    if first not in expected:
        ctx.add(F_DOC_CODE(field="document_code", value=code, fmt=kind))
    return code, kind


def _long_docnum(head: str, optional: str, ctx: _Ctx) -> tuple[str, str, str]:
    """Split a long document number out of ``optional`` -> (number, check, rest)."""
    ctx.add(F_LONG_DOCNUM(field="document_number"))
    body = optional.split("<", 1)[0]
    if len(body) < 2:
        ctx.add(F_LONG_DOCNUM_BAD(field="document_number"))
        return head.rstrip("<"), "<", optional
    number, cd = head + body[:-1], body[-1]
    rest = optional[len(body):]
    return number, cd, rest


def _date_and_check(raw: str, name: str, ctx: _Ctx) -> tuple[str, str]:
    """OCR-corrected date (6 chars) and its check digit, as used in the composite."""
    if not ctx.ocr:
        return raw[:6], raw[6]
    return ctx.digits(raw[:6], name), ctx.digits(raw[6], f"{name}_check")


#: Known issuer variants of the long-number check digit: state -> description (msgid).
_LONG_NUMBER_VARIANTS = {
    "BEL": Msg(N_("Belgian identity card, check digit includes the '<' filler")),
}


def _verify_long(number: str, found: str, state: str, ctx: _Ctx) -> None:
    """Verify a long document number; accept a known issuer variant with a warning."""
    found = ctx.digits(found, "document_number_check")
    if check_digit(number) == found:
        return
    variant = _LONG_NUMBER_VARIANTS.get(state)
    if variant and check_digit(number[:9] + "<" + number[9:]) == found:
        ctx.add(F_ISSUER_VARIANT(field="document_number", variant=variant))
        return
    ctx.add(F_CHECK["document_number"](field="document_number", found=found,
                                       expected=check_digit(number)))


def _check_docnum(number: str, ctx: _Ctx) -> None:
    if not number:
        ctx.add(F_DOCNUM_EMPTY(field="document_number"))
    elif "<" in number:
        ctx.add(F_DOCNUM_FILLER(field="document_number"))


def _parse_td1(lines: list[str], ctx: _Ctx) -> tuple[str, dict[str, Any]]:
    l1, l2, l3 = lines
    f = _empty_fields()
    f["document_code"], kind = _doc_code(l1[0:2], "TD1", ctx)
    f["issuing_state"] = _country(l1[2:5], "issuing_state", ctx)
    if ctx.ocr:
        # Corrected characters are written back: the composite is built from them.
        cd1 = ctx.digits(l1[14], "document_number_check")
        l1 = l1[:5] + _alnum_fix(l1[5:14], cd1, "document_number", ctx) + cd1 + l1[15:]
    docnum, cd, opt1 = l1[5:14], l1[14], l1[15:30]
    if cd == "<" and docnum[-1] != "<":
        number, cd2, opt1 = _long_docnum(docnum, opt1, ctx)
        _verify_long(number, cd2, f["issuing_state"], ctx)
    else:
        number = docnum.rstrip("<")
        _verify(docnum, cd, "document_number", ctx)
    _check_docnum(number, ctx)
    f["document_number"] = number
    bdate, bcd = _date_and_check(l2[0:7], "birth_date", ctx)
    birth = _parse_date(l2[0:6], "birth_date", ctx)
    _verify(bdate, bcd, "birth_date", ctx)
    f["sex"] = _sex(l2[7], ctx)
    edate, ecd = _date_and_check(l2[8:15], "expiry_date", ctx)
    expiry = _parse_date(l2[8:14], "expiry_date", ctx)
    _verify(edate, ecd, "expiry_date", ctx)
    f["nationality"] = _country(l2[15:18], "nationality", ctx)
    opt2 = l2[18:29]
    composite = l1[5:30] + bdate + bcd + edate + ecd + opt2
    _verify(composite, l2[29], "composite", ctx)
    f["surname"], f["given_names"] = _names(l3, ctx)
    f["optional_data"] = _join_opt(opt1, opt2)
    _finish_dates(f, birth, expiry, ctx)
    ctx.fixed = [l1, l2, l3]
    return kind, f


def _join_opt(*parts: str) -> str:
    return " ".join(p.strip("<") for p in parts if p.strip("<"))


def _finish_dates(f: dict[str, Any], birth: date | None, expiry: date | None, ctx: _Ctx) -> None:
    f["birth_date"] = birth.isoformat() if birth else None
    f["expiry_date"] = expiry.isoformat() if expiry else None
    if birth and expiry and birth > expiry:
        ctx.add(F_DATES_ORDER(field="birth_date"))
    if expiry and expiry < ctx.ref:
        ctx.add(F_EXPIRED(field="expiry_date", value=expiry.isoformat()))


def _parse_two_line(lines: list[str], kind: str, ctx: _Ctx) -> tuple[str, dict[str, Any]]:
    l1, l2 = lines
    width = len(l1)
    f = _empty_fields()
    f["document_code"], kind = _doc_code(l1[0:2], kind, ctx)
    f["issuing_state"] = _country(l1[2:5], "issuing_state", ctx)
    f["surname"], f["given_names"] = _names(l1[5:width], ctx)
    if ctx.ocr:
        # Corrected characters are written back: the composite is built from them.
        cd_fixed = ctx.digits(l2[9], "document_number_check")
        l2 = _alnum_fix(l2[0:9], cd_fixed, "document_number", ctx) + cd_fixed + l2[10:]
        if kind == "TD3" and l2[42] != "<":
            opt_cd = ctx.digits(l2[42], "optional_data_check")
            l2 = l2[:28] + _alnum_fix(l2[28:42], opt_cd, "optional_data", ctx) + opt_cd + l2[43:]
    docnum, cd = l2[0:9], l2[9]
    opt_end = {"TD3": 42, "TD2": 35, "MRVA": 44, "MRVB": 36}[kind]
    optional = l2[28:opt_end]
    if kind == "TD2" and cd == "<" and docnum[-1] != "<":
        number, cd2, optional_rest = _long_docnum(docnum, optional, ctx)
        _verify_long(number, cd2, f["issuing_state"], ctx)
        optional_display = optional_rest
    else:
        number = docnum.rstrip("<")
        _verify(docnum, cd, "document_number", ctx)
        optional_display = optional
    _check_docnum(number, ctx)
    f["document_number"] = number
    f["nationality"] = _country(l2[10:13], "nationality", ctx)
    bdate, bcd = _date_and_check(l2[13:20], "birth_date", ctx)
    birth = _parse_date(l2[13:19], "birth_date", ctx)
    _verify(bdate, bcd, "birth_date", ctx)
    f["sex"] = _sex(l2[20], ctx)
    edate, ecd = _date_and_check(l2[21:28], "expiry_date", ctx)
    expiry = _parse_date(l2[21:27], "expiry_date", ctx)
    _verify(edate, ecd, "expiry_date", ctx)
    if kind == "TD3":
        _verify(optional, l2[42], "optional_data", ctx, allow_filler=True)
        cd_opt = ctx.digits(l2[42], "optional_data_check")
        composite = l2[0:10] + bdate + bcd + edate + ecd + optional + cd_opt
        _verify(composite, l2[43], "composite", ctx)
    elif kind == "TD2":
        composite = l2[0:10] + bdate + bcd + edate + ecd + optional
        _verify(composite, l2[35], "composite", ctx)
    f["optional_data"] = _join_opt(optional_display)
    _finish_dates(f, birth, expiry, ctx)
    ctx.fixed = [l1, l2]
    return kind, f


Parsed = tuple[str, dict[str, Any], list[Finding], list[str] | None]


def _parse_in_order(lines: list[str], kind: str, ctx: _Ctx) -> tuple[Parsed, list[str]]:
    """Parse in the order the structure gives: the layout comes from the line
    lengths, the order from where the digits are.  A decisive structure means one
    parse; otherwise the given order is parsed and, only if it fails and the
    structure disagrees, the structural order once more (fewer critical findings
    wins).  Never more than two parses, whatever the input."""
    order, decisive = _structural_order(lines, kind)
    given = tuple(range(len(lines)))
    if decisive:
        if order != given:
            lines = [lines[i] for i in order]
            ctx.add(F_ORDER())
        return _parse_lines(lines, kind, ctx.ocr, ctx.ref), lines
    best = _parse_lines(lines, kind, ctx.ocr, ctx.ref)
    if has_critical(best[2]) and order != given:
        cand_lines = [lines[i] for i in order]
        cand = _parse_lines(cand_lines, kind, ctx.ocr, ctx.ref)
        if _order_score(cand[2]) < _order_score(best[2]):
            ctx.add(F_ORDER())
            return cand, cand_lines
    return best, lines


def _parse_lines(lines: list[str], kind: str, ocr: bool, ref: date) -> Parsed:
    ctx = _Ctx(ocr, ref)
    if kind == "TD1":
        doc_type, fields = _parse_td1(lines, ctx)
    else:
        doc_type, fields = _parse_two_line(lines, kind, ctx)
    return doc_type, fields, ctx.findings, ctx.fixed


#: what each position of each layout holds: A letters only (codes, names), N digits only
#: (dates, check digits), S the sex, X letters and digits (document number, optional data)
_CLASSES = {
    "TD1": ("A" * 5 + "X" * 9 + "N" + "X" * 15, "N" * 7 + "S" + "N" * 7 + "AAA" + "X" * 11 + "N",
            "A" * 30),
    "TD2": ("A" * 36, "X" * 9 + "NAAA" + "N" * 7 + "S" + "N" * 7 + "X" * 7 + "N"),
    "MRVB": ("A" * 36, "X" * 9 + "NAAA" + "N" * 7 + "S" + "N" * 7 + "X" * 8),
    "TD3": ("A" * 44, "X" * 9 + "NAAA" + "N" * 7 + "S" + "N" * 7 + "X" * 14 + "NN"),
    "MRVA": ("A" * 44, "X" * 9 + "NAAA" + "N" * 7 + "S" + "N" * 7 + "X" * 16),
}
_BY_CLASS = {"A": _TO_ALPHA, "N": _TO_DIGIT, "S": _SEX_OCR}


def _corrected(fixed: list[str], doc_type: str) -> list[str]:
    """The lines with the field-type corrections of OCR mode applied, position by position
    (the same tables the field parsers use; document numbers and optional data come repaired
    by their check digits in ``fixed``)."""
    classes = _CLASSES.get(doc_type)
    if classes is None:
        return fixed
    out = []
    for line, kinds in zip(fixed, classes, strict=True):
        out.append("".join(_BY_CLASS[k].get(c, c) if k in _BY_CLASS else c
                           for c, k in zip(line, kinds, strict=False)) + line[len(kinds):])
    return out


def _order_score(findings: list[Finding]) -> int:
    return sum(1 for f in findings if f.severity == "critical")


def _digits_at(line: str, start: int, end: int) -> int:
    # Lines hold only the MRZ alphabet here: count digits by deleting the rest.
    return len(line[start:end].translate(_DROP_NON_DIGITS))


_DROP_NON_DIGITS = str.maketrans("", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZ<«‹")
#: the date fields (birth date, sex, expiry date with check digits): the sex in between is a
#: letter or '<', so the digits of the whole span are the dates' digits
_TD1_DATES = (0, 15)
_TWO_LINE_DATES = (13, 28)


#: Lead (in digits at the date positions) that makes the date line certain.
_DECISIVE_LEAD = 5


def _structural_order(lines: list[str], kind: str) -> tuple[tuple[int, ...], bool]:
    """Line order read from the structure, and whether the structure is decisive.

    The date line is the one with digits in the date positions (a name line has
    none) and, in TD1, the only one not starting with a letter; the name line is
    the one without digits and line 1 the one with the document number.  Ties keep
    the given order.  One pass, no parsing."""
    if kind != "TD1":
        s0, s1 = (_digits_at(ln, *_TWO_LINE_DATES) for ln in lines)
        return ((1, 0) if s0 > s1 else (0, 1)), abs(s0 - s1) >= _DECISIVE_LEAD
    # Lines 1 and 3 start with a letter (document code, surname); the date line
    # starts with the birth date (digits, or '<' when unknown).
    scores = [_digits_at(ln, *_TD1_DATES) + (0 if ln[:1].isalpha() else 5) for ln in lines]
    dates = max(range(3), key=lambda i: (scores[i], -i))
    runner_up = max(scores[i] for i in range(3) if i != dates)
    a, b = (i for i in range(3) if i != dates)
    da, db = (_digits_at(lines[i], 0, 30) for i in (a, b))
    if db > da:
        a, b, da, db = b, a, db, da
    # The name line has no digits; an OCR error or a changed character may add one or two,
    # which the document number's digits on line 1 still outweigh.
    names_clear = db == 0 < da or da - db >= _DECISIVE_LEAD
    decisive = scores[dates] - runner_up >= _DECISIVE_LEAD and names_clear
    return (a, dates, b), decisive


_FRENCH_ID = Msg(N_("French national identity card (pre-2021 layout)"))


def _is_french_id(lines: list[str]) -> bool:
    """The pre-2021 French identity card: 2x36 starting 'IDFRA', with the issuing office
    (digits) at line 1 positions 31-36 or card-number digits where ICAO TD2 has the
    nationality (line 2 positions 11-13)."""
    l1, l2 = lines
    return l1.startswith("IDFRA") and (
        _digits_at(l1, 30, 36) >= 3 or _digits_at(l2, 10, 13) >= 2
    )


def _parse_french_id(lines: list[str], ctx: _Ctx) -> tuple[str, dict[str, Any]]:
    """Read the French national layout (not ICAO): names, card number, birth date, sex."""
    l1, l2 = lines
    ctx.add(F_NOT_ICAO(layout=_FRENCH_ID))
    f = _empty_fields()
    f["document_code"], f["issuing_state"] = "ID", "FRA"
    f["surname"] = " ".join(ctx.alpha(l1[5:30], "name").replace("<", " ").split())
    given = ctx.alpha(l2[13:27], "name").rstrip("<").split("<<")
    f["given_names"] = " ".join(" ".join(g.replace("<", " ").split()) for g in given if g)
    if not f["surname"]:
        ctx.add(F_NAME_EMPTY(field="surname"))
    number = l2[0:12]
    _verify(number, l2[12], "document_number", ctx)
    _check_docnum(number.rstrip("<"), ctx)
    f["document_number"] = number.rstrip("<")
    bdate, bcd = _date_and_check(l2[27:34], "birth_date", ctx)
    birth = _parse_date(l2[27:33], "birth_date", ctx)
    _verify(bdate, bcd, "birth_date", ctx)
    f["sex"] = _sex(l2[34], ctx)
    _verify(l1 + l2[0:27] + bdate + bcd + l2[34], l2[35], "composite", ctx)
    f["optional_data"] = l1[30:36]
    _finish_dates(f, birth, None, ctx)
    return "FRA-ID", f


def parse_mrz(
    text: Any,
    *,
    reference_date: date | None = None,
    ocr_tolerant: bool = False,
) -> MRZResult:
    """Parse and validate an MRZ (string with newlines, or a list of lines).

    ``reference_date`` (default: today) drives century inference and expiry
    checks.  With ``ocr_tolerant`` common OCR confusions are fixed where the
    field type allows, each reported as ``mrz.ocr_corrected``.  Never raises.
    """
    ref = reference_date or date.today()
    ctx = _Ctx(ocr_tolerant, ref)
    try:
        return _parse(text, ctx)
    except Exception:  # pragma: no cover - defensive: parser must never raise
        ctx.add(F_FORMAT(lengths="?"))
        return MRZResult(False, None, _empty_fields(), ctx.findings)


def _parse(text: Any, ctx: _Ctx) -> MRZResult:
    lines = _split_lines(text, ctx)
    if lines is None:
        return MRZResult(False, None, _empty_fields(), ctx.findings)
    if ctx.ocr:
        fixed = [ln.replace("«", "<").replace("‹", "<") for ln in lines]
        for i, (a, b) in enumerate(zip(lines, fixed, strict=True), 1):
            if a != b:
                ctx.add(F_OCR(field=f"line {i}", old="«/‹", new="<"))
        lines = fixed
    lines = _find_block(lines, ctx)
    # One search over the block: nothing but 0-9, A-Z and '<' means no lower case to
    # convert and no invalid character to report (the common case).
    if _INVALID_RE.search("".join(lines)) is not None:
        lines = _uppercase(lines, ctx)
        if _bad_chars(lines, ctx):
            return MRZResult(False, None, _empty_fields(), ctx.findings, lines)
    layout = _layout_for(lines, ctx)
    if layout is None:
        return MRZResult(False, None, _empty_fields(), ctx.findings, lines)
    kind, width = layout
    for i, ln in enumerate(lines):
        if len(ln) < width:
            ctx.add(F_PADDED(line=i + 1))
            lines[i] = ln.ljust(width, "<")
    best: Parsed
    if kind == "TD2" and _is_french_id(lines):
        fctx = _Ctx(ctx.ocr, ctx.ref)
        doc_type, fields = _parse_french_id(lines, fctx)
        best = (doc_type, fields, fctx.findings, None)
    else:
        best, lines = _parse_in_order(lines, kind, ctx)
    doc_type, fields, found, repaired = best
    corrected = _corrected(repaired, doc_type) if ctx.ocr and repaired else lines
    if "UTO" in (fields["issuing_state"], fields["nationality"]):
        found = [*found, F_SPECIMEN(field="issuing_state", value="UTO")]
    findings = list(dict.fromkeys(ctx.findings + found))  # OCR fixes may repeat
    return MRZResult(not has_critical(findings), doc_type, fields, findings, lines, corrected)


# ---------------------------------------------------------------- generate
_NAME_CLEAN = re.compile(r"[^A-Z<]")


def _mrz_text(value: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode().upper()
    text = text.replace("'", "").replace("-", " ").replace(",", " ")
    return _NAME_CLEAN.sub("<", "<".join(text.split()))


def _mrz_date(value: date | str | None) -> str:
    if value is None:
        return "<<<<<<"
    if isinstance(value, date):
        return value.strftime("%y%m%d")
    value = str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value[2:4] + value[5:7] + value[8:10]
    return value


def _pad(text: str, width: int) -> str:
    return text[:width].ljust(width, "<")


def _mrz_text_keep_digits(value: str) -> str:
    return re.sub(r"[^A-Z0-9<]", "<", (value or "").upper().replace(" ", "<"))


def generate_mrz(
    document_type: str,
    *,
    surname: str,
    given_names: str = "",
    document_number: str,
    birth_date: date | str | None,
    expiry_date: date | str | None,
    issuing_state: str = "IDN",
    nationality: str | None = None,
    sex: str = "<",
    document_code: str | None = None,
    optional_data: str = "",
    optional_data_2: str = "",
) -> list[str]:
    """Produce valid MRZ lines for ``document_type`` (TD1, TD2, TD3, MRVA, MRVB).

    Dates are :class:`datetime.date`, ISO strings or ``YYMMDD``.  Document
    numbers longer than 9 characters use the ICAO long-number scheme (TD1/TD2).
    """
    kind = document_type.upper().replace("-", "")
    if kind not in ("TD1", "TD2", "TD3", "MRVA", "MRVB"):
        raise ValueError(f"unknown document type {document_type!r}")
    nationality = nationality or issuing_state
    code = document_code or {"TD3": "P", "TD1": "I", "TD2": "I", "MRVA": "V", "MRVB": "V"}.get(
        kind, "P"
    )
    code = _pad(_mrz_text_keep_digits(code), 2)
    state = _pad(_mrz_text_keep_digits(issuing_state), 3)
    nat = _pad(_mrz_text_keep_digits(nationality), 3)
    name = _mrz_text(surname) + "<<" + _mrz_text(given_names)
    num = _mrz_text_keep_digits(document_number)
    bd, ed = _mrz_date(birth_date), _mrz_date(expiry_date)
    sx = (sex or "<")[0].upper()
    opt1 = _mrz_text_keep_digits(optional_data)
    opt2 = _mrz_text_keep_digits(optional_data_2)
    bcd, ecd = check_digit(bd), check_digit(ed)

    def docfield(width_opt: int, opt: str) -> tuple[str, str]:
        if len(num) <= 9:
            d = _pad(num, 9)
            return d + check_digit(d), _pad(opt, width_opt)
        head, tail = num[:9], num[9:]
        return head + "<", _pad(tail + check_digit(num) + "<" + opt, width_opt)

    if kind == "TD1":
        docpart, o1 = docfield(15, opt1)
        l1 = code + state + docpart + o1
        mid = bd + bcd + sx + ed + ecd + nat + _pad(opt2, 11)
        comp = check_digit(l1[5:30] + mid[0:7] + mid[8:15] + mid[18:29])
        return [l1, mid + comp, _pad(name, 30)]
    if kind in ("TD2", "MRVB"):
        width_opt = 7 if kind == "TD2" else 8
        if kind == "TD2":
            docpart, o = docfield(width_opt, opt1)
        else:
            if len(num) > 9:
                raise ValueError("MRVB has no room for a document number longer than 9")
            d = _pad(num, 9)
            docpart, o = d + check_digit(d), _pad(opt1, width_opt)
        l2 = docpart + nat + bd + bcd + sx + ed + ecd + o
        if kind == "TD2":
            l2 += check_digit(l2[0:10] + l2[13:20] + l2[21:35])
        return [_pad(code + state + name, 36), l2]
    if len(num) > 9:
        raise ValueError(f"{kind} has no room for a document number longer than 9 characters")
    d = _pad(num, 9)
    if kind == "MRVA":
        l2 = d + check_digit(d) + nat + bd + bcd + sx + ed + ecd + _pad(opt1, 16)
        return [_pad(code + state + name, 44), l2]
    o = _pad(opt1, 14)
    ocd = check_digit(o) if opt1 else "<"
    l2 = d + check_digit(d) + nat + bd + bcd + sx + ed + ecd + o + ocd
    l2 += check_digit(l2[0:10] + l2[13:20] + l2[21:43])
    return [_pad(code + state + name, 44), l2]
