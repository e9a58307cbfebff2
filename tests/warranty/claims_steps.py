"""GraphQL documents and steps of the claim tests, so each test reads as the claims
specialist's work: build a claim from the order's warranty lines, fill the 3C, check,
submit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from api.schema.relay_conventions import global_id
from tests.api.graphql_client import gql
from tests.warranty.factories_warranty import WarrantyDesk

Headers = dict[str, str]
SignIn = Callable[[str], Awaitable[Headers]]

CLAIM_FIELDS = """
  id number status claimType vin mileage faultCode faultDate complaint cause correction
  requestedAmount submissionCount editable goodwillReason
  campaign { id code }
  causalPart { id partNumber }
  createdBy { username }
  goodwillDeterminedBy { username }
  lines { id kind description quantity hours standardHours unitPrice amount
          orderLine { id } operation { code } part { partNumber } }
  files { id fileName sizeBytes sha256 url }
  history { fromStatus toStatus note actor { username } }
"""

CREATE = f"""
mutation($input: CreateWarrantyClaimInput!) {{
  createWarrantyClaim(input: $input) {{ {CLAIM_FIELDS} }}
}}
"""
UPDATE = f"""
mutation($input: UpdateWarrantyClaimInput!) {{
  updateWarrantyClaim(input: $input) {{ {CLAIM_FIELDS} }}
}}
"""
ADD_LINES = f"""
mutation($id: ID!, $lines: [ID!]!) {{
  addWarrantyClaimLines(claimId: $id, lineIds: $lines) {{ {CLAIM_FIELDS} }}
}}
"""
REMOVE_LINE = f"""
mutation($id: ID!) {{ removeWarrantyClaimLine(claimLineId: $id) {{ {CLAIM_FIELDS} }} }}
"""
UPDATE_LINE = f"""
mutation($input: UpdateWarrantyClaimLineInput!) {{
  updateWarrantyClaimLine(input: $input) {{ {CLAIM_FIELDS} }}
}}
"""
SUBMIT = f"""
mutation($id: ID!) {{ submitWarrantyClaim(claimId: $id) {{ {CLAIM_FIELDS} }} }}
"""
CANCEL = f"""
mutation($id: ID!, $reason: String!) {{
  cancelWarrantyClaim(claimId: $id, reason: $reason) {{ {CLAIM_FIELDS} }}
}}
"""
GOODWILL = f"""
mutation($id: ID!, $reason: String!) {{
  determineWarrantyClaimGoodwill(claimId: $id, reason: $reason) {{ {CLAIM_FIELDS} }}
}}
"""
CHECK = """
query($id: ID!) {
  warrantyClaimCheck(id: $id) {
    ready
    errors { code blocking message claimLineId params }
    warnings { code blocking message claimLineId params }
  }
}
"""
CLAIM = f"query($id: ID!) {{ node(id: $id) {{ ... on WarrantyClaim {{ {CLAIM_FIELDS} }} }} }}"
CLAIMS = """
query($status: [WarrantyClaimStatus!], $type: [WarrantyClaimType!], $from: Date, $to: Date,
      $search: String, $first: Int, $after: String) {
  warrantyClaims(status: $status, claimType: $type, createdFrom: $from, createdTo: $to,
                 search: $search, first: $first, after: $after) {
    edges { node { id number status claimType } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
ASSESS = """
mutation($input: AssessWarrantyLineInput!) {
  assessWarrantyLine(input: $input) {
    id warrantyAssessment { cause note causalPart { partNumber } assessedBy { username } }
    warrantyEligibility { covered reason cause }
  }
}
"""


def order_gid(desk: WarrantyDesk, order_id: int | None = None) -> str:
    return global_id("RepairOrder", order_id or desk.order_id)


def line_gid(line_id: int) -> str:
    return global_id("RepairOrderLine", line_id)


def claim_gid(claim_id: int) -> str:
    return global_id("WarrantyClaim", claim_id)


def claim_pk(claim: dict[str, Any]) -> int:
    from strawberry import relay

    return int(relay.GlobalID.from_id(claim["id"]).node_id)


def standard_input(desk: WarrantyDesk, **overrides: Any) -> dict[str, Any]:
    """The water pump (engine group, base terms) as a standard claim, 3C filled in."""
    fields: dict[str, Any] = {
        "orderId": order_gid(desk),
        "lineIds": [line_gid(desk.part_line_id)],
        "faultCode": "WP-LEAK-01",
        "cause": "Water pump shaft seal leaks",
        "correction": "Replaced the water pump, refilled coolant",
        "causalPartId": global_id("Part", desk.part_id),
    }
    fields.update(overrides)
    return fields


def campaign_input(desk: WarrantyDesk, **overrides: Any) -> dict[str, Any]:
    """The recall's labour line as a campaign claim."""
    fields: dict[str, Any] = {
        "orderId": order_gid(desk),
        "lineIds": [line_gid(desk.labour_line_id)],
        "faultCode": "RC-WP",
        "claimType": "CAMPAIGN",
        "campaignId": global_id("WarrantyCampaign", desk.campaign_id),
        "cause": "Recall: water pump impeller",
        "correction": "Replaced the water pump per the recall",
    }
    fields.update(overrides)
    return fields


async def create(
    client: httpx.AsyncClient, headers: Headers, fields: dict[str, Any]
) -> dict[str, Any]:
    body = await gql(client, CREATE, {"input": fields}, headers)
    assert not body.get("errors"), body
    claim: dict[str, Any] = body["data"]["createWarrantyClaim"]
    return claim


async def check(client: httpx.AsyncClient, headers: Headers, claim_id: str) -> dict[str, Any]:
    body = await gql(client, CHECK, {"id": claim_id}, headers)
    assert not body.get("errors"), body
    result: dict[str, Any] = body["data"]["warrantyClaimCheck"]
    return result


def codes(issues: list[dict[str, Any]]) -> list[str]:
    return [i["code"] for i in issues]


def first_error(body: dict[str, Any]) -> dict[str, Any]:
    assert body.get("errors"), body
    extensions: dict[str, Any] = body["errors"][0]["extensions"]
    return extensions
