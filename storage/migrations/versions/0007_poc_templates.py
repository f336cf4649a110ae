"""POC templates: a team's named use cases and criteria, and the template a POC started from

`/poc template save <name>` keeps a POC's use cases in scope and their criteria (each with how
it is measured and the lint flags it was saved despite) under a name unique in the team,
whatever its case (`name_key`); saving the name again with `--replace` replaces the content
in place. `/poc new` may start from one (`poc_from_template`), and `/poc criteria` then offers
the template's criteria. Deleting a template deletes its rows and its links.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "poc_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("name_key", sa.String(length=40), nullable=False),
        sa.Column("saved_by", sa.String(length=32), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "name_key", name="uq_poc_template_name"),
    )
    op.create_table(
        "poc_template_use_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["template_id"], ["poc_template.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "poc_template_criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("use_case_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("lint_flags", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["template_id"], ["poc_template.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["use_case_id"], ["poc_template_use_case.id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "poc_from_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("poc_id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["poc_id"], ["poc.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["template_id"], ["poc_template.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("poc_id", name="uq_poc_from_template_poc"),
    )
    for table in ("poc_template_use_case", "poc_template_criterion", "poc_from_template"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_template_id"), ["template_id"])


def downgrade() -> None:
    for table in ("poc_from_template", "poc_template_criterion", "poc_template_use_case"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_template_id"))
    op.drop_table("poc_from_template")
    op.drop_table("poc_template_criterion")
    op.drop_table("poc_template_use_case")
    op.drop_table("poc_template")
