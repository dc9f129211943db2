"""hamlet: Case linked to Hamlet spaces, events from Hamlet, needs shared there

Revision ID: 0011
Revises: 0006
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

import actions.models

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(16), server_default="console", nullable=False)
        )
        batch_op.add_column(sa.Column("hamlet_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("hamlet_url", sa.String(500), nullable=True))
        batch_op.add_column(
            sa.Column("all_day", sa.Boolean(), server_default=sa.text("false"), nullable=False)
        )
        batch_op.create_unique_constraint("uq_events_hamlet_id", ["hamlet_id"])
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "consent_hamlet", sa.Boolean(), server_default=sa.text("false"), nullable=False
            )
        )
    op.create_table(
        "hamlet_spaces",
        sa.Column(
            "casa_id",
            sa.Integer(),
            sa.ForeignKey("case_di_quartiere.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("container_id", sa.Integer(), nullable=False),
        sa.Column("next_sync_at", actions.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("synced_at", actions.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.UniqueConstraint("container_id", name="uq_hamlet_spaces_container_id"),
    )
    op.create_table(
        "hamlet_posts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "need_id", sa.Integer(), sa.ForeignKey("needs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("container_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(500), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", actions.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("error", sa.String(200), nullable=True),
        sa.Column("created_at", actions.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("posted_at", actions.models.UtcDateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("need_id", name="uq_hamlet_posts_need_id"),
    )
    op.create_index("ix_hamlet_posts_due", "hamlet_posts", ["state", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("hamlet_posts")
    op.drop_table("hamlet_spaces")
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.drop_column("consent_hamlet")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_constraint("uq_events_hamlet_id", type_="unique")
        batch_op.drop_column("all_day")
        batch_op.drop_column("hamlet_url")
        batch_op.drop_column("hamlet_id")
        batch_op.drop_column("source")
