"""The busy account's figures beside their targets (`busy.py` measures, this judges).

Pure functions of a `BusyResult`, so that tests can feed deliberately broken results and see
each figure missed. Every target comes from `targets.py`, fixed before the run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
import math

from . import targets as t
from .busy import BusyResult, bulk_syncs_per_hour, list_pages_per_hour, tedee_share
from .judge import Verdict, judge_at_most, judge_p95, not_measured, seconds, shown


@dataclass(frozen=True)
class BusyRow:
    """One figure of the busy account: its target and a verdict per account."""

    figure: str
    target: str
    cells: list[Verdict]


def _why(result: BusyResult, what: str) -> str | None:
    """Return why nothing could be measured, if so."""
    if result.none_reason:
        return result.none_reason
    if not result.moves:
        return f"no lock was moved, so no {what}"
    return None


def setup_to_entities(result: BusyResult) -> Verdict:
    """Sign-in → every lock's entity shown, against one poll interval."""
    if result.none_reason:
        return not_measured(result.none_reason)
    if result.setup_to_entities is None:
        return not_measured(
            f"only {result.entities_shown} of {result.locks} locks' entities were shown"
        )
    return judge_at_most(
        result.setup_to_entities,
        t.MAX_SETUP_TO_ENTITIES,
        f"{seconds(result.setup_to_entities, 1)} s ({result.entities_shown} lock entities)",
        why_none="no lock entity was shown",
    )


def events_delivered(result: BusyResult) -> Verdict:
    """Every move's event delivered; and how many within the hour of the move."""
    if (why := _why(result, "event")) is not None:
        return not_measured(why)
    hours = result.within_the_hour()
    per_hour = ", ".join(f"{arrived}/{moves}" for moves, arrived in hours)
    lost = len(result.moves) - result.delivered
    text = f"{result.delivered} of {len(result.moves)}; within the hour of the move: {per_hour}"
    return Verdict(text, met=lost <= t.MAX_BUSY_EVENTS_LOST)


def _p95(values: Sequence[float], limit: float, why: str | None) -> Verdict:
    """Judge a p95 of the moves' delays (none: why)."""
    if why is not None:
        return not_measured(why)
    return judge_p95(values, limit, why_none="no move was timed")


def event_delay(result: BusyResult) -> Verdict:
    """Move → the lock's activity event entity fired, p95."""
    return _p95(result.event_delays, t.MAX_BUSY_EVENT_DELAY, _why(result, "event"))


def operated_by_delay(result: BusyResult) -> Verdict:
    """A person's move → "last operated by" names them, p95 (shown: half the moves)."""
    why = _why(result, "person's move")
    if why is None and not result.operated_by_delays:
        why = "no move was a person's"
    if why is not None:
        return not_measured(why)
    values = result.operated_by_delays
    verdict = judge_p95(values, t.MAX_BUSY_EVENT_DELAY, why_none="no person's move")
    if verdict.unmeasured is not None and len(values) < t.MIN_SAMPLES:
        # Fewer samples than a p95 needs: shown, judged by the event entity's figure.
        return shown(verdict.text.replace(f"; fewer than {t.MIN_SAMPLES} samples", ""))
    return verdict


def state_freshness(result: BusyResult) -> Verdict:
    """Move → the lock shows its new position, p95 (polling did not slow)."""
    return _p95(result.state_delays, t.MAX_FRESHNESS_TEDEE, _why(result, "position"))


def list_pages(result: BusyResult) -> Verdict:
    """Lock-list pages in every hour from sign-in on (setup and the reload included)."""
    if (why := _why(result, "hour")) is not None:
        return not_measured(why)
    busiest = max(result.list_pages_sign_in_hour, result.list_pages_busiest_hour)
    text = (
        f"{busiest} in the busiest hour from sign-in on (setup and the reload included); "
        f"{result.list_pages_busiest_hour} in the busiest hour of the moves "
        f"({list_pages_per_hour(result):.1f}/h on average); {result.list_pages_from_sign_in} "
        "from sign-in on"
    )
    return Verdict(text, met=busiest <= t.MAX_LIST_PAGES_PER_HOUR)


