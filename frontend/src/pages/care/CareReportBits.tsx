import { useTranslation } from 'react-i18next';
import type { CareReportKind, CareReportRowFragment } from '../../gql/graphql';

export const KINDS: readonly CareReportKind[] = ['DAILY_PROBLEMS', 'MONTHLY_REVISITS', 'MONTHLY_COMPLAINTS'];

/** The kind's name as the digest has it (每日问题跟踪记录, 售后跟踪质量月报, 客户投诉问题解决情况表). */
export function useKindName(): (kind: CareReportKind) => string {
  const { t } = useTranslation();
  return (kind) => t(`care.measures.reports.kinds.${kind.toLowerCase()}` as 'care.measures.reports.kinds.daily_problems');
}

/** The period as a day or a month. */
export function periodText(report: Pick<CareReportRowFragment, 'periodStart' | 'periodEnd'>): string {
  return report.periodStart === report.periodEnd ? report.periodStart : report.periodStart.slice(0, 7);
}

/** Submitted (late or on time), overdue, or waiting to be submitted. */
export function ReportStatus({ report }: { report: Pick<CareReportRowFragment, 'status' | 'late' | 'overdue'> }) {
  const { t } = useTranslation();
  const [tone, key] =
    report.status === 'SUBMITTED'
      ? report.late
        ? ['pill-warn', 'late']
        : ['pill-ok', 'submitted']
      : report.overdue
        ? ['pill-danger', 'overdue']
        : ['pill-info', 'generated'];
  return (
    <span className={`pill ${tone}`} data-testid="care-report-status" data-status={key}>
      {t(`care.measures.reports.${key}` as 'care.measures.reports.late')}
    </span>
  );
}
