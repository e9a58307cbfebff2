import type { Viewer } from './session';

/** Whether the viewer holds `object:action` at the current dealer. */
export function can(viewer: Viewer, object: string, action: string): boolean {
  return viewer.permissions.some((p) => p.object === object && p.action === action);
}

export interface Requirement {
  object: string;
  action: string;
}

export interface NavEntry {
  path: string;
  label:
    | 'nav.myAccess'
    | 'nav.appointments'
    | 'nav.reception'
    | 'nav.repairOrders'
    | 'nav.workshopBoard'
    | 'nav.dispatch'
    | 'nav.myJobs'
    | 'nav.partsStock'
    | 'nav.purchaseOrders'
    | 'nav.reorder'
    | 'nav.transfers'
    | 'nav.receiving'
    | 'nav.issueQueue'
    | 'nav.stockCounts'
    | 'nav.writeOffs'
    | 'nav.partsKpis'
    | 'nav.regionParts'
    | 'nav.warrantyClaims'
    | 'nav.warrantyDeliveries'
    | 'nav.warrantyReview'
    | 'nav.oldParts'
    | 'nav.oldPartShipments'
    | 'nav.oldPartInspection'
    | 'nav.warrantySettlement'
    | 'nav.revisits'
    | 'nav.contactChecks'
    | 'nav.complaints'
    | 'nav.reminders'
    | 'nav.careMeasures'
    | 'nav.careReports'
    | 'nav.careSettings'
    | 'nav.regionComplaints'
    | 'nav.regionDashboard'
    | 'nav.outliers'
    | 'nav.qualityFeedback'
    | 'nav.audits'
    | 'nav.campaigns'
    | 'nav.bulletins'
    | 'nav.monthlyReports'
    | 'nav.staff'
    | 'nav.auditLog'
    | 'nav.partnerApps';
  /** Shown only to viewers holding this permission; null: everyone signed in. */
  requires: Requirement | null;
  /** 'region': only for those who hold it through a region or the manufacturer (oversight). */
  scope?: 'region';
  testId: string;
}

/**
 * Navigation, in order: the service process (预约 → 接待 → 维修工单 → 看板 → 派工 → 作业),
 * then administration. Only areas that have a screen are listed, each shown to the
 * viewers whose roles grant its permission here (from the catalog, never role names).
 * `e2e/shell.mjs` mirrors this list to check the navigation a viewer sees.
 */
