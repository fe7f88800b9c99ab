"""Entity extraction: every phone/handle/link form, amounts, places, companies, agencies."""

from __future__ import annotations

import pytest

from waspada.offers.agencies import match_agency, normalise_company
from waspada.offers.extract import extract
from waspada.offers.normalise import normalise


def ents(text: str, rates: dict[str, float] | None = None):  # type: ignore[no-untyped-def]
    return extract(normalise(text), rates)


def _check_spans(text: str, items: list[dict]) -> None:
    for it in items:
        assert text[it["start"] : it["end"]] == it["text"]


@pytest.mark.parametrize(("text", "e164", "region"), [
    ("hub 081234567890", "+6281234567890", "ID"),
    ("hub 0812-3456-7890", "+6281234567890", "ID"),
    ("hub 0812.3456.7890", "+6281234567890", "ID"),
    ("hub 0812 3456 7890", "+6281234567890", "ID"),
    ("hub +62 812 3456 7890", "+6281234567890", "ID"),
    ("hub +6281234567890", "+6281234567890", "ID"),
    ("call +855 12 345 678", "+85512345678", "KH"),
    ("call +855-96-123-4567", "+855961234567", "KH"),
    ("call +66 81 234 5678", "+66812345678", "TH"),
    ("call +60 12-345 6789", "+60123456789", "MY"),
    ("call +95 9 212 3456", "+9592123456", "MM"),
    ("call +856 20 23 123 456", "+8562023123456", "LA"),
    ("call +63 917 123 4567", "+639171234567", "PH"),
    ("call +84 91 234 56 78", "+84912345678", "VN"),
    ("nomor nol delapan satu dua tiga empat lima enam tujuh delapan sembilan nol",
     "+6281234567890", "ID"),
    ("WA: kosong delapan satu tiga, satu dua tiga empat, lima enam tujuh delapan",
     "+6281312345678", "ID"),
])
def test_phones(text: str, e164: str, region: str) -> None:
    e = ents(text)
    assert [p["e164"] for p in e.phones] == [e164], e.phones
    assert e.phones[0]["region"] == region
    _check_spans(text, e.phones)


def test_no_phone_from_amounts() -> None:
    assert ents("gaji Rp 12.000.000 per bulan").phones == []


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("klik wa.me/6281234567890", "chat", "+6281234567890"),
    ("https://wa.me/+85512345678", "chat", "+85512345678"),
    ("https://api.whatsapp.com/send?phone=6281234567890&text=halo", "chat", "+6281234567890"),
    ("api.whatsapp.com/send/?phone=855123456789", "chat", "+855123456789"),
    ("grup: https://chat.whatsapp.com/AbCdEfGhIjKl1234", "group", "AbCdEfGhIjKl1234"),
])
def test_whatsapp(text: str, kind: str, value: str) -> None:
    e = ents(text)
    assert [(w["kind"], w["value"]) for w in e.whatsapp] == [(kind, value)]
    _check_spans(text, e.whatsapp)
    if kind == "chat":
        assert value in [p["e164"] for p in e.phones]


@pytest.mark.parametrize(("text", "handle"), [
    ("telegram @hrd_kamboja88", "hrd_kamboja88"),
    ("t.me/lokerasia", "lokerasia"),
    ("https://t.me/joinchat/AbCdEf12", "AbCdEf12"),
    ("https://telegram.me/rekrut_ln", "rekrut_ln"),
])
def test_telegram(text: str, handle: str) -> None:
    e = ents(text)
    assert handle in [t["handle"] for t in e.telegram]
    _check_spans(text, e.telegram)


def test_email_is_not_a_handle() -> None:
    e = ents("kirim ke hr.kerja@gmail.com")
    assert [m["value"] for m in e.emails] == ["hr.kerja@gmail.com"]
    assert e.telegram == []
    assert "gmail.com" in e.domains


def test_urls_and_domains_offline() -> None:
    e = ents("daftar di https://loker.golden-dragon.com.kh/apply atau www.contoh.co.id, bit.ly/abc")
    assert "golden-dragon.com.kh" in e.domains
    assert "contoh.co.id" in e.domains
    assert "bit.ly" in e.domains
    _check_spans("daftar di https://loker.golden-dragon.com.kh/apply atau www.contoh.co.id, bit.ly/abc",
                 e.urls)


