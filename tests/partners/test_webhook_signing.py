"""Webhook signatures follow the Standard Webhooks specification: the specification's
own test vector, and our headers accepted by the ``standardwebhooks`` package (an
implementation sharing no code with ours), also with two secrets during a rotation."""

from __future__ import annotations

import base64
import time

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from tenants.partners.webhook_signing import new_secret, sign, signed_headers


def test_the_specifications_test_vector() -> None:
    assert (
        sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            b'{"test": 2432232314}',
        )
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_secrets_are_whsec_with_32_random_bytes() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert new_secret() != secret


def test_an_independent_implementation_accepts_our_headers() -> None:
    secret, body = new_secret(), '{"type":"appointment.booked","data":{"n":"预约"}}'.encode()
    headers = signed_headers([secret], "3f1c2d4e-0000-4000-8000-000000000001", body)
    assert Webhook(secret).verify(body, headers) == {
        "type": "appointment.booked",
        "data": {"n": "预约"},
    }
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, headers)
    stale = signed_headers([secret], "id-1", body, timestamp=int(time.time()) - 3600)
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(body, stale)


def test_during_a_rotation_either_secret_verifies() -> None:
    new, old, body = new_secret(), new_secret(), b'{"ok":true}'
    headers = signed_headers([new, old], "id-2", body)
    assert headers["webhook-signature"].count("v1,") == 2
    assert Webhook(new).verify(body, headers) == {"ok": True}
    assert Webhook(old).verify(body, headers) == {"ok": True}
