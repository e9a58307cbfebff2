"""Where webhooks may be posted: public addresses only in production.

A partner's key with ``webhooks:manage`` chooses the URL and reads the start of each
answer in the delivery log; posting to the worker's own network (loopback, private
ranges, link-local cloud metadata) would let it probe and read internal services.
So the host is resolved before each attempt and every address it resolves to must be
global; the connection itself goes only to an address checked as it is opened
(``PublicOnlyBackend``: a name that rebinds between the two resolutions gains
nothing), and the address that answered is checked once more (``peer_refusal``).
Development and test (``DEALERNET_ENV``) allow private addresses, as does
``DEALERNET_WEBHOOKS_ALLOW_PRIVATE=1`` (an on-premises installation whose partners
sit on the same network).
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx


def private_allowed() -> bool:
    if os.environ.get("DEALERNET_WEBHOOKS_ALLOW_PRIVATE") == "1":
        return True
    return os.environ.get("DEALERNET_ENV", "development") in {"development", "test"}


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv4 address carried inside an IPv6 one (6to4, NAT64) reaches that IPv4
        # host; Python calls 2002:7f00:1:: and 64:ff9b::a00:1 global.
        if ip.sixtofour is not None and not ip.sixtofour.is_global:
            return False
        if ip in _NAT64 and not ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF).is_global:
            return False
    return ip.is_global


def peer_refusal(address: str) -> str:
    """Why the address a post actually connected to is refused (empty: allowed). The
    name was checked before the post, but it is resolved again when connecting, and a
    name whose answers change (DNS rebinding) could pass the check and then connect
    inward; the receiver's answer is then neither kept nor shown."""
    if private_allowed() or not address:
        return ""
    try:
        public = _public(address)
    except ValueError:
        return f"Connected to an unrecognised address ({address}); answer discarded"
    return "" if public else f"Connected to a non-public address ({address}); answer discarded"


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


class NonPublicAddress(Exception):
    """Raised instead of connecting: the host resolved to a non-public address."""


class PublicOnlyBackend(httpcore.AsyncNetworkBackend):
    """Resolves the host itself when connecting, refuses unless every address is public,
    and connects to an address it checked, so no second resolution can differ from the
    one judged (DNS rebinding): a refused post never leaves the worker, and connection
    errors cannot be used to scan the internal network. TLS still verifies the
    certificate against the host name (httpcore passes it as the server name)."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if private_allowed():
            return await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except OSError as exc:
            raise httpcore.ConnectError(f"{host}: {exc}") from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        private = [a for a in addresses if not _public(a)]
        if private or not addresses:
            raise NonPublicAddress(
                f"{host} resolves to a non-public address ({', '.join(private)}); not posted"
            )
        error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise NonPublicAddress("Webhooks are not posted to local sockets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def public_only_client() -> httpx.AsyncClient:
    """An HTTP client that connects to public addresses only (in production; anywhere
    when ``private_allowed``), straight to the receiver: never through a proxy named in
    the environment, since the checks judge the connection this process opens."""
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    # httpx offers no parameter for the network backend: its pool is replaced by the
    # same pool with ours (tests/partners/test_webhook_post.py proves it is used).
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=100,
        max_keepalive_connections=20,
        keepalive_expiry=5.0,
        network_backend=PublicOnlyBackend(),
    )
    return httpx.AsyncClient(transport=transport, trust_env=False)
