"""Customer-care GraphQL: one module per area, merged into the root types."""

from __future__ import annotations

from strawberry.tools import merge_types

from api.schema.care.complaints import CareComplaintsMutation, CareComplaintsQuery
from api.schema.care.measures import CareMeasuresMutation, CareMeasuresQuery
from api.schema.care.reminders import CareRemindersMutation, CareRemindersQuery
from api.schema.care.revisits import CareRevisitsMutation, CareRevisitsQuery
from api.schema.care.settings import CareSettingsMutation, CareSettingsQuery

CareQuery = merge_types(
    "CareQuery",
    (
        CareSettingsQuery,
        CareRevisitsQuery,
        CareComplaintsQuery,
        CareRemindersQuery,
        CareMeasuresQuery,
    ),
)
CareMutation = merge_types(
    "CareMutation",
    (
        CareSettingsMutation,
        CareRevisitsMutation,
        CareComplaintsMutation,
        CareRemindersMutation,
        CareMeasuresMutation,
    ),
)

__all__ = ["CareMutation", "CareQuery"]
