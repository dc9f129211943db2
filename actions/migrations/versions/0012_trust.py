"""trust: staff session versions; staff-group posts tied to the resident they are about

Revision ID: 0012
Revises: 0006
Create Date: 2026-12-07
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), server_default="0", nullable=False)
        )
    # Posts to the custodians' groups were written with no resident: link those that name a
    # handoff, so that erasing the resident erases them (issue 21).
    connection = op.get_bind()
    posts = connection.execute(
        sa.text(
            "SELECT d.id, d.payload FROM deliveries d "
            "WHERE d.kind = 'staff' AND d.resident_id IS NULL"
        )
    ).all()
    for row_id, payload in posts:
        data = json.loads(payload) if isinstance(payload, str) else payload or {}
        handoff_id = data.get("handoff_id") if isinstance(data, dict) else None
        if not isinstance(handoff_id, int):
            continue
        connection.execute(
            sa.text(
                "UPDATE deliveries SET resident_id = "
                "(SELECT resident_id FROM handoffs WHERE id = :handoff) WHERE id = :row"
            ),
            {"handoff": handoff_id, "row": row_id},
        )


def downgrade() -> None:
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.drop_column("session_version")
