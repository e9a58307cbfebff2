"""The ``dealernet`` command: migrate, seed, users, serve, worker.

Database commands use ``DATABASE_URL`` (``. ops/env.sh`` sets it for the private
services). Errors end in one line on stderr and a non-zero exit status; set
``DEALERNET_DEBUG=1`` for the traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent


class CliError(Exception):
    """A failure the user can act on; printed as one line."""


def _database_label() -> str:
    from tenants.database import database_url

    parsed = urlparse(database_url())
    return f"{parsed.hostname or '127.0.0.1'}:{parsed.port or 5432}{parsed.path or '/'}"


# --- migrate ---------------------------------------------------------------------


def migrate_command() -> list[str]:
    return [sys.executable, "-m", "piccolo.main", "migrations", "forwards", "all"]


def cmd_migrate(args: argparse.Namespace) -> int:
    """Run every app's migrations forwards, as the owner, from the repository root."""
    env = {**os.environ, "DEALERNET_DB_AS_OWNER": "1"}
    # Output streams straight through: the subprocess inherits stdout and stderr.
    result = subprocess.run(migrate_command(), cwd=ROOT, env=env, check=False)
    if result.returncode != 0:
        raise CliError(f"migrations failed on {_database_label()} (exit {result.returncode})")
    return 0


# --- seed ---------------------------------------------------------------------------


def cmd_seed(args: argparse.Namespace) -> int:
    from rich.console import Console

    from tenants.network import demo

    console = Console(stderr=True)
    result = asyncio.run(demo.seed(args.dealers, console=console, show_progress=not args.quiet))
    out = _console()
    written = result.written
    out.print(
        f"[green]seeded[/green] {_database_label()}: {result.dealers} dealers,"
        f" {result.users} users, {result.memberships} memberships,"
        f" {result.headcount} headcount plans, {result.region_assignments} regional and"
        f" {result.manufacturer_assignments} manufacturer assignments, {result.api_keys} API keys"
        f" ({written.added} rows added, {written.changed} changed)"
    )
    from tenants.service import catalog_demo

    service = asyncio.run(catalog_demo.seed())
    out.print(
        "[green]seeded[/green] service demo data: catalogs, stock, bays, shifts, customers,"
        f" appointments ({service.added} rows added, {service.changed} changed)"
    )
    from tenants.parts import demo as parts_demo

    parts = asyncio.run(parts_demo.seed())
    out.print(
        "[green]seeded[/green] parts demo data: catalog, stock, two years of ledger history,"
        f" open orders and requests ({parts.written.added} rows added,"
        f" {parts.written.changed} changed, {parts.seconds:.1f} s)"
    )
    from tenants.warranty import terms_demo

    terms = asyncio.run(terms_demo.seed())
    out.print(
        "[green]seeded[/green] warranty terms demo: policy, part groups, a recall and a"
        f" campaign, sale dates ({terms.added} rows added, {terms.changed} changed)"
    )
    from tenants.care import demo as care_demo

    care = asyncio.run(care_demo.seed())
    out.print(
        "[green]seeded[/green] customer care demo: follow-up calls, surveys, complaints,"
        f" today's revisit queue ({care.added} rows added, {care.changed} changed)"
    )
    from tenants.oversight import demo as oversight_demo

    oversight = asyncio.run(oversight_demo.seed())
    out.print(
        "[green]seeded[/green] manufacturer oversight demo: KPI targets, audit checklist and"
        " audits, a bulletin and its recall, monthly reports"
        f" ({oversight.added} rows added, {oversight.changed} changed)"
    )
    from tenants.partners import demo as partners_demo

    partners = asyncio.run(partners_demo.seed())
    out.print(
        f"[green]seeded[/green] partner demo: insurer application {partners_demo.DEMO_APP_NAME!r}"
        f" at {partners_demo.DEMO_APP_DEALER} ({partners.added} rows added)"
    )
    out.print(
        f"demo password: [bold]{demo.DEMO_PASSWORD}[/bold]   e.g. advisor.sh01, manager.sh01,"
        f" rm.east, warranty.hx  (`dealernet users` lists all)"
    )
    out.print(f"partner API key ({demo.DEMO_API_KEY_DEALER}): [bold]{demo.DEMO_API_KEY}[/bold]")
    out.print(
        f"partner app key ({partners_demo.DEMO_APP_DEALER}, {partners_demo.DEMO_APP_NAME}):"
        f" [bold]{partners_demo.DEMO_APP_KEY}[/bold]"
    )
    return 0


# --- users --------------------------------------------------------------------------


