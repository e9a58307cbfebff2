import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { isChinese } from '../../i18n';
import { useLocalized } from '../../localize';
import { useKpiFormat } from '../parts/PartsKpiBits';

/** What the dashboard knows of a KPI (the `DashboardKpiInfo` fragment). */
export interface KpiMeta {
  key: string;
  domain: string;
  unit: string;
  better: string;
  label: string;
  labelZh: string;
  target?: string | null;
  direction: string;
}

export const AREAS = ['service', 'care', 'parts', 'warranty'] as const;
export type Area = (typeof AREAS)[number];

/** Ratios that are not shares of a whole: shown as numbers, not percentages. */
const PLAIN_RATIOS = new Set(['parts_turnover', 'claims_per_100_orders']);

/** A KPI's value in its unit, in the interface language. */
export function useKpiValue(): (kpi: KpiMeta, value: string | null | undefined) => string {
  const format = useKpiFormat();
  const { i18n } = useTranslation();
  const locale = isChinese(i18n.language) ? 'zh-CN' : 'en-GB';
  return useMemo(() => {
    const oneDecimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
    return (kpi: KpiMeta, value: string | null | undefined) => {
      if (value === null || value === undefined || value === '') return '—';
      switch (kpi.unit) {
        case 'ratio':
          return PLAIN_RATIOS.has(kpi.key) ? format.ratio(value) : format.percent(value);
        case 'money':
          return format.money(value);
        case 'count':
          return format.count(value);
        default:
          return oneDecimal.format(Number(value));
      }
    };
  }, [format, locale]);
}

/** The KPI's name in the interface language. */
export function useKpiLabel(): (kpi: KpiMeta) => string {
  const local = useLocalized();
  return (kpi) => local(kpi.label, kpi.labelZh);
}

/** "≥ 80.0%" / "≤ 1.0%" or "no target". */
export function TargetText({ kpi }: { kpi: KpiMeta }) {
  const { t } = useTranslation();
  const show = useKpiValue();
  if (kpi.target === null || kpi.target === undefined) return <span className="muted">{t('oversight.dashboard.noTarget')}</span>;
  const target = show(kpi, kpi.target);
  return <span>{kpi.direction === 'at_most' ? t('oversight.dashboard.atMost', { target }) : t('oversight.dashboard.atLeast', { target })}</span>;
}

/** The class of a cell against the target: pass, fail, or none. */
export function targetClass(meets: boolean | null | undefined): string {
  if (meets === true) return 'dash-pass';
  if (meets === false) return 'dash-fail';
  return '';
}

/** The month as "2026-09" / "2026年9月". */
export function useMonthName(): (month: string) => string {
  const { i18n } = useTranslation();
  const locale = isChinese(i18n.language) ? 'zh-CN' : 'en-GB';
  return useMemo(() => {
    const format = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' });
    return (month: string) => format.format(new Date(`${month}T12:00:00Z`));
  }, [locale]);
}

/** Month points of a chart, labelled "Sep" / "9月" with the year where it changes. */
export function useMonthPoints(): (months: { month: string; value: string | null | undefined; text: string }[]) => {
  key: string;
  label: string;
  sub?: string;
  full: string;
  value: number | null;
  text: string;
}[] {
  const { i18n } = useTranslation();
  const locale = isChinese(i18n.language) ? 'zh-CN' : 'en-GB';
  return useMemo(() => {
    const short = new Intl.DateTimeFormat(locale, { month: 'short', timeZone: 'UTC' });
    return (months) =>
      months.map((m, n) => {
        const year = m.month.slice(0, 4);
        return {
          key: m.month,
          label: short.format(new Date(`${m.month}T12:00:00Z`)),
          sub: months[n - 1]?.month.slice(0, 4) !== year ? year : undefined,
          full: m.month.slice(0, 7),
          value: m.value === null || m.value === undefined ? null : Number(m.value),
          text: m.value === null || m.value === undefined ? '' : m.text,
        };
      });
  }, [locale]);
}

/** Where a record behind a figure opens. */
export function recordPath(kind: string, id: string): string | null {
  switch (kind) {
    case 'warranty_claim':
      return `/warranty/claims/${id}`;
    case 'revisit':
      return `/care/revisits/${id}`;
    case 'complaint':
      return `/care/complaints/${id}`;
    case 'repair_order':
      return `/orders/${id}`;
    default:
      return null;
  }
}
