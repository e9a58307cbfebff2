"""The demo network, and larger generated networks for benchmarks.

``seed()`` builds the Huaxing Motors (华星汽车) network: two regions, four dealers,
staff for every dealer role of the catalog at every dealer, a technical director
who also leads a repair team (兼职), an information officer shared by the two
Shanghai stores, headcount plans with vacancies (缺编), a regional manager per
region, a manufacturer warranty technician and one partner API key. With
``dealers=N`` the network grows to N dealers in generated regions of about 50.

Seeding is idempotent: rows are matched on their natural keys (codes, usernames,
(dealer, person), (dealer, role)); existing rows are updated only where they
differ and missing ones inserted, so a second run changes nothing. All of it
runs in one owner transaction, a few set-based statements per batch of dealers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tenants.access.passwords import hash_password, needs_rehash, verify_password
from tenants.access.tokens import digest
from tenants.database import connection_config
from tenants.network.demo_names import CITIES, CITY_TIME_ZONES, person_name

DEMO_PASSWORD = "dealernet-demo"
"""The password of every demo user."""

PARTNER_ROLE = "partner_integration"
DEMO_API_KEY_DEALER = "SH01"
DEMO_API_KEY_PREFIX = "demosh01"
DEMO_API_KEY_SECRET = "dealernet-demo-partner-secret"
DEMO_API_KEY = f"dnk_{DEMO_API_KEY_PREFIX}_{DEMO_API_KEY_SECRET}"
"""The demo partner key; deterministic so the README can print it. Demo use only."""

REGION_SIZE = 50
"""Dealers per generated region."""
BATCH = 100
"""Dealers staffed per round of statements."""


class SeedError(RuntimeError):
    """A seed cannot run; the message says why in one line."""


@dataclass(frozen=True)
class ManufacturerSpec:
    code: str
    name: str
    name_zh: str
    alias: str


@dataclass(frozen=True)
class RegionSpec:
    code: str
    name: str
    name_zh: str
    alias: str
    """Username suffix of the region's staff: ``rm.east``."""


@dataclass(frozen=True)
class DealerSpec:
    code: str
    region: str
    name: str
    name_zh: str
    time_zone: str = "Asia/Shanghai"
    locale: str = "zh-CN"


MANUFACTURER = ManufacturerSpec("HX", "Huaxing Motors", "华星汽车", "hx")

DEMO_REGIONS: tuple[RegionSpec, ...] = (
    RegionSpec("HX-E", "East China Region", "华东大区", "east"),
    RegionSpec("HX-S", "South China Region", "华南大区", "south"),
)

DEMO_DEALERS: tuple[DealerSpec, ...] = (
    DealerSpec(
        "SH01",
        "HX-E",
        "Shanghai Pudong Huaxing Auto Sales & Service Co., Ltd.",
        "上海浦东华星汽车销售服务有限公司",
    ),
    DealerSpec(
        "SH02",
        "HX-E",
        "Shanghai Minhang Huaxing Auto Sales & Service Co., Ltd.",
        "上海闵行华星汽车销售服务有限公司",
    ),
    DealerSpec(
        "GZ01",
        "HX-S",
        "Guangzhou Tianhe Huaxing Auto Sales & Service Co., Ltd.",
        "广州天河华星汽车销售服务有限公司",
    ),
    DealerSpec(
        "SZ01",
        "HX-S",
        "Shenzhen Nanshan Huaxing Auto Service Co., Ltd.",
        "深圳南山华星汽车服务有限公司",
        locale="en",
    ),
)

SHARED_PERSON = ("info.sh", "information_officer", ("SH01", "SH02"))
"""One information officer works for both Shanghai stores (same dealer group)."""

