"""The loss of an approved write-off, split between the company and three people.

Parts rules: 70% company, 10% each service manager, parts manager and warehouse
keeper. Each person's share is rounded *down* to the cent and the company takes the
rest, so the company absorbs the rounding: nobody is charged a fraction of a cent
more than their ten per cent, and the four amounts always add up to the loss.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Final

CENT = Decimal("0.01")

PERSON_SHARES: Final[tuple[tuple[str, Decimal], ...]] = (
    ("service_manager", Decimal("0.10")),
    ("parts_manager", Decimal("0.10")),
    ("warehouse_keeper", Decimal("0.10")),
)
COMPANY_SHARE: Final = Decimal(1) - sum((s for _, s in PERSON_SHARES), Decimal(0))


@dataclass(frozen=True)
class LossShare:
    party: str
    share: Decimal
    amount: Decimal


def split_loss(total: Decimal) -> list[LossShare]:
    """Company first, then the three people, amounts in cents summing to ``total``."""
    if total < 0:
        raise ValueError("a loss cannot be negative")
    loss = total.quantize(CENT)
    people = [
        LossShare(party, share, (loss * share).quantize(CENT, rounding=ROUND_DOWN))
        for party, share in PERSON_SHARES
    ]
    company = loss - sum((p.amount for p in people), Decimal(0))
    return [LossShare("company", COMPANY_SHARE, company), *people]
