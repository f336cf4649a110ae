"""The workspace's thresholds and nudge hour reach the rules through the POC snapshot; with
nothing set, the product's defaults hold."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.domain import NudgeKind, Thresholds, WorkspaceSettings
from bot.rules import champion_silence, due_nudges, qualify, sponsor_stall_days
from tests.rules.poc import MON, MON2, THU, TUE2, WED2, at, make_poc


def set_to(**thresholds: int) -> WorkspaceSettings:
    return WorkspaceSettings(thresholds=replace(Thresholds(), **thresholds))


def test_defaults_are_the_products() -> None:
    assert Thresholds() == Thresholds(7, 3, 30)
    poc = make_poc()
    assert poc.thresholds == Thresholds() and poc.workspace.nudge_hour is None


def test_champion_silence_waits_for_the_workspaces_threshold() -> None:
    poc = make_poc()  # the champion has said nothing since kickoff, Monday 2 March
    assert champion_silence(poc, THU) == 3
    patient = replace(poc, workspace=set_to(champion_silent_days=5))
    assert champion_silence(patient, THU) is None
    assert champion_silence(patient, MON2) == 5


def test_a_sponsor_stall_waits_for_the_workspaces_threshold() -> None:
    poc = make_poc()  # no sponsor meeting since kickoff
    assert sponsor_stall_days(poc, MON2) == 7
    patient = replace(poc, workspace=set_to(sponsor_stall_days=10))
    assert sponsor_stall_days(patient, MON2) is None
    assert sponsor_stall_days(patient, WED2) is None  # 9 days
    assert sponsor_stall_days(patient, MON2 + timedelta(days=3)) == 10


def test_the_timeframe_warning_follows_the_workspace() -> None:
    poc = make_poc(end=MON + timedelta(days=40))
    assert any("runs 40 days (over 30)" in w for w in qualify(poc).warnings)
    relaxed = replace(poc, workspace=set_to(max_timeframe_days=45))
    assert not any("runs 40 days" in w for w in qualify(relaxed).warnings)


def test_the_workspaces_nudge_hour_wins_over_the_deployments() -> None:
    poc = make_poc()
    assert due_nudges(poc, at(TUE2, 9, 5), nudge_hour=9)
    later = replace(poc, workspace=WorkspaceSettings(nudge_hour=11))
    assert due_nudges(later, at(TUE2, 9, 5), nudge_hour=9) == []
    assert {n.kind for n in due_nudges(later, at(TUE2, 11, 5), nudge_hour=9)} >= {
        NudgeKind.champion_silent
    }
