"""Suppliers and parts plans / purchase orders: queries and one mutation per step
(draft, edit, submit, review, approve, reject, order, cancel, close a line short).
Each mutation is one transaction with its audit entries; the exact permission of a
decision is checked by the workflow on the locked order."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry
from strawberry import relay

from api.schema.context import Info
from api.schema.errors import BadUserInput
from api.schema.parts.purchasing_access import (
    DRAFTERS,
    ORDER_READERS,
    allowed_at,
    approval_limit,
    require_any,
    write_any,
)
from api.schema.parts.purchasing_pages import newest_first
from api.schema.parts.purchasing_types import (
    PurchaseOrder,
    PurchaseOrderStatus,
    PurchaseShortage,
    PurchaseUrgency,
    Supplier,
)
from api.schema.relay_conventions import decode_cursor, page_size, parse_global_id
from tenants.parts import purchase_orders, purchase_workflow, shortages, suppliers

DECIDERS: tuple[tuple[str, str], ...] = (
    ("parts_plan", "review"),
    ("parts_plan", "approve"),
    ("purchase_order", "approve"),
)


def _order_id(value: strawberry.ID, field: str = "orderId") -> int:
    return parse_global_id(value, "PurchaseOrder", field)


def _line_id(value: strawberry.ID, field: str = "lineId") -> int:
    return parse_global_id(value, "PurchaseOrderLine", field)


def _supplier_id(value: strawberry.ID | None, field: str = "supplierId") -> int | None:
    return None if value is None else parse_global_id(value, "Supplier", field)


def _part_id(value: strawberry.ID, field: str = "partId") -> int:
    return parse_global_id(value, "Part", field)


async def _order(info: Info, order_id: int) -> PurchaseOrder:
    async with info.context.read() as tx:
        row = await tx.connection.fetchrow(
            "select * from purchase_order where dealer_id = $1 and id = $2",
            tx.scope.dealer_ids[0],
            order_id,
        )
    assert row is not None
    return PurchaseOrder.from_row(row)


async def _orders(info: Info, order_ids: list[int]) -> list[PurchaseOrder]:
    async with info.context.read() as tx:
        rows = await tx.connection.fetch(
            "select * from purchase_order where dealer_id = $1 and id = any($2::bigint[])"
            " order by id",
            tx.scope.dealer_ids[0],
            order_ids,
        )
    return [PurchaseOrder.from_row(r) for r in rows]


async def _supplier(info: Info, supplier_id: int) -> Supplier:
    async with info.context.read() as tx:
        row = await tx.connection.fetchrow(
            "select * from supplier where dealer_id = $1 and id = $2",
            tx.scope.dealer_ids[0],
            supplier_id,
        )
    assert row is not None
    return Supplier.from_row(row)


@strawberry.input
class SupplierInput:
    name: str
    contact: str = ""
    phone: str = ""
    lead_time_days: int = 3


@strawberry.input(description="Change what is given; null fields are left as they are.")
class UpdateSupplierInput:
    supplier_id: strawberry.ID
    name: str | None = None
    contact: str | None = None
    phone: str | None = None
    lead_time_days: int | None = None


@strawberry.input(description="Where shortage plans order these parts.")
class SetPreferredSupplierInput:
    part_ids: list[strawberry.ID]
    supplier_id: strawberry.ID | None = strawberry.field(
        default=None, description="Null: the manufacturer's parts centre."
    )


@strawberry.input
class PurchaseOrderLineInput:
    part_id: strawberry.ID
    quantity: Decimal
    unit_price: Decimal | None = strawberry.field(
        default=None, description="Defaults to the stock item's cost, else the list price."
    )


@strawberry.input
class CreatePurchaseOrderInput:
    lines: list[PurchaseOrderLineInput]
    supplier_id: strawberry.ID | None = strawberry.field(
        default=None, description="Null: the manufacturer's parts centre."
    )
    urgency: PurchaseUrgency = PurchaseUrgency.REGULAR
    note: str = ""


@strawberry.input(description="A draft's header; fields left out stay as they are.")
class UpdatePurchaseOrderInput:
    order_id: strawberry.ID
    supplier_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Null: the manufacturer's parts centre; leave out to keep.",
    )
    urgency: PurchaseUrgency | None = None
    note: str | None = None


@strawberry.input
class AddPurchaseOrderLineInput:
    order_id: strawberry.ID
    part_id: strawberry.ID
    quantity: Decimal
    unit_price: Decimal | None = None


@strawberry.input(description="Change a draft's line; only the fields given.")
class UpdatePurchaseOrderLineInput:
    line_id: strawberry.ID
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    note: str | None = None


@strawberry.input
class RejectPurchaseOrderInput:
    order_id: strawberry.ID
    reason: str
    back_to_draft: bool = strawberry.field(
        default=True, description="True: to the planner for rework; false: rejected for good."
    )


@strawberry.input
class MarkPurchaseOrderOrderedInput:
    order_id: strawberry.ID
    expected_on: date
    note: str = ""


@strawberry.input
class CancelPurchaseOrderInput:
    order_id: strawberry.ID
    reason: str


@strawberry.input
class ClosePurchaseOrderLineInput:
    line_id: strawberry.ID
    reason: str


@strawberry.type
class PurchaseOrdersQuery:
    @strawberry.field(description="Suppliers of the current dealer, active ones unless asked.")
    async def suppliers(self, info: Info, include_inactive: bool = False) -> list[Supplier]:
        dealer = require_any(info, ORDER_READERS)
        async with info.context.read((dealer,)) as tx:
            rows = await tx.connection.fetch(
                "select * from supplier where dealer_id = $1 and ($2 or active) order by name",
                dealer,
                include_inactive,
            )
        return [Supplier.from_row(r) for r in rows]

    @strawberry.field(description="Plans and purchase orders, newest first.")
    async def purchase_orders(
        self,
        info: Info,
        status: list[PurchaseOrderStatus] | None = None,
        urgency: PurchaseUrgency | None = None,
        search: str = "",
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[PurchaseOrder]:
        dealer = require_any(info, ORDER_READERS)
        size = page_size(first)
        before = decode_cursor(after)
        async with info.context.read((dealer,)) as tx:
            rows = await tx.connection.fetch(
                "select o.* from purchase_order o where o.dealer_id = $1"
                " and ($2::text[] is null or o.status = any($2::text[]))"
                " and ($3::text is null or o.urgency = $3)"
                " and ($4 = '' or o.number ilike '%' || $4 || '%' or exists ("
                "  select 1 from purchase_order_line l join stock_item s"
                "   on s.dealer_id = l.dealer_id and s.id = l.stock_item_id"
                "  join part p on p.id = s.part_id"
                "  where l.dealer_id = o.dealer_id and l.purchase_order_id = o.id"
                "   and (p.part_number ilike '%' || $4 || '%' or p.name ilike '%' || $4 || '%'"
                "    or p.name_zh like '%' || $4 || '%')))"
                " and ($5::bigint is null or o.id < $5) order by o.id desc limit $6",
                dealer,
                [s.value for s in status] if status else None,
                urgency.value if urgency else None,
                search.strip(),
                before,
                size + 1,
            )
        return newest_first(rows, size, PurchaseOrder.from_row)

    @strawberry.field(
        description="Parts short now (below their minimum, or reserved beyond what is on hand"
        " and coming): what createPlanFromShortages would plan."
    )
    async def purchase_shortages(self, info: Info) -> list[PurchaseShortage]:
        dealer = require_any(info, ORDER_READERS)
        async with info.context.read((dealer,)) as tx:
            found = await shortages.shortages(tx.connection, dealer)
        return [
            PurchaseShortage(
                quantity=s.quantity,
                urgency=PurchaseUrgency(s.urgency),
                min_qty=s.min_qty,
                max_qty=s.max_qty,
                reorder_multiple=s.reorder_multiple,
                on_hand=s.on_hand,
                reserved=s.reserved,
                on_order=s.on_order,
                planned=s.planned,
                position=s.position,
                part_id=s.part_id,
                stock_item_pk=s.stock_item_id,
                supplier_id=s.supplier_id,
                replaces_ids=s.replaces,
            )
            for s in found
        ]


@strawberry.type
class PurchaseOrdersMutation:
    @strawberry.mutation(description="A supplier besides the manufacturer's parts centre.")
    async def create_supplier(self, info: Info, input: SupplierInput) -> Supplier:
        async with info.context.write("purchase_order", "create") as tx:
            supplier_id = await suppliers.create_supplier(
                tx,
                tx.scope.dealer_ids[0],
                suppliers.SupplierFields(
                    input.name, input.contact, input.phone, input.lead_time_days
                ),
                request_id=info.context.request_id,
            )
        return await _supplier(info, supplier_id)

    @strawberry.mutation
    async def update_supplier(self, info: Info, input: UpdateSupplierInput) -> Supplier:
        supplier_id = parse_global_id(input.supplier_id, "Supplier", "supplierId")
        async with info.context.write("purchase_order", "create") as tx:
            await suppliers.update_supplier(
                tx,
                tx.scope.dealer_ids[0],
                supplier_id,
                suppliers.SupplierFields(
                    input.name, input.contact, input.phone, input.lead_time_days
                ),
                request_id=info.context.request_id,
            )
        return await _supplier(info, supplier_id)

    @strawberry.mutation(
        description="Deactivate (or reactivate) a supplier; its items fall back to the parts"
        " centre, past orders keep it."
    )
    async def set_supplier_active(
        self, info: Info, supplier_id: strawberry.ID, active: bool
    ) -> Supplier:
        pk = parse_global_id(supplier_id, "Supplier", "supplierId")
        async with info.context.write("purchase_order", "create") as tx:
            await suppliers.set_active(
                tx, tx.scope.dealer_ids[0], pk, active, request_id=info.context.request_id
            )
        return await _supplier(info, pk)

    @strawberry.mutation(
        description="Where shortage plans order the parts; returns how many changed."
    )
    async def set_preferred_supplier(self, info: Info, input: SetPreferredSupplierInput) -> int:
        if not input.part_ids:
            raise BadUserInput("partIds", "Name at least one part")
        part_ids = [_part_id(p, "partIds") for p in input.part_ids]
        async with info.context.write("purchase_order", "create") as tx:
            dealer = tx.scope.dealer_ids[0]
            items = await purchase_orders.stock_items_for_parts(tx.connection, dealer, part_ids)
            return await suppliers.set_preferred_supplier(
                tx,
                dealer,
                items.values(),
                _supplier_id(input.supplier_id),
                request_id=info.context.request_id,
            )

    @strawberry.mutation(description="Draft a plan by hand.")
    async def create_purchase_order(
        self, info: Info, input: CreatePurchaseOrderInput
    ) -> PurchaseOrder:
        if not input.lines:
            raise BadUserInput("lines", "A purchase order needs at least one line")
        part_ids = [_part_id(line.part_id, "lines.partId") for line in input.lines]
        async with write_any(info, DRAFTERS) as tx:
            dealer = tx.scope.dealer_ids[0]
            items = await purchase_orders.stock_items_for_parts(tx.connection, dealer, part_ids)
            created = await purchase_orders.create_purchase_order(
                tx,
                dealer,
                [
                    purchase_orders.OrderLine(items[pid], line.quantity, line.unit_price)
                    for pid, line in zip(part_ids, input.lines, strict=True)
                ],
                supplier_id=_supplier_id(input.supplier_id),
                urgency="emergency" if input.urgency is PurchaseUrgency.EMERGENCY else "regular",
                source="manual",
                note=input.note.strip(),
                request_id=info.context.request_id,
            )
        return await _order(info, created.id)

    @strawberry.mutation(
        description="Draft plans from the current shortages: one per supplier and urgency;"
        " empty when nothing is short."
    )
    async def create_plan_from_shortages(self, info: Info) -> list[PurchaseOrder]:
        async with write_any(info, DRAFTERS) as tx:
            created = await shortages.plan_from_shortages(
                tx, tx.scope.dealer_ids[0], request_id=info.context.request_id
            )
        return await _orders(info, [c.id for c in created]) if created else []

    @strawberry.mutation(description="Change a draft's supplier, urgency or note.")
    async def update_purchase_order(
        self, info: Info, input: UpdatePurchaseOrderInput
    ) -> PurchaseOrder:
        order_id = _order_id(input.order_id)
        set_supplier = input.supplier_id is not strawberry.UNSET
        changes = purchase_orders.HeaderChanges(
            set_supplier=set_supplier,
            supplier_id=_supplier_id(input.supplier_id) if set_supplier else None,
            urgency=(
                None
                if input.urgency is None
                else "emergency"
                if input.urgency is PurchaseUrgency.EMERGENCY
                else "regular"
            ),
            note=input.note.strip() if input.note is not None else None,
        )
        async with write_any(info, DRAFTERS) as tx:
            await purchase_orders.update_header(
                tx, tx.scope.dealer_ids[0], order_id, changes, request_id=info.context.request_id
            )
        return await _order(info, order_id)

    @strawberry.mutation(description="Add a part to a draft (a part already on it adds up).")
    async def add_purchase_order_line(
        self, info: Info, input: AddPurchaseOrderLineInput
    ) -> PurchaseOrder:
        order_id = _order_id(input.order_id)
        part_id = _part_id(input.part_id)
        async with write_any(info, DRAFTERS) as tx:
            dealer = tx.scope.dealer_ids[0]
            items = await purchase_orders.stock_items_for_parts(tx.connection, dealer, [part_id])
            await purchase_orders.add_line(
                tx,
                dealer,
                order_id,
                items[part_id],
                input.quantity,
                input.unit_price,
                request_id=info.context.request_id,
            )
        return await _order(info, order_id)

    @strawberry.mutation
    async def update_purchase_order_line(
        self, info: Info, input: UpdatePurchaseOrderLineInput
    ) -> PurchaseOrder:
        async with write_any(info, DRAFTERS) as tx:
            order_id = await purchase_orders.update_line(
                tx,
                tx.scope.dealer_ids[0],
                _line_id(input.line_id),
                quantity=input.quantity,
                unit_price=input.unit_price,
                note=input.note,
                request_id=info.context.request_id,
            )
        return await _order(info, order_id)

    @strawberry.mutation
    async def remove_purchase_order_line(self, info: Info, line_id: strawberry.ID) -> PurchaseOrder:
        async with write_any(info, DRAFTERS) as tx:
            order_id = await purchase_orders.remove_line(
                tx, tx.scope.dealer_ids[0], _line_id(line_id), request_id=info.context.request_id
            )
        return await _order(info, order_id)

    @strawberry.mutation(
        description="Hand the draft in: to the parts manager's review, or (emergency) straight"
        " to approval."
    )
    async def submit_purchase_order(self, info: Info, order_id: strawberry.ID) -> PurchaseOrder:
        pk = _order_id(order_id)
        async with write_any(info, DRAFTERS) as tx:
            dealer = tx.scope.dealer_ids[0]
            await purchase_workflow.submit(
                tx, dealer, pk, allowed_at(info, dealer), request_id=info.context.request_id
            )
        return await _order(info, pk)

    @strawberry.mutation(description="The parts manager's review (审核); never of one's own plan.")
    async def review_purchase_order(
        self, info: Info, order_id: strawberry.ID, note: str = ""
    ) -> PurchaseOrder:
        pk = _order_id(order_id)
        async with info.context.write("parts_plan", "review") as tx:
            dealer = tx.scope.dealer_ids[0]
            await purchase_workflow.review(
                tx, dealer, pk, allowed_at(info, dealer), note, request_id=info.context.request_id
            )
        return await _order(info, pk)

    @strawberry.mutation(
        description="Approve (审批) within the viewer's purchase_order_approval limit: a reviewed"
        " plan by the service manager, an emergency order by the parts or service manager."
    )
    async def approve_purchase_order(
        self, info: Info, order_id: strawberry.ID, note: str = ""
    ) -> PurchaseOrder:
        pk = _order_id(order_id)
        approvers = (("parts_plan", "approve"), ("purchase_order", "approve"))
        async with write_any(info, approvers) as tx:
            dealer = tx.scope.dealer_ids[0]
            await purchase_workflow.approve(
                tx,
                dealer,
                pk,
                allowed_at(info, dealer),
                approval_limit(info, dealer),
                note,
                request_id=info.context.request_id,
            )
        return await _order(info, pk)

    @strawberry.mutation(description="Reject a plan awaiting review or approval, with the reason.")
    async def reject_purchase_order(
        self, info: Info, input: RejectPurchaseOrderInput
    ) -> PurchaseOrder:
        pk = _order_id(input.order_id)
        async with write_any(info, DECIDERS) as tx:
            dealer = tx.scope.dealer_ids[0]
            await purchase_workflow.reject(
                tx,
                dealer,
                pk,
                allowed_at(info, dealer),
                input.reason,
                back_to_draft=input.back_to_draft,
                request_id=info.context.request_id,
            )
        return await _order(info, pk)

    @strawberry.mutation(
        description="The purchaser placed the approved order; parts expected on a date."
    )
    async def mark_purchase_order_ordered(
        self, info: Info, input: MarkPurchaseOrderOrderedInput
    ) -> PurchaseOrder:
        pk = _order_id(input.order_id)
        async with info.context.write("purchase_order", "create") as tx:
            dealer = tx.scope.dealer_ids[0]
            await purchase_workflow.mark_ordered(
                tx,
                dealer,
                pk,
                allowed_at(info, dealer),
                input.expected_on,
                input.note,
                request_id=info.context.request_id,
            )
        return await _order(info, pk)

    @strawberry.mutation(description="Withdraw a plan or order before anything was received.")
    async def cancel_purchase_order(
        self, info: Info, input: CancelPurchaseOrderInput
    ) -> PurchaseOrder:
        pk = _order_id(input.order_id)
        async with write_any(info, DRAFTERS) as tx:
            dealer = tx.scope.dealer_ids[0]
            await purchase_workflow.cancel(
                tx,
                dealer,
                pk,
                allowed_at(info, dealer),
                input.reason,
                request_id=info.context.request_id,
            )
        return await _order(info, pk)

    @strawberry.mutation(
        description="The rest of a line will not come: it stops counting as on order."
    )
    async def close_purchase_order_line(
        self, info: Info, input: ClosePurchaseOrderLineInput
    ) -> PurchaseOrder:
        async with info.context.write("purchase_order", "create") as tx:
            order_id = await purchase_orders.close_line_short(
                tx,
                tx.scope.dealer_ids[0],
                _line_id(input.line_id),
                input.reason,
                request_id=info.context.request_id,
            )
        return await _order(info, order_id)