def budget_share(result: BusyResult) -> Verdict:
    """Tedee requests in the busiest hour of the moves, as a share of 700."""
    if (why := _why(result, "hour")) is not None:
        return not_measured(why)
    share = tedee_share(result)
    activity = result.per_hour("GET /api/{version}/my/deviceactivity")
    return judge_at_most(
        share,
        t.MAX_BUSY_ACCOUNT_SHARE,
        f"{result.busiest_hour}/h ({share:.0%}); activity reads {activity:.0f}/h",
        why_none="no request was counted",
    )


def bulk_syncs(result: BusyResult) -> Verdict:
    """Bulk syncs per hour over the moves' hours (shown; freshness judges the pace)."""
    if (why := _why(result, "hour")) is not None:
        return shown(f"{why}")
    rate = bulk_syncs_per_hour(result)
    gap = 3600.0 / rate if rate and not math.isnan(rate) else math.nan
    return shown(f"{rate:.0f}/h (one every {seconds(gap, 1)} s)")


def rule_429(result: BusyResult) -> Verdict:
    """429s the server's rules refused over the moves' hours."""
    if (why := _why(result, "hour")) is not None:
        return not_measured(why)
    return Verdict(f"{result.rule_429} in {result.hours:.1f} h", met=result.rule_429 == 0)


def busy_rows(results: Sequence[BusyResult]) -> list[BusyRow]:
    """Return every busy-account figure beside its target, one verdict per account."""

    def row(figure: str, target: str, cell: Callable[[BusyResult], Verdict]) -> BusyRow:
        return BusyRow(figure, target, [cell(r) for r in results])

    event = f"p95 ≤ {t.MAX_BUSY_EVENT_DELAY:g} s"
    return [
        row(
            "B Sign-in → every lock's entity shown",
            f"≤ {t.MAX_SETUP_TO_ENTITIES:g} s",
            setup_to_entities,
        ),
        row(
            "B Events delivered, of the moves (within the hour of the move, per hour)",
            "every one",
            events_delivered,
        ),
        row("B Move → the lock's activity event", event, event_delay),
        row('B A person\'s move → "last operated by" names them', event, operated_by_delay),
        row(
            "B Move → the lock shows its new position (state freshness)",
            f"p95 ≤ {t.MAX_FRESHNESS_TEDEE:g} s",
            state_freshness,
        ),
        row(
            "B Lock-list pages (`GET my/lock`), busiest hour from sign-in on (reload included)",
            f"≤ {t.MAX_LIST_PAGES_PER_HOUR}",
            list_pages,
        ),
        row(
            "B Tedee requests, busiest hour of the moves (share of 700)",
            f"≤ {t.MAX_BUSY_ACCOUNT_SHARE:.0%}",
            budget_share,
        ),
        row("B Bulk syncs per hour during the moves", "shown", bulk_syncs),
        row("B Self-caused 429s during the moves", "0", rule_429),
    ]


def busy_missed(results: Sequence[BusyResult]) -> list[str]:
    """Return every busy-account figure that missed its target."""
    return [
        f"{row.figure} — {result.size.name}: {cell.text}"
        for row in busy_rows(results)
        for result, cell in zip(results, row.cells, strict=True)
        if cell.met is False
    ]


def busy_header(result: BusyResult) -> str:
    """Return an account's column title."""
    return result.devices or result.size.name


def busy_settings_text(results: Sequence[BusyResult]) -> str:
    """Return how the busy accounts were measured, in one sentence."""
    if not results:
        return ""
    s = results[0].settings
    samples = ", ".join(
        f"{r.size.name}: {len(r.moves)} moves ({len(r.operated_by_delays)} by a person)"
        for r in results
    )
    return (
        f"{s.hours:g} simulated hours of one move a minute after a {s.warmup / 60:g}-minute "
        f"warm-up, random latency {s.latency_ms[0]:g}-{s.latency_ms[1]:g} ms each way, seed "
        f"{s.seed}; {samples}."
    )
