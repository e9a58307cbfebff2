"""The role catalog: what each after-sales post may do, must do, and may approve.

Encodes section 2 of the domain digest (shared/domain.md) as data, so the
enforcer, the UI (en/zh labels) and later features read one source. A dealer
adapts it through audited overrides (``policies.overrides``); the catalog itself
changes only with the code.

- ``PERMISSIONS``: every object:action the product knows, with en/zh labels.
- ``DUTIES``: work queues a role owns (who must act), distinct from permissions
  (who may act); casbin sees them as object ``duty:<key>``, action ``own``.
- ``LIMITS``: authority limits in CNY (how far a role may go on its own).
- ``ROLES``: the posts, each with its permissions, duties and limits.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

Scope = Literal["dealer", "region", "manufacturer"]
Effect = Literal["allow", "deny"]

CATALOG_DOMAIN = "*"
"""Casbin domain of catalog defaults: they apply in every dealer."""

DUTY_ACTION = "own"
"""Casbin action of a duty line: ``p, role:x, *, duty:<key>, own, allow``."""

EXTERNAL_SUPERIORS = frozenset({"board", "finance", "manufacturer"})
"""Whom a post may report to outside the after-sales catalog."""


@dataclass(frozen=True)
class Permission:
    object: str
    action: str
    name: str
    name_zh: str

    @property
    def key(self) -> str:
        return f"{self.object}:{self.action}"


@dataclass(frozen=True)
class Duty:
    """A work queue a role owns: items land in the queue of its holders."""

    key: str
    name: str
    name_zh: str
    description: str

    @property
    def object(self) -> str:
        return duty_object(self.key)


@dataclass(frozen=True)
class AuthorityLimit:
    """An amount up to which a role decides alone; above it the next level decides."""

    key: str
    name: str
    name_zh: str
    description: str
    currency: str = "CNY"


@dataclass(frozen=True)
class Role:
    key: str
    name: str
    name_zh: str
    reports_to: str | None
    scope: Scope
    permissions: frozenset[tuple[str, str]]
    duties: frozenset[str]
    limits: Mapping[str, Decimal] = field(default_factory=dict, hash=False, compare=False)
    aliases_zh: tuple[str, ...] = ()
    """The seeds' other names for the same post, for search and imports."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "limits", MappingProxyType(dict(self.limits)))

    @property
    def subject(self) -> str:
        return role_subject(self.key)

    def allows(self, object: str, action: str) -> bool:
        return (object, action) in self.permissions


def role_subject(role: str) -> str:
    return f"role:{role}"


def duty_object(duty: str) -> str:
    return f"duty:{duty}"


# --- permissions -------------------------------------------------------------------

