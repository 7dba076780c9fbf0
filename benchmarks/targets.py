"""Every target the benchmark judges, fixed before any run, and how each came to be.

The targets are absolute: none is read back from the product under test (a product that polls
every 120 s cannot pass by reporting a 120 s interval). Changing one is a change to this file,
recorded in `HISTORY` with its reason, and it shows in docs/benchmarks.md.
"""

from __future__ import annotations

from dataclasses import dataclass

# A p95 is judged only on at least this many samples, and met only if its whole bootstrap
# 95 % confidence interval is within the target.
MIN_SAMPLES = 200

# Figure 1: Tedee requests per hour as a share of the account's 700.
MAX_QUIET_SHARE = 0.40
# The busiest hour of the run (actions at `BUSY_ACTIONS_PER_HOUR`, one every 15-45 s): at
# most this share, so that at least 70 requests an hour are left to the user's other clients.
MAX_BUSY_SHARE = 0.90
BUSY_ACTIONS_PER_HOUR = 120
# Requests an action causes beyond the quiet rate (command, status reads, activity, lock
# details, polls brought forward — everything the server saw, less what the hour would have
# cost anyway), mean per action.
MAX_REQUESTS_PER_ACTION = 4.0
# Figure 2: self-caused 429s over the unkind day, every seed.
MAX_SELF_CAUSED_429 = 0
# Figure 3: freshness, p95 from a change in the cloud to Home Assistant showing it (default
# options; a change never shown is infinitely late).
MAX_FRESHNESS_TEDEE = 23.0
MAX_FRESHNESS_DOORFLOW = 32.0
# Unlock / lock pressed → confirmed state, beyond the lock's own operation and beyond what no
# client can avoid (the command's uplink and the final answer's downlink), p95.
MAX_BEYOND_UNAVOIDABLE = 1.0
# "Lock all" for up to 10 locks ÷ one lock's call (medians, 2 s operations).
MAX_LOCK_ALL_RATIO = 1.5
# "Open" still shown after the latch was let go, p95.
MAX_OPEN_BEYOND = 2.0
# Figure 5: state writes per update with nothing changed (every state_changed and
# state_reported event in the window, divided by the updates in it).
MAX_WRITES_PER_UPDATE = 0.0
# The longest the integration held Home Assistant's event loop in one callback (real time).
MAX_BLOCKING_SECONDS = 0.050
# The busy account (issue 16): one lock moved by hand each minute on a large account, activity
# on. Each move's event (its event entity, and "last operated by" for a person's move) within
# two poll intervals, p95, a poll interval counted as the Tedee freshness target counts it.
BUSY_MOVES_PER_HOUR = 60
MAX_BUSY_EVENT_DELAY = 2 * MAX_FRESHNESS_TEDEE
# Every move's event delivered (within `GIVE_UP` of the move): none lost.
MAX_BUSY_EVENTS_LOST = 0
# Lock listing pages (`GET my/lock`) in every hour from sign-in on: setup's listing, the
# reload when entities are enabled, and the steady state of the moves.
MAX_LIST_PAGES_PER_HOUR = 12
# The busiest hour from sign-in on: the action reserve (140 of 700) left to people's actions.
MAX_BUSY_ACCOUNT_SHARE = 0.80
# Sign-in → every lock's entity shown in Home Assistant: within one poll interval (as the
# freshness target counts one).
MAX_SETUP_TO_ENTITIES = MAX_FRESHNESS_TEDEE
# CPU per update may grow at most this many times faster than the entities between two sizes
# (1 = exactly linear; a quadratic listener grows 10 times faster from 100 to 1000 locks).
MAX_SUPERLINEAR = 2.0

# Push (issue 19), with 0-500 ms latency on every cloud request, p95 on >= MIN_SAMPLES:
# a change made outside Home Assistant (a Tedee lock turned by hand, pushed by its bridge; a
# DoorFlow door's mode, pushed by the notification rule) until Home Assistant shows it.
MAX_PUSH_FRESHNESS = 2.0
# A keypad unlock / lock in the cloud until the lock's event says who (user and code).
MAX_PUSH_WHO = 3.0
# A DoorFlow door forced open until its problem sensor is on.
MAX_PUSH_FORCED = 2.0
# Tedee requests in a quiet hour with push healthy, as a share of the 700: well under what
# polling costs (30-37 % when the issue was filed).
MAX_PUSH_QUIET_SHARE = 0.20
# Push lost mid-run (the bridges and DoorFlow stop calling). Tedee: from the first change no
# push brought to the next cloud lock-state poll, one interval (the 20 s rule with the margin
# as polling's freshness target); then the cloud's lock state polled at least every 25 s (the
# 20 s rule, the integration's margin and the uplink's jitter), and every change shown within
# polling's own freshness targets (MAX_FRESHNESS_TEDEE / _DOORFLOW).
MAX_LOSS_BACK_TO_POLLING = 23.0
MAX_LOSS_POLL_GAP = 25.0
# DoorFlow: while push is healthy its event feed is read every 5 minutes (a check that push
# brings every event); the first event push did not bring shows within that and one poll.
MAX_LOSS_DOORFLOW_BACK = 332.0
# While push is lost a forced door shows within polling's DoorFlow target.
MAX_LOSS_FORCED = MAX_FRESHNESS_DOORFLOW
# Lost (a change never shown, a forced door never delivered), delivered twice, and what 1000
# forged webhook calls at each webhook cause: cloud requests and events delivered.
MAX_PUSH_LOST = 0
MAX_PUSH_DUPLICATES = 0
MAX_FLOOD_REQUESTS = 0
MAX_FLOOD_EVENTS = 0


