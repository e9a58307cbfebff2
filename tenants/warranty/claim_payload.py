"""The claim as the manufacturer receives it: built once, at submission, inside the
submitting transaction, and delivered as-is by either connector.

Plain JSON (amounts and hours as decimal strings, dates ISO): the VIN, mileage, type
and campaign, the fault and its 3C, the causal part, each line with its operation or
part and hours against the standard, and each file's name, type, size and SHA-256
(the content itself stays with the dealer until asked for). Lines carry the claim
line ids the manufacturer's answer refers to."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import asyncpg

from tenants.errors import RecordNotFound

PAYLOAD_VERSION = 1


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


async def build_payload(
    connection: asyncpg.Connection, dealer_id: int, claim_id: int
) -> dict[str, Any]:
    claim = await connection.fetchrow(
        """
        select c.*, d.code as dealer_code, d.name as dealer_name,
               o.number as order_number, o.opened_at, o.work_done_at,
               v.model, v.model_year, v.sale_date,
               p.part_number as causal_part_number, p.name as causal_part_name,
               p.part_group as causal_part_group,
               k.code as campaign_code, k.kind as campaign_kind
          from warranty_claim c
          join dealer d on d.id = c.dealer_id
          join repair_order o on o.dealer_id = c.dealer_id and o.id = c.repair_order_id
          join vehicle v on v.dealer_id = c.dealer_id and v.id = c.vehicle_id
          left join part p on p.id = c.causal_part_id
          left join campaign k on k.id = c.campaign_id
         where c.dealer_id = $1 and c.id = $2
        """,
        dealer_id,
        claim_id,
    )
    if claim is None:
        raise RecordNotFound("Warranty claim")
    lines = await connection.fetch(
        """
        select l.id, l.kind, l.description, l.quantity, l.hours, l.standard_hours,
               l.unit_price, l.amount, op.code as operation_code, p.part_number,
               p.part_group, a.cause
          from warranty_claim_line l
          left join labour_operation op on op.id = l.operation_id
          left join part p on p.id = l.part_id
          left join warranty_line_assessment a
            on a.dealer_id = l.dealer_id and a.repair_order_line_id = l.repair_order_line_id
         where l.dealer_id = $1 and l.claim_id = $2
         order by l.id
        """,
        dealer_id,
        claim_id,
    )
    files = await connection.fetch(
        "select id, file_name, content_type, size_bytes, sha256 from warranty_claim_file"
        " where dealer_id = $1 and claim_id = $2 order by id",
        dealer_id,
        claim_id,
    )
    return {
        "version": PAYLOAD_VERSION,
        "claimId": claim["id"],
        "claimNumber": claim["number"],
        "submission": claim["submission_count"],
        "dealer": {"id": dealer_id, "code": claim["dealer_code"], "name": claim["dealer_name"]},
        "vehicle": {
            "vin": claim["vin"],
            "model": claim["model"],
            "modelYear": claim["model_year"],
            "saleDate": claim["sale_date"].isoformat() if claim["sale_date"] else None,
        },
        "mileage": claim["mileage"],
        "claimType": claim["claim_type"],
        "campaign": (
            {"code": claim["campaign_code"], "kind": claim["campaign_kind"]}
            if claim["campaign_code"] is not None
            else None
        ),
        "goodwillReason": claim["goodwill_reason"] or None,
        "repairOrder": {
            "number": claim["order_number"],
            "openedAt": claim["opened_at"].isoformat(),
            "workDoneAt": claim["work_done_at"].isoformat() if claim["work_done_at"] else None,
        },
        "faultCode": claim["fault_code"],
        "faultDate": claim["fault_date"].isoformat(),
        "complaint": claim["complaint"],
        "cause": claim["cause"],
        "correction": claim["correction"],
        "causalPart": (
            {
                "partNumber": claim["causal_part_number"],
                "name": claim["causal_part_name"],
                "partGroup": claim["causal_part_group"],
            }
            if claim["causal_part_number"] is not None
            else None
        ),
        "lines": [
            {
                "lineId": line["id"],
                "kind": line["kind"],
                "operationCode": line["operation_code"],
                "partNumber": line["part_number"],
                "partGroup": line["part_group"],
                "description": line["description"],
                "quantity": str(line["quantity"]),
                "hours": str(line["hours"]) if line["hours"] is not None else None,
                "standardHours": (
                    str(line["standard_hours"]) if line["standard_hours"] is not None else None
                ),
                "unitPrice": _money(line["unit_price"]),
                "amount": _money(line["amount"]),
                "cause": line["cause"],
            }
            for line in lines
        ],
        "requestedAmount": _money(claim["requested_amount"]),
        "files": [
            {
                "fileId": f["id"],
                "fileName": f["file_name"],
                "contentType": f["content_type"],
                "sizeBytes": f["size_bytes"],
                "sha256": f["sha256"],
            }
            for f in files
        ],
    }
