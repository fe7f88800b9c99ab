"""Issue #18: "Kontak yang muncul berulang" listed contacts seen once; now only contacts seen
in two posts or more are listed (the contacts CSV still holds every contact)."""

from __future__ import annotations

from waspada.offers.bulk import aggregate_contacts, recurring_contacts


def _result(post: str, phone: str) -> dict:  # type: ignore[type-arg]  # the scan-result dict shape
    return {"id": post, "level": "high", "entities": {"phones": [{"e164": phone}]}}


def test_only_contacts_seen_in_two_posts_recur() -> None:
    results = [_result("a", "+6281311112222"), _result("b", "+6281311112222"),
               _result("c", "+6281399998888")]
    assert [r["value"] for r in recurring_contacts(results)] == ["+6281311112222"]
    assert len(aggregate_contacts(results)) == 2


# the scan page itself (now a background job) is covered by
# tests/offers/test_scan_job.py::test_recurring_contacts_are_only_those_seen_in_two_posts_or_more
