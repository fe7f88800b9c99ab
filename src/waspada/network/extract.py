"""Normalised entity values from free text and from structured fields (pure).

Free text goes through the offers extractor (``offers.normalise`` + ``offers.extract``: phones to
E.164 including ``wa.me/…`` and "WA 0812…", Telegram handles and ``t.me`` links, e-mail, URLs
and registrable domains through ``tldextract``'s bundled suffix list, companies, places); this
module adds social-media profiles, bank accounts and the normalised keys. Nothing here touches
the database or the network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from waspada.offers.agencies import normalise_company
from waspada.offers.extract import extract, registered_domain
from waspada.offers.normalise import normalise

KINDS = ("phone", "telegram", "email", "social", "domain", "bank_account", "agency", "person",
         "place")
#: kinds whose value identifies a contact channel (the ones "already known?" reports)
CONTACT_KINDS = frozenset({"phone", "telegram", "email", "social", "domain", "bank_account"})

#: platforms whose domain says nothing about who posted (the profile on it does)
PLATFORM_DOMAINS = frozenset({
    "facebook.com", "fb.com", "fb.me", "instagram.com", "tiktok.com", "twitter.com", "x.com",
    "t.me", "telegram.me", "wa.me", "whatsapp.com", "youtube.com", "linkedin.com",
    "google.com", "bit.ly", "s.id", "linktr.ee",
})
_SOCIAL_RE = re.compile(
    r"(?:https?://)?(?:www\.|m\.|web\.)?(?P<site>facebook|fb|instagram|tiktok|twitter|x)\.com/"
    r"(?:@)?(?P<name>[A-Za-z0-9_.\-]{2,64})", re.IGNORECASE)
_SOCIAL_SKIP = frozenset({"groups", "share", "sharer", "profile.php", "watch", "p", "reel",
                          "story.php", "permalink.php", "photo.php", "events", "pages"})
_SITE = {"fb": "facebook", "x": "twitter"}
BANKS = ("BCA", "BRI", "BNI", "Mandiri", "BSI", "CIMB", "Danamon", "Permata", "BTN", "Jago",
         "SeaBank", "Dana", "OVO", "GoPay")
_BANK_RE = re.compile(
    r"\b(?P<bank>" + "|".join(BANKS) + r")\b[^\d\n]{0,25}?(?P<no>\d(?:[ .-]?\d){7,17})\b",
    re.IGNORECASE)


@dataclass(frozen=True)
class Observation:
    """One value seen in a source: the entity key (kind, value), how it was written, and how
    sure the extraction is (1.0 for a structured field or an unambiguous link)."""

    kind: str
    value: str
    label: str
    raw: str
    confidence: float = 1.0
    role: str = ""


@lru_cache(maxsize=65_536)
def phone_value(text: str, region: str = "ID") -> str | None:
    """E.164 of a phone number written any usual way ("0812-3456-7890", "+62 812…", "62812…")."""
    digits = re.sub(r"[^\d+]", "", text or "")
    if len(digits.lstrip("+")) < 7:
        return None
    for candidate, reg in ((digits, region), ("+" + digits.lstrip("+"), None)):
        try:
            number = phonenumbers.parse(candidate, reg)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def email_value(text: str) -> str | None:
    """``local@domain.tld`` (lower case), without a regular expression: linear on any input."""
    value = (text or "").strip().lower()
    local, at, domain = value.partition("@")
    head, dot, tld = domain.rpartition(".")
    if (not at or not local or "@" in domain or not head or not dot or len(tld) < 2
            or not (tld.isascii() and tld.isalpha()) or any(c.isspace() for c in value)):
        return None
    return value


def agency_value(name: str) -> str:
    """The agency key: the offers registry's normalisation (legal form and case folded)."""
    return normalise_company(name) or re.sub(r"\s+", " ", name.strip().lower())


def telegram_value(handle: str) -> str:
    return handle.strip().lstrip("@").lower()


def social_values(text: str) -> list[Observation]:
    out = []
    for m in _SOCIAL_RE.finditer(text):
        name = m.group("name").rstrip(".").lower()
        if name in _SOCIAL_SKIP:
            continue
        site = _SITE.get(m.group("site").lower(), m.group("site").lower())
        out.append(Observation("social", f"{site}:{name}", f"{site}/{name}", m.group(0), 0.9))
    return out


def bank_values(text: str) -> list[Observation]:
    out = []
    for m in _BANK_RE.finditer(text):
        digits = re.sub(r"\D", "", m.group("no"))
        if phone_value(digits) and digits.startswith(("08", "628")):
            continue  # a phone number next to a bank name ("BCA, WA 0812…"), not an account
        bank = next(b for b in BANKS if b.lower() == m.group("bank").lower())
        out.append(Observation("bank_account", f"{bank.lower()}:{digits}", f"{bank} {digits}",
                               m.group(0), 0.8))
    return out


def from_text(text: str, role: str = "") -> list[Observation]:
    """Every entity value in a free text (an offer, a sponsor field), each once."""
    if not text or not text.strip():
        return []
    ents = extract(normalise(text))
    found: list[Observation] = []
    for p in ents.phones:
        found.append(Observation("phone", p["e164"], p["e164"], p["text"],
                                 1.0 if p["via"] != "words" else 0.8))
    for t in ents.telegram:
        found.append(Observation("telegram", telegram_value(t["handle"]),
                                 "@" + telegram_value(t["handle"]), t["text"],
                                 1.0 if t["via"] == "link" else 0.7))
    for e in ents.emails:
        found.append(Observation("email", e["value"], e["value"], e["text"]))
    found.extend(social_values(text))
    for d in ents.domains:
        if d not in PLATFORM_DOMAINS:
            found.append(Observation("domain", d, d, d, 0.9))
    found.extend(bank_values(text))
    for c in ents.companies:
        found.append(Observation("agency", agency_value(c["name"]), c["name"], c["text"], 0.8))
    for place in ents.places:
        found.append(Observation("place", place["name"].lower(), place["name"], place["text"],
                                 0.6))
    return dedupe([Observation(o.kind, o.value, o.label, o.raw[:255], o.confidence, role)
                   for o in found])


def dedupe(found: list[Observation]) -> list[Observation]:
    """One observation per (kind, value, role): the most confident one."""
    best: dict[tuple[str, str, str], Observation] = {}
    for o in found:
        key = (o.kind, o.value, o.role)
        if key not in best or o.confidence > best[key].confidence:
            best[key] = o
    return list(best.values())


def parse_query(value: str) -> list[tuple[str, str]]:
    """The (kind, value) keys a searched value may mean, most specific first: a phone written
    any way, an e-mail, a handle, a domain or URL, a bank account, an agency name."""
    value = value.strip()
    keys: list[tuple[str, str]] = []
    if not value:
        return keys
    phone = phone_value(value) if re.fullmatch(r"[\d\s+().-]{7,}", value) else None
    if phone:
        keys.append(("phone", phone))
    email = email_value(value)
    if email:
        keys.append(("email", email))
    for o in from_text(value):
        if o.kind != "place" and (o.kind, o.value) not in keys:
            keys.append((o.kind, o.value))
    if value.startswith("@"):
        keys.append(("telegram", telegram_value(value)))
    if "." in value and " " not in value:
        domain = registered_domain(value.lower().split("/")[0].split("://")[-1])
        if domain:
            keys.append(("domain", domain))
    if ":" in value and value.split(":", 1)[0] in KINDS:
        kind, _, rest = value.partition(":")
        keys.append((kind, rest.strip().lower()))
    keys.append(("agency", agency_value(value)))
    return list(dict.fromkeys(keys))
