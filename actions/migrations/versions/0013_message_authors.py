"""message authors and help records: who wrote a message out (a person's id), the options a bot
reply offered; how each SPID booking went (outcome, note, age band when known)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

import actions.models


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("message_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("staff_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("options", sa.JSON(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_message_log_staff_id_staff_users"),
            "staff_users",
            ["staff_id"],
            ["id"],
            ondelete="SET NULL",
        )


    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("outcome_note", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("age_band", sa.String(length=12), nullable=True))
        batch_op.add_column(
            sa.Column("outcome_at", actions.models.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("outcome_by_staff_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_bookings_outcome_by_staff_id_staff_users"),
            "staff_users",
            ["outcome_by_staff_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_bookings_outcome_by_staff_id_staff_users"), type_="foreignkey"
        )
        for column in ("outcome_by_staff_id", "outcome_at", "age_band", "outcome_note", "outcome"):
            batch_op.drop_column(column)
    with op.batch_alter_table("message_log", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_message_log_staff_id_staff_users"), type_="foreignkey"
        )
        batch_op.drop_column("options")
        batch_op.drop_column("staff_id")
