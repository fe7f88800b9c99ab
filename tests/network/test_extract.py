"""Extractors normalise every way a recruiter writes a contact, offline."""

from __future__ import annotations

import socket

import pytest

from waspada.network.extract import from_text, parse_query, phone_value


@pytest.mark.parametrize("written", ["0812-3456-7890", "+62 812 3456 7890", "62812 34567890",
                                     "(0812) 3456 7890"])
def test_one_number_written_many_ways_is_one_value(written: str) -> None:
    assert phone_value(written) == "+6281234567890"


def test_links_handles_emails_profiles_domains_accounts_and_agencies() -> None:
    text = ("Info kerja: wa.me/6281234567890 atau WA 0813-1111-2222, t.me/Rekrut_KH, "
            "@agen_sukses, hr@kerja-kamboja.com, facebook.com/loker.kamboja, "
            "https://www.lowongan-luar.co.id/daftar, transfer DP ke BCA no rek 1234 5678 90 "
            "a/n PT Maju Jaya Sentosa")
    found = {(o.kind, o.value) for o in from_text(text)}
    assert {("phone", "+6281234567890"), ("phone", "+6281311112222"),
            ("telegram", "rekrut_kh"), ("telegram", "agen_sukses"),
            ("email", "hr@kerja-kamboja.com"), ("social", "facebook:loker.kamboja"),
            ("domain", "kerja-kamboja.com"), ("domain", "lowongan-luar.co.id"),
            ("bank_account", "bca:1234567890"), ("agency", "maju jaya sentosa")} <= found
    kinds = {k for k, _ in found}
    assert ("domain", "wa.me") not in found and ("domain", "facebook.com") not in found
    assert "person" not in kinds  # persons come from structured records, never from text


def test_a_phone_next_to_a_bank_name_is_not_an_account() -> None:
    found = {(o.kind, o.value) for o in from_text("Bayar lewat BCA, konfirmasi WA 081234567890")}
    assert ("phone", "+6281234567890") in found
    assert not any(k == "bank_account" for k, _ in found)


def test_domains_need_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    found = {(o.kind, o.value) for o in from_text("Daftar di http://rekrut.kerja-asing.my.id/x")}
    assert ("domain", "kerja-asing.my.id") in found


def test_a_searched_value_means_its_normalised_keys() -> None:
    assert parse_query("0812 3456 7890")[0] == ("phone", "+6281234567890")
    assert ("telegram", "rekrut_kh") in parse_query("@Rekrut_KH")
    assert ("email", "a@b.com") in parse_query("A@B.com")
    assert ("agency", "maju jaya sentosa") in parse_query("PT. Maju Jaya Sentosa")
