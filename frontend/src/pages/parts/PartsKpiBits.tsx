import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { addDays, dealerToday } from '../../dates';
import { isChinese } from '../../i18n';
import { useViewer } from '../../session';

export type Preset = 'lastMonth' | 'thisMonth' | 'lastQuarter' | 'lastYear' | 'custom';
export const PRESETS: readonly Preset[] = ['lastMonth', 'thisMonth', 'lastQuarter', 'lastYear', 'custom'];
const MAX_DAYS = 366;

function firstOfMonth(day: string, monthsBack: number): string {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  const date = new Date(Date.UTC(year, month - 1 - monthsBack, 1));
  return date.toISOString().slice(0, 10);
}

/** [from, to] of a preset in the dealer's calendar (today is the dealer's today). */
export function presetRange(preset: Exclude<Preset, 'custom'>, today: string): [string, string] {
  const monthStart = firstOfMonth(today, 0);
  const lastMonthEnd = addDays(monthStart, -1);
  switch (preset) {
    case 'thisMonth':
      return [monthStart, today];
    case 'lastQuarter':
      return [firstOfMonth(today, 3), lastMonthEnd];
    case 'lastYear':
      return [firstOfMonth(today, 12), lastMonthEnd];
    default:
      return [firstOfMonth(today, 1), lastMonthEnd];
  }
}

export interface Period {
  preset: Preset;
  from: string;
  to: string;
  /** Why the chosen dates cannot be asked for, or null. */
  problem: 'backwards' | 'tooLong' | null;
  choose(preset: Preset): void;
  setDates(from: string, to: string): void;
}

/**
 * The KPI period, kept in the address (?period=… or ?from=…&to=…) so a view can be
 * shared and reloaded; last month by default, in the dealer's calendar.
 */
export function usePeriod(): Period {
  const viewer = useViewer();
  const [params, setParams] = useSearchParams();
  const today = dealerToday(viewer.currentDealer?.timeZone);
  const asked = params.get('period') as Preset | null;
  const preset: Preset = asked && PRESETS.includes(asked) ? asked : params.get('from') ? 'custom' : 'lastMonth';
  const [presetFrom, presetTo] = presetRange(preset === 'custom' ? 'lastMonth' : preset, today);
  const from = preset === 'custom' ? params.get('from') || presetFrom : presetFrom;
  const to = preset === 'custom' ? params.get('to') || presetTo : presetTo;
  const span = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
  const problem = span < 0 ? 'backwards' : span >= MAX_DAYS ? 'tooLong' : null;
  return {
    preset,
    from,
    to,
    problem,
    choose(next) {
      const keep = new URLSearchParams(params);
      keep.delete('from');
      keep.delete('to');
      keep.set('period', next);
      if (next === 'custom') {
        keep.set('from', from);
        keep.set('to', to);
      }
      setParams(keep, { replace: true });
    },
    setDates(nextFrom, nextTo) {
      const keep = new URLSearchParams(params);
      keep.set('period', 'custom');
      keep.set('from', nextFrom);
      keep.set('to', nextTo);
      setParams(keep, { replace: true });
    },
  };
}

/** Preset buttons and, for chosen dates, two date fields. */
export function PeriodPicker({ period }: { period: Period }) {
  const { t } = useTranslation();
  return (
    <div className="kpi-period" role="group" aria-label={t('parts.kpis.period.label')}>
      <div className="segmented segmented-light" data-testid="kpi-period">
        {PRESETS.map((preset) => (
          <button
            key={preset}
            type="button"
            className={preset === period.preset ? 'active' : undefined}
            aria-pressed={preset === period.preset}
            data-testid={`kpi-period-${preset}`}
            onClick={() => period.choose(preset)}
          >
            {t(`parts.kpis.period.${preset}`)}
          </button>
        ))}
      </div>
      <label className="kpi-date">
        <span>{t('parts.kpis.period.from')}</span>
        <input
          type="date"
          value={period.from}
          data-testid="kpi-from"
          onChange={(e) => e.target.value && period.setDates(e.target.value, period.to)}
        />
      </label>
      <label className="kpi-date">
        <span>{t('parts.kpis.period.to')}</span>
        <input
          type="date"
          value={period.to}
          data-testid="kpi-to"
          onChange={(e) => e.target.value && period.setDates(period.from, e.target.value)}
        />
      </label>
      {period.problem && (
        <p className="field-error" role="alert" data-testid="kpi-period-problem">
          {t(`parts.kpis.period.${period.problem}`)}
        </p>
      )}
    </div>
  );
}

/** Number formatting of the KPI screens in the interface language. */
export function useKpiFormat() {
  const { i18n } = useTranslation();
  const locale = isChinese(i18n.language) ? 'zh-CN' : 'en-GB';
  return useMemo(() => {
    const percentFormat = new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
    const oneDecimal = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    const twoDecimals = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    const whole = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
    const yuan = new Intl.NumberFormat(locale, { style: 'currency', currency: 'CNY', maximumFractionDigits: 0, currencyDisplay: locale === 'zh-CN' ? 'symbol' : 'code' });
    const value = (v: string | null | undefined) => (v === null || v === undefined || v === '' ? null : Number(v));
    return {
      percent: (v: string | null | undefined) => (value(v) === null ? '—' : percentFormat.format(value(v)!)),
      ratio: (v: string | null | undefined) => (value(v) === null ? '—' : twoDecimals.format(value(v)!)),
      days: (v: string | null | undefined) => (value(v) === null ? '—' : oneDecimal.format(value(v)!)),
      count: (v: number | string) => whole.format(Number(v)),
      money: (v: string | null | undefined) => (value(v) === null ? '—' : yuan.format(value(v)!)),
    };
  }, [locale]);
}

