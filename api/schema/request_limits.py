"""Request limits (depth, aliases, tokens) with parsing and validation cached.

Strawberry's limiter extensions build a new validation rule class per request, so a
validation cache would never hit; here the rules are made once, and a document that
clients send again and again (the live board refetches on every change) is validated
once (a bounded LRU keyed by the parsed document). Parsing is not cached: a parse
error must stay a GRAPHQL_PARSE_FAILED answer, and parsing is the cheap part.

The depth and alias rules walk fragments as expanded; a document whose expansion is
huge (fragments spreading each other repeatedly) is refused before they run, see
``api/schema/expanded_size.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from strawberry.extensions import SchemaExtension, ValidationCache
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule

from api.schema.expanded_size import expanded_fields, too_large_rule
from api.settings import Settings

CACHED_DOCUMENTS = 256
MAX_EXPANDED_FIELDS = 10_000
"""Far above the largest registered operation (under 2,000), far below a fragment bomb."""

_limits = Settings()
RULES = (depth_rule(_limits.max_query_depth, None, None), aliases_rule(_limits.max_aliases))
TOO_LARGE = (too_large_rule(MAX_EXPANDED_FIELDS),)


class RequestLimits(SchemaExtension):
    """Adds the limit rules (before the cached validation runs) and the token limit."""

    def on_operation(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = _limits.max_tokens
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and expanded_fields(document) > MAX_EXPANDED_FIELDS:
            context.validation_rules = TOO_LARGE  # the only answer; the walkers never run
        else:
            context.validation_rules = context.validation_rules + RULES
        yield


def limit_extensions() -> list[Callable[[], SchemaExtension]]:
    """In this order: the rules must be in place when the cached validation runs."""
    return [RequestLimits, lambda: ValidationCache(maxsize=CACHED_DOCUMENTS)]
