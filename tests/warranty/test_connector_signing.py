"""The HMAC scheme both ways: what is signed (timestamp, a dot, the raw body), which
headers carry it, and each way a signature is refused."""

from __future__ import annotations

import hashlib
import hmac

from tenants.warranty.connectors.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SignatureProblem,
    signed_headers,
    verify,
)

BODY = b'{"idempotencyKey":"dealernet:1:claim:7:submit:1"}'
NOW = 1_790_000_000


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    headers = signed_headers("s3cret", BODY, now=NOW)
    expected = hmac.new(b"s3cret", f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert headers == {TIMESTAMP_HEADER: str(NOW), SIGNATURE_HEADER: f"sha256={expected}"}
    assert verify("s3cret", headers, BODY, now=NOW + 299) is None


def test_every_refusal_names_its_reason() -> None:
    headers = signed_headers("s3cret", BODY, now=NOW)
    assert verify("other", headers, BODY, now=NOW) is SignatureProblem.MISMATCH
    assert verify("s3cret", headers, BODY + b" ", now=NOW) is SignatureProblem.MISMATCH
    moved = {**headers, TIMESTAMP_HEADER: str(NOW + 1)}
    assert verify("s3cret", moved, BODY, now=NOW) is SignatureProblem.MISMATCH
    assert verify("s3cret", headers, BODY, now=NOW + 301) is SignatureProblem.STALE
    assert verify("s3cret", headers, BODY, now=NOW - 301) is SignatureProblem.STALE
    assert verify("s3cret", {}, BODY, now=NOW) is SignatureProblem.MISSING
    assert verify("", headers, BODY, now=NOW) is SignatureProblem.MISSING
    odd = {**headers, TIMESTAMP_HEADER: "yesterday"}
    assert verify("s3cret", odd, BODY, now=NOW) is SignatureProblem.MALFORMED_TIMESTAMP
