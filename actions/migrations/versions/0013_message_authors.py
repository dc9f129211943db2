"""message authors: who wrote a message out (a person's id) and the options a bot reply offered

Revision ID: 0013
Revises: 0006
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa


revision = "0013"
down_revision = "0006"
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


def downgrade() -> None:
    with op.batch_alter_table("message_log", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_message_log_staff_id_staff_users"), type_="foreignkey"
        )
        batch_op.drop_column("options")
        batch_op.drop_column("staff_id")
