"""The signed callback through which a manufacturer's own system answers claims it
received over the HTTP connector (``POST /callbacks/warranty/<manufacturer code>``).

Nothing in the body is read before the signature holds: the manufacturer is found by
the code in the path, the body must carry its HMAC (``connectors.signing``, the same
secret and headers as our requests to it) with a timestamp inside the replay window.
The claim is found by the idempotency key of the message the manufacturer received,
among that manufacturer's dealers only. The answer is applied once per ``externalRef``
(the manufacturer's ID of its decision): a repeated callback changes nothing and is
answered 200 with the first outcome, so the sender may retry freely.

Answers are JSON; errors are ``{"error": {"code": ..., "message": ...}}`` with 401 for
a bad or stale signature, 404 for an unknown manufacturer or claim, 400 for a body
that is not a decision, 422 for a decision the claim cannot take (``rule`` names why).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from tenants.database import TenantScope, network_transaction, tenant_transaction
from tenants.errors import RecordNotFound, RuleViolation
from tenants.warranty.connectors.signing import verify
from tenants.warranty.decisions import DECISIONS, Decision, DecisionKind, LineDecision, decide


@dataclass(frozen=True)
class CallbackAnswer:
    status: int
    body: dict[str, Any] = field(default_factory=dict)


def _error(status: int, code: str, message: str, **extra: Any) -> CallbackAnswer:
    return CallbackAnswer(status, {"error": {"code": code, "message": message, **extra}})


class _Malformed(Exception):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


@dataclass(frozen=True)
class _Request:
    external_ref: str
    idempotency_key: str
    decision: Decision


def _text(data: dict[str, Any], name: str, *, required: bool = True) -> str:
    value = data.get(name, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise _Malformed(name, f"{name} must be a non-empty string")
    return value.strip()


def _amount(value: Any, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Malformed(name, f"{name} must be a decimal amount")
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise _Malformed(name, f"{name} must be a decimal amount") from exc


def _parse(body: bytes) -> _Request:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _Malformed("body", "The body is not JSON") from exc
    if not isinstance(data, dict):
        raise _Malformed("body", "The body must be a JSON object")
    kind = _text(data, "decision")
    if kind not in DECISIONS:
        raise _Malformed("decision", f"decision must be one of {', '.join(DECISIONS)}")
    raw_lines = data.get("lines", [])
    if not isinstance(raw_lines, list):
        raise _Malformed("lines", "lines must be a list")
    lines: list[LineDecision] = []
    for n, raw in enumerate(raw_lines):
        if not isinstance(raw, dict) or not isinstance(raw.get("lineId"), int | str):
            raise _Malformed(f"lines[{n}].lineId", "Each line needs its lineId")
        line_id = str(raw["lineId"])
        if not line_id.isdigit():
            raise _Malformed(f"lines[{n}].lineId", "lineId must be a number")
        reason = raw.get("reason", "")
        lines.append(
            LineDecision(
                int(line_id),
                _amount(raw.get("approvedAmount"), f"lines[{n}].approvedAmount"),
                reason if isinstance(reason, str) else "",
            )
        )
    return _Request(
        external_ref=_text(data, "externalRef"),
        idempotency_key=_text(data, "idempotencyKey"),
        decision=Decision(
            cast(DecisionKind, kind), _text(data, "reason", required=False), tuple(lines)
        ),
    )


async def receive(
    manufacturer_code: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float | None = None,
    request_id: str = "",
) -> CallbackAnswer:
    """Verify, find the claim, apply the decision once; the HTTP answer to give."""
    async with network_transaction(fresh=True) as tx:
        manufacturer = await tx.connection.fetchrow(
            "select m.id, wp.signing_secret from manufacturer m"
            " join warranty_policy wp on wp.manufacturer_id = m.id where m.code = $1",
            manufacturer_code,
        )
    if manufacturer is None:
        return _error(404, "UNKNOWN_MANUFACTURER", "No warranty policy for this manufacturer")
    problem = verify(manufacturer["signing_secret"], headers, body, now=now)
    if problem is not None:
        return _error(401, "BAD_SIGNATURE", "Signature refused", reason=problem.value)
    try:
        request = _parse(body)
    except _Malformed as exc:
        return _error(400, "MALFORMED", str(exc), field=exc.field)

    async with network_transaction(fresh=True) as tx:
        target = await tx.connection.fetchrow(
            "select dealer_id, claim_id from warranty_message_by_key($1, $2)",
            manufacturer["id"],
            request.idempotency_key,
        )
    if target is None:
        return _error(404, "UNKNOWN_CLAIM", "No claim was sent with this idempotency key")
    try:
        async with tenant_transaction(TenantScope.of([target["dealer_id"]]), fresh=True) as tx:
            recorded = await decide(
                tx,
                target["dealer_id"],
                target["claim_id"],
                request.decision,
                source="callback",
                external_ref=request.external_ref,
                actor=f"callback:{manufacturer_code}",
                request_id=request_id,
            )
    except RuleViolation as exc:
        return _error(422, "BAD_USER_INPUT", exc.message, field=exc.field, rule=exc.rule)
    except RecordNotFound as exc:
        return _error(404, "UNKNOWN_CLAIM", exc.message)
    return CallbackAnswer(
        200,
        {
            "status": "duplicate" if recorded.duplicate else "recorded",
            "decisionId": recorded.decision_id,
            "claimStatus": recorded.claim_status,
            "approvedAmount": (
                None if recorded.approved_amount is None else str(recorded.approved_amount)
            ),
        },
    )
