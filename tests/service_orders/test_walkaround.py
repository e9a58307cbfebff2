"""The walk-around: the digest's checklist, damage marks, shown and signed, then fixed."""

from __future__ import annotations

from typing import Any

import httpx

from tests.service_orders.factories_orders import Workshop
from tests.service_orders.order_steps import SIGNATURE, SignIn, ok, open_walk_in, order, refused

ITEMS = [
    "hood", "plate_vin", "fluids", "body", "spare_wheel", "fuel_level", "odometer",
    "interior", "electrics", "valuables",
]  # fmt: skip

RECORD = """
mutation($input: RecordWalkaroundInput!) {
  recordWalkaround(input: $input) {
    fuelLevel odometerKm valuables signed checklist { item ok note }
    damageMarks { zone kind note x y }
  }
}
"""
SIGN = """
mutation($id: ID!, $sig: String!) {
  signWalkaround(orderId: $id, signature: $sig) { signed signature shownToCustomerAt }
}
"""


def _input(order_id: str, items: list[str] = ITEMS, **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "orderId": order_id,
            "checklist": [
                {"item": i, "ok": i != "body", "note": "two marks" if i == "body" else ""}
                for i in items
            ],
            "damageMarks": [
                {"zone": "leftFrontDoor", "kind": "scratch", "note": "20 cm", "x": 0.2, "y": 0.4},
                {"zone": "rearBumper", "kind": "dent"},
            ],
            "valuables": "dash cam, umbrella",
            "fuelLevel": 3,
            "odometerKm": 42_000,
            **extra,
        }
    }


async def test_recorded_shown_and_signed(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn
) -> None:
    advisor = await sign_in("advisor")
    opened = await open_walk_in(client, api_shop, advisor)
    partial = await ok(client, RECORD, _input(opened["id"], ITEMS[:4]), advisor)
    assert partial["recordWalkaround"]["signed"] is False
    incomplete = await refused(client, SIGN, {"id": opened["id"], "sig": SIGNATURE}, advisor)
    assert incomplete["rule"] == "walkaround_incomplete"
    data = await ok(client, RECORD, _input(opened["id"]), advisor)
    walk = data["recordWalkaround"]
    assert [c["item"] for c in walk["checklist"]] == ITEMS
    assert walk["damageMarks"][0] == {
        "zone": "leftFrontDoor", "kind": "scratch", "note": "20 cm", "x": 0.2, "y": 0.4,
    }  # fmt: skip
    bad_signature = await refused(
        client, SIGN, {"id": opened["id"], "sig": "<script>alert(1)</script>"}, advisor
    )
    assert bad_signature["rule"] == "signature_format"
    data_url = "data:image/svg+xml;base64,PHN2Zy8+"
    signed = await ok(client, SIGN, {"id": opened["id"], "sig": data_url}, advisor)
    assert signed["signWalkaround"]["signed"] is True
    assert signed["signWalkaround"]["shownToCustomerAt"] is not None
    again = await refused(client, RECORD, _input(opened["id"]), advisor)
    assert again["rule"] == "walkaround_signed"
    shown = await order(client, advisor, opened["id"])
    assert shown["walkaround"]["fuelLevel"] == 3
    assert shown["walkaround"]["signed"] is True


async def test_refused_walkarounds(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn
) -> None:
    advisor = await sign_in("advisor")
    opened = await open_walk_in(client, api_shop, advisor)
    cases = [
        (_input(opened["id"], fuelLevel=9), "fuel_eighths"),
        (_input(opened["id"], [*ITEMS, "sunroof"]), "walkaround_item"),
        (_input(opened["id"], damageMarks=[{"zone": "engine", "kind": "dent"}]), "damage_zone"),
        (
            _input(opened["id"], damageMarks=[{"zone": "roof", "kind": "burnt"}]),
            "damage_kind",
        ),
    ]
    for variables, rule in cases:
        assert (await refused(client, RECORD, variables, advisor))["rule"] == rule
    technician = await refused(client, RECORD, _input(opened["id"]), await sign_in("technician"))
    assert technician["code"] == "FORBIDDEN"
