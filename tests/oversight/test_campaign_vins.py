"""Parsing a campaign's VIN file: plain lines or a CSV VIN column, BOM and CRLF, each
line judged (valid, duplicate of an earlier line, invalid with its rule and number)."""

from __future__ import annotations

import pytest

from tenants.oversight.campaign_vins import MAX_BYTES, parse_vin_file
from tenants.service.errors import RuleViolation
from tests.oversight.campaigns_arrange import vin

A, B, C = vin(1), vin(2), vin(3)


def test_plain_lines_normalised_blank_lines_skipped() -> None:
    text = f"{A.lower()}\n\n  {B[:5]}-{B[5:]}  \n{C}\n"
    parsed = parse_vin_file(text, uses_check_digit=True)
    assert parsed.vins == [A, B, C]
    assert parsed.invalid == [] and parsed.duplicates == []


def test_bom_and_crlf() -> None:
    data = ("\ufeff" + "\r\n".join([A, B, A]) + "\r\n").encode("utf-8")
    parsed = parse_vin_file(data, uses_check_digit=True)
    assert parsed.vins == [A, B]
    assert [(d.line, d.vin, d.first_line) for d in parsed.duplicates] == [(3, A, 1)]


def test_invalid_lines_reported_with_numbers_and_rules() -> None:
    wrong_check = A[:8] + ("0" if A[8] != "0" else "1") + A[9:]
    text = "\n".join([A, "SHORT123", "LSVAB2BM0I0000001", wrong_check, B])
    parsed = parse_vin_file(text, uses_check_digit=True)
    assert parsed.vins == [A, B]
    assert [(i.line, i.rule) for i in parsed.invalid] == [
        (2, "vin_length"),
        (3, "vin_characters"),
        (4, "vin_check_digit"),
    ]
    lenient = parse_vin_file(text, uses_check_digit=False)
    assert lenient.vins == [A, wrong_check, B]


def test_csv_vin_column_with_header() -> None:
    data = (
        "\ufeffDealer;VIN;Model\r\n"
        f"D1;{A};Lavida\r\n"
        f'D2;"{B}";Tiguan\r\n'
        "D3;;Tiguan\r\n"
        f"D4;{A};Lavida\r\n"
        "D5;NOTAVIN;Lavida\r\n"
    ).encode()
    parsed = parse_vin_file(data, uses_check_digit=True)
    assert parsed.vins == [A, B]
    assert [(d.line, d.first_line) for d in parsed.duplicates] == [(5, 2)]
    assert [(i.line, i.text) for i in parsed.invalid] == [(6, "NOTAVIN")]


def test_csv_comma_and_single_vin_header() -> None:
    assert parse_vin_file(f"vin,plate\n{A},X\n", uses_check_digit=True).vins == [A]
    assert parse_vin_file(f"VIN\n{A}\n{B}\n", uses_check_digit=True).vins == [A, B]


def test_too_large_and_not_utf8() -> None:
    with pytest.raises(RuleViolation) as large:
        parse_vin_file(b"A" * (MAX_BYTES + 1), uses_check_digit=False)
    assert large.value.rule == "vin_file_too_large"
    with pytest.raises(RuleViolation) as encoding:
        parse_vin_file(b"\xff\xfe\x00V", uses_check_digit=False)
    assert encoding.value.rule == "vin_file_encoding"
