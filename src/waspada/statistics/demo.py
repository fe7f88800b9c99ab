"""Synthetic history for the statistics pages: screenings and closed cases over 24 months and
the provinces that send most migrant workers, with one planted spike (Sulawesi Selatan, last
month: screenings postponed and scam-compound cases about four times the usual). Idempotent.

Rows are inserted directly (not through the screening service) and carry no names: the
screenings share one placeholder person and NIKs use a district code (99) that does not exist,
so they never match a real search; cases are closed so they sit in no work queue. Cases go
through located -> SPLP -> repatriated (stage durations), some with an answered referral, and
some screenings are of travellers screened before (returning travellers flagged). The
statistics aggregates are refreshed at the end.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import exists, select

from waspada.platform.db import session_scope
from waspada.platform.security.models import Unit

MARKER = "DEMO-STAT-"
SPIKE_PROVINCE = "73"
MONTHS = 24
#: province code -> relative weight (migrant-sending provinces weigh more)
WEIGHTS: dict[str, int] = {
    "35": 14, "33": 12, "32": 12, "52": 9, "53": 7, "12": 6, "18": 5, "36": 5, "73": 4,
    "61": 4, "21": 3, "31": 3, "34": 2, "11": 2, "13": 2, "14": 2, "16": 2, "51": 2, "71": 2,
    "72": 1, "74": 1, "64": 1, "63": 1, "15": 1, "17": 1, "19": 1, "62": 1, "65": 1, "75": 1,
    "76": 1, "81": 1, "82": 1, "91": 1, "92": 1, "93": 1, "94": 1, "95": 1, "96": 1,
}
#: the planted spike (last month, one province) on top of the ordinary rows
SPIKE_SCREENINGS, SPIKE_CASES = 40, 16
SCREEN_DEST = ("MYS", "SGP", "SAU", "KHM", "THA", "JPN", "KOR", "MMR", "LAO", "PHL")
CASE_DEST = ("KH", "MM", "LA", "PH", "TH", "VN", "MY")


def _regencies(province: str) -> list[str]:
    from waspada.identity.nik import region_names

    found = [f"{province}{i:02d}" for i in range(1, 80)
             if region_names(f"{province}{i:02d}")[1] is not None]
    return found or [f"{province}01"]


def _nik(rng: random.Random, province: str, regencies: dict[str, list[str]]) -> str:
    if province not in regencies:
        regencies[province] = _regencies(province)
    # the first few regencies of a province are weighted, so some regency cells reach k
    regency = rng.choice(regencies[province][:4] * 3 + regencies[province])
    return f"{regency}99{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}" \
           f"{rng.randint(70, 99):02d}{rng.randint(1, 9999):04d}"


PRIOR = ('[{"screening_id": 0, "record_no": "DEMO-STAT-PRIOR", "unit": "-", "date": '
         '"2024-01-01", "action": "postpone", "level": "high", "score": 0.9}]')


def load_demo_statistics(seed: int, screenings: int = 3000, cases: int = 600
                         ) -> tuple[int, int]:
    """(rows created, rows already there): a second run reports what the first added."""
    from waspada.cases.models import (
        Case,
        CaseTransition,
        CaseUnitAccess,
        Organisation,
        Person,
        Referral,
    )
    from waspada.screening.store import Screening, ScreeningPerson

    with session_scope() as db:
        if db.scalar(select(exists().where(Screening.record_no.like(f"{MARKER}%")))):
            return 0, screenings + SPIKE_SCREENINGS + cases + SPIKE_CASES
        units = {u.name: u for u in db.scalars(select(Unit).where(Unit.is_synthetic.is_(True)))}
        checkpoints = [u for u in units.values() if u.kind in ("checkpoint",
                                                               "immigration_office")]
        embassy = units.get("KBRI Phnom Penh")
        if not checkpoints or embassy is None:
            return 0, 0
        rng = random.Random(seed + 1900)
        now = datetime.now(UTC).replace(hour=3, minute=0, second=0, microsecond=0)
        start = now - timedelta(days=30 * MONTHS)
        this_month = now.replace(day=1)
        last_month = (this_month - timedelta(days=1)).replace(day=1)
        regencies: dict[str, list[str]] = {}
        org = db.scalar(select(Organisation.id).order_by(Organisation.id).limit(1))
        provinces = list(WEIGHTS)
        weights = list(WEIGHTS.values())
        person = ScreeningPerson(full_name="Data statistik sintetis", is_synthetic=True)
        db.add(person)
        db.flush()

        def when(spike: bool) -> datetime:
            if spike:
                return last_month + timedelta(days=rng.randint(0, 27), hours=rng.randint(0, 12))
            return start + (now - timedelta(days=1) - start) * rng.random()

        created = 0
        plan = [(p, False) for p in rng.choices(provinces, weights, k=screenings)]
        plan += [(SPIKE_PROVINCE, True)] * SPIKE_SCREENINGS
        for n, (prov, spike) in enumerate(plan, 1):
            unit = rng.choice(checkpoints)
            level = ("high" if spike and rng.random() < 0.7 else
                     rng.choices(("low", "medium", "high"), (80, 14, 6))[0])
            action = {"high": rng.choice(("postpone", "postpone", "refer_kp2mi", "refer_police")),
                      "medium": rng.choice(("allow", "secondary_interview", "postpone")),
                      "low": "allow"}[level]
            created_at = when(spike)
            returning = level != "low" and rng.random() < 0.3
            db.add(Screening(
                record_no=f"{MARKER}S{n:06d}",
                kind="passport" if unit.kind == "immigration_office" else "departure",
                unit_id=unit.id, person_id=person.id, status="decided", created_at=created_at,
                updated_at=created_at, full_name="Data statistik sintetis",
                nik=_nik(rng, prov, regencies), destination_country=rng.choice(SCREEN_DEST),
                level=level, recommended_action=action, final_action=action,
                prior_json=PRIOR if returning else "[]", is_synthetic=True))
            created += 1
        case_plan = [(p, False) for p in rng.choices(provinces, weights, k=cases)]
        case_plan += [(SPIKE_PROVINCE, True)] * SPIKE_CASES
        for n, (prov, spike) in enumerate(case_plan, 1):
            reported = when(spike)
            scam = spike or rng.random() < 0.7
            # nothing in the future: the stages of a case reported lately ran faster (the demo
            # showed "Repatriated on 28-01-2027" in December 2026); the random draws are the
            # ones they were, in their order
            latest = now - timedelta(hours=1) - reported
            source = rng.choice(("officer", "public", "ngo", "hotline"))
            destination = rng.choice(CASE_DEST)
            closed_after = timedelta(days=rng.randint(20, 120))
            case = Case(reference=f"{MARKER}C{n:05d}", status="closed",
                        owner_unit_id=embassy.id, source=source,
                        destination_country=destination,
                        exploitation_type="ForcedCriminality" if scam else "ForcedLabour",
                        compound_type="OnlineScam" if scam else "NotACompound",
                        summary="Kasus sintetis untuk statistik demo.",
                        closure_reason="reintegrated", reported_at=reported,
                        state_entered_at=reported, last_update_at=reported,
                        closed_at=reported + closed_after, is_synthetic=True)
            db.add(case)
            db.flush()
            db.add(CaseUnitAccess(unit_id=embassy.id, case_id=case.id, kind="owner"))
            db.add(Person(case_id=case.id, role="victim",
                          identity_number=_nik(rng, prov, regencies), citizenship="ID"))
            steps: list[tuple[str, timedelta]] = []
            after = timedelta(0)
            for status, days in (("located", (2, 30)), ("splp_issued", (3, 25)),
                                 ("repatriated", (5, 40))):
                if rng.random() < 0.1:
                    break
                after += timedelta(days=rng.randint(*days), hours=rng.randint(0, 20))
                steps.append((status, after))
            shrink = min(1.0, latest / max([closed_after] + [a for _, a in steps]))
            case.closed_at = reported + closed_after * shrink
            for status, after in steps:
                db.add(CaseTransition(case_id=case.id, transition=f"demo_{status}",
                                      to_status=status, actor="demo",
                                      at=reported + after * shrink))
            if org is not None and rng.random() < 0.4:
                answered = timedelta(days=1 + rng.randint(0, 9), hours=rng.randint(1, 20))
                answered *= min(1.0, latest / answered)
                db.add(Referral(case_id=case.id, from_unit_id=embassy.id, to_org_id=org,
                                reason="AdditionalServicesRequired", status="accepted",
                                created_by="demo",
                                created_at=reported + min(timedelta(days=1), answered),
                                responded_by="demo", responded_at=reported + answered))
            created += 1
        from .refresh import refresh

        db.flush()
        refresh(db)
    return created, 0
