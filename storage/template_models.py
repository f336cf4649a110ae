"""The tables of a team's POC templates (bot/domain/templates.py), normalised: a template,
its use cases in order, their criteria in order; and which template a POC was started from.

They live apart from storage/models.py (which imports them, so they are registered with the
others) to keep each module short.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.columns import UTCDateTime
from storage.columns import string as _str
from storage.columns import text as _text

#: A template's name, as typed; `name_key` (its casefold) is what must be unique in a team.
NAME_LENGTH = 40


class PocTemplate(SQLModel, table=True):
    """A named template of one team. Saving the same name again replaces its content in
    place (an upsert on the unique name), so POCs started from it follow the new version."""

    __tablename__ = "poc_template"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = _str(32)
    name: str = _str(NAME_LENGTH)
    name_key: str = _str(NAME_LENGTH)
    saved_by: str = _str(32)
    saved_at: datetime = Field(sa_type=UTCDateTime)

    __table_args__ = (sa.UniqueConstraint("team_id", "name_key", name="uq_poc_template_name"),)


def _template_fk() -> object:
    return Field(foreign_key="poc_template.id", ondelete="CASCADE", index=True)


class PocTemplateUseCase(SQLModel, table=True):
    __tablename__ = "poc_template_use_case"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = _str(32)
    template_id: int = _template_fk()
    position: int
    title: str = _str(300)  # as use_case.title


class PocTemplateCriterion(SQLModel, table=True):
    __tablename__ = "poc_template_criterion"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = _str(32)
    template_id: int = _template_fk()
    use_case_id: int = Field(foreign_key="poc_template_use_case.id", ondelete="CASCADE")
    position: int
    statement: str = _text(500)  # as criterion.statement
    method: str = _text(500, default="")
    #: lint warnings it was saved despite, newline-separated, as criterion.lint_flags
    lint_flags: str = _text(500, default="")


class PocFromTemplate(SQLModel, table=True):
    """The template a POC was started from (`/poc new`'s picker): `/poc criteria` offers its
    criteria. Deleting the template deletes the link, and the offers with it."""

    __tablename__ = "poc_from_template"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = _str(32)
    # The unique constraint indexes it: no index of its own.
    poc_id: int = Field(foreign_key="poc.id", ondelete="CASCADE")
    template_id: int = _template_fk()

    __table_args__ = (sa.UniqueConstraint("poc_id", name="uq_poc_from_template_poc"),)
