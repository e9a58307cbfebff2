"""The parts stock list as the frontend asks for it: the ``StockItems`` operation of
``graphql/operations/parts_stock.graphql`` (its persisted text, fragment included), first
page of 50 in bin order, no search, every zone."""

from __future__ import annotations

import json
from copy import deepcopy
from functools import cache
from pathlib import Path
from typing import Any

from bench.handwritten import STOCK_PAGE

MANIFEST = Path(__file__).resolve().parent.parent / "graphql" / "persisted.json"
VARIABLES = {"search": "", "zone": None, "belowMin": False, "first": STOCK_PAGE, "after": None}


@cache
def stock_query() -> str:
    """The frontend's document, as the persisted-query manifest holds it."""
    manifest: dict[str, str] = json.loads(MANIFEST.read_text())
    for text in manifest.values():
        if "query StockItems(" in text:
            return text
    raise LookupError("StockItems is not in graphql/persisted.json")


def payload() -> bytes:
    return json.dumps(
        {"query": stock_query(), "operationName": "StockItems", "variables": VARIABLES}
    ).encode()


def comparable(body: dict[str, Any], *, cursors: bool = True) -> Any:
    """The page as compared between endpoints; PostGraphile's cursors are its own."""
    data = deepcopy(body["data"])
    if not cursors:
        data["stockItems"]["pageInfo"].pop("endCursor")
    return data
