"""deliveries: partial indexes of open rows, for the senders' claims

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OPEN_REPLIES = "status IN ('pending', 'sending') AND kind <> 'broadcast'"
OPEN_BROADCASTS = "status IN ('pending', 'sending') AND kind = 'broadcast'"


def upgrade() -> None:
    for name, where in (
        ("ix_deliveries_open_replies", OPEN_REPLIES),
        ("ix_deliveries_open_broadcasts", OPEN_BROADCASTS),
    ):
        op.create_index(
            name,
            "deliveries",
            ["channel", "id"],
            postgresql_where=sa.text(where),
            sqlite_where=sa.text(where),
        )


def downgrade() -> None:
    op.drop_index("ix_deliveries_open_broadcasts", table_name="deliveries")
    op.drop_index("ix_deliveries_open_replies", table_name="deliveries")
