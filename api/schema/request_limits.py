"""Request limits (depth, aliases, tokens) with parsing and validation cached.

Strawberry's limiter extensions build a new validation rule class per request, so a
validation cache would never hit; here the rules are made once, and a document that
clients send again and again (the live board refetches on every change) is validated
once (a bounded LRU keyed by the parsed document). Parsing is not cached: a parse
error must stay a GRAPHQL_PARSE_FAILED answer, and parsing is the cheap part.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from strawberry.extensions import SchemaExtension, ValidationCache
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule

from api.settings import Settings

CACHED_DOCUMENTS = 256

_limits = Settings()
RULES = (depth_rule(_limits.max_query_depth, None, None), aliases_rule(_limits.max_aliases))


class RequestLimits(SchemaExtension):
    """Adds the limit rules (before the cached validation runs) and the token limit."""

    def on_operation(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = _limits.max_tokens
        yield

    def on_validate(self) -> Iterator[None]:
        self.execution_context.validation_rules = self.execution_context.validation_rules + RULES
        yield


def limit_extensions() -> list[Callable[[], SchemaExtension]]:
    """In this order: the rules must be in place when the cached validation runs."""
    return [RequestLimits, lambda: ValidationCache(maxsize=CACHED_DOCUMENTS)]
