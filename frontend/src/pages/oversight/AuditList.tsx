import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../api/useAction';
import { can } from '../../access';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import { addDays, dealerToday, formatDay } from '../../dates';
import {
  DealerAuditSummaryDocument,
  DealerAuditsDocument,
  PlanDealerAuditDocument,
  type DealerAuditStatus,
  type DealerAuditSummaryQuery,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { AUDIT_STATUSES, AuditStatusPill, PercentBars, pct } from './AuditBits';
import './Audit.css';

const PAGE = 50;

/** 巡查考核: the audits the viewer may read; the region's manager also plans visits and sees
 * every dealer's standing (last score, open and overdue findings). */
export function AuditList() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const auditor = can(viewer, 'dealer_audit', 'create');
  const [status, setStatus] = useState<DealerAuditStatus | ''>('');
  const [pages, setPages] = useState<(string | null)[]>([null]);
  return (
    <div className="page page-wide" data-testid="page-audits">
      <PageHeader title={t('oversight.audits.title')} intro={t('oversight.audits.intro')} />
      {auditor && <RegionStanding />}
      <section className="panel">
        <label className="control">
          <span>{t('oversight.audits.list.status')}</span>
          <select
            className="select"
            value={status}
            data-testid="audits-status-filter"
            onChange={(e) => (setStatus(e.target.value as DealerAuditStatus | ''), setPages([null]))}
          >
            <option value="">{t('oversight.audits.list.all')}</option>
            {AUDIT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`oversight.audits.status.${s.toLowerCase()}` as 'oversight.audits.status.planned')}
              </option>
            ))}
          </select>
        </label>
        <AuditTable status={status} pages={pages} onMore={(cursor) => setPages([...pages, cursor])} />
      </section>
    </div>
  );
}

