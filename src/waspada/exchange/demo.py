"""Demo exchange set-up (synthetic): this installation's key pair, when it has none, three
partner installations, and what those partners sent, so the partners page, "Kirim ke mitra",
the verification form, the inbox ("Kotak masuk") and the conflicts page are not empty on a
fresh demo.

The partners have keys made here and no address: what is sent to them waits in the outbox for a
file export (air-gapped delivery), nothing leaves the machine. While a partner is added, its
private key is held in memory just long enough to act as that partner would on its own
installation: open the bundle we sent it, and seal and sign what it sends back. Those bundles
are received through the same service the inbox API and `waspada exchange receive` use, then
the private key is thrown away (a partner's key must never be guessable or kept, even in a
demo). What arrives (``load_received``):

* **a case update from Dinas Sosial Jawa Timur** that becomes a field conflict: the demo's
  repatriated victim is referred to DINSOS for reintegration (consent recorded first, sent
  through ``send_case``); afterwards the KBRI officer records her home town from the family,
  while DINSOS, after its home visit, sends another town and her new mobile number. The
  officer accepts the update from the inbox, and the two fields wait on "Konflik pertukaran
  data" to be resolved one by one;
* **a referral from MoSVY** (Cambodia's social ministry) of a woman found after a raid in
  Bavet, waiting in the inbox with its preview;
* **a citizenship verification request from KBRI Phnom Penh** about a traveller this
  installation screened, waiting in the inbox (accepting it drafts the answer from the
  screenings and the watchlist).

Names, numbers and places come from the seeded synthetic generator; only keys and bundle
nonces are random. Idempotent: an existing identity or partner is kept, and the bundles are
received once (only when their senders are added in the same run: a demo loaded by an earlier
version, whose partners' private keys are gone, keeps its empty inbox)."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from waspada.cases.schemas import PersonProfileIn
from waspada.cases.service import CaseFilters, list_cases, update_person_profile
from waspada.cases.sharing import persons
from waspada.demo.synthetic import SyntheticPerson, generate_people
from waspada.platform.db import session_scope, utcnow
from waspada.platform.security.models import Unit
from waspada.platform.security.policy import CLI_PRINCIPAL, Principal
from waspada.platform.security.roles import Role
from waspada.platform.security.users import unit_code
from waspada.platform.settings import get_settings

from . import bundle, content_service, keys, service
from .content_schemas import ConsentIn
from .models import InboxItem, OutboxItem, Partner
from .schemas import PartnerIn
from .verification import WORKING_DAYS, deadline_after

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
KBRI, DINSOS, MOSVY = (name for name, _title, _org, _acc in DEMO_PARTNERS)
#: the demo's protection officer unit (the cases demo's owner unit)
OFFICER_UNIT = "KBRI Phnom Penh"
#: what the received part adds: the consent, the referral sent to DINSOS, three received
#: bundles, the local edit, the acceptance that records the conflict
RECEIVED_STEPS = 7
#: the towns of the conflict: what the family told KBRI, what DINSOS found at its home visit
FAMILY_TOWN, DINSOS_TOWN = "Kabupaten Malang", "Kota Batu"


def load_demo_exchange(seed: int) -> tuple[int, int]:
    """(identities, partners and received-bundle steps added, already present)."""
    added = present = 0
    settings = get_settings()
    with session_scope() as db:
        if settings.exchange_key or keys.load(settings.data_dir, None) is not None:
            present += 1
        else:
            service.init_identity(db, CLI_PRINCIPAL, DEMO_NAME, force=False)
            added += 1
    made: dict[str, keys.Identity] = {}
    for name, title, organisation, acceptance in DEMO_PARTNERS:
        with session_scope() as db:
            if db.scalar(select(Partner.id).where(Partner.name == name)) is not None:
                present += 1
                continue
            made[name] = keys.Identity.generate(name)
            service.add_partner(db, CLI_PRINCIPAL, PartnerIn(
                name=name, title=title, public_key=made[name].public.text,
                organisation=organisation, acceptance=acceptance))
            added += 1
    received, there = load_received(seed, made)
    return added + received, present + there


def _officer() -> Principal:
    """The demo's protection officer at KBRI Phnom Penh, as the cases demo names it."""
    with session_scope() as db:
        unit_id = db.scalar(select(Unit.id).where(Unit.code == unit_code(OFFICER_UNIT)))
    return Principal(user_id=None, username="demo", role=Role.PROTECTION_OFFICER,
                     unit_id=unit_id, via="cli")


def _gid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _names(person: SyntheticPerson) -> dict[str, str]:
    first, _, rest = person.full_name.partition(" ")
    return {"prs_FirstName": first, **({"prs_SecondName": rest} if rest else {})}


def _consent_basis(recorded_by: str) -> dict[str, Any]:
    return {"type": "consent", "consents": [{
        "method": "written", "recorded_at": utcnow().strftime(bundle.TIME_FORMAT),
        "recorded_by": recorded_by}]}


def load_received(seed: int, senders: dict[str, keys.Identity]) -> tuple[int, int]:
    """(steps added, steps already present): the partners' bundles, received once."""
    with session_scope() as db:
        ids = set(db.scalars(select(Partner.id).where(Partner.name.in_([KBRI, DINSOS, MOSVY]))))
        if db.scalar(select(InboxItem.id).where(InboxItem.partner_id.in_(ids)).limit(1)):
            return 0, RECEIVED_STEPS
    if not {KBRI, DINSOS, MOSVY} <= senders.keys():
        return 0, 0  # partners from an earlier demo: their private keys are gone
    rng = random.Random(seed + 2020)
    officer = _officer()
    _conflict_from_dinsos(officer, senders[DINSOS])
    _receive(senders[MOSVY], "referral", _mosvy_referral(rng))
    _receive(senders[KBRI], "verification_request", _verification_request(rng, seed))
    return RECEIVED_STEPS, 0


