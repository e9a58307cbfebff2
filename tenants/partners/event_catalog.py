"""The events partners can subscribe to (webhooks), and the scope each one needs.

A subscription only ever receives events its application's scopes let it read: an
insurer without ``claims:read`` cannot learn of claim decisions through a webhook.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from policies.scopes import SCOPES


@dataclass(frozen=True)
class EventType:
    key: str
    label_en: str
    label_zh: str
    required_scope: str


_EVENT_LIST: tuple[EventType, ...] = (
    EventType(
        "repair_order.status_changed",
        "A repair order's status changed",
        "维修工单状态变更",
        "repair_orders:read",
    ),
    EventType(
        "appointment.booked", "An appointment was booked", "新预约已登记", "appointments:read"
    ),
    EventType(
        "warranty_claim.decided",
        "The manufacturer decided a warranty claim",
        "厂家已审核三包索赔",
        "claims:read",
    ),
    EventType(
        "parts_receipt.received",
        "Parts were received into stock",
        "配件已入库",
        "parts_orders:read",
    ),
)

EVENT_TYPES: Mapping[str, EventType] = MappingProxyType({e.key: e for e in _EVENT_LIST})

assert all(e.required_scope in SCOPES for e in _EVENT_LIST)
