"""VINs (ISO 3779 with the check digit where used), Chinese plates and phone numbers."""

from __future__ import annotations

import pytest

from tenants.service.errors import RuleViolation
from tenants.service.phones import normalise_phone, validate_phone
from tenants.service.plates import display_plate, is_new_energy, validate_plate
from tenants.service.vin import check_digit, validate_vin, with_check_digit


@pytest.mark.parametrize("vin", ["1M8GDM9AXKP042788", "1HGCM82633A004352", "11111111111111111"])
def test_valid_vins_pass_with_check_digit(vin: str) -> None:
    assert validate_vin(vin, uses_check_digit=True) == vin


def test_vin_is_normalised_from_how_it_is_typed() -> None:
    assert validate_vin(" 1m8gdm9a-xkp0 42788 ", uses_check_digit=True) == "1M8GDM9AXKP042788"


def _rule(vin: str, *, check: bool = True) -> str:
    with pytest.raises(RuleViolation) as caught:
        validate_vin(vin, uses_check_digit=check)
    assert caught.value.field == "vin"
    return caught.value.rule


def test_wrong_check_digit_is_refused_only_where_the_manufacturer_uses_it() -> None:
    mistyped = "1M8GDM9A1KP042788"
    assert _rule(mistyped) == "vin_check_digit"
    assert validate_vin(mistyped, uses_check_digit=False) == mistyped


@pytest.mark.parametrize("letter", ["I", "O", "Q"])
def test_i_o_q_are_never_in_a_vin(letter: str) -> None:
    vin = "1M8GDM9AXKP04278" + letter
    assert _rule(vin, check=False) == "vin_characters"


@pytest.mark.parametrize("vin", ["1M8GDM9AXKP04278", "1M8GDM9AXKP0427888", ""])
def test_a_vin_has_17_characters(vin: str) -> None:
    assert _rule(vin) == "vin_length"


def test_check_digit_x_and_repair() -> None:
    assert check_digit("1M8GDM9AXKP042788") == "X"
    fixed = with_check_digit("LHXAB2C00R0000001")
    assert validate_vin(fixed, uses_check_digit=True) == fixed


@pytest.mark.parametrize(
    ("raw", "plate", "green"),
    [
        ("沪A12345", "沪A12345", False),
        ("沪a·12345", "沪A12345", False),
        ("粤B·D12345", "粤BD12345", True),
        ("粤B 12345F", "粤B12345F", True),
        ("京A1234学", "京A1234学", False),
        ("", "", False),
    ],
)
def test_chinese_plates_are_normalised(raw: str, plate: str, green: bool) -> None:
    assert validate_plate(raw) == plate
    assert is_new_energy(plate) is green


@pytest.mark.parametrize("raw", ["ABC123", "沪I12345", "沪A1234", "XX A 12345"])
def test_malformed_plates_are_refused(raw: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        validate_plate(raw)
    assert caught.value.rule == "plate_format"


def test_plate_display_has_the_dot() -> None:
    assert display_plate("沪A12345") == "沪A·12345"


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("139 1234 5678", "13912345678"),
        ("+86 139-1234-5678", "13912345678"),
        ("0086 13912345678", "13912345678"),
        ("8613912345678", "13912345678"),
        ("021-6234 5678", "02162345678"),
        ("+86 21 6234 5678", "02162345678"),
        ("+1 (415) 555-0100", "+14155550100"),
    ],
)
def test_phones_are_canonical(raw: str, phone: str) -> None:
    assert validate_phone(raw) == phone
    assert normalise_phone(raw) == phone


@pytest.mark.parametrize("raw", ["12345", "2391234567", "abc", "+0 12"])
def test_malformed_phones_are_refused(raw: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        validate_phone(raw)
    assert caught.value.rule == "phone_format"
