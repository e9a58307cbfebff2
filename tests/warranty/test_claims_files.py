"""Claim files over HTTP: stored with their SHA-256, at most 10 MB, photos, PDF or MP4
whose content is what the type says; only while the claim is editable; downloaded with
the same credentials; invisible to other dealers."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

import httpx

from api.schema.relay_conventions import global_id
from tenants.warranty.claim_files import MAX_BYTES
from tests.api.graphql_client import gql
from tests.warranty.claims_arrange import issue_part
from tests.warranty.claims_steps import CLAIM, SUBMIT, SignIn, create, first_error, standard_input
from tests.warranty.factories_warranty import WarrantyDesk

JPEG = b"\xff\xd8\xff\xe0" + b"fault photo" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"odometer" * 50
REMOVE_FILE = "mutation($id: ID!) { removeWarrantyClaimFile(fileId: $id) { files { id } } }"


async def _upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    claim_id: str,
    content: bytes,
    content_type: str = "image/jpeg",
    name: str = "leak.jpg",
) -> httpx.Response:
    return await client.post(
        f"/api/warranty/claims/{claim_id}/files",
        content=content,
        headers={**headers, "Content-Type": content_type, "X-File-Name": quote(name)},
    )


def _rule(response: httpx.Response) -> str:
    extensions: dict[str, str] = response.json()["errors"][0]["extensions"]
    return extensions.get("rule") or extensions["code"]


async def test_upload_keeps_the_hash_and_download_returns_the_same_bytes(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk
) -> None:
    claims = await sign_in("claims")
    claim = await create(client, claims, standard_input(api_desk))
    response = await _upload(client, claims, claim["id"], JPEG, name="C:\\fotos\\漏水 1.jpg")
    assert response.status_code == 201, response.text
    stored = response.json()["data"]
    assert stored["sha256"] == hashlib.sha256(JPEG).hexdigest()
    assert (stored["fileName"], stored["sizeBytes"], stored["contentType"]) == (
        "漏水 1.jpg",
        len(JPEG),
        "image/jpeg",
    )
    body = await gql(client, CLAIM, {"id": claim["id"]}, claims)
    (listed,) = body["data"]["node"]["files"]
    assert (listed["id"], listed["sha256"]) == (stored["id"], stored["sha256"])

    download = await client.get(listed["url"], headers=claims)
    assert download.status_code == 200
    assert download.content == JPEG
    assert download.headers["content-type"] == "image/jpeg"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert "attachment" in download.headers["content-disposition"]
    # The advisor reads claims and their files.
    assert (await client.get(listed["url"], headers=await sign_in("advisor"))).status_code == 200

    again = await _upload(client, claims, claim["id"], JPEG)
    assert (again.status_code, _rule(again)) == (400, "duplicate_file")
    body = await gql(client, REMOVE_FILE, {"id": stored["id"]}, claims)
    assert body["data"]["removeWarrantyClaimFile"]["files"] == []


async def test_size_type_and_content_limits(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk
) -> None:
    claims = await sign_in("claims")
    claim = await create(client, claims, standard_input(api_desk))
    cases = [
        (b"", "image/jpeg", 400, "empty_file"),
        (b"plain text", "text/plain", 400, "file_type"),
        (PNG, "image/jpeg", 400, "file_content"),
        (b"MZ\x90\x00" * 10, "application/pdf", 400, "file_content"),
        (b"\xff\xd8\xff" + b"\0" * (MAX_BYTES - 2), "image/jpeg", 413, "file_too_large"),
        (b"\xff\xd8\xff" + b"\0" * (MAX_BYTES + 100_000), "image/jpeg", 413, "file_too_large"),
    ]
    for content, kind, status, rule in cases:
        response = await _upload(client, claims, claim["id"], content, kind)
        assert (response.status_code, _rule(response)) == (status, rule), rule
    exactly = b"\xff\xd8\xff" + b"\1" * (MAX_BYTES - 3)
    assert (await _upload(client, claims, claim["id"], exactly)).status_code == 201
    assert (
        await _upload(client, claims, claim["id"], PNG, "image/png", "km.png")
    ).status_code == 201
    pdf = b"%PDF-1.7\n" + b"diagnosis" * 20
    assert (
        await _upload(client, claims, claim["id"], pdf, "application/pdf", "dtc.pdf")
    ).status_code == 201


async def test_who_may_upload_and_download(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk
) -> None:
    claims = await sign_in("claims")
    claim = await create(client, claims, standard_input(api_desk))
    response = await _upload(client, claims, claim["id"], JPEG)
    url = response.json()["data"]["url"]
    assert (await _upload(client, {}, claim["id"], JPEG)).status_code == 401
    advisor = await _upload(client, await sign_in("advisor"), claim["id"], PNG, "image/png")
    assert (advisor.status_code, _rule(advisor)) == (403, "FORBIDDEN")
    far = await sign_in("far_claims")
    response = await _upload(client, far, claim["id"], PNG, "image/png")
    assert (response.status_code, _rule(response)) == (404, "NOT_FOUND")
    assert (await client.get(url, headers=far)).status_code == 404
    assert (await client.get(url, headers=await sign_in("technician"))).status_code == 403
    assert (await client.get(url)).status_code == 401
    bad = await _upload(client, claims, global_id("RepairOrder", 1), JPEG)
    assert (bad.status_code, _rule(bad)) == (400, "BAD_USER_INPUT")


async def test_files_change_only_while_the_claim_is_editable(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk, db: object
) -> None:
    import asyncpg

    assert isinstance(db, asyncpg.Connection)
    await issue_part(db, api_desk, api_desk.part_line_id, "1")
    claims = await sign_in("claims")
    claim = await create(client, claims, standard_input(api_desk))
    stored = (await _upload(client, claims, claim["id"], JPEG)).json()["data"]
    await gql(client, SUBMIT, {"id": claim["id"]}, claims)
    response = await _upload(client, claims, claim["id"], PNG, "image/png")
    assert (response.status_code, _rule(response)) == (400, "claim_not_editable")
    body = await gql(client, REMOVE_FILE, {"id": stored["id"]}, claims)
    assert first_error(body)["rule"] == "claim_not_editable"


async def test_the_file_routes_leave_the_web_apps_warranty_pages_alone(
    client: httpx.AsyncClient,
) -> None:
    """Deep links of the web app (a reload on a claim's page) still reach index.html."""
    for path in (
        "/warranty/claims",
        "/warranty/claims/new",
        "/warranty/claims/V2FycmFudHlDbGFpbToy",
    ):
        response = await client.get(path)
        assert response.status_code == 200 or "Frontend not built" in response.text, path
