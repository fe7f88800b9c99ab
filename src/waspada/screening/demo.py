"""Synthetic demo screenings: ordinary trips, a risky one postponed at Soekarno-Hatta and the
same person trying again at Kualanamu under a variant name. Idempotent."""

from __future__ import annotations

import random

from sqlalchemy import exists, select

from waspada.demo.synthetic import generate_people
from waspada.platform.db import session_scope
from waspada.platform.security.auth import principal_for
from waspada.platform.security.models import User
from waspada.screening import service
from waspada.screening.schemas import DecisionIn, ScreeningIn
from waspada.screening.store import Screening

SAFE_DESTINATIONS = ("SGP", "MYS", "SAU", "JPN", "THA", "KOR", "AUS")
#: ordinary trips; the risky trip and the second attempt come on top
PEOPLE = 12


def load_demo_screenings(seed: int) -> tuple[int, int]:
    with session_scope() as session:
        if session.scalar(select(exists().where(Screening.is_synthetic.is_(True)))):
            return 0, PEOPLE + 2  # the screenings a first run adds, already there
        officers = {u.username: u for u in session.scalars(
            select(User).where(User.username.in_(("petugas.tpi", "petugas.paspor"))))}
        if "petugas.tpi" not in officers:
            return 0, 0
        tpi = principal_for(officers["petugas.tpi"])
        rng = random.Random(seed)
        created = 0
        for person in generate_people(PEOPLE, seed=seed + 101):
            data = ScreeningIn(
                full_name=person.full_name, nik=person.nik, passport_no=person.passport_no,
                birth_date=person.birth_date, sex=person.sex,
                destination_country=rng.choice(SAFE_DESTINATIONS), ticket="return",
                visa_type="visa_free", stated_purpose="tourism",
                answers={"purpose": "tourism", "story_consistent": "yes",
                         "has_job_offer": "no", "clear_return_plan": "yes"})
            screening = service.start(session, tpi, data, synthetic=True)
            service.decide(session, tpi, screening.id, DecisionIn(
                action=screening.recommended_action, legal_bases=["uu_6_2011"],
                deviation_reason="" if screening.recommended_action == "allow"
                else "Demo: keterangan diperiksa, tidak ada indikator lain."))
            created += 1
        risky = service.start(session, tpi, ScreeningIn(
            full_name="Siti Nurhaliza binti Ahmad", nik="3507014403960002",
            birth_date=None, sex="F", destination_country="KHM", transit_countries=["MYS"],
            ticket="one_way", visa_type="visa_free", stated_purpose="tourism",
            offer_text="Dibutuhkan admin CS online di Phnom Penh, gaji 12jt/bulan, tanpa "
                       "pengalaman, tiket & visa ditanggung. Bilang liburan ke petugas.",
            answers={"purpose": "tourism", "has_job_offer": "yes", "offer_channel": "chat",
                     "told_to_lie": "yes", "recruiter_licensed": "no"}), synthetic=True)
        service.decide(session, tpi, risky.id, DecisionIn(
            action=risky.recommended_action, legal_bases=["uu_6_2011", "uu_21_2007"],
            statement="Demo: diajak teman lewat WhatsApp, disuruh bilang liburan."))
        created += 1
        if "petugas.paspor" in officers:
            kanim = principal_for(officers["petugas.paspor"])
            again = service.start(session, kanim, ScreeningIn(
                kind="passport", full_name="Sitti Nur Haliza", nik="3507014403960002",
                destination_country="THA", stated_purpose="tourism"), synthetic=True)
            created += 1 if again else 0
        return created, 0
