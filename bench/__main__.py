"""``python -m bench`` (``make bench``): every benchmark side by side, figures as Markdown.

In order: ``read_path`` (workshop board and stock list: GraphQL stack vs hand-written
asyncpg vs PostGraphile 5), ``scale`` (stock list with 1 vs 1,000 dealers, policy
decisions per second, authorization's share of a request), ``reorder``, ``claims`` and
``region_dashboard``. ``--only`` runs one; ``--write docs/performance.md`` also replaces
the figures between the markers there; ``--profile`` profiles the GraphQL board
in-process (cProfile) instead; ``--full`` runs the reorder benchmark at its full size (a
region of 50 dealers instead of 5). See docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import sys
import time
from pathlib import Path

from bench import read_path

START = "<!-- bench:read-path:start -->"
END = "<!-- bench:read-path:end -->"
REORDER_DEALERS, REORDER_DEALERS_FULL = 5, 50


def write(path: Path, figures: str, start: str = START, end: str = END) -> None:
    text = path.read_text()
    block = f"{start}\n{figures}\n{end}"
    if start in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text += f"\n{block}\n"
    path.write_text(text)


def run_read_path(args: argparse.Namespace) -> int:
    result = asyncio.run(read_path.run(requests=args.requests, concurrency=args.concurrency))
    figures = read_path.report(result)
    print(figures)
    if args.write:
        write(args.write, figures)
    return 0 if result.consistent else 1


def run_reorder(args: argparse.Namespace) -> int:
    from bench import reorder

    dealers = args.reorder_dealers or (REORDER_DEALERS_FULL if args.full else REORDER_DEALERS)
    result = asyncio.run(reorder.run(dealers=dealers, parts=args.reorder_parts))
    figures = reorder.report(result)
    print(figures)
    if args.write:
        marker = "full" if dealers >= REORDER_DEALERS_FULL else "default"
        write(
            args.write,
            figures,
            f"<!-- bench:reorder-{marker}:start -->",
            f"<!-- bench:reorder-{marker}:end -->",
        )
    return 0 if result.consistent else 1


def run_claims(args: argparse.Namespace) -> int:
    from bench import claims

    result = asyncio.run(claims.run(claims=args.claims, concurrency=args.concurrency))
    figures = claims.report(result)
    print(figures)
    if args.write:
        write(args.write, figures, "<!-- bench:claims:start -->", "<!-- bench:claims:end -->")
    return 0 if result.consistent else 1


def run_region_dashboard(args: argparse.Namespace) -> int:
    from bench import region_dashboard

    result = asyncio.run(region_dashboard.run(dealers=args.region_dealers))
    figures = region_dashboard.report(result)
    print(figures)
    if args.write:
        write(
            args.write,
            figures,
            "<!-- bench:region-dashboard:start -->",
            "<!-- bench:region-dashboard:end -->",
        )
    return 0 if result.consistent else 1


def run_scale(args: argparse.Namespace) -> int:
    from bench import scale

    result = asyncio.run(
        scale.run(
            dealers=args.scale_dealers,
            items=args.scale_items,
            requests=args.scale_requests,
            questions=args.questions,
        )
    )
    figures = scale.report(result)
    print(figures)
    if args.write:
        write(args.write, figures, "<!-- bench:scale:start -->", "<!-- bench:scale:end -->")
    return 0 if result.consistent else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--write", type=Path, help="update the figures in this Markdown file")
    parser.add_argument("--profile", action="store_true", help="profile the GraphQL board")
    parser.add_argument(
        "--only",
        choices=("read_path", "scale", "reorder", "claims", "region_dashboard"),
        help="run one benchmark",
    )
    parser.add_argument("--claims", type=int, default=400, help="claims: claims to deliver")
    parser.add_argument(
        "--full", action="store_true", help="reorder: a region of 50 dealers (default 5)"
    )
    parser.add_argument("--reorder-dealers", type=int, help="reorder: dealers in the region")
    parser.add_argument("--region-dealers", type=int, default=200, help="region_dashboard: dealers")
    parser.add_argument("--scale-dealers", type=int, default=1000, help="scale: dealers")
    parser.add_argument("--scale-items", type=int, default=200, help="scale: stock per dealer")
    parser.add_argument("--scale-requests", type=int, default=200, help="scale: requests")
    parser.add_argument(
        "--questions", type=int, default=200_000, help="scale: policy decisions timed"
    )
    parser.add_argument("--reorder-parts", type=int, default=20_000, help="reorder: parts")
    args = parser.parse_args(argv)
    if args.profile:
        from bench import profile

        print(asyncio.run(profile.run(requests=args.requests)))
        return 0
    benches = {
        "read_path": run_read_path,
        "scale": run_scale,
        "reorder": run_reorder,
        "claims": run_claims,
        "region_dashboard": run_region_dashboard,
    }
    if args.only is not None:
        return benches[args.only](args)
    # Each in a process of its own: the in-process ones import the application, whose
    # engine binds to the DATABASE_URL of the first (the reorder's database would
    # otherwise serve the regional dashboard's queries).
    status = 0
    given = list(sys.argv[1:] if argv is None else argv)
    for name in benches:
        began = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "bench", "--only", name, *given], check=False)
        status |= 0 if done.returncode == 0 else 1
        print(f"\n({name}: {time.perf_counter() - began:.0f} s)\n", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
