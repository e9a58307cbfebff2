"""Piccolo tables of the network. The schema itself is made by the migrations."""

from piccolo.columns import (
    Array,
    BigInt,
    BigSerial,
    Boolean,
    Integer,
    Text,
    Timestamptz,
)
from piccolo.table import Table


class Manufacturer(Table, tablename="manufacturer"):
    id = BigSerial(primary_key=True)
    code = Text()
    name = Text()
    name_zh = Text()


class Region(Table, tablename="region"):
    id = BigSerial(primary_key=True)
    manufacturer_id = BigInt()
    code = Text()
    name = Text()
    name_zh = Text()


class Dealer(Table, tablename="dealer"):
    id = BigSerial(primary_key=True)
    region_id = BigInt()
    code = Text()
    name = Text()
    name_zh = Text()
    time_zone = Text()
    locale = Text()
    created_at = Timestamptz()


class StaffUser(Table, tablename="staff_user"):
    id = BigSerial(primary_key=True)
    username = Text()
    display_name = Text()
    password_hash = Text(null=True)
    locale = Text()
    active = Boolean(default=True)
    created_at = Timestamptz()


class Membership(Table, tablename="membership"):
    """Tenant-owned: a person's roles at one dealer."""

    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    user_id = BigInt()
    roles = Array(base_column=Text())
    title = Text()
    active = Boolean(default=True)
    created_at = Timestamptz()


class Headcount(Table, tablename="headcount"):
    """Tenant-owned: planned posts per role (岗位编制)."""

    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    role = Text()
    planned = Integer()


class RegionAssignment(Table, tablename="region_assignment"):
    id = BigSerial(primary_key=True)
    region_id = BigInt()
    user_id = BigInt()
    role = Text()


class ManufacturerAssignment(Table, tablename="manufacturer_assignment"):
    id = BigSerial(primary_key=True)
    manufacturer_id = BigInt()
    user_id = BigInt()
    role = Text()
