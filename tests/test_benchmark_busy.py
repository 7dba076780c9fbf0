"""The busy account's judging can fail: results a broken product would give miss their targets.

Pure tests of `benchmarks.busy_report` (and the report and command line around it), fed the
moves of a sound product beside those of the product issue 16 describes (activity capped at
60 reads an hour: most events 20 minutes late, some never; setup waiting 600 s; a listing that
restarts), and one run of the busy account on a small account, end to end.
"""

from __future__ import annotations

import math
from pathlib import Path
import random
import subprocess
import sys

import pytest

from benchmarks import busy_report as judged, cli, targets
from benchmarks.busy import BusyResult, BusySettings, Move
from benchmarks.report import Report, missed, render_markdown
from benchmarks.runs import Settings
from benchmarks.scenarios import Size

ROOT = Path(__file__).resolve().parent.parent
RNG = random.Random(16)
SYNC = "GET /api/{version}/my/lock/sync"
ACTIVITY = "GET /api/{version}/my/deviceactivity"


def _moves(delays: list[float | None], *, person_every: int = 2) -> list[Move]:
    """Return one move a minute, each shown after its delay (None: never shown)."""
    moves = []
    for index, delay in enumerate(delays):
        at = 60.0 * index
        shown = None if delay is None else at + delay
        person = "Ann" if index % person_every == person_every - 1 else None
        moves.append(Move(index, at, person, shown, shown, shown if person else None))
    return moves


def _sound(count: int = 420) -> BusyResult:
    """Return what a sound product gives: each move shown within one poll, nothing missed."""
    result = BusyResult(size=Size("1000 locks", 1000), settings=BusySettings(), locks=1000)
    result.devices = "1000 locks"
    result.setup_to_entities, result.entities_shown = 14.0, 1000
    result.moves = _moves([RNG.uniform(0.5, 21.5) for _ in range(count)])
    result.window = count * 60.0
    hours = result.window / 3600.0
    result.tedee_requests.update({SYNC: round(170 * hours), ACTIVITY: round(94 * hours)})
    result.busiest_hour, result.list_pages_busiest_hour = 300, 10
    result.list_pages_from_sign_in, result.list_pages_sign_in_hour = 70, 10
    return result


def _verdicts(result: BusyResult) -> dict[str, bool | None]:
    """Return each figure's verdict."""
    return {row.figure: row.cells[0].met for row in judged.busy_rows([result])}


def test_a_sound_busy_account_meets_every_figure() -> None:
    """Each move shown within a poll, every event delivered, polling light: all met."""
    result = _sound()
    assert judged.busy_missed([result]) == []
    verdicts = _verdicts(result)
    assert all(met is not False for met in verdicts.values()), verdicts
    assert judged.operated_by_delay(result).met is True


def test_the_capped_activity_of_issue_16_misses() -> None:
    """Activity capped at 60 reads an hour: events 20 minutes late and some lost."""
    result = _sound()
    late = [RNG.uniform(60.0, 2400.0) for _ in range(len(result.moves))]
    result.moves = _moves([None if i % 3 == 0 else d for i, d in enumerate(late)])
    for move in result.moves:
        # The position is shown by the bulk sync, on time: only the event is late.
        move.state_at = move.at + 10.0
    assert judged.events_delivered(result).met is False
    assert judged.event_delay(result).met is False
    assert judged.operated_by_delay(result).met is False
    assert judged.state_freshness(result).met is True
    lines = judged.busy_missed([result])
    assert any("Events delivered" in line for line in lines)
    assert any("activity event" in line for line in lines)


def test_events_delivered_counts_each_hour() -> None:
    """An event that comes after its hour ended is delivered, but not within the hour."""
    result = _sound(120)
    result.moves[59].event_at = result.moves[59].at + 90.0
    text = judged.events_delivered(result).text
    assert text.startswith("120 of 120")
    assert "59/60, 60/60" in text
    result.moves[3].event_at = None
    verdict = judged.events_delivered(result)
    assert verdict.met is False
    assert verdict.text.startswith("119 of 120")


def test_a_p95_on_too_few_moves_is_missed_and_the_persons_shown() -> None:
    """Under 200 moves the event p95 is missed; under 200 people's moves, shown only."""
    result = _sound(150)
    assert judged.event_delay(result).met is False
    assert "fewer than 200 samples" in judged.event_delay(result).text
    assert judged.operated_by_delay(result).met is None


def test_slow_setup_and_restarting_listings_miss() -> None:
    """Setup that sleeps 600 s before entities, 56 list pages an hour: both missed."""
    result = _sound()
    result.setup_to_entities = 600.0
    result.list_pages_busiest_hour = 56
    verdicts = _verdicts(result)
    assert verdicts["B Sign-in → every lock's entity shown"] is False
    lists = "B Lock-list pages (`GET my/lock`), busiest hour from sign-in on (reload included)"
    assert verdicts[lists] is False
    result.setup_to_entities = None
    result.entities_shown = 400
    verdict = judged.setup_to_entities(result)
    assert verdict.met is False
    assert verdict.unmeasured == "only 400 of 1000 locks' entities were shown"


