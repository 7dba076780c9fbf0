"""Small pieces of the shared core: credentials, lenient enums, the field reader, models."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.api.clients import (
    ChannelStatus,
    DoorState,
    Lock,
    LockState,
    LockSync,
    Operation,
    OperationFailure,
    OperationStatus,
    TedeeBadResponseError,
    TedeeOperationError,
    module,
)

auth = module("core.auth")
field_reader = module("core.fields")


async def test_credentials_are_fixed_or_provided_never_both() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        auth.Authorization()

    async def provider() -> str:
        return ""

    with pytest.raises(ValueError, match="exactly one"):
        auth.Authorization(header="Bearer x", token_provider=provider)
    provided = auth.Authorization(token_provider=provider, scheme="Token")
    assert await provided.header() == "Token "  # an empty token is sent as it is (and refused)
    fixed = auth.Authorization(header="Basic abc", secrets=("key", "", "abc"))
    assert await fixed.header() == "Basic abc"
    assert fixed.scrub("key and abc") == "*** and ***"


def test_lenient_enums() -> None:
    assert ChannelStatus("ONLINE") is ChannelStatus.ONLINE
    assert ChannelStatus(7) is ChannelStatus.UNRECOGNIZED
    assert ChannelStatus("melted") is ChannelStatus.UNRECOGNIZED
    assert OperationStatus("pending") is OperationStatus.PENDING
    assert DoorState(42) is DoorState.UNRECOGNIZED


def test_the_field_reader() -> None:
    fields = field_reader.Fields(
        {"n": 5, "s": "x", "t": "2026-01-01T00:00:00"}, "thing", TedeeBadResponseError
    )
    assert fields.id_str("n") == "5"
    assert fields.id_str("s") == "x"
    assert fields.req_datetime("t") == datetime(2026, 1, 1, tzinfo=UTC)
    assert fields.get_list("missing") == []
    with pytest.raises(TedeeBadResponseError, match=r"thing\.n: expected a list, got int"):
        fields.get_list("n")
    with pytest.raises(TedeeBadResponseError, match=r"thing\.missing: expected a string"):
        fields.get_str("missing")
    with pytest.raises(TedeeBadResponseError, match="expected an identifier"):
        field_reader.Fields({"n": ""}, "thing", TedeeBadResponseError).id_str("n")
    assert field_reader.parse_timestamp("2026-01-01T01:00:00+01:00") == datetime(
        2026, 1, 1, tzinfo=UTC
    )
    assert field_reader.parse_timestamp("nope") is None


def test_operation_outcomes() -> None:
    def operation(status: str, result: int | None = None) -> Operation:
        return Operation.from_json({"operationId": 9, "status": status, "result": result})

    pending = operation("PENDING")
    assert pending.operation_id == "9"
    assert not pending.completed
    assert pending.failure is None
    pending.raise_if_failed()
    operation("COMPLETED", 0).raise_if_failed()
    for result, reason in ((1, OperationFailure.JAMMED), (3, OperationFailure.FAILED)):
        done = operation("COMPLETED", result)
        assert done.failure is reason
        with pytest.raises(TedeeOperationError) as info:
            done.raise_if_failed()
        assert info.value.reason is reason


def test_a_lock_takes_the_state_of_a_sync() -> None:
    lock = Lock.from_json({"id": 1, "name": "Front", "isConnected": False, "revision": 2})
    sync = LockSync.from_json(
        {"id": 1, "isConnected": True, "revision": 3, "deviceState": {"state": 6}}
    )
    synced = lock.with_sync(sync)
    assert synced.is_connected
    assert synced.revision == 3
    assert synced.status is not None
    assert synced.status.state is LockState.LOCKED
    assert synced.name == "Front"
