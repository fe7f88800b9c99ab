"""The public sources the safe-migration guide (``templates/portal/guide.html``) cites, by
number. Each is a public page that was read when the guide was written (2026-11-30); the guide
says only what these pages say."""

from __future__ import annotations

from dataclasses import dataclass

from waspada.platform.i18n import N_


@dataclass(frozen=True)
class Citation:
    number: int
    publisher: str  # an English msgid where it says more than a name ("Kompas (quoting ...)")
    title: str
    date: str
    url: str


GUIDE_SOURCES: tuple[Citation, ...] = (
    Citation(1, "JPNN", "Menteri P2MI: warga Indonesia yang kerja di Kamboja ilegal "
             "(\"Kamboja itu bukan negara penempatan\")", "2025-10-28",
             "https://www.jpnn.com/news/menteri-bp2mi-tegaskan-warga-indonesia-yang-kerja-di-"
             "kamboja-ilegal"),
    Citation(2, N_("Riau1 (from Beritasatu)"), "Alasan pemerintah: KP2MI belum pernah menempatkan "
             "pekerja migran ke Kamboja, tidak ada kerja sama resmi", "2025-10-23",
             "https://www.riau1.com/berita/nasional/alasan-pemerintah-larangan-wni-kerja-di-"
             "kamboja"),
    Citation(3, N_("Kompas (quoting Kemnaker)"), "Waspada, ini ciri-ciri penipuan lowongan "
             "kerja ke luar negeri", "2022-08-28",
             "https://money.kompas.com/read/2022/08/28/171000326/waspada-ini-ciri-ciri-"
             "penipuan-lowongan-kerja-ke-luar-negeri"),
    Citation(4, "Disnaker Kabupaten Banjarnegara", "Waspada penipuan lowongan kerja ke luar "
             "negeri melalui media sosial", "2022-08",
             "https://disnaker.banjarnegarakab.go.id/2022/08/waspada-penipuan-lowongan-kerja-ke-"
             "luar-negeri-melalui-media-sosial"),
    Citation(5, N_("Harian Jogja (quoting the Minister of P2MI)"), "Masyarakat diimbau tak tergiur "
             "tawaran lowongan kerja di medsos; cek di SISKOP2MI", "2025-10-29",
             "https://news.harianjogja.com/read/2025/10/29/500/1233758/masyarakat-diimbau-tak-"
             "tergiur-tawaran-lowongan-kerja-di-medsos"),
    Citation(6, N_("Kompas (quoting Kemlu)"), "242 WNI jadi korban penipuan loker di Kamboja; cek "
             "legalitas lowongan ke BP2MI, Kemnaker dan kedutaan negara tujuan", "2022-06-25",
             "https://nasional.kompas.com/read/2022/06/25/18061821/242-wni-jadi-korban-penipuan-"
             "loker-di-kamboja-periode-april-2021-juni-2022"),
    Citation(7, "Fakta Kalbar", "Kenali 5 ciri lowongan kerja luar negeri palsu: biaya ke "
             "rekening pribadi, tanpa kantor, tanpa Perjanjian Kerja", "2025-12-06",
             "https://faktakalbar.id/2025/12/06/jangan-sampai-terjebak-kenali-5-ciri-lowongan-"
             "kerja-luar-negeri-palsu-yang-berbahaya/2"),
)
