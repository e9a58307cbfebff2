"""The catalog encodes the digest's rules (shared/domain.md, section 2): checked as data."""

from __future__ import annotations

from decimal import Decimal

import pytest

from policies.catalog import (
    DEALER_ROLES,
    DUTIES,
    LIMITS,
    PERMISSIONS,
    ROLES,
    WRITE_OFF_CAPACITIES,
    Role,
    catalog_policy_lines,
)

WRITES = {"create", "update", "add_items", "deliver"}


def test_every_role_of_the_digest_is_in_the_catalog() -> None:
    expected = {
        "general_manager", "service_manager", "front_desk_supervisor", "service_advisor",
        "reception_assistant", "warranty_claims_specialist", "workshop_supervisor",
        "technical_director", "team_leader", "technician", "quality_inspector", "test_driver",
        "pdi_inspector", "rescue_technician", "tool_keeper", "parts_manager", "parts_planner",
        "warehouse_keeper", "old_parts_keeper", "customer_relations_manager",
        "customer_service_specialist", "information_officer", "cashier", "regional_manager",
        "manufacturer_warranty_technician", "partner_integration",
    }  # fmt: skip
    assert set(ROLES) == expected
    assert ROLES["regional_manager"].scope == "region"
    assert ROLES["manufacturer_warranty_technician"].scope == "manufacturer"
    assert "regional_manager" not in DEALER_ROLES


@pytest.mark.parametrize("role", list(ROLES.values()), ids=list(ROLES))
def test_role_is_labelled_and_reports_somewhere_known(role: Role) -> None:
    assert role.name and role.name_zh
    superiors = {*ROLES, "board", "finance", "manufacturer", None}
    assert role.reports_to in superiors
    assert role.permissions, "a role without permissions cannot work"


def test_seed_terms_are_the_chinese_names() -> None:
    assert ROLES["service_advisor"].name_zh == "服务顾问"
    assert ROLES["service_manager"].name_zh == "服务经理"
    assert "站长" in ROLES["service_manager"].aliases_zh
    assert ROLES["warranty_claims_specialist"].name_zh == "索赔员"
    assert ROLES["regional_manager"].name_zh == "大区服务主管"


def test_regional_manager_reads_but_never_writes_repair_orders() -> None:
    regional = ROLES["regional_manager"]
    assert regional.allows("repair_order", "read")
    assert not any(obj == "repair_order" and act in WRITES for obj, act in regional.permissions)
    assert regional.allows("warranty_review", "decide")


def test_claims_are_prepared_by_the_dealer_and_decided_by_the_manufacturer() -> None:
    deciders = {k for k, r in ROLES.items() if r.allows("warranty_review", "decide")}
    assert deciders == {"regional_manager", "manufacturer_warranty_technician"}
    submitters = {k for k, r in ROLES.items() if r.allows("warranty_claim", "submit")}
    assert submitters == {"warranty_claims_specialist"}


def test_write_off_signers_are_the_three_of_the_digest() -> None:
    approvers = {k for k, r in ROLES.items() if r.allows("parts_write_off", "approve")}
    assert approvers == set(WRITE_OFF_CAPACITIES.values())
    assert approvers == {"service_manager", "warranty_claims_specialist", "parts_manager"}
    owners = {k for k, r in ROLES.items() if "write_off_approval" in r.duties}
    assert owners == approvers


def test_warranty_parts_issue_needs_the_claims_specialist() -> None:
    signers = {k for k, r in ROLES.items() if r.allows("parts_issue", "warranty_sign")}
    assert signers == {"warranty_claims_specialist"}
    issuers = {k for k, r in ROLES.items() if r.allows("parts_issue", "issue")}
    assert issuers == {"warehouse_keeper"}


def test_quotations_above_ten_thousand_need_the_service_manager() -> None:
    advisor = ROLES["service_advisor"].limits["quotation_approval"]
    assert advisor == Decimal("10000.00")
    assert ROLES["service_manager"].limits["quotation_approval"] > advisor
    assert ROLES["service_manager"].allows("quotation", "approve")
    assert not ROLES["service_advisor"].allows("quotation", "approve")
    assert "concession" in ROLES["service_advisor"].limits


def test_parts_plan_is_reviewed_by_parts_and_approved_by_the_service_manager() -> None:
    assert {k for k, r in ROLES.items() if r.allows("parts_plan", "review")} == {"parts_manager"}
    assert {k for k, r in ROLES.items() if r.allows("parts_plan", "approve")} == {"service_manager"}


def test_policy_and_audit_permissions() -> None:
    assert {k for k, r in ROLES.items() if r.allows("policy", "manage")} == {"service_manager"}
    audit = {k for k, r in ROLES.items() if r.allows("audit_log", "read")}
    assert audit == {"service_manager", "general_manager"}


def test_api_keys_cannot_approve_anything() -> None:
    partner = ROLES["partner_integration"]
    assert not any(act in {"approve", "decide", "manage"} for _, act in partner.permissions)
    assert not partner.duties and not partner.limits


def test_catalog_lines_cover_every_permission_and_duty_of_every_role() -> None:
    lines = set(catalog_policy_lines())
    expected = sum(len(r.permissions) + len(r.duties) for r in ROLES.values())
    assert len(lines) == expected
    assert ("role:service_advisor", "*", "repair_order", "create", "allow") in lines
    assert ("role:cashier", "*", "duty:cash_settlement", "own", "allow") in lines
    assert all(line[1] == "*" and line[4] == "allow" for line in lines)


def test_labels_exist_in_both_languages() -> None:
    for permission in PERMISSIONS.values():
        assert permission.name and permission.name_zh, permission.key
    for duty in DUTIES.values():
        assert duty.name and duty.name_zh and duty.description, duty.key
    for limit in LIMITS.values():
        assert limit.name and limit.name_zh and limit.currency == "CNY"


def test_catalog_is_immutable() -> None:
    with pytest.raises(TypeError):
        ROLES["service_advisor"].limits["concession"] = Decimal(1)  # type: ignore[index]
    with pytest.raises(AttributeError):
        ROLES["service_advisor"].name = "x"  # type: ignore[misc]
