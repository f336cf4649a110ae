"""The CSV export (issue 16): one row per POC, one per criterion, for a CRM or a spreadsheet.

Pure: rows are built from domain snapshots and `now`, and written with the csv module. The
upload to Slack (`/poc export`, later `/poc report … csv`) and `python -m bot export` both
call `export_csv`, so the file a manager gets in Slack and the one an operator writes are the
same bytes for the same data.

Every cell is a string. Text people typed (a prospect, a criterion) may start with `=`, `+`,
`-` or `@`: a spreadsheet would run it as a formula (CSV injection), so such a cell gets a
leading apostrophe, which spreadsheets show as text and never evaluate.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.domain import Poc, Role, Verdict
from bot.rules import in_scope, insider, kickoff_date, local_today
from bot.text import clip, plural
from bot.views.text import escape

POC_COLUMNS = (
    "poc_id",
    "prospect",
    "channel_id",
    "se",
    "ae",
    "status",
    "start",
    "planned_end",
    "end",
    "closed_at_utc",
    "kickoff_verdict",
    "skin",
    "exec_briefed_before_kickoff",
    "criteria_passed",
    "criteria_failed",
    "criteria_pending",
    "scope_changes",
    "overran",
    "signed_off_at_utc",
)
CRITERIA_COLUMNS = (
    "poc_id",
    "use_case",
    "statement",
    "method",
    "verdict",
    "verdict_by",
    "verdict_at_utc",
    "parked",
)
#: What a spreadsheet reads as the start of a formula (OWASP's list: a tab or carriage
#: return first is also read as one by some).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Row = dict[str, str]


@dataclass(frozen=True, slots=True)
class Export:
    """The two files of one export, as text, and what they hold."""

    pocs_csv: str
    criteria_csv: str
    pocs: int
    criteria: int


def cell(value: object) -> str:
    """A value as a CSV cell that no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def in_period(poc: Poc, first: date, last: date) -> bool:
    """The POC ran at some time between `first` and `last` (both included, local dates):
    started by `last`, and not closed before `first`."""
    if poc.start > last:
        return False
    return poc.closed_at is None or local_today(poc.closed_at, poc.tz) >= first


def exportable(pocs: Iterable[Poc], user_id: str) -> list[Poc]:
    """What a person may export: a manager (the workspace's `managers`) the team's POCs;
    anyone else the POCs they are SE or AE of (the kickoff verdict and the outcome are internal
    to our side)."""
    return [p for p in pocs if user_id in p.workspace.managers or insider(p, user_id)]


def poc_row(poc: Poc, now: datetime) -> Row:
    """One POC, as its row of the POC file."""
    scored = in_scope(poc)
    counts = {v: sum(1 for c in scored if c.verdict == v) for v in Verdict}
    return {
        "poc_id": str(poc.id),
        "prospect": cell(poc.prospect),
        "channel_id": cell(poc.channel_id),
        "se": cell(_people(poc, Role.se)),
        "ae": cell(_people(poc, Role.ae)),
        "status": poc.status.value,
        "start": poc.start.isoformat(),
        "planned_end": _planned_end(poc).isoformat(),
        "end": poc.end.isoformat(),
        "closed_at_utc": _utc(poc.closed_at),
        "kickoff_verdict": cell(poc.kickoff_verdict),
        "skin": poc.skin.value,
        "exec_briefed_before_kickoff": _yes(exec_briefed_before_kickoff(poc)),
        "criteria_passed": str(counts[Verdict.passed]),
        "criteria_failed": str(counts[Verdict.failed]),
        "criteria_pending": str(counts[Verdict.pending]),
        "scope_changes": str(len(poc.scope_changes)),
        "overran": _yes(overran(poc, now)),
        "signed_off_at_utc": _utc(poc.signed_off_at),
    }


def criterion_rows(poc: Poc) -> list[Row]:
    """Every criterion of the POC, parked ones too (marked), in the order they were added."""
    titles = {u.id: u.title for u in poc.use_cases}
    parked_use_cases = {u.id for u in poc.use_cases if u.parked}
    return [
        {
            "poc_id": str(poc.id),
            "use_case": cell(titles.get(c.use_case_id, "")),
            "statement": cell(c.statement),
            "method": cell(c.method),
            "verdict": c.verdict.value,
            "verdict_by": cell(c.verdict_by),
            "verdict_at_utc": _utc(c.verdict_at),
            "parked": _yes(c.parked or c.use_case_id in parked_use_cases),
        }
        for c in poc.criteria
    ]


def exec_briefed_before_kickoff(poc: Poc) -> bool:
    """An executive sponsor is named and every one was first briefed by the kickoff day (in
    the POC's timezone). No executive named: nobody was briefed, so no."""
    execs = poc.people(Role.exec_sponsor)
    kickoff = kickoff_date(poc)
    return bool(execs) and all(
        s.briefed_at is not None and local_today(s.briefed_at, poc.tz) <= kickoff for s in execs
    )