def _receive(sender: keys.Identity, kind: str, payload: dict[str, Any]) -> int:
    """Seal and sign ``payload`` as ``sender`` does on its installation, and receive it here
    through the inbox's own checks (a file carried over, as the demo partners have no
    address)."""
    raw = bundle.seal(sender, service.identity().public, kind, payload)
    with session_scope() as db:
        return service.receive(db, raw, via="file").inbox_id


def _conflict_from_dinsos(officer: Principal, dinsos: keys.Identity) -> None:
    """The repatriated victim referred to DINSOS, then changed on both sides: a conflict."""
    with session_scope() as db:
        rows, _more = list_cases(db, officer, CaseFilters(status="repatriated", source="family"),
                                 order="newest")
        case = rows[-1]  # the oldest: the cases demo's repatriated victim
        victim = next(p for p in persons(db, case["id"]) if p["role"] == "victim")
        content_service.record_consent(db, officer, case["id"], ConsentIn(
            person_id=victim["id"], recipient=DINSOS, purpose="services", given=True,
            method="written", note="Data sintetis (demo): setuju dirujuk untuk reintegrasi."))
    with session_scope() as db:
        outbox_id = service.send_case(db, officer, case["reference"], DINSOS,
                                      consent_override=None, to_file=False)
        raw = db.scalars(select(OutboxItem.bundle).where(OutboxItem.id == outbox_id)).one()
    # at DINSOS: the bundle opened with its key, the referral taken in as its case
    ours = service.identity().public
    sent = bundle.open_bundle(raw.encode("utf-8"), dinsos, lambda _fingerprint: ours,
                              limit=get_settings().exchange_max_bundle_bytes,
                              max_age=timedelta(days=1)).payload
    # here: the family gives KBRI her home town
    with session_scope() as db:
        update_person_profile(db, officer, case["id"], victim["id"], PersonProfileIn(
            person_id=victim["id"], mailing_city=FAMILY_TOWN, mailing_state="Jawa Timur"))
    # at DINSOS: the home visit finds her elsewhere, with a new number; the update comes back
    # (the update carries the persons only: DINSOS's copy of the events lacks the city its
    # profile withholds, and the receiver's diff would read that copy as a new event)
    record = {k: v for k, v in sent["record"].items() if k != "historic_trafficking_events"}
    record["persons"] = [
        {**p, "prs_MailingCity": DINSOS_TOWN, "prs_MailingState": "Jawa Timur",
         "prs_MobilePhone": "+6285790123456"} if p.get("x_wsp_PersonRole") == "victim" else p
        for p in record.get("persons", [])]
    update = {**sent, "version": sent["version"] + 1, "base_version": sent["version"],
              "sender_case_number": "DINSOS-JATIM-2026-0142 (demo)", "record": record}
    inbox_id = _receive(dinsos, "case_update", update)
    with session_scope() as db:
        applied = service.accept(db, officer, inbox_id)
    if not applied.conflict:  # the story above no longer holds: say so, do not hide it
        raise RuntimeError("the demo's DINSOS update did not record a conflict")


def _mosvy_referral(rng: random.Random) -> dict[str, Any]:
    """A woman MoSVY's social workers met after a raid on a compound in Bavet, referred to
    the embassy for repatriation (the fields MoSVY's profile carries)."""
    woman = next(p for p in generate_people(20, seed=rng.randrange(10**6)) if p.sex == "F")
    victim = {**_names(woman), "prs_Birthdate": woman.birth_date.isoformat(),
              "prs_Gender": "Feminine", "prs_Citizenship": ["ID"],
              "x_wsp_PersonRole": "victim", "x_wsp_GlobalId": _gid(rng)}
    record = {
        "cas_Status": "Active", "vic_TraffickingStatus": "PossibleVictimOfTrafficking",
        "vic_TypeOfExploitation": ["ForcedCriminality"], "x_wsp_CompoundType": "OnlineScam",
        "persons": [victim],
        "historic_trafficking_events": [
            {"hte_Type": "Exploitation", "hte_City": "Bavet", "hte_Country": "KH"}],
        "support_plans": [{"spl_Type": "Health", "spl_Objectives":
                           "Pemeriksaan kesehatan dan pendampingan psikososial di shelter "
                           "MoSVY sebelum pemulangan (data sintetis, demo)."}]}
    return {"global_id": _gid(rng), "version": 1, "base_version": 0,
            "sender_case_number": "MOSVY-SVR-2026-0317 (demo)", "purpose": "services",
            "consent_basis": _consent_basis("mosvy.socialworker (demo)"), "record": record}


def _verification_request(rng: random.Random, seed: int) -> dict[str, Any]:
    """KBRI asks whether a man who says he is WNI is one: a traveller this installation's
    screening demo saw depart (the same synthetic people as the screenings and watchlist)."""
    traveller = generate_people(1, seed=seed + 101)[0]
    return {"request_id": _gid(rng), "identifiers": {
                "full_name": traveller.full_name, "birth_date": traveller.birth_date.isoformat(),
                "nik": traveller.nik, "passport_numbers": [traveller.passport_no]},
            "deadline": deadline_after(utcnow(), WORKING_DAYS).isoformat(),
            "consent_basis": _consent_basis("staf.konsuler (demo)"),
            "question": "citizenship_passports_departures"}
