"""The follow-up code a family gets after a public report (pure).

Short enough to write on paper and read over the phone, and unambiguous: four groups of four
characters from a 31-character alphabet without the look-alikes 0/O, 1/I/L (``7KQM-3XWD-...``).
16 characters of 31 give 31**16, about 7.3e23 (79 bits): not guessable, and the public lookup is
rate-limited too. Only a SHA-256 hash of the canonical form is stored. Codes issued before
(32 characters of URL-safe base64) keep working: :func:`lookup_hash` hashes them as they were.
"""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUPS, GROUP_SIZE = 4, 4
LENGTH = GROUPS * GROUP_SIZE
#: longest input the lookup accepts (a long legacy code with spaces around it)
INPUT_MAX = 64



def new_code() -> str:
    """A fresh code, grouped for reading: ``XXXX-XXXX-XXXX-XXXX``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return format_code(raw)


def format_code(raw: str) -> str:
    return "-".join(raw[i:i + GROUP_SIZE] for i in range(0, LENGTH, GROUP_SIZE))


def canonical(text: str) -> str | None:
    """The 16 characters of a short code as typed (any case, spaces or dashes between
    groups), or None when the text is not a short code."""
    compact = "".join(ch for ch in text.upper() if ch not in " -\t.")
    if len(compact) == LENGTH and all(ch in ALPHABET for ch in compact):
        return compact
    return None


def code_hash(code: str) -> str:
    """What is stored for a code: SHA-256 of its canonical form (short codes) or of the code
    as issued (legacy long codes)."""
    short = canonical(code)
    return hashlib.sha256((short or code.strip()).encode()).hexdigest()


def lookup_hash(text: str) -> str | None:
    """The stored hash to look for, or None for input no code can match (empty, too long)."""
    text = text.strip()
    if not text or len(text) > INPUT_MAX:
        return None
    return code_hash(text)
