from piccolo.columns import BigInt, BigSerial, Numeric, Text, Timestamptz
from piccolo.table import Table


class PolicyOverride(Table, tablename="policy_override"):
    """Tenant-owned: a dealer's change to the catalog defaults for one role.

    ``kind`` is permission (object + action), duty (object = duty key) or limit
    (object = limit key, ``amount``). Revoked rows stay for the record.
    """

    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    role = Text()
    kind = Text()
    object = Text()
    action = Text()
    effect = Text()
    amount = Numeric(digits=(14, 2), null=True)
    reason = Text()
    created_by = BigInt()
    created_at = Timestamptz()
    revoked_by = BigInt(null=True)
    revoked_at = Timestamptz(null=True)
