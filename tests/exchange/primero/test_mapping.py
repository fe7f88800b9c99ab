"""Mapping our HTCDS record to Primero through the lookups/locations READ from the double."""

from __future__ import annotations

from datetime import date

import pytest

from tests.exchange.primero.double import PrimeroDouble
from waspada.cases.htcds import case_to_htcds
from waspada.exchange.primero.client import PrimeroClient
from waspada.exchange.primero.mapping import (
    MappingError,
    Vocabulary,
    load_mapping,
    parse_mapping,
    to_primero,
)


def _case(gender: str = "Feminine", citizenship: str = "ID") -> dict:
    return case_to_htcds({
        "status": "reported", "reference": "WSP-1", "reported_at": date(2026, 10, 3),
        "persons": [{"role": "victim", "first_name": "Sari", "second_name": "Dewi",
                     "gender": gender, "citizenship": citizenship,
                     "birth_date": date(2001, 4, 5)}],
        "events": [{"type": "Exploitation", "state": "Preah Sihanouk", "country": "KH"}],
    })


def _vocab(double: PrimeroDouble) -> Vocabulary:
    client = PrimeroClient("https://primero.test", "waspada", "s3cret-pass",
                           http=double.http(), sleep=lambda s: None)
    return Vocabulary(client.lookups(), client.locations())


def test_values_are_translated_through_the_servers_lookups_and_locations() -> None:
    double = PrimeroDouble()
    mapped = to_primero(_case(), load_mapping(), _vocab(double))
    assert mapped.unknown == []
    assert mapped.data == {"name_first": "Sari", "name_last": "Dewi",
                           "date_of_birth": "2001-04-05", "sex": "female",
                           "nationality": ["nationality_id"], "registration_date": "2026-10-03",
                           "location_current": "KH18"}


def test_the_ids_come_from_the_server_not_from_code() -> None:
    double = PrimeroDouble()
    double.lookups[0] = {**double.lookups[0], "values": [
        {"id": "f", "display_text": {"en": "Female"}}, {"id": "m", "display_text": {"en": "Male"}}]}
    vocab = _vocab(double)
    assert to_primero(_case(), load_mapping(), vocab).data["sex"] == "f"
    assert vocab.version != _vocab(PrimeroDouble()).version


def test_unknown_value_is_reported_not_dropped_silently() -> None:
    mapped = to_primero(_case(gender="NonConforming", citizenship="BR"), load_mapping(),
                        _vocab(PrimeroDouble()))
    assert "sex" not in mapped.data and "nationality" not in mapped.data
    reported = {(u.field, u.vocabulary, u.value) for u in mapped.unknown}
    assert reported == {("prs_Gender", "lookup-gender", "NonConforming"),
                        ("prs_Citizenship", "lookup-nationality", "BR")}
    assert "NonConforming" in mapped.unknown[0].message()


def test_unknown_location_is_reported_without_the_place_name() -> None:
    double = PrimeroDouble()
    double.locations = double.locations[:2]
    mapped = to_primero(_case(), load_mapping(), _vocab(double))
    (unknown,) = mapped.unknown
    assert unknown.vocabulary == "locations" and unknown.value is None
    assert "Sihanouk" not in unknown.message()


def test_mapped_case_is_accepted_by_the_strict_double() -> None:
    double = PrimeroDouble()
    client = PrimeroClient("https://primero.test", "waspada", "s3cret-pass",
                           http=double.http(), sleep=lambda s: None)
    mapped = to_primero(_case(), load_mapping(), _vocab(double))
    assert client.push_case("3f1c2b9e-8a8e-4b8e-9c55-0d0a8f3a1e01", mapped.data, None).action \
        == "created"


def test_malformed_mapping_is_refused() -> None:
    with pytest.raises(MappingError):
        parse_mapping({"version": 1, "fields": [{"htcds": "x", "from": "nowhere",
                                                 "primero": "y"}]})
    with pytest.raises(MappingError):
        parse_mapping({"version": "one", "fields": []})
