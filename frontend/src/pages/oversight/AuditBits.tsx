import { useTranslation } from 'react-i18next';
import type { AuditSection, DealerAuditStatus, FindingSeverity, FindingStatus } from '../../gql/graphql';

export const AUDIT_STATUSES: DealerAuditStatus[] = ['PLANNED', 'IN_PROGRESS', 'SUBMITTED', 'CLOSED', 'CANCELLED'];
export const SEVERITIES: FindingSeverity[] = ['MINOR', 'MAJOR', 'CRITICAL'];

const STATUS_TONE: Record<DealerAuditStatus, string> = {
  PLANNED: 'pill-info',
  IN_PROGRESS: 'pill-warn',
  SUBMITTED: 'pill-info',
  CLOSED: 'pill-ok',
  CANCELLED: 'pill-muted',
};

export function AuditStatusPill({ status }: { status: DealerAuditStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`pill ${STATUS_TONE[status]}`} data-testid="audit-status" data-status={status}>
      {t(`oversight.audits.status.${status.toLowerCase()}` as 'oversight.audits.status.planned')}
    </span>
  );
}

export function FindingStatusPill({ status }: { status: FindingStatus }) {
  const { t } = useTranslation();
  const tone = status === 'VERIFIED' ? 'pill-ok' : status === 'RESPONDED' ? 'pill-info' : 'pill-warn';
  return (
    <span className={`pill ${tone}`} data-testid="finding-status" data-status={status}>
      {t(`oversight.audits.findingStatus.${status.toLowerCase()}` as 'oversight.audits.findingStatus.open')}
    </span>
  );
}

type T = ReturnType<typeof useTranslation>['t'];

/** ``t`` for keys built from enum values (the message files list every value). */
function looseT(t: T): (key: string) => string {
  return t as unknown as (key: string) => string;
}

export function severityLabel(t: T, severity: FindingSeverity): string {
  return looseT(t)(`oversight.audits.severity.${severity.toLowerCase()}`);
}

export function sectionLabel(t: T, section: AuditSection): string {
  return looseT(t)(`oversight.audits.section.${section.toLowerCase()}`);
}

/** A percentage, or a dash where there is nothing to weigh. */
export function pct(value: number | null | undefined): string {
  return value == null ? '–' : `${value.toFixed(1)} %`;
}

export interface ScoreBar {
  key: string;
  label: string;
  percent: number | null;
}

/** Horizontal bars of percentages on a fixed 0..100 scale, so sections and dealers compare. */
export function PercentBars({ bars, label, testId }: { bars: ScoreBar[]; label: string; testId: string }) {
  const rowHeight = 28;
  const height = bars.length * rowHeight + 4;
  return (
    <svg className="kpi-chart" viewBox={`0 0 600 ${height}`} role="img" aria-label={label} data-testid={testId}>
      {bars.map((bar, n) => {
        const value = bar.percent ?? 0;
        const width = (Math.min(value, 100) / 100) * 360;
        const y = n * rowHeight + 4;
        const tone = value >= 90 ? 'audit-bar-good' : value >= 75 ? 'audit-bar-fair' : 'audit-bar-poor';
        return (
          <g key={bar.key} data-testid={`${testId}-bar`} data-key={bar.key} data-value={bar.percent ?? ''}>
            <title>{`${bar.label}: ${pct(bar.percent)}`}</title>
            <text x={0} y={y + 16} className="kpi-chart-label">
              {bar.label}
            </text>
            <rect x={150} y={y + 3} width={360} height={18} rx={3} className="audit-bar-track" />
            <rect x={150} y={y + 3} width={width} height={18} rx={3} className={`audit-bar ${tone}`} />
            <text x={150 + 360 + 8} y={y + 16} className="kpi-chart-value">
              {pct(bar.percent)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
