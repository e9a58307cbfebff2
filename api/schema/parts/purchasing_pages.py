"""Keyset pages of documents newest first (purchase orders, receipts, claims): the
rows come ``size + 1`` in descending id order after the cursor's id."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from strawberry import relay

from api.schema.relay_conventions import encode_cursor

T = TypeVar("T", bound=relay.Node)


def newest_first(rows: Sequence[Any], size: int, make: Callable[[Any], T]) -> relay.Connection[T]:
    edges = [relay.Edge(node=make(r), cursor=encode_cursor(r["id"])) for r in rows[:size]]
    return relay.Connection(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=len(rows) > size,
            has_previous_page=False,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
