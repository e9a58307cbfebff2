"""The arq worker runs against real Redis and PostgreSQL and purges ended sessions."""

from __future__ import annotations

import asyncpg
from arq import create_pool
from arq.worker import Worker

from tests.factories import make_user
from workers.redis import redis_settings
from workers.settings import WorkerSettings


async def test_worker_purges_sessions_ended_a_week_ago(db: asyncpg.Connection) -> None:
    user = await make_user(db)
    for ended in ("8 days", "1 day"):
        await db.execute(
            "insert into auth_session (token_hash, user_id, kind, csrf_token, expires_at)"
            f" values (gen_random_uuid()::text::bytea, $1, 'bearer', 'x', now() - interval '{ended}')",
            user,
        )
    await db.execute(
        "insert into auth_session (token_hash, user_id, kind, csrf_token, expires_at)"
        " values ('live', $1, 'cookie', 'x', now() + interval '1 hour')",
        user,
    )
    redis = await create_pool(redis_settings())
    await redis.flushdb()
    job = await redis.enqueue_job("purge_sessions", _queue_name=WorkerSettings.queue_name)
    assert job is not None
    worker = Worker(
        functions=WorkerSettings.functions,
        redis_pool=redis,
        queue_name=WorkerSettings.queue_name,
        burst=True,
        poll_delay=0.01,
        on_startup=WorkerSettings.on_startup,
        on_shutdown=None,
    )
    await worker.main()
    assert await job.result(timeout=5) == 1
    remaining = await db.fetchval("select count(*) from auth_session")
    assert remaining == 2
    await redis.aclose()
