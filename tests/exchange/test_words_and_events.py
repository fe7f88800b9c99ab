"""Values of an inbox preview and a conflict in words (``words.value_words``), and events sent
back without the parts a partner's profile withholds (``referral.event_known``). Pure."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from waspada.cases.htcds_fields import TABLE
from waspada.exchange import referral
from waspada.exchange.words import VALUE_KINDS, value_words
from waspada.platform import labels


def test_picklist_codes_come_in_words() -> None:
    assert value_words("vic_TraffickingStatus", "PossibleVictimOfTrafficking") \
        == "Kemungkinan korban perdagangan orang"
    assert value_words("vic_TraffickingStatus", "PossibleVictimOfTrafficking", "en") \
        == "Possible victim of trafficking"
    assert value_words("vic_TypeOfExploitation", ["ForcedCriminality", "ForcedLabour"]) \
        == f"{labels.label('exploitation', 'ForcedCriminality')}, " \
           f"{labels.label('exploitation', 'ForcedLabour')}"
    assert value_words("persons.3f2a.prs_Gender", "Feminine") == "Perempuan"
    assert value_words("x_wsp_DestinationCountry", "KHM") == "Kamboja"


def test_a_new_person_an_event_and_a_plan_in_words() -> None:
    assert value_words("persons.3f2a", "victim: Siti Aminah") == "Korban: Siti Aminah"
    assert value_words("historic_trafficking_events", "Exploitation 2025-03-01 Bavet KHM") \
        == "Eksploitasi 01-03-2025 Bavet Kamboja"
    assert value_words("historic_trafficking_events", "Exploitation Bavet KH") \
        == "Eksploitasi Bavet Kamboja"
    assert value_words("verification_request", "Supriyadi Wijaya · 2000-03-24") \
        == "Supriyadi Wijaya · 24-03-2000"
    assert value_words("x_wsp_Phone", "0812-2000-03-245") == "0812-2000-03-245"
    assert value_words("support_plans", "Health Perawatan medis").endswith("Perawatan medis")
    assert not value_words("support_plans", "Health Perawatan medis").startswith("Health")


def test_free_text_names_and_apps_are_kept_as_written() -> None:
    assert value_words("persons.3f2a.prs_FirstName", "McDonald") == "McDonald"
    assert value_words("vic_RecruitmentWebsitesAndApps", ["Facebook", "WhatsApp"]) \
        == "Facebook, WhatsApp"
    assert value_words("hte_City", "Kota Batu") == "Kota Batu"
    assert value_words("cas_CaseOwner", None) == "—"


def test_a_picklist_without_a_kind_gets_the_standards_words() -> None:
    assert value_words("per_RoleInProcess", "RecruiterOrIntermediary") \
        == "Recruiter or intermediary"


def test_every_mapped_field_is_a_field_of_the_standard() -> None:
    names = {f.name for f in TABLE.fields}
    assert set(VALUE_KINDS) <= names
    for name, kind in VALUE_KINDS.items():
        assert kind == "country" or kind in labels.kinds(), (name, kind)


def test_an_event_sent_back_without_withheld_parts_is_known() -> None:
    held = {("Exploitation", "2025-03-01", "Bavet", "KHM"), ("Recruitment", None, None, "IDN")}
    assert referral.event_known(("Exploitation", None, None, "KHM"), held)
    assert referral.event_known(("Exploitation", "", "", "KHM"), held)
    assert referral.event_known(("Exploitation", "2025-03-01", "Bavet", "KHM"), held)
    assert not referral.event_known(("Exploitation", "2025-04-09", None, "KHM"), held)
    assert not referral.event_known(("Transit", None, None, "THA"), held)
    assert not referral.event_known(("Exploitation", None, None, "KHM"), set())


def test_the_preview_lists_no_event_the_case_holds() -> None:
    local = {"historic_trafficking_events": [
        {"hte_Type": "Exploitation", "hte_Date": "2025-03-01", "hte_City": "Bavet",
         "hte_Country": "KHM"}]}
    withheld = {"historic_trafficking_events": [
        {"hte_Type": "Exploitation", "hte_Country": "KHM"}]}
    assert referral.diff(local, withheld) == []
    new = {"historic_trafficking_events": [{"hte_Type": "Transit", "hte_Country": "THA"}]}
    assert [c["field"] for c in referral.diff(local, new)] == ["historic_trafficking_events"]


_part = st.one_of(st.none(), st.sampled_from(["Exploitation", "Transit", "KHM", "x", ""]))


@given(st.tuples(_part, _part, _part, _part),
       st.sets(st.tuples(_part, _part, _part, _part), max_size=4))
def test_a_complete_event_is_known_exactly_when_held(
        key: tuple[str | None, ...], held: set[tuple[str | None, ...]]) -> None:
    complete = tuple(p or "v" for p in key)
    assert referral.event_known(complete, held) == (complete in held)
    assert referral.event_known(complete, held | {complete})
