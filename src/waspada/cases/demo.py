"""Demo cases (synthetic people only): a dozen cases at KBRI Phnom Penh in various states,
including one victim reported twice (by the family and by an NGO) to show duplicate detection,
and one case with every HTCDS 2.0 field filled in (``demo_htcds.py``)."""

from __future__ import annotations

from sqlalchemy import select

from waspada.cases import store
from waspada.cases.demo_htcds import add_full_case
from waspada.cases.models import Case
from waspada.demo.synthetic import generate_people
from waspada.platform.db import session_scope
from waspada.platform.security.policy import Principal
from waspada.platform.security.roles import Role
from waspada.platform.security.users import get_or_create_unit

#: (transitions to apply in order, destination)
PLAN: list[tuple[list[tuple[str, dict[str, object]]], str]] = [
    ([], "KH"),
    ([("verify", {"trafficking_status": "PossibleVictimOfTrafficking", "note": "demo"})], "KH"),
    ([("verify", {"trafficking_status": "ActualVictimOfTrafficking", "note": "demo"}),
      ("locate", {"location_country": "KH", "location_city": "Sihanoukville"})], "KH"),
    ([("verify", {"trafficking_status": "ActualVictimOfTrafficking", "note": "demo"}),
      ("exit", {"exit_date": "2026-01-03", "exit_mode": "rescued"}),
      ("shelter", {"shelter_name": "Shelter KBRI (demo)"})], "KH"),
    ([("verify", {"trafficking_status": "ActualVictimOfTrafficking", "note": "demo"}),
      ("exit", {"exit_date": "2026-01-02", "exit_mode": "self_exit"}),
      ("verify_citizenship", {"citizenship_basis": "nik_dukcapil"}),
      ("issue_splp", {"splp_number": "SPLP-DEMO-0001", "splp_issued_on": "2026-01-06"})], "KH"),
    ([("verify", {"trafficking_status": "ActualVictimOfTrafficking", "note": "demo"}),
      ("exit", {"exit_date": "2026-01-02", "exit_mode": "deported"}),
      ("verify_citizenship", {"citizenship_basis": "passport"}),
      ("repatriate", {"arrival_date": "2026-01-09", "arrival_port": "TPI Soekarno-Hatta"})],
     "KH"),
    ([("mark_not_victim", {"note": "pekerja migran prosedural (demo)"})], "MY"),
    ([("lose_contact", {"last_contact_date": "2025-12-20"})], "MM"),
]


def load_demo_cases(seed: int) -> tuple[int, int]:
    with session_scope() as session:
        if session.scalar(select(Case.id).where(Case.is_synthetic.is_(True)).limit(1)):
            return 0, len(PLAN) + 2  # the cases a first run adds, already there
        store.sync_organisations(session)
        kbri = get_or_create_unit(session, "KBRI Phnom Penh", kind="embassy", synthetic=True)
        officer = Principal(user_id=None, username="demo", role=Role.PROTECTION_OFFICER,
                            unit_id=kbri.id, via="cli")
        people = generate_people(len(PLAN) + 2, seed=seed + 1000)
        created = 0
        for index, (steps, destination) in enumerate(PLAN):
            person = people[index]
            case = store.create_case(session, officer, {
                "destination_country": destination, "destination_city": "Sihanoukville"
                if destination == "KH" else None,
                "exploitation_type": ["ForcedCriminality"], "compound_type": "OnlineScam",
                "summary": "Data sintetis (demo): dijanjikan kerja sebagai admin, dipaksa menipu "
                           "daring.",
                "persons": [{"role": "victim", "full_name": person.full_name,
                             "birth_date": person.birth_date, "citizenship": "ID",
                             "gender": "Feminine" if person.sex == "F" else "Masculine",
                             "identity_number": person.nik}],
                "events": [{"type": "Recruitment", "country": "ID", "city": "Medan"},
                           {"type": "Exploitation", "country": destination}]},
                owner_unit_id=kbri.id, source="family", synthetic=True)
            for code, values in steps:
                store.apply_transition(session, officer, case, code, values)
            created += 1
        # the first victim again, reported by an NGO under a variant spelling
        first = people[0]
        store.create_case(session, officer, {
            "destination_country": "KH", "exploitation_type": ["ForcedCriminality"],
            "summary": "Data sintetis (demo): laporan LSM.",
            "persons": [{"role": "victim", "full_name": first.full_name.upper(),
                         "birth_date": first.birth_date, "citizenship": "ID"}]},
            owner_unit_id=kbri.id, source="ngo", synthetic=True)
        created += 1
        add_full_case(session, officer, kbri.id)
        created += 1
    return created, 0
