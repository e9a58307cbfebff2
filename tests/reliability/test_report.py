"""The figures report rewrites only its own block of docs/reliability.md."""

from __future__ import annotations

import json

import pytest

from tests.reliability.report import END, START, latest, render, rewrite

SUITE = "<!-- drills:suite:start -->\nthe suite's own text\n<!-- drills:suite:end -->"


def test_the_latest_figures_of_each_drill_replace_the_block_and_nothing_else() -> None:
    lines = [
        json.dumps({"drill": "worker_crash", "at": "t1", "jobs": 10, "kills": 2, "lost": 0}),
        json.dumps({"drill": "cross_tenant", "at": "t1", "requests": 40, "foreign_seen": 0}),
        "",
        json.dumps({"drill": "worker_crash", "at": "t2", "jobs": 12, "kills": 3, "lost": 0}),
    ]
    document = f"# Reliability\n\n{SUITE}\n\n{START}\nold table\n{END}\n\nafter\n"
    result = rewrite(document, render(latest(lines)))
    assert SUITE in result and result.endswith(f"{END}\n\nafter\n")
    assert "old table" not in result
    assert "| `worker_crash` | 12 | 3 | 0 | – | t2 |" in result
    assert "| `cross_tenant` | 40 | – | 0 | – | t1 |" in result
    assert "| kills | 3 |" in result and "| kills | 2 |" not in result


def test_a_document_without_the_markers_is_refused() -> None:
    with pytest.raises(SystemExit):
        rewrite("# Reliability\n", render({}))
