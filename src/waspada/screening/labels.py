"""The wording of a screening record: travel facts, evidence and sources in Indonesian words.

Every code goes through the one labels catalogue (``platform.labels``: countries by name from
ISO 3166 alpha-2 or alpha-3, tickets, visas, sexes, actions); this module adds what only a
screening record has: interview answers (the questionnaire's own option labels), the matching
engine's words inside evidence, and sources as readable citations instead of the notes that
name internal reference files.
"""

from __future__ import annotations

import re

from waspada.matching.explanation_words import outcome_words
from waspada.platform.labels import codes, countries, country_name, label
from waspada.platform.templating import dates_in_text
from waspada.screening.catalogue import questionnaire

__all__ = ["MATCH_WORDS", "MATCH_WORDS_EN", "answer_label", "citation", "countries",
           "country_name", "dates_in_words", "evidence_words", "fact_value"]


def answer_label(question_code: str, value: str) -> str:
    """The questionnaire's Indonesian label of an answer (free text stays as written)."""
    question = questionnaire().by_code().get(question_code)
    if question is None or not value:
        return value
    return question.option_label(value, "id")


def fact_value(key: str, value: object) -> str:
    """One travel fact in words: countries by name, tickets, visas, purposes, payers."""
    if value is None or value == "" or value == []:
        return ""
    if key in ("destination_country", "transit_countries"):
        return countries(value if isinstance(value, list) else str(value))
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    if key in ("ticket", "visa_type"):
        return label(key, text, "id")
    if key == "stated_purpose":
        return answer_label("purpose", text)
    if key == "who_paid":
        return answer_label("who_paid", text)
    return text


#: the matching engine's outcome words inside "skor kecocokan ...; nama sama; NIK cocok", and
#: in English ("name same; ..."), never its codes (the labels kind ``match_outcome``)
MATCH_WORDS = outcome_words("id")
MATCH_WORDS_EN = outcome_words("en")
_SCORE = re.compile(r"\b(skor (?:kecocokan )?)(\d)\.(\d+)\b")
#: ISO dates (2026-11-29) as Indonesian readers write them (29-11-2026), as the pages do
dates_in_words = dates_in_text


_CODE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz_")


def _is_internal_code(text: str) -> bool:
    parts = text.split(".")
    return len(parts) > 1 and all(part and set(part) <= _CODE_CHARS for part in parts)


_ISO3_LIST = re.compile(r"^[A-Z]{3}(, ?[A-Z]{3})*$")


_WARNINGS_ID = ("Imbauan resmi Pemerintah RI tentang tawaran kerja di luar negeri "
                "(Kemnaker, Kemlu, KP2MI)")
_WARNINGS_EN = ("Official warnings of the Government of Indonesia on job offers abroad "
                "(Kemnaker, Kemlu, KP2MI)")


def evidence_words(evidence: str, lang: str = "id") -> str:
    """A reason's evidence for the record, in ``lang``: codes become words (countries by name,
    tickets, visas, the matching engine's outcomes); internal codes are left out (the reason's
    title already says what they mean)."""
    text = (evidence or "").strip()
    if _ISO3_LIST.match(text):
        return countries(text, lang)
    if text in codes("ticket"):
        ticket = label("ticket", text, lang).lower()
        return f"tiket {ticket}" if lang == "id" else f"{ticket} ticket"
    if text in codes("visa_type"):
        return label("visa_type", text, lang)
    if _is_internal_code(text):  # a document finding code such as traveller.nik_sex_mismatch
        return ""
    words, marker = (MATCH_WORDS, "skor") if lang == "id" else (MATCH_WORDS_EN, "score")
    if marker in text:  # outcome codes in evidence stored before they were written as words
        text = re.sub(r"\b[a-z][a-z0-9_]*\b", lambda m: words.get(m.group(0), m.group(0)), text)
        if lang == "id":  # "skor 0,97", the reader's decimal comma
            text = _SCORE.sub(lambda m: f"{m.group(1)}{m.group(2)},{m.group(3)}", text)
    return dates_in_words(text)


#: what a source note starts with -> the citation printed on the record (Indonesian, English)
CITATIONS: tuple[tuple[str, str, str], ...] = (
    ("ILO/EC 2009", "ILO dan Komisi Eropa (2009), Operational Indicators of Trafficking in "
                    "Human Beings",
     "ILO and European Commission (2009), Operational Indicators of Trafficking in Human "
     "Beings"),
    ("ILO forced-labour indicators", "ILO (2012), ILO Indicators of Forced Labour",
     "ILO (2012), ILO Indicators of Forced Labour"),
    ("Indonesian government warnings", _WARNINGS_ID, _WARNINGS_EN),
    ("government warnings", _WARNINGS_ID, _WARNINGS_EN),
    ("Kemlu case figures", "Data kasus WNI Kementerian Luar Negeri 2024-2025",
     "Ministry of Foreign Affairs (Kemlu), cases of Indonesian nationals 2024-2025"),
    ("UU 18/2017", "UU No. 18 Tahun 2017 tentang Pelindungan Pekerja Migran Indonesia",
     "Law No. 18 of 2017 on the Protection of Indonesian Migrant Workers"),
    ("domain-facts", "UU No. 6 Tahun 2011 tentang Keimigrasian jo. UU No. 63 Tahun 2024; "
                     "SE Dirjen Imigrasi IMI-0277.GR.02.06 Tahun 2017",
     "Law No. 6 of 2011 on Immigration as amended by Law No. 63 of 2024; Circular of the "
     "Director General of Immigration IMI-0277.GR.02.06 of 2017"),
    ("identity", "ICAO Doc 9303 (dokumen perjalanan terbaca mesin); ketentuan NIK "
                 "(UU No. 24 Tahun 2013 jo. UU No. 23 Tahun 2006); Permenkumham No. 18 Tahun 2022",
     "ICAO Doc 9303 (machine-readable travel documents); NIK rules (Law No. 24 of 2013 "
     "amending Law No. 23 of 2006); Permenkumham No. 18 of 2022"),
    ("offers engine", "Analisis tawaran kerja Waspada (katalog indikator dan model teks)",
     "Waspada job-offer analysis (indicator catalogue + text model)"),
    ("watchlist entry", "Daftar pengawasan Waspada, entri", "Waspada watchlist, entry"),
    ("screening", "Berita acara terdahulu", "Earlier record"),
)

