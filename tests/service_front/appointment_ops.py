"""GraphQL documents and helpers shared by the appointment tests."""

from __future__ import annotations

from typing import Any

import httpx

from api.schema.relay_conventions import global_id
from tests.api.graphql_client import gql
from tests.service_front.factories_front import FrontDesk

BOOK = """
mutation($input: BookAppointmentInput!) {
  bookAppointment(input: $input) {
    appointment {
      id status workDate startsAt bookedHours estimate partsExpectedOn
      items { kind description standardHours operation { code } }
      reservations { id quantity picked status binLocation part { partNumber } }
    }
    shortages { partNumber needed available missing }
  }
}
"""
CAPACITY = """
query($from: Date, $days: Int!) {
  workshopCapacity(from: $from, days: $days) {
    date availableHours appointmentHours orderHours bookedHours freeHours
  }
}
"""


def booking(desk: FrontDesk, starts_at: str, *operations: str, **extra: Any) -> dict[str, Any]:
    items = [
        {"kind": "MAINTENANCE" if op == "oil" else "FAULT",
         "operationId": global_id("LabourOperation", desk.operations[op])}
        for op in operations
    ]  # fmt: skip
    return {
        "customerId": global_id("Customer", desk.customer_id),
        "vehicleId": global_id("Vehicle", desk.vehicle_id),
        "startsAt": starts_at,
        "items": items,
        **extra,
    }


async def book(
    client: httpx.AsyncClient, headers: dict[str, str], input: dict[str, Any]
) -> dict[str, Any]:
    return await gql(client, BOOK, {"input": input}, headers)


async def capacity(
    client: httpx.AsyncClient, headers: dict[str, str], start: str, days: int = 1
) -> list[dict[str, Any]]:
    body = await gql(client, CAPACITY, {"from": start, "days": days}, headers)
    assert not body.get("errors"), body
    days_: list[dict[str, Any]] = body["data"]["workshopCapacity"]
    return days_
