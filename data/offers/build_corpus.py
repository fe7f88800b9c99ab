# ruff: noqa: E501 - template text reads better unwrapped
"""Build data/offers/corpus.csv from templates (this file) and hand-written items
(handwritten.yaml). Deterministic (fixed seed). Run: python data/offers/build_corpus.py

Leakage control: TRAIN and TEST use DIFFERENT template functions (and partly different
slot pools); hand-written items carry their own split. Label 1 = risky recruitment offer
(scam-compound / trafficking pattern), 0 = anything else (legitimate jobs, legal P3MI
placements, holiday packages, news and warnings, chat, promos).
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from pathlib import Path

import yaml

HERE = Path(__file__).parent
SEED = 20261127
R = random.Random(SEED)


def pick(xs: list[str]) -> str:
    return R.choice(xs)


def maybe(s: str, p: float = 0.5) -> str:
    return s if R.random() < p else ""


# ---------------------------------------------------------------- obfuscation --------
def leet(s: str) -> str:
    return s.translate(str.maketrans({"a": "4", "i": "1", "e": "3", "o": "0"}))


def spaced(s: str) -> str:
    return pick([" ", ".", "-"]).join(s)


def elong(s: str) -> str:
    return s + s[-1] * R.randint(2, 5)


def obfuscate_word(w: str) -> str:
    return pick([w, w, leet(w), spaced(w), elong(w), w.upper()])


# ---------------------------------------------------------------- slot pools --------
DEST_TRAIN = ["Kamboja", "Phnom Penh", "Sihanoukville", "Bavet Kamboja", "Poipet", "Cambodia",
              "Myawaddy", "Myanmar", "KK Park", "Laos", "Golden Triangle", "negara tetangga",
              "luar negeri", "Asia"]
DEST_TEST = ["Kamboja", "PP Kamboja", "Kampong Som", "Shwe Kokko", "Myanmar perbatasan Thailand",
             "Laos (Segitiga Emas)", "Cambodia", "luar negri", "Asia Tenggara", "Sihanouk"]
JOB_TRAIN = ["Customer Service", "CS online", "Admin", "Operator", "Marketing online",
             "Data Entry", "Typing", "Telemarketing", "Admin sosmed", "CS game"]
JOB_TEST = ["customer service", "admin chat", "operator komputer", "marketing", "data entry",
            "tim CS judi online", "telemarketing", "staff typing", "scammer", "CS casino"]
PAY_TRAIN = ["10-15jt/bln", "Rp 12.000.000", "$1000/bulan", "800 USD", "15 juta", "1200$",
             "12jt + bonus", "USD 900 - 1500", "8-12 juta per bulan", "20jt"]
PAY_TEST = ["10 s/d 15 juta", "1.000 USD", "Rp 15.000.000/bln", "$800-$1200", "13jt",
            "gaji 2 digit", "RM 4000", "25jt/bln", "$50 per hari", "9 juta lebih"]
PERK_TRAIN = ["tiket & visa ditanggung", "free tiket pesawat", "semua biaya ditanggung perusahaan",
              "mess + makan gratis", "paspor dibantu, tiket gratis", "tanpa biaya apapun"]
PERK_TEST = ["tiket PP dibayar bos", "gratis tiket + visa", "biaya keberangkatan ditanggung PT",
             "akomodasi & tiket free", "berangkat gratis", "tinggal di mess kantor, makan 3x"]
REQ_TRAIN = ["tanpa pengalaman", "tidak perlu pengalaman", "lulusan SMP bisa",
             "usia 18-35 th", "bisa bahasa inggris dasar", "bisa mengetik", "syarat mudah"]
REQ_TEST = ["no experience", "gak perlu skill", "minimal SD bisa", "umur 20-30",
            "paham sedikit mandarin", "yang penting bisa main hp", "pemula boleh"]
FAST_TRAIN = ["proses cepat", "langsung berangkat", "berangkat minggu depan", "siap terbang",
              "urgent", "slot terbatas"]
FAST_TEST = ["2-3 hari berangkat", "bisa langsung terbang", "buruan kuota terbatas",
             "berangkat bulan ini", "tanpa tes"]
VISA_TRAIN = ["pakai visa turis", "cukup paspor saja", "visa on arrival", "visa kunjungan"]
VISA_TEST = ["bebas visa", "VOA", "visa wisata dulu nanti diurus", "modal paspor aja"]
SECRET_TRAIN = ["nanti di bandara bilang liburan ya", "jangan bilang mau kerja ke petugas",
                "kalau ditanya imigrasi jawab wisata"]
SECRET_TEST = ["ngaku jalan2 aja kalau ditanya", "jangan kasih tau keluarga dulu",
               "pura pura liburan aja"]
CONTROL_TRAIN = ["paspor disimpan perusahaan selama kontrak",
                 "kontrak 1 tahun, keluar sebelum kontrak denda 30 juta",
                 "tiket dipotong dari gaji", "tinggal di dalam kompleks kantor"]
CONTROL_TEST = ["paspor dipegang agen biar aman", "resign sebelum 6 bulan wajib bayar ganti rugi",
                "utang tiket dipotong gaji", "tidak boleh keluar kompleks"]
ROUTE = ["via Bangkok", "transit di Malaysia", "lewat Kuala Lumpur", "via Manila",
         "jalur darat dari Bangkok", "transit Ho Chi Minh"]


def phone() -> str:
    p = "08" + str(R.choice([12, 13, 21, 22, 52, 53, 57, 58, 77, 78, 95, 96])) + "".join(
        str(R.randint(0, 9)) for _ in range(R.choice([7, 8])))
    style = R.randint(0, 3)
    if style == 0:
        return p
    if style == 1:
        return f"{p[:4]}-{p[4:8]}-{p[8:]}"
    if style == 2:
        return "+62 " + p[1:4] + " " + p[4:8] + " " + p[8:]
    return f"wa.me/62{p[1:]}"


def handle() -> str:
    return "@" + pick(["hrd", "admin", "cs", "loker", "rekrut", "info"]) + "_" + pick(
        ["kerja", "job", "asia", "ln", "pt", "vip"]) + str(R.randint(1, 999))


def contact_train() -> str:
    return pick([f"Hub WA {phone()}", f"minat japri {phone()}", f"Info lanjut DM telegram {handle()}",
                 f"chat admin {phone()}", f"inbox aja kak / WA {phone()}"])


def contact_test() -> str:
    return pick([f"WhatsApp: {phone()}", f"Tele: {handle()}", f"klik link wa {phone()}",
                 f"kontak saya {phone()}", f"t.me/{handle()[1:]}"])


EMOJI = ["🔥", "💰", "✈️", "✅", "📢", "💵", "🇰🇭", "👉", "⚡", "🤑"]


def emo() -> str:
    return "".join(R.choice(EMOJI) for _ in range(R.randint(0, 3)))


# ---------------------------------------------------------------- risky: TRAIN --------
def r_formal() -> str:
    lines = [f"LOWONGAN KERJA {pick(DEST_TRAIN).upper()}", f"Posisi: {pick(JOB_TRAIN)}",
             f"Gaji: {pick(PAY_TRAIN)}", "Syarat:"]
    lines += [f"- {x}" for x in R.sample(REQ_TRAIN, R.randint(1, 3))]
    lines += ["Fasilitas:", f"- {pick(PERK_TRAIN)}", maybe(f"- {pick(FAST_TRAIN)}"),
              maybe(f"- {pick(VISA_TRAIN)}", 0.3), contact_train()]
    return "\n".join(x for x in lines if x)


def r_alay() -> str:
    d = obfuscate_word(pick(["kamboja", "kamboja", "myanmar", "laos", "cambodia"]))
    return (f"{pick(['kak', 'bro', 'sis', 'gan'])} mau kerja di {d} gk? {pick(JOB_TRAIN).lower()} "
            f"{obfuscate_word('gaji')} {pick(PAY_TRAIN)} {pick(PERK_TRAIN)}, {pick(REQ_TRAIN)}, "
            f"{pick(FAST_TRAIN)} {maybe(pick(ROUTE), 0.4)} {contact_train()} {emo()}")


def r_fbpost() -> str:
    return (f"{emo()} DIBUTUHKAN SEGERA {emo()}\n{pick(JOB_TRAIN)} penempatan {pick(DEST_TRAIN)}\n"
            f"💰 {pick(PAY_TRAIN)}\n✈️ {pick(PERK_TRAIN)}\n✅ {pick(REQ_TRAIN)}\n"
            f"✅ {pick(REQ_TRAIN)}\n{maybe(pick(VISA_TRAIN) + chr(10), 0.4)}"
            f"{maybe(pick(CONTROL_TRAIN) + chr(10), 0.2)}{contact_train()}")


def r_english() -> str:
    dest = pick(["Cambodia", "Phnom Penh", "Sihanoukville", "Myanmar", "Laos", "Asia",
                 "Golden Triangle"])
    return (f"{pick(['URGENT HIRING', 'We are hiring', 'Job vacancy'])}: {pick(JOB_TRAIN)} in {dest}. "
            f"Salary {pick(['$1000', 'USD 1200', '$800-1500', '1500 USD'])} per month. "
            f"{pick(['No experience needed', 'Basic English', 'Typing skills only'])}. "
            f"{pick(['Free flight and visa', 'Ticket and visa paid by company', 'Free accommodation'])}. "
            f"{pick(['Fast process', 'Depart next week', 'Limited slots'])}. "
            f"{pick(['Contact me on telegram', 'DM me', 'WhatsApp me'])} {handle()}")


def r_coaching() -> str:
    return (f"Oke {pick(['kak', 'dek', 'bro'])}, tiket sudah saya pesan {pick(ROUTE)}. "
            f"{pick(SECRET_TRAIN)}. Sampai sana dijemput orang kantor, {pick(CONTROL_TRAIN)}. "
            f"Kerjanya {pick(JOB_TRAIN).lower()} aja, gaji {pick(PAY_TRAIN)}. "
            f"Kirim foto paspor & KTP ke WA ini ya.")


def r_fee() -> str:
    return (f"Peluang kerja {pick(DEST_TRAIN)} sebagai {pick(JOB_TRAIN)}. Gaji {pick(PAY_TRAIN)}. "
            f"Ada biaya pendaftaran {pick(['500rb', '1,5jt', 'Rp 2.000.000', '750rb'])} untuk proses "
            f"visa, {pick(FAST_TRAIN)}. {pick(VISA_TRAIN)}. {contact_train()}")


# ---------------------------------------------------------------- risky: TEST --------
def s_mixed() -> str:
    return (f"Open recruitment {pick(JOB_TEST)} for {pick(DEST_TEST)} 🌏 salary {pick(PAY_TEST)}, "
            f"{pick(PERK_TEST)}, {pick(REQ_TEST)}, {pick(FAST_TEST)}. Serious only → {contact_test()}")


def s_channel() -> str:
    return (f"📢 INFO LOKER LN 📢\nNegara: {pick(DEST_TEST)}\nJob: {pick(JOB_TEST)}\n"
            f"Salary: {pick(PAY_TEST)}\nKeterangan: {pick(PERK_TEST)}; {pick(REQ_TEST)}; "
            f"{pick(REQ_TEST)}; {pick(VISA_TEST)}\n{maybe(pick(ROUTE), 0.5)}\n{contact_test()}")


def s_story() -> str:
    return (f"Bro aku ada kenalan bos di {pick(DEST_TEST)}, butuh orang buat {pick(JOB_TEST)}. "
            f"Kerjanya cuma depan laptop, gajinya {pick(PAY_TEST)}. {pick(PERK_TEST)}. "
            f"{pick(SECRET_TEST)}. {pick(FAST_TEST)}, minat? {contact_test()}")


def s_open_scam() -> str:
    return (f"Dicari {pick(['tim', 'anggota', 'orang'])} {pick(['scammer', 'CS judi online', 'operator game slot', 'marketing crypto'])} "
            f"{obfuscate_word('kamboja')} {pick(PAY_TEST)}, {pick(REQ_TEST)}, {pick(CONTROL_TEST)}. "
            f"{contact_test()}")


def s_recruiter_dm() -> str:
    return (f"Halo, saya HR dari perusahaan {pick(['China', 'besar', 'trading'])} di {pick(DEST_TEST)}. "
            f"Kami cari {pick(JOB_TEST)} {pick(REQ_TEST)}. {pick(PERK_TEST)}. "
            f"Tolong kirim foto paspor dan KTP ke sini ya. {pick(VISA_TEST)}. {pick(CONTROL_TEST)}.")


# ---------------------------------------------------------------- negatives: TRAIN --------
COMP = ["PT Bank Mandiri (Persero) Tbk", "PT Indomarco Prismatama", "PT Astra Honda Motor",
        "PT Unilever Indonesia Tbk", "PT Telkom Indonesia", "PT Sumber Alfaria Trijaya",
        "PT Kalbe Farma", "CV Maju Bersama", "PT Gudang Garam", "PT Sido Muncul"]
CITY = ["Jakarta", "Surabaya", "Bandung", "Semarang", "Medan", "Makassar", "Bekasi", "Tangerang",
        "Yogyakarta", "Malang", "Batam", "Denpasar"]
LEGIT_JOB = ["Customer Service", "Teller", "Admin Gudang", "Staff Marketing", "Operator Produksi",
             "Kasir", "Sales Executive", "Data Entry Officer", "Admin Keuangan", "Driver"]


def n_domestic() -> str:
    return (f"{pick(COMP)} membuka lowongan {pick(LEGIT_JOB)} penempatan {pick(CITY)}.\n"
            f"Kualifikasi: pendidikan min. {pick(['SMA/SMK', 'D3', 'S1'])}, "
            f"{pick(['pengalaman min 1 tahun', 'fresh graduate dipersilakan', 'berpengalaman di bidangnya'])}, "
            f"usia maks {R.randint(25, 35)} tahun.\nGaji {pick(['sesuai UMR', 'Rp 4.500.000', 'kompetitif', 'UMK + tunjangan'])}, BPJS.\n"
            f"Lamaran dikirim ke {pick(['rekrutmen', 'hrd', 'karir'])}@{pick(['perusahaan', 'karir', 'corp'])}.co.id. "
            f"Tidak dipungut biaya apapun.")


def n_government() -> str:
    return (f"Pengumuman seleksi {pick(['CPNS', 'PPPK', 'Rekrutmen Bersama BUMN', 'Bintara Polri'])} "
            f"tahun {R.randint(2024, 2026)}. Pendaftaran melalui {pick(['sscasn.bkn.go.id', 'rekrutmenbersama.fhcibumn.id', 'penerimaan.polri.go.id'])}. "
            f"Seluruh tahapan seleksi tidak dipungut biaya. Waspadai pihak yang menjanjikan kelulusan.")


def n_p3mi() -> str:
    country = pick(["Jepang", "Taiwan", "Korea Selatan", "Hong Kong"])
    return (f"{pick(['PT Karya Mandiri Sejahtera', 'PT Duta Tenaga Kerja', 'PT Putra Jaya Abadi'])} (P3MI berizin) "
            f"membuka penempatan {pick(['caregiver', 'pekerja pabrik', 'perawat lansia', 'pekerja konstruksi'])} ke {country}. "
            f"Pendaftaran melalui SISKOP2MI dan Disnaker setempat. Pelatihan bahasa {R.randint(3, 6)} bulan di LPK, "
            f"visa kerja diurus sesuai peraturan, biaya penempatan sesuai ketentuan KP2MI. "
            f"Gaji {pick(['setara 20 juta', '25jt per bulan', 'NTD 27.470', 'sesuai perjanjian kerja'])}.")


def n_tourism() -> str:
    return (f"Paket wisata {pick(['Phnom Penh - Siem Reap', 'Bangkok - Pattaya', 'Hanoi - Halong', 'Siem Reap Angkor Wat', 'Kuala Lumpur - Genting'])} "
            f"{R.randint(3, 6)}D{R.randint(2, 5)}N mulai Rp {R.randint(4, 12)}.{R.randint(0, 9)}00.000/pax. "
            f"Termasuk tiket pesawat PP, hotel bintang 3, tour guide, tiket masuk. "
            f"{pick(['Visa on arrival', 'Bebas visa untuk WNI', 'Paspor min 6 bulan'])}. "
            f"Info & booking hubungi {phone()}")


def n_news() -> str:
    return (f"{pick(['JAKARTA', 'SURABAYA', 'MEDAN'])} - {pick(['Polda', 'Bareskrim Polri', 'Polres'])} menangkap "
            f"{R.randint(2, 5)} tersangka TPPO yang merekrut korban untuk bekerja sebagai "
            f"{pick(LEGIT_JOB + JOB_TRAIN).lower()} di {pick(DEST_TRAIN)}. Korban dijanjikan gaji "
            f"{pick(PAY_TRAIN)} dan tiket gratis, namun paspor mereka ditahan dan dipaksa menjadi operator "
            f"penipuan online. Kemlu mengimbau masyarakat waspada terhadap tawaran kerja di luar negeri.")


def n_chat() -> str:
    return pick([
        "Nanti malam jadi makan bareng gak? aku pulang kerja jam 7",
        f"Ma, aku udah sampai {pick(CITY)}, besok mulai kerja di kantor baru",
        "Gaji bulan ini udah masuk belum? aku mau bayar kos",
        f"Bro liburan ke {pick(['Bangkok', 'Bali', 'Siem Reap', 'Penang'])} bulan depan yuk, tiket lagi murah",
        "Tolong kirim foto KTP buat daftar BPJS ya, nanti aku serahkan ke HRD",
        f"Kak, paket dari {pick(['Shopee', 'Tokopedia'])} udah sampai belum?",
        "Besok interview di kantor jam 9, doain ya",
    ])


def n_promo() -> str:
    return (f"{pick(['PROMO', 'FLASH SALE', 'DISKON'])} {pick(['kuota 20GB', 'tiket pesawat', 'paket liburan', 'HP'])} "
            f"hanya Rp {R.randint(10, 99)}.{R.randint(0, 9)}00! {pick(['Buruan', 'Terbatas', 'Hari ini saja'])}, "
            f"cek di {pick(['tsel.me/promo', 'bit.ly/promo123', 'www.tokoku.id'])} S&K berlaku")


# ---------------------------------------------------------------- negatives: TEST --------
def m_small_business() -> str:
    return (f"Dicari {pick(['karyawati toko baju', 'pelayan rumah makan', 'kurir', 'admin olshop', 'barista'])} "
            f"di {pick(CITY)}, gaji {pick(['2,5jt', '3jt', 'UMR', '1,8jt + makan'])}, "
            f"{pick(['mess disediakan', 'tanpa pengalaman boleh', 'bisa langsung kerja', 'jujur dan rajin'])}. "
            f"Hub {phone()}")


def m_p3mi_korea() -> str:
    return (f"Informasi program {pick(['G to G Korea (EPS-TOPIK)', 'SSW Jepang (Tokutei Ginou)', 'G2G Jepang'])}: "
            f"pendaftaran resmi lewat KP2MI, ujian bahasa, medical check up di sarana kesehatan resmi, "
            f"kontrak kerja ditandatangani di hadapan pejabat. Jangan percaya calo yang menjanjikan "
            f"berangkat cepat tanpa tes.")


def m_travel_blog() -> str:
    return (f"Catatan perjalanan: {R.randint(4, 7)} hari di {pick(['Kamboja', 'Vietnam', 'Thailand', 'Laos'])}. "
            f"Kami terbang {pick(['via Kuala Lumpur', 'via Singapura', 'langsung'])}, masuk {pick(['bebas visa', 'dengan visa on arrival'])}. "
            f"Hari kedua ke {pick(['Angkor Wat', 'Royal Palace Phnom Penh', 'Ha Long Bay', 'Luang Prabang'])}, makanannya enak dan murah.")


def m_warning() -> str:
    return (f"⚠️ HATI-HATI! Modus lowongan {pick(JOB_TEST)} ke {pick(DEST_TEST)} dengan gaji "
            f"{pick(PAY_TEST)}, {pick(PERK_TEST)}, diminta bilang liburan ke petugas imigrasi. "
            f"Itu penipuan dan perdagangan orang. Kamboja bukan negara penempatan PMI. "
            f"Laporkan ke {pick(['KP2MI', 'Kemlu', 'kantor imigrasi terdekat'])}.")


def m_chat() -> str:
    return pick([
        "Aku keterima kerja di bank, mulai senin. Gajinya lumayan lah buat fresh graduate",
        "Jangan lupa bawa paspor ya besok kita ke Singapura, berangkat jam 6 pagi",
        "Sepupuku baru pulang dari Taiwan, kerja 3 tahun lewat PT resmi, sekarang buka warung",
        "Kemarin ada yang nawarin kerja di Kamboja gaji gede, aku tolak lah, serem",
        "Meeting jam 2 dipindah ke ruang rapat lantai 3 ya",
        "Admin grup tolong dicek lagi jadwal arisan bulan depan",
    ])


def m_promo() -> str:
    return (f"Selamat! Anda mendapat cashback {R.randint(10, 50)}% untuk {pick(['top up', 'belanja', 'tiket kereta'])}. "
            f"Berlaku s/d {R.randint(1, 28)}/{R.randint(1, 12)}. Info: {pick(['cs@toko.co.id', 'www.promo.id', '14045'])}")


TRAIN_T: list[tuple[Callable[[], str], int, int]] = [
    (r_formal, 1, 60), (r_alay, 1, 60), (r_fbpost, 1, 50), (r_english, 1, 40),
    (r_coaching, 1, 30), (r_fee, 1, 30),
    (n_domestic, 0, 70), (n_government, 0, 25), (n_p3mi, 0, 45), (n_tourism, 0, 45),
    (n_news, 0, 50), (n_chat, 0, 25), (n_promo, 0, 30),
]
TEST_T: list[tuple[Callable[[], str], int, int]] = [
    (s_mixed, 1, 25), (s_channel, 1, 25), (s_story, 1, 20), (s_open_scam, 1, 15),
    (s_recruiter_dm, 1, 15),
    (m_small_business, 0, 25), (m_p3mi_korea, 0, 12), (m_travel_blog, 0, 15), (m_warning, 0, 20),
    (m_chat, 0, 12), (m_promo, 0, 15),
]


def main() -> None:
    rows: list[dict[str, str]] = []
    seen: set[str] = set()
    for split, templates in (("train", TRAIN_T), ("test", TEST_T)):
        for fn, label, n in templates:
            made = 0
            tries = 0
            while made < n and tries < n * 20:
                tries += 1
                text = " ".join(fn().split(" ")).strip()
                if text in seen:
                    continue
                seen.add(text)
                made += 1
                rows.append({"id": f"{split[:2]}-{fn.__name__}-{made:03d}", "text": text,
                             "label": str(label), "source": f"template:{fn.__name__}",
                             "split": split})
    hand = yaml.safe_load((HERE / "handwritten.yaml").read_text("utf-8"))
    for i, item in enumerate(hand["items"], 1):
        text = item["text"].strip()
        if text in seen:
            continue
        seen.add(text)
        rows.append({"id": f"hw-{i:03d}", "text": text, "label": str(item["label"]),
                     "source": f"handwritten:{item.get('kind', 'misc')}", "split": item["split"]})
    styles = yaml.safe_load((HERE / "synthetic_styles.yaml").read_text("utf-8"))
    for i, item in enumerate(styles["items"], 1):
        text = item["text"].strip()
        if text in seen:
            continue
        seen.add(text)
        rows.append({"id": f"st-{i:03d}", "text": text, "label": str(item["label"]),
                     "source": f"synthetic_styles:{item.get('kind', 'misc')}",
                     "split": item["split"]})
    with (HERE / "corpus.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["id", "text", "label", "source", "split"])
        w.writeheader()
        w.writerows(rows)
    n1 = sum(r["label"] == "1" for r in rows)
    print(f"{len(rows)} rows ({n1} risky), train {sum(r['split'] == 'train' for r in rows)}, "
          f"test {sum(r['split'] == 'test' for r in rows)}")


if __name__ == "__main__":
    main()
