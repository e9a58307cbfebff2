import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { PartsKpiRegionsDocument, RegionPartsKpisDocument, type PartsKpiFiguresFragment, type RegionPartsKpisQuery } from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { PeriodPicker, useKpiFormat, usePeriod } from './PartsKpiBits';
import './PartsKpi.css';

type Summary = RegionPartsKpisQuery['regionPartsKpis']['summary'];
type Format = ReturnType<typeof useKpiFormat>;

interface Column {
  key: 'fillRate' | 'orderFillRate' | 'turnover' | 'daysOfSupply' | 'inventoryValue' | 'deadValue' | 'deadShare' | 'slowValue' | 'emergencyShare';
  /** The dealer's own figure. */
  value(k: PartsKpiFiguresFragment): string | null;
  total(s: Summary): string | null;
  median(s: Summary): string | null;
  show(format: Format, value: string | null): string;
  /** Whether a higher figure is the better one; null: neither (size, not quality). */
  higherIsBetter: boolean | null;
}

const COLUMNS: readonly Column[] = [
  {
    key: 'fillRate',
    value: (k) => k.fillRate.fillRate,
    total: (s) => s.fillRate,
    median: (s) => s.fillRateMedian,
    show: (f, v) => f.percent(v),
    higherIsBetter: true,
  },
  {
    key: 'orderFillRate',
    value: (k) => k.fillRate.orderFillRate,
    total: (s) => s.orderFillRate,
    median: (s) => s.orderFillRateMedian,
    show: (f, v) => f.percent(v),
    higherIsBetter: true,
  },
  {
    key: 'turnover',
    value: (k) => k.stockValue.turnover,
    total: (s) => s.turnover,
    median: (s) => s.turnoverMedian,
    show: (f, v) => f.ratio(v),
    higherIsBetter: true,
  },
  {
    key: 'daysOfSupply',
    value: (k) => k.stockValue.daysOfSupply,
    total: (s) => s.daysOfSupply,
    median: (s) => s.daysOfSupplyMedian,
    show: (f, v) => f.days(v),
    higherIsBetter: false,
  },
  {
    key: 'inventoryValue',
    value: (k) => k.stockValue.inventoryValue,
    total: (s) => s.inventoryValue,
    median: (s) => s.inventoryValueMedian,
    show: (f, v) => f.money(v),
    higherIsBetter: null,
  },
  {
    key: 'deadValue',
    value: (k) => k.deadStock.deadValue,
    total: (s) => s.deadValue,
    median: (s) => s.deadValueMedian,
    show: (f, v) => f.money(v),
    higherIsBetter: false,
  },
  {
    key: 'deadShare',
    value: (k) => k.deadStock.deadValueShare,
    total: (s) => s.deadValueShare,
    median: (s) => s.deadValueShareMedian,
    show: (f, v) => f.percent(v),
    higherIsBetter: false,
  },
  {
    key: 'slowValue',
    value: (k) => k.deadStock.slowValue,
    total: (s) => s.slowValue,
    median: (s) => s.slowValueMedian,
    show: (f, v) => f.money(v),
    higherIsBetter: false,
  },
  {
    key: 'emergencyShare',
    value: (k) => k.emergencyOrders.emergencyShare,
    total: (s) => s.emergencyShare,
    median: (s) => s.emergencyShareMedian,
    show: (f, v) => f.percent(v),
    higherIsBetter: false,
  },
];

type SortKey = Column['key'] | 'dealer';

