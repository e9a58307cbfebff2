"""The GraphQL schema, merged from the per-domain query and mutation types."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay
from strawberry.tools import merge_types

from api.partner_calls import CallFacts
from api.persisted_queries import PersistedQueries
from api.schema.access import AccessMutation, AccessQuery, ApiKey
from api.schema.appointments import (
    Appointment,
    AppointmentItem,
    AppointmentsMutation,
    AppointmentsQuery,
)
from api.schema.approval_link import ApprovalLinkMutation, ApprovalLinkQuery
from api.schema.audit import AuditEntry, AuditQuery
from api.schema.care import CareMutation, CareQuery
from api.schema.catalog import CatalogQuery, LabourOperation, Part
from api.schema.cost_budget import CostLimits
from api.schema.customers import Customer, CustomersMutation, CustomersQuery, Vehicle
from api.schema.error_codes import ErrorCodes
from api.schema.measures import MeasuresQuery
from api.schema.network import (
    Dealer,
    Manufacturer,
    Membership,
    NetworkMutation,
    NetworkQuery,
    Region,
    StaffUser,
)
from api.schema.oversight import OversightMutation, OversightQuery
from api.schema.partners import PartnersMutation, PartnersQuery
from api.schema.parts import PartsMutation, PartsQuery
from api.schema.parts.issuing_types import PartsRequest
from api.schema.parts.stock_types import StockItem, StockMovement
from api.schema.policies import PoliciesMutation, PoliciesQuery, PolicyOverride
from api.schema.repair_order_mutations import RepairOrdersMutation
from api.schema.repair_orders import (
    QuotationRevision,
    RepairOrder,
    RepairOrderLine,
    RepairOrdersQuery,
)
from api.schema.request_limits import limit_extensions
from api.schema.viewer import ViewerQuery
from api.schema.warranty import WarrantyMutation, WarrantyQuery
from api.schema.workshop import WorkshopMutation, WorkshopQuery, WorkshopSubscription
from graphql import GraphQLError


@strawberry.type
class NodeQuery:
    node: relay.Node | None = relay.node(
        description="Any object by its global ID; null when it does not exist or is not yours."
    )


Query = merge_types(
    "Query",
    (
        NodeQuery,
        ViewerQuery,
        NetworkQuery,
        PoliciesQuery,
        AuditQuery,
        AccessQuery,
        CustomersQuery,
        CatalogQuery,
        AppointmentsQuery,
        RepairOrdersQuery,
        ApprovalLinkQuery,
        WorkshopQuery,
        MeasuresQuery,
        PartsQuery,
        WarrantyQuery,
        CareQuery,
        OversightQuery,
        PartnersQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        AccessMutation,
        NetworkMutation,
        PoliciesMutation,
        CustomersMutation,
        AppointmentsMutation,
        RepairOrdersMutation,
        ApprovalLinkMutation,
        WorkshopMutation,
        PartsMutation,
        WarrantyMutation,
        CareMutation,
        OversightMutation,
        PartnersMutation,
    ),
)
Subscription = merge_types("Subscription", (WorkshopSubscription,))


class DealernetSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Expected errors (denials, bad input) are answers, not incidents: the
        ErrorCodes extension logs the unexpected ones with their tracebacks."""


schema = DealernetSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=[
        Dealer,
        Region,
        Manufacturer,
        StaffUser,
        Membership,
        AuditEntry,
        PolicyOverride,
        ApiKey,
        Customer,
        Vehicle,
        Appointment,
        AppointmentItem,
        LabourOperation,
        Part,
        RepairOrder,
        RepairOrderLine,
        QuotationRevision,
        StockItem,
        StockMovement,
        PartsRequest,
    ],
    extensions=[
        ErrorCodes,
        PersistedQueries,
        *limit_extensions(),
        CostLimits,
        CallFacts,
    ],
)
