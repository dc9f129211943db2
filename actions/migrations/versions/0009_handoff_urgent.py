"""handoffs: urgent (danger to someone: first in the queue, marked in the console and groups)

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('handoffs', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('urgent', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.execute("UPDATE handoffs SET urgent = true WHERE reason = 'emergency'")


def downgrade() -> None:
    with op.batch_alter_table('handoffs', schema=None) as batch_op:
        batch_op.drop_column('urgent')
