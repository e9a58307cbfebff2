import type { ReactNode } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { PartsKpisDocument, type PartsKpiFiguresFragment, type PartsKpisQuery } from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { HorizontalBars, MonthChart, PeriodPicker, useKpiFormat, useMonthLabels, usePeriod } from './PartsKpiBits';
import './PartsKpi.css';

type Tone = 'good' | 'warn' | 'bad' | null;

function Card({
  id,
  title,
  value,
  raw,
  hint,
  tone = null,
}: {
  id: string;
  title: string;
  value: ReactNode;
  raw: string | number | null;
  hint: ReactNode;
  tone?: Tone;
}) {
  return (
    <section className={`kpi-card${tone ? ` kpi-${tone}` : ''}`} data-testid={`kpi-${id}`} data-value={raw ?? ''} aria-label={title}>
      <h2 className="kpi-card-title">{title}</h2>
      <p className="kpi-card-value">{value}</p>
      <p className="kpi-card-hint">{hint}</p>
    </section>
  );
}

const BANDS = ['0-90', '91-180', '181-365', 'over-365'] as const;

/** 配件考核指标: the dealer's parts KPIs over a period, with aging and a 12-month trend. */
export function PartsKpiDashboard() {
  const { t } = useTranslation();
  const local = useLocalized();
  const viewer = useViewer();
  const period = usePeriod();
  const format = useKpiFormat();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: PartsKpisDocument,
    variables: { from: period.from, to: period.to },
    pause: period.problem !== null,
    requestPolicy: 'cache-and-network',
  });
  const dealer = viewer.currentDealer;
  const kpis = data?.partsKpis;
  const stale = kpis && (kpis.from !== period.from || kpis.to !== period.to);

  return (
    <div className="page page-wide" data-testid="page-parts-kpis">
      <PageHeader
        title={t('parts.kpis.title')}
        intro={dealer ? t('parts.kpis.intro', { dealer: local(dealer.name, dealer.nameZh) }) : undefined}
      />
      <section className="panel">
        <PeriodPicker period={period} />
      </section>
      {period.problem ? null : error ? (
        <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !kpis || (fetching && stale) ? (
        <Loading />
      ) : (
        <Figures kpis={kpis} format={format} />
      )}
      {kpis && !period.problem && !error && <Trend trend={kpis.trend} format={format} />}
      <Definitions />
    </div>
  );
}

function isEmpty(k: PartsKpiFiguresFragment): boolean {
  return k.fillRate.requests === 0 && k.deadStock.stockedItems === 0 && k.emergencyOrders.lines === 0 && Number(k.stockValue.issueCost) === 0;
}

