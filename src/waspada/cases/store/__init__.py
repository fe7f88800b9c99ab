"""Case storage: queries and changes, one module per seam. Nothing here commits or audits;
the service layer (:mod:`waspada.cases.service`) does both, once per operation.

``access`` (unit scoping), ``organisations``, ``fields`` (text/date cleaning, deadlines),
``views`` (reading, lists, statistics, exports), ``intake`` (new cases, persons, events, the
public form), ``activity`` (transitions, comments, tasks, plans, assessments), ``referrals``
(with consent), ``merges``, ``attachments``, ``retention``. The names are re-exported here so
callers write ``store.add_comment``.
"""

from waspada.cases.errors import CaseError
from waspada.cases.store.access import (
    TERMINAL,
    get_case,
    groups,
    is_cross_unit,
    may_see,
    visible_cases_stmt,
)
from waspada.cases.store.activity import (
    add_assessment,
    add_comment,
    add_support_plan,
    add_task,
    apply_transition,
    complete_task,
)
from waspada.cases.store.attachments import (
    ALLOWED_TYPES,
    attachments_dir,
    get_attachment,
    safe_filename,
    save_attachment,
    sniff_type,
)
from waspada.cases.store.details import update_details, update_person_details
from waspada.cases.store.fields import (
    TEXT_LIMITS,
    clean_date,
    clean_text,
    touch,
)
from waspada.cases.store.intake import (
    CASE_FIELDS,
    PUBLIC_LIMITS,
    PublicReport,
    add_event,
    add_person,
    clean_public_report,
    code_hash,
    create_case,
    create_public_case,
    flag_duplicates,
    public_status,
)
from waspada.cases.store.merges import (
    merge_cases,
    undo_merge,
)
from waspada.cases.store.organisations import (
    ORGS_FILE,
    add_organisation,
    list_organisations,
    org_catalogue,
    public_intake_unit,
    sync_organisations,
)
from waspada.cases.store.referrals import (
    active_consent,
    create_referral,
    pending_referrals,
    record_consent,
    respond_referral,
)
from waspada.cases.store.retention import (
    anonymise_case,
    anonymise_expired,
)
from waspada.cases.store.views import (
    CaseFilters,
    case_dict,
    case_summary,
    export_records,
    list_cases,
    person_dict,
    person_query_kind,
    stats,
    subject_export,
    view_case,
)

__all__ = [
    "ALLOWED_TYPES",
    "CASE_FIELDS",
    "CaseError",
    "CaseFilters",
    "person_query_kind",
    "ORGS_FILE",
    "PUBLIC_LIMITS",
    "PublicReport",
    "TERMINAL",
    "TEXT_LIMITS",
    "update_details",
    "update_person_details",
    "active_consent",
    "add_assessment",
    "add_comment",
    "add_event",
    "add_organisation",
    "add_person",
    "add_support_plan",
    "add_task",
    "anonymise_case",
    "anonymise_expired",
    "apply_transition",
    "attachments_dir",
    "case_dict",
    "case_summary",
    "clean_date",
    "clean_public_report",
    "clean_text",
    "code_hash",
    "complete_task",
    "create_case",
    "create_public_case",
    "create_referral",
    "export_records",
    "flag_duplicates",
    "get_attachment",
    "get_case",
    "groups",
    "is_cross_unit",
    "list_cases",
    "list_organisations",
    "may_see",
    "merge_cases",
    "org_catalogue",
    "person_dict",
    "public_intake_unit",
    "public_status",
    "record_consent",
    "pending_referrals",
    "respond_referral",
    "safe_filename",
    "save_attachment",
    "sniff_type",
    "stats",
    "subject_export",
    "sync_organisations",
    "touch",
    "undo_merge",
    "view_case",
    "visible_cases_stmt",
]