/** 大区配件指标: the dealers of a region the viewer oversees, against the region's median. */
export function RegionPartsKpis() {
  const { t } = useTranslation();
  const local = useLocalized();
  const period = usePeriod();
  const format = useKpiFormat();
  const [params, setParams] = useSearchParams();
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'dealer', descending: false });
  const [regions] = useQuery({ query: PartsKpiRegionsDocument });
  const overseen = regions.data?.partsKpiRegions ?? [];
  const regionId = params.get('region') ?? overseen[0]?.id ?? null;
  const [{ data, error, fetching }, refetch] = useQuery({
    query: RegionPartsKpisDocument,
    variables: { from: period.from, to: period.to, regionId },
    pause: period.problem !== null || regionId === null,
    requestPolicy: 'cache-and-network',
  });
  const view = data?.regionPartsKpis;
  const stale = view && (view.from !== period.from || view.to !== period.to || view.region?.id !== regionId);

  const chooseRegion = (id: string) => {
    const next = new URLSearchParams(params);
    next.set('region', id);
    setParams(next, { replace: true });
  };
  const sortBy = (key: SortKey) =>
    setSort((current) => ({ key, descending: current.key === key ? !current.descending : key !== 'dealer' }));

  let body;
  if (regions.error) {
    body = <ErrorPanel error={regions.error} />;
  } else if (regions.fetching && !regions.data) {
    body = <Loading />;
  } else if (overseen.length === 0) {
    body = (
      <p className="empty" data-testid="region-kpis-none">
        {t('parts.kpis.region.none')}
      </p>
    );
  } else if (period.problem) {
    body = null;
  } else if (error) {
    body = <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  } else if (!view || (fetching && stale)) {
    body = <Loading />;
  } else {
    body = <DealerTable view={view} sort={sort} onSort={sortBy} format={format} />;
  }

  const region = view?.region ?? overseen.find((r) => r.id === regionId);
  return (
    <div className="page page-wide" data-testid="page-region-parts-kpis">
      <PageHeader
        title={t('parts.kpis.region.title')}
        intro={region ? t('parts.kpis.region.intro', { region: local(region.name, region.nameZh) }) : undefined}
      />
      <section className="panel">
        <div className="kpi-period">
          {overseen.length > 1 && (
            <label className="kpi-date">
              <span>{t('parts.kpis.region.region')}</span>
              <select value={regionId ?? ''} data-testid="region-select" onChange={(e) => chooseRegion(e.target.value)}>
                {overseen.map((r) => (
                  <option key={r.id} value={r.id}>
                    {local(r.name, r.nameZh)}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
        <PeriodPicker period={period} />
      </section>
      {body}
    </div>
  );
}

function DealerTable({
  view,
  sort,
  onSort,
  format,
}: {
  view: RegionPartsKpisQuery['regionPartsKpis'];
  sort: { key: SortKey; descending: boolean };
  onSort: (key: SortKey) => void;
  format: Format;
}) {
  const { t } = useTranslation();
  const local = useLocalized();
  if (view.dealers.length === 0) return <p className="empty">{t('parts.kpis.region.noDealers')}</p>;
  const column = COLUMNS.find((c) => c.key === sort.key);
  const rows = [...view.dealers].sort((a, b) => {
    let order: number;
    if (!column) {
      order = (a.dealer?.code ?? '').localeCompare(b.dealer?.code ?? '');
    } else {
      const x = column.value(a);
      const y = column.value(b);
      // Dealers with nothing to measure go last whichever way the column is sorted.
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
      order = Number(x) - Number(y);
    }
    return sort.descending ? -order : order;
  });
  const ariaSort = (key: SortKey) => (sort.key === key ? (sort.descending ? 'descending' : 'ascending') : 'none');
  const heading = (key: SortKey, label: string, numeric: boolean) => (
    <th scope="col" className={numeric ? 'num' : undefined} aria-sort={ariaSort(key)} key={key}>
      <button type="button" className="kpi-sort" data-testid={`region-sort-${key}`} onClick={() => onSort(key)}>
        {label}
        <span aria-hidden="true">{sort.key === key ? (sort.descending ? ' ↓' : ' ↑') : ''}</span>
      </button>
    </th>
  );
  return (
    <section className="panel">
      <p className="hint">{t('parts.kpis.region.legend')}</p>
      <div className="kpi-table-wrap">
        <table className="table kpi-region-table" data-testid="region-kpi-table">
          <thead>
            <tr>
              {heading('dealer', t('parts.kpis.region.columns.dealer'), false)}
              {COLUMNS.map((c) => heading(c.key, t(`parts.kpis.region.columns.${c.key}`), true))}
            </tr>
          </thead>
          <tbody>
            {rows.map((k) => (
              <tr key={k.dealer?.id} data-testid="region-dealer-row" data-dealer-code={k.dealer?.code}>
                <th scope="row" className="kpi-dealer-cell">
                  <span className="code">{k.dealer?.code}</span>
                  <span className="kpi-dealer-name" title={k.dealer ? local(k.dealer.name, k.dealer.nameZh) : undefined}>
                    {k.dealer ? local(k.dealer.name, k.dealer.nameZh) : ''}
                  </span>
                </th>
                {COLUMNS.map((c) => (
                  <Cell key={c.key} column={c} value={c.value(k)} median={c.median(view.summary)} format={format} />
                ))}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr data-testid="region-total-row">
              <th scope="row">{t('parts.kpis.region.total')}</th>
              {COLUMNS.map((c) => (
                <td key={c.key} className="num" data-column={c.key} data-value={c.total(view.summary) ?? ''}>
                  {c.show(format, c.total(view.summary))}
                </td>
              ))}
            </tr>
            <tr data-testid="region-median-row">
              <th scope="row">{t('parts.kpis.region.median')}</th>
              {COLUMNS.map((c) => (
                <td key={c.key} className="num" data-column={c.key} data-value={c.median(view.summary) ?? ''}>
                  {c.show(format, c.median(view.summary))}
                </td>
              ))}
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}

function Cell({ column, value, median, format }: { column: Column; value: string | null; median: string | null; format: Format }) {
  const { t } = useTranslation();
  let mark = null;
  if (column.higherIsBetter !== null && value !== null && median !== null && Number(value) !== Number(median)) {
    const better = Number(value) > Number(median) === column.higherIsBetter;
    mark = (
      <span className={better ? 'kpi-better' : 'kpi-worse'} title={t(better ? 'parts.kpis.region.better' : 'parts.kpis.region.worse')}>
        <span aria-hidden="true">{better ? ' ▲' : ' ▼'}</span>
        <span className="visually-hidden">{t(better ? 'parts.kpis.region.better' : 'parts.kpis.region.worse')}</span>
      </span>
    );
  }
  return (
    <td className="num nowrap" data-column={column.key} data-value={value ?? ''}>
      {column.show(format, value)}
      {mark}
    </td>
  );
}
