"""Whose is what, seen from the owner connection (past RLS): the fuzz drill's referee.

``harvest`` maps every global ID the API could hand out for a tenant-owned row to
the dealer that owns it; ``snapshot`` hashes each tenant table's rows per dealer, so
two snapshots tell whether anything of a dealer changed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import asyncpg

from api.schema.relay_conventions import global_id
from graphql import GraphQLSchema

# Node types whose table is not the snake_case of the type name.
TABLE_OF_TYPE = {
    "QuotationRevision": "order_revision",
    "ReminderTarget": "care_reminder",
    "WarrantyDelivery": "warranty_outbox",
}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@dataclass
class Ownership:
    """Global ID -> the dealers it belongs to (one for rows; a person's memberships)."""

    owners: dict[str, frozenset[int]] = field(default_factory=dict)
    type_of: dict[str, str] = field(default_factory=dict)

    def add(self, type_name: str, pk: int, dealers: frozenset[int]) -> None:
        gid = global_id(type_name, pk)
        self.owners[gid] = dealers
        self.type_of[gid] = type_name

    def foreign_to(self, allowed: frozenset[int]) -> dict[str, list[str]]:
        """The IDs none of whose dealers is in ``allowed``, by type."""
        return self._by_type(lambda dealers: not dealers & allowed)

    def own_of(self, allowed: frozenset[int]) -> dict[str, list[str]]:
        """The IDs of records of the dealers in ``allowed``, by type."""
        return self._by_type(lambda dealers: bool(dealers & allowed))

    def _by_type(self, keep: Callable[[frozenset[int]], bool]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for gid, dealers in self.owners.items():
            if dealers and keep(dealers):
                out[self.type_of[gid]].append(gid)
        return dict(out)


async def tenant_tables(owner: asyncpg.Connection) -> list[str]:
    rows = await owner.fetch(
        "select c.table_name from information_schema.columns c"
        " join information_schema.tables t using (table_schema, table_name)"
        " where c.table_schema = 'public' and c.column_name = 'dealer_id'"
        " and t.table_type = 'BASE TABLE' order by 1"
    )
    return [r["table_name"] for r in rows]


async def harvest(owner: asyncpg.Connection, schema: GraphQLSchema) -> Ownership:
    node = schema.get_type("Node")
    assert node is not None
    tables = set(await tenant_tables(owner))
    ownership = Ownership()
    for kind in schema.get_possible_types(node):  # type: ignore[arg-type]
        table = TABLE_OF_TYPE.get(kind.name, _snake(kind.name))
        if table not in tables:
            continue
        for row in await owner.fetch(
            f'select id, dealer_id from "{table}" where dealer_id is not null'
        ):
            ownership.add(kind.name, row["id"], frozenset({row["dealer_id"]}))
    for row in await owner.fetch("select id from dealer"):
        ownership.add("Dealer", row["id"], frozenset({row["id"]}))
    # A person belongs to the dealers they work at; people of the region or the
    # manufacturer (no membership) are not any one dealer's.
    for row in await owner.fetch(
        "select user_id, array_agg(distinct dealer_id) as dealers from membership group by user_id"
    ):
        ownership.add("StaffUser", row["user_id"], frozenset(row["dealers"]))
    return ownership


async def snapshot(owner: asyncpg.Connection) -> dict[tuple[str, int], str]:
    """(table, dealer) -> a hash of all of that dealer's rows in that table."""
    out: dict[tuple[str, int], str] = {}
    for table in await tenant_tables(owner):
        for row in await owner.fetch(
            f"select dealer_id, md5(string_agg(t::text, chr(10) order by t::text)) as digest"
            f' from "{table}" t where dealer_id is not null group by dealer_id'
        ):
            out[(table, row["dealer_id"])] = row["digest"]
    return out


def changed_dealers(
    before: dict[tuple[str, int], str], after: dict[tuple[str, int], str]
) -> dict[int, list[str]]:
    """Dealer -> the tables in which its rows differ between two snapshots."""
    out: dict[int, list[str]] = defaultdict(list)
    for key in before.keys() | after.keys():
        if before.get(key) != after.get(key):
            out[key[1]].append(key[0])
    return dict(out)
