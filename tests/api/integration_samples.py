"""The generated parts of the integration guides: per example operation its document,
variables, a curl call and the response recorded against a factory-built dealer.

A guide (docs/integrations/<integration>.md) carries one block per operation between
``<!-- example: Name -->`` and ``<!-- /example -->``; everything else in the guide is
written by hand. ``make docs`` rewrites the blocks (DN_WRITE_SAMPLES=1); the test
compares the committed ones with a fresh run by shape, as ids and times differ per run.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api.persisted_queries import canonical_documents, document_hash

ROOT = Path(__file__).resolve().parents[2]
GUIDES = ROOT / "docs" / "integrations"
EXAMPLES = ROOT / "graphql" / "operations" / "partners" / "examples"
INTEGRATIONS = ("insurer", "supplier", "manufacturer")
_BLOCK = re.compile(r"<!-- example: (\w+) -->\n(.*?)<!-- /example -->\n", re.S)
_FENCE = re.compile(r"```(\w+)\n(.*?)\n```", re.S)


@dataclass(frozen=True)
class Example:
    name: str
    integration: str
    source: str
    """The file under graphql/operations/partners/examples."""
    document: str
    """Canonical print: what graphql/persisted.json registers."""

    @property
    def document_id(self) -> str:
        return document_hash(self.document)


def examples() -> dict[str, Example]:
    """Every example operation, by name."""
    found: dict[str, Example] = {}
    for integration in INTEGRATIONS:
        for path in sorted(EXAMPLES.glob(f"{integration}_*.graphql")):
            for name, document in canonical_documents([path.read_text()]).items():
                found[name] = Example(name, integration, path.name, document)
    return found


def _shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def render(
    example: Example, variables: dict[str, Any], response: dict[str, Any], credential: str
) -> str:
    payload = json.dumps(
        {"documentId": f"sha256:{example.document_id}", "variables": variables},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    assert credential == "api_key", "the samples show what a partner's key really sees"
    ran_as = "a key of a partner application holding exactly these scopes"
    return "\n".join(
        [
            f"Operation `{example.name}` from "
            f"[`{example.source}`](../../graphql/operations/partners/examples/{example.source}),"
            f" persisted as `sha256:{example.document_id}`:",
            "",
            "```graphql",
            example.document,
            "```",
            "",
            "Variables:",
            "",
            "```json",
            json.dumps(variables, ensure_ascii=False, indent=2),
            "```",
            "",
            "Call it by its persisted id (or send the document as `query`):",
            "",
            "```sh",
            'curl -sS "$DEALERNET_URL/graphql" \\',
            '  -H "Authorization: Bearer $DEALERNET_KEY" \\',
            "  -H 'Content-Type: application/json' \\",
            "  -H 'Accept: application/graphql-response+json' \\",
            f"  --data {_shell_quote(payload)}",
            "```",
            "",
            f"Response, recorded by `make docs` against a factory-built dealer (run with {ran_as}):",
            "",
            "```json",
            json.dumps(response, ensure_ascii=False, indent=2),
            "```",
            "",
        ]
    )


@dataclass(frozen=True)
class Recorded:
    document: str
    variables: dict[str, Any]
    response: dict[str, Any]


def recorded(guide: str) -> dict[str, Recorded]:
    """The blocks a guide carries, by operation name."""
    blocks: dict[str, Recorded] = {}
    for name, body in _BLOCK.findall(guide):
        fences = _FENCE.findall(body)
        by_kind: dict[str, list[str]] = {}
        for kind, text in fences:
            by_kind.setdefault(kind, []).append(text)
        blocks[name] = Recorded(
            document=by_kind["graphql"][0],
            variables=json.loads(by_kind["json"][0]),
            response=json.loads(by_kind["json"][1]),
        )
    return blocks


def rewrite(guide: str, blocks: dict[str, str]) -> str:
    """The guide with the given blocks replaced (each must already have its markers)."""
    missing = set(blocks) - {name for name, _ in _BLOCK.findall(guide)}
    if missing:
        raise ValueError(f"the guide has no place for {sorted(missing)}: add the markers")

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        body = blocks.get(name, match.group(2))
        return f"<!-- example: {name} -->\n{body}<!-- /example -->\n"

    return _BLOCK.sub(replace, guide)


def shape(value: Any) -> Any:
    """Keys and JSON types, recursively; a list by its first item (empty stays empty)."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__
