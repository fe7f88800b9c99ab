"""Demo exchange set-up (synthetic): this installation's key pair, when it has none, and three
partner installations, so the partners page, "Kirim ke mitra" and the verification form are
not empty on a fresh demo. The partners have keys made here whose private halves are thrown
away and no address: what is sent to them waits in the outbox for a file export (air-gapped
delivery), nothing leaves the machine. Idempotent: an existing identity or partner is kept."""

from __future__ import annotations

from sqlalchemy import select

from waspada.platform.db import session_scope
from waspada.platform.security.policy import CLI_PRINCIPAL
from waspada.platform.settings import get_settings

from . import keys, service
from .models import Partner
from .schemas import PartnerIn

#: the demo installation's own name (only when it has no identity yet)
DEMO_NAME = "Waspada demo (Ditjen Imigrasi Pusat)"
#: (identifier, organisation name, HTCDS organisation type, acceptance) of the synthetic
#: partners
DEMO_PARTNERS = (
    ("demo-kbri-phnom-penh", "KBRI Phnom Penh (demo)", "CentralGovernmentOrganisation",
     "manual"),
    ("demo-dinsos-jatim", "Dinas Sosial Provinsi Jawa Timur (demo)",
     "LocalGovernmentOrganisation", "manual"),
    ("demo-mosvy-kamboja", "Kementerian Sosial Kamboja / MoSVY (demo)",
     "ForeignSocialWelfare", "manual"),
)


def load_demo_exchange(seed: int) -> tuple[int, int]:
    """(identities and partners added, already present). ``seed`` is unused: the keys are
    random (a partner's key must never be guessable, even in a demo)."""
    added = present = 0
    settings = get_settings()
    with session_scope() as db:
        if settings.exchange_key or keys.load(settings.data_dir, None) is not None:
            present += 1
        else:
            service.init_identity(db, CLI_PRINCIPAL, DEMO_NAME, force=False)
            added += 1
    for name, title, organisation, acceptance in DEMO_PARTNERS:
        with session_scope() as db:
            if db.scalar(select(Partner.id).where(Partner.name == name)) is not None:
                present += 1
                continue
            service.add_partner(db, CLI_PRINCIPAL, PartnerIn(
                name=name, title=title, public_key=keys.Identity.generate(name).public.text,
                organisation=organisation, acceptance=acceptance))
            added += 1
    return added, present
