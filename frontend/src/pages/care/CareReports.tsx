import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import { CareReportsDocument, GenerateCareReportDocument, type CareReportKind } from '../../gql/graphql';
import { dealerToday } from '../../dates';
import { useViewer } from '../../session';
import { KINDS, ReportStatus, periodText, useKindName } from './CareReportBits';

/** 客服报表: the daily problem report and the monthly reports, with due and late badges. */
export function CareReports() {
  const { t } = useTranslation();
  const kindName = useKindName();
  const [params, setParams] = useSearchParams();
  const asked = params.get('kind') as CareReportKind | null;
  const kind = asked && KINDS.includes(asked) ? asked : null;
  const [after, setAfter] = useState<string | null>(null);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: CareReportsDocument,
    variables: { kind, first: 50, after },
    requestPolicy: 'cache-and-network',
  });
  const reports = data?.careReports;
  const choose = (next: CareReportKind | null) => {
    setAfter(null);
    const keep = new URLSearchParams(params);
    if (next) keep.set('kind', next);
    else keep.delete('kind');
    setParams(keep, { replace: true });
  };
  return (
    <div className="page page-wide" data-testid="page-care-reports">
      <PageHeader title={t('care.measures.reports.title')} intro={t('care.measures.reports.intro')} />
      <div className="segmented segmented-light" role="group" aria-label={t('care.measures.reports.kind')} style={{ marginBottom: 12 }}>
        {[null, ...KINDS].map((k) => (
          <button key={k ?? 'all'} type="button" className={k === kind ? 'active' : undefined} aria-pressed={k === kind} data-testid={`care-reports-kind-${k ?? 'all'}`} onClick={() => choose(k)}>
            {k ? kindName(k) : t('care.measures.reports.all')}
          </button>
        ))}
      </div>
      <GeneratePanel onDone={() => refetch({ requestPolicy: 'network-only' })} />
      {error ? (
        <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !reports && fetching ? (
        <Loading />
      ) : !reports || reports.edges.length === 0 ? (
        <p className="empty" data-testid="care-reports-empty">
          {t('care.measures.reports.empty')}
        </p>
      ) : (
        <section className="panel">
          <table className="table" data-testid="care-reports">
            <thead>
              <tr>
                <th scope="col">{t('care.measures.reports.kind')}</th>
                <th scope="col">{t('care.measures.reports.period')}</th>
                <th scope="col">{t('care.measures.reports.dueOn')}</th>
                <th scope="col">{t('care.measures.reports.status')}</th>
                <th scope="col">{t('care.measures.reports.generatedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {reports.edges.map(({ node }) => (
                <tr key={node.id} data-testid="care-report-row" data-kind={node.kind} data-period={node.periodStart}>
                  <td>
                    <Link to={`/care/reports/${encodeURIComponent(node.id)}`}>{kindName(node.kind)}</Link>
                  </td>
                  <td className="mono">{periodText(node)}</td>
                  <td className="mono">{node.dueOn}</td>
                  <td>
                    <ReportStatus report={node} />
                  </td>
                  <td>
                    <When at={node.generatedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {reports.pageInfo.hasNextPage && (
            <button type="button" className="button button-secondary" data-testid="care-reports-more" onClick={() => setAfter(reports.pageInfo.endCursor ?? null)}>
              {t('care.measures.reports.more')}
            </button>
          )}
        </section>
      )}
    </div>
  );
}

/** Generate a report now (those who submit that kind), then open it. */
function GeneratePanel({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const kindName = useKindName();
  const viewer = useViewer();
  const navigate = useNavigate();
  const generate = useAction(GenerateCareReportDocument);
  const [kind, setKind] = useState<CareReportKind>('DAILY_PROBLEMS');
  const [period, setPeriod] = useState(() => dealerToday(viewer.currentDealer?.timeZone));
  const allowed = KINDS.filter((k) => can(viewer, 'report', k === 'DAILY_PROBLEMS' ? 'submit_daily' : 'submit_monthly'));
  if (allowed.length === 0) return null;
  const chosen: CareReportKind = allowed.includes(kind) ? kind : allowed[0]!;
  return (
    <form
      className="panel inline-list"
      data-testid="care-report-generate"
      onSubmit={async (e) => {
        e.preventDefault();
        const result = await generate.run({ kind: chosen, period });
        if (result.data) {
          onDone();
          navigate(`/care/reports/${encodeURIComponent(result.data.generateCareReport.id)}`);
        }
      }}
    >
      <label className="kpi-date">
        <span>{t('care.measures.reports.kind')}</span>
        <select value={chosen} data-testid="care-report-generate-kind" onChange={(e) => setKind(e.target.value as CareReportKind)}>
          {allowed.map((k) => (
            <option key={k} value={k}>
              {kindName(k)}
            </option>
          ))}
        </select>
      </label>
      <label className="kpi-date">
        <span>{t('care.measures.reports.generateFor')}</span>
        <input type="date" value={period} required data-testid="care-report-generate-period" onChange={(e) => setPeriod(e.target.value)} />
      </label>
      <button type="submit" className="button button-secondary" disabled={generate.pending} data-testid="care-report-generate-submit">
        {t('care.measures.reports.generate')}
      </button>
      <MutationError error={generate.error} />
    </form>
  );
}
