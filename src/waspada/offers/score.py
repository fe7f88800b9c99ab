"""Rule layer: fire indicators, combine them by group, damp by context, fuse with the model.

Formula (documented in docs/offers.md):

1. Inside each group g, fired indicators combine by noisy-OR:
   ``G_g = 1 - prod(1 - w_i)``.
2. Rule log-odds: ``z_rule = B0 + sum_g BETA_g * G_g + sum_(a,b) GAMMA_ab * G_a * G_b - damp``
   where the interaction terms reward COMBINATIONS (destination x lure, destination x job,
   job x lure, destination x process, control x anything) and ``damp`` comes from
   mitigating contexts (round 4: a statement about the PATTERN across many cases or advice to
   the reader, unless the text is an ACCOUNT of one case; a holiday package; a legal
   placement route). Reporting words alone (korban, polisi, said) do not damp.
3. Fusion with the statistical model: ``z = z_rule + LAMBDA * min(max(0, logit(p_model)),
   MODEL_MAX_LOGIT)``; ``score = sigmoid(z)``. The model may ADD evidence (bounded), never
   subtract it: a phrasing the model has not seen cannot cancel the rules. Round 10: only in
   a text no mitigating context damped (``RuleResult.undamped``, no news frame).
4. Guards: unless indicators with evidence in the text fired in at least two groups (an
   absence such as "no company named" does not count), the score is capped below
   "high" (a single word, or a single kind of signal, never reaches high); a text framed as
   a warning (>= 2 advice cues, or a pattern marker outside an account) with no recruiter
   contact is also capped below high,
   and so is a text with no destination/route, no control sign and no travel/lure signal
   (costs paid, unrealistic pay, tourist visa, documents by chat); so is a general statement
   about many people or offers ("generic_statement" context) that offers no job to anyone and
   gives no recruiter contact.
5. Floors: a job offer naming Cambodia/Myanmar/Laos with no mitigating context is at least
   "medium" (Cambodia is not a placement country: such an offer is non-procedural); a
   DECISIVE indicator (``decisive: true`` in the catalogue: coaching to deceive immigration)
   makes the text at least "high" unless a mitigating context (news, warning, tourism, legal
   placement) damped it; so does one of the ``STRONG_RULES`` combinations in a text that
   offers or promises a job to someone (``offer_frame`` context or a personal account).
   Round 7: an offer abroad read by the word classes (``classes.py``) is at least "medium"
   with one more signal and "high" with two or one strong one (``class_level``).
   Round 10: a confident text-model "yes" (``p >= MODEL_MEDIUM_P``) in a text that makes an
   offer or tells one case, of 15+ words, that no mitigating context damped
   (``RuleResult.undamped``, not a news/warning frame) is at least "medium",
   never more (``model_raises``): the model, retrained on a second independently written
   corpus, asks for a review.
   Round 12: a very confident "yes" (``p >= MODEL_HIGH_P``) under the same gate makes "high"
   a text the rules ALONE already put at medium (``model_raises_high``); the threshold was
   chosen on the four authored corpora, not on the real parts.
   Round 14: an extremely confident "yes" (``p >= MODEL_LOW_HIGH_P``) under the same gate
   makes "high" a text the rules alone put at LOW (``model_raises_high_from_low``); chosen by
   round 12's rule (test splits and out-of-fold train splits: no look-alike added).

Monotone by construction: every weight and coefficient is positive, damping and caps are
lifted (never imposed) by more indicators, floors only rise with more indicators, and the
model term is non-negative. So adding a red flag never lowers the score
(tests/offers/test_offers_monotone.py checks it over random indicator subsets).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from waspada.offers.agencies import AgencyMatch, match_agency
from waspada.offers.catalogue import GROUPS, Catalogue, context_hits, find_matches
from waspada.offers.classes import (
    NO_PLACE_CODES,
    OUTCOME_SIGNAL,
    SIGNAL_CODES,
    STRONG_SIGNALS,
    ClassHits,
    find_classes,
)
from waspada.offers.extract import Entities
from waspada.offers.normalise import Normalised
from waspada.offers.prefilter import word_starts

B0 = -4.2
BETA = {"destination": 2.4, "job": 1.3, "lure": 2.0, "process": 1.6, "control": 3.0}
GAMMA = {
    ("destination", "lure"): 2.0,
    ("destination", "job"): 1.6,
    ("job", "lure"): 1.2,
    ("destination", "process"): 1.2,
    ("control", "destination"): 2.5,
    ("control", "job"): 1.0,
    ("control", "lure"): 1.0,
    ("job", "process"): 0.8,
    ("lure", "process"): 1.0,
}
LAMBDA = 0.6
MODEL_MAX_LOGIT = 2.5
"""The model adds at most LAMBDA * 2.5 = 1.5 log-odds: it can lift a borderline text one step,
never carry a text with weak rule evidence to "high" on its own."""
MODEL_MEDIUM_P = 0.7
"""Round 10: model probability from which an undamped text is at least "medium". Round 12b:
re-chosen on the authored corpora for the round-12 model by a rule fixed in advance (the smallest
T lifting no more look-alikes on the four test splits than the round-11 engine did): 0.70 kept
(docs/offers.md, "Round 12b: the medium floor re-chosen")."""
MODEL_MEDIUM_FLOOR = 0.45
MODEL_MIN_WORDS = 15
"""The model's vote sets the floor only in a text of at least this many words: in a one-line
text ("Adik saya dijanjikan kerja di Brunei.") its probability rests on two or three n-grams
of the voice, not on facts."""
MODEL_FRAMES = ("account", "offer")
"""...and only in a text that makes an offer or tells one case (``decide_frame``): everyday
chat and promotions, which the model was not trained on, are neither."""
MODEL_HIGH_P = 0.97
"""Round 12: model probability from which an undamped offer or account of ``MODEL_MIN_WORDS``+
words that the RULES ALONE already put at medium is "high" (``model_raises_high``).

Chosen on the authored corpora only, before the real parts were read for it: the smallest
threshold at which no look-alike of the second, third and fourth corpora's test splits, nor
of their train splits scored out of fold (5 folds), would be lifted (test splits: 8 risky, 0
look-alikes; out of fold: 16 and 0). See docs/offers.md, round 12.

