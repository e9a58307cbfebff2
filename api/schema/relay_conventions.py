"""Global IDs and cursor pagination (Relay conventions)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from strawberry import relay

from api.schema.errors import BadUserInput

T = TypeVar("T", bound=relay.Node)
MAX_PAGE = 100
DEFAULT_PAGE = 50


def global_id(type_name: str, pk: int) -> str:
    return str(relay.GlobalID(type_name, str(pk)))


def parse_global_id(value: str, expected_type: str, field: str = "id") -> int:
    try:
        gid = relay.GlobalID.from_id(value)
        if gid.type_name != expected_type:
            raise ValueError(gid.type_name)
        return int(gid.node_id)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadUserInput(field, f"Not a {expected_type} id: {value!r}") from exc


def parse_dealer_ref(value: str) -> int | None:
    """A dealer given as a global ID or a plain number (the X-Dealer-Id header)."""
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        return parse_global_id(value, "Dealer")
    except BadUserInput:
        return None


def encode_cursor(key: int) -> str:
    return base64.urlsafe_b64encode(f"k:{key}".encode()).decode()


def decode_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not raw.startswith("k:"):
            raise ValueError(raw)
        return int(raw[2:])
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadUserInput("after", "Malformed cursor") from exc


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if first < 0 or first > MAX_PAGE:
        raise BadUserInput("first", f"first must be between 0 and {MAX_PAGE}")
    return first


def connection(
    rows: Sequence[Any], size: int, make: Callable[[Any], T], key: Callable[[Any], int]
) -> relay.Connection[T]:
    """Build a connection from ``size + 1`` rows fetched in key order after the cursor."""
    page = list(rows[:size])
    edges = [relay.Edge(node=make(row), cursor=encode_cursor(key(row))) for row in page]
    return relay.Connection(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=len(rows) > size,
            has_previous_page=False,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
