"""Writes audit entries inside the caller's tenant transaction, so the entry and
the change it describes commit or roll back together."""

from __future__ import annotations

import json
from typing import Any

from tenants.database import current_transaction


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str)) if value is not None else None


async def record(
    *,
    dealer_id: int,
    action: str,
    object_type: str,
    object_id: str | int,
    before: Any = None,
    after: Any = None,
    request_id: str = "",
) -> int:
    """Append one entry; the actor is the scope of the enclosing transaction."""
    tx = current_transaction()
    if tx is None:
        raise RuntimeError("audit.record must run inside a tenant transaction")
    entry_id: int = await tx.connection.fetchval(
        """
        insert into audit_entry
          (dealer_id, actor_user_id, actor_api_key_id, action, object_type, object_id,
           before, after, request_id)
        values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9)
        returning id
        """,
        dealer_id,
        tx.scope.user_id,
        tx.scope.api_key_id,
        action,
        object_type,
        str(object_id),
        _jsonable(before),
        _jsonable(after),
        request_id,
    )
    return entry_id
