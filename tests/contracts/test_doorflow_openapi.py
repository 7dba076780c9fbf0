"""The stored DoorFlow contract is the published one, and the tests read it faithfully."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from custom_components.door_access.api import rule_input
from custom_components.door_access.doorflow.event_kinds import FEED_CODES
from custom_components.door_access.doorflow.push_rule import RULE_NAME

from .doorflow_openapi import (
    answers,
    document,
    errors_of,
    list_of,
    recorded_sha256,
    response_schema,
    schema,
    sha256,
)

# The schemas the integration reads, with the answers built from them.
READ_SCHEMAS = ("Account", "Channel", "Event", "AdmissionRequest", "Site", "Error")


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """These tests need no Home Assistant (overrides the top-level autouse fixture)."""
    return


def test_the_copy_is_the_one_recorded() -> None:
    assert sha256() == recorded_sha256()
    assert document()["openapi"] == "3.0.0"
    assert document()["info"]["title"] == "DoorFlow API"


def test_what_the_contract_says_about_ids_and_versions() -> None:
    """The facts issue 16 is about, read from the file itself."""
    assert schema("Account")["properties"]["id"]["type"] == "string"
    channel = schema("Channel")["properties"]
    assert "firmware" not in channel
    assert channel["freescale_version"]["type"] == ["string", "null"]
    assert channel["pic_version"]["type"] == ["string", "null"]
    assert schema("Event")["required"] == [
        "id",
        "event_code",
        "event_label",
        "created_at",
        "updated_at",
    ]


def _limits(node: Any) -> list[str]:
    """Return every size limit (maxItems, maxLength, maxProperties) inside a schema."""
    found: list[str] = []
    if isinstance(node, dict):
        found += [key for key in node if key in {"maxItems", "maxLength", "maxProperties"}]
        for value in node.values():
            found += _limits(value)
    elif isinstance(node, list):
        for value in node:
            found += _limits(value)
    return found


def test_one_rule_without_controllers_fits_every_account() -> None:
    """Why Door Access keeps one notification rule per entry, naming no controllers.

    Issue 19 asked for rules "per controller where the account is large". The contract says an
    omitted `match_controller_ids` matches all controllers and states no limit on a rule's
    codes or controllers, nor paging of the rules: one rule is right at any size. Should
    DoorFlow publish a limit, this fails and the decision is made again.
    """
    assert _limits({"items": [{"maxItems": 50}]}) == ["maxItems"]  # the check finds one
    rule_input_schema = schema("NotificationRuleInput")
    controllers = rule_input_schema["properties"]["match_controller_ids"]
    assert "match_controller_ids" not in rule_input_schema["required"]
    assert "if omitted, matches all controllers" in " ".join(controllers["description"].split())
    assert _limits(rule_input_schema) == []
    assert _limits(schema("NotificationRule")) == []
    listing = document()["paths"]["/api/3/notification_rules"]["get"]
    assert "does not support pagination" in listing["description"]
    # The rule the entry keeps: every code shown, no controllers, valid under the contract.
    body = rule_input(RULE_NAME, "https://example.com/api/webhook/x", FEED_CODES)
    assert "match_controller_ids" not in body
    assert errors_of(body, rule_input_schema) == []


@pytest.mark.parametrize(
    ("value", "where"),
    [
        ({"id": 7001}, "id"),  # Account.id is a string
        ({"id": "a", "sync": {"status": "done", "last_sync": None}}, "sync/status"),
        ({"id": "a", "sync": {"status": "complete", "last_sync": "yesterday"}}, "sync/last_sync"),
    ],
)
def test_validation_finds_what_breaks_the_contract(value: dict[str, Any], where: str) -> None:
    found = errors_of(value, schema("Account"))
    assert any(error.startswith(f"{where}:") for error in found), found


def test_nullable_fields_accept_null() -> None:
    channel = {
        "id": 1,
        "name": "Door",
        "mac_address": "00:1b:c5:00:00:01",
        "status": "online",
        "unit": 1,
        "sync": {"status": "ok", "last_sync_completed_at": None},
        "mode": {"description": "normal", "relock_at": None, "change_stamp": None},
        "lockdown": None,
        "auto_unlock": None,
        "freescale_version": None,
    }
    assert errors_of(channel, schema("Channel")) == []
    assert errors_of({**channel, "unit": None}, schema("Channel"))  # not nullable


@pytest.mark.parametrize("name", READ_SCHEMAS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_answers_keep_their_schema(name: str, data: st.DataObject) -> None:
    """The generator is honest: what it makes from a schema validates against it."""
    json_schema = schema(name)
    assert errors_of(data.draw(answers(json_schema)), json_schema) == []


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_generated_error_bodies_keep_their_schema(data: st.DataObject) -> None:
    for json_schema in (
        response_schema("/api/3/sync", "post", 429),
        response_schema("/api/3/channels/{id}/admit", "post", 202),
        list_of(schema("Channel")),
    ):
        assert errors_of(data.draw(answers(json_schema)), json_schema) == []
