"""Dataloaders of write-offs: the write-off with its part, its signatures, its loss
shares and the people who hold a signing role, one query per batch."""

from __future__ import annotations

from typing import TYPE_CHECKING

from api.schema.parts.counts_loaders import BatchLoaders, cached_loaders
from policies.catalog import WRITE_OFF_CAPACITIES
from tenants.parts.write_offs import DEFAULT_RETENTION_DAYS

if TYPE_CHECKING:
    from api.schema.context import Context, Info

WRITE_OFF_SQL = f"""
select w.*, s.bin_location, s.on_hand,
       p.id as part_id, p.part_number, p.name as part_name, p.name_zh as part_name_zh,
       p.unit as part_unit, p.pack_size as part_pack_size, p.list_price as part_list_price,
       p.part_group as part_group,
       coalesce(ps.write_off_retention_days, {DEFAULT_RETENTION_DAYS}) as retention_days
  from write_off w
  join stock_item s on s.dealer_id = w.dealer_id and s.id = w.stock_item_id
  join part p on p.id = s.part_id
  left join parts_settings ps on ps.dealer_id = w.dealer_id
"""


class WriteOffLoaders(BatchLoaders):
    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.write_off = self.by_id(WRITE_OFF_SQL + " where w.id = any($1::bigint[])")
        self.signatures = self.grouped(
            "select *, write_off_id as key from write_off_signature"
            " where write_off_id = any($1::bigint[]) order by id"
        )
        self.loss_shares = self.grouped(
            "select *, write_off_id as key from write_off_loss_share"
            " where write_off_id = any($1::bigint[])"
            " order by array_position(array['company', 'service_manager', 'parts_manager',"
            " 'warehouse_keeper'], party)"
        )
        self.capacity_holders = self.grouped(
            "select m.dealer_id as key, m.user_id, r.role"
            " from membership m join staff_user u on u.id = m.user_id"
            " cross join unnest(m.roles) as r(role)"
            " where m.dealer_id = any($1::bigint[]) and m.active and u.active"
            f" and r.role = any('{{{','.join(sorted(WRITE_OFF_CAPACITIES.values()))}}}'::text[])"
            " order by u.display_name, u.id"
        )


def write_off_loaders(info: Info) -> WriteOffLoaders:
    loaders = cached_loaders(info, "parts_write_off_loaders", WriteOffLoaders)
    assert isinstance(loaders, WriteOffLoaders)
    return loaders
