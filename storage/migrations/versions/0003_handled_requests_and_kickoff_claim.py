"""handled requests (replays change nothing) and the kickoff claim (posted at most once)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "handled_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "key", name="uq_handled_request_key"),
    )
    with op.batch_alter_table("handled_request", schema=None) as batch_op:
        batch_op.create_index("ix_handled_request_at", ["at"], unique=False)
    with op.batch_alter_table("poc", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kickoff_claimed_at", sa.DateTime(timezone=True)))
    # A kickoff already posted is already claimed.
    op.execute("UPDATE poc SET kickoff_claimed_at = updated_at WHERE kickoff_message_ts IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("poc", schema=None) as batch_op:
        batch_op.drop_column("kickoff_claimed_at")
    with op.batch_alter_table("handled_request", schema=None) as batch_op:
        batch_op.drop_index("ix_handled_request_at")
    op.drop_table("handled_request")
