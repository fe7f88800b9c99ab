"""Helpers for network tests: a fresh valid Indonesian mobile number per test."""

from __future__ import annotations

import random

import phonenumbers

_rng = random.Random()


def fresh_number() -> tuple[str, str]:
    """(national "0813…" digits, E.164) of a valid number no other test uses."""
    while True:
        national = "0813" + "".join(str(_rng.randrange(10)) for _ in range(8))
        number = phonenumbers.parse(national, "ID")
        if phonenumbers.is_valid_number(number):
            return national, phonenumbers.format_number(number,
                                                        phonenumbers.PhoneNumberFormat.E164)


def dashed(national: str) -> str:
    return f"{national[:4]}-{national[4:8]}-{national[8:]}"


def spaced_international(e164: str) -> str:
    digits = e164[3:]
    return f"+62 {digits[:3]} {digits[3:7]} {digits[7:]}"
