"""DoorFlow push, the cloud's side: the webhook's URL and the entry's one notification rule.

The URL is a Home Assistant Cloud cloudhook when the user has an active subscription, else
Home Assistant's external URL (`get_url`) with the webhook's path; without either there is no
push. The rule is found by the entry's webhook id in its URL (the listing is one unpaged
array), so a rule the entry created is kept when the URL changes (replaced with PUT: the
contract has no PATCH), and extra ones the entry left behind (a crash between create and
store) are deleted. Every request goes through the account's scheduler.

One rule per entry, without `match_controller_ids`, is right for an account of any size (issue
19 asked for rules "per controller where the account is large"): DoorFlow's `openapi.yaml`
says an omitted `match_controller_ids` "matches all controllers", and states no limit on a
rule's controllers or codes, on the number of rules, or on the calls a rule makes (each call
names one event). A per-controller list would only add requests — one rule per group,
rewritten whenever doors are added or removed — and miss a new controller's events until
rewritten. `tests/contracts/test_doorflow_openapi.py` fails if the contract ever states a
limit, so that this is decided again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, Final

from homeassistant.components import webhook
from homeassistant.core import HomeAssistant
from homeassistant.helpers.network import NoURLAvailableError, get_url

from ..api import DoorFlowClient, DoorFlowEndpoint, NotificationRule, rule_input
from ..const import LOGGER
from ..models import DoorAccessConfigEntry
from .const import CONF_CLOUDHOOK_URL, CONF_PUSH_RULE_ID, CONF_WEBHOOK_ID
from .event_kinds import RULE_CODES

RULE_NAME: Final = "Home Assistant (Door Access)"

# Send one request through the account's scheduler (endpoint named for its limits).
type CallCloud = Callable[[Callable[[], Awaitable[Any]], str], Awaitable[Any]]


async def async_webhook_url(
    hass: HomeAssistant, entry: DoorAccessConfigEntry, webhook_id: str
) -> str | None:
    """Return the URL DoorFlow can call: a cloudhook, else the external URL; None: neither."""
    if "cloud" in hass.config.components:
        from homeassistant.components import cloud  # noqa: PLC0415 - only with cloud set up

        if cloud.async_active_subscription(hass):
            url = entry.data.get(CONF_CLOUDHOOK_URL)
            if not isinstance(url, str):
                url = await cloud.async_create_cloudhook(hass, webhook_id)
                hass.config_entries.async_update_entry(
                    entry, data={**entry.data, CONF_CLOUDHOOK_URL: url}
                )
            return url
    try:
        base = get_url(hass, allow_internal=False, allow_cloud=False, prefer_external=True)
    except NoURLAvailableError:
        return None
    return f"{base}{webhook.async_generate_path(webhook_id)}"


async def async_drop_cloudhook(hass: HomeAssistant, entry: DoorAccessConfigEntry) -> None:
    """Delete the entry's cloudhook, if it made one (push turned off, entry removed)."""
    if CONF_CLOUDHOOK_URL not in entry.data:
        return
    if "cloud" in hass.config.components:
        from homeassistant.components import cloud  # noqa: PLC0415 - only with cloud set up

        webhook_id = str(entry.data.get(CONF_WEBHOOK_ID, ""))
        try:
            await cloud.async_delete_cloudhook(hass, webhook_id)
        except Exception as err:
            LOGGER.debug("The cloudhook of %s could not be deleted: %s", entry.title, err)
    data = {key: value for key, value in entry.data.items() if key != CONF_CLOUDHOOK_URL}
    hass.config_entries.async_update_entry(entry, data=data)


def _ours(rule: NotificationRule, webhook_id: str) -> bool:
    """Tell whether a rule calls the entry's webhook (its id is in the URL)."""
    return any(webhook_id in url for url in rule.call_back_urls)


def _as_wanted(rule: NotificationRule, url: str) -> bool:
    """Tell whether a rule already calls `url` for every code the integration shows."""
    return (
        rule.active
        and rule.call_back_urls == (url,)
        and set(rule.event_codes) == set(RULE_CODES)
        and not rule.controller_ids
    )


def _store_rule_id(hass: HomeAssistant, entry: DoorAccessConfigEntry, rule_id: str | None) -> None:
    """Keep the rule's id in the entry (to delete it when the entry is removed)."""
    if entry.data.get(CONF_PUSH_RULE_ID) == rule_id:
        return
    data = {key: value for key, value in entry.data.items() if key != CONF_PUSH_RULE_ID}
    if rule_id is not None:
        data[CONF_PUSH_RULE_ID] = rule_id
    hass.config_entries.async_update_entry(entry, data=data)


async def async_ensure_rule(
    hass: HomeAssistant,
    entry: DoorAccessConfigEntry,
    client: DoorFlowClient,
    call: CallCloud,
    *,
    webhook_id: str,
    url: str,
) -> None:
    """Have exactly one rule call `url` for every code shown (its id kept in the entry).

    One request to list; one more only when the rule is missing (POST) or differs (PUT);
    one per leftover duplicate (DELETE).
    """
    rules = client.notification_rules
    listed: list[NotificationRule] = await call(rules.list, DoorFlowEndpoint.RULES)
    ours = [rule for rule in listed if _ours(rule, webhook_id)]
    body = rule_input(RULE_NAME, url, RULE_CODES)
    if not ours:
        rule: NotificationRule = await call(
            partial(rules.create, body), DoorFlowEndpoint.RULE_CREATE
        )
    else:
        stored = entry.data.get(CONF_PUSH_RULE_ID)
        rule = next((each for each in ours if each.id == stored), ours[0])
        for extra in ours:
            if extra is not rule:
                await call(partial(rules.delete, extra.id), DoorFlowEndpoint.RULE_DELETE)
        if not _as_wanted(rule, url):
            rule = await call(partial(rules.update, rule.id, body), DoorFlowEndpoint.RULE_UPDATE)
    _store_rule_id(hass, entry, rule.id)


async def async_delete_rule(
    hass: HomeAssistant, entry: DoorAccessConfigEntry, client: DoorFlowClient, call: CallCloud
) -> None:
    """Delete the entry's rule, if it has one (gone already counts as deleted)."""
    rule_id = entry.data.get(CONF_PUSH_RULE_ID)
    if not isinstance(rule_id, str):
        return
    await call(partial(client.notification_rules.delete, rule_id), DoorFlowEndpoint.RULE_DELETE)
    _store_rule_id(hass, entry, None)
