"""The integration's actions: registered at setup, described, and checking their input.

Every refusal is a translated `ServiceValidationError`; `sync_controllers` keeps the sync
button's rules (one sync per 30 s, presses within it merge into one follow-up).
"""

from __future__ import annotations

from dataclasses import replace
import json
from pathlib import Path
from typing import Any, Final

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.service import async_get_all_descriptions
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import yaml

from custom_components.door_access.clouds import CLOUDS
from custom_components.door_access.const import DOMAIN

from .conftest import Simulator
from .helpers import advance, assert_translated, state_of

INTEGRATION: Final = Path(__file__).parents[1] / "custom_components" / DOMAIN
SERVICES: Final = ("lockdown", "end_lockdown", "unlock_until", "sync_controllers")
SYNC_ENDPOINT: Final = "POST /api/3/sync"
TEDEE_LOCK: Final = "lock.front_door"  # the Tedee lock 1001
DOOR: Final = "lock.head_office_front_door"


async def _sync(hass: HomeAssistant, **data: Any) -> None:
    """Call sync_controllers and wait for the answer."""
    await hass.services.async_call(DOMAIN, "sync_controllers", data, blocking=True)


async def _refused(
    hass: HomeAssistant, service: str, data: dict[str, Any]
) -> ServiceValidationError:
    """Call an action that must refuse its input; return the refusal."""
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(DOMAIN, service, data, blocking=True)
    assert_translated(err.value, str(err.value.translation_key))
    return err.value


def _device_id(hass: HomeAssistant, identifier: str) -> str:
    """Return the registry id of one of the integration's devices."""
    (device,) = dr.async_get(hass).async_get_devices(identifiers={(DOMAIN, identifier)})
    return device.id


async def test_actions_are_registered_without_any_entry(hass: HomeAssistant) -> None:
    """The actions exist as soon as the integration is set up (quality rule action-setup)."""
    assert await async_setup_component(hass, DOMAIN, {})
    for service in SERVICES:
        assert hass.services.has_service(DOMAIN, service)


async def test_every_action_is_described_translated_and_has_an_icon(hass: HomeAssistant) -> None:
    """services.yaml, en.json and icons.json name the same actions and fields."""
    assert await async_setup_component(hass, DOMAIN, {})
    described = yaml.safe_load((INTEGRATION / "services.yaml").read_text(encoding="utf-8"))
    strings = json.loads((INTEGRATION / "translations" / "en.json").read_text(encoding="utf-8"))
    icons = json.loads((INTEGRATION / "icons.json").read_text(encoding="utf-8"))
    assert set(described) == set(SERVICES)
    assert set(strings["services"]) == set(SERVICES)
    assert set(icons["services"]) == set(SERVICES)
    for service, spec in described.items():
        texts = strings["services"][service]
        assert texts["name"]
        assert texts["description"]
        assert set(texts["fields"]) == set(spec["fields"])
        for field in texts["fields"].values():
            assert field["name"]
            assert field["description"]
        assert icons["services"][service]["service"].startswith("mdi:")
    descriptions = await async_get_all_descriptions(hass)
    assert set(SERVICES) <= set(descriptions[DOMAIN])


# ---- sync_controllers ----------------------------------------------------------------------


async def test_sync_by_entry_and_by_device_under_the_buttons_rules(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Sent at once; within 30 s the call joins the one follow-up and says how long to wait."""
    await _sync(hass, config_entry_id=init_doorflow.entry_id)
    assert await simulator.count(SYNC_ENDPOINT) == 1

    await advance(hass, freezer, 10)
    door = _device_id(hass, "doorflow-1202")
    with pytest.raises(HomeAssistantError) as err:
        await _sync(hass, device_id=door)
    assert err.value.translation_key == "sync_scheduled"
    assert err.value.translation_placeholders is not None
    assert 19 <= int(err.value.translation_placeholders["seconds"]) <= 22
    assert "it goes out in" in str(err.value)
    controller = _device_id(hass, "doorflow-controller-001bc50a1201")
    with pytest.raises(HomeAssistantError):
        await _sync(hass, device_id=controller)  # merges into the same follow-up
    assert state_of(hass, "sensor.demo_office_sync_status") == "waiting"
    assert await simulator.count(SYNC_ENDPOINT) == 1

    await advance(hass, freezer, 25)
    assert await simulator.count(SYNC_ENDPOINT) == 2  # the follow-up, once
    await advance(hass, freezer, 60)
    assert await simulator.count(SYNC_ENDPOINT) == 2
    assert (await simulator.requests())["by_status"].get("429", 0) == 0

    await _sync(hass, device_id=_device_id(hass, "doorflow-account-7001"))
    assert await simulator.count(SYNC_ENDPOINT) == 3


async def test_sync_errors_are_translated(
    hass: HomeAssistant, init_doorflow: MockConfigEntry, simulator: Simulator
) -> None:
    """DoorFlow unreachable: the action says so."""
    await simulator.control("POST", "faults", {"kind": "status", "status": 500, "count": 1})
    with pytest.raises(HomeAssistantError) as err:
        await _sync(hass, config_entry_id=init_doorflow.entry_id)
    assert err.value.translation_key == "action_cannot_connect"


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({}, "entry_or_device"),
        ({"config_entry_id": "x", "device_id": "y"}, "entry_or_device"),
        ({"config_entry_id": "no-such-entry"}, "entry_unknown"),
        ({"device_id": "no-such-device"}, "device_unknown"),
    ],
)
async def test_sync_target_is_checked(
    hass: HomeAssistant, init_doorflow: MockConfigEntry, data: dict[str, Any], key: str
) -> None:
    """Neither or both targets, an unknown entry or device: refused."""
    assert (await _refused(hass, "sync_controllers", data)).translation_key == key


async def test_sync_of_a_device_or_entry_of_another_integration(
    hass: HomeAssistant, init_doorflow: MockConfigEntry
) -> None:
    """A device or entry that is not Door Access's is refused."""
    other = MockConfigEntry(domain="demo")
    other.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("demo", "thing")}
    )
    err = await _refused(hass, "sync_controllers", {"device_id": device.id})
    assert err.translation_key == "device_unknown"
    err = await _refused(hass, "sync_controllers", {"config_entry_id": other.entry_id})
    assert err.translation_key == "entry_unknown"


