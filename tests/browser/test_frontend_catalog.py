"""The web app names every permission object of the policy catalog in both languages
(permission, role and duty labels come from the server; object group titles do not)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policies import catalog

MESSAGES = Path(__file__).resolve().parents[2] / "frontend" / "src" / "i18n"


def _object_keys(language_file: str) -> set[str]:
    text = (MESSAGES / language_file).read_text(encoding="utf-8")
    block = re.search(r"\n  objects: \{\n(.*?)\n  \},", text, re.S)
    assert block, f"no objects block in {language_file}"
    return set(re.findall(r"^\s+'?([\w.]+)'?: '", block.group(1), re.M))


@pytest.mark.parametrize("language_file", ["en.ts", "zh-CN.ts"])
def test_every_catalog_object_has_a_name(language_file: str) -> None:
    missing = set(catalog.OBJECTS) - _object_keys(language_file)
    assert not missing, f"frontend/src/i18n/{language_file} lacks objects: {sorted(missing)}"
