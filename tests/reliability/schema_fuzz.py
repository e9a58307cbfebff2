"""Random GraphQL documents drawn from the real schema object, for the cross-tenant fuzz.

Everything comes from introspecting ``api.schema.schema`` (graphql-core types), so a
root field or type added later is fuzzed without touching the drill. ID arguments are
filled with *other dealers'* global IDs when the pool has any (the whole point), other
arguments with plausible values of their type. Documents stay inside the request
limits (depth, aliases, cost) so that what is tested is authorization, not the limits.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)

MAX_DEPTH = 5
"""Selection depth below the root field (the server allows 12)."""
PAGE = 3
"""``first:`` of generated connections: small, so the cost stays far under the limit."""


@dataclass
class IdPool:
    """Global IDs to put into ID arguments, by GraphQL type name: mostly other dealers'
    (``by_type``), some of the caller's own (``own``) so that arguments also reach data."""

    by_type: dict[str, list[str]]
    own: dict[str, list[str]] = field(default_factory=dict)
    own_share: float = 0.0

    def pick(self, rng: random.Random, hint: str) -> str:
        """An ID of the type the argument's name suggests (``orderId`` -> RepairOrder...),
        else of any type; occasionally a malformed one."""
        if rng.random() < 0.03:
            return rng.choice(["", "not-an-id", "RGVhbGVyOjA=", "UmVwYWlyT3JkZXI6LTE="])
        pool = self.own if self.own and rng.random() < self.own_share else self.by_type
        candidates = [t for t in pool if pool[t] and _matches(hint, t)]
        kind = rng.choice(candidates) if candidates else None
        if kind is None:
            filled = [t for t in pool if pool[t]]
            if not filled:
                return "RGVhbGVyOjA="
            kind = rng.choice(filled)
        return rng.choice(pool[kind])


def _matches(hint: str, type_name: str) -> bool:
    base = hint.removesuffix("Ids").removesuffix("Id").removesuffix("s").lower()
    name = type_name.lower()
    return bool(base) and (base == name or name.endswith(base) or base.endswith(name))


def _literal(value: object) -> str:
    """A GraphQL literal for a JSON-ish value (enum values are passed as ``_Enum``)."""
    if isinstance(value, _Enum):
        return value.name
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


@dataclass(frozen=True)
class _Enum:
    name: str


_STRINGS = ("x", "A-01-1-01", "LSVAB2BM000000001", "沪A00001", "2025-06", "note", "0")


