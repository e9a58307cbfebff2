"""Claimed old parts (旧件) on their own ledger, shipments back to the manufacturer with packing
lists, inspection, scrapping after retention."""

from __future__ import annotations

import strawberry


@strawberry.type
class WarrantyOldPartsQuery:
    pass


@strawberry.type
class WarrantyOldPartsMutation:
    pass