function Figures({ kpis, format }: { kpis: PartsKpiFiguresFragment; format: ReturnType<typeof useKpiFormat> }) {
  const { t } = useTranslation();
  const { fillRate, stockValue, deadStock, emergencyOrders, aging } = kpis;
  const nothing = <span className="muted">{t('parts.kpis.nothing')}</span>;
  const toneOf = (value: string | null, good: number, bad: number, higherIsBetter = true): Tone => {
    if (value === null) return null;
    const v = Number(value);
    if (higherIsBetter) return v >= good ? 'good' : v < bad ? 'bad' : 'warn';
    return v <= good ? 'good' : v > bad ? 'bad' : 'warn';
  };
  return (
    <>
      {isEmpty(kpis) && (
        <p className="alert alert-info" data-testid="kpi-empty">
          {t('parts.kpis.empty')}
        </p>
      )}
      <div className="kpi-grid" data-testid="kpi-cards">
        <Card
          id="fill-rate"
          title={t('parts.kpis.cards.fillRate')}
          raw={fillRate.fillRate}
          value={fillRate.fillRate === null ? nothing : format.percent(fillRate.fillRate)}
          tone={toneOf(fillRate.fillRate, 0.95, 0.85)}
          hint={t('parts.kpis.cards.fillRateHint', { available: fillRate.requestsAvailable, requests: fillRate.requests })}
        />
        <Card
          id="order-fill-rate"
          title={t('parts.kpis.cards.orderFillRate')}
          raw={fillRate.orderFillRate}
          value={fillRate.orderFillRate === null ? nothing : format.percent(fillRate.orderFillRate)}
          tone={toneOf(fillRate.orderFillRate, 0.9, 0.8)}
          hint={t('parts.kpis.cards.orderFillRateHint', { available: fillRate.ordersAvailable, orders: fillRate.orders })}
        />
        <Card
          id="turnover"
          title={t('parts.kpis.cards.turnover')}
          raw={stockValue.turnover}
          value={stockValue.turnover === null ? nothing : t('parts.kpis.cards.turnoverValue', { value: format.ratio(stockValue.turnover) })}
          tone={toneOf(stockValue.turnover, 4, 2)}
          hint={t('parts.kpis.cards.turnoverHint', {
            cost: format.money(stockValue.issueCost12Months),
            average: format.money(stockValue.averageInventoryValue),
          })}
        />
        <Card
          id="days-of-supply"
          title={t('parts.kpis.cards.daysOfSupply')}
          raw={stockValue.daysOfSupply}
          value={stockValue.daysOfSupply === null ? nothing : t('parts.kpis.cards.daysValue', { value: format.days(stockValue.daysOfSupply) })}
          tone={toneOf(stockValue.daysOfSupply, 90, 180, false)}
          hint={t('parts.kpis.cards.daysHint', { cost: format.money(stockValue.issueCost), days: stockValue.days })}
        />
        <Card
          id="inventory-value"
          title={t('parts.kpis.cards.inventoryValue')}
          raw={stockValue.inventoryValue}
          value={format.money(stockValue.inventoryValue)}
          hint={t('parts.kpis.cards.inventoryHint', { items: format.count(deadStock.stockedItems) })}
        />
        <Card
          id="dead-stock"
          title={t('parts.kpis.cards.deadStock')}
          raw={deadStock.deadValue}
          value={format.money(deadStock.deadValue)}
          tone={toneOf(deadStock.deadValueShare, 0.05, 0.15, false)}
          hint={t('parts.kpis.cards.deadHint', {
            count: deadStock.deadItems,
            days: deadStock.deadDays,
            share: format.percent(deadStock.deadValueShare),
          })}
        />
        <Card
          id="slow-moving"
          title={t('parts.kpis.cards.slowMoving')}
          raw={deadStock.slowValue}
          value={format.money(deadStock.slowValue)}
          hint={t('parts.kpis.cards.slowHint', { count: deadStock.slowItems, days: deadStock.slowDays })}
        />
        <Card
          id="emergency"
          title={t('parts.kpis.cards.emergency')}
          raw={emergencyOrders.emergencyShare}
          value={emergencyOrders.emergencyShare === null ? nothing : format.percent(emergencyOrders.emergencyShare)}
          tone={toneOf(emergencyOrders.emergencyShare, 0.05, 0.15, false)}
          hint={t('parts.kpis.cards.emergencyHint', {
            emergency: emergencyOrders.emergencyLines,
            lines: emergencyOrders.lines,
            valueShare: format.percent(emergencyOrders.emergencyValueShare),
          })}
        />
      </div>
      <section className="panel" data-testid="kpi-aging">
        <div className="panel-header">
          <h2>{t('parts.kpis.aging.title')}</h2>
        </div>
        <p className="hint">{t('parts.kpis.aging.intro')}</p>
        <AgingChart aging={aging} format={format} />
      </section>
    </>
  );
}

function AgingChart({ aging, format }: { aging: PartsKpiFiguresFragment['aging']; format: ReturnType<typeof useKpiFormat> }) {
  const { t } = useTranslation();
  const bars = BANDS.map((key) => {
    const band = aging.find((b) => b.key === key);
    return {
      key,
      label: t(`parts.kpis.aging.bands.${key}`),
      value: Number(band?.value ?? 0),
      text: format.money(band?.value ?? '0'),
    };
  });
  return (
    <HorizontalBars
      bars={bars}
      className="kpi-aging-chart"
      testId="kpi-aging-chart"
      label={t('parts.kpis.aging.chart', { bands: bars.map((b) => `${b.label} ${b.text}`).join(', ') })}
    />
  );
}

