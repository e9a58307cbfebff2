from piccolo.columns import BigInt, BigSerial, Boolean, Bytea, Text, Timestamptz
from piccolo.table import Table


class AuthSession(Table, tablename="auth_session"):
    """A signed-in person: browser cookie or bearer token. Only the token's hash is kept."""

    id = BigSerial(primary_key=True)
    token_hash = Bytea()
    user_id = BigInt()
    kind = Text()
    csrf_token = Text()
    current_dealer_id = BigInt(null=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    last_seen_at = Timestamptz()
    revoked_at = Timestamptz(null=True)


class AuthEvent(Table, tablename="auth_event"):
    id = BigSerial(primary_key=True)
    user_id = BigInt(null=True)
    username = Text()
    kind = Text()
    remote_addr = Text()
    at = Timestamptz()


class ApiKey(Table, tablename="api_key"):
    """Tenant-owned: a partner integration's key, bound to one dealer and one role."""

    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    name = Text()
    prefix = Text()
    secret_hash = Bytea()
    role = Text()
    created_by = BigInt(null=True)
    created_at = Timestamptz()
    revoked_by = BigInt(null=True)
    revoked_at = Timestamptz(null=True)
    last_used_at = Timestamptz(null=True)
    persisted_only = Boolean(default=False)
