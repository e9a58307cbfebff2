"""Piccolo mirrors of the partner tables (the migrations hold the SQL truth)."""

from piccolo.columns import Array, BigInt, BigSerial, Integer, Text, Timestamptz
from piccolo.table import Table


class PartnerApp(Table, tablename="partner_app"):
    """Tenant-owned: an insurer's, supplier's or manufacturer's system a dealer lets in."""

    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    name = Text()
    kind = Text()
    contact_email = Text()
    description = Text()
    scopes = Array(Text())
    created_by = BigInt(null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    disabled_at = Timestamptz(null=True)


class ApiCall(Table, tablename="api_call"):
    """Tenant-owned: one GraphQL request made with a partner key."""

    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    api_key_id = BigInt()
    partner_app_id = BigInt(null=True)
    at = Timestamptz()
    operation_name = Text()
    operation_type = Text()
    persisted_hash = Text(null=True)
    cost = Integer()
    http_status = Integer()
    error_codes = Array(Text())
    duration_ms = Integer()
    remote_addr = Text()


ALL: list[type[Table]] = [PartnerApp, ApiCall]
