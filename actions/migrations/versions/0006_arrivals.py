"""arrivals: the inbox webhooks write before the conversation runs

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

import actions.models

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "arrivals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("provider_message_id", sa.String(64), nullable=True),
        sa.Column("message", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("due_at", actions.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("error", sa.String(200), nullable=True),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.Column("received_at", actions.models.UtcDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("channel", "provider_message_id", name="uq_arrival_provider_id"),
    )
    op.create_index("ix_arrivals_address", "arrivals", ["channel", "address", "id"])
    op.create_index(
        "ix_arrivals_waiting",
        "arrivals",
        ["id"],
        postgresql_where=sa.text("status = 'waiting'"),
        sqlite_where=sa.text("status = 'waiting'"),
    )


def downgrade() -> None:
    op.drop_table("arrivals")
