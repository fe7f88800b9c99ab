"""A third, blind generator of Indonesian person records for the dedupe bench (issue #13).

Written without reading the matching engine, the identity package or the two other
generators (``matching_synth.py``, ``matching_synth2.py``): only the input format and the
command line in docs/matching.md, the NIK structure in the shared domain facts and public
knowledge of Indonesian names went into it. Its proportions are its own.

What it makes, deterministic from ``--seed`` (and the size):

* households in nine naming traditions (Javanese, Sundanese, Malay/Minang/Acehnese Muslim
  with Arabic-origin names, Bugis-Makassar, Batak with marga, Balinese birth-order names,
  Chinese-Indonesian, eastern Christian, and young "modern" names), with fathers, mothers and
  children, twins, and sons given their father's full name;
* the most common full names of the e-KTP register (Dukcapil's top-10 lists: Sutrisno
  144,497 holders, Nurhayati 254,922, ...) at 1.5 times their national share, so that they
  have a few hundred holders at 200,000 records, plus the collisions the traditions make;
* a NIK per person consistent with birth date, sex (+40 on the day for women) and the place
  of first registration (plausible regency and district codes, not the official list),
  mobile phones, passports, addresses and birth places;
* duplicate records for about 15 % of people with registry errors: case, spelling variants
  (old spelling, Arabic-origin transliterations), typos, OCR confusions, initials, titles,
  swapped name order, joined/split name parts, bin/binti, missing fields, date errors,
  one-digit NIK errors, the family-card number typed as NIK, new phones, passports and
  addresses, and a second identity under a different NIK.

Then it runs the user's command ``waspada identity dedupe IN.csv --output OUT.csv`` at its
defaults and prints pairwise precision / recall / F1, the largest cluster, the hard negatives
merged by kind, wall time and peak RSS.

    python bench/matching_blind.py --sizes 20000,200000 --seed 2
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

HEADER = ["record_id", "full_name", "birth_date", "sex", "birth_place", "address", "nik",
          "passport_no", "phone", "source"]

# --------------------------------------------------------------------------- places
# (province code, regency code, name used as birth place); kota codes are 71-99.
PLACES: dict[str, list[tuple[str, str, str]]] = {
    "jawa": [("35", "78", "Surabaya"), ("35", "73", "Malang"), ("35", "07", "Kab. Malang"),
             ("35", "15", "Sidoarjo"), ("35", "09", "Jember"), ("35", "22", "Bojonegoro"),
             ("33", "74", "Semarang"), ("33", "72", "Surakarta"), ("33", "02", "Banyumas"),
             ("33", "10", "Klaten"), ("33", "29", "Brebes"), ("33", "18", "Pati"),
             ("34", "71", "Yogyakarta"), ("34", "04", "Sleman"), ("34", "02", "Bantul"),
             ("35", "04", "Tulungagung"), ("33", "08", "Magelang"), ("35", "77", "Madiun")],
    "sunda": [("32", "73", "Bandung"), ("32", "04", "Kab. Bandung"), ("32", "01", "Bogor"),
              ("32", "06", "Tasikmalaya"), ("32", "03", "Cianjur"), ("32", "05", "Garut"),
              ("32", "02", "Sukabumi"), ("36", "04", "Serang"), ("32", "09", "Cirebon"),
              ("32", "15", "Karawang")],
    "melayu": [("13", "71", "Padang"), ("13", "75", "Bukittinggi"), ("13", "06", "Agam"),
               ("11", "71", "Banda Aceh"), ("11", "08", "Aceh Utara"), ("14", "71", "Pekanbaru"),
               ("16", "71", "Palembang"), ("15", "71", "Jambi"), ("21", "71", "Batam"),
               ("63", "71", "Banjarmasin"), ("61", "71", "Pontianak"), ("18", "71",
               "Bandar Lampung"), ("52", "71", "Mataram"), ("52", "03", "Lombok Timur")],
    "bugis": [("73", "71", "Makassar"), ("73", "06", "Gowa"), ("73", "08", "Bone"),
              ("73", "72", "Parepare"), ("74", "71", "Kendari"), ("76", "02", "Polewali Mandar"),
              ("64", "72", "Samarinda"), ("73", "13", "Wajo")],
    "batak": [("12", "71", "Medan"), ("12", "02", "Tapanuli Utara"), ("12", "73",
              "Pematangsiantar"), ("12", "04", "Tapanuli Selatan"), ("12", "07", "Deli Serdang"),
              ("12", "12", "Toba"), ("12", "06", "Karo")],
    "bali": [("51", "71", "Denpasar"), ("51", "03", "Badung"), ("51", "04", "Gianyar"),
             ("51", "08", "Buleleng"), ("51", "02", "Tabanan"), ("51", "06", "Karangasem")],
    "tionghoa": [("31", "74", "Jakarta Barat"), ("31", "75", "Jakarta Utara"), ("12", "71",
                 "Medan"), ("61", "72", "Singkawang"), ("35", "78", "Surabaya"),
                 ("19", "71", "Pangkalpinang"), ("21", "71", "Batam"), ("33", "74", "Semarang")],
    "timur": [("53", "71", "Kupang"), ("53", "02", "Timor Tengah Selatan"), ("53", "04", "Belu"),
              ("53", "10", "Manggarai"), ("71", "71", "Manado"), ("71", "02", "Minahasa"),
              ("81", "71", "Ambon"), ("81", "01", "Maluku Tengah"), ("91", "71", "Jayapura"),
              ("94", "01", "Mimika"), ("95", "01", "Jayawijaya"), ("92", "71", "Sorong")],
    "kota": [("31", "71", "Jakarta Selatan"), ("31", "72", "Jakarta Timur"), ("31", "73",
             "Jakarta Pusat"), ("36", "71", "Tangerang"), ("36", "03", "Kab. Tangerang"),
             ("32", "75", "Bekasi"), ("32", "76", "Depok"), ("64", "71", "Balikpapan")],
}
TRADITION_PLACES = {
    "jawa": ["jawa"] * 5 + ["kota"] * 2, "sunda": ["sunda"] * 4 + ["kota"], "melayu": ["melayu"],
    "bugis": ["bugis"], "batak": ["batak"] * 3 + ["kota"], "bali": ["bali"],
    "tionghoa": ["tionghoa"], "timur": ["timur"],
}
# my own shares of households by tradition
TRADITIONS = [("jawa", 40), ("sunda", 15), ("melayu", 14), ("bugis", 6), ("batak", 6),
              ("bali", 3), ("tionghoa", 5), ("timur", 8)]  # "modern" names: young people of any
STREETS = ["Melati", "Mawar", "Kenanga", "Anggrek", "Flamboyan", "Merdeka", "Sudirman",
           "Diponegoro", "Gatot Subroto", "Ahmad Yani", "Pahlawan", "Veteran", "Cempaka",
           "Kartini", "Imam Bonjol", "Pattimura", "Hasanuddin", "Teuku Umar", "Raya Pasar",
           "Sisingamangaraja", "Gajah Mada", "Hayam Wuruk", "Kamboja", "Nusantara", "Pemuda"]
VILLAGES = ["Sukamaju", "Sukajadi", "Mekarsari", "Karanganyar", "Sidomulyo", "Tegalsari",
            "Krajan", "Sumbersari", "Margomulyo", "Banjarsari", "Kebonsari", "Sukorejo",
            "Tanjung", "Pasir", "Lubuk", "Cibeureum", "Ciherang", "Kampung Baru", "Air Hitam"]

# --------------------------------------------------------------------------- names


def _w(text: str) -> list[str]:
    return text.split()


JAWA_M = _w("Sutrisno Slamet Mulyadi Supardi Supriyanto Wahyudi Suparman Bambang Joko Agus Budi "
          "Heru Eko Bayu Hadi Sugeng Sukirman Paijo Tukiman Suwarno Sunarto Haryanto Sugiarto "
          "Purnomo Triyono Darmanto Widodo Santoso Susanto Setiawan Prasetyo Nugroho Wibowo "
          "Kurniawan Hartono Gunawan Yulianto Rahmat Teguh Waluyo Sumarno Sumanto Hariyadi "
          "Wahyu Arif Anton Rudi Hendra Ahmad Mulyono Sarwono Sukamto Darsono Kusnadi Margono "
          "Suyanto Sugiyono Budiono Purwanto Rohmat Fajar Yoga Dimas Galih Nur Imam Tri Dwi "
          "Sigit Aris Edi Didik Hery Totok Sudarmaji Sukardi Mardi Giyanto Jumadi")
JAWA_F = _w("Nurhayati Sulastri Sumiati Sumarni Sunarti Aminah Ernawati Kartini Sri Siti Tri Dwi "
          "Endang Lestari Wulandari Rahayu Suryani Sutinah Suminah Parmi Wati Yuliani Ratna Dewi "
          "Indah Ayu Rini Astuti Mulyani Retno Murniati Sukarti Purwanti Setyaningsih "
          "Kusumawati Widyastuti Handayani Susilowati Fitriani Anik Mariyam Sumini Painem "
          "Tumini Partini Wahyuni Suwarni Rukmini Kasmini Yuni Eni Erna Tutik Umi")
SUNDA_M = _w("Asep Ujang Cecep Dadang Dede Yayan Aep Deden Encep Iwan Agus Ade Dudi Jajang Endang "
           "Nandang Ridwan Dadan Usep Oman Engkos Wawan Hendi Cucu Rudi Yana")
SUNDA_M2 = _w("Sunandar Supriatna Hidayat Saepudin Sopian Mulyana Kurniawan Rahmat Permana "
            "Suryana Gunawan Setiadi Kusnadi Ruhiyat Sutisna Hermawan Suherman Sobari "
            "Ramdani Nugraha Firmansyah Saputra Hamdani")
SUNDA_F = _w("Euis Neng Iis Yeti Imas Enok Cucu Tuti Lilis Nining Popon Ida Rina Yanti Nenden "
           "Elis Teti Eti Dewi Siti Ai Yuyun")
SUNDA_F2 = _w("Nurhasanah Kurniasih Rosita Sumiati Komalasari Rahmawati Maryati Suryati Nurjanah "
            "Mulyasari Kartika Sukmawati Herawati Nurlaela Rohaeti Yulianti Sopiah")
MUSLIM_M = _w("Muhammad Ahmad Abdullah Zulkifli Syahrul Fauzi Hasan Husin Ismail Yusuf Ibrahim "
            "Iskandar Junaidi Herman Mulyadi Rizki Hidayat Syaiful Zainal Amir Nasrul Irwan "
            "Hamdan Rahmat Taufik Fadli Firdaus Khairul Arif Hafiz Ridwan Faisal Zulfikar "
            "Usman Umar Ali Hamzah Syamsul Darwis Jufri Nazaruddin Safrizal Yusri Munir "
            "Helmi Rusli Azhar Effendi Syafri Zulkarnain Jamal Bahtiar")
MUSLIM_M2 = _w("Rahman Hakim Malik Aziz Gani Karim Latif Wahab Rasyid Hamid Syukur Majid Halim "
             "Kadir Jalil Muthalib Razak Somad Rahim")  # after "Abdul"
MUSLIM_F = _w("Nurul Siti Fatimah Aisyah Khadijah Zainab Nurhayati Rahmawati Fitri Yulia Hasnah "
            "Rosmawati Zahra Nur Halimah Maimunah Salmah Rohani Nurjannah Rahmah Syarifah "
            "Nurlela Mariana Rosmiati Erni Dahlia Asmah Yusnidar Nuraini Hafsah Juliana "
            "Desi Nelly Rina Suryani Cut")
MUSLIM_F2 = _w("Hidayah Aminah Aini Hasanah Khairani Fitriani Rahmi Maulida Syafitri Yanti "
             "Wahyuni Ningsih Hayati Marlina Zuraida Husna Afrida Mardiah")
BUGIS_M = _w("Muh. Muhammad Abdul Syamsul Hasanuddin Arifin Baharuddin Syamsuddin Jamaluddin "
           "Nurdin Rusdi Amiruddin Sudirman Alimuddin Darwis Ilham Haris Irfan Sangkala "
           "Basri Ramli Ansar Ashar Mustari Kamaruddin Syahrir")
BUGIS_F = _w("Sitti Hasnawati Nurhaedah Hasmiah Rosdiana Suriani Nurmiati Rahmatia Hadijah "
           "Nurhayati Sumarni Jumriah Hamsiah Ratnawati Asniati Halijah Marwah Nurbaya")
BATAK_M = _w("Maruli Tigor Parlindungan Hotman Binsar Togar Sahat Jonny Daniel Yohannes Martua "
           "Poltak Rudolf Ronald Benny Hendrik Bonar Parulian Saut Jansen Robert Halomoan "
           "Ahmad Syahrial Irfan Muhammad Ali Amran")
BATAK_F = _w("Ruth Maria Rosmawati Lamria Tiurma Nurmala Rotua Dameria Herlina Sondang Romauli "
           "Friska Rina Debora Elisabeth Lasma Nurhayati Siti Mawar Tiominar Hotnida")
MARGA = _w("Siregar Nasution Harahap Lubis Simanjuntak Hutapea Sitompul Pardede Sinaga "
         "Simatupang Panjaitan Manurung Situmorang Sihombing Tambunan Nainggolan Pasaribu "
         "Silalahi Hutagalung Sitorus Napitupulu Sianturi Simbolon Gultom Damanik Saragih "
         "Purba Ginting Sembiring Tarigan Sitepu Hasibuan Pohan Batubara Marpaung")
BALI_GIVEN_M = _w("Sudarma Artawan Suarsana Wirawan Mahendra Suardana Astawa Sukadana Budiasa "
                "Sutama Darmayasa Arsana Widiana Suparta Gunawan Santika Wiranata Adnyana "
                "Sujana Mertayasa Oka Rai Sudiarta Antara Swastika")
BALI_GIVEN_F = ["Sri Ayu", "Sukarni", "Suartini", "Ariani", "Sudiani", "Yuliantari", "Mahayani",
                "Puspita Dewi", "Anggreni", "Widiastuti", "Sukerti", "Rasmini", "Sukmawati",
                "Suryani", "Wahyuni", "Kartini", "Arsini", "Sriasih"]
BALI_ORDER_M = [["Wayan", "Putu", "Gede"], ["Made", "Kadek", "Nengah"], ["Nyoman", "Komang"],
                ["Ketut"]]
BALI_ORDER_F = [["Luh", "Putu", "Wayan"], ["Made", "Kadek"], ["Nyoman", "Komang"], ["Ketut"]]
TH_SURNAME = _w("Wijaya Halim Salim Gunawan Tanoto Santoso Hartono Kusuma Setiawan Tanudjaja "
              "Limanto Tjandra Sutanto Widjaja Gozali Susanto Lim Tan Hartanto Kurniawan "
              "Wijaya Wijaya Halim Tanjaya Sugianto Budiman Liman Handoko")
TH_M = _w("Stefanus Yohanes Michael Kevin Hendra Budi Andreas Felix Jonathan William Steven Edy "
        "Hengky Rudy Susanto Albert Benny Eddy Johan Sandy Ivan Daniel Hendrik Tommy")
TH_F = _w("Jessica Melinda Lily Linda Susanti Vivian Cindy Stephanie Fenny Meiliana Lanny "
        "Yenny Lina Fransisca Monica Angeline Sherly Lisa Maria Shirley Erna Wenny")
TH_OLD_SUR = _w("Tan Lie Oei Liem The Go Kwee Ong Tjia Lim Ang Tjoa Sie Gouw")
TH_OLD_SYL = _w("Siu Lan Kian Hok Hong Djien Ing Hwa Tjoen Nio Bing Swie Mei Hoa Kiem Liang "
              "Soen Tjeng Giok Hwie Ay Tjong Pik Lie Sien Han Kok")
TIMUR_M = _w("Yohanes Yohanis Fransiskus Agustinus Yosef Petrus Paulus Markus Antonius Aloysius "
           "Stefanus Yakobus Silvester Benediktus Mikael Dominikus Kornelis Yulius Hendrikus "
           "Melkianus Yermias Obed Simon Lukas Daniel")
TIMUR_F = _w("Maria Yuliana Agustina Magdalena Theresia Veronika Margaretha Elisabeth Marselina "
           "Fransiska Yosefina Katarina Anastasia Regina Yohana Dorkas Ester Naomi Martha "
           "Priska")
TIMUR_SUR = {
    "53": _w("Bria Nahak Seran Tefa Ndun Lado Benu Manafe Fanggidae Pah Tanesib Kolo Ratu Laka "
          "Da_Costa Pereira Fernandez Mau Bere Nenobais Taolin Djami"),
    "71": _w("Pangemanan Rumengan Sondakh Wenas Lumempouw Tumbelaka Kalangi Mandagi Rondonuwu "
          "Lengkong Pinontoan Tangkilisan Mamahit Supit Runtu"),
    "81": _w("Latuconsina Pattinama Tuhumury Sahetapy Lewerissa Matulessy Pelupessy "
          "Leiwakabessy Tuanakotta Siahaya Pattiasina Ralahalu"),
    "9": _w("Wenda Kogoya Wonda Tabuni Rumbiak Mandowen Yoman Wanimbo Murib Karubaba Kaisiepo "
         "Rumbewas Mirino Wakerkwa Tabuni Kogoya"),
}
MODERN_M = _w("Rizki Rizky Aditya Dimas Fajar Ilham Reza Bagus Andika Farhan Rafi Alif Fikri "
            "Kevin Arya Dafa Raka Bima Naufal Rizal Daffa Galang Rangga Yoga Hafidz Akbar "
            "Gilang Aldi Ferdi Rendi")
MODERN_F = _w("Putri Nabila Aulia Salsabila Anisa Dinda Aisyah Amelia Nadia Intan Syifa Zahra "
            "Safira Alya Tiara Cahya Nur Dewi Ayu Siti Rahma Annisa Dwi Indah Fitri")
MODERN_2 = _w("Pratama Saputra Ramadhan Nugraha Permana Maulana Firmansyah Hidayatullah "
            "Kurniawan Setiawan Wijaya Putra Prasetyo Hidayat Santoso Akbar Fauzan")
MODERN_2F = _w("Putri Lestari Rahmawati Anggraini Safitri Maharani Amalia Ramadhani Azzahra "
             "Wulandari Permatasari Kusuma Aprilia Oktaviani Nurhaliza Febriani Sari")
# Dukcapil's top-10 full names in the e-KTP register (holders; women's counts beyond the first
# were not published: mine, decreasing). Sources: dukcapil.kemendagri.go.id "menelisik tren
# sosial dan budaya di balik nama terpopuler", goodstats.id, ciremainews.com (2024-2025).
TOP_M = [("Sutrisno", 144497), ("Slamet", 115354), ("Mulyadi", 111685), ("Herman", 101990),
         ("Supardi", 93202), ("Ismail", 89732), ("Supriyanto", 87929), ("Wahyudi", 85502),
         ("Junaidi", 85375), ("Suparman", 84749)]
TOP_F = [("Nurhayati", 254922), ("Sulastri", 180000), ("Sumiati", 160000),
         ("Sri Wahyuni", 150000), ("Sumarni", 140000), ("Sunarti", 130000),
         ("Siti Aminah", 120000), ("Aminah", 110000), ("Ernawati", 100000), ("Kartini", 95000)]
JAWA_MONO_M = [n for n in JAWA_M if n not in dict(TOP_M)]
JAWA_PREFIX = ["Sri", "Siti", "Tri", "Dwi", "Nur", "Eko", "Endang"]  # not alone as a name
JAWA_MONO_M = [n for n in JAWA_MONO_M if n not in JAWA_PREFIX]
JAWA_MONO_F = [n for n in JAWA_F if n not in dict(TOP_F) and n not in JAWA_PREFIX]
KTP_HOLDERS = 193_000_000  # about the wajib-KTP population
TOP_BOOST = 1.5

# --------------------------------------------------------------------------- people


@dataclass
class Person:
    pid: str
    name: str
    sex: str
    birth: date
    tradition: str
    prov: str
    reg: str
    dist: str
    birth_place: str
    address: str
    nik: str = ""
    phone: str = ""
    passport: str = ""
    household: int = 0
    given: str = ""  # first token of the name, for bin/binti
    father: Person | None = None


@dataclass
class Population:
    people: list[Person] = field(default_factory=list)
    twins: list[tuple[str, str]] = field(default_factory=list)
    father_son: list[tuple[str, str]] = field(default_factory=list)


def _pick(rng: random.Random, items: list[str]) -> str:
    return items[int(rng.random() ** 1.3 * len(items))]  # front of a list is more common


def _wpick(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


class Generator:
    """One population of households and persons; deterministic from its seed string."""

    def __init__(self, seed: int, size: int) -> None:
        self.rng = random.Random(f"blind20:{seed}:{size}")
        self.size = size
        self.serials: dict[str, int] = defaultdict(int)
        self.phones: set[str] = set()
        self.pop = Population()
        self.next_pid = 0
        self.household = 0

    # ---- identifiers
    def nik(self, prov: str, reg: str, dist: str, birth: date, sex: str) -> str:
        day = birth.day + (40 if sex == "F" else 0)
        prefix = f"{prov}{reg}{dist}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
        self.serials[prefix] += 1 + self.rng.choice([0, 0, 0, 1, 2])
        return f"{prefix}{self.serials[prefix]:04d}"

    def phone(self) -> str:
        rng = self.rng
        while True:
            pre = rng.choice(["0811", "0812", "0813", "0821", "0822", "0823", "0852", "0853",
                              "0814", "0815", "0816", "0855", "0856", "0857", "0858", "0817",
                              "0818", "0819", "0859", "0877", "0878", "0895", "0896", "0897",
                              "0898", "0899", "0881", "0882", "0831", "0838"])
            rest = "".join(str(rng.randrange(10)) for _ in range(rng.choice([7, 8, 8, 8])))
            number = pre + rest
            if number not in self.phones:
                self.phones.add(number)
                return number

    def passport(self) -> str:
        rng = self.rng
        return rng.choice("ABCCEEXX") + "".join(str(rng.randrange(10)) for _ in range(7))

    # ---- names
    def name(self, trad: str, sex: str, born: int, *, order: int, family: dict[str, str]) -> str:
        rng = self.rng
        m = sex == "M"
        young = born >= 1988
        if young and trad in ("jawa", "sunda", "melayu", "bugis") and rng.random() < 0.45:
            first = _pick(rng, MODERN_M if m else MODERN_F)
            if m and rng.random() < 0.35:
                first = "Muhammad " + first
            parts = [first, _pick(rng, MODERN_2 if m else MODERN_2F)]
            if rng.random() < 0.3:
                parts.insert(1, _pick(rng, MODERN_M if m else MODERN_F))
            if family.get("andi"):
                parts.insert(0, "Andi")
            return " ".join(dict.fromkeys(parts))
        if trad in ("jawa", "sunda", "melayu", "bugis") and not young:
            top = TOP_M if m else TOP_F
            share = sum(n for _, n in top) / KTP_HOLDERS * TOP_BOOST
            # the top names belong to these traditions (~75 % of people) and older people
            if rng.random() < share / 0.5 / 0.75 / 0.6:
                return _wpick(rng, top)
        if trad == "jawa":
            mono = 0.55 if born < 1965 else 0.35 if born < 1980 else 0.15
            if rng.random() < mono:  # Dukcapil's top names come only from TOP_M / TOP_F
                return _pick(rng, JAWA_MONO_M if m else JAWA_MONO_F)
            a, b = _pick(rng, JAWA_M if m else JAWA_F), _pick(rng, JAWA_M if m else JAWA_F)
            if rng.random() < 0.3:
                a = rng.choice(JAWA_PREFIX[:5] if not m else ["Eko", "Dwi", "Tri", "Nur", "Agus"])
                b = _pick(rng, JAWA_MONO_M if m else JAWA_MONO_F)
            if family.get("father_last") and rng.random() < 0.2:
                b = family["father_last"]
            return a if a == b else f"{a} {b}"
        if trad == "sunda":
            if rng.random() < 0.15:
                return _pick(rng, SUNDA_M if m else SUNDA_F)
            a = _pick(rng, SUNDA_M if m else SUNDA_F)
            b = _pick(rng, SUNDA_M2 if m else SUNDA_F2)
            return f"{a} {b}"
        if trad == "melayu":
            if m:
                r = rng.random()
                if r < 0.25:
                    a = rng.choice(["Muhammad", "Muhammad", "Ahmad", "Mohammad"])
                    name = f"{a} {_pick(rng, MUSLIM_M[3:])}"
                elif r < 0.4:
                    name = f"Abdul {_pick(rng, MUSLIM_M2)}"
                elif r < 0.55:
                    name = _pick(rng, MUSLIM_M[3:])
                else:
                    name = f"{_pick(rng, MUSLIM_M[3:])} {_pick(rng, MUSLIM_M[3:] + MUSLIM_M2)}"
            else:
                r = rng.random()
                if r < 0.2:
                    name = _pick(rng, MUSLIM_F)
                elif r < 0.35:
                    name = f"Siti {_pick(rng, MUSLIM_F2 + MUSLIM_F[2:])}"
                else:
                    name = f"{_pick(rng, MUSLIM_F)} {_pick(rng, MUSLIM_F2)}"
            if family.get("prov") == "11" and rng.random() < 0.05:
                name = ("Teuku " if m else "Cut ") + name
            if family.get("father_given") and rng.random() < 0.12:
                name += (" bin " if m else " binti ") + family["father_given"]
            words = name.split()
            return " ".join(w for i, w in enumerate(words) if i == 0 or w != words[i - 1])
        if trad == "bugis":
            a = _pick(rng, BUGIS_M if m else BUGIS_F)
            rest = _pick(rng, MUSLIM_M[3:] if m else MUSLIM_F2 + BUGIS_F)
            name = a if rng.random() < 0.2 else f"{a} {rest}"
            if family.get("andi"):
                name = f"Andi {name}"
            elif m and rng.random() < 0.04:
                name = f"{name} Daeng {rng.choice(['Ngalle', 'Tutu', 'Sila', 'Rurung', 'Bella'])}"
            return name
        if trad == "batak":
            marga = family["marga"]
            pool = BATAK_M if m else BATAK_F
            given = _pick(rng, pool)
            if rng.random() < 0.35:
                given = f"{given} {_pick(rng, pool)}"
            if not m and family.get("boru") and rng.random() < 0.5:
                return f"{given} Br. {marga}"
            return f"{given} {marga}"
        if trad == "bali":
            orders = BALI_ORDER_M if m else BALI_ORDER_F
            birth_order = rng.choice(orders[order % 4])
            given = _pick(rng, BALI_GIVEN_M if m else BALI_GIVEN_F)
            caste = family.get("caste", "")
            if caste == "brahmana":
                return f"{'Ida Bagus' if m else 'Ida Ayu'} {birth_order} {given}"
            if caste == "ksatria":
                return f"{'Anak Agung' if m else 'Anak Agung Ayu'} {given}"
            if caste == "gusti":
                return f"{'I Gusti' if m else 'I Gusti Ayu'} {birth_order} {given}"
            if not m and birth_order != "Luh" and rng.random() < 0.4:
                birth_order = f"Luh {birth_order}"
            return f"{'I' if m else 'Ni'} {birth_order} {given}"
        if trad == "tionghoa":
            if born < 1967 and rng.random() < 0.3:
                syl = rng.sample(TH_OLD_SYL, 2)
                return f"{family['old_sur']} {syl[0]} {syl[1]}"
            given = _pick(rng, TH_M if m else TH_F)
            if rng.random() < 0.25:
                given = f"{given} {_pick(rng, TH_M if m else TH_F)}"
            return f"{given} {family['surname']}"
        # timur
        given = _pick(rng, TIMUR_M if m else TIMUR_F)
        if rng.random() < 0.3:
            given = f"{given} {_pick(rng, TIMUR_M if m else TIMUR_F)}"
        return f"{given} {family['surname'].replace('_', ' ')}"

    # ---- households
    def household_people(self) -> list[Person]:
        rng = self.rng
        self.household += 1
        trad = _wpick(rng, TRADITIONS)
        area = rng.choice(TRADITION_PLACES[trad])
        prov, reg, city = rng.choice(PLACES[area])
        dist = f"{rng.randrange(1, 25):02d}"
        rt, rw = rng.randrange(1, 15), rng.randrange(1, 12)
        if reg >= "71":
            address = (f"Jl. {rng.choice(STREETS)} No. {rng.randrange(1, 200)}, "
                       f"RT {rt:03d}/RW {rw:03d}, Kel. {rng.choice(VILLAGES)}, {city}")
        else:
            address = (f"Dusun {rng.choice(VILLAGES)} RT {rt:03d}/RW {rw:03d}, "
                       f"Desa {rng.choice(VILLAGES)}, Kab. {city.removeprefix('Kab. ')}")
        family: dict[str, str] = {"prov": prov}
        if trad == "batak":
            family["marga"] = _pick(rng, MARGA)
            family["boru"] = "1" if rng.random() < 0.4 else ""
        elif trad == "bali":
            r = rng.random()
            family["caste"] = ("brahmana" if r < 0.06 else "ksatria" if r < 0.1 else
                               "gusti" if r < 0.16 else "")
        elif trad == "tionghoa":
            family["surname"] = _pick(rng, TH_SURNAME)
            family["old_sur"] = rng.choice(TH_OLD_SUR)
        elif trad == "timur":
            key = prov if prov in TIMUR_SUR else "9"
            family["surname"] = _pick(rng, TIMUR_SUR[key])
        elif trad == "bugis" and rng.random() < 0.12:
            family["andi"] = "1"

        def person(name: str, sex: str, birth: date) -> Person:
            self.next_pid += 1
            return Person(f"P{self.next_pid:07d}", name, sex, birth, trad, prov, reg, dist, city,
                          address, household=self.household, given=name.split()[0])

        def birthday(year: int) -> date:
            if year < 1972 and rng.random() < 0.06:  # unknown day: registered as 31 Dec / 1 Jul
                return date(year, *rng.choice([(12, 31), (7, 1), (1, 1)]))
            return date(year, 1, 1) + timedelta(days=rng.randrange(365))

        fy = rng.randrange(1942, 1986)
        members: list[Person] = []
        father = person(self.name(trad, "M", fy, order=0, family=dict(family)), "M", birthday(fy))
        # a wife from another family: Batak women keep their father's marga
        mfam = dict(family)
        if trad == "batak":
            mfam["marga"] = _pick(rng, [m for m in MARGA if m != family["marga"]])
        if trad == "tionghoa":
            mfam["surname"] = _pick(rng, TH_SURNAME)
            mfam["old_sur"] = rng.choice(TH_OLD_SUR)
        my = min(2008, max(1942, fy + int(rng.gauss(4, 3))))
        mother = person(self.name(trad, "F", my, order=rng.randrange(4), family=mfam), "F",
                        birthday(my))
        members += [father, mother]
        family["father_last"] = father.name.split()[-1]
        words = father.name.split()
        lead = words[0] in ("Abdul", "Muhammad", "Muh.", "Ahmad", "Mohammad", "Teuku", "Andi")
        family["father_given"] = " ".join(words[:2]) if lead else words[0]
        father.given = family["father_given"]
        n_children = min(6, int(rng.expovariate(1 / 2.2)))
        year = my + rng.randrange(19, 27)
        order = 0
        same_name_done = False
        while len(members) - 2 < n_children and year <= 2008:
            twins = rng.random() < 0.015
            births = 2 if twins else 1
            bday = birthday(year)
            first_nik: Person | None = None
            for k in range(births):
                sex = rng.choice("MF")
                name = self.name(trad, sex, year, order=order, family=dict(family))
                same_rate = 0.12 if trad in ("tionghoa", "timur", "batak") else 0.025
                if sex == "M" and not same_name_done and not twins and rng.random() < same_rate:
                    name = father.name
                    same_name_done = True
                child = person(name, sex, bday)
                child.father = father
                if twins:
                    child.birth_place = city
                    if k == 1 and first_nik is not None:
                        self.pop.twins.append((first_nik.pid, child.pid))
                    first_nik = child
                members.append(child)
                order += 1
            year += rng.randrange(1, 6)
        for p in members:
            # place of first registration: mostly the household's; some registered elsewhere
            if rng.random() < 0.12:
                oprov, oreg, ocity = rng.choice(PLACES[rng.choice(list(PLACES))])
                p.prov, p.reg, p.dist = oprov, oreg, f"{rng.randrange(1, 25):02d}"
                p.birth_place = ocity
            p.nik = self.nik(p.prov, p.reg, p.dist, p.birth, p.sex)
            p.phone = self.phone() if rng.random() < 0.72 else ""
            p.passport = self.passport() if rng.random() < 0.35 else ""
        for p in members[2:]:  # a child may give a parent's phone
            if rng.random() < 0.15 and father.phone:
                p.phone = father.phone
            if p.name == father.name and p.father is father:
                self.pop.father_son.append((father.pid, p.pid))
        # the registry holds only some members of a household
        return [p for p in members if rng.random() < 0.72]


# --------------------------------------------------------------------------- errors
SPELLING = [
    ("Muhammad", "Muhamad"), ("Muhammad", "Mohammad"), ("Muhammad", "Mochammad"),
    ("Muhammad", "Moh."), ("Muhammad", "M."), ("Muhammad", "Muhammat"), ("Mohammad", "Muhammad"),
    ("Muh.", "Muhammad"), ("Muh.", "Muhamad"), ("Ahmad", "Achmad"), ("Ahmad", "Akhmad"),
    ("Abdul Rahman", "Abdurrahman"), ("Abdul ", "Abd. "), ("Abdul ", "Abdul"),
    ("Yusuf", "Yusup"), ("Yusuf", "Jusuf"), ("Syaiful", "Saiful"), ("Sy", "Sj"), ("Sy", "Sh"),
    ("Zainal", "Zaenal"), ("Nur", "Noor"), ("Siti", "Sitti"), ("Sitti", "Siti"),
    ("Sitti", "St."), ("Husin", "Husein"), ("Hasan", "Hassan"), ("Fitri", "Pitri"),
    ("Taufik", "Taupik"), ("Rizki", "Rizky"), ("Rizky", "Rizqi"), ("Rizki", "Risky"),
    ("Yohanes", "Johannes"), ("Yohanis", "Yohanes"), ("Fransiskus", "Fransiscus"),
    ("Yosef", "Yoseph"), ("Putri", "Putry"), ("Dewi", "Dewy"), ("Su", "Soe"), ("dj", "j"),
    ("j", "dj"), ("y", "j"), ("c", "tj"), ("kh", "ch"), ("Kh", "H"), ("f", "p"), ("ph", "f"),
    ("nn", "n"), ("mm", "m"), ("ll", "l"), ("dh", "d"), ("i ", "y "), ("iy", "i"),
    ("Wahyu", "Wahju"), ("Yanti", "Yanthi"), ("Hidayat", "Hidajat"), ("Stefanus", "Stevanus"),
    ("Br. ", "Boru "), ("Br. ", ""), ("Ni Luh", "Ni Luh."), ("Ida Bagus", "I.B."),
    ("Anak Agung", "A.A."), ("Ida Ayu", "I.A."), ("I Gusti", "I Gst."), ("Kadek", "Made"),
    ("Putu", "Wayan"), ("Komang", "Nyoman"), ("Nurhayati", "Nurhayaty"),
    ("Sri Wahyuni", "Sriwahyuni"), ("Nur ", "Nur"), ("Nurul", "Nurul "), ("Daeng", "Dg."),
]
KEYBOARD = {row[i]: row[i + 1] if i + 1 < len(row) else row[i - 1]
            for row in ("qwertyuiop", "asdfghjkl", "zxcvbnm") for i in range(len(row))}
OCR = [("rn", "m"), ("m", "rn"), ("l", "1"), ("I", "l"), ("O", "0"), ("o", "0"), ("e", "c"),
       ("S", "5"), ("B", "8"), ("cl", "d"), ("h", "li"), ("i", "l"), ("n", "ri"), ("u", "ii")]
NIK_OCR = {"1": "7", "7": "1", "3": "8", "8": "3", "6": "8", "0": "8", "5": "6", "9": "8"}
TITLES_M = ["H.", "Drs.", "Ir.", "dr.", "Bpk.", "KH.", "R."]
TITLES_F = ["Hj.", "Dra.", "dr.", "Ibu", "Ny.", "R.A."]
SUFFIXES = ["S.Pd.", "S.E.", "S.H.", "S.Kom.", "A.Md.", "M.M.", "S.T.", "S.Sos.", "S.Ag."]


def _edit(rng: random.Random, text: str) -> str:
    """One keyboard typo in a name: substitution, deletion, insertion or transposition."""
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 4:
        return text
    i = rng.choice(letters[1:])
    op = rng.random()
    c = text[i]
    if op < 0.35:
        sub = KEYBOARD.get(c.lower(), c)
        return text[:i] + (sub.upper() if c.isupper() else sub) + text[i + 1:]
    if op < 0.6:
        return text[:i] + text[i + 1:]
    if op < 0.8:
        return text[:i] + c + text[i:]
    if i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + c + text[i + 2:]
    return text[:i] + text[i + 1:]


def _replace_one(rng: random.Random, text: str, pairs: list[tuple[str, str]]) -> str:
    options = [(a, b) for a, b in pairs if a in text]
    if not options:
        return text
    a, b = rng.choice(options)
    starts = [i for i in range(len(text)) if text.startswith(a, i)]
    i = rng.choice(starts)
    return text[:i] + b + text[i + len(a):]


def render_name(rng: random.Random, name: str) -> str:
    """How a source writes a name: KTP-style capitals, title case, sometimes lower case."""
    r = rng.random()
    if r < 0.5:
        return name.upper()
    if r < 0.95:
        return name
    return name.lower()


def corrupt_name(rng: random.Random, p: Person) -> str:
    name = p.name
    if rng.random() < 0.28:
        name = _replace_one(rng, name, SPELLING)
    if rng.random() < 0.2:
        name = _edit(rng, name)
    if rng.random() < 0.05:
        name = _replace_one(rng, name, OCR)
    tokens = name.split()
    if len(tokens) >= 2 and rng.random() < 0.12:  # initials or a dropped part
        j = rng.randrange(len(tokens))
        if len(tokens) >= 3 and rng.random() < 0.4:
            del tokens[j]
        elif tokens[j][0].isalpha():
            tokens[j] = tokens[j][0] + "."
        name = " ".join(tokens)
    if len(tokens) >= 2 and rng.random() < 0.06:  # order swapped
        tokens = name.split()
        name = (f"{tokens[-1]}, {' '.join(tokens[:-1])}" if rng.random() < 0.4
                else " ".join([tokens[-1], *tokens[:-1]]))
    if rng.random() < 0.1:
        if rng.random() < 0.6:
            name = f"{rng.choice(TITLES_M if p.sex == 'M' else TITLES_F)} {name}"
        else:
            name = f"{name}, {rng.choice(SUFFIXES)}"
    if rng.random() < 0.03 and p.father is not None and p.tradition in ("melayu", "bugis", "jawa"):
        name += (" bin " if p.sex == "M" else " binti ") + p.father.given
    if rng.random() < 0.04:  # joined or split parts
        name = name.replace(" ", "", 1) if " " in name and rng.random() < 0.5 else \
            _replace_one(rng, name, [("Nur", "Nur "), ("Sri", "Sri "), ("wati", " Wati"),
                                     ("Abdul", "Abdul "), ("yanto", " Yanto")])
    return render_name(rng, " ".join(name.split()))


def corrupt_date(rng: random.Random, d: date) -> date:
    r = rng.random()
    try:
        if r < 0.25 and d.day <= 12 and d.day != d.month:
            return date(d.year, d.day, d.month)
        if r < 0.45:
            return d + timedelta(days=rng.choice([-1, 1]))
        if r < 0.6:
            return date(d.year + rng.choice([-1, 1]), d.month, d.day)
        if r < 0.72:
            y = str(d.year)
            return date(int(y[:2] + y[3] + y[2]), d.month, d.day)
        if r < 0.85:
            return date(d.year, *rng.choice([(1, 1), (12, 31), (7, 1)]))
        return date(d.year, d.month, min(28, (d.day % 10) * 10 + d.day // 10 or 1))
    except ValueError:
        return d + timedelta(days=1)


def phone_format(rng: random.Random, phone: str) -> str:
    r = rng.random()
    if r < 0.4:
        return phone
    if r < 0.6:
        return "+62" + phone[1:]
    if r < 0.75:
        return "62" + phone[1:]
    if r < 0.9:
        return f"{phone[:4]}-{phone[4:8]}-{phone[8:]}"
    return f"(+62) {phone[1:4]} {phone[4:]}"


def address_format(rng: random.Random, address: str) -> str:
    out = address
    if rng.random() < 0.5:
        out = out.replace("Jl. ", "Jalan ").replace("Kel. ", "Kelurahan ")
    if rng.random() < 0.5:
        out = out.replace("RT 0", "RT.").replace("/RW 0", " RW.")
    if rng.random() < 0.3:
        out = out.split(",")[0]
    return out.upper() if rng.random() < 0.4 else out


SOURCES = ["siak", "paspor", "tpi", "p2mi", "kasus", "bansos"]


def base_record(rng: random.Random, p: Person, source: str) -> dict[str, str]:
    sex = p.sex if source != "siak" else ("L" if p.sex == "M" else "P")
    return {
        "full_name": render_name(rng, p.name), "birth_date": p.birth.isoformat(), "sex": sex,
        "birth_place": p.birth_place.upper() if rng.random() < 0.4 else p.birth_place,
        "address": p.address if rng.random() < 0.85 else "",
        "nik": p.nik if source != "tpi" or rng.random() < 0.5 else "",
        "passport_no": p.passport if source in ("paspor", "tpi") else "",
        "phone": p.phone if rng.random() < 0.9 else "", "source": source,
    }


def duplicate_record(gen: Generator, p: Person, kinds: Counter[str]) -> dict[str, str]:
    """Another registry's record of the same person, with that registry's errors."""
    rng = gen.rng
    source = rng.choice(SOURCES)
    rec = base_record(rng, p, source)
    rec["full_name"] = corrupt_name(rng, p)
    if rec["full_name"].casefold() != p.name.casefold():
        kinds["name changed"] += 1
    birth = p.birth
    if rng.random() < 0.12:
        birth = corrupt_date(rng, birth)
        kinds["birth date error"] += 1
    rec["birth_date"] = birth.isoformat()
    if rng.random() < 0.08:
        rec["birth_date"] = ""
        kinds["birth date missing"] += 1
    if rng.random() < 0.04:
        rec["sex"] = ""
    elif rng.random() < 0.01:
        rec["sex"] = "F" if p.sex == "M" else "M"
        kinds["sex flipped"] += 1
    r = rng.random()
    if r < 0.18:
        rec["nik"] = ""
        kinds["nik missing"] += 1
    elif r < 0.22 and p.nik:
        i = rng.randrange(6, 16)
        digit = NIK_OCR.get(p.nik[i], str((int(p.nik[i]) + 1) % 10))
        rec["nik"] = p.nik[:i] + digit + p.nik[i + 1:]
        kinds["nik one digit"] += 1
    elif r < 0.24 and p.nik:
        i = rng.randrange(0, 15)
        rec["nik"] = p.nik[:i] + p.nik[i + 1] + p.nik[i] + p.nik[i + 2:]
        kinds["nik transposed"] += 1
    elif r < 0.25:
        rec["nik"] = p.nik[:6] + "".join(str(rng.randrange(10)) for _ in range(10))
        kinds["family-card number as nik"] += 1
    elif r < 0.30:
        # a second identity: another NIK from another place with a shifted birth date
        oprov, oreg, ocity = rng.choice(PLACES[rng.choice(list(PLACES))])
        birth = p.birth + timedelta(days=rng.choice([0, 0, rng.randrange(-800, 800)]))
        rec["nik"] = gen.nik(oprov, oreg, f"{rng.randrange(1, 25):02d}", birth, p.sex)
        rec["birth_date"] = birth.isoformat()
        rec["birth_place"] = ocity if rng.random() < 0.5 else ""
        rec["address"] = ""
        rec["phone"] = gen.phone()
        kinds["second identity (other nik)"] += 1
        return rec
    if rec["phone"]:
        x = rng.random()
        if x < 0.25:
            rec["phone"] = ""
        elif x < 0.55:
            rec["phone"] = gen.phone()
            kinds["new phone"] += 1
        else:
            rec["phone"] = phone_format(rng, rec["phone"])
    if rec["passport_no"] and rng.random() < 0.4:
        rec["passport_no"] = gen.passport()
        kinds["new passport"] += 1
    x = rng.random()
    if x < 0.2:
        rec["address"] = (f"Jl. {rng.choice(STREETS)} No. {rng.randrange(1, 200)}, "
                          f"{rng.choice(PLACES['kota'])[2]}")
        kinds["moved"] += 1
    elif x < 0.35:
        rec["address"] = ""
    elif rec["address"]:
        rec["address"] = address_format(rng, rec["address"])
    x = rng.random()
    if x < 0.1:
        rec["birth_place"] = ""
    elif x < 0.25:
        rec["birth_place"] = _replace_one(rng, rec["birth_place"], [
            ("Kab. ", ""), ("Jakarta", "DKI Jakarta"), ("Yogyakarta", "Jogja"),
            ("Makassar", "Ujung Pandang"), ("Surabaya", "Sby"), ("Pematangsiantar", "P. Siantar"),
            ("Bandung", "Bdg"), ("Denpasar", "Badung"), ("Medan", "Deli Serdang")])
    return rec


@dataclass
class Dataset:
    records: list[dict[str, str]]
    labels: dict[str, str]  # record_id -> person_id
    people: dict[str, Person]
    twins: list[tuple[str, str]]
    father_son: list[tuple[str, str]]
    error_kinds: Counter[str]


def generate(size: int, seed: int) -> Dataset:
    """``size`` records: every included person once, about 15 % of them more than once."""
    gen = Generator(seed, size)
    rng = gen.rng
    rows: list[tuple[str, dict[str, str]]] = []
    people: dict[str, Person] = {}
    kinds: Counter[str] = Counter()
    while len(rows) < size:
        for p in gen.household_people():
            if len(rows) >= size:
                break
            people[p.pid] = p
            rows.append((p.pid, base_record(rng, p, rng.choice(SOURCES))))
            extra = 0
            if rng.random() < 0.15:
                extra = rng.choices([1, 2, 3], weights=[80, 15, 5])[0]
            for _ in range(extra):
                if len(rows) >= size:
                    break
                rows.append((p.pid, duplicate_record(gen, p, kinds)))
    rng.shuffle(rows)
    ids = rng.sample(range(10_000_000, 99_999_999), len(rows))
    records, labels = [], {}
    for (pid, rec), rid in zip(rows, ids, strict=True):
        record_id = f"R{rid}"
        records.append({"record_id": record_id, **rec})
        labels[record_id] = pid
    keep = set(people)
    twins = [t for t in gen.pop.twins if t[0] in keep and t[1] in keep]
    fs = [t for t in gen.pop.father_son if t[0] in keep and t[1] in keep]
    return Dataset(records, labels, people, twins, fs, kinds)


def write_dataset(ds: Dataset, folder: Path) -> Path:
    """The input CSV (no labels) and, beside it, ``labels.csv`` (record_id, person_id)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "records.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=HEADER)
        w.writeheader()
        w.writerows(ds.records)
    with (folder / "labels.csv").open("w", newline="", encoding="utf-8") as fh:
        lw = csv.writer(fh)
        lw.writerow(["record_id", "person_id"])
        lw.writerows(sorted(ds.labels.items()))
    return path


