"""Writes the API reference (``docs/api/reference.md``) from the live schema.

``make docs`` runs it; the output is committed and a test fails on drift, like the
SDL. One Markdown file on graphql-core's type objects rather than a documentation
generator (the npm ones, graphql-markdown or SpectaQL, write a site of pages or HTML
and know nothing of our cost model, error codes or permission checks): this file
adds what a partner needs beside the types: the permissions a resolver checks and the
partner scopes that cover them, the cost model and the error code catalog.
Deterministic: everything is sorted, nothing depends on the clock or the machine.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from graphql.language import print_ast
from graphql.utilities import ast_from_value

from api.error_catalog import ERROR_CODES
from api.schema import query_cost as cost_model
from api.schema import schema
from api.settings import ROOT, Settings
from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    Undefined,
    get_named_type,
    print_type,
)
from policies import scopes

REFERENCE_PATH = ROOT / "docs" / "api" / "reference.md"
_CHECK = re.compile(r'\.(require|write|allowed)\(\s*"([\w.]+)",\s*"(\w+)"')


def _anchor(name: str) -> str:
    return f"type-{name.lower()}"


def _type_ref(type_: Any) -> str:
    """The type as written in SDL, its named type linked to its section."""
    named = get_named_type(type_)
    text = str(type_)
    if named.name.startswith("__"):
        return f"`{text}`"
    return f"[`{text}`](#{_anchor(named.name)})"


def _cell(text: str | None) -> str:
    """Table-safe: one line, pipes escaped."""
    return " ".join((text or "").split()).replace("|", "\\|")


def permission_checks(field: GraphQLField) -> tuple[list[str], list[str]]:
    """Permissions the resolver's own code checks: (required, conditional).

    ``require``/``write`` refuse with FORBIDDEN; ``allowed`` narrows the answer (null,
    empty or masked) instead. Read from the resolver's source, so a check made in a
    helper it calls is not listed; the catalog names stay exact where they appear."""
    definition = (field.extensions or {}).get("strawberry-definition")
    resolver = getattr(definition, "base_resolver", None)
    if resolver is None:
        return [], []
    try:
        source = inspect.getsource(resolver.wrapped_func)
    except (OSError, TypeError):
        return [], []
    required: list[str] = []
    conditional: list[str] = []
    for kind, obj, action in _CHECK.findall(source):
        target = conditional if kind == "allowed" else required
        permission = f"{obj}:{action}"
        if permission not in target:
            target.append(permission)
    conditional = [p for p in conditional if p not in required]
    return required, conditional


def covering_scopes(permissions: Iterable[str]) -> list[str]:
    """Partner scopes that cover every one of ``permissions``."""
    wanted = [tuple(p.split(":", 1)) for p in permissions]
    if not wanted:
        return []
    return sorted(
        key
        for key, scope in scopes.SCOPES.items()
        if all(pair in scope.permissions for pair in wanted)
    )


def _default(argument: GraphQLArgument | GraphQLInputField) -> str:
    if argument.default_value is Undefined:
        return ""
    node = ast_from_value(argument.default_value, argument.type)
    return f"`{print_ast(node)}`" if node is not None else ""


def _arguments_table(args: dict[str, GraphQLArgument]) -> list[str]:
    if not args:
        return []
    lines = ["| argument | type | default | description |", "| --- | --- | --- | --- |"]
    for name, argument in args.items():
        lines.append(
            f"| `{name}` | {_type_ref(argument.type)} | {_default(argument)}"
            f" | {_cell(argument.description)} |"
        )
    return lines


def _root_fields(title: str, root: GraphQLObjectType | None) -> list[str]:
    if root is None:
        return []
    out = [f"## {title}", ""]
    for name in sorted(root.fields):
        field = root.fields[name]
        out += [f"### `{name}`", ""]
        if field.description:
            out += [" ".join(field.description.split()), ""]
        out.append(f"- **Returns:** {_type_ref(field.type)}")
        required, conditional = permission_checks(field)
        if required:
            listed = ", ".join(f"`{p}`" for p in required)
            out.append(f"- **Permission:** {listed}")
            partner = covering_scopes(required)
            if partner:
                out.append("- **Partner scopes:** " + ", ".join(f"`{s}`" for s in partner))
        if conditional:
            listed = ", ".join(f"`{p}`" for p in conditional)
            out.append(f"- **Narrowed by:** {listed} (without it, less comes back)")
        if field.deprecation_reason:
            out.append(f"- **Deprecated:** {_cell(field.deprecation_reason)}")
        out.append("")
        table = _arguments_table(field.args)
        if table:
            out += [*table, ""]
    return out


def _fields_table(type_: GraphQLObjectType | GraphQLInterfaceType) -> list[str]:
    lines = ["| field | type | description |", "| --- | --- | --- |"]
    for name, field in type_.fields.items():
        description = _cell(field.description)
        _, conditional = permission_checks(field)
        if conditional:
            checks = ", ".join(f"`{p}`" for p in conditional)
            description = f"{description} (needs {checks})".strip()
        if field.args:
            arguments = ", ".join(f"`{a}: {t.type}`" for a, t in field.args.items())
            description = f"{description} Arguments: {arguments}.".strip()
        if field.deprecation_reason:
            description += f" **Deprecated:** {_cell(field.deprecation_reason)}"
        lines.append(f"| `{name}` | {_type_ref(field.type)} | {description} |")
    return lines


def _type_section(type_: GraphQLNamedType) -> list[str]:
    out = [f'<a id="{_anchor(type_.name)}"></a>', f"### `{type_.name}`", ""]
    if type_.description:
        out += [" ".join(type_.description.split()), ""]
    if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
        if type_.interfaces:
            names = ", ".join(_type_ref(i) for i in type_.interfaces)
            out += [f"Implements {names}.", ""]
        out += _fields_table(type_)
    elif isinstance(type_, GraphQLInputObjectType):
        out += ["| field | type | default | description |", "| --- | --- | --- | --- |"]
        for name, field in type_.fields.items():
            out.append(
                f"| `{name}` | {_type_ref(field.type)} | {_default(field)}"
                f" | {_cell(field.description)} |"
            )
    elif isinstance(type_, GraphQLEnumType):
        out += ["| value | description |", "| --- | --- |"]
        for name, value in type_.values.items():
            description = _cell(value.description)
            if value.deprecation_reason:
                description += f" **Deprecated:** {_cell(value.deprecation_reason)}"
            out.append(f"| `{name}` | {description} |")
    elif isinstance(type_, GraphQLUnionType):
        out.append("One of " + ", ".join(_type_ref(t) for t in type_.types) + ".")
    elif isinstance(type_, GraphQLScalarType):
        out += ["```graphql", print_type(type_), "```"]
    out.append("")
    return out


_KINDS: tuple[tuple[str, Callable[[GraphQLNamedType], bool]], ...] = (
    ("Objects", lambda t: isinstance(t, GraphQLObjectType)),
    ("Interfaces", lambda t: isinstance(t, GraphQLInterfaceType)),
    ("Unions", lambda t: isinstance(t, GraphQLUnionType)),
    ("Input objects", lambda t: isinstance(t, GraphQLInputObjectType)),
    ("Enums", lambda t: isinstance(t, GraphQLEnumType)),
    ("Scalars", lambda t: isinstance(t, GraphQLScalarType)),
)


def _types(graphql_schema: GraphQLSchema) -> list[str]:
    roots = {
        t.name
        for t in (
            graphql_schema.query_type,
            graphql_schema.mutation_type,
            graphql_schema.subscription_type,
        )
        if t is not None
    }
    named = [
        t
        for name, t in sorted(graphql_schema.type_map.items())
        if not name.startswith("__") and name not in roots
    ]
    out: list[str] = []
    for title, belongs in _KINDS:
        members = [t for t in named if belongs(t)]
        if members:
            out += [f"## {title}", ""]
            for type_ in members:
                out += _type_section(type_)
    return out


def _errors() -> list[str]:
    out = [
        "## Error codes",
        "",
        "Every error carries `extensions.code`; branch on it, never on the message. "
        "Unexpected failures answer `INTERNAL_SERVER_ERROR` without details. "
        "Errors during execution come with HTTP 200 and the `data` that could be "
        "resolved; request errors (nothing ran) are 400 without `data` for clients that "
        "accept `application/graphql-response+json`.",
        "",
        "| code | HTTP | meaning | further extensions |",
        "| --- | --- | --- | --- |",
    ]
    for code in sorted(ERROR_CODES):
        entry = ERROR_CODES[code]
        out.append(
            f"| `{code}` | {_cell(entry.http)} | {_cell(entry.meaning)}"
            f" | {_cell(entry.extensions)} |"
        )
    return [*out, ""]


def _cost(settings: Settings) -> list[str]:
    model = inspect.getdoc(cost_model) or ""
    model = model.split("\n\n", 1)[1] if "\n\n" in model else model
    out = [
        "## Query cost and limits",
        "",
        "Every operation is priced after validation and before execution; the answer "
        "carries `extensions.cost` with `requested` and `limit`, and for API keys the "
        "budget's `capacity`, `remaining` and `resetAt`.",
        "",
        model.strip().replace("``", "`"),
        "",
        f"- Constants: a mutation's root field costs {cost_model.MUTATION_COST}; an "
        f"unpaged list is priced as {cost_model.LIST_ESTIMATE} items.",
        f"- Per request at most **{settings.max_query_cost:,}** (`QUERY_TOO_COSTLY` above).",
        f"- Per API key a budget of **{settings.cost_bucket_capacity:,}** refilled at "
        f"**{settings.cost_refill_per_second:g}** per second (`RATE_LIMITED`, HTTP 429 "
        "with `Retry-After`, when it cannot pay; nothing is charged then).",
        f"- Depth at most {settings.max_query_depth}, at most {settings.max_aliases} "
        f"aliases, {settings.max_tokens:,} tokens, request bodies of "
        f"{settings.max_body_bytes:,} bytes, pages of at most 100.",
        "",
        "Fields priced on their own (`Type.field`: own cost):",
        "",
        "| field | own cost |",
        "| --- | --- |",
    ]
    for name in sorted(cost_model.FIELD_COSTS):
        out.append(f"| `{name}` | {cost_model.FIELD_COSTS[name]} |")
    return [*out, ""]


def reference(graphql_schema: GraphQLSchema | None = None) -> str:
    graphql_schema = graphql_schema or schema._schema
    settings = Settings()
    out = [
        "# dealernet GraphQL API reference",
        "",
        "<!-- Generated by `make docs` (api/api_docs.py) from the live schema; do not edit. -->",
        "",
        "`POST /graphql` with `Content-Type: application/json`. Partner systems send "
        "`Authorization: Bearer dnk_…` (an API key bound to one dealer); people sign in "
        "with `signIn`. Worked examples: [insurer](../integrations/insurer.md), "
        "[parts supplier](../integrations/supplier.md), "
        "[manufacturer](../integrations/manufacturer.md). The SDL is "
        "[`graphql/schema.graphql`](../../graphql/schema.graphql).",
        "",
        "**Permission** lists what the resolver checks before it answers (refused with "
        "`FORBIDDEN` and `extensions.permission`), and **Partner scopes** the scopes "
        "of a partner application that cover it. **Narrowed by** marks checks that "
        "leave parts of the answer null or masked instead of refusing.",
        "",
        "## Contents",
        "",
        "- [Query cost and limits](#query-cost-and-limits)",
        "- [Error codes](#error-codes)",
        "- [Queries](#queries) · [Mutations](#mutations) · [Subscriptions](#subscriptions)",
        "- [Objects](#objects) · [Interfaces](#interfaces) · [Unions](#unions) · "
        "[Input objects](#input-objects) · [Enums](#enums) · [Scalars](#scalars)",
        "",
    ]
    out += _cost(settings)
    out += _errors()
    out += _root_fields("Queries", graphql_schema.query_type)
    out += _root_fields("Mutations", graphql_schema.mutation_type)
    out += _root_fields("Subscriptions", graphql_schema.subscription_type)
    out += _types(graphql_schema)
    return "\n".join(out).rstrip() + "\n"


def write(path: Path = REFERENCE_PATH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(reference())


if __name__ == "__main__":
    if sys.argv[1:] == ["-"]:
        sys.stdout.write(reference())
    else:
        write()
        print(f"• wrote {REFERENCE_PATH.relative_to(ROOT)}")