@dataclass(frozen=True)
class Change:
    """One entry of the targets' history."""

    date: str
    change: str
    reason: str


HISTORY = [
    Change(
        "2026-11-29",
        "First targets (issue 8): freshness p95 ≤ the poll interval the coordinator used + 2 s; "
        "unlock → confirmed beyond the operation p95 ≤ 1 s; ≤ 3 operation requests per action; "
        "≤ 40 % of the budget in a quiet hour; 0 self-caused 429s in a day of 0-500 ms "
        "latency; 0 writes per unchanged update.",
        "The benchmark's first version.",
    ),
    Change(
        "2026-11-29",
        'Unlock with latency judged on "the integration\'s share" instead of the raw figure.',
        "Made after the raw figure missed; withdrawn on 2026-12-04 (the share subtracted an "
        "uplink that was never added).",
    ),
    Change(
        "2026-12-04",
        "Absolute targets (issue 17), fixed before the run: freshness p95 ≤ 23 s Tedee, "
        "≤ 32 s DoorFlow, every change counted (never shown = infinitely late), before and "
        "after actions and across the day; each p95 on ≥ 200 samples, met only if its whole "
        "bootstrap 95 % interval is; unlock / lock judged beyond what no client can avoid "
        "(≤ 1 s); every request an action causes ≤ 4 per action beyond the quiet rate; the "
        "busiest hour ≤ 90 % at 120 actions an hour; Home Assistant's loop never held > 50 ms "
        "by the integration; CPU per update at most 2x faster than linear; state writes "
        "counted over the whole window; 0 self-caused 429s on an unkind day over several "
        "seeds; fair baselines judged on the same figures.",
        "The first targets could be met by a product a user would not accept (issue 17).",
    ),
    Change(
        "2026-12-04",
        "No target changed. Three figures missed on the first run under these targets "
        "(unlock / lock → confirmed p95 just over 1 s; Tedee freshness across the unkind days "
        "p95 24.4-24.8 s) were fixed in the product, not here: status reads every 0.6 s from "
        "1.5 s after the command, polls timed from when each began, a constant interval "
        "margin. The gate's allowance for known misses was removed with them: every miss "
        "fails both the gate and the full run.",
        "A benchmark that lets a miss pass is not one (issue 17).",
    ),
    Change(
        "2026-12-04",
        "The busy account's targets (issue 16), fixed before its first run: with 1000 locks "
        "and one lock moved by hand each minute (activity on), each move's event p95 ≤ 46 s "
        "(two poll intervals of 23 s, as the freshness target counts one) on ≥ 200 moves, "
        "every event delivered, lock freshness p95 ≤ 23 s during it, ≤ 12 lock-list pages in "
        "any hour of the moves, the busiest hour of the moves ≤ 80 % of 700 (the action "
        "reserve left), 0 self-caused 429s; sign-in → every lock's entity ≤ 23 s.",
        "Activity at 1000 locks hit a fixed cap (21 of 60 moves delivered in the first hour, "
        "median 20 min late) and setup slept about 600 s before any entity existed (issue 16).",
    ),
    Change(
        "2026-12-05",
        "Push targets (issue 19), fixed before the first push run, home and 1000 locks / 400 "
        "doors, 0-500 ms latency: a change made outside Home Assistant shown p95 ≤ 2 s (Tedee "
        "by the bridge, DoorFlow by the notification rule); keypad unlock / lock → the 'who' "
        "event p95 ≤ 3 s; forced door → problem sensor p95 ≤ 2 s; Tedee quiet hour with push "
        "healthy ≤ 20 % of 700; push lost mid-run: the cloud's lock state polled within 23 s "
        "of the first change no push brought and then at least every 25 s, changes within "
        "polling's freshness targets, a forced door within 32 s p95 (the first within 332 s: "
        "the 5-minute feed check while push is healthy, then a poll), nothing lost, nothing "
        "delivered twice; 1000 forged calls at each webhook: 0 cloud requests, 0 events. "
        "Polling is measured beside them in the same run.",
        "The issue's 'proved by a benchmark' section; the polling figures are the baseline.",
    ),
    Change(
        "2026-12-05",
        "Stricter judging of the same target (≤ 12 lock-list pages an hour, issue 16): judged "
        "in every hour from sign-in on, setup's listing and the reload that enabling the "
        "'last operated by' sensors causes included, not only in the hours of the moves.",
        "A reload listed the whole account again (20 pages in the first hour at 1000 locks) "
        "and the judging did not see it; a reload now keeps the lock details.",
    ),
    Change(
        "2026-12-05",
        "No push target changed. Misses were fixed in the product: a DoorFlow door's mode "
        "changed outside Home Assistant showed only at the next poll (p95 about 29 s; now its "
        "pushed event has the door read at once), and at 1000 locks one keypad 'who' of 200 "
        "waited for the next poll behind the full activity window (now retried when it frees). "
        "One measurement fix: a forced door while push is lost was given up after 300 s, under "
        "its own 332 s target; it is now waited for twice the target.",
        "A target is never moved after a miss.",
    ),
]
