"""sweep_partition: the clocks' work table, so several clocks on PostgreSQL share the teams

Each row is one share of the teams (storage/partitions.py) and the last tick a clock swept it
for. Clocks create the rows they need (one per partition) as they start a tick, so the table
starts empty. SQLite runs one clock and never reads it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sweep_partition",
        sa.Column("partition", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("swept_tick", sa.DateTime(timezone=True), nullable=True),
        sa.Column("swept_by", sa.String(length=64), nullable=True),
        sa.Column("swept_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reconciled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("partition"),
    )


def downgrade() -> None:
    op.drop_table("sweep_partition")
