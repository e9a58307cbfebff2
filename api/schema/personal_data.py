"""Personal data (people's names, phones, emails, addresses, contact and signature
data) is shown to a partner API key only when its application holds the
``personal_data:read`` scope; otherwise the value comes back masked, in the same type,
so a partner's client keeps working: 张** / J*** for names, 138****5678 for phones,
j***@example.com for emails, *** for addresses and other contact data.

People signed in (staff sessions) are unaffected: what they may see is their role's
business. The extension sits on every such field (``personal(...)``); a guard test
(tests/partners/test_personal_data.py) fails when a new field named like one lacks it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any

import strawberry
from strawberry.extensions import FieldExtension
from strawberry.types import Info

from policies.scopes import PERSONAL_DATA


class Kind(Enum):
    NAME = "name"
    PHONE = "phone"
    EMAIL = "email"
    OTHER = "other"
    """Addresses, WeChat ids, signatures, contact notes: nothing of it shown."""


def mask_name(value: str) -> str:
    value = value.strip()
    if not value:
        return value
    return value[0] + ("**" if not value[0].isascii() else "***")


def mask_phone(value: str) -> str:
    digits = [c for c in value if c.isdigit()]
    if len(digits) < 7:
        return "***" if value else value
    return "".join(digits[:3]) + "****" + "".join(digits[-4:])


def mask_email(value: str) -> str:
    local, at, domain = value.partition("@")
    if not at:
        return "***" if value else value
    return (local[:1] or "*") + "***@" + domain


def mask(value: Any, kind: Kind) -> Any:
    if not isinstance(value, str):
        return value  # None stays None: "not recorded" is no personal data
    if kind is Kind.NAME:
        return mask_name(value)
    if kind is Kind.PHONE:
        return mask_phone(value)
    if kind is Kind.EMAIL:
        return mask_email(value)
    return "***" if value else value


def reveals_personal_data(context: Any) -> bool:
    """True for people, and for an application key holding ``personal_data:read``."""
    auth = getattr(context, "auth", None)
    principal = auth.principal if auth is not None else None
    if principal is None or principal.api_key is None:
        return True
    scopes = principal.api_key.scopes
    return scopes is not None and PERSONAL_DATA in scopes


class PersonalData(FieldExtension):
    """Masks the field's value for API keys without ``personal_data:read``."""

    def __init__(self, kind: Kind) -> None:
        super().__init__()
        self.kind = kind

    def resolve(
        self, next_: Callable[..., Any], source: Any, info: Info[Any, Any], **kwargs: Any
    ) -> Any:
        value = next_(source, info, **kwargs)
        return value if reveals_personal_data(info.context) else mask(value, self.kind)

    async def resolve_async(
        self,
        next_: Callable[..., Awaitable[Any]],
        source: Any,
        info: Info[Any, Any],
        **kwargs: Any,
    ) -> Any:
        value = await next_(source, info, **kwargs)
        return value if reveals_personal_data(info.context) else mask(value, self.kind)


def personal(kind: Kind, description: str | None = None) -> Any:
    """``strawberry.field`` for a personal-data field of a plain (attribute) value."""
    return strawberry.field(description=description, extensions=[PersonalData(kind)])