export const NAVIGATION: readonly NavEntry[] = [
  { path: '/my-access', label: 'nav.myAccess', requires: null, testId: 'nav-my-access' },
  {
    path: '/appointments',
    label: 'nav.appointments',
    requires: { object: 'appointment', action: 'read' },
    testId: 'nav-appointments',
  },
  {
    path: '/reception',
    label: 'nav.reception',
    requires: { object: 'repair_order', action: 'create' },
    testId: 'nav-reception',
  },
  {
    path: '/orders',
    label: 'nav.repairOrders',
    requires: { object: 'repair_order', action: 'read' },
    testId: 'nav-repair-orders',
  },
  {
    path: '/board',
    label: 'nav.workshopBoard',
    requires: { object: 'workshop_board', action: 'read' },
    testId: 'nav-workshop-board',
  },
  {
    path: '/dispatch',
    label: 'nav.dispatch',
    requires: { object: 'dispatch', action: 'assign' },
    testId: 'nav-dispatch',
  },
  {
    path: '/my-jobs',
    label: 'nav.myJobs',
    requires: { object: 'job_clock', action: 'record' },
    testId: 'nav-my-jobs',
  },
  {
    path: '/parts/stock',
    label: 'nav.partsStock',
    requires: { object: 'parts_stock', action: 'read' },
    testId: 'nav-parts-stock',
  },
  {
    path: '/parts/purchase-orders',
    label: 'nav.purchaseOrders',
    requires: { object: 'purchase_order', action: 'read' },
    testId: 'nav-purchase-orders',
  },
  {
    path: '/parts/reorder',
    label: 'nav.reorder',
    requires: { object: 'parts_plan', action: 'read' },
    testId: 'nav-reorder',
  },
  {
    path: '/parts/transfers',
    label: 'nav.transfers',
    requires: { object: 'parts_transfer', action: 'read' },
    testId: 'nav-transfers',
  },
  {
    path: '/parts/receiving',
    label: 'nav.receiving',
    requires: { object: 'parts_receipt', action: 'read' },
    testId: 'nav-receiving',
  },
  {
    path: '/parts/issue',
    label: 'nav.issueQueue',
    requires: { object: 'parts_issue', action: 'issue' },
    testId: 'nav-issue-queue',
  },
  {
    path: '/parts/counts',
    label: 'nav.stockCounts',
    requires: { object: 'parts_count', action: 'read' },
    testId: 'nav-stock-counts',
  },
  {
    path: '/parts/write-offs',
    label: 'nav.writeOffs',
    requires: { object: 'parts_write_off', action: 'read' },
    testId: 'nav-write-offs',
  },
  {
    path: '/parts/kpis',
    label: 'nav.partsKpis',
    requires: { object: 'kpi', action: 'read' },
    testId: 'nav-parts-kpis',
  },
  {
    path: '/parts/region',
    label: 'nav.regionParts',
    requires: { object: 'kpi', action: 'read' },
    scope: 'region',
    testId: 'nav-region-parts',
  },
  {
    path: '/warranty/claims',
    label: 'nav.warrantyClaims',
    requires: { object: 'warranty_claim', action: 'read' },
    testId: 'nav-warranty-claims',
  },
  {
    path: '/warranty/deliveries',
    label: 'nav.warrantyDeliveries',
    requires: { object: 'warranty_claim', action: 'submit' },
    testId: 'nav-warranty-deliveries',
  },
  {
    path: '/warranty/review',
    label: 'nav.warrantyReview',
    requires: { object: 'warranty_review', action: 'decide' },
    testId: 'nav-warranty-review',
  },
  {
    path: '/warranty/old-parts',
    label: 'nav.oldParts',
    requires: { object: 'old_parts', action: 'read' },
    testId: 'nav-old-parts',
  },
  {
    path: '/warranty/shipments',
    label: 'nav.oldPartShipments',
    requires: { object: 'old_parts', action: 'ship' },
    testId: 'nav-old-part-shipments',
  },
  {
    path: '/warranty/inspection',
    label: 'nav.oldPartInspection',
    requires: { object: 'old_parts', action: 'inspect' },
    testId: 'nav-old-part-inspection',
  },
  {
    path: '/warranty/settlement',
    label: 'nav.warrantySettlement',
    requires: { object: 'settlement', action: 'read' },
    testId: 'nav-warranty-settlement',
  },
  {
    path: '/care/revisits',
    label: 'nav.revisits',
    requires: { object: 'revisit', action: 'record' },
    testId: 'nav-revisits',
  },
  {
    path: '/care/contact-checks',
    label: 'nav.contactChecks',
    requires: { object: 'revisit', action: 'check_contact' },
    testId: 'nav-contact-checks',
  },
  {
    path: '/care/complaints',
    label: 'nav.complaints',
    requires: { object: 'complaint', action: 'read' },
    testId: 'nav-complaints',
  },
  {
    path: '/care/reminders',
    label: 'nav.reminders',
    requires: { object: 'reminder', action: 'read' },
    testId: 'nav-reminders',
  },
  {
    path: '/care/measures',
    label: 'nav.careMeasures',
    requires: { object: 'revisit', action: 'read' },
    testId: 'nav-care-measures',
  },
  {
    path: '/care/reports',
    label: 'nav.careReports',
    requires: { object: 'report', action: 'read' },
    testId: 'nav-care-reports',
  },
  {
    path: '/care/settings',
    label: 'nav.careSettings',
    requires: { object: 'care_settings', action: 'read' },
    testId: 'nav-care-settings',
  },
  {
    path: '/region/complaints',
    label: 'nav.regionComplaints',
    requires: { object: 'complaint', action: 'read_severe' },
    scope: 'region',
    testId: 'nav-region-complaints',
  },
  {
    path: '/oversight/dashboard',
    label: 'nav.regionDashboard',
    requires: { object: 'kpi', action: 'read' },
    scope: 'region',
    testId: 'nav-region-dashboard',
  },
  {
    path: '/oversight/outliers',
    label: 'nav.outliers',
    requires: { object: 'kpi', action: 'read' },
    scope: 'region',
    testId: 'nav-outliers',
  },
  {
    path: '/oversight/quality',
    label: 'nav.qualityFeedback',
    requires: { object: 'quality_feedback', action: 'read' },
    testId: 'nav-quality-feedback',
  },
  {
    path: '/oversight/audits',
    label: 'nav.audits',
    requires: { object: 'dealer_audit', action: 'read' },
    testId: 'nav-audits',
  },
  {
    path: '/oversight/campaigns',
    label: 'nav.campaigns',
    requires: { object: 'campaign', action: 'read' },
    testId: 'nav-campaigns',
  },
  {
    path: '/oversight/bulletins',
    label: 'nav.bulletins',
    requires: { object: 'bulletin', action: 'read' },
    testId: 'nav-bulletins',
  },
  {
    path: '/oversight/monthly-reports',
    label: 'nav.monthlyReports',
    requires: { object: 'report', action: 'read' },
    testId: 'nav-monthly-reports',
  },
  {
    path: '/staff',
    label: 'nav.staff',
    requires: { object: 'network.staff', action: 'read' },
    testId: 'nav-staff',
  },
  {
    path: '/audit-log',
    label: 'nav.auditLog',
    requires: { object: 'audit_log', action: 'read' },
    testId: 'nav-audit-log',
  },
  {
    path: '/partners',
    label: 'nav.partnerApps',
    requires: { object: 'api_key', action: 'read' },
    testId: 'nav-partner-apps',
  },
];

/** The heading an entry sits under: the parts screens (paths under /parts/) form one group,
 * the customer-care screens (under /care/) another, manufacturer oversight (under /oversight/) a third. */
export function navGroup(entry: NavEntry): 'nav.partsGroup' | 'nav.careGroup' | 'nav.oversightGroup' | null {
  if (entry.path.startsWith('/parts/')) return 'nav.partsGroup';
  if (entry.path.startsWith('/care/')) return 'nav.careGroup';
  if (entry.path.startsWith('/oversight/')) return 'nav.oversightGroup';
  return null;
}

/** Whether the viewer works here as an overseer: through a region or the manufacturer. */
export function oversees(viewer: Viewer): boolean {
  return viewer.roles.some((g) => g.source === 'REGION' || g.source === 'MANUFACTURER');
}

export function visibleNavigation(viewer: Viewer): NavEntry[] {
  return NAVIGATION.filter(
    (e) =>
      (!e.requires || can(viewer, e.requires.object, e.requires.action)) && (e.scope !== 'region' || oversees(viewer)),
  );
}
