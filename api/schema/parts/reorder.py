"""Reorder suggestions: runs (nightly or on demand), each suggestion with the numbers behind it,
edited and accepted into a purchase order."""

from __future__ import annotations

import strawberry


@strawberry.type
class ReorderQuery:
    pass


@strawberry.type
class ReorderMutation:
    pass
