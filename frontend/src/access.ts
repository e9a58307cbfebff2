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
    | 'nav.staff'
    | 'nav.auditLog';
  /** Shown only to viewers holding this permission; null: everyone signed in. */
  requires: Requirement | null;
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
];

export function visibleNavigation(viewer: Viewer): NavEntry[] {
  return NAVIGATION.filter((e) => !e.requires || can(viewer, e.requires.object, e.requires.action));
}
