"""Entity extraction: phones, WhatsApp/Telegram, e-mails, URLs, domains, amounts, places,
companies. All spans are character offsets into the ORIGINAL text.

Everything is offline: ``tldextract`` uses its bundled public-suffix snapshot.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import phonenumbers
import yaml

from waspada.offers.fastre import Scan
from waspada.offers.normalise import Normalised
from waspada.offers.spans import SpanIndex

DEFAULT_RATES: dict[str, float] = {
    "IDR": 1.0, "USD": 16_000.0, "USDT": 16_000.0, "MYR": 3_600.0, "THB": 460.0, "KHR": 4.0,
    "SGD": 12_300.0, "CNY": 2_250.0, "PHP": 280.0, "VND": 0.63, "AED": 4_350.0, "EUR": 17_500.0,
    "MMK": 7.6, "LAK": 0.74,
    # round 9: currencies written out in real accounts (rupees, riyal, won, yen, pounds, ...)
    "INR": 190.0, "SAR": 4_250.0, "QAR": 4_400.0, "KRW": 11.5, "JPY": 105.0, "TWD": 500.0,
    "HKD": 2_050.0, "GBP": 20_500.0, "KWD": 52_000.0,
}
"""Default exchange rates (IDR per unit). Pass ``rates=`` to override."""

_CURRENCY = {
    "rp": "IDR", "rp.": "IDR", "idr": "IDR", "rupiah": "IDR", "usd": "USD", "us$": "USD",
    "$": "USD", "dollar": "USD", "dolar": "USD", "usdt": "USDT", "rm": "MYR", "myr": "MYR",
    "ringgit": "MYR", "thb": "THB", "baht": "THB", "฿": "THB", "khr": "KHR", "riel": "KHR",
    "sgd": "SGD", "s$": "SGD", "rmb": "CNY", "cny": "CNY", "yuan": "CNY", "¥": "CNY",
    "php": "PHP", "peso": "PHP", "₱": "PHP", "aed": "AED", "dirham": "AED", "€": "EUR",
    "eur": "EUR", "euro": "EUR", "vnd": "VND", "dong": "VND", "kyat": "MMK", "kip": "LAK",
    # round 9: spelled-out and qualified names ("1.500 US dollar", "Rs 1 lakh", "800 dirham")
    "us dollar": "USD", "u.s. dollar": "USD", "american dollar": "USD", "dolar as": "USD",
    "dolar amerika": "USD", "dolar amerika serikat": "USD", "rs": "INR", "rs.": "INR",
    "inr": "INR", "₹": "INR", "rupee": "INR", "sar": "SAR", "riyal": "SAR", "qar": "QAR",
    "krw": "KRW", "won": "KRW", "jpy": "JPY", "yen": "JPY", "twd": "TWD", "nt$": "TWD",
    "hkd": "HKD", "hk$": "HKD", "gbp": "GBP", "£": "GBP", "kwd": "KWD",
    "dinar": "KWD",
}
_CUR_RE = (r"usdt|us\$|usd|u\.?s\.? dollars?|american dollars?|dolar (?:as|amerika(?: serikat)?)|"
           r"rp\.?|idr|rupiah|nt\$|hk\$|\$|dollars?|dolar|rm|myr|ringgit|thb|baht|฿|khr|"
           r"riel|sgd|s\$|rmb|cny|yuan|¥|php|pesos?|₱|aed|dirhams?|€|eur|euros?|vnd|kyat|"
           r"inr|₹|sar|qar|krw|jpy|twd|hkd|gbp|£|kwd|"
           # "Rs" only before a sum in lakh/crore or with Indian thousands ("RS 3" is a hospital)
           r"rs\.?(?=\s?\d+(?:[.,]\d+)?\s?(?:lakhs?|lacs?|crores?)\b|\s?\d{1,3}(?:,\d{2})*,\d{3}\b)")
_CUR_AFTER_RE = _CUR_RE + r"|rupees?|riyals?|won|yen|dong|dinars?"
"""Round 9: names read only AFTER a number ("2 juta won", "800 riyal"): before one they are
ordinary words ("won 2 games")."""
_NUM = r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?"
_MULT = r"jutaan|juta|jt|jeti|rb|ribu|millions?|mio|lakhs?|lacs?|crores?|k|m"
_PERIOD_WORDS = {
    "bulan": "month", "bln": "month", "bl": "month", "month": "month", "mo": "month",
    "mth": "month", "sebulan": "month", "perbulan": "month", "monthly": "month",
    "hari": "day", "hr": "day", "day": "day", "sehari": "day", "perhari": "day", "daily": "day",
    "minggu": "week", "mgg": "week", "week": "week", "wk": "week", "seminggu": "week",
    "weekly": "week", "jam": "hour", "hour": "hour", "tahun": "year", "thn": "year",
    "year": "year", "yr": "year", "setahun": "year", "annually": "year", "yearly": "year",
}
_PER_MONTH = {"month": 1.0, "day": 26.0, "week": 4.33, "hour": 208.0, "year": 1 / 12}
_AMOUNT_RE = re.compile(
    rf"(?<![\w$.,])(?:(?P<cur1>{_CUR_RE})\s?)?(?P<n1>{_NUM})\s?(?P<m1>{_MULT})?(?![a-z])"
    rf"(?:\s?(?:-|–|~|s/d|sd|sampai|hingga|to)\s?(?:(?:{_CUR_RE})\s?)?(?P<n2>{_NUM})\s?(?P<m2>{_MULT})?(?![a-z]))?"
    rf"(?:\s?(?P<cur2>{_CUR_AFTER_RE})(?![a-z]))?"
    r"(?:\s?(?:/|per|tiap|setiap|a|an|\+)?\s?(?P<period>"
    + "|".join(sorted(_PERIOD_WORDS, key=len, reverse=True)) + r")\b)?"
)
_PAY_CUE = re.compile(r"\b(?:gaji\w*|salary|salaries|upah|penghasilan|pendapatan|income|"
                      r"pay|earn\w*|promised|offered|dijanjikan|dijanjiin|ditawari|ditawarin|"
                      r"bayaran|take home|thp|komisi|dibayar|digaji|wage\w*|sebulan|perbulan|"
                      r"per bulan)\b")
_FEE_CUE = re.compile(r"\b(?:biaya|bayar|fee|dp|deposit|jaminan|harga|price|mulai|cuma|hanya|"
                      r"promo|diskon|hemat|potongan|cashback|tagihan|pulsa|saldo|transfer|tf)\b")


@dataclass(frozen=True, slots=True)
class Amount:
    text: str
    start: int
    end: int
    currency: str
    min_value: float
    max_value: float
    period: str | None
    idr_per_month_min: float
    idr_per_month_max: float
    is_pay: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text, "start": self.start, "end": self.end, "currency": self.currency,
            "min": self.min_value, "max": self.max_value, "period": self.period or "month",
            "idr_per_month_min": round(self.idr_per_month_min),
            "idr_per_month_max": round(self.idr_per_month_max), "is_pay": self.is_pay,
        }


@dataclass
class Entities:
    phones: list[dict[str, Any]] = field(default_factory=list)
    whatsapp: list[dict[str, Any]] = field(default_factory=list)
    telegram: list[dict[str, Any]] = field(default_factory=list)
    emails: list[dict[str, Any]] = field(default_factory=list)
    urls: list[dict[str, Any]] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)
    places: list[dict[str, Any]] = field(default_factory=list)
    companies: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "phones": self.phones, "whatsapp": self.whatsapp, "telegram": self.telegram,
            "emails": self.emails, "urls": self.urls, "domains": self.domains,
            "amounts": [a.to_dict() for a in self.amounts], "places": self.places,
            "companies": self.companies,
        }


def _parse_num(s: str) -> float:
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", s):
        return float(re.sub(r"[.,]", "", s))
    m = re.fullmatch(r"(\d{1,3}(?:[.,]\d{3})+)[.,](\d{1,2})", s)
    if m:
        return float(re.sub(r"[.,]", "", m.group(1)) + "." + m.group(2))
    return float(s.replace(",", "."))


def _mult(m: str | None, currency_given: bool) -> float:
    if not m:
        return 1.0
    if m in ("juta", "jutaan", "jt", "jeti", "million", "millions", "mio"):
        return 1e6
    if m in ("rb", "ribu", "k"):
        return 1e3
    if m in ("lakh", "lakhs", "lac", "lacs"):
        return 1e5
    if m in ("crore", "crores"):
        return 1e7
    if m == "m":
        return 1e6 if currency_given else 0.0
    return 1.0


_GROUPED_RE = re.compile(r"\d{1,3}(?:[.,]\d{3}){2,}")
_PAY_RIGHT_BEFORE = re.compile(r"\b(?:gaji\w*|salary|upah|penghasilan|pendapatan|income|thp|"
                               r"take home pay)\s*[:=]?\s*$")


def _bare_rupiah_pay(text: str, m: re.Match[str]) -> bool:
    """A bare grouped number of millions right after a pay word ("Gaji: 13.000.000") is
    rupiah pay even without "Rp"."""
    return bool(_GROUPED_RE.fullmatch(m.group("n1"))
                and _PAY_RIGHT_BEFORE.search(text[max(0, m.start() - 25) : m.start()]))


def _currency(token: str) -> str:
    """The ISO code of a currency token ("US dollars" -> USD, "rupees" -> INR)."""
    tok = " ".join(token.split())
    return _CURRENCY.get(tok) or _CURRENCY.get(tok.rstrip("s"), "IDR")


def extract_amounts(norm: Normalised, rates: dict[str, float] | None = None) -> list[Amount]:
    """Money amounts, normalised to IDR per month (default period: month)."""
    rates = {**DEFAULT_RATES, **(rates or {})}
    text = norm.text
    out: list[Amount] = []
    pay_anywhere = bool(_PAY_CUE.search(text))
    for m in _AMOUNT_RE.finditer(text):
        cur1, cur2, m1, m2 = m.group("cur1", "cur2", "m1", "m2")
        cur_tok = cur1 or cur2
        if not cur_tok and not m1 and not m2 and not _bare_rupiah_pay(text, m):
            continue
        cur = _currency(cur_tok) if cur_tok else "IDR"
        try:
            v1 = _parse_num(m.group("n1"))
            v2 = _parse_num(m.group("n2")) if m.group("n2") else None
        except ValueError:
            continue
        mult2 = _mult(m2 or m1, bool(cur_tok))
        mult1 = _mult(m1 or m2, bool(cur_tok)) if v2 is not None else _mult(m1, bool(cur_tok))
        lo = v1 * mult1
        hi = v2 * mult2 if v2 is not None else lo
        if lo <= 0 or hi <= 0:
            continue
        if cur == "IDR" and hi < 1000:
            continue
        if lo > hi:
            lo, hi = hi, lo
        period = _PERIOD_WORDS.get(m.group("period") or "")
        factor = _PER_MONTH[period or "month"] * rates.get(cur, 0.0)
        before = text[max(0, m.start() - 40) : m.start()]
        is_pay = bool(_PAY_CUE.search(before)) or period is not None or pay_anywhere
        if _FEE_CUE.search(text[max(0, m.start() - 25) : m.start()]):
            is_pay = False
        a, b = norm.span(m.start(), m.end())
        out.append(Amount(norm.original[a:b], a, b, cur, lo, hi, period, lo * factor,
                          hi * factor, is_pay))
    return out


# --- contacts -------------------------------------------------------------------------

_WA_RE = re.compile(
    r"(?:https?://)?(?:www\.)?(?:wa\.me/|(?:api\.|web\.)?whatsapp\.com/send/?\?(?:[\w=&]*&)?phone=)"
    r"\+?(\d{7,15})", re.I)
_WA_GROUP_RE = re.compile(r"(?:https?://)?chat\.whatsapp\.com/(?:invite/)?([A-Za-z0-9]{8,40})",
                          re.I)
_WA_LINK_RE = re.compile(r"(?:https?://)?wa\.link/([A-Za-z0-9]{3,20})", re.I)
_TG_LINK_RE = re.compile(r"(?:https?://)?(?:t|telegram)\.me/(?:joinchat/|\+)?([A-Za-z0-9_]{4,40})",
                         re.I)
_HANDLE_RE = re.compile(r"(?<![\w.@/])@([A-Za-z][A-Za-z0-9_]{3,31})\b(?!\.\w)")
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'()\[\]{}]+|(?<![\w@.-])(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}"
    r"(?:/[^\s<>\"'()\[\]{}]*)?", re.I)
_PHONEISH_RE = re.compile(r"(?:\+|\b)\d(?:[ \t.\-()]{0,2}\d){6,}")
_PHONEISH = Scan(_PHONEISH_RE)
"""Round 12 (throughput): the same matches, scanned from their first characters (fastre)."""
_DIGIT_WORDS = {
    "nol": "0", "kosong": "0", "zero": "0", "satu": "1", "one": "1", "dua": "2", "two": "2",
    "tiga": "3", "three": "3", "empat": "4", "four": "4", "lima": "5", "five": "5",
    "enam": "6", "six": "6", "tujuh": "7", "seven": "7", "delapan": "8", "eight": "8",
    "sembilan": "9", "nine": "9", "plus": "+", "tambah": "+",
}
_DW = "|".join(_DIGIT_WORDS)
_DIGIT_WORD_RE = re.compile(rf"\b(?:(?:{_DW}|\d)[\s,.-]*){{8,}}\b")


@lru_cache(maxsize=1)
def _tld() -> Any:
    import tldextract

    # Bundled snapshot only: no network, no cache directory.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=4096)
def registered_domain(host: str) -> str | None:
    """Registered domain of a host name (offline public-suffix list), or None."""
    r = _tld()(host)
    if not r.suffix or not r.domain:
        return None
    return f"{r.domain}.{r.suffix}".lower()


def _e164(num: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=4096)
def _phone_from_digits(digits: str) -> phonenumbers.PhoneNumber | None:
    """Valid phone number for a digit string, or None (cached: spam repeats one number)."""
    for cand, region in ((digits, "ID"), ("+" + digits.lstrip("+"), None)):
        try:
            num = phonenumbers.parse(cand, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(num):
            return num
    return None


def phones_in_segment(seg: str) -> tuple[tuple[int, int, phonenumbers.PhoneNumber], ...]:
    """libphonenumber's valid numbers in one phone-like stretch: (start, length, number).

    Not cached across texts: a process-wide cache would keep the phone numbers of texts the
    public pasted (Cek Lowongan stores nothing) and speeds up only benchmarks that repeat
    their texts. An error inside the matcher keeps the numbers found before it."""
    out: list[tuple[int, int, phonenumbers.PhoneNumber]] = []
    try:
        for pm in phonenumbers.PhoneNumberMatcher(seg, "ID", leniency=phonenumbers.Leniency.VALID,
                                                  max_tries=50):
            out.append((pm.start, len(pm.raw_string), pm.number))
    except Exception:  # noqa: BLE001, S110 - libphonenumber must never break analysis
        pass
    return tuple(out)


def _phone_entry(num: phonenumbers.PhoneNumber, a: int, b: int, text: str, via: str) -> dict:
    return {"e164": _e164(num), "region": phonenumbers.region_code_for_number(num),
            "start": a, "end": b, "text": text[a:b], "via": via}


_DOT_LETTER = re.compile(r"\.[A-Za-z]", re.I)
_CONTACT_GUARDS: dict[re.Pattern[str], Callable[[str, str], bool]] = {
    _WA_RE: lambda t, low: "wa.me/" in low or "app.com/" in low,
    _WA_GROUP_RE: lambda t, low: "app.com/" in low,
    _WA_LINK_RE: lambda t, low: "wa.l" in low,
    _TG_LINK_RE: lambda t, low: ".me/" in low,
    _EMAIL_RE: lambda t, low: "@" in t,
    _HANDLE_RE: lambda t, low: "@" in t,
    _URL_RE: lambda t, low: "://" in t or "www." in low or _DOT_LETTER.search(t) is not None,
}
"""Round 12 (throughput): per contact pattern, a cheap test that is False only when the
pattern cannot match ``t`` (``low`` is ``t.lower()``): each names literal characters every
match holds ("wa.me/" or "whatsapp.com/send", ".me/", "@", "://", "www." or a dot before a
letter). None of the letters tested is i, k or s, the only ones ``re.IGNORECASE`` also
matches outside ASCII (ı İ ſ K), so the lower-case text holds them whenever a match does."""


def _contact_matches(rx: re.Pattern[str], text: str, low: str) -> Iterator[re.Match[str]]:
    """``rx.finditer(text)``, skipped when its guard proves there is no match."""
    return rx.finditer(text) if _CONTACT_GUARDS[rx](text, low) else iter(())


def extract_contacts(norm: Normalised, ents: Entities) -> None:
    text = norm.original
    taken = SpanIndex()
    seen_phones: set[str] = set()

    def add_phone(entry: dict) -> None:
        if entry["e164"] not in seen_phones:
            seen_phones.add(entry["e164"])
            ents.phones.append(entry)

    low_text = text.lower()
    if "wa" in low_text or "whatsapp" in low_text:
        for m in _contact_matches(_WA_RE, text, low_text):
            num = _phone_from_digits("+" + m.group(1)) or _phone_from_digits(m.group(1))
            e = _e164(num) if num else "+" + m.group(1)
            ents.whatsapp.append({"kind": "chat", "value": e, "start": m.start(),
                                  "end": m.end(), "text": m.group(0)})
            if num:
                add_phone(_phone_entry(num, m.start(), m.end(), text, "whatsapp_link"))
            taken.add(*m.span())
        for m in _contact_matches(_WA_GROUP_RE, text, low_text):
            ents.whatsapp.append({"kind": "group", "value": m.group(1), "start": m.start(),
                                  "end": m.end(), "text": m.group(0)})
            taken.add(*m.span())
        for m in _contact_matches(_WA_LINK_RE, text, low_text):
            ents.whatsapp.append({"kind": "link", "value": m.group(1), "start": m.start(),
                                  "end": m.end(), "text": m.group(0)})
            taken.add(*m.span())
    for m in _contact_matches(_TG_LINK_RE, text, low_text):
        ents.telegram.append({"handle": m.group(1), "start": m.start(), "end": m.end(),
                              "text": m.group(0), "via": "link"})
        taken.add(*m.span())
    for m in _contact_matches(_EMAIL_RE, text, low_text):
        ents.emails.append({"value": m.group(0).lower(), "start": m.start(), "end": m.end(),
                            "text": m.group(0)})
        taken.add(*m.span())
    for m in _contact_matches(_HANDLE_RE, text, low_text):
        if taken.covers(m.start()):
            continue
        ents.telegram.append({"handle": m.group(1), "start": m.start(), "end": m.end(),
                              "text": m.group(0), "via": "handle"})
    # Phones: libphonenumber on phone-like stretches of the original text (fast path).
    for cand in _PHONEISH.finditer(text):
        for start, length, num in phones_in_segment(cand.group(0)):
            a = cand.start() + start
            add_phone(_phone_entry(num, a, a + length, text, "text"))
    # Phones written as words ("nol delapan satu dua ...").
    low = norm.text
    if any(w in low for w in ("nol", "kosong", "zero", "delapan", "eight", "satu")):
        for m in _DIGIT_WORD_RE.finditer(low):
            toks = re.findall(rf"{_DW}|\d", m.group(0))
            digits = "".join(_DIGIT_WORDS.get(t, t) for t in toks)
            if not any(t in _DIGIT_WORDS for t in toks) or len(digits.lstrip("+")) < 9:
                continue
            num = _phone_from_digits(digits)
            if num:
                a, b = norm.span(m.start(), m.end())
                add_phone(_phone_entry(num, a, b, text, "words"))
    # URLs and registered domains.
    email_spans = SpanIndex([(e["start"], e["end"]) for e in ents.emails])
    domains = set(ents.domains)
    for m in _contact_matches(_URL_RE, text, low_text):
        if email_spans.covers(m.start()):
            continue
        url = m.group(0).rstrip(".,;:!?")
        if re.fullmatch(r"[\d.]+", url) or text[max(0, m.start() - 1) : m.start()] == "@":
            continue
        host = re.sub(r"^(?:https?://)", "", url, flags=re.I).split("/")[0].split("?")[0]
        dom = registered_domain(host.lower())
        if dom is None:
            continue
        ents.urls.append({"value": url, "start": m.start(), "end": m.start() + len(url),
                          "text": url})
        if dom not in domains:
            domains.add(dom)
            ents.domains.append(dom)
    for email in ents.emails:
        dom = registered_domain(email["value"].split("@", 1)[1])
        if dom and dom not in domains:
            domains.add(dom)
            ents.domains.append(dom)


# --- places and companies --------------------------------------------------------------


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[re.Pattern[str], dict[str, dict[str, str]]]:
    raw = resources.files("waspada.offers").joinpath("gazetteer.yaml").read_text("utf-8")
    data = yaml.safe_load(raw)
    alias_map: dict[str, dict[str, str]] = {}
    for p in data["places"]:
        for al in p["aliases"]:
            alias_map[al.lower()] = {"name": p["name"], "country": p["country"], "risk": p["risk"]}
    pat = re.compile(r"\b(" + "|".join(re.escape(a) for a in sorted(alias_map, key=len,
                                                                      reverse=True)) + r")\b")
    return pat, alias_map


@lru_cache(maxsize=1)
def _gazetteer_scan() -> Scan:
    """Round 12 (throughput): the gazetteer pattern without its group (the group is the
    whole match), scanned from the characters an alias starts with (fastre): same matches."""
    pat = _gazetteer()[0]
    return Scan(re.compile(r"\b(?:" + pat.pattern[len(r"\b("):], pat.flags))


def extract_places(norm: Normalised) -> list[dict[str, Any]]:
    amap = _gazetteer()[1]
    out = []
    for m in _gazetteer_scan().finditer(norm.text):
        a, b = norm.span(m.start(), m.end())
        out.append({**amap[m.group(0)], "start": a, "end": b, "text": norm.original[a:b]})
    return out


_NAME_WORD = r"[A-Z0-9][\w&'-]*+"  # possessive: a name word never gives characters back
_COMPANY_PREFIX_RE = re.compile(
    rf"\b(PT|CV|UD|Koperasi|Yayasan)\.?[ \t]+((?:{_NAME_WORD})(?:[ \t]+(?:{_NAME_WORD}|&))"
    r"{0,6})")
# A suffix-named company starts at the start of a word (the lookbehind): trying every
# position inside a long word re-scanned the rest of the word each time (quadratic).
_COMPANY_SUFFIX_RE = re.compile(
    rf"(?<![\w&'-])((?:{_NAME_WORD}[ \t]+){{0,5}}{_NAME_WORD})[ \t]*,?[ \t]+"
    r"(Co\.?,?[ \t]*Ltd\.?|Company Limited|"
    r"Sdn\.?[ \t]*Bhd\.?|Pte\.?[ \t]*Ltd\.?|Ltd\.?|Limited|Inc\.?|Corp\.?|Corporation|Group|LLC)"
    r"(?![\w])")
_LEADING_NOISE = {
    "dibutuhkan", "lowongan", "loker", "kerja", "di", "hiring", "at", "join", "bekerja",
    "perusahaan", "company", "the", "we", "are", "info", "dicari", "segera", "urgent",
    "open", "recruitment", "rekrutmen", "untuk", "to", "with", "dengan", "dari", "from",
    "our", "by", "oleh", "ke", "penempatan", "in",
}


def extract_companies(text: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    named = SpanIndex()
    for m in _COMPANY_PREFIX_RE.finditer(text):
        name = m.group(2).rstrip(".,")
        out.append({"name": f"{m.group(1).upper()} {name}", "legal_form": m.group(1).upper(),
                    "start": m.start(), "end": m.start(2) + len(name),
                    "text": text[m.start() : m.start(2) + len(name)]})
        named.add(m.start(), m.start(2) + len(name))
    for m in _COMPANY_SUFFIX_RE.finditer(text):
        words = m.group(1).split()
        skip = 0
        while skip < len(words) and words[skip].lower() in _LEADING_NOISE:
            skip += 1
        if skip == len(words):
            continue
        start = m.start(1)
        for w in words[:skip]:
            start = text.index(w, start) + len(w)
        while start < len(text) and text[start] in " \t":
            start += 1
        if named.covers(start):
            continue
        out.append({"name": text[start : m.end()].strip(), "legal_form": m.group(2),
                    "start": start, "end": m.end(), "text": text[start : m.end()]})
        named.add(start, m.end())
    return out


def extract(norm: Normalised, rates: dict[str, float] | None = None) -> Entities:
    """All entities of a normalised text (spans into the original)."""
    ents = Entities()
    extract_contacts(norm, ents)
    ents.amounts = extract_amounts(norm, rates)
    ents.places = extract_places(norm)
    ents.companies = extract_companies(norm.original)
    return ents
