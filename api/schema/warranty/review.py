"""The manufacturer's side: its review inbox of received claims (approve, approve line by line,
reject, return for correction), and the dealer's view of delivery: each claim's messages to the
manufacturer, dead letters and their retry."""

from __future__ import annotations

from strawberry.tools import merge_types

from api.schema.warranty.review_delivery import DeliveryMutation, DeliveryQuery
from api.schema.warranty.review_inbox import ReviewInboxMutation, ReviewInboxQuery

WarrantyReviewQuery = merge_types("WarrantyReviewQuery", (ReviewInboxQuery, DeliveryQuery))
WarrantyReviewMutation = merge_types(
    "WarrantyReviewMutation", (ReviewInboxMutation, DeliveryMutation)
)
