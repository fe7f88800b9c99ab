"""Demo offers data (synthetic): the placement-agency (P3MI) registry for the public "Cek
Agensi" page and a few public reports of job offers for the analyst's pages. Idempotent.

The names in ``demo_agencies.csv`` are made up (combinations of common Indonesian words, licence
numbers ``DEMO-…``, addresses marked "fiktif"); they are not the official KP2MI registry, whose
list was not available from a source that could be verified here. A real deployment loads the
official list with ``waspada offers import-agencies``.

The reports (``DEMO_REPORTS``) are written like the scam-compound offers the analysts see, each
marked "[DEMO – fiktif]"; their numbers, handles, account and companies are invented. They are
stored through the public report operation (``report_offer``, as the "Laporkan" button on Cek
Lowongan does, with no reporter contact), which links their contacts in the network graph. They
hold what the network's merge review looks for (docs/network.md, "Entity review"): one
Cambodian number written twice (``+855 88 …`` and, read as Indonesian, ``088 …``), a Telegram
handle and a number that are the only contacts of one post, and one agency written two ways.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from waspada.offers import store
from waspada.offers.schemas import ReportIn
from waspada.offers.service import report_offer
from waspada.platform.db import session_scope

DEMO_REGISTRY = Path(__file__).with_name("demo_agencies.csv")
DEMO_SOURCE = "demo: fictional names, not the KP2MI registry"
#: (offer text, where it was seen) of the demo's public reports
DEMO_REPORTS = (
    ("[DEMO – fiktif] Lowongan admin customer service di Phnom Penh, gaji 15 juta/bulan, tiket "
     "dan visa ditanggung PT Sinar Harapan Abadi. Tanpa pengalaman, cukup bisa mengetik. "
     "Hubungi WA +855 88 555 0142.", "Facebook"),
    ("[DEMO – fiktif] Dicari operator marketing online di Sihanoukville, gaji USD 1.000, mess "
     "gratis. Agen resmi PT. Sinar Harapan Abadi Jaya. Daftar lewat WhatsApp 088 555 0142, "
     "berangkat minggu ini.", "TikTok"),
    ("[DEMO – fiktif] Kerja di Kamboja jadi admin game, bonus besar, paspor diurus. Chat "
     "Telegram @hrd_kamboja_demo atau WA 0813-5550-2291.", "Telegram"),
    ("[DEMO – fiktif] LOKER ADMIN KAMBOJA, gaji 12 juta, tidak perlu bahasa Inggris. Langsung "
     "hubungi wa.me/6281355502291, transfer biaya dokumen ke BCA 8830012345.", "WhatsApp"),
)


def load_demo_offers(seed: int) -> tuple[int, int]:
    """(registry entries and reports added, already present). ``seed`` is unused: the texts
    are fixed."""
    added, present = load_demo_agencies(seed)
    for text, where_seen in DEMO_REPORTS:
        with session_scope() as db:
            if db.scalar(select(store.OfferReport.id).where(store.OfferReport.text == text)
                         .limit(1)) is not None:
                present += 1
                continue
            report_offer(db, ReportIn(text=text, where_seen=where_seen, consent="yes"))
            added += 1
    return added, present


def load_demo_agencies(seed: int) -> tuple[int, int]:
    """(entries added, entries already present); entries already present are left as they are."""
    rows = store.parse_agency_csv(DEMO_REGISTRY.read_bytes())
    with session_scope() as db:
        present = set(db.scalars(select(store.Agency.name_key)))
        new = [row for row in rows if store.normalise_company(row["name"]) not in present]
        if new:
            store.import_agencies(db, new, DEMO_SOURCE)
    return len(new), len(rows) - len(new)
