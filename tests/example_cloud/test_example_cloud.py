"""The example cloud (a wing living in the tests) works through every shared part unchanged.

Registered into `clouds.CLOUDS` for each test, it signs in through the config flow, tunes its
own option, shows a lock and a battery sensor per door (snapshot), locks and unlocks over HTTP,
dumps redacted diagnostics, and is refused the actions only DoorFlow declares.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN, SERVICE_LOCK, SERVICE_UNLOCK
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import ATTR_ENTITY_ID, CONF_API_KEY, Platform
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.door_access.clouds import CLOUDS
from custom_components.door_access.const import (
    CONF_ACCOUNT_ID,
    CONF_BASE_URL,
    CONF_CLOUD,
    CONF_POLL_INTERVAL,
    DOMAIN,
)

from ..helpers import advance, setup_entry, state_of
from .example import EXAMPLE
from .example.const import CLOUD, CONF_RELOCK_AFTER
from .fake_cloud import ACCOUNT_ID, API_KEY, FakeExampleCloud, serve

GARDEN_GATE = "lock.garden_gate"
SHED = "lock.shed"
REDACTED = "**REDACTED**"


@pytest.fixture(autouse=True)
def example_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Add the example wing to the integration's registry of clouds (for this test only)."""
    monkeypatch.setitem(CLOUDS, CLOUD, EXAMPLE)


@pytest.fixture
async def cloud(socket_enabled: None) -> AsyncIterator[FakeExampleCloud]:
    """Run the example cloud on 127.0.0.1."""
    async with serve(FakeExampleCloud()) as running:
        yield running


@pytest.fixture
def entry(cloud: FakeExampleCloud) -> MockConfigEntry:
    """Return an entry of the example account, pointing at the running cloud."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Example — Acme Sheds",
        unique_id=f"{CLOUD}_{ACCOUNT_ID}",
        data={
            CONF_CLOUD: CLOUD,
            CONF_API_KEY: API_KEY,
            CONF_BASE_URL: cloud.url,
            CONF_ACCOUNT_ID: ACCOUNT_ID,
        },
    )


@pytest.mark.parametrize("platform", [Platform.LOCK, Platform.SENSOR])
async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    entry: MockConfigEntry,
    platform: Platform,
) -> None:
    """Every entity of the example account, one platform at a time."""
    with patch("custom_components.door_access.PLATFORMS", [platform]):
        assert await setup_entry(hass, entry)
    await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)


async def test_sign_in_through_the_menu(hass: HomeAssistant, cloud: FakeExampleCloud) -> None:
    """The menu offers the example cloud; its key reaches its account and makes the entry."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert CLOUD in result["menu_options"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": CLOUD}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == CLOUD
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_API_KEY: "wrong-key", "advanced": {CONF_BASE_URL: cloud.url}},
    )
    assert result["errors"] == {CONF_API_KEY: "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_API_KEY: API_KEY, "advanced": {CONF_BASE_URL: cloud.url}},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == f"{CLOUD}_{ACCOUNT_ID}"
    assert result["data"] == {
        CONF_CLOUD: CLOUD,
        CONF_API_KEY: API_KEY,
        CONF_BASE_URL: cloud.url,
        CONF_ACCOUNT_ID: ACCOUNT_ID,
    }


async def test_reauth_and_reconfigure_use_its_own_forms(
    hass: HomeAssistant, entry: MockConfigEntry, cloud: FakeExampleCloud
) -> None:
    """Its own reauthentication and reconfiguration steps ask for its key and update the entry."""
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "example_reauth"
    assert [str(key) for key in result["data_schema"].schema] == [CONF_API_KEY]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: "wrong-key"}
    )
    assert result["errors"] == {CONF_API_KEY: "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: API_KEY}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"

    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "example_reconfigure"
    assert [str(key) for key in result["data_schema"].schema] == [CONF_API_KEY, "advanced"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: API_KEY, "advanced": {CONF_BASE_URL: cloud.url}}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_BASE_URL] == cloud.url
    await hass.async_block_till_done()


async def test_own_option_reaches_the_cloud(
    hass: HomeAssistant, entry: MockConfigEntry, cloud: FakeExampleCloud
) -> None:
    """Its own option has its own form and range; once saved, unlocking sends it."""
    assert await setup_entry(hass, entry)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["step_id"] == CLOUD
    assert result["description_placeholders"] == {
        "poll_interval_min": "10",
        "poll_interval_max": "3600",
        "relock_after_min": "0",
        "relock_after_max": "300",
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_POLL_INTERVAL: 60, CONF_RELOCK_AFTER: 301}
    )
    assert result["errors"] == {CONF_RELOCK_AFTER: "relock_after_range"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_POLL_INTERVAL: 60, CONF_RELOCK_AFTER: 5}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {CONF_POLL_INTERVAL: 60, CONF_RELOCK_AFTER: 5}
    await hass.async_block_till_done()  # the entry reloads with the new options

    await hass.services.async_call(
        LOCK_DOMAIN, SERVICE_UNLOCK, {ATTR_ENTITY_ID: GARDEN_GATE}, blocking=True
    )
    assert cloud.unlocks == [{"relock_after": 5}]
    assert state_of(hass, GARDEN_GATE) == "unlocked"
    await hass.services.async_call(
        LOCK_DOMAIN, SERVICE_LOCK, {ATTR_ENTITY_ID: GARDEN_GATE}, blocking=True
    )
    assert cloud.doors["d1"].locked
    assert state_of(hass, GARDEN_GATE) == "locked"


async def test_diagnostics_redact_the_wings_key(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, entry: MockConfigEntry
) -> None:
    """The root redacts what every cloud shares and what the wing names (its API key)."""
    assert await setup_entry(hass, entry)
    result = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    data = result["entry"]["data"]
    assert data[CONF_API_KEY] == REDACTED
    assert data[CONF_ACCOUNT_ID] == REDACTED
    assert result["entry"]["title"] == REDACTED
    assert [door["id"] for door in result["data"]["doors"]] == ["d1", "d2"]
    assert API_KEY not in repr(result)


async def test_actions_it_does_not_declare_are_refused(
    hass: HomeAssistant, entry: MockConfigEntry, cloud: FakeExampleCloud
) -> None:
    """DoorFlow's lockdown on an example lock: refused by the root, nothing is sent."""
    assert await setup_entry(hass, entry)
    before = cloud.requests
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(DOMAIN, "lockdown", {ATTR_ENTITY_ID: SHED}, blocking=True)
    assert err.value.translation_key == "action_not_supported"
    assert err.value.translation_placeholders == {"target": SHED, "cloud": "Example"}
    assert cloud.requests == before


async def test_a_door_that_goes_is_removed(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    cloud: FakeExampleCloud,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The shared device tracking works for the wing: a door gone from the cloud is removed."""
    assert await setup_entry(hass, entry)
    devices = dr.async_get(hass)
    assert len(devices.async_get_devices(identifiers={(DOMAIN, "example-d2")})) == 1
    del cloud.doors["d2"]
    await advance(hass, freezer, 61)
    assert devices.async_get_devices(identifiers={(DOMAIN, "example-d2")}) == []
    assert hass.states.get(SHED) is None
    assert state_of(hass, GARDEN_GATE) == "locked"
