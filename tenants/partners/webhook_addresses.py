"""Where webhooks may be posted: public addresses only in production.

A partner's key with ``webhooks:manage`` chooses the URL and reads the start of each
answer in the delivery log; posting to the worker's own network (loopback, private
ranges, link-local cloud metadata) would let it probe and read internal services.
So the host is resolved before each attempt and every address it resolves to must be
global. Development and test (``DEALERNET_ENV``) allow private addresses, as does
``DEALERNET_WEBHOOKS_ALLOW_PRIVATE=1`` (an on-premises installation whose partners
sit on the same network).
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
from urllib.parse import urlsplit


def private_allowed() -> bool:
    if os.environ.get("DEALERNET_WEBHOOKS_ALLOW_PRIVATE") == "1":
        return True
    return os.environ.get("DEALERNET_ENV", "development") in {"development", "test"}


def _public(address: str) -> bool:
    return ipaddress.ip_address(address.split("%", 1)[0]).is_global


def literal_refusal(url: str) -> str:
    """Why a URL naming a non-public IP literally is refused (empty: not refused); a
    check without DNS, for the transaction that saves the subscription."""
    host = urlsplit(url).hostname or ""
    if private_allowed():
        return ""
    try:
        public = _public(host)
    except ValueError:  # a name, not an address: checked when resolved
        return "" if host != "localhost" else "The URL must not point at this server"
    return "" if public else "The URL must point at a public address"


class Unresolvable(Exception):
    """The host name does not resolve now (maybe later: retried)."""


async def resolved_refusal(url: str) -> str:
    """Why posting to ``url`` is refused now (empty: allowed). Raises ``Unresolvable``."""
    if private_allowed():
        return ""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise Unresolvable(f"{host}: {exc}") from exc
    private = sorted({str(info[4][0]) for info in infos if not _public(str(info[4][0]))})
    if private:
        return f"{host} resolves to a non-public address ({', '.join(private)}); not posted"
    return ""
