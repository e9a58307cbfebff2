"""Persisted queries: the frontend's operations registered by hash, sent by id alone.

The manifest ``graphql/persisted.json`` maps the sha256 hex of each operation's
canonical print (the operation plus the fragments it uses, from
``graphql/operations/*.graphql``) to that text. It is generated
(``python -m api.persisted_queries``, ``make persisted``) and committed; a test fails
on drift. Clients send ``extensions.persistedQuery.sha256Hash`` (Apollo APQ shape)
or a top-level ``documentId`` (GraphQL-over-HTTP draft) instead of ``query``; only
the manifest is accepted, clients cannot register documents. An API key in
persisted-only mode (its ``persisted_only`` column, or ``DEALERNET_PERSISTED_ONLY=1``
for every key) is refused ad-hoc documents, so a leaked key cannot run arbitrary
queries; signed-in people may still send them.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.http import GraphQLRequestData

from api.settings import ROOT
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    Node,
    OperationDefinitionNode,
    Visitor,
    parse,
    print_ast,
    visit,
)

OPERATIONS_DIR = ROOT / "graphql" / "operations"
MANIFEST_PATH = ROOT / "graphql" / "persisted.json"
DOCUMENT_ID_PREFIX = "sha256:"
"""``documentId`` may carry the hash bare or as ``sha256:<hex>`` (the draft's example)."""


class PersistedQueryError(GraphQLError):
    """Like api.schema.errors.ApiError (a stable ``extensions.code``); not derived from
    it because the schema package imports this module."""

    code = "PERSISTED_QUERY_INVALID"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": self.code, **extensions})


class PersistedQueryNotFound(PersistedQueryError):
    code = "PERSISTED_QUERY_NOT_FOUND"

    def __init__(self, document_id: str) -> None:
        super().__init__(
            "PersistedQueryNotFound: no registered operation has this id; "
            "send one of graphql/persisted.json",
            documentId=document_id,
        )


class PersistedQueryRequired(PersistedQueryError):
    code = "PERSISTED_QUERY_REQUIRED"

    def __init__(self) -> None:
        super().__init__(
            "This API key may only run persisted operations: send "
            "extensions.persistedQuery.sha256Hash or documentId instead of query"
        )


class PersistedQueryMismatch(PersistedQueryError):
    code = "PERSISTED_QUERY_HASH_MISMATCH"

    def __init__(self, document_id: str) -> None:
        super().__init__(
            "The query sent does not hash to the persisted id sent with it",
            documentId=document_id,
        )


def document_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class _Spreads(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
        self.names.append(node.name.value)


def _spread_names(node: Node) -> list[str]:
    spreads = _Spreads()
    visit(node, spreads)
    return spreads.names


def canonical_documents(sources: Iterable[str]) -> dict[str, str]:
    """Operation name → its canonical document: the operation, then the fragments it
    uses (transitively, across files) sorted by name, printed by graphql-core."""
    operations: dict[str, OperationDefinitionNode] = {}
    fragments: dict[str, FragmentDefinitionNode] = {}
    for source in sources:
        for definition in parse(source, no_location=True).definitions:
            if isinstance(definition, FragmentDefinitionNode):
                name = definition.name.value
                if name in fragments:
                    raise ValueError(f"fragment {name} is defined twice")
                fragments[name] = definition
            elif isinstance(definition, OperationDefinitionNode):
                if definition.name is None:
                    raise ValueError("every operation in graphql/operations must be named")
                name = definition.name.value
                if name in operations:
                    raise ValueError(f"operation {name} is defined twice")
                operations[name] = definition
    documents: dict[str, str] = {}
    for name, operation in operations.items():
        used: set[str] = set()
        pending = _spread_names(operation)
        while pending:
            fragment = pending.pop()
            if fragment in used:
                continue
            if fragment not in fragments:
                raise ValueError(f"operation {name} uses the undefined fragment {fragment}")
            used.add(fragment)
            pending.extend(_spread_names(fragments[fragment]))
        document = DocumentNode(definitions=(operation, *(fragments[f] for f in sorted(used))))
        documents[name] = print_ast(document)
    return documents


def build_manifest(directory: Path = OPERATIONS_DIR) -> dict[str, str]:
    """sha256 hex of each canonical document → the document, sorted by hash."""
    sources = [path.read_text() for path in sorted(directory.rglob("*.graphql"))]
    by_hash = {document_hash(text): text for text in canonical_documents(sources).values()}
    return dict(sorted(by_hash.items()))


def render_manifest(manifest: Mapping[str, str]) -> str:
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


@cache
def registered() -> Mapping[str, str]:
    """The committed manifest, read once per process."""
    loaded: dict[str, str] = json.loads(MANIFEST_PATH.read_text())
    return loaded


def requested_id(extensions: Mapping[str, Any] | None) -> str | None:
    """The persisted id a request names, if any (APQ hash or lifted ``documentId``)."""
    if not extensions:
        return None
    document_id = extensions.get("documentId")
    if isinstance(document_id, str):
        return document_id.removeprefix(DOCUMENT_ID_PREFIX)
    persisted = extensions.get("persistedQuery")
    if isinstance(persisted, Mapping) and isinstance(persisted.get("sha256Hash"), str):
        return str(persisted["sha256Hash"])
    return None


class DocumentIdRequests:
    """Mixin for the GraphQL controller: carries a top-level ``documentId`` (which
    Strawberry's body parser drops) into the request's extensions, where
    ``PersistedQueries`` looks for it. Cooperative, so other mixins can stack."""

    async def parse_http_body(self, request: Any) -> Any:
        data = await super().parse_http_body(request)  # type: ignore[misc]
        json_post = request.method == "POST" and "json" in (request.content_type or "")
        if isinstance(data, GraphQLRequestData) and data.query is None and json_post:
            body = self.parse_json(await request.get_body())  # type: ignore[attr-defined]
            if isinstance(body, dict) and isinstance(body.get("documentId"), str):
                data.extensions = {**(data.extensions or {}), "documentId": body["documentId"]}
        return data


class PersistedQueries(SchemaExtension):
    """Puts the registered document in place of a persisted id before parsing, and
    refuses ad-hoc documents from persisted-only API keys."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        document_id = requested_id(context.operation_extensions)
        if document_id is not None:
            text = registered().get(document_id)
            if text is None:
                raise PersistedQueryNotFound(document_id)
            if context.query and document_hash(context.query) != document_id:
                raise PersistedQueryMismatch(document_id)
            context.query = text
        elif context.query and _persisted_only(context.context):
            raise PersistedQueryRequired()
        yield


def _persisted_only(request_context: Any) -> bool:
    auth = getattr(request_context, "auth", None)
    principal = auth.principal if auth is not None else None
    if principal is None or principal.api_key is None:
        return False
    return bool(principal.api_key.persisted_only or request_context.settings.persisted_only)


def main() -> None:
    sys.stdout.write(render_manifest(build_manifest()))


if __name__ == "__main__":
    main()