async def test_sync_of_a_tedee_account_is_refused(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Tedee has no door controllers to sync: its entry and devices are refused by name."""
    err = await _refused(hass, "sync_controllers", {"config_entry_id": init_integration.entry_id})
    assert err.translation_key == "action_not_supported"
    assert err.translation_placeholders == {"target": "Demo", "cloud": "Tedee"}
    err = await _refused(hass, "sync_controllers", {"device_id": _device_id(hass, "tedee-1001")})
    assert err.translation_key == "action_not_supported"


async def test_sync_of_an_entry_not_loaded(
    hass: HomeAssistant, init_doorflow: MockConfigEntry
) -> None:
    """An entry that is not loaded cannot sync."""
    assert await hass.config_entries.async_unload(init_doorflow.entry_id)
    err = await _refused(hass, "sync_controllers", {"config_entry_id": init_doorflow.entry_id})
    assert err.translation_key == "entry_not_loaded"
    assert err.translation_placeholders == {"name": "Demo Office"}


# ---- door actions on a Tedee lock, and lockdown without an input ---------------------------


@pytest.mark.parametrize(
    ("service", "data"),
    [
        ("lockdown", {}),
        ("end_lockdown", {"card": True}),
        ("unlock_until", {"duration": {"minutes": 5}}),
    ],
)
async def test_door_actions_refuse_a_tedee_lock(  # noqa: PLR0917
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
    service: str,
    data: dict[str, Any],
) -> None:
    """A Tedee lock given to a DoorFlow door action: refused, naming it; nothing is sent."""
    before = (await simulator.requests())["total"]
    err = await _refused(hass, service, {ATTR_ENTITY_ID: TEDEE_LOCK, **data})
    assert err.translation_key == "action_not_supported"
    assert err.translation_placeholders == {"target": TEDEE_LOCK, "cloud": "Tedee"}
    assert (await simulator.requests())["total"] == before


async def test_door_actions_on_a_tedee_device_are_refused(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A Tedee device as target reaches its lock, which is refused."""
    device = _device_id(hass, "tedee-1001")
    err = await _refused(hass, "lockdown", {"device_id": device})
    assert err.translation_key == "action_not_supported"


@pytest.mark.parametrize("service", ["lockdown", "end_lockdown"])
async def test_lockdown_needs_an_input(
    hass: HomeAssistant, init_doorflow: MockConfigEntry, service: str
) -> None:
    """Every input switched off: nothing to lock down or release."""
    err = await _refused(
        hass, service, {ATTR_ENTITY_ID: DOOR, "card": False, "rex": False, "aux": False}
    )
    assert err.translation_key == "lockdown_no_input"


async def test_actions_are_registered_only_for_clouds_that_declare_them(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a cloud declaring them (DoorFlow left out), none of the actions exists."""
    monkeypatch.delitem(CLOUDS, "doorflow")
    assert await async_setup_component(hass, DOMAIN, {})
    for service in SERVICES:
        assert not hass.services.has_service(DOMAIN, service)


async def test_an_action_two_clouds_declare_is_registered_once(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second cloud declaring DoorFlow's actions adds no second registration of them."""
    monkeypatch.setitem(CLOUDS, "twin", replace(CLOUDS["doorflow"], cloud="twin"))
    assert await async_setup_component(hass, DOMAIN, {})
    assert sorted(hass.services.async_services_for_domain(DOMAIN)) == sorted(SERVICES)
