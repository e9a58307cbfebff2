"""What stands between a claim and its submission: blocking errors and warnings, each
with a stable code the screens translate and the API returns.

Blocking (the claim cannot be submitted):
  NO_LINES, COMPLAINT_MISSING, CAUSE_MISSING, CORRECTION_MISSING (the 3C),
  CAUSAL_PART_MISSING (standard and goodwill claims: the manufacturer charges the supplier
  through it), LINE_WITHDRAWN (the order line was declined or cancelled),
  LINE_NOT_WARRANTY (its pay type changed), PART_NOT_ISSUED (less of the part was issued
  to the order line than is claimed), HOURS_FAR_ABOVE_STANDARD (more than 1.5 times the
  standard hours: beyond that the manufacturer rejects the labour outright, so the claim
  must carry the standard or a justified smaller excess), DUPLICATE_CLAIM (another live
  claim of the dealer for the same VIN and fault code within the policy's duplicate
  window), DUPLICATE_CLAIM_ELSEWHERE (the same, submitted at another dealer of the
  manufacturer: the manufacturer pays a fault once), OUTSIDE_TERMS / ELIGIBILITY_UNDECIDED
  (a line not covered or not decidable; goodwill claims only warn), CLAIM_TYPE_MISMATCH (a
  covered line claimed under the wrong type: a recall line in a standard claim, say),
  PAST_DEADLINE (first submission later than the policy's claim deadline after the
  repair), FILES_REQUIRED (the policy wants files and there are none).

Warnings (the claim can go, but a person should look):
  HOURS_ABOVE_STANDARD (above the standard, up to 1.5 times), LABOUR_WITHOUT_STANDARD
  (labour without a catalog operation), GOODWILL_OUTSIDE_TERMS, REPAIR_NOT_FINISHED,
  DEADLINE_NEAR (three days or less left), NO_FILES.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import asyncpg

from tenants.errors import RecordNotFound
from tenants.warranty.eligibility import Eligibility, line_eligibility

HOURS_BLOCKING_FACTOR = Decimal("1.5")
DEADLINE_NEAR_DAYS = 3

_TYPE_OF_REASON = {
    "CAMPAIGN": "campaign",
    "FIRST_SERVICE": "first_service",
    "WITHIN_BASE_TERMS": "standard",
    "WITHIN_PART_GROUP_TERMS": "standard",
}


@dataclass(frozen=True)
class Issue:
    code: str
    blocking: bool
    message: str
    claim_line_id: int | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def as_extension(self) -> dict[str, Any]:
        """The issue as it travels in a GraphQL error's extensions."""
        found: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.claim_line_id is not None:
            found["claimLineId"] = self.claim_line_id
        if self.params:
            found["params"] = self.params
        return found


@dataclass(frozen=True)
class CheckResult:
    issues: tuple[Issue, ...]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.blocking]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if not i.blocking]

    @property
    def ready(self) -> bool:
        return not self.errors


CLAIM_SQL = """
select c.*, coalesce(wp.claim_deadline_days, 30) as claim_deadline_days,
       coalesce(wp.duplicate_window_days, 90) as duplicate_window_days,
       coalesce(wp.requires_files, false) as requires_files,
       (now() at time zone d.time_zone)::date as today,
       (coalesce(o.work_done_at, o.opened_at) at time zone d.time_zone)::date as repair_date,
       o.work_done_at is not null as repair_done,
       (select count(*) from warranty_claim_file f
         where f.dealer_id = c.dealer_id and f.claim_id = c.id) as files,
       (select array_agg(x.number order by x.id) from warranty_claim x
         where x.dealer_id = c.dealer_id and x.id <> c.id and x.vin = c.vin
           and x.fault_code = c.fault_code and x.status <> 'cancelled'
           and abs(x.fault_date - c.fault_date) <= coalesce(wp.duplicate_window_days, 90))
         as duplicates,
       (select array_agg(distinct n.dealer_code) from warranty_network_claims(c.dealer_id, c.vin) n
         where n.fault_code = c.fault_code
           and abs(n.fault_date - c.fault_date) <= coalesce(wp.duplicate_window_days, 90))
         as duplicates_elsewhere
  from warranty_claim c
  join repair_order o on o.dealer_id = c.dealer_id and o.id = c.repair_order_id
  join dealer d on d.id = c.dealer_id
  join region r on r.id = d.region_id
  left join warranty_policy wp on wp.manufacturer_id = r.manufacturer_id
 where c.dealer_id = $1 and c.id = $2
"""

