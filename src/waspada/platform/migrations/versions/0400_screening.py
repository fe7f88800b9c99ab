"""screening tables

Revision ID: 0400_screening
Revises: 0001_platform
Create Date: 2026-11-27 19:04:01.509936
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import waspada.platform.db

revision: str = '0400_screening'
down_revision: str | None = '0001_platform'
branch_labels: str | Sequence[str] | None = ('screening',)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('screening_persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=300), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('sex', sa.String(length=1), nullable=True),
    sa.Column('nik', sa.String(length=32), nullable=True),
    sa.Column('passport_no', sa.String(length=32), nullable=True),
    sa.Column('created_at', waspada.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('is_synthetic', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screening_persons'))
    )
    with op.batch_alter_table('screening_persons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_screening_persons_nik'), ['nik'], unique=False)
        batch_op.create_index(batch_op.f('ix_screening_persons_passport_no'), ['passport_no'], unique=False)

    op.create_table('screenings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_no', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('person_match_score', sa.Double(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', waspada.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', waspada.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('full_name', sa.String(length=300), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('sex', sa.String(length=1), nullable=True),
    sa.Column('nik', sa.String(length=32), nullable=True),
    sa.Column('passport_no', sa.String(length=32), nullable=True),
    sa.Column('mrz', sa.Text(), nullable=False),
    sa.Column('destination_country', sa.String(length=3), nullable=False),
    sa.Column('facts_json', sa.Text(), nullable=False),
    sa.Column('answers_json', sa.Text(), nullable=False),
    sa.Column('offer_text', sa.Text(), nullable=False),
    sa.Column('offer_json', sa.Text(), nullable=False),
    sa.Column('documents_json', sa.Text(), nullable=False),
    sa.Column('watchlist_json', sa.Text(), nullable=False),
    sa.Column('prior_json', sa.Text(), nullable=False),
    sa.Column('assessment_json', sa.Text(), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('recommended_action', sa.String(length=32), nullable=False),
    sa.Column('final_action', sa.String(length=32), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('is_synthetic', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['officer_id'], ['users.id'], name=op.f('fk_screenings_officer_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['screening_persons.id'], name=op.f('fk_screenings_person_id_screening_persons')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_screenings_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screenings')),
    sa.UniqueConstraint('record_no', name=op.f('uq_screenings_record_no'))
    )
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_screenings_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_screenings_destination_country'), ['destination_country'], unique=False)
        batch_op.create_index(batch_op.f('ix_screenings_final_action'), ['final_action'], unique=False)
        batch_op.create_index(batch_op.f('ix_screenings_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_screenings_unit_id'), ['unit_id'], unique=False)

    op.create_table('screening_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('screening_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('recommended_action', sa.String(length=32), nullable=False),
    sa.Column('deviation_reason', sa.Text(), nullable=False),
    sa.Column('legal_bases_json', sa.Text(), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('signed_at', waspada.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('verification_code', sa.String(length=32), nullable=False),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('correction_reason', sa.Text(), nullable=False),
    sa.Column('needs_approval', sa.Boolean(), nullable=False),
    sa.Column('assessment_version', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['corrects_id'], ['screening_decisions.id'], name=op.f('fk_screening_decisions_corrects_id_screening_decisions')),
    sa.ForeignKeyConstraint(['officer_id'], ['users.id'], name=op.f('fk_screening_decisions_officer_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['screening_id'], ['screenings.id'], name=op.f('fk_screening_decisions_screening_id_screenings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screening_decisions'))
    )
    with op.batch_alter_table('screening_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_screening_decisions_screening_id'), ['screening_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_screening_decisions_verification_code'), ['verification_code'], unique=False)

    op.create_table('screening_approvals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('supervisor_id', sa.Integer(), nullable=True),
    sa.Column('approved', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('decided_at', waspada.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['screening_decisions.id'], name=op.f('fk_screening_approvals_decision_id_screening_decisions')),
    sa.ForeignKeyConstraint(['supervisor_id'], ['users.id'], name=op.f('fk_screening_approvals_supervisor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screening_approvals'))
    )
    with op.batch_alter_table('screening_approvals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_screening_approvals_decision_id'), ['decision_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('screening_approvals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screening_approvals_decision_id'))

    op.drop_table('screening_approvals')
    with op.batch_alter_table('screening_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screening_decisions_verification_code'))
        batch_op.drop_index(batch_op.f('ix_screening_decisions_screening_id'))

    op.drop_table('screening_decisions')
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screenings_unit_id'))
        batch_op.drop_index(batch_op.f('ix_screenings_person_id'))
        batch_op.drop_index(batch_op.f('ix_screenings_final_action'))
        batch_op.drop_index(batch_op.f('ix_screenings_destination_country'))
        batch_op.drop_index(batch_op.f('ix_screenings_created_at'))

    op.drop_table('screenings')
    with op.batch_alter_table('screening_persons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screening_persons_passport_no'))
        batch_op.drop_index(batch_op.f('ix_screening_persons_nik'))

    op.drop_table('screening_persons')