_PERMISSION_ROWS: tuple[tuple[str, str, str, str], ...] = (
    # network and administration
    ("network.dealer", "read", "View dealer profile", "查看经销商信息"),
    ("network.dealer", "update", "Edit dealer profile", "修改经销商信息"),
    ("network.staff", "read", "View staff and roles", "查看员工与岗位"),
    ("network.staff", "manage", "Manage staff and roles", "管理员工与岗位"),
    ("network.headcount", "read", "View planned headcount", "查看岗位编制"),
    ("network.headcount", "manage", "Plan headcount", "制定岗位编制"),
    ("policy", "read", "View role permissions", "查看岗位权限"),
    ("policy", "manage", "Change role permissions for the dealer", "调整本店岗位权限"),
    ("audit_log", "read", "View audit log", "查看审计日志"),
    ("api_key", "read", "View API keys", "查看接口密钥"),
    ("api_key", "manage", "Create and revoke API keys", "创建和吊销接口密钥"),
    ("budget", "read", "View after-sales budget", "查看售后预算"),
    ("budget", "approve", "Approve budgets", "审批预算"),
    ("kpi", "read", "View KPIs", "查看考核指标"),
    ("kpi", "set_target", "Set targets", "制定经营目标"),
    ("technician_grade", "read", "View technician grades", "查看技师等级"),
    ("technician_grade", "update", "Change technician grades", "评定技师等级"),
    ("training", "read", "View training records", "查看培训记录"),
    ("training", "record", "Record training", "登记培训"),
    # customers and front desk
    ("customer", "read", "View customer records", "查看客户档案"),
    ("customer", "create", "Create customer records", "建立客户档案"),
    ("customer", "update", "Edit customer records", "修改客户档案"),
    ("vehicle", "read", "View vehicle records", "查看车辆档案"),
    ("vehicle", "create", "Create vehicle records", "建立车辆档案"),
    ("vehicle", "update", "Edit vehicle records", "修改车辆档案"),
    ("appointment", "read", "View appointments", "查看预约"),
    ("appointment", "create", "Book appointments", "登记预约"),
    ("appointment", "update", "Change appointments", "修改预约"),
    ("appointment", "confirm", "Confirm appointments", "确认预约"),
    ("appointment", "cancel", "Cancel appointments", "取消预约"),
    ("repair_order", "read", "View repair orders", "查看维修工单"),
    ("repair_order", "create", "Open repair orders", "开具维修工单"),
    ("repair_order", "update", "Edit repair orders", "修改维修工单"),
    ("repair_order", "add_items", "Add customer-approved work", "追加维修项目"),
    ("repair_order", "deliver", "Deliver the vehicle", "交车"),
    ("quotation", "read", "View quotations", "查看报价单"),
    ("quotation", "create", "Prepare quotations", "制作报价单"),
    ("quotation", "approve", "Approve quotations above the advisor's limit", "审批超限报价"),
    # workshop
    ("dispatch", "read", "View dispatch", "查看派工"),
    ("dispatch", "assign", "Dispatch jobs", "派工"),
    ("dispatch", "reassign", "Reassign jobs", "调整派工"),
    ("workshop_board", "read", "View workshop control board", "查看维修管理看板"),
    ("workshop_board", "update", "Update workshop control board", "更新维修管理看板"),
    ("job_clock", "read", "View job clock", "查看工时记录"),
    ("job_clock", "record", "Clock on and off jobs", "登记维修工时"),
    ("quality_check", "read", "View quality checks", "查看质量检验"),
    ("quality_check", "self_check", "Record self check", "自检"),
    ("quality_check", "team_check", "Record team check", "互检"),
    ("quality_check", "final_check", "Record final check", "总检"),
    ("quality_check", "spot_check", "Spot-check finished cars", "抽检"),
    ("quality_check", "send_to_rework", "Send a car back to rework", "退回返修"),
    ("road_test", "read", "View road tests", "查看路试记录"),
    ("road_test", "record", "Record road tests", "登记路试"),
    ("pdi_inspection", "read", "View pre-delivery inspections", "查看PDI检查"),
    ("pdi_inspection", "record", "Record pre-delivery inspections", "登记PDI检查"),
    ("rescue_call", "read", "View rescue calls", "查看救援记录"),
    ("rescue_call", "create", "Log rescue calls", "登记救援"),
    ("rescue_call", "update", "Update rescue calls", "更新救援记录"),
    ("tool_register", "read", "View special tools register", "查看专用工具台账"),
    ("tool_register", "lend", "Lend and take back tools", "工具借还登记"),
    ("tool_register", "manage", "Manage tools and calibration", "管理工具与校验"),
    # settlement
    ("settlement", "read", "View settlements", "查看结算单"),
    ("settlement", "create", "Prepare settlements", "制作结算单"),
    ("settlement", "collect", "Collect payment", "收款"),
    ("settlement", "hand_over", "Daily cash count and hand-over", "日结交接"),
    # parts
    ("parts_catalog", "read", "View parts catalog and bins", "查看配件目录与货位"),
    ("parts_catalog", "update", "Edit bins and part data", "维护货位与配件资料"),
    ("parts_stock", "read", "View parts stock", "查看配件库存"),
    ("parts_stock", "adjust", "Adjust stock", "库存调整"),
    ("parts_stock", "set_quota", "Set min/max stock quotas", "设定储备上下限"),
    ("parts_plan", "read", "View parts plans", "查看订货计划"),
    ("parts_plan", "create", "Draft parts plans", "编制订货计划"),
    ("parts_plan", "review", "Review parts plans", "审核订货计划"),
    ("parts_plan", "approve", "Approve parts plans", "审批订货计划"),
    ("purchase_order", "read", "View purchase orders", "查看采购订单"),
    ("purchase_order", "create", "Place purchase orders", "下达采购订单"),
    ("purchase_order", "approve", "Approve purchase orders", "审批采购订单"),
    ("parts_receipt", "read", "View parts receipts", "查看入库单"),
    ("parts_receipt", "create", "Receive parts", "配件入库验收"),
    ("parts_receipt", "refuse", "Refuse a faulty delivery", "拒收"),
    ("parts_issue", "read", "View parts issues", "查看出库单"),
    ("parts_issue", "request", "Request parts for a job", "领料申请"),
    ("parts_issue", "countersign", "Countersign a parts request", "领料会签"),
    ("parts_issue", "warranty_sign", "Sign a warranty job's parts request", "索赔领料签字"),
    ("parts_issue", "issue", "Issue parts", "发料"),
    ("parts_count", "read", "View stock counts", "查看盘点"),
    ("parts_count", "record", "Record stock counts", "登记盘点"),
    ("parts_count", "approve", "Confirm stock counts", "确认盘点结果"),
    ("parts_write_off", "read", "View write-offs", "查看报损"),
    ("parts_write_off", "request", "Request a write-off", "申请报损"),
    ("parts_write_off", "approve", "Sign a write-off", "报损会签"),
    ("parts_transfer", "read", "View transfers", "查看调拨"),
    ("parts_transfer", "request", "Request a transfer", "申请调拨"),
    ("parts_transfer", "approve", "Approve a transfer", "审批调拨"),
    ("old_parts", "read", "View old parts ledger", "查看旧件台账"),
    ("old_parts", "receive", "Receive old parts", "旧件入库"),
    ("old_parts", "ship", "Ship claimed parts to the manufacturer", "旧件返厂"),
    ("old_parts", "release", "Hand old parts to the customer", "旧件交还客户"),
    ("old_parts", "inspect", "Inspect returned warranty parts", "鉴定返厂旧件"),
    # warranty
    ("warranty_claim", "read", "View warranty claims", "查看索赔申请"),
    ("warranty_claim", "create", "Prepare warranty claims", "填写索赔申请"),
    ("warranty_claim", "determine", "Determine a claim event", "索赔事件最终认定"),
    ("warranty_claim", "submit", "Submit claims to the manufacturer", "提交索赔申请"),
    ("warranty_review", "read", "View manufacturer claim decisions", "查看厂家索赔审核"),
    ("warranty_review", "decide", "Approve, reject or return claims", "审核索赔申请"),
    ("quality_feedback", "read", "View quality information reports", "查看质量信息反馈"),
    ("quality_feedback", "submit", "Submit quality information", "提交质量信息反馈"),
    # customer care
    ("revisit", "read", "View follow-up calls", "查看回访"),
    ("revisit", "record", "Record follow-up calls", "登记回访"),
    ("revisit", "assign", "Reassign follow-up calls", "分派回访"),
    ("revisit", "check_contact", "Check a failed revisit's contact data", "核实回访失败的客户信息"),
    ("care_settings", "read", "View follow-up and complaint rules", "查看回访与投诉规则"),
    (
        "care_settings",
        "manage",
        "Set call windows, follow-up and complaint rules",
        "设置回访时段与投诉规则",
    ),
    ("complaint", "read", "View complaints", "查看投诉"),
    ("complaint", "read_severe", "View the region's severe complaints", "查看大区强烈投诉"),
    ("complaint", "create", "Open complaint tickets", "登记投诉"),
    ("complaint", "route", "Route complaints to a department", "分派投诉"),
    ("complaint", "resolve", "Record a complaint's resolution", "处理投诉"),
    ("complaint", "close", "Close complaints after the customer confirms", "关闭投诉"),
    ("reminder", "read", "View customer reminders", "查看客户提醒"),
    ("reminder", "create", "Create customer reminders", "发送客户提醒"),
    ("campaign", "read", "View recalls and campaigns", "查看召回与服务活动"),
    ("campaign", "manage", "Publish recalls and campaigns", "发布召回与服务活动"),
    ("campaign", "notify", "Notify customers of campaigns", "通知客户参加活动"),
    ("bulletin", "read", "View technical bulletins", "查看技术通报"),
    ("bulletin", "publish", "Publish technical bulletins", "发布技术通报"),
    ("bulletin", "distribute", "Distribute bulletins internally", "内部传达技术通报"),
    # reporting and oversight
    ("report", "read", "View reports", "查看报表"),
    ("report", "submit_daily", "Submit daily reports", "提交日报"),
    ("report", "submit_monthly", "Submit monthly reports", "提交月报"),
    ("dealer_audit", "read", "View dealer audits and scores", "查看巡查考核"),
    ("dealer_audit", "create", "Audit and score dealers", "巡查考核经销商"),
    ("dealer_audit", "respond", "Answer audit findings with the fix", "整改巡查问题"),
    ("kpi_target", "manage", "Set the manufacturer's KPI targets", "制定厂家考核目标"),
)