def _console() -> Any:
    from rich.console import Console

    # Piped output is not cut to 80 columns.
    return Console() if sys.stdout.isatty() else Console(width=160, soft_wrap=True)


def cmd_users(args: argparse.Namespace) -> int:
    from tenants.network import demo

    users = asyncio.run(demo.demo_users())
    if args.json:
        json.dump(users, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if not users:
        raise CliError(f"no demo users in {_database_label()}: run `dealernet seed` first")

    from rich.table import Table

    table = Table(title=f"Demo users in {_database_label()}")
    table.add_column("username", style="bold", no_wrap=True)
    table.add_column("name", no_wrap=True)
    table.add_column("at", no_wrap=True)
    table.add_column("roles")
    changed = 0
    for user in users:
        grants = user["dealers"] + user["regions"] + user["manufacturers"]
        name = user["displayName"]
        if user["password"] is None:
            name += " [red](password changed)[/red]"
            changed += 1
        for n, grant in enumerate(grants):
            table.add_row(
                user["username"] if n == 0 else "",
                name if n == 0 else "",
                grant["code"],
                ", ".join(grant["roles"]),
                end_section=n == len(grants) - 1 and len(grants) > 1,
            )
    console = _console()
    console.print(table)
    console.print(
        f"password of every demo user: [bold]{demo.DEMO_PASSWORD}[/bold]"
        + (f" (except {changed} changed)" if changed else "")
    )
    key = asyncio.run(demo.demo_api_key())
    if key:
        console.print(
            f"partner API key ({demo.DEMO_API_KEY_DEALER}, {demo.PARTNER_ROLE}): [bold]{key}[/bold]"
        )
    return 0


# --- serve and worker ------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        proxy_headers=args.proxy_headers,
        log_level=args.log_level,
    )
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    import logging.config

    from arq.logs import default_log_config
    from arq.worker import run_worker

    from workers.settings import WorkerSettings

    logging.config.dictConfig(default_log_config(verbose=args.verbose))
    run_worker(WorkerSettings, burst=args.burst)  # type: ignore[arg-type]
    return 0


# --- entry point ----------------------------------------------------------------------


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dealernet", description="dealernet: after-sales service for dealer networks"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")

    def add(name: str, handler: Callable[[argparse.Namespace], int], help: str) -> Any:
        sub = commands.add_parser(name, help=help, description=help)
        sub.set_defaults(handler=handler)
        return sub

    add("migrate", cmd_migrate, "apply all database migrations (as the owner)")
    seed = add("seed", cmd_seed, "create or update the demo network (idempotent)")
    seed.add_argument(
        "--dealers",
        type=_positive,
        metavar="N",
        help="grow the network to N dealers in regions of about 50 (benchmarks)",
    )
    seed.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    users = add("users", cmd_users, "list the demo users, their dealers and roles")
    users.add_argument("--json", action="store_true", help="print JSON instead of a table")
    serve = add("serve", cmd_serve, "run the web application (uvicorn)")
    serve.add_argument("--host", default=os.environ.get("DEALERNET_HOST", "127.0.0.1"))
    serve.add_argument(
        "--port", type=_positive, default=int(os.environ.get("DEALERNET_PORT", "8000"))
    )
    serve.add_argument(
        "--proxy-headers", action="store_true", help="trust X-Forwarded-* from the proxy"
    )
    serve.add_argument("--log-level", default="info")
    worker = add("worker", cmd_worker, "run the background worker (arq)")
    worker.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    worker.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    return parser


def _explain(exc: BaseException) -> str:
    """One line for an error, naming the likely fix for the common ones."""
    import asyncpg

    from tenants.network.demo import SeedError

    if isinstance(exc, CliError | SeedError):
        return str(exc)
    if isinstance(exc, asyncpg.InvalidCatalogNameError):
        return f"database {_database_label()} does not exist ({exc})"
    if isinstance(exc, asyncpg.UndefinedTableError | asyncpg.UndefinedFunctionError):
        return f"database schema is missing or old ({exc}): run `dealernet migrate`"
    if isinstance(exc, ConnectionError | OSError) and not isinstance(exc, FileNotFoundError):
        return (
            f"cannot reach PostgreSQL at {_database_label()} ({exc});"
            " start it or set DATABASE_URL (`. ops/env.sh`)"
        )
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Piccolo finds its configuration by importing `piccolo_conf` from the repository
    # root, which is not on the path of an installed console script.
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    try:
        code: int = args.handler(args)
        return code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if os.environ.get("DEALERNET_DEBUG") == "1":
            raise
        print(f"dealernet {args.command}: error: {_explain(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
