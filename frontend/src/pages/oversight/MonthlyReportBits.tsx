import { useTranslation } from 'react-i18next';
import type { MonthlyReportState, MonthlyReportStatus } from '../../gql/graphql';
import type { Viewer } from '../../session';

export const STATES: MonthlyReportState[] = ['ON_TIME', 'LATE', 'MISSING', 'PENDING'];

const STATE_TONE: Record<MonthlyReportState, string> = {
  ON_TIME: 'pill-ok',
  LATE: 'pill-warn',
  MISSING: 'pill-danger',
  PENDING: 'pill-muted',
};

/** Where the viewer stands: the dealer's own staff work on its reports; the region's
 * overseers (a regional or manufacturer grant) see the grid. */
export function reportAccess(viewer: Viewer): { own: boolean; overseer: boolean } {
  const current = viewer.currentDealer?.id;
  const sources = viewer.dealers.flatMap((d) => d.roles.map((r) => ({ dealer: d.dealer.id, source: r.source })));
  return {
    own: sources.some((s) => s.dealer === current && (s.source === 'MEMBERSHIP' || s.source === 'API_KEY')),
    overseer: sources.some((s) => s.source === 'REGION' || s.source === 'MANUFACTURER'),
  };
}

export function StatePill({ state }: { state: MonthlyReportState }) {
  const { t } = useTranslation();
  return (
    <span className={`pill ${STATE_TONE[state]}`} data-testid="monthly-report-state" data-state={state}>
      {t(`oversight.monthlyReports.state.${state.toLowerCase()}` as 'oversight.monthlyReports.state.late')}
    </span>
  );
}

export function StatusName({ status }: { status: MonthlyReportStatus }) {
  const { t } = useTranslation();
  return (
    <span data-testid="monthly-report-status" data-status={status}>
      {t(`oversight.monthlyReports.statusName.${status.toLowerCase()}` as 'oversight.monthlyReports.statusName.draft')}
    </span>
  );
}

/** "2026-10-01" as "2026-10" (both languages read it). */
export function monthText(month: string): string {
  return month.slice(0, 7);
}

/** A body value (numbers come as strings to keep their decimals) as a number or null. */
export function num(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

export function percent(value: unknown): string {
  const n = num(value);
  return n === null ? '–' : `${(n * 100).toFixed(1)} %`;
}

export function plain(value: unknown, digits = 2): string {
  const n = num(value);
  return n === null ? '–' : n.toLocaleString(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function count(value: unknown): string {
  const n = num(value);
  return n === null ? '–' : String(n);
}

export interface TrendSeries {
  key: string;
  label: string;
  points: { month: string; value: number | null }[];
}

/** Small bar charts, one per figure, the report's month highlighted: the month against
 * the previous months at a glance. */
export function TrendBars({ series, current }: { series: TrendSeries[]; current: string }) {
  const width = 180;
  const height = 90;
  return (
    <div className="monthly-trend" data-testid="monthly-report-trend">
      {series.map((s) => {
        const max = Math.max(1, ...s.points.map((p) => p.value ?? 0));
        const bar = width / Math.max(1, s.points.length);
        return (
          <figure key={s.key} className="monthly-trend-figure" data-testid="monthly-report-trend-series" data-key={s.key}>
            <figcaption>{s.label}</figcaption>
            <svg viewBox={`0 0 ${width} ${height + 14}`} role="img" aria-label={s.label}>
              {s.points.map((p, n) => {
                const h = ((p.value ?? 0) / max) * height;
                return (
                  <g key={p.month}>
                    <title>{`${monthText(p.month)}: ${p.value ?? '–'}`}</title>
                    <rect
                      x={n * bar + 2}
                      y={height - h}
                      width={bar - 4}
                      height={h}
                      rx={2}
                      className={p.month === current ? 'monthly-trend-bar monthly-trend-current' : 'monthly-trend-bar'}
                    />
                    <text x={n * bar + bar / 2} y={height + 12} textAnchor="middle" className="kpi-chart-label">
                      {p.month.slice(5, 7)}
                    </text>
                  </g>
                );
              })}
            </svg>
          </figure>
        );
      })}
    </div>
  );
}