ROLE_ALIASES: dict[str, str] = {
    "general_manager": "gm",
    "service_manager": "manager",
    "front_desk_supervisor": "frontdesk",
    "service_advisor": "advisor",
    "reception_assistant": "reception",
    "warranty_claims_specialist": "claims",
    "workshop_supervisor": "workshop",
    "technical_director": "techdir",
    "team_leader": "leader",
    "technician": "tech",
    "quality_inspector": "qc",
    "test_driver": "testdriver",
    "pdi_inspector": "pdi",
    "rescue_technician": "rescue",
    "tool_keeper": "tools",
    "parts_manager": "parts",
    "parts_planner": "planner",
    "warehouse_keeper": "warehouse",
    "old_parts_keeper": "oldparts",
    "customer_relations_manager": "crm",
    "customer_service_specialist": "cs",
    "information_officer": "info",
    "cashier": "cashier",
    "regional_manager": "rm",
    "manufacturer_warranty_technician": "warranty",
}
"""Username stems; a role missing here uses its key with dashes."""

PLANNED: dict[str, int] = {
    "service_advisor": 2,
    "team_leader": 2,
    "technician": 4,
    "customer_service_specialist": 2,
}
"""Planned posts (岗位编制) where more than one; seed 003 plans 2 advisors, fills 1."""

FULLY_STAFFED = frozenset({"GZ01"})
"""Dealers that fill every planned advisor post; the others have a vacancy (缺编)."""

EXTRA_PEOPLE: dict[str, int] = {"technician": 1}
"""People beyond the first in a role at every dealer (two technicians)."""

ALSO_LEADS_A_TEAM = ("technical_director", "team_leader")
"""兼职: the technical director also leads repair team 1 (seed 003)."""


def alias(role: str) -> str:
    return ROLE_ALIASES.get(role, role.replace("_", "-"))


@dataclass(frozen=True)
class RoleInfo:
    key: str
    name: str
    name_zh: str
    scope: str


def catalog_roles() -> list[RoleInfo]:
    """The catalog's roles; the seed staffs what the catalog defines, nothing else."""
    try:
        from policies.catalog import ROLES
    except ImportError as exc:
        raise SeedError(f"the role catalog policies.catalog cannot be imported: {exc}") from exc
    return [RoleInfo(r.key, r.name, r.name_zh, r.scope) for r in ROLES.values()]


def dealer_roles(roles: Iterable[RoleInfo]) -> list[RoleInfo]:
    return [r for r in roles if r.scope == "dealer" and r.key != PARTNER_ROLE]


@dataclass(frozen=True)
class Person:
    username: str
    display_name: str
    locale: str


@dataclass(frozen=True)
class Post:
    """A person's membership at one dealer."""

    dealer: str
    username: str
    roles: tuple[str, ...]
    title: str


@dataclass
class Plan:
    """Everything one seed writes, before any id is known."""

    regions: list[RegionSpec]
    dealers: list[DealerSpec]
    people: dict[str, Person] = field(default_factory=dict)
    posts: dict[str, list[Post]] = field(default_factory=dict)
    """Per dealer code."""
    headcount: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    region_assignments: list[tuple[str, str, str]] = field(default_factory=list)
    """(region code, username, role)."""
    manufacturer_assignments: list[tuple[str, str]] = field(default_factory=list)
    """(username, role)."""

    def add_person(self, username: str, locale: str) -> None:
        if username not in self.people:
            english = locale == "en"
            self.people[username] = Person(username, person_name(username, english=english), locale)


def _title(roles: Sequence[RoleInfo], locale: str) -> str:
    if locale == "en":
        return " and ".join(r.name for r in roles)
    return "兼".join(r.name_zh for r in roles)


