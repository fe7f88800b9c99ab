"""Issue #16, defect 8: the main pages, rendered with the demo data, show no code a person
cannot read — every code goes through the one labels catalogue (platform/labels.py)."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from waspada.cases.models import Case, Referral
from waspada.platform import labels
from waspada.platform.db import session_scope
from waspada.screening.store import Screening

#: kinds whose codes must never be read on a page (a code equal to its own words, such as
#: "IOM" or "Transit", is not a raw code)
KINDS = ("trafficking_status", "choice", "exploitation", "compound", "organisation", "risk",
         "severity", "sex", "person_role", "referral_status", "referral_kind",
         "referral_reason", "support_plan", "event_type", "case_source", "screening_kind",
         "ticket", "visa_type", "list_kind", "offer_report_status", "case_status", "action",
         "finding", "closure_reason", "exchange_org_type", "exchange_outbox_status",
         "exchange_kind")
#: the destinations of the demo data, which pages must name, not code
COUNTRY_CODES = ("KHM", "MMR", "LAO", "THA", "MYS", "PHL", "VNM", "ARE")


def _raw_codes() -> set[str]:
    out = set(COUNTRY_CODES)
    for kind in KINDS:
        for code in labels.codes(kind):
            words = {labels.label(kind, code, lang) for lang in labels.LANGS}
            if all(code not in w for w in words) and len(code) > 2:
                out.add(code)
    return out


def _visible_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "head", "datalist"]):
        hidden.decompose()
    return soup.get_text(" ")


def _found(text: str, codes: set[str]) -> set[str]:
    return {c for c in codes if re.search(r"(?<![\w.-])" + re.escape(c) + r"(?![\w-])", text)}


@pytest.fixture(scope="module")
def demo_ids() -> dict[str, int]:
    with session_scope() as session:
        screening = session.scalar(select(Screening).where(Screening.status == "decided")
                                   .order_by(Screening.id))
        referred = session.scalar(select(Referral.case_id).order_by(Referral.id))
        case = session.scalar(select(Case.id).order_by(Case.id))
        return {"screening": screening.id, "person": screening.person_id or 0,
                "case": referred or case, "plain_case": case}


def test_catalogue_has_words_for_both_languages() -> None:
    for kind in labels.kinds():
        for code in labels.codes(kind)[:300]:
            assert labels.label(kind, code, "id") and labels.label(kind, code, "en")
    # countries by name, the same from ISO2 and ISO3
    assert labels.label("country", "KH") == labels.label("country", "KHM") == "Kamboja"
    assert labels.label("sex", "F") == "Perempuan"
    assert "Kemungkinan korban" in labels.label("trafficking_status",
                                                 "PossibleVictimOfTrafficking")


@pytest.mark.parametrize("role, path", [
    ("checkpoint_officer", "/screenings"),
    ("checkpoint_officer", "/screenings/{screening}"),
    ("checkpoint_officer", "/persons/{person}"),
    ("protection_officer", "/cases"),
    ("protection_officer", "/cases/{case}"),
    ("protection_officer", "/cases/{plain_case}"),
    ("analyst", "/watchlist/manage"),
    ("analyst", "/watchlist/search?full_name=Siti"),
    ("admin", "/exchange/partners"),
    # the demo's waiting MoSVY referral (exchange/demo.py): its preview gave the values as
    # codes ("PossibleVictimOfTrafficking", "victim: …") until exchange/words.value_words
    ("protection_officer", "/exchange/inbox"),
    ("protection_officer", "/exchange/cases/{plain_case}"),
])
def test_main_pages_show_no_raw_code(role_clients, demo_ids, role: str, path: str) -> None:  # type: ignore[no-untyped-def]
    url = path.format(**demo_ids)
    response = role_clients[role].get(url)
    if response.status_code == 404 and "{" in path:
        pytest.skip(f"{url}: not visible to {role} in this demo data")
    assert response.status_code == 200, (url, response.status_code)
    found = _found(_visible_text(response.text), _raw_codes())
    assert found == set(), f"{url} shows raw codes {sorted(found)}"


def test_the_check_finds_what_the_issue_saw() -> None:
    """What the issue reported on the old pages is caught by this check."""
    old = ("Status: PossibleVictimOfTrafficking · rescued · referral → DINSOS · pending · "
           "ForcedCriminality · refer_police · high · traveller.nik_sex_mismatch · KHM")
    assert _found(old, _raw_codes()) >= {"PossibleVictimOfTrafficking", "rescued", "DINSOS",
                                         "pending", "ForcedCriminality", "refer_police", "high",
                                         "traveller.nik_sex_mismatch", "KHM"}
