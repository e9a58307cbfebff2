"""The audit log: every mutation and policy change, newest first."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from api.schema.context import Info
from api.schema.loaders import load_one
from api.schema.network import StaffUser
from api.schema.relay_conventions import connection, decode_cursor, page_size


@strawberry.type
class AuditEntry(relay.Node):
    id: relay.NodeID[int]
    action: str
    object_type: str
    object_id: str
    before: JSON | None
    after: JSON | None
    at: datetime
    request_id: str
    actor_user_id: strawberry.Private[int | None]
    actor_api_key_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> AuditEntry:
        return cls(
            id=row["id"],
            action=row["action"],
            object_type=row["object_type"],
            object_id=row["object_id"],
            before=row["before"],
            after=row["after"],
            at=row["at"],
            request_id=row["request_id"],
            actor_user_id=row["actor_user_id"],
            actor_api_key_id=row["actor_api_key_id"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[AuditEntry | None]:
        if not info.context.allowed("audit_log", "read"):
            return [None for _ in node_ids]
        keys = [int(n) if n.isdigit() else 0 for n in node_ids]
        rows = await info.context.loaders.audit_entry.load_many(keys)
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field
    async def actor(self, info: Info) -> StaffUser | None:
        return await load_one(info.context.loaders.user, StaffUser.from_row, self.actor_user_id)

    @strawberry.field(description="Who acted, for display: a person's name or the API key.")
    async def actor_name(self, info: Info) -> str:
        if self.actor_user_id is not None:
            row = await info.context.loaders.user.load(self.actor_user_id)
            return row["display_name"] if row else f"user {self.actor_user_id}"
        if self.actor_api_key_id is not None:
            return f"API key {self.actor_api_key_id}"
        return "system"


@strawberry.type
class AuditQuery:
    @strawberry.field(description="The current dealer's audit log, newest first.")
    async def audit_log(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        object_type: str | None = None,
    ) -> relay.Connection[AuditEntry]:
        dealer = info.context.require("audit_log", "read")
        size = page_size(first)
        before_id = decode_cursor(after)
        async with info.context.read() as tx:
            rows = await tx.connection.fetch(
                """
                select * from audit_entry
                 where dealer_id = $1 and ($2::bigint is null or id < $2)
                   and ($3::text is null or object_type = $3)
                 order by id desc limit $4
                """,
                dealer,
                before_id,
                object_type,
                size + 1,
            )
        return connection(rows, size, AuditEntry.from_row, lambda r: r["id"])