def _staff(plan: Plan, dealer: DealerSpec, roles: list[RoleInfo]) -> None:
    """Posts and headcount for every dealer role at ``dealer``."""
    by_key = {r.key: r for r in roles}
    suffix = dealer.code.lower()
    posts: list[Post] = []
    for role in roles:
        people = 1 + EXTRA_PEOPLE.get(role.key, 0)
        if dealer.code in FULLY_STAFFED and role.key == "service_advisor":
            people = PLANNED["service_advisor"]
        for n in range(people):
            username = f"{alias(role.key)}{n + 1 if n else ''}.{suffix}"
            held = [role]
            if role.key == ALSO_LEADS_A_TEAM[0] and ALSO_LEADS_A_TEAM[1] in by_key:
                held.append(by_key[ALSO_LEADS_A_TEAM[1]])
            posts.append(
                Post(dealer.code, username, tuple(r.key for r in held), _title(held, dealer.locale))
            )
            plan.add_person(username, dealer.locale)
    plan.posts[dealer.code] = posts
    plan.headcount[dealer.code] = [(r.key, PLANNED.get(r.key, 1)) for r in roles]


def _share_person(plan: Plan, roles: list[RoleInfo]) -> None:
    username, role, dealers = SHARED_PERSON
    if role not in {r.key for r in roles} or not all(d in plan.posts for d in dealers):
        return
    for dealer in dealers:
        replaced: list[Post] = []
        for post in plan.posts[dealer]:
            if post.roles == (role,):
                plan.people.pop(post.username, None)
                post = Post(dealer, username, post.roles, post.title)
            replaced.append(post)
        plan.posts[dealer] = replaced
    plan.add_person(username, "zh-CN")


def _generated(count: int) -> tuple[list[RegionSpec], list[DealerSpec]]:
    regions: list[RegionSpec] = []
    dealers: list[DealerSpec] = []
    for n in range(1, count + 1):
        r = (n - 1) // REGION_SIZE + 1
        if len(regions) < r:
            regions.append(
                RegionSpec(f"HX-B{r:03d}", f"Region {r:03d}", f"第{r:03d}大区", f"b{r:03d}")
            )
        city_zh, city_en = CITIES[(n - 1) % len(CITIES)]
        dealers.append(
            DealerSpec(
                f"B{n:05d}",
                regions[-1].code,
                f"{city_en} Huaxing Auto Service No. {n}",
                f"{city_zh}华星汽车第{n}服务站",
                CITY_TIME_ZONES.get(city_zh, "Asia/Shanghai"),
                "en" if n % 25 == 0 else "zh-CN",
            )
        )
    return regions, dealers


def build_plan(dealers: int | None = None, roles: list[RoleInfo] | None = None) -> Plan:
    """The demo network, grown to ``dealers`` dealers in total when given."""
    roles = roles if roles is not None else catalog_roles()
    staffed = dealer_roles(roles)
    if not staffed:
        raise SeedError("the role catalog defines no dealer roles")
    extra_regions, extra_dealers = _generated(max(0, (dealers or 0) - len(DEMO_DEALERS)))
    plan = Plan([*DEMO_REGIONS, *extra_regions], [*DEMO_DEALERS, *extra_dealers])
    for dealer in plan.dealers:
        _staff(plan, dealer, staffed)
    _share_person(plan, staffed)
    for region in plan.regions:
        for role in roles:
            if role.scope == "region":
                username = f"{alias(role.key)}.{region.alias}"
                plan.add_person(username, "zh-CN")
                plan.region_assignments.append((region.code, username, role.key))
    for role in roles:
        if role.scope == "manufacturer":
            username = f"{alias(role.key)}.{MANUFACTURER.alias}"
            plan.add_person(username, "zh-CN")
            plan.manufacturer_assignments.append((username, role.key))
    return plan


# --- set-based upserts --------------------------------------------------------


@dataclass(frozen=True)
class Col:
    name: str
    type: str
    expr: str | None = None
    """Value from the input row ``i``; default ``i.<name>``."""

    @property
    def value(self) -> str:
        return self.expr or f"i.{self.name}"


