"""``python -m bench``: every benchmark, figures printed as Markdown.

``--write docs/performance.md`` also replaces the figures between the markers there;
``--profile`` profiles the GraphQL board in-process (cProfile) instead; ``--only`` runs
one benchmark (``region_dashboard``: issue 7's regional dashboard over 200 dealers);
``--full`` runs the reorder benchmark at its full size (a region of 50
dealers instead of 5).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from pathlib import Path

from bench import board

START = "<!-- bench:board:start -->"
END = "<!-- bench:board:end -->"
REORDER_DEALERS, REORDER_DEALERS_FULL = 5, 50


def write(path: Path, figures: str, start: str = START, end: str = END) -> None:
    text = path.read_text()
    block = f"{start}\n{figures}\n{end}"
    if start in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text += f"\n{block}\n"
    path.write_text(text)


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--write", type=Path, help="update the figures in this Markdown file")
    parser.add_argument("--profile", action="store_true", help="profile the GraphQL board")
    parser.add_argument(
        "--only",
        choices=("board", "reorder", "claims", "region_dashboard"),
        help="run one benchmark",
    )
    parser.add_argument("--claims", type=int, default=400, help="claims: claims to deliver")
    parser.add_argument(
        "--full", action="store_true", help="reorder: a region of 50 dealers (default 5)"
    )
    parser.add_argument("--reorder-dealers", type=int, help="reorder: dealers in the region")
    parser.add_argument("--region-dealers", type=int, default=200, help="region_dashboard: dealers")
    parser.add_argument("--reorder-parts", type=int, default=20_000, help="reorder: parts")
    args = parser.parse_args(argv)
    if args.profile:
        from bench import profile

        print(asyncio.run(profile.run(requests=args.requests)))
        return 0
    status = 0
    if args.only in (None, "board"):
        result = asyncio.run(board.run(requests=args.requests, concurrency=args.concurrency))
        figures = board.report(result)
        print(figures)
        if args.write:
            write(args.write, figures)
        status |= 0 if result.same_json else 1
    if args.only in (None, "reorder"):
        status |= run_reorder(args)
    if args.only in (None, "claims"):
        status |= run_claims(args)
    if args.only in (None, "region_dashboard"):
        status |= run_region_dashboard(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