def test_numbers_are_not_urls() -> None:
    assert ents("gaji 12.000.000").urls == []


@pytest.mark.parametrize(("text", "currency", "lo", "hi"), [
    ("gaji $1000/bulan", "USD", 16_000_000, 16_000_000),
    ("gaji 10-15jt", "IDR", 10_000_000, 15_000_000),
    ("gaji Rp 12.000.000", "IDR", 12_000_000, 12_000_000),
    ("gaji 800 USD", "USD", 12_800_000, 12_800_000),
    ("gaji RM 4.500 sebulan", "MYR", 16_200_000, 16_200_000),
    ("salary $50/day", "USD", 20_800_000, 20_800_000),
    ("gaji 1,5 juta per minggu", "IDR", 6_495_000, 6_495_000),
    ("gaji 10 s/d 15 juta", "IDR", 10_000_000, 15_000_000),
    ("salary USD 900 - 1500", "USD", 14_400_000, 24_000_000),
    ("gaji 3.000 baht per day", "THB", 35_880_000, 35_880_000),
    ("gaji 2 juta riel", "KHR", 8_000_000, 8_000_000),
    ("gaji 120 juta per tahun", "IDR", 10_000_000, 10_000_000),
])
def test_amounts(text: str, currency: str, lo: float, hi: float) -> None:
    e = ents(text)
    assert len(e.amounts) == 1, e.amounts
    a = e.amounts[0]
    assert a.currency == currency
    assert a.idr_per_month_min == pytest.approx(lo, rel=0.01)
    assert a.idr_per_month_max == pytest.approx(hi, rel=0.01)
    assert text[a.start : a.end] == a.text


def test_custom_rates() -> None:
    a = ents("gaji $1000", rates={"USD": 15_000}).amounts[0]
    assert a.idr_per_month_max == 15_000_000


def test_fee_is_not_pay() -> None:
    a = ents("biaya pendaftaran 500rb").amounts[0]
    assert not a.is_pay


def test_places() -> None:
    text = "kerja di Phnom Penh lalu Sihanoukville via Bangkok, bukan Jepang"
    names = {p["name"]: p["risk"] for p in ents(text).places}
    assert names == {"Phnom Penh": "high", "Sihanoukville": "high", "Bangkok": "transit",
                     "Japan": "none"}


def test_companies() -> None:
    text = ("PT Sinar Jaya Abadi dan PT. MAJU MUNDUR bekerja sama dengan Golden Dragon Co., Ltd, "
            "Mega Asia Sdn Bhd, serta Huione Group. Dibutuhkan Prince Holding Ltd.")
    names = [c["name"] for c in ents(text).companies]
    assert "PT Sinar Jaya Abadi" in names
    assert "PT MAJU MUNDUR" in names
    assert any(n.startswith("Golden Dragon Co") for n in names)
    assert "Mega Asia Sdn Bhd" in names
    assert "Huione Group" in names
    assert any(n.startswith("Prince Holding") for n in names)
    _check_spans(text, ents(text).companies)


def test_agency_match() -> None:
    reg = ["PT Bina Karya Nusantara", "PT Duta Tenaga Kerja Tbk", "CV Sinar Harapan"]
    m = match_agency("Bina Karya Nusantara, PT", reg)
    assert m.status == "registered" and m.best == "PT Bina Karya Nusantara" and m.score >= 90
    assert match_agency("PT. DUTA TENAGA KERJA", reg).status == "registered"
    assert match_agency("PT Cahaya Gemilang", reg).status == "not_found"
    assert match_agency("PT Karya", reg).status == "not_found"  # a subset is not a match
    assert match_agency("PT Bina Karya", []).status == "not_found"
    assert normalise_company("PT. Maju (Persero) Tbk") == "maju"


def test_domains_need_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from waspada.offers import extract as ex

    def no_net(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", no_net)
    monkeypatch.setattr(socket, "create_connection", no_net)
    ex._tld.cache_clear()
    ex.registered_domain.cache_clear()
    assert ents("lihat https://kerja.contoh-baru.com.kh/x").domains == ["contoh-baru.com.kh"]
