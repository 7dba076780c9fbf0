"""Helpers shared by the Home Assistant tests: moving time, reading states, running actions."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import timedelta
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.door_access.const import DOMAIN

if TYPE_CHECKING:
    from .conftest import Simulator

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

REDACTED = "**REDACTED**"
_ENGLISH = Path(__file__).parent.parent / "custom_components" / DOMAIN / "translations" / "en.json"
# Seconds from one Tedee poll to the next: the 20 s sync rule, the scheduler's safety margin,
# and the second Home Assistant's timers may fire early.
TEDEE_POLL = 22


async def advance(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    seconds: float,
    *,
    wait_background_tasks: bool = True,
) -> None:
    """Move time forward and let every timer that fell due run (and background polls end)."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=wait_background_tasks)


async def set_tedee_lock(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    lock_id: int,
    **fields: Any,
) -> None:
    """Change a lock in the simulated Tedee cloud, then let the coordinator poll it."""
    await simulator.control("PATCH", f"tedee/locks/{lock_id}", fields)
    await advance(hass, freezer, TEDEE_POLL)


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> bool:
    """Add an entry to Home Assistant, set it up, wait until idle and return setup's result."""
    entry.add_to_hass(hass)
    result = await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return result


def coordinator_of[T](entry: ConfigEntry[Any], kind: type[T]) -> T:
    """Return the entry's coordinator, checking that it is of the expected kind."""
    coordinator = entry.runtime_data.coordinator
    assert isinstance(coordinator, kind)
    return coordinator


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state, failing clearly when it does not exist."""
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


def lock_entity_ids(hass: HomeAssistant, entry: ConfigEntry[Any]) -> list[str]:
    """Return the ids of the entry's lock entities."""
    registry = er.async_get(hass)
    return [
        e.entity_id
        for e in er.async_entries_for_config_entry(registry, entry.entry_id)
        if e.domain == "lock"
    ]


def enable_entity(hass: HomeAssistant, domain: str, unique_id: str, object_id: str) -> None:
    """Register an entity that is disabled by default as enabled, before setup."""
    er.async_get(hass).async_get_or_create(
        domain, DOMAIN, unique_id, suggested_object_id=object_id, disabled_by=None
    )


async def former_entity_removed_at_setup(
    hass: HomeAssistant, entry: MockConfigEntry, unique_id: str, object_id: str
) -> er.EntityRegistry:
    """Register a binary sensor an older install had, set the entry up: it must be gone."""
    entry.add_to_hass(hass)
    registry = er.async_get(hass)
    former = registry.async_get_or_create(
        "binary_sensor", DOMAIN, unique_id, config_entry=entry, suggested_object_id=object_id
    )
    assert await setup_entry(hass, entry)
    assert registry.async_get(former.entity_id) is None
    assert hass.states.get(former.entity_id) is None
    return registry


def flow_sources(hass: HomeAssistant) -> list[str]:
    """Return the source of every config flow in progress (e.g. ["reauth"])."""
    return [flow["context"]["source"] for flow in hass.config_entries.flow.async_progress()]


def assert_entry_redacted(result: Any, secret_field: str, base_url: str) -> dict[str, Any]:
    """Check the diagnostics' entry part hides title, unique id, secret and account; return data."""
    assert isinstance(result, dict)
    entry = result["entry"]
    assert isinstance(entry, dict)
    assert entry["title"] == REDACTED
    assert entry["unique_id"] == REDACTED
    data = entry["data"]
    assert isinstance(data, dict)
    assert data[secret_field] == REDACTED
    assert data["account_id"] == REDACTED
    assert data["base_url"] == base_url
    return data


def record_states(hass: HomeAssistant, entity_id: str) -> list[str]:
    """Collect every state the entity goes through from now on."""
    seen: list[str] = []

    # A callback runs in the event loop, in order; a plain function would run in the executor,
    # where two quick state changes may be recorded the other way round.
    @callback
    def _on_change(event: Event[EventStateChangedData]) -> None:
        if event.data["entity_id"] == entity_id and (new := event.data["new_state"]):
            seen.append(new.state)

    hass.bus.async_listen("state_changed", _on_change)
    return seen


def lock_call(hass: HomeAssistant, service: str, entity_id: str) -> Coroutine[Any, Any, Any]:
    """Return a blocking lock service call."""
    return hass.services.async_call(
        LOCK_DOMAIN, service, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


async def press_button(hass: HomeAssistant, entity_id: str) -> None:
    """Press a button and wait for the result."""
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


async def _let_the_loop_run(hass: HomeAssistant) -> None:
    """Let the event loop run a few turns, and Home Assistant's threads finish their jobs.

    The helpers below move the frozen clock a second at a time; a job in a thread (reading a
    file, an import at setup) takes no time on that clock but real time, and on a slow, loaded
    machine the clock would otherwise run on through many seconds while it works.
    """
    for _ in range(20):
        await asyncio.sleep(0)
    while jobs := [
        job
        for job in hass._tasks | hass._background_tasks
        if not isinstance(job, asyncio.Task) and not job.done()
    ]:
        await asyncio.wait(jobs)


async def run_action(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    action: Coroutine[Any, Any, Any] | asyncio.Task[Any],
    *,
    max_seconds: int = 40,
) -> None:
    """Run a blocking service call while the clock moves one second at a time."""
    task = action if isinstance(action, asyncio.Task) else hass.async_create_task(action)
    for _ in range(max_seconds):
        await _let_the_loop_run(hass)
        if task.done():
            break
        freezer.tick(timedelta(seconds=1))
        async_fire_time_changed(hass)
    try:
        await task
    finally:
        await hass.async_block_till_done()


async def tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: int) -> None:
    """Move the clock a second at a time, waiting for nothing but the event loop."""
    for _ in range(seconds):
        await _let_the_loop_run(hass)
        freezer.tick(timedelta(seconds=1))
        async_fire_time_changed(hass)


async def seconds_until_done(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    task: asyncio.Future[Any],
    *,
    max_seconds: int = 60,
) -> int:
    """Move the clock a second at a time until a task is done; return the seconds it took.

    Nothing is awaited but the task, so background work still waiting (a request held open
    by the simulator) does not hold the clock; the task's outcome is left to the caller.
    """
    for second in range(max_seconds + 1):
        await _let_the_loop_run(hass)
        if task.done():
            return second
        freezer.tick(timedelta(seconds=1))
        async_fire_time_changed(hass)
    raise AssertionError(f"not done within {max_seconds} s")


@asynccontextmanager
async def serve_catch_all(handler: Handler) -> AsyncIterator[str]:
    """Serve one catch-all handler on 127.0.0.1 and yield its base URL."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


def assert_translated(err: HomeAssistantError, key: str) -> None:
    """Check that an error carries its translation key and reads as its English sentence.

    Home Assistant shows the bare key when no translation is found, so a message that only
    exists would prove nothing: it must be the sentence in translations/en.json.
    """
    assert err.translation_domain == DOMAIN
    assert err.translation_key == key
    template = json.loads(_ENGLISH.read_text(encoding="utf-8"))["exceptions"][key]["message"]
    # Home Assistant drops the sentence's final full stop.
    assert str(err) == template.rstrip(".").format(**(err.translation_placeholders or {}))