def test_a_reload_that_lists_again_misses() -> None:
    """Steady hours of 10 pages, but setup's 10 and a reload's 10 in the first hour: missed."""
    result = _sound()
    result.list_pages_sign_in_hour = 20
    verdict = judged.list_pages(result)
    assert verdict.met is False
    assert verdict.text.startswith("20 in the busiest hour from sign-in on")
    result.list_pages_sign_in_hour = targets.MAX_LIST_PAGES_PER_HOUR
    assert judged.list_pages(result).met is True


def test_the_action_reserve_and_429s_are_judged() -> None:
    """Activity that eats into the action reserve, or a self-caused 429, is a miss."""
    result = _sound()
    result.busiest_hour = 600
    assert judged.budget_share(result).met is False
    result.busiest_hour = int(targets.MAX_BUSY_ACCOUNT_SHARE * 700)
    assert judged.budget_share(result).met is True
    result.rule_429 = 1
    assert judged.rule_429(result).met is False


def test_nothing_measured_says_why() -> None:
    """An entry that never set up: every judged figure is missed and says why."""
    result = BusyResult(size=Size("1000 locks", 1000), settings=BusySettings())
    result.none_reason = "the Tedee entry never finished setting up (setup_retry)"
    for row in judged.busy_rows([result]):
        cell = row.cells[0]
        assert cell.met is not True
        if cell.met is False:
            assert cell.unmeasured == result.none_reason
    assert math.isnan(judged.bulk_syncs_per_hour(result))


def test_the_report_fails_on_a_busy_miss_and_renders_alone() -> None:
    """A busy miss fails the run; a busy-only report has its section and no size tables."""
    result = _sound()
    report = Report(
        mode="busy",
        settings=Settings(),
        checks=[],
        results=[],
        real_seconds=1.0,
        virtual_seconds=3600.0,
        io_poll=0.002,
        busy=[result],
    )
    assert missed(report) == []
    text = render_markdown(report)
    assert "### The busy account" in text
    assert "420 moves (210 by a person)" in text
    assert "## The unkind days" not in text
    result.setup_to_entities = 600.0
    assert any("Sign-in" in line for line in missed(report))


def test_the_command_line_plans_the_busy_account() -> None:
    """`--busy` alone at 1000 locks; the full run includes it; the gate at 100 locks."""
    plan = cli._plan(cli._parse_args(["--busy"]))
    assert plan.sizes == []
    assert [s.locks for s in plan.busy_sizes] == [1000]
    assert plan.busy.moves >= targets.MIN_SAMPLES * 2
    plan = cli._plan(cli._parse_args(["--busy", "--sizes", "250", "--busy-hours", "1"]))
    assert [s.locks for s in plan.busy_sizes] == [250]
    assert plan.busy.moves == 60
    assert [s.locks for s in cli._plan(cli._parse_args([])).busy_sizes] == [1000]
    assert cli._plan(cli._parse_args(["--no-busy"])).busy_sizes == []
    gate = cli._plan(cli._parse_args(["--gate"]))
    assert [s.locks for s in gate.busy_sizes] == [100]
    assert gate.busy.moves >= targets.MIN_SAMPLES
    assert cli._plan(cli._parse_args(["--smoke"])).busy_sizes == []


@pytest.mark.timeout(700)
def test_a_short_busy_run_times_every_move(tmp_path: Path) -> None:
    """`--busy` end to end on 20 locks for 10 moves: each move's event, position and person
    shown, every event delivered within its hour; the p95s say their samples are too few.

    Run in a subprocess (a virtual-clock loop of its own, outside the test harness's loop).
    """
    output = tmp_path / "busy.md"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--busy",
            "--sizes",
            "20",
            "--busy-hours",
            "0.17",
            "--output",
            str(output),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    # Ten moves are too few for a p95: the run says so and fails.
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert output.exists(), completed.stdout + completed.stderr
    rows = {
        line.split(" | ")[0].removeprefix("| "): line
        for line in output.read_text(encoding="utf-8").splitlines()
        if line.startswith("| B ")
    }
    assert "(20 lock entities) ✅" in rows["B Sign-in → every lock's entity shown"]
    delivered = rows["B Events delivered, of the moves (within the hour of the move, per hour)"]
    assert "10 of 10; within the hour of the move: 10/10 ✅" in delivered
    assert "(n=10); fewer than 200 samples ❌ missed" in rows["B Move → the lock's activity event"]
    assert "(n=5)" in rows['B A person\'s move → "last operated by" names them']
    assert "never shown" not in "".join(rows.values())
    assert "0 in 0.2 h ✅" in rows["B Self-caused 429s during the moves"]