PERMISSIONS: Mapping[tuple[str, str], Permission] = MappingProxyType(
    {(o, a): Permission(o, a, en, zh) for o, a, en, zh in _PERMISSION_ROWS}
)
OBJECTS: frozenset[str] = frozenset(o for o, _ in PERMISSIONS)


# --- duties --------------------------------------------------------------------------

# fmt: off
_DUTY_ROWS: tuple[tuple[str, str, str, str], ...] = (
    ("company_targets", "Company targets", "公司经营目标", "Sets and tracks the dealer's targets."),
    ("complaint_routing", "Complaint routing", "投诉工联单分派",
     "Receives complaint tickets and routes them to a department with a deadline."),
    ("aftersales_targets", "After-sales targets", "售后经营目标",
     "Revenue, CSI and market-share targets of the after-sales department."),
    ("process_discipline", "Process and 5S/6S discipline", "流程与5S/6S管理",
     "Keeps the service process and the workplace standard."),
    ("staff_reviews", "Staff reviews", "员工考核", "Weighted duty reviews of the department."),
    ("major_complaints", "Major complaints and disputes", "重大投诉与纠纷",
     "Handles major complaints and disputes."),
    ("parts_plan_approval", "Parts plan approval", "订货计划审批",
     "Approves parts plans reviewed by the parts manager."),
    ("write_off_approval", "Write-off approval", "报损会签",
     "One of three signers of a parts write-off."),
    ("daily_tracking", "Daily front-desk tracking", "前台日常跟踪",
     "Tracks the day's open orders and promised times."),
    ("escalated_complaints", "Escalated complaints", "升级投诉",
     "Complaints beyond an advisor's authority."),
    ("quality_information", "Quality information reports", "质量信息报告",
     "Reports quality information to the manufacturer."),
    ("lapsed_customer_analysis", "Lapsed customers", "到期未来厂分析",
     "Analyses why vehicles due for service did not return."),
    ("appointment_confirmation", "Appointment confirmation", "预约确认",
     "Confirms the next day's appointments with workshop, parts, claims and the customer."),
    ("reception", "Reception", "接待", "Receives cars: walk-around, diagnosis, quotation, order."),
    ("progress_tracking", "Job progress", "维修进度跟踪",
     "Tracks the cars it received and gets consent for additional work."),
    ("vehicle_delivery", "Vehicle delivery", "交车",
     "Delivers the cars it received and explains the invoice."),
    ("customer_group", "Own customer group", "一对一客户维系",
     "Lifelong owner of a group of customers."),
    ("appointment_booking", "Phone appointments", "电话预约",
     "Answers phones and keeps the daily appointment sheet."),
    ("customer_lounge", "Customer lounge", "客户休息区", "Looks after waiting customers."),
    ("claim_submission", "Claim submission", "索赔申请提交",
     "Judges eligibility, fills and submits claim applications."),
    ("claim_archive", "Claim archive", "索赔档案",
     "Keeps claim records for the manufacturer's audits."),
    ("claimed_parts_shipment", "Claimed parts shipment", "索赔件回运",
     "Tags, stores and ships claimed parts back on the manufacturer's schedule."),
    ("batch_failure_reports", "Batch failure reports", "批量故障报告",
     "Reports repeated failures of one kind."),
    ("warranty_reconciliation", "Warranty reconciliation", "三包费用结算",
     "Reconciles warranty money with finance."),
    ("warranty_parts_signoff", "Warranty parts sign-off", "索赔领料签字",
     "Signs before a warranty job's parts are issued."),
    ("dispatch_queue", "Dispatch", "派工", "Dispatches jobs and balances the workshop load."),
    ("workshop_board", "Workshop control board", "维修管理看板",
     "Keeps the workshop board and repair schedule current."),
    ("workshop_safety", "Workshop safety", "车间安全", "Safety and 5S/6S in the workshop."),
    ("hard_diagnosis", "Hard diagnoses", "疑难故障诊断",
     "Technical support on faults advisors and technicians cannot solve."),
    ("spot_checks", "Spot checks", "抽检", "Spot-checks finished cars."),
    ("technical_bulletins", "Technical bulletins", "技术通报传达",
     "Distributes the manufacturer's bulletins internally."),
    ("technician_training", "Technician training", "技师培训与定级",
     "Trains and grades technicians."),
    ("team_assignment", "Team work assignment", "班组派工", "Assigns work within the team."),
    ("team_check", "Team check", "互检", "Checks the team's finished work."),
    ("repair_jobs", "Repair jobs", "维修作业", "Repairs per the order and self-checks."),
    ("final_inspection", "Final inspection", "总检", "Final check before delivery."),
    ("rework_statistics", "Rework statistics", "返修统计", "Counts and analyses rework."),
    ("road_tests", "Road tests", "路试", "Road tests before and after repair."),
    ("pdi", "Pre-delivery inspection", "PDI检查", "Inspects new cars before delivery."),
    ("rescue_calls", "Rescue calls", "24小时救援", "Answers roadside rescue calls."),
    ("tool_register", "Tool register", "工具借还", "Lends numbered tools; same-day return."),
    ("parts_plan_review", "Parts plan review", "订货计划审核",
     "Reviews the planner's parts plans."),
    ("stock_quotas", "Stock quotas", "储备定额", "Keeps min/max quotas, turnover, no dead stock."),
    ("emergency_orders", "Emergency orders", "紧急订货",
     "Orders missing parts by the fast channel."),
    ("parts_monthly_report", "Parts monthly report", "配件月报", "Monthly parts report."),
    ("parts_planning", "Parts planning", "配件计划", "Monthly plans and order forms."),
    ("parts_receiving", "Parts receiving", "配件入库验收", "Counts and checks deliveries."),
    ("parts_issuing", "Parts issuing", "配件发料", "Issues parts against signed requests, FIFO."),
    ("stock_counts", "Stock counts", "库存盘点", "Daily, monthly and quarterly counts."),
    ("old_parts_ledger", "Old parts ledger", "旧件台账", "Ledger, card and stock agree."),
    ("supplier_returns", "Supplier returns", "供应商退货", "Returns defective parts to suppliers."),
    ("csi_monitoring", "Customer satisfaction", "客户满意度监控", "Monitors CSI and analyses it."),
    ("complaint_follow_up", "Complaint follow-up", "投诉跟踪",
     "Checks complaints are resolved by the agreed time and confirmed."),
    ("campaign_notifications", "Campaign notifications", "活动与召回通知",
     "Notifies customers of recalls and campaigns."),
    ("revisit_calls", "Follow-up calls", "回访", "Calls every serviced customer within days."),
    ("maintenance_reminders", "Maintenance reminders", "保养提醒",
     "Reminds customers of maintenance, insurance and warranty dates."),
    ("daily_report", "Daily report", "日报", "Daily report from repair orders."),
    ("monthly_report", "Monthly report", "月报",
     "Monthly operating report to the manufacturer by its deadline."),
    ("weekly_quality_report", "Weekly quality report", "服务质量周报",
     "Weekly service-quality report with photos."),
    ("cash_settlement", "Cash settlement", "收银结算", "Takes payment for settlements."),
    ("cash_handover", "Cash hand-over", "日结交接", "Daily cash count and hand-over."),
    ("dealer_oversight", "Dealer oversight", "经销商督导", "Oversees the dealers of a region."),
    ("dealer_audits", "Dealer audits", "巡查考核", "Audits and scores dealers."),
    ("warranty_review", "Warranty review", "索赔审核", "Decides warranty claims."),
    ("returned_parts_inspection", "Returned parts inspection", "旧件鉴定",
     "Inspects returned warranty parts."),
)

