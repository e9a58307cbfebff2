from piccolo.columns import JSONB, BigInt, BigSerial, Text, Timestamptz
from piccolo.table import Table


class AuditEntry(Table, tablename="audit_entry"):
    """Tenant-owned, append-only: who changed what at which dealer, before and after."""

    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    actor_user_id = BigInt(null=True)
    actor_api_key_id = BigInt(null=True)
    action = Text()
    object_type = Text()
    object_id = Text()
    before = JSONB(null=True)
    after = JSONB(null=True)
    request_id = Text()
    at = Timestamptz()
