"""Where webhooks may be posted: in production, no URL naming a non-public address is
accepted when saved (the worker checks resolved addresses again before each post:
tests/workers/test_partner_webhooks.py)."""

from __future__ import annotations

import pytest

from tenants.partners.webhook_addresses import literal_refusal


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("https://partner.example/hooks", False),
        ("https://203.0.113.9/hooks", True),  # documentation range: not global
        ("https://8.8.8.8/hooks", False),
        ("http://127.0.0.1:8080/", True),
        ("http://10.1.2.3/", True),
        ("http://169.254.169.254/latest/meta-data", True),
        ("http://[::1]/", True),
        ("http://localhost:9000/", True),
        ("http://[::ffff:169.254.169.254]/", True),  # IPv4-mapped
        ("http://[2002:7f00:1::]/", True),  # 6to4 of 127.0.0.1
        ("http://[64:ff9b::a00:1]/", True),  # NAT64 of 10.0.0.1
        ("http://[64:ff9b::808:808]/", False),  # NAT64 of 8.8.8.8
    ],
)
def test_production_refuses_urls_naming_non_public_addresses(
    url: str, refused: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEALERNET_ENV", "production")
    monkeypatch.delenv("DEALERNET_WEBHOOKS_ALLOW_PRIVATE", raising=False)
    assert bool(literal_refusal(url)) is refused
    monkeypatch.setenv("DEALERNET_WEBHOOKS_ALLOW_PRIVATE", "1")
    assert literal_refusal(url) == ""