class DocumentFactory:
    """Builds operations over one schema with one random source."""

    def __init__(self, schema: GraphQLSchema, rng: random.Random, ids: IdPool) -> None:
        self.schema = schema
        self.rng = rng
        self.ids = ids

    # -- argument values -----------------------------------------------------------

    def value(self, kind: GraphQLInputType, hint: str, depth: int = 0) -> object:
        if isinstance(kind, GraphQLNonNull):
            return self.value(kind.of_type, hint, depth)
        if isinstance(kind, GraphQLList):
            return [self.value(kind.of_type, hint, depth) for _ in range(self.rng.randint(1, 2))]
        if isinstance(kind, GraphQLEnumType):
            return _Enum(self.rng.choice(list(kind.values)))
        if isinstance(kind, GraphQLInputObjectType):
            out: dict[str, object] = {}
            for name, field in kind.fields.items():
                required = isinstance(field.type, GraphQLNonNull)
                if required or (depth < 2 and self.rng.random() < 0.4):
                    out[name] = self.value(field.type, name, depth + 1)
            return out
        assert isinstance(kind, GraphQLScalarType)
        return self._scalar(kind.name, hint)

    def _scalar(self, name: str, hint: str) -> object:
        rng = self.rng
        if name == "ID":
            return self.ids.pick(rng, hint)
        if name == "Int":
            return rng.randint(1, PAGE) if hint in {"first", "last", "limit"} else rng.randint(0, 9)
        if name == "Float":
            return rng.choice([0.5, 1.0, 12.5])
        if name == "Boolean":
            return rng.random() < 0.5
        if name == "Date":
            return rng.choice(["2025-06-15", "2024-01-01", "2026-12-31"])
        if name == "DateTime":
            return rng.choice(["2025-06-15T10:00:00+08:00", "2026-01-02T03:04:05Z"])
        if name == "Decimal":
            return rng.choice(["1", "0.5", "12.34"])
        if name == "JSON":
            return {}
        return rng.choice(_STRINGS)

    def arguments(self, field: GraphQLField, optional: float = 0.3) -> str:
        parts = []
        for name, arg in field.args.items():
            if self._wanted(arg, name, optional):
                parts.append(f"{name}: {_literal(self.value(arg.type, name))}")
        return f"({', '.join(parts)})" if parts else ""

    def _wanted(self, arg: GraphQLArgument, name: str, optional: float) -> bool:
        if isinstance(arg.type, GraphQLNonNull) and arg.default_value is None:
            return True
        if name == "first":
            return True  # keep pages (and the cost) small
        return self.rng.random() < optional

    # -- selections ----------------------------------------------------------------

    def selection(self, kind: GraphQLOutputType, depth: int) -> str:
        named = get_named_type(kind)
        if isinstance(named, (GraphQLScalarType, GraphQLEnumType)):
            return ""
        if isinstance(named, GraphQLObjectType):
            return "{ " + self._object_fields(named, depth) + " }"
        assert isinstance(named, (GraphQLInterfaceType, GraphQLUnionType))
        possible: Sequence[GraphQLObjectType] = self.schema.get_possible_types(named)
        chosen = self.rng.sample(list(possible), k=min(len(possible), self.rng.randint(1, 3)))
        own = (
            self._object_fields_of_interface(named, depth)
            if isinstance(named, GraphQLInterfaceType)
            else ""
        )
        fragments = " ".join(
            f"... on {t.name} {{ {self._object_fields(t, depth)} }}" for t in chosen
        )
        return "{ __typename " + own + " " + fragments + " }"

    def _object_fields_of_interface(self, kind: GraphQLInterfaceType, depth: int) -> str:
        return "id" if "id" in kind.fields else ""

    def _object_fields(self, kind: GraphQLObjectType, depth: int) -> str:
        rng = self.rng
        names = list(kind.fields)
        picked: list[str] = ["__typename"]
        # Identity fields always: they are what tells whose record came back.
        for key in ("id", "dealerId"):
            if key in kind.fields:
                picked.append(key)
        pool = [n for n in names if n not in {"id", "dealerId"}]
        rng.shuffle(pool)
        budget = rng.randint(2, 6)
        for name in pool:
            if budget <= 0:
                break
            field = kind.fields[name]
            leaf = isinstance(get_named_type(field.type), (GraphQLScalarType, GraphQLEnumType))
            if leaf:
                picked.append(name + self.arguments(field, optional=0.1))
                budget -= 1
                continue
            if depth >= MAX_DEPTH or rng.random() < 0.35:
                continue
            inner = self.selection(field.type, depth + 1)
            picked.append(f"{name}{self.arguments(field, optional=0.1)} {inner}")
            budget -= 1
        return " ".join(picked)

    # -- whole operations ----------------------------------------------------------

    def root_query(self, name: str) -> str:
        query_type = self.schema.query_type
        assert query_type is not None
        field = query_type.fields[name]
        return f"query {{ {name}{self.arguments(field)} {self.selection(field.type, 1)} }}"

    def mutation(self, name: str) -> str:
        mutation_type = self.schema.mutation_type
        assert mutation_type is not None
        field = mutation_type.fields[name]
        return f"mutation {{ {name}{self.arguments(field, optional=0.5)} {self.selection(field.type, 1)} }}"

    def node_batch(self, global_ids: Sequence[str], types: Sequence[str]) -> str:
        """``node(id:)`` once per ID (aliased), each with a fragment on its own type."""
        parts = []
        for index, (gid, type_name) in enumerate(zip(global_ids, types, strict=True)):
            kind = self.schema.get_type(type_name)
            fragment = ""
            if isinstance(kind, GraphQLObjectType):
                # Scalars only: a foreign node must come back null, so nesting adds cost only.
                fragment = f"... on {type_name} {{ {self._object_fields(kind, MAX_DEPTH)} }}"
            parts.append(f"n{index}: node(id: {_literal(gid)}) {{ __typename id {fragment} }}")
        return "query { " + " ".join(parts) + " }"
