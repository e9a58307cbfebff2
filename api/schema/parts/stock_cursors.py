"""Keyset cursors over a text column and an id, for lists in bin or part-number order
(the numeric cursors of ``relay_conventions`` carry one id only)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from strawberry import relay

from api.schema.errors import BadUserInput

T = TypeVar("T", bound=relay.Node)


def encode_key(text: str, pk: int) -> str:
    return base64.urlsafe_b64encode(("t:" + json.dumps([text, pk])).encode()).decode()


def decode_key(cursor: str | None) -> tuple[str, int] | None:
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not raw.startswith("t:"):
            raise ValueError(raw)
        text, pk = json.loads(raw[2:])
        if not isinstance(text, str) or not isinstance(pk, int):
            raise ValueError(raw)
        return text, pk
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadUserInput("after", "Malformed cursor") from exc


def keyed_connection(
    rows: Sequence[Any],
    size: int,
    make: Callable[[Any], T],
    key: Callable[[Any], tuple[str, int]],
) -> relay.Connection[T]:
    """A connection from ``size + 1`` rows fetched in key order after the cursor."""
    page = list(rows[:size])
    edges = [relay.Edge(node=make(row), cursor=encode_key(*key(row))) for row in page]
    return relay.Connection(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=len(rows) > size,
            has_previous_page=False,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