# --------------------------------------------------------------------------- evaluation


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def evaluate(ds: Dataset, clusters: dict[str, str]) -> dict[str, object]:
    """Pairwise precision / recall / F1 of the clusters and the hard negatives they merged."""
    by_person = Counter(ds.labels.values())
    by_cluster = Counter(clusters[r] for r in ds.labels)
    both = Counter((clusters[r], p) for r, p in ds.labels.items())
    true_pairs = sum(_pairs(n) for n in by_person.values())
    predicted = sum(_pairs(n) for n in by_cluster.values())
    tp = sum(_pairs(n) for n in both.values())
    precision = tp / predicted if predicted else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    members: dict[str, list[str]] = defaultdict(list)
    for (cluster, person) in sorted(both):
        members[cluster].append(person)
    merged: set[tuple[str, str]] = set()
    for persons in members.values():
        if len(persons) > 1:
            merged.update(itertools.combinations(sorted(persons), 2))
    family = {tuple(sorted(t)) for t in ds.twins + ds.father_son}
    hard: dict[str, tuple[int, int]] = {}
    for kind, pairs in (("twins", ds.twins), ("father/son same name", ds.father_son)):
        keys = {tuple(sorted(t)) for t in pairs}
        hard[kind] = (len(keys), len(keys & merged))
    by_name: dict[str, list[str]] = defaultdict(list)
    for pid, p in ds.people.items():
        by_name[p.name.casefold()].append(pid)
    same_total = sum(_pairs(len(v)) for v in by_name.values())
    same_total -= sum(1 for a, b in ds.father_son
                      if ds.people[a].name.casefold() == ds.people[b].name.casefold())
    same_merged = sum(1 for a, b in merged if (a, b) not in family
                      and ds.people[a].name.casefold() == ds.people[b].name.casefold())
    hard["same name, different person"] = (same_total, same_merged)
    return {"true_pairs": true_pairs, "predicted_pairs": predicted, "tp": tp,
            "precision": precision, "recall": recall, "f1": f1,
            "largest": max(by_cluster.values()), "hard": hard,
            "false_merged_person_pairs": len(merged)}


