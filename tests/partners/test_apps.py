"""Partner applications: registered and changed by a manager (audited), no escalation
through a partner, keys issued once and stopped at once by revoking or disabling."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx

from policies.store import Subject
from tests.api.graphql_client import bearer, error_codes, gql
from tests.conftest import reload_policies
from tests.factories import Network
from tests.partners.conftest import make_partner_app

REGISTER = """
mutation($input: RegisterPartnerAppInput!) {
  registerPartnerApp(input: $input) { id name kind disabled scopes { key name nameZh } }
}
"""
UPDATE = """
mutation($id: ID!, $scopes: [String!]!) { updatePartnerAppScopes(id: $id, scopes: $scopes) {
  scopes { key } } }
"""
DISABLE = (
    "mutation($id: ID!, $d: Boolean!) { setPartnerAppDisabled(id: $id, disabled: $d) { disabled } }"
)
ISSUE = """
mutation($id: ID!) { issuePartnerAppKey(appId: $id, name: "prod") {
  key apiKey { id prefix role { key } } } }
"""
REVOKE = """
mutation($app: ID!, $key: ID!) { revokePartnerAppKey(appId: $app, keyId: $key) { revokedAt } }
"""
APPS = "{ partnerApps { id name scopes { key } keys { prefix } } }"
CUSTOMERS = '{ customers(search: "") { edges { node { id } } } }'


def app_input(name: str = "PICC Shanghai", scopes: list[str] | None = None) -> dict[str, Any]:
    return {
        "input": {
            "name": name,
            "kind": "INSURER",
            "contactEmail": "it@picc.example",
            "description": "Accident repairs",
            "scopes": scopes if scopes is not None else ["customers:read", "repair_orders:read"],
        }
    }


async def test_register_list_change_scopes_audited(
    client: httpx.AsyncClient, network: Network, db: asyncpg.Connection
) -> None:
    manager = await bearer(client, "manager_a")
    body = await gql(client, REGISTER, app_input(), headers=manager)
    assert not body.get("errors"), body
    app = body["data"]["registerPartnerApp"]
    assert app["kind"] == "INSURER" and app["disabled"] is False
    assert [s["key"] for s in app["scopes"]] == ["customers:read", "repair_orders:read"]
    assert app["scopes"][0]["nameZh"] == "查看客户和车辆"

    listed = (await gql(client, APPS, headers=manager))["data"]["partnerApps"]
    assert [a["name"] for a in listed] == ["PICC Shanghai"]

    changed = await gql(
        client, UPDATE, {"id": app["id"], "scopes": ["parts:read", "parts:read"]}, headers=manager
    )
    assert changed["data"]["updatePartnerAppScopes"]["scopes"] == [{"key": "parts:read"}]
    rows = await db.fetch("select action, before, after from audit_entry order by id")
    assert [r["action"] for r in rows] == ["partner_app.register", "partner_app.update_scopes"]
    assert '"parts:read"' in rows[1]["after"] and '"customers:read"' in rows[1]["before"]


async def test_bad_input_has_stable_codes(client: httpx.AsyncClient, network: Network) -> None:
    manager = await bearer(client, "manager_a")
    unknown = await gql(client, REGISTER, app_input(scopes=["everything:write"]), headers=manager)
    assert error_codes(unknown) == ["UNKNOWN_SCOPE"]
    assert unknown["errors"][0]["extensions"]["scopes"] == ["everything:write"]
    blank = await gql(client, REGISTER, app_input(name="  "), headers=manager)
    assert error_codes(blank) == ["BAD_USER_INPUT"]
    assert blank["errors"][0]["extensions"]["field"] == "name"
    assert not (await gql(client, REGISTER, app_input(), headers=manager)).get("errors")
    twice = await gql(client, REGISTER, app_input(name="picc shanghai"), headers=manager)
    assert error_codes(twice) == ["PARTNER_APP_NAME_TAKEN"]
    wrong_id = await gql(client, UPDATE, {"id": "nonsense", "scopes": []}, headers=manager)
    assert error_codes(wrong_id) == ["BAD_USER_INPUT"]


async def test_no_escalation_through_a_partner(
    app: Any, client: httpx.AsyncClient, network: Network, db: asyncpg.Connection
) -> None:
    """A service manager books no appointments, so cannot let a partner book them."""
    manager = await bearer(client, "manager_a")
    dealer = network.dealer_ids[0]
    assert not app.state.policies.allowed(
        Subject.user(network.users["manager_a"]), dealer, "appointment", "create"
    )
    refused = await gql(client, REGISTER, app_input(scopes=["appointments:write"]), headers=manager)
    assert error_codes(refused) == ["SCOPE_NOT_GRANTABLE"]
    extensions = refused["errors"][0]["extensions"]
    assert extensions["scopes"] == ["appointments:write"]
    assert "appointment:create" in extensions["missingPermissions"]
    assert await db.fetchval("select count(*) from partner_app") == 0

    created = (await gql(client, REGISTER, app_input(scopes=[]), headers=manager))["data"]
    app_id = created["registerPartnerApp"]["id"]
    again = await gql(
        client, UPDATE, {"id": app_id, "scopes": ["appointments:write"]}, headers=manager
    )
    assert error_codes(again) == ["SCOPE_NOT_GRANTABLE"]

    # Once the manager also works as an advisor, they hold what the scope covers.
    await db.execute(
        "update membership set roles = roles || '{service_advisor}' where user_id = $1",
        network.users["manager_a"],
    )
    await reload_policies(app)
    granted = await gql(
        client, UPDATE, {"id": app_id, "scopes": ["appointments:write"]}, headers=manager
    )
    assert granted["data"]["updatePartnerAppScopes"]["scopes"] == [{"key": "appointments:write"}]


async def test_no_key_for_scopes_the_issuer_could_not_grant(
    client: httpx.AsyncClient, network: Network, db: asyncpg.Connection
) -> None:
    """A key carries all of its application's scopes: a manager who books no
    appointments cannot take a key for an application another consented to booking."""
    dealer = network.dealer_ids[0]
    partner = await make_partner_app(db, dealer, ["appointments:write"])
    manager = await bearer(client, "manager_a")
    refused = await gql(client, ISSUE, {"id": _gid("PartnerApp", partner.app_id)}, headers=manager)
    assert error_codes(refused) == ["SCOPE_NOT_GRANTABLE"]
    assert "appointment:create" in refused["errors"][0]["extensions"]["missingPermissions"]
    assert (
        await db.fetchval("select count(*) from api_key where partner_app_id = $1", partner.app_id)
        == 1
    )  # only the arranged one

    readable = await make_partner_app(db, dealer, ["customers:read", "personal_data:read"])
    issued = await gql(client, ISSUE, {"id": _gid("PartnerApp", readable.app_id)}, headers=manager)
    assert issued["data"]["issuePartnerAppKey"]["key"].startswith("dnk_")


async def test_who_may_see_and_manage(client: httpx.AsyncClient, network: Network) -> None:
    advisor = await bearer(client, "advisor_a")
    listed = await gql(client, APPS, headers=advisor)
    assert error_codes(listed) == ["FORBIDDEN"]
    assert listed["errors"][0]["extensions"]["permission"] == "api_key:read"
    registered = await gql(client, REGISTER, app_input(), headers=advisor)
    assert error_codes(registered) == ["FORBIDDEN"]
    assert registered["errors"][0]["extensions"]["permission"] == "api_key:manage"


async def test_keys_are_shown_once_and_stop_at_once(
    client: httpx.AsyncClient, network: Network, db: asyncpg.Connection
) -> None:
    manager = await bearer(client, "manager_a")
    app_id = (await gql(client, REGISTER, app_input(), headers=manager))["data"][
        "registerPartnerApp"
    ]["id"]
    issued = (await gql(client, ISSUE, {"id": app_id}, headers=manager))["data"][
        "issuePartnerAppKey"
    ]
    assert issued["apiKey"]["role"] is None, "an application's key acts by scopes, not a role"
    key = {"Authorization": f"Bearer {issued['key']}"}
    assert issued["key"].encode() not in bytes(await db.fetchval("select secret_hash from api_key"))
    assert not (await gql(client, CUSTOMERS, headers=key)).get("errors")
    assert error_codes(await gql(client, APPS, headers=key)) == ["FORBIDDEN"]
    keys = (await gql(client, APPS, headers=manager))["data"]["partnerApps"][0]["keys"]
    assert keys == [{"prefix": issued["apiKey"]["prefix"]}]

    # Scopes apply from the next request.
    await gql(client, UPDATE, {"id": app_id, "scopes": ["repair_orders:read"]}, headers=manager)
    assert error_codes(await gql(client, CUSTOMERS, headers=key)) == ["FORBIDDEN"]
    await gql(client, UPDATE, {"id": app_id, "scopes": ["customers:read"]}, headers=manager)

    # Disabled: every key refused at once, and no new keys until enabled again.
    assert (await gql(client, DISABLE, {"id": app_id, "d": True}, headers=manager))["data"][
        "setPartnerAppDisabled"
    ]["disabled"]
    assert error_codes(await gql(client, CUSTOMERS, headers=key)) == ["UNAUTHENTICATED"]
    assert error_codes(await gql(client, ISSUE, {"id": app_id}, headers=manager)) == [
        "PARTNER_APP_DISABLED"
    ]
    await gql(client, DISABLE, {"id": app_id, "d": False}, headers=manager)
    assert not (await gql(client, CUSTOMERS, headers=key)).get("errors")

    # Revoked: that key stops at once.
    revoked = await gql(
        client, REVOKE, {"app": app_id, "key": issued["apiKey"]["id"]}, headers=manager
    )
    assert revoked["data"]["revokePartnerAppKey"]["revokedAt"] is not None
    assert error_codes(await gql(client, CUSTOMERS, headers=key)) == ["UNAUTHENTICATED"]
    twice = await gql(
        client, REVOKE, {"app": app_id, "key": issued["apiKey"]["id"]}, headers=manager
    )
    assert error_codes(twice) == ["NOT_FOUND"]
    actions = [r["action"] for r in await db.fetch("select action from audit_entry order by id")]
    assert actions == [
        "partner_app.register",
        "api_key.issue",
        "partner_app.update_scopes",
        "partner_app.update_scopes",
        "partner_app.disable",
        "partner_app.enable",
        "api_key.revoke",
    ]


async def test_a_key_cannot_be_revoked_through_another_app(
    client: httpx.AsyncClient, network: Network, db: asyncpg.Connection
) -> None:
    dealer = network.dealer_ids[0]
    first = await make_partner_app(db, dealer, ["customers:read"])
    second = await make_partner_app(db, dealer, ["customers:read"])
    manager = await bearer(client, "manager_a")
    body = await gql(
        client,
        REVOKE,
        {"app": _gid("PartnerApp", second.app_id), "key": _gid("ApiKey", first.key_id)},
        headers=manager,
    )
    assert error_codes(body) == ["NOT_FOUND"]
    assert not (await gql(client, CUSTOMERS, headers=first.headers)).get("errors")


async def test_explain_names_the_scope(app: Any, network: Network, db: asyncpg.Connection) -> None:
    dealer = network.dealer_ids[0]
    partner = await make_partner_app(db, dealer, ["customers:read", "personal_data:read"])
    subject = Subject.partner_app_key(
        partner.key_id, dealer, frozenset({"customers:read", "personal_data:read"})
    )
    store = app.state.policies
    allowed = store.explain(subject, dealer, "customer", "read")
    assert allowed.allowed and "scope customers:read covers customer:read" in allowed.reason
    assert [line.source for line in allowed.decisive] == ["scope"]
    denied = store.explain(subject, dealer, "customer", "create")
    assert not denied.allowed
    assert "no scope of the partner application" in denied.reason
    elsewhere = store.explain(subject, network.dealer_ids[1], "customer", "read")
    assert not elsewhere.allowed and "belongs to dealer" in elsewhere.reason
    granted = {(p.object, p.action) for p in store.permissions(subject, dealer)}
    assert granted == {("customer", "read"), ("vehicle", "read"), ("network.dealer", "read")}


def _gid(type_name: str, pk: int) -> str:
    from api.schema.relay_conventions import global_id

    return global_id(type_name, pk)


async def test_demo_insurer_is_seeded_once_and_its_key_acts_by_scopes(
    network: Network, db: asyncpg.Connection
) -> None:
    from tenants.access import api_keys
    from tenants.partners import demo

    await db.execute("update dealer set code = 'SH01' where id = $1", network.dealer_ids[0])
    first = await demo.seed()
    second = await demo.seed()
    assert (first.added, second.added) == (2, 0)
    identity = await api_keys.authenticate(demo.DEMO_APP_KEY)
    assert identity is not None and identity.dealer_id == network.dealer_ids[0]
    assert identity.role is None and identity.scopes == frozenset(demo.DEMO_APP_SCOPES)
