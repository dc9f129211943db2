"""voice: residents who want spoken answers, and the voice notes served to WhatsApp

Revision ID: 0010
Revises: 0011
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

import actions.models

revision = "0010"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("residents") as batch:
        batch.add_column(
            sa.Column("voice_replies", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "spoken_clips",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column(
            "resident_id",
            sa.Integer(),
            sa.ForeignKey("residents.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", actions.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", actions.models.UtcDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_spoken_clips_expires_at", "spoken_clips", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_spoken_clips_expires_at", "spoken_clips")
    op.drop_table("spoken_clips")
    with op.batch_alter_table("residents") as batch:
        batch.drop_column("voice_replies")
