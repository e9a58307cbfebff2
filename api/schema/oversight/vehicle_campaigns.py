"""``Vehicle.openCampaigns``: the reception and appointment banner of an open recall or
service campaign on a vehicle. A dataloader batches the vehicles of a page by VIN into
one query (``campaigns.open_campaigns_for_vins``) at the current dealer."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from strawberry.dataloader import DataLoader

from api.schema.context import Info
from api.schema.oversight.campaigns_types import VehicleCampaign
from tenants.database import TenantScope, tenant_transaction
from tenants.oversight.campaigns import open_campaigns_for_vins

_KEY = "oversight_open_campaigns_by_vin"


def _loader(info: Info) -> DataLoader[str, list[Any]]:
    cache: dict[str, Any] = info.context.cache
    loader = cache.get(_KEY)
    if loader is None:
        principal = info.context.principal
        dealer = principal.dealer_id

        async def load(vins: list[str]) -> list[list[Any]]:
            if dealer is None:
                return [[] for _ in vins]
            scope = TenantScope.of((dealer,), principal.user_id)
            async with tenant_transaction(scope, fresh=True) as tx:
                rows = await open_campaigns_for_vins(tx.connection, dealer, list(vins))
            found: defaultdict[str, list[Any]] = defaultdict(list)
            for row in rows:
                found[row["vin"]].append(row)
            return [found.get(v, []) for v in vins]

        loader = cache[_KEY] = DataLoader(load_fn=load)
    assert isinstance(loader, DataLoader)
    return loader


async def open_campaigns(info: Info, vin: str) -> list[VehicleCampaign]:
    """Open campaigns naming ``vin`` for staff who see campaigns or book and receive cars."""
    context = info.context
    if not (context.allowed("campaign", "read") or context.allowed("appointment", "create")):
        return []
    return [VehicleCampaign.from_row(r) for r in await _loader(info).load(vin)]
