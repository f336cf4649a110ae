"""`python -m bot demo` as CI runs it: a fresh process, the whole scripted POC, exit 0."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_demo_runs_a_whole_poc_and_leaves_nothing_behind(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--json"],
        cwd=tmp_path,  # anything it left behind would show up here
        env={"PATH": "", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    record = json.loads(done.stdout)
    summary = record["summary"]
    # The SSO use case was parked for Phase 2: its criterion is not scored.
    assert summary["criteria"] == {"passed": 2, "failed": 1, "pending": 0}
    # The new request was asked about at once, in its criterion's thread, not by a sweep.
    assert "scope_creep" not in summary["nudges_by_kind"]
    assert summary["nudges_by_kind"]["sponsor_stalled"] >= 1
    assert summary["nudges_by_kind"]["outcome_due"] == 1
    assert summary["status"] == "won"
    assert summary["parked_for_phase_2"] == ["SSO via Okta"]
    # The AE's `/poc report` after the close: the quarter so far, one POC, GO and won.
    assert summary["report"] == (
        "Report Q4 2026 so far: 1 POC started, 1 closed — 1 won; GO at kickoff: 1 of 1 won"
    )
    assert summary["seconds"] < 20
    said = " ".join(line["text"] for line in record["transcript"])
    assert "Validated with exceptions" in said and "Couldn't read" in said
    assert said.count("New request: SSO via Okta") == 1
    assert "evaluation is complete" in said and "Won" in said
    assert "Team report — Q4 2026" in said and "Executive briefed by kickoff: 1 of 1 won" in said
    # The demo ends with the close, and the next day's sweep posts nothing.
    assert record["transcript"][-1]["text"] == "the 09:05 sweep posted 0 messages: it is over"
    assert list(tmp_path.iterdir()) == []


def test_demo_plain_output_has_no_colour(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--no-color"],
        cwd=tmp_path,
        env={"PATH": "", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "\033[" not in done.stdout
    assert "Summary" in done.stdout and "[Park for Phase 2]" in done.stdout
