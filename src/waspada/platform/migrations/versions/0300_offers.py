"""offers: agency registry, public reports, bulk scans

Revision ID: 0300_offers
Revises: 0001_platform
Create Date: 2026-11-27 18:53:37.805793
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import waspada.platform.db

revision: str = '0300_offers'
down_revision: str | None = '0001_platform'
branch_labels: str | Sequence[str] | None = ('offers',)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('offer_agencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('name_key', sa.String(length=300), nullable=False),
    sa.Column('license_no', sa.String(length=100), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('imported_at', waspada.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offer_agencies')),
    sa.UniqueConstraint('name_key', name=op.f('uq_offer_agencies_name_key'))
    )
    op.create_table('offer_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', waspada.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('where_seen', sa.String(length=200), nullable=False),
    sa.Column('reporter_contact', sa.String(length=200), nullable=False),
    sa.Column('score', sa.Double(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offer_reports'))
    )
    with op.batch_alter_table('offer_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offer_reports_created_at'), ['created_at'], unique=False)

    op.create_table('offer_scans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', waspada.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('records', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('high', sa.Integer(), nullable=False),
    sa.Column('results_jsonl', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_offer_scans_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offer_scans'))
    )



def downgrade() -> None:

    op.drop_table('offer_scans')
    with op.batch_alter_table('offer_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offer_reports_created_at'))

    op.drop_table('offer_reports')
    op.drop_table('offer_agencies')

