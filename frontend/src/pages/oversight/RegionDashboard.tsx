import { useSearchParams, Link } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { DashboardRegionsDocument, RegionDashboardDocument, type RegionDashboardQuery } from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { HorizontalBars, MonthChart } from '../parts/PartsKpiBits';
import { AREAS, type Area, TargetText, targetClass, useKpiLabel, useKpiValue, useMonthName, useMonthPoints } from './DashboardBits';
import { DashboardTargets } from './DashboardTargets';
import '../parts/PartsKpi.css';
import './Dashboard.css';

type View = RegionDashboardQuery['regionDashboard'];
type Figure = View['kpis'][number];

/** 大区经营看板: the region's dealers × KPIs against median and targets, with charts. */
export function RegionDashboard() {
  const { t } = useTranslation();
  const local = useLocalized();
  const viewer = useViewer();
  const monthName = useMonthName();
  const [params, setParams] = useSearchParams();
  const [regions] = useQuery({ query: DashboardRegionsDocument });
  const overseen = regions.data?.dashboardRegions ?? [];
  const regionId = params.get('region') ?? overseen[0]?.id ?? null;
  const area = (AREAS as readonly string[]).includes(params.get('area') ?? '') ? (params.get('area') as Area) : 'service';
  const [{ data, error, fetching }, refetch] = useQuery({
    query: RegionDashboardDocument,
    variables: { regionId, months: 12 },
    pause: regionId === null,
    requestPolicy: 'cache-and-network',
  });
  const view = data?.regionDashboard;
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    if (key === 'area') next.delete('kpi');
    setParams(next, { replace: true });
  };
  const figures = view?.kpis.filter((f) => f.kpi.domain === area) ?? [];
  const selected = figures.find((f) => f.kpi.key === params.get('kpi')) ?? figures[0];

  let body;
  if (regions.error) body = <ErrorPanel error={regions.error} />;
  else if (regions.fetching && !regions.data) body = <Loading />;
  else if (overseen.length === 0)
    body = (
      <p className="empty" data-testid="dashboard-none">
        {t('oversight.dashboard.none')}
      </p>
    );
  else if (error) body = <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  else if (!view || (fetching && view.region?.id !== regionId)) body = <Loading />;
  else
    body = (
      <>
        <DealerTable view={view} figures={figures} selected={selected?.kpi.key ?? null} onSelect={(key) => set('kpi', key)} />
        {selected && <Charts view={view} figure={selected} />}
      </>
    );

  const region = view?.region ?? overseen.find((r) => r.id === regionId);
  return (
    <div className="page page-wide" data-testid="page-region-dashboard">
      <PageHeader
        title={t('oversight.dashboard.title')}
        intro={region && view ? t('oversight.dashboard.intro', { region: local(region.name, region.nameZh), month: monthName(view.month) }) : undefined}
      />
      <section className="panel">
        <div className="kpi-period">
          {overseen.length > 1 && (
            <label className="kpi-date">
              <span>{t('oversight.dashboard.region')}</span>
              <select value={regionId ?? ''} data-testid="dashboard-region" onChange={(e) => set('region', e.target.value)}>
                {overseen.map((r) => (
                  <option key={r.id} value={r.id}>
                    {local(r.name, r.nameZh)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <div className="segmented segmented-light" role="group" aria-label={t('oversight.dashboard.area')} data-testid="dashboard-area">
            {AREAS.map((a) => (
              <button key={a} type="button" className={a === area ? 'active' : undefined} aria-pressed={a === area} data-testid={`dashboard-area-${a}`} onClick={() => set('area', a)}>
                {t(`oversight.dashboard.areas.${a}`)}
              </button>
            ))}
          </div>
          {figures.length > 0 && (
            <label className="kpi-date">
              <span>{t('oversight.dashboard.kpi')}</span>
              <select value={selected?.kpi.key ?? ''} data-testid="dashboard-kpi" onChange={(e) => set('kpi', e.target.value)}>
                {figures.map((f) => (
                  <option key={f.kpi.key} value={f.kpi.key}>
                    {local(f.kpi.label, f.kpi.labelZh)}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
      </section>
      {body}
      {view && can(viewer, 'kpi_target', 'manage') && <DashboardTargets kpis={view.kpis.map((f) => f.kpi)} />}
    </div>
  );
}

function DealerTable({ view, figures, selected, onSelect }: { view: View; figures: Figure[]; selected: string | null; onSelect: (key: string) => void }) {
  const { t } = useTranslation();
  const local = useLocalized();
  const show = useKpiValue();
  const label = useKpiLabel();
  const keys = figures.map((f) => f.kpi.key);
  const hasFigures = view.dealers.some((d) => d.cells.some((c) => keys.includes(c.kpi) && c.value !== null));
  return (
    <section className="panel">
      <p className="hint">{t('oversight.dashboard.legend')}</p>
      {!hasFigures && (
        <p className="empty" data-testid="dashboard-no-data">
          {t('oversight.dashboard.noData')}
        </p>
      )}
      <div className="kpi-table-wrap">
        <table className="table kpi-region-table" data-testid="dashboard-table">
          <thead>
            <tr>
              <th scope="col">{t('oversight.dashboard.dealer')}</th>
              {figures.map((f) => (
                <th scope="col" className={`num${f.kpi.key === selected ? ' dash-selected' : ''}`} key={f.kpi.key}>
                  <button type="button" className="kpi-sort" data-testid={`dashboard-column-${f.kpi.key}`} onClick={() => onSelect(f.kpi.key)}>
                    {label(f.kpi)}
                  </button>
                </th>
              ))}
            </tr>
            <tr className="dash-target-row" data-testid="dashboard-target-row">
              <th scope="row">{t('oversight.dashboard.target')}</th>
              {figures.map((f) => (
                <td key={f.kpi.key} className="num" data-column={f.kpi.key}>
                  <TargetText kpi={f.kpi} />
                </td>
              ))}
            </tr>
          </thead>
          <tbody>
            {view.dealers.map((row) => (
              <tr key={row.dealer?.id} data-testid="dashboard-dealer-row" data-dealer-code={row.dealer?.code}>
                <th scope="row" className="kpi-dealer-cell">
                  {row.dealer && (
                    <Link to={`/oversight/dealers/${row.dealer.id}`} data-testid="dashboard-dealer-link">
                      <span className="code">{row.dealer.code}</span>{' '}
                      <span className="kpi-dealer-name">{local(row.dealer.name, row.dealer.nameZh)}</span>
                    </Link>
                  )}
                </th>
                {figures.map((f) => {
                  const cell = row.cells.find((c) => c.kpi === f.kpi.key);
                  return (
                    <td
                      key={f.kpi.key}
                      className={`num nowrap ${targetClass(cell?.meetsTarget)}`}
                      data-column={f.kpi.key}
                      data-value={cell?.value ?? ''}
                      data-meets={cell?.meetsTarget === null || cell?.meetsTarget === undefined ? '' : String(cell.meetsTarget)}
                      title={cell?.meetsTarget === true ? t('oversight.dashboard.meets') : cell?.meetsTarget === false ? t('oversight.dashboard.misses') : undefined}
                    >
                      {show(f.kpi, cell?.value)}
                      {cell?.rank ? (
                        <span className="dash-rank" data-testid="dashboard-rank">
                          {' '}
                          {t('oversight.dashboard.rank', { rank: cell.rank, of: cell.ranked })}
                        </span>
                      ) : null}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr data-testid="dashboard-median-row">
              <th scope="row">{t('oversight.dashboard.median')}</th>
              {figures.map((f) => (
                <td key={f.kpi.key} className="num" data-column={f.kpi.key} data-value={f.median ?? ''}>
                  {show(f.kpi, f.median)}
                </td>
              ))}
            </tr>
            <tr data-testid="dashboard-region-row">
              <th scope="row">{t('oversight.dashboard.regionValue')}</th>
              {figures.map((f) => (
                <td key={f.kpi.key} className="num" data-column={f.kpi.key} data-value={f.regionValue ?? ''}>
                  {show(f.kpi, f.regionValue)}
                </td>
              ))}
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}

/** The selected KPI: the region median's trend and the dealers ranked. */
function Charts({ view, figure }: { view: View; figure: Figure }) {
  const { t } = useTranslation();
  const show = useKpiValue();
  const label = useKpiLabel()(figure.kpi);
  const points = useMonthPoints()(figure.trend.map((m) => ({ month: m.month, value: m.median, text: show(figure.kpi, m.median) })));
  const lowerFirst = figure.kpi.better === 'lower';
  const bars = view.dealers
    .map((row) => ({ row, cell: row.cells.find((c) => c.kpi === figure.kpi.key) }))
    .filter((x) => x.cell && x.cell.value !== null)
    .sort((a, b) => {
      if (a.cell?.rank && b.cell?.rank) return a.cell.rank - b.cell.rank;
      const order = Number(a.cell?.value) - Number(b.cell?.value);
      return lowerFirst ? order : -order;
    })
    .map(({ row, cell }) => ({
      key: row.dealer?.id ?? '',
      label: row.dealer?.code ?? '',
      value: Number(cell?.value),
      text: show(figure.kpi, cell?.value),
    }));
  const rankingTitle = figure.kpi.better === 'neither' ? t('oversight.dashboard.rankingBySize', { kpi: label }) : t('oversight.dashboard.ranking', { kpi: label });
  return (
    <section className="panel">
      <div className="kpi-charts">
        <figure>
          <figcaption>{t('oversight.dashboard.trend', { kpi: label })}</figcaption>
          <MonthChart
            points={points}
            kind="line"
            testId="dashboard-trend-chart"
            label={t('oversight.dashboard.trendChart', { kpi: label, points: points.map((p) => `${p.full} ${p.text || '—'}`).join(', ') })}
          />
        </figure>
        <figure>
          <figcaption>{rankingTitle}</figcaption>
          <HorizontalBars
            bars={bars}
            testId="dashboard-ranking-chart"
            label={t('oversight.dashboard.rankingChart', { kpi: label, bars: bars.map((b) => `${b.label} ${b.text}`).join(', ') })}
          />
        </figure>
      </div>
    </section>
  );
}
