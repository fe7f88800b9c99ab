"""Input limits of the cases capability, written once.

The ORM columns (``models.py``: ``String(limits.FULL_NAME)``), the operation inputs
(``schemas.py``: ``Field(max_length=limits.FULL_NAME)``), the store's own checks and the page
templates (``maxlength``) all read these, so a limit cannot drift between the interfaces.
Free text without a column length (``Text``) is capped here too.
"""

from __future__ import annotations

# -- persons ----------------------------------------------------------------------------------
FULL_NAME = 200
NAME_PART = 100  # first, middle, second name
GENDER = 32
COUNTRY = 2  # ISO 3166 alpha-2 (what is stored)
#: a country as typed: a name in Indonesian or English, or an alpha-2/alpha-3 code
#: (``platform.countries.country_code`` turns it into the stored alpha-2 code)
COUNTRY_INPUT = 64
IDENTITY_NUMBER = 32
PASSPORT_NUMBER = 16
PHONE = 32
EMAIL = 200
STREET = 200
CITY = 100
STATE = 100
RELATIONSHIP = 32
PERPETRATOR_ROLE = 48
ROLE_DETAILS = 2000

# HTCDS 2.0 person fields (migration 0202_cases_htcds)
CITIZENSHIPS = 64  # prs_Citizenship is multi-select: ISO 3166 codes joined by ","
PERPETRATOR_ROLES = 300  # per_RoleInProcess is multi-select
SALUTATION = 20
TITLE = 120
POSTAL_CODE = 16
CHOICE = 48  # one HTCDS picklist value (marital status, education, ...)
LANGUAGE = 8  # ISO 639-2
PERSON_ORGANISATION = 200  # per_Organisation

# -- cases, events, work on a case ------------------------------------------------------------
REFERENCE = 32
STATUS = 32
SUMMARY = 5000
EVENT_DESCRIPTION = 2000
COMMENT = 5000
TASK_TITLE = 200
TRANSITION_CODE = 32
TRANSITION_VALUE = 500  # each text field of a workflow step (workflow.TEXT_MAX)
SUPPORT_PLAN_TYPE = 48
PLAN_TEXT = 2000  # objectives, action plan
ASSESSMENT_NOTES = 2000
EXPLOITATION_TYPE = 40
MULTI_CHOICE = 400  # an HTCDS multi-select picklist stored as values joined by ","
LOCATION = 200  # vic_LocationOfRecruitment / vic_LocationOfExploitation
WORKER = 120  # a case worker's name (cas_CaseOwner, cas_Referring/ReferredPrimaryCaseWorker)

# -- organisations, referrals, merges ---------------------------------------------------------
ORG_CODE = 32
ORG_NAME = 200
ORG_TYPE = 48
UNIT_NAME = 200
REFERRAL_REASON = 40
REFERRAL_DETAILS = 2000
NOTE = 1000  # referral answer, consent override reason, merge reason
OVERRIDE_MIN = 10
MERGE_REASON_MIN = 5

#: person text fields the store cleans, with their limits
PERSON_TEXT = {"full_name": FULL_NAME, "first_name": NAME_PART, "middle_name": NAME_PART,
               "second_name": NAME_PART, "identity_number": IDENTITY_NUMBER,
               "passport_number": PASSPORT_NUMBER, "mobile_phone": PHONE, "email": EMAIL,
               "mailing_street": STREET, "mailing_city": CITY, "mailing_state": STATE,
               "relationship": RELATIONSHIP, "role_details": ROLE_DETAILS}

# -- the public family report form (stricter than the columns it fills) -----------------------
PUBLIC = {"reporter_name": 100, "reporter_phone": PHONE, "relationship": RELATIONSHIP,
          "victim_name": 100, "victim_birth_date": 10, "destination_country": COUNTRY_INPUT,
          "destination_city": CITY, "description": 2000}
#: case ids one HTCDS export may name (the API's ``ids``)
EXPORT_IDS = 5000
