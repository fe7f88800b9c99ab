"""cases: every HTCDS 2.0 field (issue #17): case worker, victim context, incoming referral,
person details, event coordinates, organisation addresses; multi-select citizenship and
perpetrator roles

Revision ID: 0202_cases_htcds
Revises: 0201_cases_indexes
Create Date: 2026-11-30 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0202_cases_htcds'
down_revision: str | None = '0201_cases_indexes'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CASE = (
    ('case_worker', sa.String(120)), ('status_decision_org', sa.String(48)),
    ('relationship_to_trafficker', sa.String(48)), ('age_when_trafficked', sa.Integer()),
    ('recruitment_apps', sa.String(400)), ('recruitment_location', sa.String(200)),
    ('control_methods', sa.String(400)), ('forced_labour_industry', sa.String(48)),
    ('sex_exploitation_type', sa.String(400)), ('exploitation_location', sa.String(200)),
    ('exploitation_apps', sa.String(400)), ('referring_org', sa.String(200)),
    ('incoming_referral_date', sa.Date()), ('referring_worker', sa.String(120)),
    ('incoming_referral_reason', sa.String(40)), ('incoming_referral_details', sa.Text()),
)
_PERSON = (
    ('salutation', sa.String(20)), ('title', sa.String(120)), ('home_phone', sa.String(32)),
    ('mailing_country', sa.String(2)), ('mailing_postal_code', sa.String(16)),
    ('mailing_latitude', sa.Float()), ('mailing_longitude', sa.Float()),
    ('deceased', sa.Boolean()), ('marital_status', sa.String(48)),
    ('number_of_children', sa.Integer()), ('primary_language', sa.String(8)),
    ('secondary_language', sa.String(8)), ('education', sa.String(48)),
    ('organisation', sa.String(200)),
)
_EVENT = (('postal_code', sa.String(16)), ('latitude', sa.Float()), ('longitude', sa.Float()))
_ORG = (
    ('street', sa.String(200)), ('city', sa.String(100)), ('state', sa.String(100)),
    ('postal_code', sa.String(16)), ('latitude', sa.Float()), ('longitude', sa.Float()),
    ('phone', sa.String(32)),
)


def upgrade() -> None:
    for table, columns in (('case_cases', _CASE), ('case_persons', _PERSON),
                           ('case_events', _EVENT), ('case_organisations', _ORG)):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, type_ in columns:
                batch_op.add_column(sa.Column(name, type_, nullable=True))
    with op.batch_alter_table('case_persons', schema=None) as batch_op:
        batch_op.alter_column('citizenship', existing_type=sa.String(2),
                              type_=sa.String(64), existing_nullable=True)
        batch_op.alter_column('perpetrator_role', existing_type=sa.String(48),
                              type_=sa.String(300), existing_nullable=True)


def downgrade() -> None:
    with op.batch_alter_table('case_persons', schema=None) as batch_op:
        batch_op.alter_column('perpetrator_role', existing_type=sa.String(300),
                              type_=sa.String(48), existing_nullable=True)
        batch_op.alter_column('citizenship', existing_type=sa.String(64),
                              type_=sa.String(2), existing_nullable=True)
    for table, columns in (('case_organisations', _ORG), ('case_events', _EVENT),
                           ('case_persons', _PERSON), ('case_cases', _CASE)):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _type in reversed(columns):
                batch_op.drop_column(name)
