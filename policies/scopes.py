"""Partner scopes: what a dealer consents to when it lets a partner application in.

A partner application's keys do not act in a staff role; the scopes the dealer's
service manager granted decide what they may do. Each scope covers a set of
catalog permissions (``policies.catalog.PERMISSIONS``); a key may do
``object:action`` when one of its application's scopes covers it. Personal data
(people's names, phones, addresses) is a scope of its own: without
``personal_data:read`` those fields come back masked, whatever else is granted.

A manager can only grant what they could do themselves (no escalation through a
partner), and changing scopes is audited like any policy change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from policies.catalog import PERMISSIONS

PERSONAL_DATA = "personal_data:read"
WEBHOOKS = "webhooks:manage"


@dataclass(frozen=True)
class PartnerScope:
    key: str
    label_en: str
    label_zh: str
    permissions: frozenset[tuple[str, str]]
    """Catalog object:action pairs the scope covers; empty for the flag-like scopes."""


def _perms(*specs: str) -> frozenset[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for spec in specs:
        obj, _, actions = spec.partition(":")
        pairs.extend((obj.strip(), action) for action in actions.split())
    unknown = [pair for pair in pairs if pair not in PERMISSIONS]
    if unknown:
        raise ValueError(f"scope names permissions the catalog does not know: {unknown}")
    return frozenset(pairs)


# fmt: off
_SCOPE_LIST: tuple[PartnerScope, ...] = (
    PartnerScope(
        "repair_orders:read", "Read repair orders (status, lines, totals)",
        "查看维修工单（状态、项目、金额）",
        _perms("repair_order: read", "quotation: read", "vehicle: read", "network.dealer: read"),
    ),
    PartnerScope(
        "appointments:read", "Read appointments", "查看预约",
        _perms("appointment: read", "vehicle: read", "network.dealer: read"),
    ),
    PartnerScope(
        "appointments:write", "Book, change and cancel appointments", "创建、修改和取消预约",
        _perms(
            "appointment: read create update cancel", "customer: read create",
            "vehicle: read create", "network.dealer: read",
        ),
    ),
    PartnerScope(
        "customers:read", "Read customers and vehicles", "查看客户和车辆",
        _perms("customer: read", "vehicle: read", "network.dealer: read"),
    ),
    PartnerScope(
        "customers:write", "Create and update customers and vehicles", "创建和修改客户及车辆",
        _perms(
            "customer: read create update", "vehicle: read create update", "network.dealer: read",
        ),
    ),
    PartnerScope(
        PERSONAL_DATA, "See personal data (names, phones, addresses) unmasked",
        "查看个人信息（姓名、电话、地址）不打码", frozenset(),
    ),
    PartnerScope(
        "parts:read", "Read the parts catalogue and stock availability", "查看配件目录和库存可用量",
        _perms("parts_catalog: read", "parts_stock: read", "network.dealer: read"),
    ),
    PartnerScope(
        "parts_orders:read", "Read purchase orders and goods receipts", "查看采购订单和入库单",
        _perms(
            "purchase_order: read", "parts_receipt: read", "parts_catalog: read",
            "network.dealer: read",
        ),
    ),
    PartnerScope(
        "claims:read", "Read warranty claims and their decisions", "查看三包索赔及审核结果",
        _perms("warranty_claim: read", "vehicle: read", "network.dealer: read"),
    ),
    PartnerScope(
        WEBHOOKS, "Subscribe to events (webhooks) within the granted scopes",
        "在已授权范围内订阅事件（Webhook）",
        frozenset(),
    ),
)
# fmt: on

SCOPES: Mapping[str, PartnerScope] = MappingProxyType({s.key: s for s in _SCOPE_LIST})


def covered(scopes: frozenset[str] | set[str], obj: str, action: str) -> bool:
    """Whether any of ``scopes`` covers ``object:action``."""
    return any((obj, action) in SCOPES[key].permissions for key in scopes if key in SCOPES)


def unknown_scopes(scopes: set[str] | frozenset[str] | list[str]) -> list[str]:
    return sorted(set(scopes) - set(SCOPES))
