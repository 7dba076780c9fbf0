"""Tedee lock and gate operations: sent, followed to their end, and shown as they ended.

A lock operation goes through the lock's pushing bridge when it takes it (on the LAN, once),
else to the cloud, whose operation is followed until it completes (`OPERATION_FOLLOW`). What an
unlock does on a given lock, which error key a failure shows and whether a finished operation
did what was asked are decided here too. The coordinator's actions (`async_lock` and the like)
only hand over to `Operations`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Final, NamedTuple, Protocol

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_call_later

from ..actions import ActionPipeline, FollowPlan, Transition
from ..api import (
    GateStatus,
    Lock,
    LockState,
    OperationFailure,
    TedeeClient,
    TedeeEndpoint,
    TedeeOperationError,
    UnlockMode,
)
from ..const import DOMAIN, LOGGER
from ..scheduler import Priority
from .activity import ActivityReader
from .bridge_client import BridgeCommandError
from .bridge_push import BridgePush
from .const import CONF_UNLOCK_BEHAVIOR, DEFAULT_UNLOCK_BEHAVIOR, UnlockBehavior
from .data import TedeeData
from .devices import tedee_identifier

# A lock's `state_change_result` when it could not finish moving.
JAMMED_RESULT: Final = 1

OPERATION_ERROR_KEYS: Mapping[str, str] = {
    OperationFailure.JAMMED: "lock_jammed",
    OperationFailure.TIMEOUT: "operation_timeout",
    OperationFailure.REFUSED: "operation_refused",
    OperationFailure.FAILED: "operation_failed",
    OperationFailure.NOT_FOUND: "device_not_found",
    OperationFailure.NO_ACCESS: "gate_no_access",
    OperationFailure.GATE_TIMEOUT: "gate_timeout",
    OperationFailure.NO_BLEBOX_INTEGRATION: "gate_no_blebox",
    OperationFailure.GATE_DISCONNECTED: "gate_disconnected",
}

UNLOCK_MODES: Mapping[str, UnlockMode] = {
    UnlockBehavior.UNLOCK: UnlockMode.NORMAL,
    UnlockBehavior.UNLOCK_AND_PULL: UnlockMode.UNLOCK_OR_PULL,
}

# A Tedee lock takes about 1-3 s to move: read the operation's progress first after 1.5 s,
# then every 0.6 s until 3.3 s (a result is seen at most 0.6 s after the lock stopped), then
# less and less often.
OPERATION_FOLLOW = FollowPlan(first_delay=1.5, interval=0.6, steady_reads=3, max_wait=30.0)

# Positions from which "open" unlocks and pulls in one operation.
CLOSED: Final = frozenset({LockState.LOCKED, LockState.SEMI_LOCKED, LockState.LOCKING})


def unlock_pulls(lock: Lock, mode: UnlockMode) -> bool:
    """Tell whether an unlock in this mode also pulls the spring on this lock."""
    settings = lock.settings
    if mode is UnlockMode.NORMAL:
        return settings.pull_spring_enabled and settings.auto_pull_spring_enabled
    return settings.pull_spring_enabled and mode is UnlockMode.UNLOCK_OR_PULL


class _Command(NamedTuple):
    """One lock command: as the bridge's local API names it, and how the cloud starts it."""

    bridge_action: str
    start: Callable[[int], Awaitable[str]]
    endpoint: TedeeEndpoint


class ScheduledCall(Protocol):
    """The coordinator's `_call`: one request through the account's scheduler."""

    async def __call__[T](
        self, send: Callable[..., Awaitable[T]], *args: Any, endpoint: str, priority: Priority
    ) -> T:
        """Send `send(*args)` when the account's limits allow."""
        ...


