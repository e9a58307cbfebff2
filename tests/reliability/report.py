"""Rewrites the drill figures in ``docs/reliability.md`` from a ``make drills`` run.

``python -m tests.reliability.report [figures.jsonl]`` (default: ``$DEALERNET_DRILL_FIGURES``)
reads the JSON lines ``tests.reliability.figures.record`` appended, keeps the latest of
each drill, and replaces what stands between ``<!-- drills:figures:start -->`` and
``<!-- drills:figures:end -->``: a summary (requests or jobs, faults injected, records
lost, duplicated) and each drill's full figures. The rest of the document, the
suite block (``drills:suite``) included, is left as it is.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from tests.reliability.figures import ENV

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "reliability.md"
START, END = "<!-- drills:figures:start -->", "<!-- drills:figures:end -->"

# The summary's columns and the figures that fill them, first present wins.
WORK = ("requests", "jobs", "transactions_pooled")
FAULTS = ("faults_injected", "kills")
LOST = ("lost", "records_lost", "foreign_seen")
DUPLICATED = ("duplicated", "partial_writes", "foreign_changed")


def latest(lines: list[str]) -> dict[str, dict[str, Any]]:
    """The last record of each drill, in the order drills first appear."""
    found: dict[str, dict[str, Any]] = {}
    for line in lines:
        if not line.strip():
            continue
        entry = json.loads(line)
        found[str(entry["drill"])] = entry
    return found


def _pick(entry: dict[str, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        if key in entry:
            return _cell(entry[key])
    return "–"


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace("|", "\\|")


def render(drills: dict[str, dict[str, Any]]) -> str:
    if not drills:
        return "_No figures yet: run `make drills`._"
    out = [
        "| Drill | Requests / jobs | Faults injected | Records lost | Duplicated / partial | Run at (UTC) |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, entry in drills.items():
        out.append(
            f"| `{name}` | {_pick(entry, WORK)} | {_pick(entry, FAULTS)} | {_pick(entry, LOST)}"
            f" | {_pick(entry, DUPLICATED)} | {entry.get('at', '–')} |"
        )
    for name, entry in drills.items():
        out += ["", f"#### `{name}`", "", "| Figure | Value |", "| --- | ---: |"]
        out += [
            f"| {key.replace('_', ' ')} | {_cell(value)} |"
            for key, value in entry.items()
            if key not in ("drill", "at")
        ]
    return "\n".join(out)


def rewrite(document: str, table: str) -> str:
    if START not in document or END not in document:
        raise SystemExit(f"{DOC} lacks the {START} ... {END} markers")
    head, rest = document.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{table}\n{END}{tail}"


def main(argv: list[str]) -> int:
    source = argv[1] if len(argv) > 1 else os.environ.get(ENV, "")
    if not source or not Path(source).exists():
        print(f"no figures file (argument or ${ENV})", file=sys.stderr)
        return 1
    drills = latest(Path(source).read_text(encoding="utf-8").splitlines())
    DOC.write_text(rewrite(DOC.read_text(encoding="utf-8"), render(drills)), encoding="utf-8")
    print(f"wrote the figures of {len(drills)} drills to {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
