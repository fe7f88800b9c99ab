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


def test_the_scan_page_lists_only_recurring_contacts(role_clients) -> None:  # type: ignore[no-untyped-def]
    analyst = role_clients["analyst"]
    analyst.get("/offers/scan")
    data = (b"id,text\n1,Loker Kamboja WA 0813-1111-2222\n2,Kerja CS WA 081311112222\n"
            b"3,Gaji dolar WA 0813-9999-8888\n")
    page = analyst.post("/offers/scan", files={"upload": ("posts.csv", data, "text/csv")},
                        data={"csrf_token": analyst.cookies.get("waspada_csrf"),
                              "text_field": "text", "id_field": "id"})
    assert page.status_code == 200, page.text[:500]
    table = page.text.split('id="contacts"', 1)[1].split("</table>", 1)[0]
    assert "+6281311112222" in table and "+6281399998888" not in table
