import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ComplaintActionKind, ComplaintLevel, ComplaintStatus } from '../../gql/graphql';
import './Complaint.css';

export const COMPLAINT_STATUSES: ComplaintStatus[] = ['RECEIVED', 'ROUTED', 'AGREED', 'RESOLVED', 'CLOSED', 'WITHDRAWN'];
export const COMPLAINT_LEVELS: ComplaintLevel[] = ['GRIEVANCE', 'GENERAL', 'SERIOUS', 'SEVERE'];

/** A complaint's status in the interface language. */
export function ComplaintStatusPill({ status }: { status: ComplaintStatus }) {
  const { t } = useTranslation();
  const value = status.toLowerCase();
  return (
    <span className={`status complaint-status-${value}`} data-testid="complaint-status" data-status={value}>
      {t(`care.complaints.status.${value}` as 'care.complaints.status.received')}
    </span>
  );
}

/** 抱怨 / 一般投诉 / 中级投诉 / 强烈投诉, the severe ones marked. */
export function ComplaintLevelPill({ level }: { level: ComplaintLevel }) {
  const { t } = useTranslation();
  const value = level.toLowerCase();
  return (
    <span
      className={`status complaint-level-${value}`}
      data-testid="complaint-level"
      data-level={value}
    >
      {t(`care.complaints.level.${value}` as 'care.complaints.level.general')}
    </span>
  );
}

/** `t` for keys built at run time (the typed signature's inference is too deep here). */
export function dynamicT(t: ReturnType<typeof useTranslation>['t']): (key: string, values?: Record<string, unknown>) => string {
  return t as unknown as (key: string, values?: Record<string, unknown>) => string;
}

export function stepLabel(t: ReturnType<typeof useTranslation>['t'], kind: ComplaintActionKind): string {
  return dynamicT(t)(`care.complaints.step.${kind.toLowerCase()}`);
}

/** Time left to a deadline (or past it), ticking every minute. */
export function Countdown({ at, overdue }: { at: string | null | undefined; overdue: boolean }) {
  const { t } = useTranslation();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 60_000);
    return () => window.clearInterval(timer);
  }, []);
  if (!at) return <span className="muted">—</span>;
  const minutes = Math.round(Math.abs(new Date(at).getTime() - now) / 60_000);
  const late = overdue || new Date(at).getTime() <= now;
  const span =
    minutes >= 24 * 60
      ? t('care.complaints.ticket.days', { d: Math.floor(minutes / 1440), h: Math.floor((minutes % 1440) / 60) })
      : t('care.complaints.ticket.hours', { h: Math.floor(minutes / 60), m: minutes % 60 });
  return (
    <span className={late ? 'status complaint-overdue' : 'muted'} data-testid="complaint-countdown" data-overdue={late}>
      {late ? t('care.complaints.ticket.overdueBy', { time: span }) : t('care.complaints.ticket.dueIn', { time: span })}
    </span>
  );
}