LINES_SQL = """
select cl.id, cl.kind, cl.repair_order_line_id, cl.operation_id, cl.part_id, cl.quantity,
       cl.hours, cl.standard_hours, cl.description,
       l.pay_type, l.status as line_status,
       (select coalesce(sum(pr.quantity - pr.returned_qty), 0) from parts_request pr
         where pr.dealer_id = cl.dealer_id and pr.repair_order_line_id = cl.repair_order_line_id
           and pr.status in ('issued', 'returned')) as issued
  from warranty_claim_line cl
  left join repair_order_line l on l.dealer_id = cl.dealer_id and l.id = cl.repair_order_line_id
 where cl.dealer_id = $1 and cl.claim_id = $2
 order by cl.id
"""


def _line_issues(claim: Any, line: Any, eligibility: Eligibility | None) -> list[Issue]:
    issues: list[Issue] = []
    line_id: int = line["id"]
    if line["line_status"] in ("declined", "cancelled"):
        issues.append(
            Issue("LINE_WITHDRAWN", True, "The order line was declined or cancelled", line_id)
        )
        return issues
    if line["pay_type"] != "warranty":
        issues.append(
            Issue("LINE_NOT_WARRANTY", True, "The order line is no longer warranty", line_id)
        )
        return issues
    if line["kind"] == "labour":
        standard, hours = line["standard_hours"], line["hours"]
        if standard is None:
            issues.append(
                Issue(
                    "LABOUR_WITHOUT_STANDARD",
                    False,
                    "Labour without a catalog operation has no standard hours",
                    line_id,
                )
            )
        elif hours is not None and hours > standard:
            blocking = hours > standard * HOURS_BLOCKING_FACTOR
            issues.append(
                Issue(
                    "HOURS_FAR_ABOVE_STANDARD" if blocking else "HOURS_ABOVE_STANDARD",
                    blocking,
                    f"{hours} h claimed, standard {standard} h"
                    + (f" (more than {HOURS_BLOCKING_FACTOR} times)" if blocking else ""),
                    line_id,
                    {"hours": str(hours), "standardHours": str(standard)},
                )
            )
    elif line["part_id"] is not None and line["issued"] < line["quantity"]:
        issues.append(
            Issue(
                "PART_NOT_ISSUED",
                True,
                f"{line['quantity']} claimed, {line['issued']} issued to the order line",
                line_id,
                {"claimed": str(line["quantity"]), "issued": str(line["issued"])},
            )
        )
    goodwill = claim["claim_type"] == "goodwill"
    if eligibility is None or eligibility.covered is not True:
        reason = eligibility.reason if eligibility is not None else "NOT_WARRANTY"
        undecided = eligibility is not None and eligibility.covered is None
        code = (
            "GOODWILL_OUTSIDE_TERMS"
            if goodwill
            else ("ELIGIBILITY_UNDECIDED" if undecided else "OUTSIDE_TERMS")
        )
        issues.append(
            Issue(code, not goodwill, f"Not covered: {reason}", line_id, {"reason": reason})
        )
    elif not goodwill:
        expected = _TYPE_OF_REASON[eligibility.reason]
        same_campaign = (
            expected != "campaign"
            or eligibility.campaign is None
            or eligibility.campaign.id == claim["campaign_id"]
        )
        if expected != claim["claim_type"] or not same_campaign:
            params: dict[str, Any] = {"reason": eligibility.reason, "expectedType": expected}
            if eligibility.campaign is not None:
                params["campaignCode"] = eligibility.campaign.code
            issues.append(
                Issue(
                    "CLAIM_TYPE_MISMATCH",
                    True,
                    f"The line is covered as {expected}, not as {claim['claim_type']}",
                    line_id,
                    params,
                )
            )
    return issues