type TrendMonths = PartsKpisQuery['partsKpis']['trend'];

function Trend({ trend, format }: { trend: TrendMonths; format: ReturnType<typeof useKpiFormat> }) {
  const { t } = useTranslation();
  const months = useMonthLabels()(trend);
  const turnover = months.map((m) => ({
    key: m.from,
    label: m.label,
    sub: m.sub,
    full: m.full,
    value: m.turnover === null ? null : Number(m.turnover),
    text: format.ratio(m.turnover),
  }));
  const fill = months.map((m) => ({
    key: m.from,
    label: m.label,
    sub: m.sub,
    full: m.full,
    value: m.fillRate === null ? null : Number(m.fillRate) * 100,
    text: m.fillRate === null ? '' : format.percent(m.fillRate),
  }));
  const describe = (title: string, points: { full: string; text: string }[]) =>
    t('parts.kpis.trend.chart', { title, points: points.map((p) => `${p.full} ${p.text || '—'}`).join(', ') });
  return (
    <section className="panel" data-testid="kpi-trend">
      <div className="panel-header">
        <h2>{t('parts.kpis.trend.title')}</h2>
      </div>
      <p className="hint">{t('parts.kpis.trend.intro')}</p>
      <div className="kpi-charts">
        <figure>
          <figcaption>{t('parts.kpis.trend.turnover')}</figcaption>
          <MonthChart points={turnover} kind="bars" testId="kpi-turnover-chart" label={describe(t('parts.kpis.trend.turnover'), turnover)} />
        </figure>
        <figure>
          <figcaption>{t('parts.kpis.trend.fillRate')}</figcaption>
          <MonthChart
            points={fill}
            kind="line"
            floor={Math.min(80, ...fill.map((p) => p.value ?? 100))}
            testId="kpi-fill-chart"
            label={describe(t('parts.kpis.trend.fillRate'), fill)}
          />
        </figure>
      </div>
      <details>
        <summary>{t('parts.kpis.trend.table')}</summary>
        <table className="table" data-testid="kpi-trend-table">
          <thead>
            <tr>
              <th scope="col">{t('parts.kpis.trend.month')}</th>
              <th scope="col" className="num">
                {t('parts.kpis.trend.issueCost')}
              </th>
              <th scope="col" className="num">
                {t('parts.kpis.trend.stockValue')}
              </th>
              <th scope="col" className="num">
                {t('parts.kpis.cards.turnover')}
              </th>
              <th scope="col" className="num">
                {t('parts.kpis.trend.requests')}
              </th>
              <th scope="col" className="num">
                {t('parts.kpis.cards.fillRate')}
              </th>
            </tr>
          </thead>
          <tbody>
            {months.map((m) => (
              <tr key={m.from}>
                <th scope="row">{m.full}</th>
                <td className="num">{format.money(m.issueCost)}</td>
                <td className="num">{format.money(m.inventoryValue)}</td>
                <td className="num">{format.ratio(m.turnover)}</td>
                <td className="num">{m.requests}</td>
                <td className="num" title={m.fillRate === null ? t('parts.kpis.trend.noRequests') : undefined}>
                  {format.percent(m.fillRate)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}

function Definitions() {
  const { t } = useTranslation();
  return (
    <details className="panel kpi-definitions">
      <summary>{t('parts.kpis.definitions.title')}</summary>
      <ul>
        {(['fillRate', 'turnover', 'daysOfSupply', 'deadStock', 'aging', 'emergency'] as const).map((key) => (
          <li key={key}>{t(`parts.kpis.definitions.${key}`)}</li>
        ))}
      </ul>
    </details>
  );
}
