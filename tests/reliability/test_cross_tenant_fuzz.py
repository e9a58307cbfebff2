"""Cross-tenant fuzz: staff and API keys of many dealers throw randomized queries and
mutations, generated from the real schema, at every root field, every node type and
every other dealer's global IDs. Nobody may see or change a record of a dealer they do
not work at.

The referee is the owner connection: it knows every tenant row's dealer (global IDs
harvested by SQL) and hashes each dealer's rows per table before and after. The
randomness is seeded (``DEALERNET_FUZZ_SEED`` replays a run); the seed is printed and
named in every failure.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import random
import secrets
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx

from api.schema import schema as app_schema
from api.schema.relay_conventions import global_id
from tenants.access.tokens import digest
from tests.conftest import reload_policies
from tests.factories import make_membership, make_user
from tests.oversight.factories_oversight import Network, make_network
from tests.oversight.kpi_arrange import arrange_history
from tests.reliability.figures import record
from tests.reliability.schema_fuzz import DocumentFactory, IdPool
from tests.reliability.tenant_ledger import Ownership, changed_dealers, harvest, snapshot

SCHEMA = app_schema._schema
QUERIES_PER_ROOT_FIELD = 2
MUTATIONS_PER_FIELD = 1
NODE_BATCH = 30  # the server's alias limit
OWN_ID_SHARE = 0.3
"""Of the ID arguments of queries, how many are the caller's own (to reach data)."""
CONCURRENCY = 4
KEY_BOOKKEEPING = {"api_key", "api_call"}
# Sign-in and sign-out act on the caller's own session, not on records.
SKIPPED_MUTATIONS = {"signIn", "signOut"}

EXTRA_POSTS: dict[str, list[str]] = {
    "parts_claims": [
        "parts_manager",
        "parts_planner",
        "warehouse_keeper",
        "warranty_claims_specialist",
        "old_parts_keeper",
    ],
    "workshop_care": [
        "workshop_supervisor",
        "team_leader",
        "technician",
        "quality_inspector",
        "customer_relations_manager",
        "customer_service_specialist",
    ],
}


@dataclass(frozen=True)
class Principal:
    name: str
    headers: dict[str, str]
    allowed: frozenset[int]


@dataclass
class Tally:
    requests: int = 0
    foreign_ids_tried: int = 0
    server_errors: int = 0
    internal_errors: Counter[str] = dataclasses.field(default_factory=Counter)
    seen: list[str] = dataclasses.field(default_factory=list)
    own_seen: int = 0
    """Own records in answers: the fuzz reached data, so zero foreign ones means something."""
    slowest: list[tuple[float, str]] = dataclasses.field(default_factory=list)


async def _arrange(db: asyncpg.Connection) -> tuple[Network, list[int], list[tuple[str, int]]]:
    """Seven dealers in two regions with a history in every domain, nine posts each,
    a person at two dealers, and a partner API key per dealer."""
    network = await make_network(db, dealers=6)
    for index in range(len(network.dealer_ids)):
        await arrange_history(db, network, index)
    other = network.other_dealer_id
    as_other = dataclasses.replace(
        network,
        dealer_ids=[other],
        users={
            **network.users,
            **{f"{p}@0": network.users[f"{p}@other"] for p in ("advisor", "tech_director")},
        },
    )
    await arrange_history(db, as_other, 0)
    dealers = [*network.dealer_ids, other]
    for tag, dealer in zip([*map(str, range(6)), "other"], dealers, strict=True):
        for post, roles in EXTRA_POSTS.items():
            user = await make_user(db, f"fz_{post}_{tag}")
            await make_membership(db, dealer, user, roles)
            network.usernames[f"{post}@{tag}"] = f"fz_{post}_{tag}"
    both = await make_user(db, "fz_info_two_dealers")
    for dealer in dealers[:2]:
        await make_membership(db, dealer, both, ["information_officer", "service_manager"])
    network.usernames["info@0+1"] = "fz_info_two_dealers"
    keys = []
    for dealer in dealers:
        secret = f"fuzz-secret-{dealer}"
        prefix = f"fz{dealer:06d}"
        await db.execute(
            "insert into api_key (dealer_id, name, prefix, secret_hash, role)"
            " values ($1, 'fuzz partner', $2, $3, 'partner_integration')",
            dealer,
            prefix,
            digest(secret),
        )
        keys.append((f"dnk_{prefix}_{secret}", dealer))
    return network, dealers, keys


