"""Transfers (调拨) between dealers of a region: surplus found, requested, approved by the giving
dealer, shipped and received on both ledgers."""

from __future__ import annotations

import strawberry


@strawberry.type
class TransfersQuery:
    pass


@strawberry.type
class TransfersMutation:
    pass