#: the part after the colon, in Indonesian
DETAILS: dict[str, str] = {
    "deceptive recruitment": "perekrutan dengan tipu daya",
    "what officers look at": "hal yang diperiksa petugas",
    "purpose and cover story": "tujuan dan alasan perjalanan",
    "itinerary, accommodation": "rencana perjalanan, akomodasi",
    "return ticket": "tiket kembali",
    "earlier departures or postponements": "keberangkatan atau penundaan sebelumnya",
    "retention of identity documents": "penahanan dokumen identitas",
    "debt bondage": "jeratan utang",
    "isolation": "isolasi",
    "abusive living conditions": "kondisi tempat tinggal yang tidak layak",
    "fees asked of applicants": "biaya yang diminta dari pelamar",
    "migration status": "status keimigrasian",
    "travel and recruitment conditions": "syarat perjalanan dan perekrutan",
    "offers by personal social-media accounts": "tawaran dari akun media sosial pribadi",
    "recruitment via WhatsApp/Telegram": "perekrutan lewat WhatsApp/Telegram",
    "recruitment by personal chat accounts": "perekrutan lewat akun chat pribadi",
    "unlicensed agents": "agen tanpa izin",
    "company identity doubtful or unverifiable": "identitas perusahaan meragukan atau tidak "
                                                 "dapat diverifikasi",
    "all departure costs paid by the 'company'": "seluruh biaya keberangkatan dibayar "
                                                  "\"perusahaan\"",
    "travel on a visit/tourist visa instead of a work visa": "bepergian dengan visa kunjungan/"
                                                             "turis, bukan visa kerja",
    "tourist/visit visa for work": "visa turis/kunjungan untuk bekerja",
    "Cambodia is not a placement country": "Kamboja bukan negara penempatan PMI",
    "not a placement country": "bukan negara penempatan PMI",
    "routes via Malaysia, Thailand, the Philippines": "rute lewat Malaysia, Thailand, Filipina",
    "only registered placements are legal (SISKOP2MI)": "hanya penempatan yang terdaftar "
                                                        "(SISKOP2MI) yang sah",
    "ICAO 9303 / NIK / passport rules": "pemeriksaan MRZ, NIK dan paspor",
    "indicator catalogue + text model": "katalog indikator dan model teks",
}

_FILE_NOTE = re.compile(r"\([\w/-]+(?:\.[\w/-]+)*\.(?:md|txt|yaml|py)\)")


def _detail(text: str, lang: str = "id") -> str:
    text = text.strip()
    if lang != "id":  # the notes are written in English
        return text
    if text in DETAILS:
        return DETAILS[text]
    head, bracket, tail = text.partition(" (")
    if bracket and tail.endswith(")") and head in DETAILS:
        return f"{DETAILS[head]} ({_detail(tail[:-1])})"
    return ", ".join(DETAILS.get(p.strip(), p.strip()) for p in text.split(";"))


def citation(source: str, lang: str = "id") -> str:
    """A source note as a readable citation in ``lang``: "ILO/EC 2009: deceptive recruitment"
    -> "ILO dan Komisi Eropa (2009), ...: perekrutan dengan tipu daya"; the notes that name
    internal reference files ("(indicators.md)") lose them."""
    parts = []
    for raw in (source or "").split(";"):
        part = _FILE_NOTE.sub("", raw).strip()
        if not part:
            continue
        for prefix, cited_id, cited_en in CITATIONS:
            if part.startswith(prefix):
                cited = cited_id if lang == "id" else cited_en
                rest = part[len(prefix):].lstrip()
                if rest.startswith("via domain-facts"):
                    rest = rest[len("via domain-facts"):].lstrip()
                if prefix in ("watchlist entry", "screening"):
                    parts.append(f"{cited} {rest}".strip())
                elif rest.startswith(":"):
                    parts.append(f"{cited}: {_detail(rest[1:], lang)}")
                elif rest.startswith("("):
                    detail = f"({_detail(rest.strip('() '), lang)})"
                    # a bracket the citation already holds is not printed twice
                    parts.append(cited if detail in cited else f"{cited} {detail}")
                else:
                    parts.append(cited if not rest else f"{cited} {rest}")
                break
        else:
            parts.append(part)
    return "; ".join(parts) or "-"