@dataclass(frozen=True)
class Upsert:
    """Update rows that differ, insert rows that are missing; one statement.

    Unlike ``insert ... on conflict`` this writes nothing and draws no sequence
    value for rows that are already as wanted.
    """

    table: str
    cols: tuple[Col, ...]
    key: tuple[str, ...]
    match: str | None = None
    """Condition between existing row ``t`` and input row ``i``; default key equality."""

    def sql(self) -> str:
        by_name = {c.name: c for c in self.cols}
        match = self.match or " and ".join(f"t.{k} = {by_name[k].value}" for k in self.key)
        params = ", ".join(f"${n}::{c.type}[]" for n, c in enumerate(self.cols, 1))
        names = ", ".join(c.name for c in self.cols)
        values = [c for c in self.cols if c.name not in self.key]
        parts = [f"with i as (select * from unnest({params}) as i({names}))"]
        if values:
            sets = ", ".join(f"{c.name} = {c.value}" for c in values)
            old = ", ".join(f"t.{c.name}" for c in values)
            new = ", ".join(c.value for c in values)
            parts.append(
                f", changed as (update {self.table} t set {sets} from i where {match}"
                f" and ({old}) is distinct from ({new}) returning 1)"
            )
        else:
            parts.append(", changed as (select 1 where false)")
        parts.append(
            f", added as (insert into {self.table} ({names})"
            f" select {', '.join(c.value for c in self.cols)} from i"
            f" where not exists (select 1 from {self.table} t where {match}) returning 1)"
            " select (select count(*) from added) as added,"
            " (select count(*) from changed) as changed"
        )
        return "".join(parts)

    async def run(self, connection: asyncpg.Connection, rows: Sequence[Sequence[Any]]) -> Counts:
        if not rows:
            return Counts()
        columns = [list(column) for column in zip(*rows, strict=True)]
        row = await connection.fetchrow(self.sql(), *columns)
        assert row is not None
        return Counts(row["added"], row["changed"])


@dataclass
class Counts:
    added: int = 0
    changed: int = 0

    def __iadd__(self, other: Counts) -> Counts:
        self.added += other.added
        self.changed += other.changed
        return self


MANUFACTURERS = Upsert(
    "manufacturer", (Col("code", "text"), Col("name", "text"), Col("name_zh", "text")), ("code",)
)
REGIONS = Upsert(
    "region",
    (
        Col("code", "text"),
        Col("manufacturer_id", "bigint"),
        Col("name", "text"),
        Col("name_zh", "text"),
    ),
    ("code",),
)
DEALERS = Upsert(
    "dealer",
    (
        Col("code", "text"),
        Col("region_id", "bigint"),
        Col("name", "text"),
        Col("name_zh", "text"),
        Col("time_zone", "text"),
        Col("locale", "text"),
    ),
    ("code",),
)
STAFF = Upsert(
    "staff_user",
    (
        Col("username", "text"),
        Col("display_name", "text"),
        Col("password_hash", "text"),
        Col("locale", "text"),
        Col("active", "boolean"),
    ),
    ("username",),
    match="lower(t.username) = lower(i.username)",
)
MEMBERSHIPS = Upsert(
    "membership",
    (
        Col("dealer_id", "bigint"),
        Col("user_id", "bigint"),
        # unnest flattens arrays of arrays, so roles travel as comma-separated text.
        Col("roles", "text", "string_to_array(i.roles, ',')"),
        Col("title", "text"),
        Col("active", "boolean"),
    ),
    ("dealer_id", "user_id"),
)
HEADCOUNT = Upsert(
    "headcount",
    (Col("dealer_id", "bigint"), Col("role", "text"), Col("planned", "integer")),
    ("dealer_id", "role"),
)
REGION_ASSIGNMENTS = Upsert(
    "region_assignment",
    (Col("region_id", "bigint"), Col("user_id", "bigint"), Col("role", "text")),
    ("region_id", "user_id", "role"),
)
MANUFACTURER_ASSIGNMENTS = Upsert(
    "manufacturer_assignment",
    (Col("manufacturer_id", "bigint"), Col("user_id", "bigint"), Col("role", "text")),
    ("manufacturer_id", "user_id", "role"),
)


