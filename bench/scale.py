"""Tenant scale and authorization, on ``<db>_bench4``.

1. **Tenant scale**: the stock list of dealer 1 (the frontend's ``StockItems``, first page)
   through the whole stack and through the hand-written endpoint, in a network of one dealer,
   then again after 999 more dealers of exactly the same size were added (staff in every
   role, the same stock); the ratio of latencies is what the other tenants cost one.
2. **Authorization**: ``policies.store.PolicyStore`` loaded with the 1,000 dealers x every
   dealer role (plus a regional manager and a warranty technician at every dealer):
   load time, then policy decisions per second, first asked (casbin's matcher) and asked
   again (the snapshot's decision cache), on random (person, dealer, permission) questions,
   a tenth of them at a dealer where the person holds no role.
3. **Share of request time in authorization**: ``bench.scale_profile`` in a subprocess
   (the application in-process on this database under cProfile).
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import random
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx

from bench import scale_data, stock_list
from bench.database import ROOT, bench_url, migrate, recreate
from bench.load import LoadResult, run_load
from bench.servers import graphql_server_args, handwritten_server_args, serve
from policies.adapter import GrantRow, OverrideRow, PolicyRows, dealer_domain
from policies.catalog import PERMISSIONS
from policies.store import PolicyStore, Subject


def scale_url() -> str:
    return bench_url() + "4"


@dataclass(frozen=True)
class Phase:
    dealers: int
    graphql: LoadResult
    handwritten: LoadResult
    arranged_seconds: float


@dataclass(frozen=True)
class Decisions:
    grants: int
    load_seconds: float
    questions: int
    first_per_second: float
    """Each dealer's role links are built on its first question after a load."""
    matcher_per_second: dict[str, float]
    """Links built, no decision cache: casbin's evaluation of model.conf vs ``_decide``."""
    cached_per_second: float
    allowed_share: float
    dealer_list_us: dict[str, float]
    """Regional manager's dealer list per call: every grant built vs the ids only."""


@dataclass(frozen=True)
class ScaleBench:
    items: int
    phases: list[Phase]
    decisions: Decisions
    profile: dict[str, Any]
    same: bool

    @property
    def consistent(self) -> bool:
        return self.same


async def _owner_fetch(owner: asyncpg.Connection) -> PolicyRows:
    """What ``fetch_policy_rows`` reads, through the same definer functions."""
    overrides = await owner.fetch("select * from dealernet_active_policy_overrides()")
    grants = await owner.fetch(
        "select user_id, dealer_id, role, source, source_id from dealernet_grants()"
    )
    return PolicyRows(
        tuple(OverrideRow.from_record(r) for r in overrides),
        tuple(GrantRow.from_record(r) for r in grants),
    )