# fmt: on
DUTIES: Mapping[str, Duty] = MappingProxyType({row[0]: Duty(*row) for row in _DUTY_ROWS})


# --- authority limits --------------------------------------------------------------

LIMITS: Mapping[str, AuthorityLimit] = MappingProxyType(
    {
        limit.key: limit
        for limit in (
            AuthorityLimit(
                "concession",
                "Customer concession",
                "客户让步权限",
                "Goodwill an employee may grant a customer without escalation.",
            ),
            AuthorityLimit(
                "quotation_approval",
                "Quotation approval",
                "报价审批权限",
                "Largest quotation a role issues on its own; above it the service manager.",
            ),
            AuthorityLimit(
                "purchase_order_approval",
                "Purchase order approval",
                "采购审批权限",
                "Largest parts order a role approves on its own.",
            ),
        )
    }
)


# --- roles ---------------------------------------------------------------------------


def _perms(*specs: str) -> frozenset[tuple[str, str]]:
    """``"repair_order: read create"`` -> {(repair_order, read), (repair_order, create)}."""
    pairs: set[tuple[str, str]] = set()
    for spec in specs:
        obj, _, actions = spec.partition(":")
        for action in actions.split():
            pairs.add((obj.strip(), action))
    return frozenset(pairs)


def _cny(amount: int) -> Decimal:
    return Decimal(amount).quantize(Decimal("0.01"))


