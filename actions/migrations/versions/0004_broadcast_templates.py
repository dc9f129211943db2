"""broadcasts: WhatsApp template and start time

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

import actions.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("whatsapp_content_sid", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("whatsapp_variables", sa.JSON(), nullable=False, server_default="{}")
        )
        batch_op.add_column(
            sa.Column("started_at", actions.models.UtcDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_column("started_at")
        batch_op.drop_column("whatsapp_variables")
        batch_op.drop_column("whatsapp_content_sid")
