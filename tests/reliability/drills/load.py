"""A bounded, mixed read/write load against a served app, judging every answer.

Clients loop until told to stop, each with a short pause: reads (the signed-in user's
complaint list, a partner key's query, which spends its Redis cost budget), writes
(``openComplaint`` with a unique summary, so the owner can find each one) and sign-ins
(Redis throttle, a session row). Every answer must be a success or a clean refusal:
503 with ``Retry-After``, or a GraphQL error coded SERVICE_UNAVAILABLE with
``retryAfterSeconds``. Anything else (a 500, another code, a trace, a dropped
connection) is kept as a violation."""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

COMPLAINTS = """
query DrillComplaints { complaints(first: 5) { edges { node { id number summary } } } }
"""
OPEN_COMPLAINT = """
mutation DrillOpenComplaint($input: OpenComplaintInput!) {
  openComplaint(input: $input) { id number }
}
"""
PARTNER_READ = "query DrillPartner { viewer { displayName } }"
SIGN_IN = """
mutation DrillSignIn($u: String!, $p: String!) {
  signIn(input: {username: $u, password: $p, mode: TOKEN}) { token }
}
"""
UNAVAILABLE = "SERVICE_UNAVAILABLE"


@dataclass
class Tally:
    requests: int = 0
    ok: int = 0
    refused_503: int = 0
    refused_in_graphql: int = 0
    violations: list[str] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)
    """Summaries of complaints whose opening was answered with data."""
    refused_writes: list[str] = field(default_factory=list)
    last_ok: float = 0.0
    last_refused: float = 0.0

    @property
    def refused(self) -> int:
        return self.refused_503 + self.refused_in_graphql


@dataclass(frozen=True)
class Caller:
    base_url: str
    token: str
    partner_key: str
    username: str
    password: str
    customer_id: str
    """Global ID of a customer of the user's dealer."""
    marker: str
    sign_in_turn: asyncio.Lock = field(default_factory=asyncio.Lock)
    """Sign-ins of the shared user go one at a time (see ``run_client``)."""


def judge(response: httpx.Response) -> tuple[str, dict[str, Any] | None]:
    """``ok``, ``refused`` or a violation's description, with the parsed body."""
    text = response.text
    if "Traceback" in text or 'File "' in text:
        return f"trace in a {response.status_code} answer: {text[:200]}", None
    try:
        body: dict[str, Any] = response.json()
    except ValueError:
        return f"{response.status_code} answer is not JSON: {text[:200]}", None
    codes = [(e.get("extensions") or {}) for e in body.get("errors") or []]
    if response.status_code == 503:
        clean = (
            response.headers.get("retry-after")
            and codes
            and all(c.get("code") == UNAVAILABLE for c in codes)
        )
        return ("refused" if clean else f"unclean 503: {text[:200]}"), body
    if response.status_code != 200:
        return f"status {response.status_code}: {text[:200]}", body
    if not codes:
        return "ok", body
    if all(c.get("code") == UNAVAILABLE and c.get("retryAfterSeconds") for c in codes):
        return "refused", body
    return f"error codes {[c.get('code') for c in codes]}: {text[:300]}", body


async def run_client(
    caller: Caller, tally: Tally, stop: asyncio.Event, counter: itertools.count[int]
) -> None:
    headers = {"Authorization": f"Bearer {caller.token}"}
    partner = {"Authorization": f"Bearer {caller.partner_key}"}
    async with httpx.AsyncClient(base_url=caller.base_url, timeout=15) as http:
        while not stop.is_set():
            n = next(counter)
            summary = ""
            if n % 3 == 0:
                summary = f"{caller.marker}-{n}"
                payload: dict[str, Any] = {
                    "query": OPEN_COMPLAINT,
                    "variables": {
                        "input": {
                            "customerId": caller.customer_id,
                            "channel": "PHONE",
                            "level": "GENERAL",
                            "summary": summary,
                        }
                    },
                }
                use = headers
            elif n % 20 == 1:
                payload = {
                    "query": SIGN_IN,
                    "variables": {"u": caller.username, "p": caller.password},
                }
                use = {}
            elif n % 5 == 2:
                payload, use = {"query": PARTNER_READ}, partner
            else:
                payload, use = {"query": COMPLAINTS}, headers
            tally.requests += 1
            try:
                if payload["query"] is SIGN_IN:
                    # One user's sign-ins verify one at a time (the throttle's single
                    # flight): the clients share the user, so they take turns as a
                    # person on two devices would.
                    async with caller.sign_in_turn:
                        response = await http.post("/graphql", json=payload, headers=use)
                else:
                    response = await http.post("/graphql", json=payload, headers=use)
            except httpx.HTTPError as exc:
                tally.violations.append(f"transport: {type(exc).__name__}: {exc}")
                await asyncio.sleep(0.05)
                continue
            verdict, body = judge(response)
            now = time.monotonic()
            if verdict == "ok":
                tally.ok += 1
                tally.last_ok = now
                if summary:
                    assert body is not None and body["data"]["openComplaint"]["id"]
                    tally.acknowledged.append(summary)
            elif verdict == "refused":
                tally.last_refused = now
                if response.status_code == 503:
                    tally.refused_503 += 1
                else:
                    tally.refused_in_graphql += 1
                if summary:
                    tally.refused_writes.append(summary)
            else:
                tally.violations.append(verdict)
            await asyncio.sleep(0.01)
