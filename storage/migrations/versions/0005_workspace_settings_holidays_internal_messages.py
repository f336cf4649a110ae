"""workspace settings, a POC's holiday calendar, and the internal messages posted in channels

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("poc", schema=None) as batch_op:
        batch_op.add_column(sa.Column("holiday_country", sa.String(length=16), nullable=True))
    op.create_table(
        "workspace_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "key", name="uq_workspace_setting_key"),
    )
    op.create_table(
        "internal_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("poc_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("message_ts", sa.String(length=32), nullable=False),
        sa.Column("what", sa.String(length=24), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["poc_id"], ["poc.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "channel_id", "message_ts", name="uq_internal_message"),
    )
    with op.batch_alter_table("internal_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_internal_message_poc_id"), ["poc_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("internal_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_internal_message_poc_id"))
    op.drop_table("internal_message")
    op.drop_table("workspace_setting")
    with op.batch_alter_table("poc", schema=None) as batch_op:
        batch_op.drop_column("holiday_country")