# --- the seed -------------------------------------------------------------------


@dataclass
class SeedResult:
    dealers: int
    users: int
    memberships: int
    headcount: int
    region_assignments: int
    manufacturer_assignments: int
    api_keys: int
    written: Counts
    """Rows added and changed by this run (zero on a repeated run)."""


TABLES_COUNTED = (
    "dealer",
    "staff_user",
    "membership",
    "headcount",
    "region_assignment",
    "manufacturer_assignment",
    "api_key",
)


async def connect_owner(url: str | None = None) -> asyncpg.Connection:
    """An owner connection to ``url`` (default: ``DATABASE_URL`` now)."""
    return await asyncpg.connect(**connection_config(url, as_owner=True))


async def _check_schema(connection: asyncpg.Connection) -> None:
    missing = await connection.fetchval(
        "select array_agg(t) from unnest($1::text[]) t where to_regclass('public.' || t) is null",
        list(TABLES_COUNTED),
    )
    if missing and len(missing) == len(TABLES_COUNTED):
        raise SeedError("the database has no dealernet schema yet: run `dealernet migrate` first")
    if missing:
        raise SeedError(f"the database lacks {', '.join(missing)}: run `dealernet migrate` first")


async def _password_hash(connection: asyncpg.Connection, usernames: list[str]) -> str:
    """The demo password's hash: an existing demo user's if it still fits, else new.

    Reusing it keeps a repeated seed from rewriting every user; a demo user whose
    password was changed gets the demo password back.
    """
    existing = await connection.fetchval(
        "select password_hash from staff_user where lower(username) = any($1::text[])"
        " and password_hash is not null order by id limit 1",
        [u.lower() for u in usernames[:50]],
    )
    if existing and not needs_rehash(existing):
        fits = await asyncio.to_thread(verify_password, existing, DEMO_PASSWORD)
        if fits:
            return str(existing)
    return await asyncio.to_thread(hash_password, DEMO_PASSWORD)