def overran(poc: Poc, now: datetime) -> bool:
    """Past the end agreed at kickoff: the read-out came after it (or, with none, the close
    did); a POC not over yet overran once today is past it. A later end agreed with
    `/poc extend` still counts: overrunning the plan is what the figure is about."""
    finished = poc.readout_posted_at or poc.closed_at
    day = local_today(finished or now, poc.tz)
    return day > _planned_end(poc)


def export_csv(pocs: Sequence[Poc], *, first: date, last: date, now: datetime) -> Export:
    """The two CSV files for the POCs that ran between `first` and `last`, by POC id."""
    chosen = sorted((p for p in pocs if in_period(p, first, last)), key=lambda p: p.id)
    criteria = [row for p in chosen for row in criterion_rows(p)]
    return Export(
        pocs_csv=to_csv(POC_COLUMNS, [poc_row(p, now) for p in chosen]),
        criteria_csv=to_csv(CRITERIA_COLUMNS, criteria),
        pocs=len(chosen),
        criteria=len(criteria),
    )


def to_csv(columns: Sequence[str], rows: Iterable[Row]) -> str:
    """RFC 4180 text: a header, then one line per row (CRLF), quoted where a cell needs it."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def file_names(first: date, last: date) -> tuple[str, str]:
    """The POC file's and the criteria file's names for this period."""
    span = f"{first.isoformat()}-to-{last.isoformat()}"
    return f"pocs-{span}.csv", f"criteria-{span}.csv"


def export_comment(done: Export, first: date, last: date) -> str:
    """What comes with the two files in the DM."""
    return (
        f"📎 POC export, {first.isoformat()} to {last.isoformat()}: "
        f"{plural(done.pocs, 'POC')} and {plural(done.criteria, 'criterion')}, "
        "one CSV file each (dates in UTC)."
    )


def _people(poc: Poc, role: Role) -> str:
    return ", ".join(p.label for p in poc.people(role))


def _planned_end(poc: Poc) -> date:
    return poc.original_end or poc.end


def _utc(at: datetime | None) -> str:
    return "" if at is None else at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _yes(value: bool) -> str:
    return "yes" if value else "no"


# ---------------------------------------------------------------- `/poc export` in Slack

#: The period `/poc export` covers when no date is given: the last 90 days, as App Home's
#: history of closed POCs does.
DEFAULT_DAYS = 90
EXPORT_USAGE = (
    "Usage: `/poc export [since YYYY-MM-DD] [until YYYY-MM-DD]` — the POCs that ran in that "
    f"period (default: the last {DEFAULT_DAYS} days) as two CSV files in your DM."
)
NOT_OUR_TEAM = "Exports are for the people of this workspace."


class BadPeriod(ValueError):
    """What was typed after `/poc export` is not a period; the message says why."""


def read_period(args: str, today: date) -> tuple[date, date]:
    """(first day, last day) from `since 2026-01-01 until 2026-03-31`, `2026-01-01`, or
    nothing (the last DEFAULT_DAYS days up to today)."""
    words = args.lower().split()
    if words and words[0] not in ("since", "until"):
        words.insert(0, "since")
    given: dict[str, date] = {}
    for key, value in zip(words[::2], words[1::2], strict=False):
        if key not in ("since", "until") or key in given:
            raise BadPeriod(EXPORT_USAGE)
        try:
            given[key] = date.fromisoformat(value)
        except ValueError:
            raise BadPeriod(
                f"“{escape(clip(value, 40))}” is not a date like 2026-01-31. {EXPORT_USAGE}"
            ) from None
    if len(words) % 2:
        raise BadPeriod(EXPORT_USAGE)
    last = given.get("until", today)
    first = given.get("since", date.fromordinal(last.toordinal() - DEFAULT_DAYS))
    if first > last:
        raise BadPeriod(f"{first.isoformat()} is after {last.isoformat()}. {EXPORT_USAGE}")
    return first, last


def nothing_to_export(first: date, last: date) -> str:
    return (
        f"No POC you may export ran between {first.isoformat()} and {last.isoformat()}: nothing "
        "was sent. Managers (the workspace's `managers` setting) export the team's POCs; anyone "
        "else the POCs they are SE or AE of."
    )


def export_sent(done: Export, first: date, last: date) -> str:
    return (
        f"📎 Sent to you by DM: {plural(done.pocs, 'POC')} and "
        f"{plural(done.criteria, 'criterion')} from {first.isoformat()} to {last.isoformat()}, "
        "as two CSV files."
    )


def upload_failed(error: str) -> str:
    return (
        f"I couldn't send the files to your DM (Slack said: {error}). Nothing else changed; "
        "try again in a minute."
    )
