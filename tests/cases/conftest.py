"""Helpers for case tests: unique synthetic victims and case creation through the API."""

from __future__ import annotations

import itertools
import uuid

import pytest

_counter = itertools.count(1)
GIVEN = ["Wulandari", "Sumarni", "Yohana", "Kartini", "Marlina", "Suryati", "Rosdiana",
         "Herlina", "Fitriani", "Juwita", "Nurlaila", "Mardiyah", "Paramitha", "Sekar"]
FAMILY = ["Pangaribuan", "Simatupang", "Tampubolon", "Sembiring", "Ginting", "Tarigan",
          "Purba", "Saragih", "Damanik", "Sinurat", "Manalu", "Munthe", "Nainggolan"]


def unique_name() -> str:
    """A synthetic name unlikely to collide with other tests' victims (random syllables)."""
    token = uuid.uuid4().hex
    syllables = ["ka", "ri", "mo", "tu", "sa", "ne", "lo", "wi", "da", "pu", "ge", "ha"]
    made_up = "".join(syllables[int(c, 16) % 12] for c in token[:4]).capitalize()
    made_up2 = "".join(syllables[int(c, 16) % 12] for c in token[4:9]).capitalize()
    return f"{made_up} {made_up2} {FAMILY[next(_counter) % len(FAMILY)]}"


def create_case(client, name: str | None = None, **extra) -> dict:  # type: ignore[no-untyped-def]
    body = {"destination_country": "KH", "destination_city": "Sihanoukville",
            "exploitation_type": ["ForcedCriminality"], "compound_type": "OnlineScam",
            "summary": "Dijanjikan kerja admin, dipaksa menipu daring.",
            "persons": [{"role": "victim", "full_name": name or unique_name(),
                         "birth_date": "1999-04-12", "gender": "Feminine",
                         "identity_number": None, "mobile_phone": "+6281234567890",
                         "citizenship": "ID"},
                        {"role": "reporter", "full_name": "Ibu Pelapor",
                         "mobile_phone": "+6285700000000", "relationship": "mother"}],
            "events": [{"type": "Recruitment", "city": "Medan", "country": "ID",
                        "date": "2025-11-01", "description": "Iklan lowongan di Facebook"},
                       {"type": "Exploitation", "city": "Sihanoukville", "country": "KH"}]}
    body.update(extra)
    response = client.post("/api/v1/cases", json=body)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture()
def protection(role_clients):  # type: ignore[no-untyped-def]
    return role_clients["protection_officer"]
