"""Answers generated from DoorFlow's published schemas, and spoiled ones, meet the client.

Every answer the contract allows parses into its model. An answer spoiled anywhere (a field
left out, null, or of another type, at any depth) parses into its model or raises exactly one
`DoorFlowBadResponseError` that names the field; never any other exception. Error answers of
every documented status become one typed client error with what the cloud said.
"""

from __future__ import annotations

from collections.abc import Callable
import copy
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from custom_components.door_access.api.core.fields import ItemsRead, parse_each
from custom_components.door_access.api.core.http import JsonResponse
from custom_components.door_access.api.core.paging import Page
from custom_components.door_access.api.doorflow import (
    Account,
    AdmissionRequest,
    Channel,
    DoorEvent,
    DoorFlowBadResponseError,
    DoorFlowClient,
    DoorFlowError,
    DoorFlowRateLimitError,
    Site,
)
from custom_components.door_access.api.doorflow.client import _page
from custom_components.door_access.api.doorflow.models import parse_items

from .doorflow_openapi import (
    answers,
    component_response,
    errors_of,
    list_of,
    response_schema,
    schema,
)

API_KEY = "contract-doorflow-api-key"
# Fast enough for every run of the test command, varied enough to find what breaks.
BOUNDED = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Each model the integration reads, with the contract's schema of its answer.
MODELS: dict[str, tuple[dict[str, Any], Callable[[object], object]]] = {
    "Account": (schema("Account"), Account.from_json),
    "Channel": (schema("Channel"), Channel.from_json),
    "Event": (schema("Event"), DoorEvent.from_json),
    "AdmissionRequest": (schema("AdmissionRequest"), AdmissionRequest.from_json),
    "admit 202": (
        response_schema("/api/3/channels/{id}/admit", "post", 202),
        AdmissionRequest.from_json,
    ),
    "Site": (schema("Site"), Site.from_json),
}
# What a spoiled field becomes: left out, null, or a value of another JSON type.
_SPOILERS = st.sampled_from(["drop", None, True, -1, 1.5, "", "x" * 300, [], {}, [{}]])


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """These tests need no Home Assistant (overrides the top-level autouse fixture)."""
    return


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Return the path of every field and list item in a JSON value (the root excluded)."""
    found: list[tuple[Any, ...]] = []
    children: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        children = list(value.items())
    elif isinstance(value, list):
        children = list(enumerate(value))
    for key, child in children:
        found.append((*prefix, key))
        found.extend(_paths(child, (*prefix, key)))
    return found


@st.composite
def spoiled(draw: st.DrawFn, json_schema: dict[str, Any]) -> Any:
    """Draw a valid answer, then spoil one to three of its fields (at any depth)."""
    value = draw(answers(json_schema))
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(value)
        if not paths:
            return copy.deepcopy(draw(_SPOILERS.filter(lambda spoiler: spoiler != "drop")))
        path = draw(st.sampled_from(paths))
        parent = value
        for key in path[:-1]:
            parent = parent[key]
        spoiler = draw(_SPOILERS)
        if spoiler == "drop":
            del parent[path[-1]]
        else:
            parent[path[-1]] = copy.deepcopy(spoiler)
    return value


def outcome(parse: Callable[[object], object], value: object) -> object:
    """Return what parsing gives: the model, or the bad-response error (nothing else)."""
    try:
        return parse(value)
    except DoorFlowBadResponseError as err:
        return err


def parses_or_names_the_field(parse: Callable[[object], object], value: object) -> None:
    """Parse; the only failure allowed is one bad-response error naming the field."""
    result = outcome(parse, value)
    if isinstance(result, DoorFlowBadResponseError):
        assert result.field, f"no field named: {result}"
        assert str(result).startswith(result.field), result


@pytest.mark.parametrize("name", MODELS)
@BOUNDED
@given(data=st.data())
def test_every_answer_the_contract_allows_parses(name: str, data: st.DataObject) -> None:
    """A valid answer parses; only an id the client cannot use (none, empty) is refused.

    The contract sets no bounds on ids (an empty string is a string; the admit's 202 requires
    no field at all); the client needs an id of 1 to 128 characters and names the field.
    """
    json_schema, parse = MODELS[name]
    value = data.draw(answers(json_schema))
    assert errors_of(value, json_schema) == []
    result = outcome(parse, value)
    if isinstance(result, DoorFlowBadResponseError):
        assert result.field is not None
        assert result.field.endswith("id"), result
        assert "expected an identifier" in str(result), result


@pytest.mark.parametrize("name", MODELS)
@BOUNDED
@given(data=st.data())
def test_spoiled_answers_parse_or_name_the_field(name: str, data: st.DataObject) -> None:
    json_schema, parse = MODELS[name]
    parses_or_names_the_field(parse, data.draw(spoiled(json_schema)))


def test_the_contract_s_ids_are_read_as_text() -> None:
    """The account's hashid, and numbers the contract gives other ids, all as text."""
    assert Account.from_json({"id": "abc123xyz", "name": "Acme"}).id == "abc123xyz"
    assert Channel.from_json({"id": 1340, "site_id": 25}).site_id == "25"


