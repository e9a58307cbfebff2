"""``python -m bench``: every benchmark, figures printed as Markdown.

``--write docs/performance.md`` also replaces the figures between the markers there;
``--profile`` profiles the GraphQL board in-process (cProfile) instead.
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


def write(path: Path, figures: str) -> None:
    text = path.read_text()
    block = f"{START}\n{figures}\n{END}"
    if START in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text += f"\n{block}\n"
    path.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--write", type=Path, help="update the figures in this Markdown file")
    parser.add_argument("--profile", action="store_true", help="profile the GraphQL board")
    args = parser.parse_args(argv)
    if args.profile:
        from bench import profile

        print(asyncio.run(profile.run(requests=args.requests)))
        return 0
    result = asyncio.run(board.run(requests=args.requests, concurrency=args.concurrency))
    figures = board.report(result)
    print(figures)
    if args.write:
        write(args.write, figures)
    return 0 if result.same_json else 1


if __name__ == "__main__":
    sys.exit(main())
