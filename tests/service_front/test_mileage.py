"""Mileage never decreases unless an explicit correction with a reason."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
import httpx
import pytest

from api.schema.relay_conventions import global_id
from tenants.database import TenantScope, tenant_transaction
from tenants.service import mileage
from tenants.service.errors import RuleViolation
from tests.api.graphql_client import error_codes, gql
from tests.service_front.factories_front import FrontDesk

SignIn = Callable[[str], Awaitable[dict[str, str]]]

RECORD = """
mutation($input: RecordMileageInput!) {
  recordMileage(input: $input) { mileage mileageHistory { km source correctionReason } }
}
"""


async def test_decrease_is_refused_and_correction_needs_a_reason(
    client: httpx.AsyncClient, sign_in: SignIn, desk: FrontDesk
) -> None:
    advisor = await sign_in("advisor")
    vehicle = global_id("Vehicle", desk.vehicle_id)

    async def send(km: int, **extra: str) -> dict[str, object]:
        return await gql(client, RECORD, {"input": {"vehicleId": vehicle, "km": km, **extra}},
                         advisor)  # fmt: skip

    assert not (await send(15000)).get("errors")
    assert not (await send(15000)).get("errors")  # the same reading again is fine
    lower = await send(14000)
    assert error_codes(lower) == ["BAD_USER_INPUT"]
    ext = lower["errors"][0]["extensions"]  # type: ignore[index]
    assert (ext["rule"], ext["field"], ext["lastKm"]) == ("mileage_never_decreases", "km", 15000)
    no_reason = await send(14000, source="CORRECTION")
    assert no_reason["errors"][0]["extensions"]["rule"] == "correction_needs_reason"  # type: ignore[index]
    fixed = await send(14000, source="CORRECTION", correctionReason="odometer replaced")
    assert not fixed.get("errors"), fixed
    history = fixed["data"]["recordMileage"]["mileageHistory"]  # type: ignore[index]
    assert [(h["km"], h["source"]) for h in history] == [
        (14000, "CORRECTION"),
        (15000, "RECEPTION"),
        (15000, "RECEPTION"),
    ]
    assert fixed["data"]["recordMileage"]["mileage"] == 14000  # type: ignore[index]


async def test_database_trigger_refusal_is_the_same_rule(
    desk: FrontDesk, db: asyncpg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    scope = TenantScope.of([desk.dealer_id], desk.users["advisor"])
    async with tenant_transaction(scope) as tx:
        await mileage.record_mileage(tx, desk.dealer_id, desk.vehicle_id, 20000, "reception")

    async def unknown(*_: object) -> None:
        return None

    # As if the service's own check had missed it: the trigger still refuses.
    monkeypatch.setattr(mileage, "last_reading", unknown)
    with pytest.raises(RuleViolation) as caught:
        async with tenant_transaction(scope) as tx:
            await mileage.record_mileage(tx, desk.dealer_id, desk.vehicle_id, 100, "delivery")
    assert caught.value.rule == "mileage_never_decreases"
    assert await db.fetchval("select count(*) from mileage_reading") == 1