def channel_page(response: JsonResponse) -> Page[Channel]:
    """Read a page of channels as the client reads `GET channels`."""
    items = parse_items(response.body, "channels")
    return _page(response, 1, ItemsRead(tuple(map(Channel.from_json, items))))


@BOUNDED
@given(data=st.data())
def test_channel_pages(data: st.DataObject) -> None:
    """A page of channels the contract allows parses whole; a spoiled one names its field."""
    page_schema = list_of(schema("Channel"))
    page = data.draw(answers(page_schema))
    read = channel_page(JsonResponse("GET channels", 200, {"Total": "9"}, page))
    assert len(read.items) == len(page)
    parses_or_names_the_field(
        lambda body: channel_page(JsonResponse("GET channels", 200, {}, body)),
        data.draw(spoiled(page_schema)),
    )


@BOUNDED
@given(data=st.data())
def test_event_pages(data: st.DataObject) -> None:
    """Good events of a page are read; each spoiled one is skipped with its field named."""
    page_schema = list_of(schema("Event"))
    page = data.draw(answers(page_schema))
    good = parse_each(parse_items(page, "events"), DoorEvent.from_json, DoorFlowBadResponseError)
    assert len(good.items) == len(page)
    assert not good.skipped
    spoilt = data.draw(spoiled(page_schema))
    items = outcome(lambda body: parse_items(body, "events"), spoilt)
    if isinstance(items, DoorFlowBadResponseError):  # the page itself is not a list
        assert items.field
        return
    assert isinstance(items, list)
    read = parse_each(items, DoorEvent.from_json, DoorFlowBadResponseError)
    assert len(read.items) + len(read.skipped) == len(items)
    assert all(skipped.startswith("event") for skipped in read.skipped)


# ---- error answers ------------------------------------------------------------------------

ERROR_ANSWERS: list[tuple[int, dict[str, Any]]] = [
    (401, response_schema("/api/3/account", "get", 401)),
    (403, response_schema("/api/3/account", "get", 403)),
    (404, response_schema("/api/3/channels/{id}", "get", 404)),
    (402, schema("Error")),
    (422, component_response("UnprocessableEntityError")),
    (429, response_schema("/api/3/sync", "post", 429)),
    (500, component_response("InternalServerError")),
]


def raise_for(status: int, body: object) -> DoorFlowError:
    """Return the one typed error the client raises for an error answer."""
    client = DoorFlowClient(object(), api_key=API_KEY)  # type: ignore[arg-type]
    http = client._http
    error = http._status_error(JsonResponse("GET account", status, {}, body))
    assert error is not None
    error = http.with_detail(error, body)  # as `request` raises it: with the cloud's words
    assert isinstance(error, DoorFlowError)
    return error


@pytest.mark.parametrize(("status", "json_schema"), ERROR_ANSWERS)
@BOUNDED
@given(data=st.data())
def test_error_answers_become_one_typed_error(
    status: int, json_schema: dict[str, Any], data: st.DataObject
) -> None:
    body = data.draw(answers(json_schema) | spoiled(json_schema))
    error = raise_for(status, body)
    assert API_KEY not in str(error)
    if status == 429:
        assert isinstance(error, DoorFlowRateLimitError)
        retry_in = body.get("retry_in") if isinstance(body, dict) else None
        if isinstance(retry_in, int) and not isinstance(retry_in, bool):
            assert error.retry_after == max(retry_in, 0)
    if error.detail is not None:
        assert len(error.detail.message or "") <= 200
        assert all(messages for messages in error.detail.field_errors.values())


def test_a_429_keeps_its_description_and_a_422_its_fields() -> None:
    limited = raise_for(
        429, {"error": "rate_limited", "description": "Sync rate limit exceeded.", "retry_in": 60}
    )
    assert isinstance(limited, DoorFlowRateLimitError)
    assert limited.retry_after == 60
    assert limited.detail is not None
    assert limited.detail.message == "Sync rate limit exceeded."
    invalid = raise_for(
        422,
        {
            "error": "Validation failed",
            "errors": {"value": ["must be between 4 and 7 digits in length"]},
        },
    )
    assert invalid.detail is not None
    assert invalid.detail.field_errors == {"value": ("must be between 4 and 7 digits in length",)}