export interface Bar {
  key: string;
  label: string;
  value: number;
  text: string;
}

/** Horizontal bars with their labels and values, scaled to the largest. */
export function HorizontalBars({
  bars,
  label,
  testId,
  className = '',
}: {
  bars: Bar[];
  label: string;
  testId?: string;
  className?: string;
}) {
  const rowHeight = 30;
  const height = bars.length * rowHeight + 4;
  const largest = Math.max(...bars.map((b) => b.value), 0);
  return (
    <svg className={`kpi-chart ${className}`} viewBox={`0 0 600 ${height}`} role="img" aria-label={label} data-testid={testId}>
      {bars.map((bar, n) => {
        const width = largest > 0 ? (bar.value / largest) * 330 : 0;
        const y = n * rowHeight + 4;
        return (
          <g key={bar.key} data-testid={testId ? `${testId}-bar` : undefined} data-key={bar.key} data-value={bar.value}>
            <title>{`${bar.label}: ${bar.text}`}</title>
            <text x={0} y={y + 16} className="kpi-chart-label">
              {bar.label}
            </text>
            <rect x={130} y={y + 3} width={Math.max(width, bar.value > 0 ? 2 : 0)} height={18} rx={3} className={`kpi-bar kpi-bar-${n}`} />
            <text x={130 + width + 8} y={y + 16} className="kpi-chart-value">
              {bar.text}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export interface Point {
  key: string;
  label: string;
  /** A second label line, e.g. the year where it changes. */
  sub?: string;
  /** The whole name, for the tooltip. */
  full?: string;
  value: number | null;
  text: string;
}

/** Twelve months as columns (bars) or a line with dots; months without a value are gaps. */
export function MonthChart({
  points,
  label,
  kind,
  testId,
  floor = 0,
}: {
  points: Point[];
  label: string;
  kind: 'bars' | 'line';
  testId?: string;
  floor?: number;
}) {
  const width = 600;
  const height = 196;
  const top = 16;
  const bottom = 150;
  const step = width / Math.max(points.length, 1);
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  const low = Math.min(floor, ...values);
  const high = Math.max(...values, low + 1e-9);
  const y = (v: number) => bottom - ((v - low) / (high - low)) * (bottom - top);
  const line = points
    .map((p, n) => (p.value === null ? null : `${n * step + step / 2},${y(p.value)}`))
    .filter(Boolean)
    .join(' ');
  return (
    <svg className="kpi-chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} data-testid={testId}>
      <line x1={0} x2={width} y1={bottom} y2={bottom} className="kpi-axis" />
      {kind === 'line' && line && <polyline points={line} className="kpi-line" />}
      {points.map((p, n) => {
        const x = n * step + step / 2;
        return (
          <g key={p.key} data-testid={testId ? `${testId}-point` : undefined} data-value={p.value ?? ''}>
            <title>{`${p.full ?? p.label}: ${p.text || '—'}`}</title>
            {p.value !== null && kind === 'bars' && (
              <rect x={x - step * 0.3} y={y(p.value)} width={step * 0.6} height={Math.max(bottom - y(p.value), 1)} rx={2} className="kpi-bar kpi-bar-0" />
            )}
            {p.value !== null && kind === 'line' && <circle cx={x} cy={y(p.value)} r={4} className="kpi-dot" />}
            {p.value !== null && (
              <text x={x} y={y(p.value) - 6} className="kpi-chart-value" textAnchor="middle">
                {p.text}
              </text>
            )}
            <text x={x} y={bottom + 18} className="kpi-chart-label" textAnchor="middle">
              {p.label}
            </text>
            {p.sub && (
              <text x={x} y={bottom + 34} className="kpi-chart-label" textAnchor="middle">
                {p.sub}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

/**
 * A month of the trend as a short label ("Oct" / "10月"), or the day it ends ("10-25")
 * when the months do not follow the calendar; the year below where it changes.
 */
export function useMonthLabels(): <T extends { from: string; to: string }>(
  months: T[],
) => (T & { label: string; sub?: string; full: string })[] {
  const { i18n } = useTranslation();
  const locale = isChinese(i18n.language) ? 'zh-CN' : 'en-GB';
  return useMemo(() => {
    const short = new Intl.DateTimeFormat(locale, { month: 'short', timeZone: 'UTC' });
    return <T extends { from: string; to: string }>(months: T[]) =>
      months.map((m, n) => {
        const calendar = m.from.endsWith('-01') && addDays(m.to, 1).endsWith('-01');
        const year = (calendar ? m.from : m.to).slice(0, 4);
        const previous = months[n - 1]?.to.slice(0, 4);
        return {
          ...m,
          label: calendar ? short.format(new Date(`${m.from}T12:00:00Z`)) : m.to.slice(5),
          sub: previous !== year ? year : undefined,
          full: calendar ? m.from.slice(0, 7) : `${m.from}..${m.to}`,
        };
      });
  }, [locale]);
}
