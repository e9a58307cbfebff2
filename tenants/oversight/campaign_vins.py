"""The affected-VIN file of a recall or service campaign: parsing and importing.

The manufacturer sends VIN lists as plain text (one VIN per line) or as a spreadsheet
export (CSV with a ``VIN`` column, comma, semicolon or tab separated, often with a
byte-order mark and CRLF line ends). Every line is judged on its own, so the person
importing learns which lines to fix by number: valid VINs (normalised and checked with
the manufacturer's check-digit rule), duplicates within the file, invalid lines. The
import is one set-based INSERT ... ON CONFLICT DO NOTHING: VINs already listed are
counted, never duplicated.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import asyncpg

from tenants.service.errors import RuleViolation
from tenants.service.vin import validate_vin

MAX_BYTES = 5 * 1024 * 1024
MAX_VINS = 200_000
_DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class InvalidLine:
    line: int
    text: str
    rule: str
    message: str


@dataclass(frozen=True)
class DuplicateLine:
    line: int
    vin: str
    first_line: int


@dataclass
class ParsedVins:
    vins: list[str] = field(default_factory=list)
    """Valid VINs in file order, each once."""
    invalid: list[InvalidLine] = field(default_factory=list)
    duplicates: list[DuplicateLine] = field(default_factory=list)


@dataclass(frozen=True)
class ImportReport:
    added: int
    already_listed: int
    invalid: list[InvalidLine]
    duplicates: list[DuplicateLine]


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        text = data
    else:
        if len(data) > MAX_BYTES:
            raise RuleViolation("file", "vin_file_too_large", f"At most {MAX_BYTES} bytes")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise RuleViolation("file", "vin_file_encoding", "The file is not UTF-8 text") from exc
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise RuleViolation("file", "vin_file_too_large", f"At most {MAX_BYTES} bytes")
    return text.removeprefix("\ufeff")


def _vin_column(first_line: str) -> tuple[str, int] | None:
    """(delimiter, column index) when the first line is a header naming a VIN column."""
    for delimiter in _DELIMITERS:
        cells = [c.strip().strip('"').upper() for c in first_line.split(delimiter)]
        for index, cell in enumerate(cells):
            if cell in ("VIN", "VIN码", "车架号", "VIN CODE"):
                return delimiter, index
    return None


def parse_vin_file(data: bytes | str, *, uses_check_digit: bool) -> ParsedVins:
    """Every line judged: a VIN, a duplicate of an earlier line, or invalid with its rule.
    Line numbers count from 1 as an editor shows them (the header is line 1)."""
    lines = _decode(data).splitlines()
    parsed = ParsedVins()
    column = _vin_column(lines[0]) if lines else None
    rows: list[tuple[int, str]]
    if column is not None:
        delimiter, index = column
        reader = csv.reader(io.StringIO("\n".join(lines[1:])), delimiter=delimiter)
        rows = [(n + 2, r[index] if index < len(r) else "") for n, r in enumerate(reader)]
    else:
        rows = [(n + 1, line) for n, line in enumerate(lines)]
    seen: dict[str, int] = {}
    for number, raw in rows:
        text = raw.strip().strip('"')
        if not text:
            continue
        try:
            vin = validate_vin(text, uses_check_digit=uses_check_digit)
        except RuleViolation as exc:
            parsed.invalid.append(InvalidLine(number, text[:64], exc.rule, str(exc)))
            continue
        if vin in seen:
            parsed.duplicates.append(DuplicateLine(number, vin, seen[vin]))
            continue
        seen[vin] = number
        parsed.vins.append(vin)
        if len(parsed.vins) > MAX_VINS:
            raise RuleViolation("file", "vin_file_too_many", f"At most {MAX_VINS} VINs a file")
    return parsed


async def insert_vins(connection: asyncpg.Connection, campaign_id: int, vins: list[str]) -> int:
    """Add the VINs not yet listed; how many were added."""
    added: int = await connection.fetchval(
        """
        with added as (
          insert into campaign_vehicle (campaign_id, vin)
          select $1, v from unnest($2::text[]) as v
          on conflict (campaign_id, vin) do nothing
          returning 1
        )
        select count(*) from added
        """,
        campaign_id,
        vins,
    )
    return added