def _batches(items: Sequence[DealerSpec], size: int) -> Iterator[Sequence[DealerSpec]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def _ids(connection: asyncpg.Connection, sql: str, keys: Iterable[str]) -> dict[str, int]:
    rows = await connection.fetch(sql, list(keys))
    return {row["key"]: row["id"] for row in rows}


async def _user_ids(connection: asyncpg.Connection, usernames: Iterable[str]) -> dict[str, int]:
    wanted = {u.lower(): u for u in usernames}
    rows = await connection.fetch(
        "select id, lower(username) as key from staff_user where lower(username) = any($1::text[])",
        list(wanted),
    )
    return {wanted[row["key"]]: row["id"] for row in rows}


async def apply_plan(
    connection: asyncpg.Connection, plan: Plan, progress: Progress | None = None
) -> Counts:
    """Write ``plan`` on ``connection``, inside the caller's transaction."""
    task = None
    if progress is not None:
        task = progress.add_task("network", total=len(plan.dealers) + 4)

    def step(description: str, advance: int = 1) -> None:
        if progress is not None and task is not None:
            progress.update(task, description=description, advance=advance)

    written = Counts()
    await connection.execute("select pg_advisory_xact_lock(hashtext('dealernet.seed'))")
    step("password", 0)
    password_hash = await _password_hash(connection, list(plan.people))
    step("manufacturer and regions")
    m = MANUFACTURER
    written += await MANUFACTURERS.run(connection, [(m.code, m.name, m.name_zh)])
    manufacturer_id: int = await connection.fetchval(
        "select id from manufacturer where code = $1", m.code
    )
    written += await REGIONS.run(
        connection, [(r.code, manufacturer_id, r.name, r.name_zh) for r in plan.regions]
    )
    region_ids = await _ids(
        connection,
        "select id, code as key from region where code = any($1::text[])",
        (r.code for r in plan.regions),
    )
    step("dealers")
    written += await DEALERS.run(
        connection,
        [
            (d.code, region_ids[d.region], d.name, d.name_zh, d.time_zone, d.locale)
            for d in plan.dealers
        ],
    )
    dealer_ids = await _ids(
        connection,
        "select id, code as key from dealer where code = any($1::text[])",
        (d.code for d in plan.dealers),
    )
    # Tenant tables are behind forced RLS; an owner that is not a superuser needs a scope.
    await connection.execute(
        "select set_config('app.dealer_ids', $1, true)",
        "{" + ",".join(str(i) for i in sorted(dealer_ids.values())) + "}",
    )

    for batch in _batches(plan.dealers, BATCH):
        step(f"staff {batch[0].code}..{batch[-1].code}", 0)
        posts = [p for d in batch for p in plan.posts[d.code]]
        usernames = list(dict.fromkeys(p.username for p in posts))
        written += await STAFF.run(
            connection,
            [
                (u, plan.people[u].display_name, password_hash, plan.people[u].locale, True)
                for u in usernames
            ],
        )
        user_ids = await _user_ids(connection, usernames)
        written += await MEMBERSHIPS.run(
            connection,
            [
                (dealer_ids[p.dealer], user_ids[p.username], ",".join(p.roles), p.title, True)
                for p in posts
            ],
        )
        written += await HEADCOUNT.run(
            connection,
            [
                (dealer_ids[d.code], role, planned)
                for d in batch
                for role, planned in plan.headcount[d.code]
            ],
        )
        step(f"staff {batch[0].code}..{batch[-1].code}", len(batch))

    step("regional and manufacturer staff")
    network_people = list(
        dict.fromkeys(
            [u for _, u, _ in plan.region_assignments]
            + [u for u, _ in plan.manufacturer_assignments]
        )
    )
    written += await STAFF.run(
        connection,
        [
            (u, plan.people[u].display_name, password_hash, plan.people[u].locale, True)
            for u in network_people
        ],
    )
    user_ids = await _user_ids(connection, network_people)
    written += await REGION_ASSIGNMENTS.run(
        connection,
        [(region_ids[r], user_ids[u], role) for r, u, role in plan.region_assignments],
    )
    written += await MANUFACTURER_ASSIGNMENTS.run(
        connection,
        [(manufacturer_id, user_ids[u], role) for u, role in plan.manufacturer_assignments],
    )

    step("partner API key")
    key_dealer = dealer_ids[DEMO_API_KEY_DEALER]
    created_by = (await _user_ids(connection, [f"gm.{DEMO_API_KEY_DEALER.lower()}"])).get(
        f"gm.{DEMO_API_KEY_DEALER.lower()}"
    )
    status = await connection.execute(
        "insert into api_key (dealer_id, name, prefix, secret_hash, role, created_by)"
        " select $1, $2, $3::text, $4, $5, $6"
        " where not exists (select 1 from api_key where prefix = $3::text)",
        key_dealer,
        "DMS integration (demo)",
        DEMO_API_KEY_PREFIX,
        digest(DEMO_API_KEY_SECRET),
        PARTNER_ROLE,
        created_by,
    )
    written.added += int(status.split()[-1])
    step("done", 0)
    return written


async def _counts(connection: asyncpg.Connection) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in TABLES_COUNTED:
        counts[table] = await connection.fetchval(f"select count(*) from {table}")
    return counts


async def seed(
    dealers: int | None = None,
    *,
    url: str | None = None,
    console: Console | None = None,
    show_progress: bool = True,
) -> SeedResult:
    """Build the demo network (``dealers``: grow it to that many dealers) idempotently."""
    if dealers is not None and dealers < 1:
        raise SeedError("--dealers must be at least 1")
    plan = build_plan(dealers)
    connection = await connect_owner(url)
    try:
        await _check_schema(connection)
        progress = Progress(
            TextColumn("[bold]seed[/bold] {task.description:<28}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console or Console(stderr=True),
            disable=not show_progress,
        )
        with progress:
            async with connection.transaction():
                written = await apply_plan(connection, plan, progress)
                counts = await _counts(connection)
    finally:
        await connection.close()
    return SeedResult(
        dealers=counts["dealer"],
        users=counts["staff_user"],
        memberships=counts["membership"],
        headcount=counts["headcount"],
        region_assignments=counts["region_assignment"],
        manufacturer_assignments=counts["manufacturer_assignment"],
        api_keys=counts["api_key"],
        written=written,
    )


# --- the demo users ----------------------------------------------------------------


async def demo_users(url: str | None = None) -> list[dict[str, Any]]:
    """Users of the demo network (demo dealers, regions, manufacturer) and their roles.

    ``password`` is the demo password while it still opens the account, else None.
    """
    connection = await connect_owner(url)
    try:
        await _check_schema(connection)
        async with connection.transaction(readonly=True):
            await connection.execute(
                "select set_config('app.dealer_ids',"
                " coalesce((select array_agg(id)::text from dealer), '{}'), true)"
            )
            rows = await connection.fetch(
                """
                with grants as (
                  select m.user_id, 'dealer' as kind, d.code, d.name, d.name_zh, m.roles,
                         d.id as sort
                    from membership m join dealer d on d.id = m.dealer_id
                   where d.code = any($1::text[]) and m.active
                  union all
                  select a.user_id, 'region', r.code, r.name, r.name_zh, array_agg(a.role),
                         min(r.id)
                    from region_assignment a join region r on r.id = a.region_id
                   where r.code = any($2::text[])
                   group by a.user_id, r.code, r.name, r.name_zh
                  union all
                  select a.user_id, 'manufacturer', m.code, m.name, m.name_zh, array_agg(a.role),
                         min(m.id)
                    from manufacturer_assignment a join manufacturer m on m.id = a.manufacturer_id
                   where m.code = $3
                   group by a.user_id, m.code, m.name, m.name_zh
                )
                select u.id, u.username, u.display_name, u.locale, u.password_hash, u.active,
                       g.kind, g.code, g.name, g.name_zh, g.roles
                  from grants g join staff_user u on u.id = g.user_id
                 order by u.id, g.kind, g.sort
                """,
                [d.code for d in DEMO_DEALERS],
                [r.code for r in DEMO_REGIONS],
                MANUFACTURER.code,
            )
    finally:
        await connection.close()

    fits: dict[str, bool] = {}
    users: dict[int, dict[str, Any]] = {}
    for row in rows:
        user = users.get(row["id"])
        if user is None:
            stored = row["password_hash"]
            if stored not in fits:
                fits[stored] = stored is not None and verify_password(stored, DEMO_PASSWORD)
            user = users[row["id"]] = {
                "username": row["username"],
                "displayName": row["display_name"],
                "password": DEMO_PASSWORD if fits[stored] and row["active"] else None,
                "locale": row["locale"],
                "dealers": [],
                "regions": [],
                "manufacturers": [],
            }
        user[f"{row['kind']}s"].append(
            {
                "code": row["code"],
                "name": row["name"],
                "nameZh": row["name_zh"],
                "roles": list(row["roles"]),
            }
        )
    return list(users.values())


async def demo_api_key(url: str | None = None) -> str | None:
    """The demo partner key when it exists, is live and still has the demo secret."""
    connection = await connect_owner(url)
    try:
        row = await connection.fetchrow(
            "select secret_hash, revoked_at from dealernet_api_key_by_prefix($1)",
            DEMO_API_KEY_PREFIX,
        )
    finally:
        await connection.close()
    if row is None or row["revoked_at"] is not None:
        return None
    return DEMO_API_KEY if bytes(row["secret_hash"]) == digest(DEMO_API_KEY_SECRET) else None
