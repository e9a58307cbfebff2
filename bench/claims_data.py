"""Arranges the claims benchmark through the owner connection: one manufacturer with
its review inbox (the inbox connector), a region of dealers, each with a claims
specialist, a vehicle, a repair order and its share of draft claims, two lines each
(labour 1.5 h x 180, a part 680), ready to be submitted."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg


@dataclass(frozen=True)
class ClaimsArranged:
    claims: list[tuple[int, int, int]]
    """(dealer_id, claim_id, claims specialist's user id), in submission order."""


async def arrange(connection: asyncpg.Connection, *, claims: int, dealers: int) -> ClaimsArranged:
    manufacturer = await connection.fetchval(
        "insert into manufacturer (code, name, name_zh) values ('BW', 'Bench Warranty',"
        " '基准索赔') returning id"
    )
    await connection.execute(
        "insert into warranty_policy (manufacturer_id, labour_rate) values ($1, 180)",
        manufacturer,
    )
    region = await connection.fetchval(
        "insert into region (manufacturer_id, code, name, name_zh) values ($1, 'E', 'East',"
        " '华东') returning id",
        manufacturer,
    )
    operation = await connection.fetchval(
        "insert into labour_operation (manufacturer_id, code, name, kind, standard_hours)"
        " values ($1, 'WP', 'Replace water pump', 'repair', 1.5) returning id",
        manufacturer,
    )
    part = await connection.fetchval(
        "insert into part (manufacturer_id, part_number, name, list_price, part_group)"
        " values ($1, 'P-WP', 'Water pump', 680, 'engine') returning id",
        manufacturer,
    )
    rows = await connection.fetch(
        """
        with d as (
          insert into dealer (region_id, code, name, name_zh, time_zone)
          select $1, 'BW' || lpad(i::text, 2, '0'), 'Dealer ' || i, '经销商' || i,
                 'Asia/Shanghai'
            from generate_series(1, $2) i returning id
        ), u as (
          insert into staff_user (username, display_name)
          select 'bench.claims.' || d.id, '索赔员 ' || d.id from d returning id, username
        ), m as (
          insert into membership (dealer_id, user_id, roles)
          select d.id, u.id, '{warranty_claims_specialist}' from d
            join u on u.username = 'bench.claims.' || d.id returning dealer_id, user_id
        )
        select dealer_id, user_id from m order by dealer_id
        """,
        region,
        dealers,
    )
    staff = {r["dealer_id"]: r["user_id"] for r in rows}
    for dealer, user in staff.items():
        customer = await connection.fetchval(
            "insert into customer (dealer_id, name, phone) values ($1, 'Bench', $2) returning id",
            dealer,
            f"+86 100 {dealer:04d}",
        )
        vehicle = await connection.fetchval(
            "insert into vehicle (dealer_id, customer_id, vin, plate, model, sale_date)"
            " values ($1, $2, $3, $4, 'Magotan', current_date - 365) returning id",
            dealer,
            customer,
            f"LBENCH{dealer:011d}",
            f"沪B{dealer:05d}",
        )
        order = await connection.fetchval(
            "insert into repair_order (dealer_id, number, customer_id, vehicle_id,"
            " advisor_user_id, status, mileage_in, created_by)"
            " values ($1, $2, $3, $4, $5, 'in_progress', 23000, $5) returning id",
            dealer,
            f"BW-{dealer:06d}",
            customer,
            vehicle,
            user,
        )
        await connection.execute(
            """
            with c as (
              insert into warranty_claim (dealer_id, number, repair_order_id, vehicle_id, vin,
                mileage, claim_type, fault_date, fault_code, complaint, cause, correction,
                causal_part_id, requested_amount, created_by)
              select $1::bigint, 'BC-' || $1::text || '-' || i, $2, $3, $4, 23000, 'standard',
                     current_date, 'F' || i, 'Coolant leak', 'Pump seal failed',
                     'Replaced pump', $7, 950, $5
                from generate_series(1, $6) i returning id
            )
            insert into warranty_claim_line (dealer_id, claim_id, kind, operation_id, part_id,
              description, quantity, hours, standard_hours, unit_price, amount)
            select $1, c.id, l.kind, case when l.kind = 'labour' then $8::bigint end,
                   case when l.kind = 'part' then $7::bigint end, l.description, 1,
                   l.hours, l.hours, l.price, l.amount
              from c cross join (values
                ('labour', 'Replace water pump', 1.5, 180, 270),
                ('part', 'Water pump', null, 680, 680)) as l(kind, description, hours, price,
                                                             amount)
            """,
            dealer,
            order,
            vehicle,
            f"LBENCH{dealer:011d}",
            user,
            claims // dealers + (1 if dealer - min(staff) < claims % dealers else 0),
            part,
            operation,
        )
    ordered = await connection.fetch(
        "select dealer_id, id, created_by from warranty_claim"
        " order by row_number() over (partition by dealer_id order by id), dealer_id"
    )
    return ClaimsArranged([(r["dealer_id"], r["id"], r["created_by"]) for r in ordered])
