"""sent-log: the condition each nudge was said under, and replies in a thread

The delivery policy (bot/rules/policy.py) repeats an unchanged alert only after a back-off,
and says each item once in a channel the prospect can read: it needs to know the condition a
nudge was said under (`condition`, e.g. "2026-11-02|1": since when, how bad). A warning
posted as a threaded reply to what caused it does not count as the day's message in the deal
channel (`in_thread`). The sweep now reads three weeks of the log, not one day.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 03:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("nudge_log", schema=None) as batch_op:
        # Rows from before the policy were said under no recorded condition: "" never equals
        # a condition the policy works out, so their alerts are said once more, then back off.
        batch_op.add_column(
            sa.Column("condition", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("in_thread", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("nudge_log", schema=None) as batch_op:
        batch_op.drop_column("in_thread")
        batch_op.drop_column("condition")