async def _principals(
    db: asyncpg.Connection, network: Network, dealers: list[int], keys: list[tuple[str, int]]
) -> list[Principal]:
    """Bearer sessions made by the owner (sign-in itself is the sign-in drill's subject;
    hashing ~60 passwords would take the drill's whole time budget)."""
    out = []
    for key, username in network.usernames.items():
        user = await db.fetchrow(
            "select u.id, array_agg(m.dealer_id) as dealers from staff_user u"
            " join membership m on m.user_id = u.id where u.username = $1 group by u.id",
            username,
        )
        if user is None:
            continue  # regional and manufacturer people see many dealers by design
        token = secrets.token_urlsafe(32)
        await db.execute(
            "insert into auth_session (token_hash, user_id, kind, csrf_token, current_dealer_id,"
            " expires_at) values ($1, $2, 'bearer', $3, $4, now() + interval '1 hour')",
            digest(token),
            user["id"],
            secrets.token_urlsafe(16),
            min(user["dealers"]),
        )
        headers = {"Authorization": f"Bearer {token}"}
        out.append(Principal(key, headers, frozenset(user["dealers"])))
    for raw, dealer in keys:
        out.append(
            Principal(f"key@{dealer}", {"Authorization": f"Bearer {raw}"}, frozenset({dealer}))
        )
    assert len({d for p in out for d in p.allowed}) == len(dealers) >= 6
    return out


