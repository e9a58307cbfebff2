import { Link, useParams, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { DealerKpiDrilldownDocument, DealerKpiOverviewDocument, type DealerKpiOverviewQuery } from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { MonthChart } from '../parts/PartsKpiBits';
import { AREAS, TargetText, recordPath, targetClass, useKpiLabel, useKpiValue, useMonthName, useMonthPoints } from './DashboardBits';
import '../parts/PartsKpi.css';
import './Dashboard.css';

type Overview = DealerKpiOverviewQuery['dealerKpiOverview'];

/** 经销商指标明细: a dealer's KPIs over 12 months and the numbers behind one of them. */
export function DealerDrilldown() {
  const { t } = useTranslation();
  const local = useLocalized();
  const monthName = useMonthName();
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const [{ data, error }, refetch] = useQuery({ query: DealerKpiOverviewDocument, variables: { dealerId: id, months: 12 } });
  const view = data?.dealerKpiOverview;
  const chosen = params.get('kpi') ?? view?.kpis[0]?.kpi.key ?? null;
  const choose = (key: string) => {
    const next = new URLSearchParams(params);
    next.set('kpi', key);
    setParams(next, { replace: true });
  };
  const dealerName = view?.dealer ? `${view.dealer.code} ${local(view.dealer.name, view.dealer.nameZh)}` : '';
  return (
    <div className="page page-wide" data-testid="page-dealer-drilldown">
      <PageHeader
        title={view ? t('oversight.dashboard.drill.title', { dealer: dealerName }) : t('oversight.dashboard.title')}
        intro={view ? t('oversight.dashboard.drill.intro', { month: monthName(view.month) }) : undefined}
        actions={
          view?.oversees ? (
            <Link className="button button-secondary" to="/oversight/dashboard" data-testid="drill-back">
              {t('oversight.dashboard.drill.back')}
            </Link>
          ) : undefined
        }
      />
      {error ? (
        <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !view ? (
        <Loading />
      ) : (
        <>
          {!view.oversees && <p className="hint">{t('oversight.dashboard.drill.notOverseen')}</p>}
          <Cards view={view} chosen={chosen} onChoose={choose} />
          {chosen && <Drilldown dealerId={id} kpi={chosen} dealerName={dealerName} />}
        </>
      )}
    </div>
  );
}

function Cards({ view, chosen, onChoose }: { view: Overview; chosen: string | null; onChoose: (key: string) => void }) {
  const { t } = useTranslation();
  const show = useKpiValue();
  const label = useKpiLabel();
  return (
    <>
      {AREAS.map((area) => (
        <section className="panel" key={area}>
          <h2>{t(`oversight.dashboard.areas.${area}`)}</h2>
          <div className="kpi-grid">
            {view.kpis
              .filter((f) => f.kpi.domain === area)
              .map((f) => {
                const cell = view.cells.find((c) => c.kpi === f.kpi.key);
                return (
                  <button
                    type="button"
                    key={f.kpi.key}
                    className={`kpi-card dash-card ${targetClass(cell?.meetsTarget)}${f.kpi.key === chosen ? ' dash-selected' : ''}`}
                    aria-pressed={f.kpi.key === chosen}
                    data-testid={`drill-card-${f.kpi.key}`}
                    data-value={cell?.value ?? ''}
                    onClick={() => onChoose(f.kpi.key)}
                  >
                    <span className="kpi-card-title">{label(f.kpi)}</span>
                    <span className="kpi-card-value">{show(f.kpi, cell?.value)}</span>
                    <span className="kpi-card-hint">
                      {t('oversight.dashboard.target')} <TargetText kpi={f.kpi} />
                      {view.oversees && (
                        <>
                          {' · '}
                          {t('oversight.dashboard.median')} {show(f.kpi, f.median)}
                          {cell?.rank ? ` · ${t('oversight.dashboard.rank', { rank: cell.rank, of: cell.ranked })}` : ''}
                        </>
                      )}
                    </span>
                  </button>
                );
              })}
          </div>
        </section>
      ))}
    </>
  );
}

function Drilldown({ dealerId, kpi, dealerName }: { dealerId: string; kpi: string; dealerName: string }) {
  const { t } = useTranslation();
  const show = useKpiValue();
  const label = useKpiLabel();
  const monthName = useMonthName();
  const toPoints = useMonthPoints();
  const [{ data, error }] = useQuery({ query: DealerKpiDrilldownDocument, variables: { dealerId, kpi, months: 12 } });
  const drill = data?.dealerKpiDrilldown;
  if (error) return <ErrorPanel error={error} />;
  if (!drill || drill.kpi.key !== kpi) return <Loading />;
  const name = label(drill.kpi);
  const points = toPoints(drill.months.map((m) => ({ month: m.month, value: m.value, text: show(drill.kpi, m.value) })));
  const medians = toPoints(drill.region.map((m) => ({ month: m.month, value: m.median, text: show(drill.kpi, m.median) })));
  const medianOf = new Map(drill.region.map((m) => [m.month, m.median]));
  const fraction = t(`oversight.dashboard.fractions.${kpi}` as 'oversight.dashboard.fractions.csi', { returnObjects: true }) as {
    numerator: string;
    denominator: string;
  };
  return (
    <section className="panel" data-testid="drill-panel" data-kpi={kpi}>
      <h2>{name}</h2>
      <div className="kpi-charts">
        <figure>
          <figcaption>{t('oversight.dashboard.drill.chartTitle', { kpi: name })}</figcaption>
          <MonthChart
            points={points}
            kind="bars"
            testId="drill-chart"
            label={t('oversight.dashboard.drill.chart', { kpi: name, dealer: dealerName, points: points.map((p) => `${p.full} ${p.text || '—'}`).join(', ') })}
          />
        </figure>
        {medians.length > 0 && (
          <figure>
            <figcaption>{t('oversight.dashboard.drill.medianChartTitle')}</figcaption>
            <MonthChart
              points={medians}
              kind="line"
              testId="drill-median-chart"
              label={t('oversight.dashboard.drill.medianChart', { kpi: name, points: medians.map((p) => `${p.full} ${p.text || '—'}`).join(', ') })}
            />
          </figure>
        )}
      </div>
      <h3>{t('oversight.dashboard.drill.numbers')}</h3>
      <p className="hint" data-testid="drill-source">
        {t('oversight.dashboard.drill.source', { source: drill.source })} · {t('oversight.dashboard.target')} <TargetText kpi={drill.kpi} />
      </p>
      <div className="kpi-table-wrap">
        <table className="table" data-testid="drill-months">
          <thead>
            <tr>
              <th scope="col">{t('oversight.dashboard.month')}</th>
              <th scope="col" className="num">
                {t('oversight.dashboard.drill.value')}
              </th>
              <th scope="col" className="num">
                {t('oversight.dashboard.drill.numerator')}
                {fraction.numerator !== '—' && <div className="muted">{fraction.numerator}</div>}
              </th>
              <th scope="col" className="num">
                {t('oversight.dashboard.drill.denominator')}
                {fraction.denominator !== '—' && <div className="muted">{fraction.denominator}</div>}
              </th>
              {drill.region.length > 0 && (
                <th scope="col" className="num">
                  {t('oversight.dashboard.median')}
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {[...drill.months].reverse().map((m) => (
              <tr key={m.month} data-testid="drill-month" data-month={m.month} data-value={m.value ?? ''}>
                <th scope="row">{monthName(m.month)}</th>
                <td className="num">{show(drill.kpi, m.value)}</td>
                <td className="num">{m.numerator ?? '—'}</td>
                <td className="num">{m.denominator ?? '—'}</td>
                {drill.region.length > 0 && <td className="num">{show(drill.kpi, medianOf.get(m.month))}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>{t('oversight.dashboard.drill.records', { month: monthName(drill.month) })}</h3>
      {drill.records.length === 0 ? (
        <p className="empty" data-testid="drill-no-records">
          {t('oversight.dashboard.drill.noRecords')}
        </p>
      ) : (
        <table className="table" data-testid="drill-records">
          <thead>
            <tr>
              <th scope="col">{t('oversight.dashboard.drill.number')}</th>
              <th scope="col">{t('oversight.dashboard.drill.status')}</th>
              <th scope="col">{t('oversight.dashboard.drill.at')}</th>
              <th scope="col" className="num">
                {t('oversight.dashboard.drill.amount')}
              </th>
              <th scope="col">{t('oversight.dashboard.drill.note')}</th>
            </tr>
          </thead>
          <tbody>
            {drill.records.map((r) => {
              const path = recordPath(r.kind, r.id);
              const kind = t(`oversight.dashboard.drill.kinds.${r.kind}` as 'oversight.dashboard.drill.kinds.revisit');
              return (
                <tr key={`${r.kind}-${r.id}`} data-testid="drill-record">
                  <td>
                    {kind}{' '}
                    {path ? (
                      <Link to={path} className="mono">
                        {r.number}
                      </Link>
                    ) : (
                      <span className="mono">{r.number}</span>
                    )}
                  </td>
                  <td>{r.status}</td>
                  <td>
                    <When at={r.at} />
                  </td>
                  <td className="num">{r.amount ?? ''}</td>
                  <td>{r.note}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
