"""a POC's whole life: closed with an outcome, paused, parked scope, sign-off, audit trail

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ts(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=True)


def upgrade() -> None:
    with op.batch_alter_table("poc", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("signoff_exceptions", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("kickoff_verdict", sa.String(length=16), nullable=True))
        batch_op.add_column(_ts("kickoff_verdict_at"))
        batch_op.add_column(sa.Column("outcome", sa.String(length=16), nullable=True))
        batch_op.add_column(_ts("closed_at"))
        batch_op.add_column(sa.Column("closed_by", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("close_note", sa.Text(), nullable=True))
        batch_op.add_column(_ts("paused_at"))
        batch_op.add_column(sa.Column("pause_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("resume_shift", sa.Integer(), nullable=True))
    with op.batch_alter_table("use_case", schema=None) as batch_op:
        batch_op.add_column(_ts("parked_at"))
    with op.batch_alter_table("criterion", schema=None) as batch_op:
        batch_op.add_column(_ts("parked_at"))
    with op.batch_alter_table("scope_change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("by", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("use_case_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("criterion_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_scope_change_use_case_id", "use_case", ["use_case_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_foreign_key(
            "fk_scope_change_criterion_id",
            "criterion",
            ["criterion_id"],
            ["id"],
            ondelete="CASCADE",
        )
    with op.batch_alter_table("readout_answer", schema=None) as batch_op:
        batch_op.alter_column("user_id", existing_type=sa.String(length=32), nullable=True)
        batch_op.add_column(sa.Column("role", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("recorded_by", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("exceptions", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "poc_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("poc_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("by", sa.String(length=32), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["poc_id"], ["poc.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("poc_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_poc_event_poc_id"), ["poc_id"], unique=False)
    # Use cases already parked through their scope-creep warning leave the scope now too.
    op.execute(
        """
        UPDATE use_case SET parked_at = (
            SELECT MIN(s.resolved_at) FROM scope_change s
            WHERE s.poc_id = use_case.poc_id AND s.kind = 'use_case_added'
              AND s.resolution = 'parked' AND s.detail = use_case.title
        )
        WHERE added_after_kickoff AND EXISTS (
            SELECT 1 FROM scope_change s
            WHERE s.poc_id = use_case.poc_id AND s.kind = 'use_case_added'
              AND s.resolution = 'parked' AND s.detail = use_case.title
        )
        """
    )
    # A POC already signed off says who and when on its sign-off milestone.
    op.execute(
        """
        UPDATE poc SET
            signed_off_at = (SELECT m.done_at FROM milestone m
                             WHERE m.poc_id = poc.id AND m.kind = 'signoff'),
            signed_off_by = (SELECT m.done_by FROM milestone m
                             WHERE m.poc_id = poc.id AND m.kind = 'signoff')
        WHERE signed_off_at IS NULL AND EXISTS (
            SELECT 1 FROM milestone m
            WHERE m.poc_id = poc.id AND m.kind = 'signoff' AND m.done_at IS NOT NULL
        )
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("poc_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_poc_event_poc_id"))
    op.drop_table("poc_event")
    op.execute("DELETE FROM readout_answer WHERE user_id IS NULL")
    with op.batch_alter_table("readout_answer", schema=None) as batch_op:
        for column in ("exceptions", "note", "recorded_by", "name", "role"):
            batch_op.drop_column(column)
        batch_op.alter_column("user_id", existing_type=sa.String(length=32), nullable=False)
    with op.batch_alter_table("scope_change", schema=None) as batch_op:
        batch_op.drop_constraint("fk_scope_change_criterion_id", type_="foreignkey")
        batch_op.drop_constraint("fk_scope_change_use_case_id", type_="foreignkey")
        for column in ("criterion_id", "use_case_id", "by"):
            batch_op.drop_column(column)
    for table in ("criterion", "use_case"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("parked_at")
    with op.batch_alter_table("poc", schema=None) as batch_op:
        for column in (
            "resume_shift",
            "pause_reason",
            "paused_at",
            "close_note",
            "closed_by",
            "closed_at",
            "outcome",
            "kickoff_verdict_at",
            "kickoff_verdict",
            "signoff_exceptions",
        ):
            batch_op.drop_column(column)