def _records_in(value: Any, ownership: Ownership, path: str) -> list[tuple[str, str]]:
    """(path, global ID) of every string in a response that is a tenant record's ID."""
    found: list[tuple[str, str]] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _records_in(inner, ownership, f"{path}.{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _records_in(inner, ownership, f"{path}[{index}]")
    elif isinstance(value, str) and value in ownership.owners:
        found.append((path, value))
    return found


async def _send(
    client: httpx.AsyncClient,
    principal: Principal,
    document: str,
    ownership: Ownership,
    tally: Tally,
    seed: int,
    headers: dict[str, str] | None = None,
) -> None:
    started = time.monotonic()
    response = await client.post(
        "/graphql", json={"query": document}, headers={**principal.headers, **(headers or {})}
    )
    tally.slowest.append((time.monotonic() - started, document[:80]))
    tally.requests += 1
    if response.status_code >= 500:
        tally.server_errors += 1
        return
    body = response.json()
    for error in body.get("errors") or []:
        if (error.get("extensions") or {}).get("code") == "INTERNAL_SERVER_ERROR":
            tally.internal_errors[document.split("(")[0].split("{")[1].strip()] += 1
    for path, gid in _records_in(body.get("data"), ownership, "data"):
        owners = ownership.owners[gid]
        if owners & principal.allowed:
            tally.own_seen += 1
        else:
            what = f"{path} = {ownership.type_of[gid]} of dealer {sorted(owners)}"
            tally.seen.append(f"seed {seed}, {principal.name}: {what}\n  {document}")


async def _settled_snapshot(app: Any, db: asyncpg.Connection) -> dict[tuple[str, int], str]:
    """A snapshot after the partner call log (written in batches, in the background)
    has written what it holds: its rows are the calling key's dealer's own."""
    call_log = getattr(app.state, "call_log", None)
    if call_log is not None:
        await call_log.flush()
    return await snapshot(db)


async def _bounded(jobs: list[Any]) -> None:
    gate = asyncio.Semaphore(CONCURRENCY)

    async def run(job: Any) -> None:
        async with gate:
            await job

    await asyncio.gather(*(run(j) for j in jobs))


async def test_no_dealer_sees_or_changes_another_dealers_records(
    app: object, client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    seed = int(os.environ.get("DEALERNET_FUZZ_SEED") or random.randrange(2**32))
    print(f"cross-tenant fuzz seed {seed} (DEALERNET_FUZZ_SEED={seed} replays it)")
    rng = random.Random(seed)
    network, dealers, keys = await _arrange(db)
    await reload_policies(app)
    principals = await _principals(db, network, dealers, keys)
    ownership = await harvest(db, SCHEMA)
    tally = Tally()
    before = await _settled_snapshot(app, db)

    import time

    started = time.monotonic()
    # 1. node(id:) with every other dealer's global ID, by each dealer's API key and
    # one of its staff (a random post each run).
    jobs = []
    for dealer in dealers:
        own = [p for p in principals if p.allowed == {dealer}]
        chosen = [p for p in own if p.name.startswith("key@")]
        chosen.append(rng.choice([p for p in own if p not in chosen]))
        for principal in chosen:
            foreign = ownership.foreign_to(principal.allowed)
            pairs = [(gid, kind) for kind, gids in foreign.items() for gid in gids]
            rng.shuffle(pairs)
            tally.foreign_ids_tried += len(pairs)
            factory = DocumentFactory(SCHEMA, random.Random(rng.random()), IdPool(foreign))
            for start in range(0, len(pairs), NODE_BATCH):
                batch = pairs[start : start + NODE_BATCH]
                document = factory.node_batch([g for g, _ in batch], [k for _, k in batch])
                jobs.append(_send(client, principal, document, ownership, tally, seed))
            # And a batch of its own: node(id:) does answer, where the role may read.
            mine = [(g, k) for k, gids in ownership.own_of(principal.allowed).items() for g in gids]
            batch = rng.sample(mine, min(NODE_BATCH, len(mine)))
            document = factory.node_batch([g for g, _ in batch], [k for _, k in batch])
            jobs.append(_send(client, principal, document, ownership, tally, seed))

    # 2. Every root query field, random arguments (foreign IDs) and selections,
    # sometimes asking for another dealer by the X-Dealer-Id header.
    query_type = SCHEMA.query_type
    assert query_type is not None
    for name in query_type.fields:
        for principal in rng.sample(principals, QUERIES_PER_ROOT_FIELD):
            foreign = ownership.foreign_to(principal.allowed)
            ids = IdPool(foreign, ownership.own_of(principal.allowed), OWN_ID_SHARE)
            factory = DocumentFactory(SCHEMA, random.Random(rng.random()), ids)
            extra = {}
            if rng.random() < 0.25:
                extra["X-Dealer-Id"] = rng.choice(foreign["Dealer"])
            jobs.append(
                _send(client, principal, factory.root_query(name), ownership, tally, seed, extra)
            )
    await _bounded(jobs)
    after_reads = await _settled_snapshot(app, db)

    # 3. Mutations with foreign IDs, in two rounds: dealers of one half attack the
    # other half's IDs; the other half's rows must not change. Then swap.
    mutation_type = SCHEMA.mutation_type
    assert mutation_type is not None
    halves = [set(dealers[0::2]), set(dealers[1::2])]
    changed_foreign: list[str] = []
    own_tables_changed = 0
    for attackers, victims in (halves, halves[::-1]):
        team = [p for p in principals if p.allowed <= attackers]
        victim_ids = {
            kind: [g for g in gids if ownership.owners[g] <= victims]
            for kind, gids in ownership.foreign_to(frozenset(attackers)).items()
        }
        round_before = await _settled_snapshot(app, db)
        jobs = []
        for name in mutation_type.fields:
            if name in SKIPPED_MUTATIONS:
                continue
            for principal in rng.sample(team, MUTATIONS_PER_FIELD):
                factory = DocumentFactory(SCHEMA, random.Random(rng.random()), IdPool(victim_ids))
                jobs.append(
                    _send(client, principal, factory.mutation(name), ownership, tally, seed)
                )
        await _bounded(jobs)
        round_after = await _settled_snapshot(app, db)
        for dealer, tables in changed_dealers(round_before, round_after).items():
            if dealer in attackers:
                own_tables_changed += len(tables)
            if dealer in victims:
                changed_foreign.append(f"seed {seed}: dealer {dealer} changed in {sorted(tables)}")

    # Queries write nothing but a key's own bookkeeping (its last use, its call log).
    read_changes = {
        dealer: tables
        for dealer, tables in changed_dealers(before, after_reads).items()
        if set(tables) - KEY_BOOKKEEPING
    }
    record(
        "cross_tenant_fuzz",
        seed=seed,
        dealers=len(dealers),
        principals=len(principals),
        requests=tally.requests,
        foreign_ids_tried=tally.foreign_ids_tried,
        own_records_seen=tally.own_seen,
        foreign_seen=len(tally.seen),
        foreign_changed=len(changed_foreign),
        own_tables_changed_by_mutations=own_tables_changed,
        server_errors=tally.server_errors,
        internal_errors=sum(tally.internal_errors.values()),
    )
    print(
        f"{len(dealers)} dealers, {len(principals)} principals, {tally.requests} requests"
        f" in {time.monotonic() - started:.0f} s, {tally.foreign_ids_tried} foreign IDs tried"
    )
    for spent, doc in sorted(tally.slowest, reverse=True)[:5]:
        print(f"slowest: {spent:.2f} s {doc}")
    print(f"internal errors by field: {dict(tally.internal_errors)}")
    assert not tally.seen, "\n".join(tally.seen[:20])
    assert tally.own_seen > 0, f"seed {seed}: no answer contained any record at all"
    assert own_tables_changed > 0, f"seed {seed}: no mutation changed anything at all"
    assert not changed_foreign, "\n".join(changed_foreign)
    assert not read_changes, f"seed {seed}: queries changed {read_changes}"
    assert tally.server_errors == 0, f"seed {seed}"


def test_the_referee_tells_own_from_foreign_records() -> None:
    """The checks above could not fail if ID spotting were broken: pin it."""
    ownership = Ownership()
    ownership.add("RepairOrder", 1, frozenset({10}))
    ownership.add("StaffUser", 2, frozenset({10, 20}))
    answer = {
        "a": [{"id": global_id("RepairOrder", 1)}, {"x": global_id("StaffUser", 2)}],
        "b": "RepairOrder:1",
    }
    found = dict(_records_in(answer, ownership, "data"))
    assert found == {
        "data.a[0].id": global_id("RepairOrder", 1),
        "data.a[1].x": global_id("StaffUser", 2),
    }
    assert ownership.foreign_to(frozenset({20})) == {"RepairOrder": [global_id("RepairOrder", 1)]}
