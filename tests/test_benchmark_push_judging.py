"""The push figures' judging can fail: a product that polls, loses, repeats or obeys forgers misses.

Pure tests of the push verdicts in `benchmarks.report` (issue 19), fed what a sound push
produces beside what a broken one would, and of how the push section lands in the report file.
"""

from __future__ import annotations

from collections import Counter
import math
from pathlib import Path
import random

from benchmarks import report as judged, targets
from benchmarks.freshness import Freshness
from benchmarks.push import Flood, PushFigures, PushLoss, PushResult
from benchmarks.rates import RequestRates
from benchmarks.runs import Settings
from benchmarks.scenarios import Size

RNG = random.Random(19)


def _uniform(high: float, count: int = 200) -> list[float]:
    """Return delays spread evenly up to `high` seconds."""
    return [RNG.uniform(0.0, high) for _ in range(count)]


def _figures(mode: str, high: float, tedee_per_hour: float) -> PushFigures:
    """Return one mode's figures: every delay up to `high`, the quiet Tedee rate given."""
    rates = RequestRates(window=3600.0, tedee={"GET my/lock/sync": tedee_per_hour})
    return PushFigures(
        mode,
        tedee_mode=mode,
        doorflow_mode=mode,
        rates=rates,
        freshness=Freshness(tedee=_uniform(high), doorflow=_uniform(high)),
        who=_uniform(high),
        forced=_uniform(high),
    )


def _sound() -> PushResult:
    """Return what a sound push produces at home, polling's figures beside it."""
    return PushResult(
        size=Size("home"),
        devices="4 locks, 3 gates, 3 doors",
        push=_figures("push", 1.5, 36.0),
        polling=_figures("polling", 21.0, 208.0),
        loss=PushLoss(
            tedee_back=15.0,
            tedee_longest_gap=22.2,
            doorflow_back=180.0,
            freshness=Freshness(tedee=_uniform(20.0), doorflow=_uniform(28.0)),
            forced=[180.0, *_uniform(28.0, 199)],
            events_made=200,
            events_delivered=200,
        ),
        flood=Flood(calls=2000, statuses=Counter({200: 1300, 400: 700}), requests=2),
        duplicates=0,
    )


def _report(*results: PushResult) -> judged.Report:
    """Return a push-only report of these sizes."""
    return judged.Report(
        mode="push",
        settings=Settings(),
        checks=[],
        results=[],
        real_seconds=60.0,
        virtual_seconds=36000.0,
        io_poll=0.002,
        push=list(results),
        command="--only push",
    )


def test_sound_push_meets_every_push_figure_and_polling_misses_beside_it() -> None:
    """Push within 2 s meets; polling's 21 s in the same run misses the same target, shown."""
    report = _report(_sound())
    assert judged.missed(report) == []
    rows = judged.push_rows(report)
    polling = [row for row in rows if row.baseline]
    assert len(polling) == 5
    assert all(row.cells[0].met is False for row in polling)
    assert all(row.cells[0].met for row in rows if not row.baseline)


def test_push_that_only_polls_misses_freshness_who_forced_and_the_rate() -> None:
    """A product whose push never arrives (polling's delays and rate) misses every push figure."""
    result = _sound()
    result.push = _figures("polling", 21.0, 208.0)
    lines = judged.missed(_report(result))
    for figure in (
        "Tedee lock turned by hand",
        "DoorFlow door's mode changed",
        "Keypad unlock / lock",
        "DoorFlow forced door",
        "Tedee requests per hour, quiet, push healthy",
    ):
        assert any(figure in line for line in lines), figure


def test_too_few_push_samples_are_missed() -> None:
    """Fifty quick samples are not enough for a p95."""
    result = _sound()
    assert result.push is not None
    result.push.who = [0.5] * 50
    verdict = judged.push_who(result)
    assert verdict.met is False
    assert verdict.unmeasured == f"only 50 samples, a p95 needs {targets.MIN_SAMPLES}"


def test_no_lock_for_the_keypad_says_why() -> None:
    """No sample at all: missed with the cause."""
    result = _sound()
    assert result.push is not None
    result.push.who = []
    assert judged.push_who(result).unmeasured == result.push.who_none


def test_a_change_lost_while_push_was_down_is_missed() -> None:
    """One change never shown, or one forced door never delivered, is a loss."""
    result = _sound()
    assert result.loss is not None
    result.loss.freshness.tedee[5] = math.inf
    assert judged.push_lost(result).met is False
    result.loss.freshness.tedee[5] = 3.0
    assert judged.push_lost(result).met is True
    result.loss.events_delivered = 199
    verdict = judged.push_lost(result)
    assert verdict.met is False
    assert "1 of 200 forced doors while lost not delivered" in verdict.text


def test_slow_fallback_and_sparse_polls_are_missed() -> None:
    """Polling back after 60 s, or a 5-minute gap between polls, misses."""
    result = _sound()
    assert result.loss is not None
    result.loss.tedee_back = 60.0
    assert judged.loss_back(result).met is False
    result.loss.tedee_back = None
    assert judged.loss_back(result).unmeasured == "no cloud poll followed"
    result.loss.tedee_longest_gap = 300.0
    assert judged.loss_gap(result).met is False
    result.loss.doorflow_back = 400.0
    assert judged.loss_doorflow_back(result).met is False


def test_a_duplicate_or_an_obeyed_forger_is_missed() -> None:
    """One event twice, one request or one event caused by a forged call: missed."""
    result = _sound()
    result.duplicates = 1
    assert judged.push_duplicates(result).met is False
    assert result.flood is not None
    result.flood.caused = 1
    assert judged.flood_requests(result).met is False
    result.flood.delivered = 1
    assert judged.flood_events(result).met is False
    result.flood = Flood()
    assert judged.flood_requests(result).unmeasured == "no webhook to call"


def test_a_run_that_did_not_happen_is_shown_not_passed() -> None:
    """Without the push run nothing is judged met."""
    result = PushResult(size=Size("home"))
    for verdict in (
        judged.push_freshness(result, True),
        judged.loss_back(result),
        judged.push_lost(result),
        judged.flood_events(result),
    ):
        assert verdict.met is None
    result.notes.append("failed")
    assert judged.push_who(result).met is False


def test_the_push_section_replaces_only_itself(tmp_path: Path) -> None:
    """`--only push` writes its section into the report and keeps the rest of the file."""
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\nfull figures\n\n## Targets and their history\n\nold\n")
    judged.write_push_section(_report(_sound()), path)
    first = path.read_text()
    assert first.index("## Push (issue 19)") < first.index("## Targets and their history")
    assert "full figures" in first
    assert "`./scripts/run python -m benchmarks --only push`" in first
    slow = _sound()
    slow.push = _figures("polling", 21.0, 208.0)
    judged.write_push_section(_report(slow), path)
    second = path.read_text()
    assert second.count(judged.PUSH_START) == 1
    assert "full figures" in second
    assert "### Push missed\n\n- nothing" not in second
    console = judged.render_console(_report(slow))
    assert "Push: FAILED" in console


def test_a_runs_notes_stand_apart_from_its_misses(tmp_path: Path) -> None:
    """A note says what happened beside the figures; it is not listed as a miss."""
    path = tmp_path / "benchmarks.md"
    sound = _sound()
    sound.notes.append("push did not come back after the loss; the flood hit polling")
    judged.write_push_section(_report(sound), path)
    text = path.read_text()
    missed = text[text.index("### Push missed") : text.index("### Push notes")]
    assert "- nothing" in missed
    assert "flood hit polling" not in missed
    assert "- home: push did not come back" in text[text.index("### Push notes") :]
