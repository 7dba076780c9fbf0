"""The example cloud's client, on the integration's HTTP core (bounded, errors mapped)."""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp
from yarl import URL

from custom_components.door_access.api.core.auth import Authorization
from custom_components.door_access.api.core.errors import COMMON_ERRORS, BadResponseError
from custom_components.door_access.api.core.fields import Fields
from custom_components.door_access.api.core.http import JsonHttp


@dataclass(frozen=True, slots=True)
class ExampleAccount:
    """The account a key belongs to."""

    id: str
    name: str | None


@dataclass(frozen=True, slots=True)
class ExampleDoor:
    """One door: whether it is locked, and its battery."""

    id: str
    name: str | None
    locked: bool
    battery: int | None

    @classmethod
    def from_json(cls, data: object) -> ExampleDoor:
        """Parse one door of an answer."""
        fields = Fields(data, "door", BadResponseError)
        return cls(
            id=fields.id_str("id"),
            name=fields.opt_str("name"),
            locked=fields.get_bool("locked"),
            battery=fields.opt_int("battery"),
        )


class ExampleClient:
    """Reads the account and its doors; locks and unlocks a door."""

    def __init__(self, session: aiohttp.ClientSession, api_key: str, base_url: str) -> None:
        self._http = JsonHttp(
            session,
            URL(base_url),
            authorization=Authorization(header=f"Bearer {api_key}", secrets=(api_key,)),
            errors=COMMON_ERRORS,
        )

    async def get_account(self) -> ExampleAccount:
        """Return the account the key belongs to."""
        answer = await self._http.request("GET api/account")
        fields = Fields(answer.body, "account", BadResponseError)
        return ExampleAccount(id=fields.id_str("id"), name=fields.opt_str("name"))

    async def get_doors(self) -> dict[str, ExampleDoor]:
        """Return the account's doors by id."""
        answer = await self._http.request("GET api/doors")
        listed = Fields(answer.body, "doors", BadResponseError).get_list("doors")
        doors = [ExampleDoor.from_json(item) for item in listed]
        return {door.id: door for door in doors}

    async def lock(self, door_id: str) -> ExampleDoor:
        """Lock a door; return it as the cloud answers."""
        answer = await self._http.request("POST api/doors/{id}/lock", ids={"id": door_id})
        return ExampleDoor.from_json(answer.body)

    async def unlock(self, door_id: str, relock_after: int) -> ExampleDoor:
        """Unlock a door (the cloud locks it again after `relock_after` s); return it."""
        answer = await self._http.request(
            "POST api/doors/{id}/unlock",
            ids={"id": door_id},
            json_body={"relock_after": relock_after},
        )
        return ExampleDoor.from_json(answer.body)