async def _measure(
    url: str, dealer_id: int, *, requests: int, concurrency: int
) -> tuple[LoadResult, LoadResult, bool]:
    env = {"DATABASE_URL": url, "DEALERNET_ENV": "production", "BENCH_DEALER_ID": str(dealer_id)}
    async with (
        serve(graphql_server_args(), env, "/health") as graphql_url,
        serve(handwritten_server_args(), env, "/") as hand_url,
    ):
        async with httpx.AsyncClient(timeout=30) as http:
            signed = await http.post(
                graphql_url + "/graphql",
                json={
                    "query": "mutation($u: String!, $p: String!) { signIn(input: "
                    "{username: $u, password: $p, mode: TOKEN}) { token } }",
                    "variables": {
                        "u": scale_data.username("parts_manager"),
                        "p": scale_data.PASSWORD,
                    },
                },
            )
            token = signed.json()["data"]["signIn"]["token"]
            headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
            payload = stock_list.payload()

            async def graphql(client: httpx.AsyncClient) -> httpx.Response:
                return await client.post(graphql_url + "/graphql", content=payload, headers=headers)

            async def hand(client: httpx.AsyncClient) -> httpx.Response:
                return await client.post(hand_url + "/stock")

            ours = (await graphql(http)).json()
            theirs = (await hand(http)).json()
        assert not ours.get("errors"), ours
        same = stock_list.comparable(ours) == stock_list.comparable(theirs)
        warmup = max(requests // 10, 10)
        return (
            await run_load("GraphQL stack", graphql, requests=requests,
                           concurrency=concurrency, warmup=warmup),
            await run_load("hand-written asyncpg", hand, requests=requests,
                           concurrency=concurrency, warmup=warmup),
            same,
        )  # fmt: skip


async def _decisions(owner: asyncpg.Connection, questions: int) -> Decisions:
    async def fetch() -> PolicyRows:
        return await _owner_fetch(owner)

    began = time.perf_counter()
    store = await PolicyStore.load(fetch)
    load_seconds = time.perf_counter() - began
    grants = store._snapshot.rows.grants
    dealers = sorted({g.dealer_id for g in grants})
    permissions = list(PERMISSIONS)
    rnd = random.Random(9)
    asked: list[tuple[Subject, int, str, str]] = []
    for grant in rnd.choices(grants, k=questions):
        dealer = grant.dealer_id if rnd.random() >= 0.1 else rnd.choice(dealers)
        asked.append((Subject.user(grant.user_id), dealer, *rnd.choice(permissions)))
    allowed = store.allowed
    began = time.perf_counter()
    granted = sum(allowed(*q) for q in asked)
    first = time.perf_counter() - began
    began = time.perf_counter()
    for q in asked:
        allowed(*q)
    cached = time.perf_counter() - began
    enforcer = store.enforcer
    names = [(s.name, dealer_domain(d), o, a) for s, d, o, a in asked[: questions // 5]]
    spent = {"casbin (model.conf as text, simpleeval)": 0.0, "compiled (`_decide`)": 0.0}
    for _ in range(2):  # alternating, so both see the same machine load
        methods: tuple[Callable[..., bool], ...] = (enforcer.enforce_by_casbin, enforcer.enforce)
        for name, enforce in zip(spent, methods, strict=True):
            began = time.perf_counter()
            for n in names:
                enforce(*n)
            spent[name] += time.perf_counter() - began
    regional = await owner.fetchval(
        "select id from staff_user where username = 'scale.regional_manager'"
    )
    dealer_list: dict[str, float] = {}
    for name, call in (
        ("every grant (dealers_of)", lambda: frozenset(store.dealers_of(regional))),
        ("ids only (dealer_ids_of)", lambda: store.dealer_ids_of(regional)),
    ):
        rounds = 200
        began = time.perf_counter()
        for _ in range(rounds):
            call()
        dealer_list[name] = (time.perf_counter() - began) / rounds * 1e6
    return Decisions(
        grants=len(grants),
        load_seconds=load_seconds,
        questions=questions,
        first_per_second=questions / first,
        matcher_per_second={name: 2 * len(names) / sec for name, sec in spent.items()},
        cached_per_second=questions / cached,
        allowed_share=granted / questions,
        dealer_list_us=dealer_list,
    )


def _profile(url: str, requests: int) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "bench.scale_profile", str(requests)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "DEALERNET_ENV": "production"},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"profile failed:\n{result.stdout}\n{result.stderr}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


async def run(
    *,
    dealers: int = 1000,
    items: int = 200,
    requests: int = 200,
    concurrency: int = 4,
    questions: int = 200_000,
) -> ScaleBench:
    url = scale_url()
    await recreate(url)
    migrate(url)
    owner = await asyncpg.connect(url)
    phases: list[Phase] = []
    same = True
    try:
        began = time.perf_counter()
        network = await scale_data.start(owner, items)
        arranged = time.perf_counter() - began
        dealer_id = network.dealer_ids[0]
        graphql, hand, ok = await _measure(
            url, dealer_id, requests=requests, concurrency=concurrency
        )
        same &= ok
        phases.append(Phase(1, graphql, hand, arranged))
        began = time.perf_counter()
        await scale_data.grow(owner, network, dealers, items)
        arranged = time.perf_counter() - began
        graphql, hand, ok = await _measure(
            url, dealer_id, requests=requests, concurrency=concurrency
        )
        same &= ok
        phases.append(Phase(len(network.dealer_ids), graphql, hand, arranged))
        decisions = await _decisions(owner, questions)
    finally:
        await owner.close()
    profile = _profile(url, requests)
    return ScaleBench(items, phases, decisions, profile, same)


def report(result: ScaleBench) -> str:
    one, many = result.phases
    d = result.decisions
    p = result.profile
    lines = [
        f"Tenant scale: the stock list of one dealer (first page of 50 of {result.items} stocked"
        f" parts, as its parts manager) in a network of 1 dealer, then of {many.dealers:,}"
        f" dealers of the same size (every dealer role staffed, the same stock:"
        f" {many.dealers * result.items:,} stock items); {one.graphql.requests} requests at"
        f" concurrency {one.graphql.concurrency} after a warm-up"
        f" ({datetime.now(UTC):%Y-%m-%d}, {platform.python_implementation()}"
        f" {platform.python_version()}, {platform.machine()}).",
        "",
        "| dealers | endpoint | requests/s | p50 ms | p99 ms |",
        "| ---: | --- | ---: | ---: | ---: |",
    ]
    for phase in result.phases:
        for load in (phase.graphql, phase.handwritten):
            lines.append(
                f"| {phase.dealers:,} | {load.name} | {load.throughput:.0f} | {load.p50:.1f} |"
                f" {load.p99:.1f} |"
            )
    lines += [
        "",
        f"**Latency ratio, {many.dealers:,} dealers to 1: GraphQL p50"
        f" {many.graphql.p50 / one.graphql.p50:.2f}x"
        f" (p99 {many.graphql.p99 / one.graphql.p99:.2f}x),"
        f" hand-written p50 {many.handwritten.p50 / one.handwritten.p50:.2f}x.** The"
        f" {many.dealers - 1:,} added dealers were generated in {many.arranged_seconds:.0f} s."
        f" Same page from both endpoints: {'yes' if result.same else 'NO'}.",
        "",
        f"Authorization: `PolicyStore` over the {many.dealers:,} dealers, {d.grants:,} role grants"
        f" (every dealer role at every dealer, a regional manager and a warranty technician at"
        f" every dealer), loaded in {d.load_seconds:.2f} s.",
        "",
        "| policy decisions | per second |",
        "| --- | ---: |",
        f"| first asked after a load, {d.questions:,} random questions (builds each"
        f" dealer's role links on its first question) | {d.first_per_second:,.0f} |",
        *(
            f"| asked again without the decision cache: {name} | {rate:,.0f} |"
            for name, rate in d.matcher_per_second.items()
        ),
        f"| asked again (snapshot's decision cache) | {d.cached_per_second:,.0f} |",
        "",
        f"{d.allowed_share:.0%} of the questions were allowed (a tenth asked at a dealer where"
        " the person holds no role). The regional manager's dealer list, needed by every request: "
        + "; ".join(f"{name} {us:,.1f} µs" for name, us in d.dealer_list_us.items())
        + ".",
        "",
        "Share of GraphQL request time in authorization (cProfile, in-process, the stock list"
        f" of dealer 1, {p['requests']} requests each):",
        "",
        "| principal | ms per request | authentication | policy decisions | dealer list |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, row in p["principals"].items():
        lines.append(
            f"| {name} | {row['ms_per_request']:.1f} | {row['authentication']:.1%} |"
            f" {row['decisions']:.1%} | {row['dealer_list']:.1%} |"
        )
    before_after = p["before_after"]
    lines += [
        "",
        "Regional manager, before and after `dealer_ids_of` (alternating rounds, no profiler):"
        f" {before_after['before']:.1f} ms per request before, {before_after['after']:.1f} ms"
        " after.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(asyncio.run(run(dealers=int(sys.argv[1]) if len(sys.argv) > 1 else 1000))))