function AuditTable({
  status,
  pages,
  onMore,
}: {
  status: DealerAuditStatus | '';
  pages: (string | null)[];
  onMore: (cursor: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <table className="table" data-testid="audits-table">
      <thead>
        <tr>
          <th>{t('oversight.audits.list.number')}</th>
          <th>{t('oversight.audits.list.dealer')}</th>
          <th>{t('oversight.audits.list.plannedOn')}</th>
          <th>{t('oversight.audits.list.status')}</th>
          <th>{t('oversight.audits.list.auditor')}</th>
          <th className="num">{t('oversight.audits.list.score')}</th>
          <th className="num">{t('oversight.audits.list.findings')}</th>
        </tr>
      </thead>
      {pages.map((after, n) => (
        <AuditPageRows key={after ?? 'first'} status={status} after={after} last={n === pages.length - 1} onMore={onMore} />
      ))}
    </table>
  );
}

function AuditPageRows({
  status,
  after,
  last,
  onMore,
}: {
  status: DealerAuditStatus | '';
  after: string | null;
  last: boolean;
  onMore: (cursor: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const localized = useLocalized();
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: DealerAuditsDocument,
    variables: { status: status ? [status] : null, first: PAGE, after },
    requestPolicy: 'cache-and-network',
  });
  const message = (content: React.ReactNode) => (
    <tbody>
      <tr>
        <td colSpan={7}>{content}</td>
      </tr>
    </tbody>
  );
  if (error) return message(<ErrorPanel error={error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} />);
  if (!data) return fetching ? message(<Loading />) : null;
  const rows = data.dealerAudits.edges.map((e) => e.node);
  const info = data.dealerAudits.pageInfo;
  if (after === null && rows.length === 0) return message(<p className="empty">{t('oversight.audits.list.empty')}</p>);
  return (
    <tbody>
      {rows.map((a) => (
        <tr key={a.id} data-testid="audit-row" data-number={a.number}>
          <td>
            <Link to={`/oversight/audits/${encodeURIComponent(a.id)}`}>{a.number}</Link>
          </td>
          <td>
            {a.dealerCode} {localized(a.dealerName, a.dealerNameZh)}
          </td>
          <td>{formatDay(a.plannedOn, i18n.language)}</td>
          <td>
            <AuditStatusPill status={a.status} />
          </td>
          <td>{a.auditorName}</td>
          <td className="num">{a.scorePercent == null ? '–' : pct(a.scorePercent)}</td>
          <td className="num">
            {a.openFindings}
            {a.overdueFindings > 0 && <span className="audit-overdue"> / {a.overdueFindings}</span>}
          </td>
        </tr>
      ))}
      {last && info.hasNextPage && (
        <tr>
          <td colSpan={7}>
            <button type="button" className="button button-secondary" onClick={() => onMore(info.endCursor as string)}>
              {t('oversight.audits.list.more')}
            </button>
          </td>
        </tr>
      )}
    </tbody>
  );
}

type Standing = DealerAuditSummaryQuery['dealerAuditSummary'][number];

/** The region's dealers with their last score (a chart), findings and next visit; and the
 * form to plan a visit. */
function RegionStanding() {
  const { t, i18n } = useTranslation();
  const localized = useLocalized();
  const [{ data, error }, reexecute] = useQuery({ query: DealerAuditSummaryDocument, requestPolicy: 'cache-and-network' });
  if (error) return <ErrorPanel error={error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} />;
  if (!data) return <Loading />;
  const dealers = data.dealerAuditSummary;
  return (
    <>
      <PlanForm dealers={dealers} onPlanned={() => reexecute({ requestPolicy: 'network-only' })} />
      <section className="panel" aria-label={t('oversight.audits.summary.title')}>
        <h2>{t('oversight.audits.summary.title')}</h2>
        <PercentBars
          label={t('oversight.audits.summary.chart')}
          testId="audit-dealer-chart"
          bars={dealers
            .filter((d) => d.lastPercent != null)
            .map((d) => ({ key: d.dealerCode, label: d.dealerCode, percent: d.lastPercent ?? null }))}
        />
        <table className="table" data-testid="audit-summary">
          <thead>
            <tr>
              <th>{t('oversight.audits.list.dealer')}</th>
              <th>{t('oversight.audits.summary.lastAudit')}</th>
              <th className="num">{t('oversight.audits.summary.lastScore')}</th>
              <th className="num">{t('oversight.audits.summary.open')}</th>
              <th className="num">{t('oversight.audits.summary.overdue')}</th>
              <th>{t('oversight.audits.summary.nextVisit')}</th>
            </tr>
          </thead>
          <tbody>
            {dealers.map((d) => (
              <tr key={d.dealerId} data-testid="audit-summary-row" data-dealer={d.dealerCode}>
                <td>
                  {d.dealerCode} {localized(d.dealerName, d.dealerNameZh)}
                </td>
                <td>
                  {d.lastAuditId ? (
                    <Link to={`/oversight/audits/${encodeURIComponent(d.lastAuditId)}`}>{d.lastNumber}</Link>
                  ) : (
                    <span className="muted">{t('oversight.audits.summary.never')}</span>
                  )}
                </td>
                <td className="num">{pct(d.lastPercent)}</td>
                <td className="num" data-testid="audit-summary-open">
                  {d.openFindings}
                </td>
                <td className="num" data-testid="audit-summary-overdue">
                  {d.overdueFindings > 0 ? <span className="audit-overdue">{d.overdueFindings}</span> : 0}
                </td>
                <td>{d.nextPlannedOn ? formatDay(d.nextPlannedOn, i18n.language) : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

function PlanForm({ dealers, onPlanned }: { dealers: Standing[]; onPlanned: () => void }) {
  const { t } = useTranslation();
  const localized = useLocalized();
  const navigate = useNavigate();
  const [dealer, setDealer] = useState(dealers[0]?.dealerId ?? '');
  const [day, setDay] = useState(addDays(dealerToday(null), 1));
  const plan = useAction(PlanDealerAuditDocument);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { data } = await plan.run({ dealerId: dealer, plannedOn: day });
    if (data) {
      onPlanned();
      navigate(`/oversight/audits/${encodeURIComponent(data.planDealerAudit.id)}`);
    }
  };
  return (
    <section className="panel" aria-label={t('oversight.audits.plan.title')}>
      <h2>{t('oversight.audits.plan.title')}</h2>
      <form className="form-grid" onSubmit={submit} data-testid="audit-plan-form">
        <label className="control">
          <span>{t('oversight.audits.plan.dealer')}</span>
          <select className="select" value={dealer} data-testid="audit-plan-dealer" onChange={(e) => setDealer(e.target.value)}>
            {dealers.map((d) => (
              <option key={d.dealerId} value={d.dealerId}>
                {d.dealerCode} {localized(d.dealerName, d.dealerNameZh)}
              </option>
            ))}
          </select>
        </label>
        <label className="control">
          <span>{t('oversight.audits.plan.plannedOn')}</span>
          <input
            className="input"
            type="date"
            required
            value={day}
            data-testid="audit-plan-date"
            onChange={(e) => setDay(e.target.value)}
          />
        </label>
        <div className="control">
          <button className="button button-primary" type="submit" disabled={!dealer || plan.pending} data-testid="audit-plan-submit">
            {t('oversight.audits.plan.submit')}
          </button>
        </div>
      </form>
      <MutationError error={plan.error} />
    </section>
  );
}