Round 16: 0.97 (was 0.80), by the same rule rerun with the model retrained on the fifth corpus
(``bench/offers_model_floor.py --scope medium``; the engine without this floor): one look-alike
of the third corpus scored out of fold at p 0.964 is added at every T up to 0.95; at 0.97 none
(test splits: 6 risky, 0 look-alikes; out of fold: 13 and 0). The same script on the round-15
branch (the round-12 model, the rules of rounds 13-15) already gave 0.95. See docs/offers.md,
round 16."""
MODEL_LOW_HIGH_P = 0.97
"""Round 14: model probability from which an undamped offer or account of ``MODEL_MIN_WORDS``+
words that the RULES ALONE put at LOW is "high" (``model_raises_high_from_low``). Never below
``MODEL_HIGH_P`` (so a text the rules call medium needs no more than one they call low: the
floor stays monotone in the indicators).

Chosen by round 12's rule, fixed before the real parts were read
(``bench/offers_model_floor.py``): the smallest of 0.80, 0.85, 0.90, 0.95, 0.97, 0.99 at which
no look-alike of the four test splits (shipped model) nor of the authored train splits scored
out of fold (5 fold models) is added at high (test splits: 5 risky, 0 look-alikes; out of
fold: 9 and 0; at 0.95 one look-alike out of fold). See docs/offers.md, round 14."""
MODEL_HIGH_FLOOR = 0.70
"""The floor a confident model "yes" sets (``model_raises_high``,
``model_raises_high_from_low``): the high level."""
GENRE_CAP_P = 0.60
"""Round 17: the genre model's "general" probability at or above which a text without a
recruiter contact, without one identified person's account and without decisive coaching stays
below high (:func:`genre_caps`). 0.60 is what the rule fixed first chose (the smallest value of
a fixed grid at which no risky text that is high at the defaults loses high on the authored
test splits and on the authored train splits scored out of fold, ``bench/offers_genre.py``).
On the real development parts dev … heldout13 it costs 12 risky highs for 4 false highs; on the
pseudo-held-out parts heldout14-16 1 risky high for 5 of their 6 false highs. The maintainer
fixed 0.60 on that evidence before the blind part heldout17 was scored (docs/offers.md,
round 17), where it cost 2 risky highs for 1 false high."""
HIGH_PAY_IDR = 8_000_000.0
"""Monthly pay (IDR) above which unskilled-job pay counts as unrealistic."""
LEVELS = (("low", 0.0), ("medium", 0.35), ("high", 0.65))
LEVEL_LABELS = {"low": ("Rendah", "Low"), "medium": ("Sedang", "Medium"),
                "high": ("Tinggi", "High")}
REPORT_DAMP_CUES = 2
"""Advice to the reader damps from its first cue; pattern markers from the second (one stray
"biasanya" in a long chat caps the level below high, it does not pull a strong offer to low)."""
SINGLE_GROUP_CAP = 0.6
NEWS_FRAME_CAP = 0.6
NEWS_FRAME_CUES = 3
WARNING_FRAME_CUES = 2
"""A text with >= 3 distinct news cues, or >= 2 distinct warning/advice cues ("itu penipuan",
"jangan kirim", "hati-hati", "beware"...), and no recruiter contact (phone, WhatsApp,
Telegram) reads as news or a warning ABOUT offers: capped below high."""
RISKY_DEST = {"DEST_CAMBODIA", "DEST_MYANMAR", "DEST_LAOS"}
SCAM_HUBS = frozenset(RISKY_DEST | {"DEST_PHILIPPINES_HUB"})
ABROAD = frozenset({"DEST_CAMBODIA", "DEST_MYANMAR", "DEST_LAOS", "DEST_PHILIPPINES_HUB",
                    "DEST_DUBAI_TRANSFER", "DEST_GULF", "DEST_ABROAD_VAGUE", "ROUTE_TRANSIT",
                    "ROUTE_LAND_BORDER", "PAY_FOREIGN_CURRENCY", "DEST_SEA_TRANSIT"})
ABROAD_ANY = ABROAD | {"DEST_PLACEMENT_ABROAD"}
"""Any place abroad, including the legal placement countries (Japan, Korea, Taiwan...): used
only with a fee or an unofficial channel, never with a lure alone (round 5)."""
FEE_CHANNEL = (frozenset({"PROC_FEE_DEMANDED"}), frozenset({"PROC_INFORMAL_RECRUITER",
                                                             "PROC_PERSONAL_CHAT",
                                                             "PROC_STRANGER_CONTACT"}))
"""A fee demanded AND an individual channel (a sponsor, a broker, an LPK acting as recruiter, a
neighbour, a chat account): a legal-route word does not excuse it (round 5; ID-GOV: placement
costs are borne by the employer or set by the rules, never paid to a person)."""
UNOFFICIAL = frozenset({"PROC_STRANGER_CONTACT", "PROC_PERSONAL_CHAT", "PROC_NO_COMPANY",
                        "AGENCY_NOT_REGISTERED", "PROC_FEE_DEMANDED", "PROC_INFORMAL_RECRUITER"})
COMPOUND_ROLES = frozenset({"JOB_SCAM_ROLE", "JOB_LANGUAGE_ONLY"})
"""Jobs the scam compounds recruit for: customer service, admin, operator, typing, language-only."""
LURES_ABROAD = frozenset({"LURE_HIGH_PAY", "LURE_COSTS_PAID", "JOB_SCAM_ROLE", "JOB_LANGUAGE_ONLY",
                          "JOB_GAMBLING_SCAM", "JOB_GAME_CRYPTO", "PROC_TOURIST_VISA"})
"""What moves people across a border in these cases: unrealistic pay, costs paid, a compound
role, illegal work, a tourist visa for work (ID-GOV, OHCHR-2023, INTERPOL-2023)."""
UNOFFICIAL_CHANNEL = frozenset({"PROC_STRANGER_CONTACT", "PROC_INFORMAL_RECRUITER",
                                "PROC_FEE_DEMANDED", "PROC_PERSONAL_CHAT", "PROC_TOURIST_VISA",
                                "PROC_SKIP_OFFICIAL"})
STRONG_RULES: dict[str, tuple[tuple[frozenset[str], bool], ...]] = {
    # name: every (codes, needs evidence in the text) slot must have one fired code
    "illegal_work": ((frozenset({"JOB_GAMBLING_SCAM"}), True),),
    "scam_hub_job": ((SCAM_HUBS, True),),
    "passport_held": ((frozenset({"CONTROL_PASSPORT_HELD"}), True),),
    "tourist_visa_work": ((frozenset({"PROC_TOURIST_VISA"}), True),
                          (frozenset({"JOB_SCAM_ROLE", "JOB_GAMBLING_SCAM", "JOB_GAME_CRYPTO",
                                      "LURE_HIGH_PAY", "LURE_COSTS_PAID"}), False)),
    "abroad_costs_paid": ((ABROAD, True), (frozenset({"LURE_COSTS_PAID"}), True),
                          (UNOFFICIAL | {"LURE_HIGH_PAY"}, False)),
    "skip_official": ((frozenset({"PROC_SKIP_OFFICIAL"}), True),
                      (ABROAD | {"LURE_HIGH_PAY", "LURE_COSTS_PAID", "LURE_FAST_DEPARTURE"}, True)),
    "land_route_job": ((frozenset({"ROUTE_LAND_BORDER"}), True),
                       (frozenset({"JOB_SCAM_ROLE", "JOB_GAMBLING_SCAM", "JOB_GAME_CRYPTO",
                                   "LURE_HIGH_PAY", "LURE_COSTS_PAID"}), True)),
    "religious_pretext_job": ((frozenset({"LURE_RELIGIOUS_PRETEXT"}), True),
                              (UNOFFICIAL | {"LURE_HIGH_PAY", "LURE_COSTS_PAID"}, False)),
    "abroad_false_channel": ((ABROAD, True),
                             (frozenset({"PROC_GOV_CLAIM", "LURE_RELIGIOUS_PRETEXT",
                                         "PROC_SKIP_OFFICIAL"}), True)),
    # Round 3 (issue #15): the compound lure without a scam-hub name.
    "sea_compound_lure": ((frozenset({"DEST_SEA_TRANSIT", "ROUTE_TRANSIT"}), True),
                          (COMPOUND_ROLES, True),
                          (frozenset({"LURE_HIGH_PAY", "LURE_COSTS_PAID", "PROC_TOURIST_VISA",
                                      "LURE_NO_EXPERIENCE"}), True)),
    "abroad_pay_lure": ((ABROAD, True), (frozenset({"LURE_HIGH_PAY"}), True),
                        (frozenset({"LURE_NO_EXPERIENCE", "PROC_INFORMAL_RECRUITER",
                                    "PROC_PERSONAL_CHAT", "PROC_FEE_DEMANDED"}), True)),
    "role_pay_lure": ((COMPOUND_ROLES, True), (frozenset({"LURE_HIGH_PAY"}), True),
                      (frozenset({"LURE_NO_EXPERIENCE", "LURE_COSTS_PAID"}), True)),
    # Round 4 (issue #15): a place abroad named in an offer, with the lure that moves people.
    "abroad_lure": ((ABROAD - {"PAY_FOREIGN_CURRENCY"}, True), (LURES_ABROAD, True)),
    "hub_land_route": ((SCAM_HUBS, True), (frozenset({"ROUTE_LAND_BORDER"}), True)),
    # Round 5 (issue #15): a fee paid to a person for a job abroad, whatever the country.
    "abroad_fee_channel": ((ABROAD_ANY, True), (FEE_CHANNEL[0], True), (FEE_CHANNEL[1], True)),
    # Round 6: a fee for a job abroad, whoever takes it (UU 18/2017: placement costs may not be
    # charged to the migrant worker; a legal-route word still excuses it unless a person takes
    # the money, see ``FEE_CHANNEL``). Needs an offer or an account, not only the two words.
    "abroad_fee": ((ABROAD_ANY, True), (frozenset({"PROC_FEE_TO_LEAVE"}), True)),
    # Round 5: first contact by a stranger on social media, with a lure or a place abroad.
    "stranger_offer": ((frozenset({"PROC_STRANGER_CONTACT"}), True),
                       (ABROAD_ANY | {"LURE_HIGH_PAY", "LURE_COSTS_PAID", "LURE_NO_EXPERIENCE"}
                        | COMPOUND_ROLES, True)),
}
"""Combinations an officer acts on (issue #15): any ONE of them, in a text that offers or
promises a job to someone (``offer_frame`` context, or a victim's/relative's account), has
no mitigating context, gives the reader no warning or advice (``warning_advice``), names
no legal placement route (work visa, SISKOP2MI, licensed agency: ``legal_placement``; this
does not excuse a control sign such as a passport taken) and is
not a general statement about many people or offers (``generic_statement``: "many were
promised...", "job offers with high salaries are...", "there is never a job offer in...")
unless it is a personal account or gives a recruiter's contact, lifts the score to
``STRONG_FLOOR`` ("high"):

* illegal_work - a job in online gambling/casinos/"scam" work (a crime in Indonesia; the
  main route into scam compounds: UNODC-2024, OHCHR-2023);
* scam_hub_job - a job in Cambodia/Myanmar/Laos or a known hub (not placement countries:
  the offer is non-procedural by definition, ID-GOV);
* passport_held - the passport is to be handed over (ILO-FL);
* tourist_visa_work - work on a tourist/visit visa (INTERPOL-2023, ID-GOV);
* abroad_costs_paid - work abroad + costs paid by the "company" + unrealistic pay or an
  unofficial channel (ID-GOV; the debt-bondage pattern, ILO-FL);
* skip_official - told not to register with the labour office/SISKOP2MI, for a job abroad or
  with travel lures (ID-GOV: the definition of a non-procedural placement);
* land_route_job - a job reached by a land crossing after the flight ("picked up at the
  border"), with a scam-compound role or a lure (OHCHR-2023, ID-IMIGRASI);
* religious_pretext_job - hajj-season/umrah work or a religious bonus, with unrealistic
  pay, costs paid or an unofficial channel (ID-KEPMEN260: placement with individual employers
  in Saudi Arabia is closed);
* abroad_false_channel - work abroad + a government-partnership or religious pretext or "no
  need to register", with no legal placement route named (the Gulf construction and hajj-season
  hoaxes: ID-KEPMEN260, ID-GOV);
* sea_compound_lure - a job in Thailand/Vietnam/Malaysia/Singapore (or a route through them)
  + a scam-compound role (CS, admin, operator, typing) + unrealistic pay, costs paid, a
  tourist visa or "no experience" (the advertised country before the land crossing:
  OHCHR-2023, ID-IMIGRASI);
* abroad_pay_lure - work abroad (any destination sign or pay in a foreign currency) +
  unrealistic pay + "no experience"/easy work or an informal channel (a friend, neighbour,
  broker or chat account, a fee); a role alone is not enough: an experienced marketing
  executive in Kuala Lumpur is legitimately paid more than 8 juta (ID-GOV);
* role_pay_lure - a compound role + unrealistic pay + "no experience"/easy work or costs
  paid: the offer an officer acts on even when the fragment names no country (ID-GOV);
* abroad_fee_channel (round 5) - a place abroad, ANY country including Japan, Korea or Taiwan
  (``DEST_PLACEMENT_ABROAD``), + a fee demanded + an individual channel (sponsor, broker, an
  LPK acting as recruiter, a neighbour, a chat or stranger's account): needs no offer wording
  and is not excused by a legal-route word (ID-GOV: placement costs are never paid to a person);
* stranger_offer (round 5) - first contact by a stranger or an unidentified social-media
  account, with a place abroad, a lure or a compound role (OHCHR-2023: recruitment by
  strangers on Facebook/Telegram).
"""
PROMISE_RULES = frozenset({"account_placement_pay", "account_channel_pay"})
"""Round 6: account combinations that also need the text to TELL a promise ("dijanjikan",
"diiming-imingi", "were promised": ``offer_told``) - a neighbour who works in Korea for 25 juta
is not an offer; a neighbour who PROMISED 25 juta is."""
ROUTE_RULES = frozenset({"hub_land_route", "abroad_fee_channel"})
"""Strong combinations that need no offer wording: an overland route into Cambodia/Myanmar/
Laos is itself the recruiter's plan ("dari Dumai lewat laut ke Malaysia, baru darat ke
Kamboja"; OHCHR-2023, ID-IMIGRASI); so is money paid to a person (a sponsor, a broker, an LPK, a
chat account) to be sent abroad (round 5: "sudah saya setor Rp 40 juta ... direktur LPK ...
ke Jepang" is the transaction itself, with or without an offer verb)."""
ACCOUNT_RULES: dict[str, tuple[tuple[frozenset[str], bool], ...]] = {
    "account_pay_lure": ((ABROAD | COMPOUND_ROLES | {"JOB_GAME_CRYPTO"}, True),
                         (frozenset({"LURE_HIGH_PAY", "LURE_COSTS_PAID"}), True)),
    "account_abroad_channel": ((ABROAD, True), (UNOFFICIAL_CHANNEL | {"LURE_COSTS_PAID"}, True)),
    "account_placement_channel": ((frozenset({"DEST_PLACEMENT_ABROAD"}), True),
                                  (frozenset({"PROC_INFORMAL_RECRUITER", "PROC_FEE_DEMANDED",
                                              "PROC_TOURIST_VISA", "PROC_PERSONAL_CHAT",
                                              "PROC_STRANGER_CONTACT", "PROC_GOV_CLAIM",
                                              "PROC_SKIP_OFFICIAL"}), True)),
    # Round 6: what ONE person was promised, told as a whole: a legal placement country with
    # unrealistic pay (the Korea/Japan fee frauds: "dijanjikan kerja di Korea, gaji 25 juta"),
    # or an individual channel with unrealistic pay even with no country ("informasinya dari
    # tetangga ... dijanjikan gaji 28 juta").
    "account_placement_pay": ((frozenset({"DEST_PLACEMENT_ABROAD"}), True),
                              (frozenset({"LURE_HIGH_PAY"}), True)),
    "account_channel_pay": ((frozenset({"PROC_INFORMAL_RECRUITER", "PROC_STRANGER_CONTACT",
                                        "PROC_PERSONAL_CHAT"}), True),
                            (frozenset({"LURE_HIGH_PAY"}), True)),
    "account_paid_travel": ((frozenset({"LURE_HIGH_PAY"}), True),
                            (frozenset({"LURE_COSTS_PAID", "PROC_FEE_DEMANDED"}), True)),
}
"""Extra combinations for an ACCOUNT OF ONE CASE (a named person, initials, "dalam kasus ini",
a victim's or relative's own words) that describes what was offered: the account is not a
warning, and what it describes is an offer (the labelling rule of data/offers/real/README.md):

* account_pay_lure - a place abroad (or pay in a foreign currency) or a compound role, with
  unrealistic pay or costs paid ("ia awalnya dijanjikan upah 600 dollar AS");
* account_abroad_channel - a place abroad with an unofficial channel (a friend, a sponsor, a
  fee, a chat account, a tourist visa) or costs paid;
* account_placement_channel - a legal placement country (Japan, Korea, Taiwan...) reached
  through a sponsor, a broker, a neighbour, a chat account, a fee or a tourist visa (round 5:
  the Korea/Japan/New Zealand fee frauds; a legal destination does not make the channel legal);
* account_paid_travel - unrealistic pay with the travel paid by the "company" or a fee
  already paid to the recruiter ("sudah habis Rp 90 juta karena diiming-imingi digaji Rp 30
  juta").

An account is a named person, initials or an age ("Wildan (28)"), "dalam kasus ini", a
relative ("anaknya"), or the first person (``case_account``, ``personal_account``); a text
that TELLS an offer ("dijanjikan", "diiming-imingi", "were promised": ``offer_told``) counts
as an account only when it has no pattern marker and no advice.
"""
STRONG_FLOOR = 0.7
RISKY_JOB_FLOOR = 0.45
"""A job offer naming Cambodia/Myanmar/Laos is at least medium: Cambodia is not a placement
country for Indonesian workers, so such an offer is non-procedural (ID-GOV)."""
DECISIVE_FLOOR = 0.7
CLASS_MEDIUM_FLOOR = 0.45
"""Round 7: an offer abroad told or made with one more signal is worth a check (medium)."""
"""A decisive indicator (coaching to lie to immigration) alone is a level an officer acts on."""
PERSONAL_FORGIVEN_CUES = 2
"""A relative's or victim's own account ("anak saya ditawari...", "katanya gaji 15 juta")
uses some reporting words; that many news cues are not counted when the text speaks in the
first person or about a relative (``personal_account`` context)."""
NO_TRAVEL_CAP = 0.6
TRAVEL_SIGNALS = {"LURE_COSTS_PAID", "LURE_HIGH_PAY", "PROC_TOURIST_VISA", "PROC_DOCS_BY_CHAT",
                  "LURE_RELIGIOUS_PRETEXT", "PROC_SKIP_OFFICIAL"}
"""Without a destination/route, a control sign, or one of these travel/lure signals, an
offer is capped below high (a local job with a WhatsApp number is not a trafficking lure)."""

_OFFER_RE = re.compile(
    r"\b(?:lowongan|loker|dibutuhkan|dicari|mencari|rekrut\w*|hiring|vacanc\w*|job|jobs|kerja|"
    r"bekerja|pekerjaan|posisi|position|karyawan|pegawai|staff|gaji|salary|penempatan|"
    r"recruit\w*|apply|lamar\w*)\b")


_NAME = r"(?:[A-Z][a-z]{2,}|[A-Z]{1,3})"
"""A capitalised name or initials; round 15: one letter too ("A tergiur tawaran ..."), as the
Indonesian press writes a victim's or suspect's initial."""
_NAMED_CASE_RE = re.compile(
    rf"\b({_NAME})(?: [A-Z][a-z]{{2,}})?(?: \(\d{{1,2}}\)|, \d{{2}},)"
    rf"|\b({_NAME})(?: [A-Z][a-z]{{2,}})?,? (?:(?:awalnya|mulanya|sebelumnya|pun|juga|sempat|"
    rf"mengaku|merasa|initially|first|had|once|again|also) ){{0,2}}(?:diiming|diming|dijanji|"
    rf"ditawari|menerima tawaran|mendapat(?:kan)? tawaran|tergiur|tertarik|pamit|melamar|"
    rf"was (?:(?:once|again|also|first|initially|later|then) ){{0,2}}(?:offered|promised|lured|"
    rf"told|approached|recruited|enticed|duped|tricked|deceived))")
_NOT_NAMES = frozenset({
    "Mereka", "Para", "Banyak", "Korban", "Ia", "Dia", "Kami", "Kita", "Saya", "Aku", "Awalnya",
    "Mulanya", "They", "Many", "Most", "The", "Victims", "Some", "Namun", "Lalu", "Kemudian",
    "Sebelumnya", "Selain", "Dalam", "Sejak", "Menurut", "Pelaku", "Perekrut", "Warga", "WNI",
    "PMI", "TKI", "TKW", "CPMI", "Pemerintah", "Polisi", "Jobseekers", "Filipinos", "Indonesians",
    "Thais", "Calon", "Pencari", "Anak", "Setelah", "Saat", "Ketika", "Dengan", "Tapi", "Bahkan",
    "Sementara", "Sebagian", "Hampir", "Semua", "Tidak", "Modus", "Masyarakat", "Pekerja",
    "Pelamar", "Orang", "People", "Workers", "Recruiters", "Those", "These", "Mahasiswa",
    "Remaja", "Pemuda", "Wanita", "Pria", "Perempuan", "Gadis", "Seorang", "Salah", "Agen",
    "Sponsor", "Calo", "Jika", "Kalau", "Bila", "Apabila", "When", "Once", "After", "Before",
    "Then", "Who", "Which", "This", "That", "Its", "His", "Her", "Their", "You", "Anda", "Kamu",
    "Tersangka", "Petugas", "Imigrasi", "Kemlu", "KBRI", "BP2MI", "Kemnaker", "Disnaker", "Yang",
    "Ada", "Tak", "Also", "Jadi", "Sehingga", "Karena", "Because", "Since", "Dari", "From",
    "Untuk", "For", "And", "Dan", "Atau", "Hingga", "Until", "Ini", "Itu",
})


def named_case_hits(original: str) -> int:
    """Cues that a text tells ONE person's case: "Wildan (28)", "Andra, 27,", "SR mengaku
    tergiur", "Irma diiming-imingi" (a capitalised name or initials before an offer verb).
    Read on the original text (case matters); common sentence-initial words are not names."""
    hits = set()
    for m in _NAMED_CASE_RE.finditer(original):
        name = m.group(1) or m.group(2)
        if name not in _NOT_NAMES:
            hits.add(m.group(0))
    return len(hits)


@dataclass
class Fired:
    code: str
    spans: list[tuple[int, int]] = field(default_factory=list)  # original offsets
    detail: str | None = None


@dataclass
class RuleResult:
    fired: dict[str, Fired]
    groups: dict[str, float]
    contexts: dict[str, int]
    z_rule: float
    damp: float
    agencies: list[dict[str, object]]
    news_frame: bool = False
    travel_signal: bool = True
    risky_job: bool = False
    evidence_groups: int = 0
    decisive: bool = False
    strong: tuple[str, ...] = ()
    general_statement: bool = False
    frame: str = "none"
    class_floor: float = 0.0
    class_signals: tuple[str, ...] = ()
    class_no_place: bool = False
    undamped: bool = False
    """No damping, no warning/advice cue, no legal-route excuse, not a general statement: the
    gate of every floor (strong combinations, word classes, the model's medium floor)."""
    has_contact: bool = False
    """A recruiter contact (phone, WhatsApp, Telegram) is in the text (round 17: recorded for
    the genre cap, which, like the news frame, does not apply to a text that gives one)."""
    words: int = 0
    """Words in the normalised text (set by ``evaluate_rules``; the model's floor needs
    ``MODEL_MIN_WORDS``)."""
    starts: frozenset[str] | None = field(default=None, repr=False, compare=False)
    """Round 12 (throughput): ``prefilter.word_starts`` of the normalised text (set by
    ``evaluate_rules``), so the class evidence is read at the same word starts."""


def _sigmoid(z: float) -> float:
    z = max(-50.0, min(50.0, z))
    return 1.0 / (1.0 + math.exp(-z))


def logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def level_for(score: float) -> str:
    lvl = "low"
    for name, thr in LEVELS:
        if score >= thr:
            lvl = name
    return lvl


def evaluate_rules(cat: Catalogue, norm: Normalised, ents: Entities,
                   agencies: list[str] | None = None) -> RuleResult:
    """Fire the catalogue on a normalised text and compute the rule log-odds."""
    text = norm.text
    fired: dict[str, Fired] = {}
    offer_like = bool(_OFFER_RE.search(text))

    seen: dict[str, set[tuple[int, int]]] = {}

    def add(code: str, spans: list[tuple[int, int]], detail: str | None = None) -> None:
        f = fired.setdefault(code, Fired(code))
        have = seen.setdefault(code, set(f.spans))  # a set: `sp in list` was quadratic
        for sp in spans:
            if sp not in have:
                have.add(sp)
                f.spans.append(sp)
        if detail:
            f.detail = detail

    starts = word_starts(text)  # once: every indicator's prefilter reads it
    for ind in cat.indicators:
        spans = [norm.span(a, b) for a, b in find_matches(ind, norm, starts)]
        if ind.computed == "high_pay":
            pay = [a for a in ents.amounts if a.is_pay and a.idr_per_month_max >= HIGH_PAY_IDR]
            if pay:
                spans += [(a.start, a.end) for a in pay]
                add(ind.code, spans, f"max {max(a.idr_per_month_max for a in pay):,.0f} IDR/month")
            elif spans:
                add(ind.code, spans)
        elif ind.computed == "foreign_pay":
            foreign = [a for a in ents.amounts if a.is_pay and a.currency != "IDR"]
            if foreign or spans:
                add(ind.code, spans + [(a.start, a.end) for a in foreign],
                    ", ".join(sorted({a.currency for a in foreign})))
        elif ind.computed == "contact":
            if offer_like:
                for lst in (ents.whatsapp, ents.telegram):
                    spans += [(e["start"], e["end"]) for e in lst]
                if not ents.emails and not ents.urls:
                    spans += [(e["start"], e["end"]) for e in ents.phones]
            if spans:
                add(ind.code, spans)
        elif ind.computed == "no_company":
            if spans:
                add(ind.code, spans)
            elif offer_like and not ents.companies and not [
                d for d in ents.domains if d not in ("wa.me", "whatsapp.com", "t.me", "gmail.com")
            ] and (ents.whatsapp or ents.telegram or ents.phones or ents.amounts):
                add(ind.code, [], "no company or website named")
        elif ind.computed == "agency":
            continue
        elif spans:
            add(ind.code, spans)

    agency_rows: list[dict[str, object]] = []
    registered = 0
    if agencies is not None and ents.companies:
        looked_up: dict[str, AgencyMatch] = {}  # a name repeated 1,000 times is looked up once
        for c in ents.companies:
            name = str(c["name"])
            m = looked_up.get(name) or looked_up.setdefault(name, match_agency(name, agencies))
            agency_rows.append({"name": c["name"], "start": c["start"], "end": c["end"],
                                **m.to_dict()})
            if m.status == "not_found":
                add("AGENCY_NOT_REGISTERED", [(int(c["start"]), int(c["end"]))])
            else:
                registered += 1

    contexts = {c.name: context_hits(c, text, starts) for c in cat.contexts}
    if "case_account" in contexts:
        contexts["case_account"] += named_case_hits(norm.original)
    has_contact = bool(ents.phones or ents.whatsapp or ents.telegram)
    rule = combine(cat, fired, contexts, has_contact=has_contact, registered=registered,
                   agency_rows=agency_rows, classes=find_classes(text, words=starts))
    rule.words = len(text.split())
    rule.starts = starts
    return rule


def combine(cat: Catalogue, fired: dict[str, Fired], contexts: dict[str, int], *,
            has_contact: bool, registered: int = 0,
            agency_rows: list[dict[str, object]] | None = None,
            classes: ClassHits | None = None) -> RuleResult:
    """Rule log-odds, damping and guard flags from the fired indicators and context counts.

    Pure and monotone: a superset of fired indicators never gives a lower result.
    """
    by_code = {i.code: i for i in cat.indicators}
    groups = {g: 0.0 for g in GROUPS}
    survive = {g: 1.0 for g in GROUPS}
    for code in fired:
        ind = by_code[code]
        survive[ind.group] *= 1.0 - ind.weight
    for g in GROUPS:
        groups[g] = 1.0 - survive[g]

    z = B0 + sum(BETA[g] * groups[g] for g in GROUPS)
    z += sum(w * groups[a] * groups[b] for (a, b), w in GAMMA.items())

    contexts = dict(contexts)
    if registered:
        contexts["legal_placement"] = contexts.get("legal_placement", 0) + registered
    ctx_w = {c.name: c.weight for c in cat.contexts}
    damp = 0.0
    frame = decide_frame(contexts)
    account, pattern, warn = frame.account, frame.pattern, frame.advice
    # PATTERN vs ACCOUNT (round 4): reporting words (korban, polisi, said...) do not damp; a
    # statement about the pattern across many cases or advice to the reader does, unless the
    # text is an account of one case (then the pattern words describe that case).
    report = warn + max(0, pattern - (REPORT_DAMP_CUES - 1))
    if report and not has_contact:
        damp += ctx_w["news_warning"] * min(report, 5)
    # Round 5: a fee demanded by a person (sponsor, broker, LPK, chat account) is not excused by
    # a legal-route word ("LPK", "visa kerja", "resmi"): the words are the cover of the fraud.
    # Round 6: nor by a holiday word ("per orang"): money paid to a person to be sent abroad is
    # not a holiday package.
    with_evidence = {c for c, f in fired.items() if f.spans}
    fee_channel = all(codes & with_evidence for codes in FEE_CHANNEL)
    # Round 9: a holiday package pays no salary - unrealistic pay with evidence switches the
    # tourism damping off ("approached by a travel agency ... a position paying Rs 1 lakh per
    # month"); and a legal-route word does not excuse travelling to work on a tourist visa
    # ("menggunakan visa turis, bukan visa kerja"; an LPK that sends trainees on one): UU
    # 18/2017 places workers on work visas only. Both only lower the damping (monotone).
    tour = contexts.get("tourism", 0)
    if tour and groups["job"] < 0.5 and not fee_channel and "LURE_HIGH_PAY" not in with_evidence:
        damp += ctx_w["tourism"] * min(tour, 2)
    legal = contexts.get("legal_placement", 0)
    if legal and (fee_channel or "PROC_TOURIST_VISA" in with_evidence):
        legal = 0
    if legal and not (RISKY_DEST & fired.keys()) and groups["control"] < 0.5:
        damp += ctx_w["legal_placement"] * min(legal, 3)
    z -= damp
    news_frame = bool(pattern or warn >= WARNING_FRAME_CUES) and not has_contact
    travel_signal = (groups["destination"] > 0 or groups["control"] > 0
                     or bool(TRAVEL_SIGNALS & fired.keys()))
    risky_job = bool(RISKY_DEST & fired.keys()) and groups["job"] > 0 and damp == 0.0
    # Groups backed by evidence in the text (absence-based signals do not count).
    evidence_groups = len({by_code[c].group for c, f in fired.items() if f.spans})
    decisive = damp == 0.0 and any(by_code[c].decisive and f.spans for c, f in fired.items())
    offered = bool(contexts.get("offer_frame", 0) or account)
    strong: tuple[str, ...] = ()
    generic = bool(pattern) and not has_contact
    # A legal-route word does not excuse a control sign (same rule as the damping above).
    legal_excuse = legal and groups["control"] < 0.5
    undamped = damp == 0.0 and not warn and not legal_excuse and not generic
    if undamped:
        strong = strong_combinations(fired, account=bool(account), offered=offered,
                                     told=bool(contexts.get("offer_told", 0)))
    class_floor = 0.0
    class_signals: tuple[str, ...] = ()
    if classes is not None and (classes.anchor or classes.no_place) and undamped:
        class_floor, class_signals = class_level(
            classes, with_evidence, one_person=one_person(contexts),
            lure_told=bool(contexts.get("lure_told", 0)))
        if class_floor >= STRONG_FLOOR:
            prefix = "offer_told_" if classes.no_place else "offer_abroad_"
            strong = (*strong, prefix + "_".join(class_signals))
    return RuleResult(fired=fired, groups=groups, contexts=contexts, z_rule=z, damp=damp,
                      agencies=agency_rows or [], news_frame=news_frame,
                      travel_signal=travel_signal, risky_job=risky_job,
                      evidence_groups=evidence_groups, decisive=decisive, strong=strong,
                      general_statement=bool(generic), frame=frame.kind, undamped=undamped,
                      class_floor=class_floor, class_signals=class_signals,
                      class_no_place=bool(classes is not None and classes.no_place),
                      has_contact=has_contact)


ONE_PERSON_SIGNALS = frozenset({"pay", "fee_asked", "irregular"})
"""Round 15: the signals that, near an offer abroad told as ONE person's case, make it "high"
(``class_level``; the strong signals already do without the account). Not the signals a
lawful employer gives too - a recruiting company or hospital (``channel``), a flight paid by
the employer (``costs_covered``: UU 18/2017 puts placement costs on the employer), a payroll
deduction (``debt``), a factory operator's post (``role``): relatives' accounts of legal
departures say exactly those (the authored corpora's look-alikes)."""


ONE_PERSON_CODES = frozenset({"PROC_INFORMAL_RECRUITER", "PROC_STRANGER_CONTACT"})
"""Round 15: catalogue indicators that count like ``ONE_PERSON_SIGNALS`` (with evidence in the
text): an individual recruiter (a friend, a broker, "a woman from the next village") or a
stranger - the narrow form of the ``channel`` class, which also reads "recruited by the
hospital"."""


def one_person(contexts: dict[str, int]) -> bool:
    """Round 15: the text tells what ONE identified person was offered - a victim's or
    relative's own words (``personal_account``: "anak saya ditawari", "I was offered") or a
    named person, initials, an age or "dalam kasus ini" (``case_account``). A counted group
    (``group_account``) or an offer told with no subject (``offer_told``) is not enough: those
    are also how news states the pattern. Reads the contexts only (monotone-neutral)."""
    return bool(contexts.get("personal_account", 0) or contexts.get("case_account", 0))


def class_level(classes: ClassHits, with_evidence: set[str], *, one_person: bool = False,
                lure_told: bool = False) -> tuple[float, tuple[str, ...]]:
    """Round 7: the floor an offer abroad (``classes.anchor``) earns from its signals.

    One signal (pay, costs covered, a fee paid, a debt, an informal channel, a tourist visa)
    makes it at least "medium" (worth a check); two independent signals, or one strong one
    (``STRONG_SIGNALS``; not for a bare ``deal`` anchor), make it "high" - unless a legal
    placement route (a licensed agency, the employer paying) is named near it: then the class
    layer gives at most "medium" (the other rules still apply). A catalogue indicator with
    evidence gives its signal too (``SIGNAL_CODES``), so more indicators never lower the
    floor.

    Round 15: ``one_person`` (:func:`one_person`) lifts an offer abroad with one of
    ``ONE_PERSON_SIGNALS`` / ``ONE_PERSON_CODES`` to "high", and, with ``lure_told`` (the
    offer told as a bait: "tergiur", "diiming-imingi", "lured"), an offer told with no place
    and unrealistic pay. Both read the contexts only, so the floor stays monotone in the
    indicators."""
    codes_map = NO_PLACE_CODES if classes.no_place else SIGNAL_CODES
    signals = set(classes.signals) | {s for s, codes in codes_map.items()
                                      if codes & with_evidence}
    names = tuple(sorted(signals))
    if (one_person and (signals & ONE_PERSON_SIGNALS or with_evidence & ONE_PERSON_CODES)
            and not classes.legal_route and not classes.no_place):
        # Round 15: an offer abroad with one signal, told as what ONE identified person was
        # offered, is a described case, not a vacancy or a statement of the pattern: the
        # account is the second, independent kind of evidence (ILO-EC: deceptive recruitment
        # is established case by case; UNODC: combine indicators with the account).
        return STRONG_FLOOR, names
    if classes.no_place:
        if one_person and lure_told and "high_pay" in signals and not classes.legal_route:
            # Round 15: ONE identified person lured by unrealistic pay, told as a bait
            # ("Dian tergiur gaji Rp10 juta", "the sponsor kept enticing my wife with big pay"):
            # deception about wages (ILO-EC) in a described case, even with no place named.
            return STRONG_FLOOR, names
        # Round 8: an offer told with no place named: two independent signals (or an
        # exploitation outcome) are "high", one is "medium"; a legal route keeps it medium.
        if not classes.legal_route and (len(signals) >= 2 or OUTCOME_SIGNAL in signals):
            return STRONG_FLOOR, names
        return (CLASS_MEDIUM_FLOOR, names) if signals else (0.0, names)
    if not classes.legal_route and (len(signals) >= 2
                                    or (signals & STRONG_SIGNALS and not classes.deal_only)):
        return STRONG_FLOOR, names
    if signals:
        return CLASS_MEDIUM_FLOOR, names
    return 0.0, names


@dataclass(frozen=True)
class Frame:
    """What the WHOLE text is (round 6): the decision is taken once per document from the
    context counts, never per sentence, and the indicators of every sentence then combine
    under it.

    ``kind`` is one of ``advice`` (the text warns or advises its reader), ``account`` (it
    tells ONE case: a named person, initials, a relative, the first person, a counted group of
    one event, or a promise told with no pattern marker), ``pattern`` (it states the pattern
    across many people or cases: quantifiers such as "mayoritas korban", "most victims",
    plural generic subjects, statistics "tercatat 240 WNI", example lists "negara seperti X
    dan Y", a perpetrator in the present tense, an authority's enforcement action), ``offer``
    (it offers or promises a job, or relays a recruiter's words) or ``none``.
    """

    kind: str
    account: int
    pattern: int
    advice: int


def decide_frame(contexts: dict[str, int]) -> Frame:
    """The document-level frame from the context counts (monotone-neutral: it does not read
    the indicators, so adding a red flag never changes it)."""
    account = contexts.get("personal_account", 0) + contexts.get("case_account", 0)
    if not contexts.get("enforcement_report", 0):
        # Round 5: a counted group in one event ("Sebanyak 34 WNI yang diduga ...") is an
        # account of one case, unless the text reports an authority's action (stopped,
        # repatriated, busted): then it is news about enforcement, as before.
        account += contexts.get("group_account", 0)
    pattern = 0 if account else (contexts.get("generic_statement", 0)
                                 + contexts.get("enforcement_report", 0))
    advice = contexts.get("warning_advice", 0)
    if not (account or pattern or advice):
        account = contexts.get("offer_told", 0)  # "they were promised...", no pattern marker
    if advice:
        kind = "advice"
    elif account:
        kind = "account"
    elif pattern:
        kind = "pattern"
    elif contexts.get("offer_frame", 0):
        kind = "offer"
    else:
        kind = "none"
    return Frame(kind, account, pattern, advice)


def strong_combinations(fired: dict[str, Fired], *, account: bool = False,
                        offered: bool = True, told: bool = True) -> tuple[str, ...]:
    """Names of the ``STRONG_RULES`` (and, for an account of one case, ``ACCOUNT_RULES``) the
    fired indicators satisfy (monotone in ``fired``)."""
    with_evidence = {c for c, f in fired.items() if f.spans}
    rules = {**STRONG_RULES, **ACCOUNT_RULES} if account else STRONG_RULES
    if not offered:
        rules = {k: v for k, v in rules.items() if k in ROUTE_RULES}
    if not told:
        rules = {k: v for k, v in rules.items() if k not in PROMISE_RULES}
    return tuple(name for name, slots in rules.items()
                 if all(codes & (with_evidence if need else fired.keys())
                        for codes, need in slots))


def fuse(rule: RuleResult, p_model: float | None, p_general: float | None = None) -> float:
    """Final score in [0, 1] from the rule log-odds and the model probability.

    ``p_general`` (round 17): the genre model's probability that the text talks about the
    pattern in general (``genre.general_probability``); with :func:`genre_caps` it keeps the
    text below high. None = not read (the cap does not apply)."""
    # Round 10: the model's vote counts only where no mitigating context damped the text (the
    # gate of every floor): its lift never moved a risky real text, only warnings and news.
    counts = rule.undamped and not rule.news_frame
    s = _sigmoid(rule.z_rule + (model_evidence(p_model) if counts else 0.0))
    if rule.evidence_groups < 2 and not rule.decisive:
        s = min(s, SINGLE_GROUP_CAP)
    if not rule.travel_signal:
        s = min(s, NO_TRAVEL_CAP)
    if rule.risky_job:
        s = max(s, RISKY_JOB_FLOOR)
    if rule.decisive:
        s = max(s, DECISIVE_FLOOR)
    if rule.strong:
        s = max(s, STRONG_FLOOR)
    s = max(s, rule.class_floor)
    if model_raises(rule, p_model):
        s = max(s, MODEL_MEDIUM_FLOOR)
    if model_raises_high(rule, p_model) or model_raises_high_from_low(rule, p_model):
        s = max(s, MODEL_HIGH_FLOOR)
    if rule.news_frame or rule.general_statement or genre_caps(rule, p_general):
        s = min(s, NEWS_FRAME_CAP)
    return s


def genre_caps(rule: RuleResult, p_general: float | None) -> bool:
    """Round 17: the genre model reads the text as talk about the pattern in general
    (``p_general >= GENRE_CAP_P``: a warning, advice, statistics, news about many victims), the
    text gives no recruiter contact and does not tell what ONE identified person was offered
    (:func:`one_person`: a relative's or victim's own words, a name, initials, an age) -> the
    score is capped below high, like the cue-read news frame. Never in a text where a DECISIVE
    indicator (coaching to deceive immigration) fired undamped: a statistical model may not
    cancel the strongest sign there is (issue #15), and a coached instruction ("if immigration
    asks, say you are a tourist") reads like advice to the model. Reads the text and the
    contexts; of the indicators only the decisive one, which switches the cap OFF: adding a
    red flag never switches it on, so scoring stays monotone."""
    return (p_general is not None and p_general >= GENRE_CAP_P and not rule.has_contact
            and not rule.decisive and not one_person(rule.contexts))


def model_raises(rule: RuleResult, p_model: float | None) -> bool:
    """Round 10: the text model's confident "yes" sets the medium floor (see ``fuse``).

    Only in a text of ``MODEL_MIN_WORDS`` words or more that makes an offer or tells one case
    (``MODEL_FRAMES``: the kind of text the model was trained to read; everyday chat and
    promotions, on which it was not, have neither) and that no mitigating context damped and
    is not framed as news or a warning: the same gate as the rule floors, so a warning full
    of red-flag words stays where the rules put it. Monotone: the frame reads the contexts
    only, more indicators only remove damping, and a higher p only adds.
    """
    return (p_model is not None and p_model >= MODEL_MEDIUM_P and rule.undamped
            and not rule.news_frame and rule.frame in MODEL_FRAMES
            and rule.words >= MODEL_MIN_WORDS)


def model_raises_high(rule: RuleResult, p_model: float | None) -> bool:
    """Round 12: the text model's very confident "yes" (``p >= MODEL_HIGH_P``) makes "high" a
    text that the RULES ALONE (``fuse(rule, None)``) already put at medium or above, under the
    gate of :func:`model_raises` (undamped offer or account of ``MODEL_MIN_WORDS``+ words, no
    news or warning frame). A text the rules call low never reaches high by this floor (round
    14's :func:`model_raises_high_from_low` has its own, higher threshold).

    Monotone: the rules-alone level never falls with more indicators (the monotonicity
    tests), the gate only opens with them, and a higher p only adds.
    """
    return (p_model is not None and p_model >= MODEL_HIGH_P and model_raises(rule, p_model)
            and level_for(fuse(rule, None)) != "low")


def model_raises_high_from_low(rule: RuleResult, p_model: float | None) -> bool:
    """Round 14: the text model's extremely confident "yes" (``p >= MODEL_LOW_HIGH_P``) makes
    "high" a text the RULES ALONE put at low, under the gate of :func:`model_raises`.

    Monotone: ``MODEL_LOW_HIGH_P >= MODEL_HIGH_P``, so when more indicators lift the rules-alone
    level from low to medium the round-12 floor (:func:`model_raises_high`) still holds at
    this p; the gate only opens with more indicators, and a higher p only adds.
    """
    return (p_model is not None and p_model >= MODEL_LOW_HIGH_P
            and model_raises(rule, p_model) and level_for(fuse(rule, None)) == "low")


def model_evidence(p_model: float | None) -> float:
    """Log-odds the model adds: ``LAMBDA * clamp(logit(p), 0, MODEL_MAX_LOGIT)`` (never < 0)."""
    if p_model is None:
        return 0.0
    return LAMBDA * min(max(0.0, logit(p_model)), MODEL_MAX_LOGIT)