def _claim_issues(claim: Any, has_lines: bool) -> list[Issue]:
    issues: list[Issue] = []
    if not has_lines:
        issues.append(Issue("NO_LINES", True, "The claim has no lines"))
    for name, code in (
        ("complaint", "COMPLAINT_MISSING"),
        ("cause", "CAUSE_MISSING"),
        ("correction", "CORRECTION_MISSING"),
    ):
        if not claim[name].strip():
            issues.append(Issue(code, True, f"The {name} is missing"))
    if claim["claim_type"] in ("standard", "goodwill") and claim["causal_part_id"] is None:
        issues.append(Issue("CAUSAL_PART_MISSING", True, "Name the causal part"))
    if claim["duplicates"]:
        issues.append(
            Issue(
                "DUPLICATE_CLAIM",
                True,
                f"Same VIN and fault as {', '.join(claim['duplicates'])}",
                params={
                    "claimNumbers": list(claim["duplicates"]),
                    "windowDays": claim["duplicate_window_days"],
                },
            )
        )
    if claim["duplicates_elsewhere"]:
        issues.append(
            Issue(
                "DUPLICATE_CLAIM_ELSEWHERE",
                True,
                f"Same VIN and fault claimed at {', '.join(claim['duplicates_elsewhere'])}",
                params={
                    "dealerCodes": sorted(claim["duplicates_elsewhere"]),
                    "windowDays": claim["duplicate_window_days"],
                },
            )
        )
    if not claim["repair_done"]:
        issues.append(Issue("REPAIR_NOT_FINISHED", False, "The repair is not finished yet"))
    deadline: date = claim["repair_date"] + timedelta(days=claim["claim_deadline_days"])
    today: date = claim["today"]
    if claim["submission_count"] == 0:
        deadline_params = {"deadline": deadline.isoformat(), "days": claim["claim_deadline_days"]}
        if today > deadline:
            issues.append(
                Issue(
                    "PAST_DEADLINE",
                    True,
                    f"The claim deadline was {deadline.isoformat()}",
                    params=deadline_params,
                )
            )
        elif (deadline - today).days <= DEADLINE_NEAR_DAYS:
            issues.append(
                Issue(
                    "DEADLINE_NEAR",
                    False,
                    f"Submit by {deadline.isoformat()}",
                    params=deadline_params,
                )
            )
    if claim["files"] == 0:
        if claim["requires_files"]:
            issues.append(Issue("FILES_REQUIRED", True, "The manufacturer wants photos or files"))
        else:
            issues.append(Issue("NO_FILES", False, "No photos or files attached"))
    return issues


async def check_claim(connection: asyncpg.Connection, dealer_id: int, claim_id: int) -> CheckResult:
    """Every check on the claim as it stands (call under the claim's lock to submit)."""
    claim = await connection.fetchrow(CLAIM_SQL, dealer_id, claim_id)
    if claim is None:
        raise RecordNotFound("Warranty claim")
    lines = await connection.fetch(LINES_SQL, dealer_id, claim_id)
    eligibility = await line_eligibility(
        connection,
        dealer_id,
        [r["repair_order_line_id"] for r in lines if r["repair_order_line_id"] is not None],
    )
    issues = _claim_issues(claim, bool(lines))
    for line in lines:
        issues.extend(_line_issues(claim, line, eligibility.get(line["repair_order_line_id"])))
    # Blocking first, then by line, in the order found.
    ordered = sorted(issues, key=lambda i: not i.blocking)
    return CheckResult(tuple(ordered))
