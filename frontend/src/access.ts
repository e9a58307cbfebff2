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
  label: 'nav.myAccess' | 'nav.staff' | 'nav.auditLog';
  /** Shown only to viewers holding this permission; null: everyone signed in. */
  requires: Requirement | null;
  testId: string;
}

/**
 * Navigation, in order. Only areas that have a screen are listed; an area is added here
 * together with its screen (repair orders, appointments, ... come in later issues).
 */
export const NAVIGATION: readonly NavEntry[] = [
  { path: '/my-access', label: 'nav.myAccess', requires: null, testId: 'nav-my-access' },
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