_STAFF = ("network.dealer: read", "bulletin: read")

# fmt: off
_ROLE_LIST: tuple[Role, ...] = (
    Role(
        "general_manager", "General manager", "总经理", "board", "dealer",
        _perms(
            *_STAFF, "network.dealer: update", "network.staff: read manage",
            "network.headcount: read manage", "policy: read", "audit_log: read", "api_key: read",
            "budget: read approve", "kpi: read set_target", "customer: read", "vehicle: read",
            "appointment: read", "repair_order: read", "quotation: read approve",
            "dispatch: read", "workshop_board: read", "settlement: read", "parts_stock: read",
            "parts_plan: read", "parts_write_off: read", "warranty_claim: read",
            "quality_feedback: read", "revisit: read", "care_settings: read manage",
            "complaint: read create route resolve close", "campaign: read", "report: read",
            "dealer_audit: read",
        ),
        frozenset({"company_targets", "complaint_routing"}),
        {"concession": _cny(20_000), "quotation_approval": _cny(1_000_000)},
    ),
    Role(
        "service_manager", "Service manager", "服务经理", "general_manager", "dealer",
        _perms(
            *_STAFF, "network.staff: read manage", "network.headcount: read manage",
            "policy: read manage", "audit_log: read", "api_key: read manage", "budget: read",
            "kpi: read set_target", "technician_grade: read", "training: read",
            "customer: read create update", "vehicle: read create update", "appointment: read",
            "repair_order: read update", "quotation: read create approve",
            "dispatch: read", "workshop_board: read", "job_clock: read", "quality_check: read",
            "road_test: read", "pdi_inspection: read", "rescue_call: read",
            "tool_register: read", "settlement: read", "parts_catalog: read", "parts_stock: read",
            "parts_plan: read approve", "purchase_order: read approve", "parts_receipt: read",
            "parts_issue: read", "parts_count: read approve", "parts_write_off: read approve",
            "parts_transfer: read approve", "old_parts: read",
            "warranty_claim: read determine", "warranty_review: read",
            "quality_feedback: read submit", "revisit: read assign check_contact",
            "care_settings: read manage",
            "complaint: read create resolve close", "reminder: read", "campaign: read notify",
            "report: read submit_monthly", "dealer_audit: read respond",
        ),
        frozenset({
            "aftersales_targets", "process_discipline", "staff_reviews", "major_complaints",
            "parts_plan_approval", "write_off_approval",
        }),
        {
            "concession": _cny(10_000),
            "quotation_approval": _cny(200_000),
            "purchase_order_approval": _cny(500_000),
        },
        ("售后服务经理", "站长", "维修站站长"),
    ),
    Role(
        "front_desk_supervisor", "Front-desk supervisor", "前台主管", "service_manager", "dealer",
        _perms(
            *_STAFF, "network.staff: read", "kpi: read", "customer: read create update",
            "vehicle: read create update", "appointment: read create update confirm cancel",
            "repair_order: read create update add_items deliver", "quotation: read create",
            "dispatch: read", "workshop_board: read", "settlement: read", "parts_stock: read",
            "parts_issue: read countersign", "warranty_claim: read",
            "quality_feedback: read submit", "revisit: read record assign check_contact",
            "care_settings: read", "complaint: read create resolve", "reminder: read create",
            "campaign: read notify", "report: read submit_daily submit_monthly",
        ),
        frozenset({
            "daily_tracking", "escalated_complaints", "quality_information",
            "lapsed_customer_analysis",
        }),
        {"concession": _cny(2_000), "quotation_approval": _cny(10_000)},
        ("售后服务主管",),
    ),
    Role(
        "service_advisor", "Service advisor", "服务顾问", "front_desk_supervisor", "dealer",
        _perms(
            *_STAFF, "customer: read create update", "vehicle: read create update",
            "appointment: read create update confirm cancel",
            "repair_order: read create update add_items deliver", "quotation: read create",
            "dispatch: read assign", "workshop_board: read", "quality_check: read",
            "road_test: read record", "settlement: read create", "parts_catalog: read",
            "parts_stock: read", "parts_issue: read request countersign", "old_parts: read release",
            "warranty_claim: read", "revisit: read record check_contact", "complaint: read create",
            "reminder: read create", "campaign: read",
        ),
        frozenset({
            "appointment_confirmation", "reception", "progress_tracking", "vehicle_delivery",
            "customer_group",
        }),
        {"concession": _cny(500), "quotation_approval": _cny(10_000)},
        ("业务接待", "前台接待", "事故组服务顾问"),
    ),
    Role(
        "reception_assistant", "Reception assistant", "服务接待", "service_advisor", "dealer",
        _perms(
            *_STAFF, "customer: read create update", "vehicle: read",
            "appointment: read create update", "repair_order: read", "revisit: read record",
            "reminder: read",
        ),
        frozenset({"appointment_booking", "customer_lounge"}),
        aliases_zh=("大厅接待",),
    ),
    Role(
        "warranty_claims_specialist", "Warranty claims specialist", "索赔员",
        "front_desk_supervisor", "dealer",
        _perms(
            *_STAFF, "customer: read", "vehicle: read", "repair_order: read", "quotation: read",
            "settlement: read", "parts_stock: read", "parts_issue: read warranty_sign",
            "parts_write_off: read approve", "old_parts: read receive ship",
            "warranty_claim: read create submit", "warranty_review: read",
            "quality_feedback: read submit", "campaign: read", "report: read",
        ),
        frozenset({
            "claim_submission", "claim_archive", "claimed_parts_shipment",
            "batch_failure_reports", "warranty_reconciliation", "warranty_parts_signoff",
            "write_off_approval",
        }),
        aliases_zh=("索赔专员", "三包索赔员", "三包索赔主管"),
    ),
    Role(
        "workshop_supervisor", "Workshop supervisor", "车间主管", "service_manager", "dealer",
        _perms(
            *_STAFF, "network.staff: read", "kpi: read", "training: read", "customer: read",
            "vehicle: read", "appointment: read", "repair_order: read update",
            "dispatch: read assign reassign", "workshop_board: read update",
            "job_clock: read record", "quality_check: read", "road_test: read",
            "pdi_inspection: read", "rescue_call: read create update", "tool_register: read",
            "parts_stock: read", "parts_issue: read request", "report: read submit_daily",
            "complaint: read resolve",
        ),
        frozenset({"dispatch_queue", "workshop_board", "workshop_safety"}),
        aliases_zh=("车间主任",),
    ),
    Role(
        "technical_director", "Technical director", "技术总监", "service_manager", "dealer",
        _perms(
            "network.dealer: read", "network.staff: read", "kpi: read",
            "bulletin: read distribute", "technician_grade: read update",
            "training: read record", "customer: read", "vehicle: read", "repair_order: read",
            "complaint: read resolve",
            "dispatch: read", "workshop_board: read", "job_clock: read",
            "quality_check: read spot_check send_to_rework", "road_test: read record",
            "parts_catalog: read", "parts_stock: read", "warranty_claim: read",
            "quality_feedback: read submit",
        ),
        frozenset({"hard_diagnosis", "spot_checks", "technical_bulletins", "technician_training"}),
        aliases_zh=("技术主管", "技术专家", "内训师"),
    ),
    Role(
        "team_leader", "Team leader", "维修组长", "workshop_supervisor", "dealer",
        _perms(
            *_STAFF, "vehicle: read", "repair_order: read", "dispatch: read assign",
            "workshop_board: read update", "job_clock: read record",
            "quality_check: read self_check team_check", "parts_issue: read request",
            "tool_register: read",
        ),
        frozenset({"team_assignment", "team_check", "repair_jobs"}),
        aliases_zh=("维修班组长",),
    ),
    Role(
        "technician", "Technician", "维修技师", "team_leader", "dealer",
        _perms(
            *_STAFF, "vehicle: read", "repair_order: read", "workshop_board: read",
            "job_clock: read record", "quality_check: read self_check",
            "parts_issue: read request", "tool_register: read",
        ),
        frozenset({"repair_jobs"}),
        aliases_zh=("机修工", "机电工", "钣金工", "油漆工"),
    ),
    Role(
        "quality_inspector", "Quality inspector", "质检员", "workshop_supervisor", "dealer",
        _perms(
            *_STAFF, "vehicle: read", "repair_order: read", "workshop_board: read",
            "job_clock: read", "quality_check: read final_check send_to_rework",
            "road_test: read record", "report: read",
        ),
        frozenset({"final_inspection", "rework_statistics"}),
        aliases_zh=("质量检验员",),
    ),
    Role(
        "test_driver", "Test driver", "试车员", "workshop_supervisor", "dealer",
        _perms(*_STAFF, "vehicle: read", "repair_order: read", "workshop_board: read",
               "road_test: read record"),
        frozenset({"road_tests"}),
    ),
    Role(
        "pdi_inspector", "PDI inspector", "PDI检查员", "workshop_supervisor", "dealer",
        _perms(*_STAFF, "vehicle: read", "workshop_board: read", "pdi_inspection: read record"),
        frozenset({"pdi"}),
    ),
    Role(
        "rescue_technician", "Rescue technician", "24小时抢修", "workshop_supervisor", "dealer",
        _perms(
            *_STAFF, "customer: read", "vehicle: read", "repair_order: read",
            "rescue_call: read update", "job_clock: read record", "parts_issue: read request",
        ),
        frozenset({"rescue_calls"}),
    ),
    Role(
        "tool_keeper", "Tool keeper", "工具保管员", "workshop_supervisor", "dealer",
        _perms(*_STAFF, "network.staff: read", "tool_register: read lend manage"),
        frozenset({"tool_register"}),
        aliases_zh=("工具设备管理员",),
    ),
    Role(
        "parts_manager", "Parts manager", "配件经理", "service_manager", "dealer",
        _perms(
            *_STAFF, "network.staff: read", "kpi: read", "repair_order: read", "quotation: read",
            "parts_catalog: read update", "parts_stock: read adjust set_quota",
            "parts_plan: read create review", "purchase_order: read create approve",
            "parts_receipt: read create refuse", "parts_issue: read",
            "parts_count: read record approve", "parts_write_off: read request approve",
            "parts_transfer: read request approve", "old_parts: read",
            "report: read submit_monthly", "complaint: read resolve",
        ),
        frozenset({
            "parts_plan_review", "stock_quotas", "emergency_orders", "parts_monthly_report",
            "stock_counts", "write_off_approval",
        }),
        {"purchase_order_approval": _cny(50_000)},
        ("配件主管", "备件主管", "零件经理"),
    ),
    Role(
        "parts_planner", "Parts planner", "配件计划员", "parts_manager", "dealer",
        _perms(
            *_STAFF, "repair_order: read", "parts_catalog: read", "parts_stock: read adjust",
            "parts_plan: read create", "purchase_order: read create",
            "parts_transfer: read request", "report: read",
        ),
        frozenset({"parts_planning"}),
    ),
    Role(
        "warehouse_keeper", "Warehouse keeper", "库管员", "parts_manager", "dealer",
        _perms(
            *_STAFF, "parts_catalog: read update", "parts_stock: read", "purchase_order: read",
            "parts_receipt: read create refuse", "parts_issue: read issue",
            "parts_count: read record", "parts_write_off: read request", "parts_transfer: read",
            "old_parts: read",
        ),
        frozenset({"parts_receiving", "parts_issuing", "stock_counts"}),
        aliases_zh=("仓库管理员", "配件管理员", "配件收发员", "新件库仓管"),
    ),
    Role(
        "old_parts_keeper", "Old-parts keeper", "旧件仓库员", "parts_manager", "dealer",
        _perms(*_STAFF, "warranty_claim: read", "parts_write_off: read request",
               "old_parts: read receive ship release"),
        frozenset({"old_parts_ledger", "supplier_returns"}),
    ),
    Role(
        "customer_relations_manager", "Customer relations manager", "客服经理",
        "service_manager", "dealer",
        _perms(
            *_STAFF, "network.staff: read", "kpi: read", "customer: read update",
            "vehicle: read", "appointment: read", "repair_order: read",
            "revisit: read record assign check_contact", "care_settings: read manage",
            "complaint: read create resolve close", "reminder: read create",
            "campaign: read notify", "report: read submit_monthly",
        ),
        frozenset({"csi_monitoring", "complaint_follow_up", "campaign_notifications"}),
        aliases_zh=("客户关系中心主管", "DCRC经理"),
    ),
    Role(
        "customer_service_specialist", "Customer service specialist", "客服专员",
        "customer_relations_manager", "dealer",
        _perms(
            *_STAFF, "customer: read create update", "vehicle: read create update",
            "appointment: read create update confirm cancel", "repair_order: read",
            "revisit: read record", "complaint: read create close", "reminder: read create",
            "campaign: read notify", "care_settings: read",
        ),
        frozenset({
            "revisit_calls", "complaint_follow_up", "appointment_booking", "maintenance_reminders",
        }),
        aliases_zh=("回访专员", "预约专员", "客服代表", "DCRC专员"),
    ),
    Role(
        "information_officer", "Information officer", "信息员", "service_manager", "dealer",
        _perms(
            *_STAFF, "kpi: read", "customer: read", "vehicle: read", "appointment: read",
            "repair_order: read", "settlement: read", "parts_stock: read",
            "reminder: read create", "report: read submit_daily submit_monthly",
            "revisit: read", "complaint: read",
        ),
        frozenset({"daily_report", "monthly_report", "weekly_quality_report",
                   "maintenance_reminders"}),
        aliases_zh=("数据分析员",),
    ),
    Role(
        "cashier", "Cashier", "收银员", "finance", "dealer",
        _perms(*_STAFF, "customer: read", "repair_order: read",
               "settlement: read collect hand_over"),
        frozenset({"cash_settlement", "cash_handover"}),
        aliases_zh=("前台结算员",),
    ),
    Role(
        # Reads every dealer of its region; decides claims where the manufacturer
        # delegates it; writes nothing of a dealer's own work (no repair orders).
        "regional_manager", "Regional manager", "大区服务主管", "manufacturer", "region",
        _perms(
            "network.dealer: read", "network.staff: read", "network.headcount: read",
            "kpi: read", "training: read record", "bulletin: read publish",
            "campaign: read manage", "customer: read", "vehicle: read", "appointment: read",
            "repair_order: read", "quotation: read", "settlement: read", "parts_stock: read",
            "parts_plan: read", "purchase_order: read", "parts_transfer: read",
            "warranty_claim: read", "warranty_review: read decide", "quality_feedback: read",
            "revisit: read", "complaint: read read_severe", "report: read",
            "dealer_audit: read create", "kpi_target: manage",
        ),
        frozenset({"dealer_oversight", "dealer_audits", "warranty_review"}),
    ),
    Role(
        "manufacturer_warranty_technician", "Manufacturer warranty technician", "三包技术员",
        "manufacturer", "manufacturer",
        _perms(
            "network.dealer: read", "bulletin: read", "vehicle: read", "repair_order: read",
            "warranty_claim: read", "warranty_review: read decide", "old_parts: read inspect",
            "quality_feedback: read",
        ),
        frozenset({"warranty_review", "returned_parts_inspection"}),
    ),
    Role(
        # A partner system's API key: bookings and records, nothing that approves.
        "partner_integration", "Partner integration", "合作伙伴接口", None, "dealer",
        _perms(
            "network.dealer: read", "customer: read create update", "vehicle: read create update",
            "appointment: read create update cancel", "repair_order: read",
            "parts_catalog: read", "parts_stock: read",
        ),
        frozenset(),
    ),
)

