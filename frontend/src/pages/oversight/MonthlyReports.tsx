import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../api/useAction';
import { can } from '../../access';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import { dealerToday, formatDay } from '../../dates';
import {
  GenerateMonthlyReportDocument,
  MonthlyReportsDocument,
  RegionMonthlyReportsDocument,
} from '../../gql/graphql';
import { useLocalized, usePageTitle } from '../../localize';
import { useViewer } from '../../session';
import { STATES, StatePill, StatusName, monthText, reportAccess } from './MonthlyReportBits';
import './MonthlyReport.css';

/** 月报: the dealer's reports to the manufacturer (generate, then review and submit on the
 * report's page); for the region's overseers, the dealers x months grid. */
export function MonthlyReports() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const { own, overseer } = reportAccess(viewer);
  usePageTitle(t('oversight.monthlyReports.title'));
  return (
    <div className="page page-wide" data-testid="page-monthly-reports">
      <PageHeader title={t('oversight.monthlyReports.title')} intro={t('oversight.monthlyReports.intro')} />
      {overseer && <RegionGrid />}
      {own && <DealerReports />}
    </div>
  );
}

function lastMonth(today: string): string {
  const [y = 1970, m = 1] = today.split('-').map(Number);
  const year = m === 1 ? y - 1 : y;
  const month = m === 1 ? 12 : m - 1;
  return `${year}-${String(month).padStart(2, '0')}`;
}

function DealerReports() {
  const { t, i18n } = useTranslation();
  const viewer = useViewer();
  const navigate = useNavigate();
  const today = dealerToday(viewer.currentDealer?.timeZone);
  const [month, setMonth] = useState(lastMonth(today));
  const generate = useAction(GenerateMonthlyReportDocument);
  const [{ data, error, fetching }, refetch] = useQuery({ query: MonthlyReportsDocument, requestPolicy: 'cache-and-network' });
  const mayWrite = can(viewer, 'report', 'submit_monthly');

  async function onGenerate(e: FormEvent) {
    e.preventDefault();
    const result = await generate.run({ month: `${month}-01` });
    if (result.data) navigate(`/oversight/monthly-reports/${encodeURIComponent(result.data.generateMonthlyReport.id)}`);
  }

  return (
    <>
      {mayWrite && (
        <section className="panel no-print">
          <h2>{t('oversight.monthlyReports.generate.title')}</h2>
          <form className="inline-list" onSubmit={onGenerate} data-testid="monthly-report-generate">
            <label className="control">
              <span>{t('oversight.monthlyReports.generate.month')}</span>
              <input
                className="input"
                type="month"
                value={month}
                max={lastMonth(today)}
                data-testid="monthly-report-generate-month"
                onChange={(e) => setMonth(e.target.value)}
              />
            </label>
            <button type="submit" className="button button-primary" disabled={generate.pending || !month}>
              {t('oversight.monthlyReports.generate.submit')}
            </button>
          </form>
          <MutationError error={generate.error} />
        </section>
      )}
      <section className="panel">
        {error && <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />}
        {!data && fetching && <Loading />}
        {data && data.monthlyReports.length === 0 && <p className="empty">{t('oversight.monthlyReports.empty')}</p>}
        {data && data.monthlyReports.length > 0 && (
          <table className="table" data-testid="monthly-reports-table">
            <thead>
              <tr>
                <th>{t('oversight.monthlyReports.month')}</th>
                <th>{t('oversight.monthlyReports.dueOn')}</th>
                <th>{t('oversight.monthlyReports.status')}</th>
                <th>{t('oversight.monthlyReports.standing')}</th>
                <th>{t('oversight.monthlyReports.submittedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {data.monthlyReports.map((r) => (
                <tr key={r.id} data-testid="monthly-report-row" data-month={r.month} data-state={r.state}>
                  <td>
                    <Link to={`/oversight/monthly-reports/${encodeURIComponent(r.id)}`}>{monthText(r.month)}</Link>
                  </td>
                  <td>{formatDay(r.dueOn, i18n.language)}</td>
                  <td>
                    <StatusName status={r.status} />
                  </td>
                  <td>
                    <StatePill state={r.state} />
                  </td>
                  <td>{r.submittedAt ? new Date(r.submittedAt).toLocaleString(i18n.language) : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

function RegionGrid() {
  const { t, i18n } = useTranslation();
  const localized = useLocalized();
  const [regionId, setRegionId] = useState<string | null>(null);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: RegionMonthlyReportsDocument,
    variables: { regionId },
    requestPolicy: 'cache-and-network',
  });
  if (error) return <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!data) return fetching ? <Loading /> : null;
  const grid = data.regionMonthlyReports;
  return (
    <section className="panel" aria-label={t('oversight.monthlyReports.regionTitle')} data-testid="monthly-report-grid">
      <h2>{t('oversight.monthlyReports.regionTitle')}</h2>
      <p className="muted">{t('oversight.monthlyReports.regionIntro')}</p>
      {data.monthlyReportRegions.length > 1 && (
        <label className="control no-print">
          <span>{t('oversight.monthlyReports.region')}</span>
          <select className="select" value={regionId ?? ''} onChange={(e) => setRegionId(e.target.value || null)}>
            {data.monthlyReportRegions.map((r) => (
              <option key={r.id} value={r.id}>
                {r.code} {localized(r.name, r.nameZh)}
              </option>
            ))}
          </select>
        </label>
      )}
      <p data-testid="monthly-report-counts">{t('oversight.monthlyReports.counts', grid.counts)}</p>
      <div className="inline-list monthly-legend" aria-label={t('oversight.monthlyReports.legend')}>
        {STATES.map((s) => (
          <StatePill key={s} state={s} />
        ))}
      </div>
      <div className="table-scroll">
        <table className="table monthly-grid">
          <thead>
            <tr>
              <th>{t('oversight.monthlyReports.dealer')}</th>
              {grid.months.map((m) => (
                <th key={m} className="num">
                  {monthText(m)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {grid.dealers.map((d) => (
              <tr key={d.dealerId} data-testid="monthly-grid-row" data-dealer={d.dealerCode}>
                <th scope="row">
                  {d.dealerCode} <span className="muted">{d.dealerName}</span>
                  <div className="muted small">{t('oversight.monthlyReports.counts', d.counts)}</div>
                </th>
                {d.cells.map((c) => {
                  const label = t(`oversight.monthlyReports.state.${c.state.toLowerCase()}` as 'oversight.monthlyReports.state.late');
                  const title = `${d.dealerCode} ${monthText(c.month)}: ${label} · ${t('oversight.monthlyReports.dueOn')} ${formatDay(c.dueOn, i18n.language)}`;
                  return (
                    <td
                      key={c.month}
                      className={`monthly-cell monthly-cell-${c.state.toLowerCase()}`}
                      title={title}
                      data-testid="monthly-grid-cell"
                      data-month={c.month}
                      data-state={c.state}
                    >
                      {c.report ? (
                        <Link to={`/oversight/monthly-reports/${encodeURIComponent(c.report)}`} aria-label={title}>
                          {label}
                        </Link>
                      ) : (
                        label
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
