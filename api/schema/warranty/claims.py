"""Warranty claims of the current dealer: eligibility of warranty lines and the vehicle's warnings
(三包预警), claims built from repair-order lines, checked and submitted."""

from __future__ import annotations

import strawberry


@strawberry.type
class WarrantyClaimsQuery:
    pass


@strawberry.type
class WarrantyClaimsMutation:
    pass