# fmt: on
ROLES: Mapping[str, Role] = MappingProxyType({role.key: role for role in _ROLE_LIST})

DEALER_ROLES: frozenset[str] = frozenset(k for k, r in ROLES.items() if r.scope == "dealer")
"""Roles a dealer may grant and adapt; region and manufacturer roles are not the dealer's."""

WRITE_OFF_CAPACITIES: Mapping[str, str] = MappingProxyType(
    {
        "service_manager": "service_manager",
        "claims_supervisor": "warranty_claims_specialist",
        "parts_manager": "parts_manager",
    }
)
"""The three signers of a parts write-off (报损): capacity -> role that may sign in it."""


def _check() -> None:
    """Fail at import when the catalog refers to something it does not define."""
    for role in ROLES.values():
        unknown = role.permissions - PERMISSIONS.keys()
        if unknown:
            raise ValueError(f"{role.key}: unknown permissions {sorted(unknown)}")
        if role.duties - DUTIES.keys():
            raise ValueError(f"{role.key}: unknown duties {sorted(role.duties - DUTIES.keys())}")
        if set(role.limits) - LIMITS.keys():
            raise ValueError(f"{role.key}: unknown limits {sorted(role.limits)}")
        if role.reports_to is not None and role.reports_to not in (
            ROLES.keys() | EXTERNAL_SUPERIORS
        ):
            raise ValueError(f"{role.key}: reports to unknown {role.reports_to}")
    for capacity_role in WRITE_OFF_CAPACITIES.values():
        if not ROLES[capacity_role].allows("parts_write_off", "approve"):
            raise ValueError(f"{capacity_role} signs write-offs but lacks parts_write_off:approve")


_check()


def catalog_policy_lines() -> Iterator[tuple[str, ...]]:
    """The catalog as casbin ``p`` rules (without the ``p`` ptype), domain ``*``.

    Duties become ``duty:<key>, own`` so "who owns this queue" is answered by the
    same enforcer, and a dealer's duty override is just another line.
    """
    for role in ROLES.values():
        subject = role.subject
        for obj, action in sorted(role.permissions):
            yield (subject, CATALOG_DOMAIN, obj, action, "allow")
        for duty in sorted(role.duties):
            yield (subject, CATALOG_DOMAIN, duty_object(duty), DUTY_ACTION, "allow")