@dataclass(slots=True, kw_only=True)
class Operations:
    """Runs one account's lock and gate operations, and shows where each left the lock."""

    hass: HomeAssistant
    entry: ConfigEntry[Any]
    client: TedeeClient
    call: ScheduledCall
    actions: ActionPipeline
    push: BridgePush
    activity: ActivityReader
    # The account's data now, and how to show one lock's new live state (not a poll).
    data: Callable[[], TedeeData]
    show_lock: Callable[[Lock], None]
    bring_poll_forward: Callable[[], None]
    unloaded: Callable[[], bool]

    async def lock(self, lock_id: int) -> None:
        """Lock and wait until the lock reports the result."""
        command = _Command("lock", self.client.lock, TedeeEndpoint.OPERATION_LOCK)
        await self._run(lock_id, Transition.LOCKING, command, LockState.LOCKING, LockState.LOCKED)

    async def unlock(self, lock_id: int) -> None:
        """Unlock as the entry's unlock behaviour says; wait until the lock reports the result."""
        behavior = self.entry.options.get(CONF_UNLOCK_BEHAVIOR, DEFAULT_UNLOCK_BEHAVIOR)
        mode = UNLOCK_MODES.get(behavior, UnlockMode.NORMAL)
        lock = self.data().locks.get(lock_id)
        pulls = lock is not None and unlock_pulls(lock, mode)
        ends = LockState.PULLED if pulls else LockState.UNLOCKED
        await self._run(
            lock_id, Transition.UNLOCKING, self._unlock(mode), LockState.UNLOCKING, ends
        )

    async def open(self, lock_id: int) -> None:
        """Open the latch; a locked lock unlocks and pulls in one operation."""
        lock = self.data().locks.get(lock_id)
        if lock is not None and lock.status is not None and lock.status.state in CLOSED:
            command = self._unlock(UnlockMode.UNLOCK_OR_PULL)
        else:
            command = _Command("pull", self.client.pull, TedeeEndpoint.OPERATION_PULL)
        await self._run(lock_id, Transition.OPENING, command, LockState.PULLING, LockState.PULLED)

    def _unlock(self, mode: UnlockMode) -> _Command:
        """Return the unlock command in this mode."""
        start = partial(self.client.unlock, mode=mode)
        return _Command(f"unlock?mode={int(mode)}", start, TedeeEndpoint.OPERATION_UNLOCK)

    async def open_gate(self, gate_id: int) -> None:
        """Open a gate for its impulse length (its activity is read on the next poll)."""
        try:
            await self.call(
                self.client.open_gate,
                gate_id,
                endpoint=TedeeEndpoint.GATE_OPEN,
                priority=Priority.USER,
            )
        except TedeeOperationError as err:
            gate = self.data().gates.get(gate_id)
            if (
                err.reason is OperationFailure.GATE_DISCONNECTED
                and gate is not None
                and gate.status is GateStatus.UNLINKED
            ):
                raise HomeAssistantError(
                    translation_domain=DOMAIN,
                    translation_key="gate_unlinked",
                    translation_placeholders={"gate": gate.name or str(gate.id)},
                ) from err
            raise
        self.activity.mark_gate(gate_id)

    async def _run(
        self,
        lock_id: int,
        transition: Transition,
        command: _Command,
        moving: LockState,
        settles_as: LockState,
    ) -> None:
        """Run one lock operation: through the lock's bridge when it answers, else the cloud."""
        if await self._via_bridge(lock_id, command.bridge_action, moving):
            return

        async def operate() -> None:
            sent_at = self.actions.now()
            operation_id = await self.call(
                command.start, lock_id, endpoint=command.endpoint, priority=Priority.USER
            )
            operation = await self.actions.follow(
                lambda: self.call(
                    self.client.get_operation,
                    operation_id,
                    endpoint=TedeeEndpoint.OPERATION,
                    priority=Priority.USER,
                ),
                lambda progress: progress.completed,
                OPERATION_FOLLOW,
                started_at=sent_at,
            )
            if operation.failure is OperationFailure.JAMMED:
                self._show(lock_id, state_change_result=JAMMED_RESULT)
            operation.raise_if_failed()
            self._settle(lock_id, settles_as)

        try:
            await self.actions.run(tedee_identifier(lock_id), transition, operate)
        finally:
            # Whatever came of it (done, jammed), the lock logged it: read it next poll.
            self.activity.mark(lock_id)
        self.bring_poll_forward()

    async def _via_bridge(self, lock_id: int, action: str, moving: LockState) -> bool:
        """Send the command through the lock's pushing bridge; tell whether it took it.

        The command goes out once (no library retries or sleeps): the lock shows it moving,
        and the bridge's pushes show where it ends. A bridge that does not take it hands the
        command to the cloud at once, and is checked again.
        """
        link = self.push.link_for(lock_id)
        if link is None:
            return False
        sent_at = self.hass.loop.time()
        try:
            await link.client.send_command(lock_id, action)
        except BridgeCommandError as err:
            LOGGER.debug("Tedee bridge %s did not take a command (%s)", link.address, err)
            self.entry.async_create_background_task(
                self.hass, link.async_check(), f"Tedee bridge {link.address} check"
            )
            return False
        self.activity.mark(lock_id)
        if link.last_pushed(lock_id) < sent_at:  # else a push already told where it ended
            self._show(lock_id, state=moving, state_change_result=0)
        return True

    def _settle(self, lock_id: int, state: LockState) -> None:
        """Show the state the finished operation left the lock in; end a pull on time."""
        self._show(lock_id, state=state, state_change_result=0)
        if state is LockState.PULLED and not self.unloaded():
            lock = self.data().locks.get(lock_id)
            hold = lock.settings.pull_spring_duration if lock is not None else None
            self.entry.async_on_unload(
                async_call_later(self.hass, float(hold or 0), partial(self._pull_ended, lock_id))
            )

    @callback
    def _pull_ended(self, lock_id: int, _now: object) -> None:
        """Run when the latch is let go: the lock shows unlocked, then a re-read."""
        lock = self.data().locks.get(lock_id)
        if lock is not None and lock.status is not None:
            if lock.status.state is LockState.PULLED:
                self._show(lock_id, state=LockState.UNLOCKED, state_change_result=0)
            self.bring_poll_forward()

    def _show(self, lock_id: int, **changes: Any) -> None:
        """Show a lock's new position or jam flag (a lock that reports no state: nothing)."""
        lock = self.data().locks.get(lock_id)
        if lock is not None and lock.status is not None:
            self.show_lock(replace(lock, status=replace(lock.status, **changes)))