def run_dedupe(inp: Path, out: Path) -> tuple[float, float, int]:
    """The user's command at its defaults: (wall seconds, peak RSS in MB, exit code)."""
    exe = Path(sys.executable).with_name("waspada")
    err = out.with_suffix(".stderr.txt")
    start = time.perf_counter()
    with err.open("w") as fh:
        proc = subprocess.Popen([str(exe), "identity", "dedupe", str(inp), "--output", str(out)],
                                stdout=fh, stderr=fh)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    return wall, usage.ru_maxrss / 1024, proc.returncode


def read_clusters(path: Path) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8") as fh:
        return {row["record_id"]: row["cluster_id"] for row in csv.DictReader(fh)}


def describe(ds: Dataset) -> None:
    people = ds.people.values()
    names = Counter(p.name for p in people)
    trad = Counter(p.tradition for p in people)
    words = Counter(len(p.name.split()) for p in people)
    print(f"  people {len(ds.people):,}; traditions "
          + ", ".join(f"{k} {v / len(ds.people):.0%}" for k, v in trad.most_common()))
    print("  name words " + ", ".join(f"{k}: {v / len(ds.people):.0%}" for k, v in
                                       sorted(words.items())))
    print("  most common names " + ", ".join(f"{n} {c}" for n, c in names.most_common(8)))
    print(f"  twin pairs {len(ds.twins)}, father/son same name {len(ds.father_son)}")
    print("  duplicate errors " + ", ".join(f"{k} {v}" for k, v in ds.error_kinds.most_common()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--sizes", default="20000", help="comma-separated record counts")
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--out-dir", type=Path, default=None,
                    help="where to write records.csv, labels.csv and clusters.csv (default: temp)")
    ap.add_argument("--show", type=int, default=0,
                    help="print N sampled records of people with duplicates and skip the dedupe")
    args = ap.parse_args(argv)
    base = args.out_dir or Path(tempfile.mkdtemp(prefix="waspada-blind-"))
    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        t0 = time.perf_counter()
        ds = generate(size, args.seed)
        folder = base / f"seed{args.seed}-{size}"
        inp = write_dataset(ds, folder)
        print(f"blind generator seed {args.seed}, {size:,} records "
              f"(generated in {time.perf_counter() - t0:.1f} s, {folder})")
        describe(ds)
        if args.show:
            dup_people = [p for p, n in Counter(ds.labels.values()).items() if n > 1]
            chosen = set(random.Random(args.seed).sample(sorted(dup_people), args.show))
            for rec in sorted(ds.records, key=lambda r: ds.labels[r["record_id"]]):
                if ds.labels[rec["record_id"]] in chosen:
                    print("  " + ds.labels[rec["record_id"]] + " | " + " | ".join(
                        rec[k] for k in HEADER[1:]))
            continue
        out = folder / "clusters.csv"
        wall, rss, code = run_dedupe(inp, out)
        if code != 0:
            print(f"  dedupe failed with exit code {code}; see {out.with_suffix('.stderr.txt')}")
            return 1
        m = evaluate(ds, read_clusters(out))
        print(f"  records {len(ds.records):,}, true pairs {m['true_pairs']:,}, "
              f"predicted pairs {m['predicted_pairs']:,}")
        print(f"  at the defaults: precision {m['precision']:.4f}, recall {m['recall']:.4f}, "
              f"F1 {m['f1']:.4f}; largest cluster {m['largest']}")
        hard = m["hard"]
        assert isinstance(hard, dict)
        for kind, (total, merged) in hard.items():
            share = f"{merged / total:.2%}" if total else "-"
            print(f"  hard negatives, {kind}: {merged:,} of {total:,} person pairs merged "
                  f"({share})")
        print(f"  dedupe wall time {wall:.1f} s, peak RSS {rss:,.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
