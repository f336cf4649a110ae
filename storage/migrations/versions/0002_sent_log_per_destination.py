"""sent-log per destination

Every destination of a nudge (deal channel, internal channel, each DM) gets a sent-log row of
its own; destinations that refuse for good are remembered in `blocked_destination`; the
sweep's read of the log (one team, from yesterday on) gets an index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 23:16:01.414493
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "blocked_destination",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("poc_id", sa.Integer(), nullable=False),
        sa.Column("destination", sa.String(length=32), nullable=False),
        sa.Column("error", sa.String(length=64), nullable=False),
        sa.Column("blocked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["poc_id"], ["poc.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("poc_id", "destination", name="uq_blocked_destination"),
    )
    with op.batch_alter_table("blocked_destination", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_blocked_destination_poc_id"), ["poc_id"], unique=False
        )
        batch_op.create_index(
            "ix_blocked_destination_team", ["team_id", "destination"], unique=False
        )

    with op.batch_alter_table("nudge_log", schema=None) as batch_op:
        # The default only fills the rows already there; the app always names a destination.
        batch_op.add_column(
            sa.Column("destination", sa.String(length=32), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=True))
    # A row from before this revision covered every destination of its nudge. Where it was
    # sent, name the channel it landed in: the nudge counts as placed for its day and is not
    # posted again. A failed or unfinished old row is dropped instead, so the next sweep
    # places that nudge afresh, destination by destination (an old row has no destination
    # to retry).
    op.execute("UPDATE nudge_log SET destination = channel_id WHERE channel_id IS NOT NULL")
    op.execute(
        "DELETE FROM nudge_log WHERE destination = '' AND status IN ('failed', 'claimed')"
    )
    with op.batch_alter_table("nudge_log", schema=None) as batch_op:
        batch_op.alter_column("destination", server_default=None)
        batch_op.drop_index("ix_nudge_log_status")
        batch_op.drop_constraint("uq_nudge_log_key", type_="unique")
        batch_op.create_unique_constraint(
            "uq_nudge_log_key", ["poc_id", "key", "local_date", "destination"]
        )
        batch_op.create_index("ix_nudge_log_team_date", ["team_id", "local_date"], unique=False)


def downgrade() -> None:
    # Back to one row per nudge and day: keep the lowest id of each.
    op.execute(
        "DELETE FROM nudge_log WHERE id NOT IN "
        "(SELECT min(id) FROM nudge_log GROUP BY poc_id, key, local_date)"
    )
    with op.batch_alter_table("nudge_log", schema=None) as batch_op:
        batch_op.drop_index("ix_nudge_log_team_date")
        batch_op.drop_constraint("uq_nudge_log_key", type_="unique")
        batch_op.create_unique_constraint("uq_nudge_log_key", ["poc_id", "key", "local_date"])
        batch_op.create_index("ix_nudge_log_status", ["status", "local_date"], unique=False)
        batch_op.drop_column("attempted_at")
        batch_op.drop_column("destination")

    with op.batch_alter_table("blocked_destination", schema=None) as batch_op:
        batch_op.drop_index("ix_blocked_destination_team")
        batch_op.drop_index(batch_op.f("ix_blocked_destination_poc_id"))

    op.drop_table("blocked_destination")
