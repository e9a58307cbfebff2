// Shared pieces of the outlier and quality screens: the period (last six complete months
// by default, kept in the address) and the spread chart of one measure.
import { useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { addDays, dealerToday } from '../../dates';
import { en as messages } from '../../i18n/oversight/outliers';
import { useViewer } from '../../session';

export type MeasureKey = keyof typeof messages.measures;
export type ResultKey = keyof typeof messages.results;

/** The server's measure key as a message key (the four keys of tenants.oversight.outliers). */
export function measureKey(key: string): MeasureKey {
  if (!(key in messages.measures)) throw new Error(`unknown outlier measure ${key}`);
  return key as MeasureKey;
}

/** Why an old part failed its return: its inspection result, else still requested. */
export function resultKey(inspection: string | null | undefined): ResultKey {
  return inspection && inspection in messages.results ? (inspection as ResultKey) : 'requested';
}

const MAX_DAYS = 366;

function monthStart(day: string, monthsBack: number): string {
  const date = new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1 - monthsBack, 1));
  return date.toISOString().slice(0, 10);
}

export interface OutlierPeriod {
  from: string;
  to: string;
  problem: 'backwards' | 'tooLong' | null;
  set(from: string, to: string): void;
}

/** ?from=…&to=… in the address; the last six complete months in the viewer's calendar. */
export function useOutlierPeriod(): OutlierPeriod {
  const viewer = useViewer();
  const [params, setParams] = useSearchParams();
  const today = dealerToday(viewer.currentDealer?.timeZone);
  const from = params.get('from') || monthStart(today, 6);
  const to = params.get('to') || addDays(monthStart(today, 0), -1);
  const span = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
  return {
    from,
    to,
    problem: span < 0 ? 'backwards' : span >= MAX_DAYS ? 'tooLong' : null,
    set(nextFrom, nextTo) {
      const keep = new URLSearchParams(params);
      keep.set('from', nextFrom);
      keep.set('to', nextTo);
      setParams(keep, { replace: true });
    },
  };
}

export function OutlierPeriodPicker({ period }: { period: OutlierPeriod }) {
  const { t } = useTranslation();
  return (
    <div className="kpi-period">
      <label className="kpi-date">
        <span>{t('oversight.outliers.period.from')}</span>
        <input type="date" value={period.from} data-testid="outliers-from" onChange={(e) => e.target.value && period.set(e.target.value, period.to)} />
      </label>
      <label className="kpi-date">
        <span>{t('oversight.outliers.period.to')}</span>
        <input type="date" value={period.to} data-testid="outliers-to" onChange={(e) => e.target.value && period.set(period.from, e.target.value)} />
      </label>
      {period.problem && (
        <p className="field-error" role="alert" data-testid="outliers-period-problem">
          {t(`oversight.outliers.period.${period.problem}`)}
        </p>
      )}
    </div>
  );
}

export interface SpreadDot {
  key: string;
  label: string;
  value: number;
  flagged: boolean;
  eligible: boolean;
}

/**
 * The region's spread on one measure: a dot per dealer along the value axis, the box
 * from median − MAD to median + MAD, the median as a line; flagged dealers in red,
 * dealers too small to compare hollow. A dot is a button to the explanation.
 */
export function SpreadChart({
  dots,
  median,
  mad,
  label,
  testId,
  onPick,
}: {
  dots: SpreadDot[];
  median: number | null;
  mad: number | null;
  label: string;
  testId: string;
  onPick(key: string): void;
}) {
  const width = 600;
  const height = 90;
  const left = 20;
  const right = width - 20;
  const values = dots.map((d) => d.value);
  if (median !== null) values.push(median - (mad ?? 0), median + (mad ?? 0));
  const low = Math.min(0, ...values);
  const high = Math.max(low + 1e-9, ...values);
  const x = (v: number) => left + ((v - low) / (high - low)) * (right - left);
  return (
    <svg className="kpi-chart outlier-spread" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} data-testid={testId}>
      <line x1={left} x2={right} y1={70} y2={70} className="kpi-axis" />
      {median !== null && (
        <>
          <rect x={x(median - (mad ?? 0))} y={18} width={Math.max(x(median + (mad ?? 0)) - x(median - (mad ?? 0)), 1)} height={44} className="outlier-box" />
          <line x1={x(median)} x2={x(median)} y1={14} y2={66} className="outlier-median" />
        </>
      )}
      <text x={left} y={86} className="kpi-chart-label">
        {low.toFixed(1)}
      </text>
      <text x={right} y={86} className="kpi-chart-label" textAnchor="end">
        {high.toFixed(1)}
      </text>
      {dots.map((d, n) => (
        <g
          key={d.key}
          role="button"
          tabIndex={0}
          data-testid={`${testId}-dot`}
          data-flagged={d.flagged}
          className={`outlier-dot${d.flagged ? ' outlier-dot-flagged' : ''}${d.eligible ? '' : ' outlier-dot-small'}`}
          onClick={() => onPick(d.key)}
          onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && onPick(d.key)}
        >
          <title>{`${d.label}: ${d.value}`}</title>
          <circle cx={x(d.value)} cy={28 + ((n * 7) % 32)} r={d.flagged ? 7 : 5} />
        </g>
      ))}
    </svg>
  );
}
