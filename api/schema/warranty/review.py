"""The manufacturer's side: its review inbox of received claims (approve, approve line by line,
reject, return for correction), delivery status and dead letters."""

from __future__ import annotations

import strawberry


@strawberry.type
class WarrantyReviewQuery:
    pass


@strawberry.type
class WarrantyReviewMutation:
    pass
