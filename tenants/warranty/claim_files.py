"""Photos and documents of a claim (fault photos, the odometer, a diagnosis print-out),
kept in the database with their SHA-256 so the manufacturer can match what it receives.

Limits: at most 10 MB each and 20 per claim; JPEG, PNG, WebP, PDF or MP4, and the
content must really be what its type says (its first bytes are checked), so a renamed
executable is refused. Files change only while the claim is editable."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.errors import RecordNotFound, RuleViolation
from tenants.warranty.claim_status import EDITABLE

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 20


def _is_mp4(head: bytes) -> bool:
    return head[4:8] == b"ftyp"


def _is_webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/pdf": (b"%PDF-",),
}
ALLOWED_TYPES: tuple[str, ...] = (*SIGNATURES, "image/webp", "video/mp4")


def content_matches(content_type: str, content: bytes) -> bool:
    head = content[:16]
    if content_type == "image/webp":
        return _is_webp(head)
    if content_type == "video/mp4":
        return _is_mp4(head)
    return any(head.startswith(s) for s in SIGNATURES.get(content_type, ()))


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")


def clean_name(file_name: str) -> str:
    """The last path component, without control characters, at most 200 characters."""
    name = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("", name).strip()
    return name[:200]


@dataclass(frozen=True)
class StoredFile:
    id: int
    claim_id: int
    file_name: str
    content_type: str
    size_bytes: int
    sha256: str


async def _editable_claim(connection: asyncpg.Connection, dealer_id: int, claim_id: int) -> None:
    status = await connection.fetchval(
        "select status from warranty_claim where dealer_id = $1 and id = $2 for update",
        dealer_id,
        claim_id,
    )
    if status is None:
        raise RecordNotFound("Warranty claim")
    if status not in EDITABLE:
        raise RuleViolation(
            "claim",
            "claim_not_editable",
            f"A {status} claim cannot be changed; only drafts and claims returned for"
            " correction can",
            status=status,
        )


async def add_file(
    tx: ActiveTransaction,
    dealer_id: int,
    claim_id: int,
    *,
    file_name: str,
    content_type: str,
    content: bytes,
    request_id: str = "",
) -> StoredFile:
    name = clean_name(file_name)
    kind = content_type.split(";", 1)[0].strip().lower()
    if not name:
        raise RuleViolation("fileName", "required", "The file needs a name")
    if not content:
        raise RuleViolation("file", "empty_file", "The file is empty")
    if len(content) > MAX_BYTES:
        raise RuleViolation(
            "file", "file_too_large", "A file may have at most 10 MB", maxBytes=MAX_BYTES
        )
    if kind not in ALLOWED_TYPES:
        raise RuleViolation(
            "contentType",
            "file_type",
            "Photos (JPEG, PNG, WebP), PDF or MP4 only",
            allowed=list(ALLOWED_TYPES),
        )
    if not content_matches(kind, content):
        raise RuleViolation("file", "file_content", f"The content is not {kind}", contentType=kind)
    connection = tx.connection
    await _editable_claim(connection, dealer_id, claim_id)
    count = await connection.fetchval(
        "select count(*) from warranty_claim_file where dealer_id = $1 and claim_id = $2",
        dealer_id,
        claim_id,
    )
    if count >= MAX_FILES:
        raise RuleViolation(
            "file", "too_many_files", f"At most {MAX_FILES} files per claim", maxFiles=MAX_FILES
        )
    digest = hashlib.sha256(content).hexdigest()
    file_id: int | None = await connection.fetchval(
        """
        insert into warranty_claim_file (dealer_id, claim_id, file_name, content_type,
               size_bytes, sha256, content, uploaded_by)
        values ($1, $2, $3, $4, $5, $6, $7, $8)
        on conflict (dealer_id, claim_id, sha256) do nothing
        returning id
        """,
        dealer_id,
        claim_id,
        name,
        kind,
        len(content),
        digest,
        content,
        tx.scope.user_id,
    )
    if file_id is None:
        raise RuleViolation(
            "file", "duplicate_file", "This file is already on the claim", sha256=digest
        )
    await record(
        dealer_id=dealer_id,
        action="warranty_claim.add_file",
        object_type="warranty_claim",
        object_id=claim_id,
        after={"file_id": file_id, "file_name": name, "size_bytes": len(content), "sha256": digest},
        request_id=request_id,
    )
    return StoredFile(file_id, claim_id, name, kind, len(content), digest)


async def remove_file(
    tx: ActiveTransaction, dealer_id: int, file_id: int, *, request_id: str = ""
) -> int:
    """Returns the claim's id."""
    connection = tx.connection
    row = await connection.fetchrow(
        "select claim_id, file_name, sha256 from warranty_claim_file"
        " where dealer_id = $1 and id = $2",
        dealer_id,
        file_id,
    )
    if row is None:
        raise RecordNotFound("Claim file")
    await _editable_claim(connection, dealer_id, row["claim_id"])
    await connection.execute(
        "delete from warranty_claim_file where dealer_id = $1 and id = $2", dealer_id, file_id
    )
    await record(
        dealer_id=dealer_id,
        action="warranty_claim.remove_file",
        object_type="warranty_claim",
        object_id=row["claim_id"],
        before={"file_id": file_id, "file_name": row["file_name"], "sha256": row["sha256"]},
        request_id=request_id,
    )
    claim_id: int = row["claim_id"]
    return claim_id


async def file_content(
    connection: asyncpg.Connection, dealer_id: int, file_id: int
) -> asyncpg.Record:
    row: asyncpg.Record | None = await connection.fetchrow(
        "select id, claim_id, file_name, content_type, sha256, content from warranty_claim_file"
        " where dealer_id = $1 and id = $2",
        dealer_id,
        file_id,
    )
    if row is None:
        raise RecordNotFound("Claim file")
    return row
