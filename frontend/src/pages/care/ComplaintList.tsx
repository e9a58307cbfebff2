import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { useDebounced } from '../../components/SearchPicker';
import {
  ComplaintCountsDocument,
  ComplaintsDocument,
  type ComplaintLevel,
  type ComplaintStatus,
  type ComplaintsQueryVariables,
} from '../../gql/graphql';
import { useViewer } from '../../session';
import { COMPLAINT_LEVELS, COMPLAINT_STATUSES, ComplaintLevelPill, ComplaintStatusPill, Countdown } from './ComplaintBits';

const PAGE = 50;

/** 客户投诉: the dealer's complaint tickets with their filters, overdue flags and counts. */
export function ComplaintList() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const navigate = useNavigate();
  const [status, setStatus] = useState<ComplaintStatus | ''>('');
  const [level, setLevel] = useState<ComplaintLevel | ''>('');
  const [overdue, setOverdue] = useState(false);
  const [mine, setMine] = useState(false);
  const [escalatedToMe, setEscalatedToMe] = useState(false);
  const [text, setText] = useState('');
  const [pages, setPages] = useState<(string | null)[]>([null]);
  const search = useDebounced(text.trim());
  const reset = () => setPages([null]);
  const filters = {
    status: status ? [status] : null,
    level: level ? [level] : null,
    overdue,
    mine,
    escalatedToMe,
    search,
  };

  return (
    <div className="page page-wide" data-testid="page-complaints">
      <PageHeader
        title={t('care.complaints.title')}
        intro={t('care.complaints.intro')}
        actions={
          can(viewer, 'complaint', 'create') && (
            <Link className="button button-primary" to="/care/complaints/new" data-testid="new-complaint">
              {t('care.complaints.newTicket')}
            </Link>
          )
        }
      />
      <StatusCounts
        onPick={(s) => {
          setStatus(s);
          reset();
        }}
      />
      <section className="panel">
        <form className="form-grid" aria-label={t('care.complaints.list.filters')} onSubmit={(e) => e.preventDefault()}>
          <label className="control">
            <span>{t('care.complaints.list.status')}</span>
            <select
              className="select"
              value={status}
              data-testid="complaints-status-filter"
              onChange={(e) => (setStatus(e.target.value as ComplaintStatus | ''), reset())}
            >
              <option value="">{t('care.complaints.list.allStatuses')}</option>
              {COMPLAINT_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`care.complaints.status.${s.toLowerCase()}` as 'care.complaints.status.received')}
                </option>
              ))}
            </select>
          </label>
          <label className="control">
            <span>{t('care.complaints.list.level')}</span>
            <select
              className="select"
              value={level}
              data-testid="complaints-level-filter"
              onChange={(e) => (setLevel(e.target.value as ComplaintLevel | ''), reset())}
            >
              <option value="">{t('care.complaints.list.allLevels')}</option>
              {COMPLAINT_LEVELS.map((l) => (
                <option key={l} value={l}>
                  {t(`care.complaints.level.${l.toLowerCase()}` as 'care.complaints.level.general')}
                </option>
              ))}
            </select>
          </label>
          <label className="control span-2">
            <span>{t('care.complaints.list.search')}</span>
            <input
              className="input"
              type="search"
              placeholder={t('care.complaints.list.searchPlaceholder')}
              value={text}
              data-testid="complaints-search"
              onChange={(e) => (setText(e.target.value), reset())}
            />
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={overdue}
              data-testid="complaints-overdue"
              onChange={(e) => (setOverdue(e.target.checked), reset())}
            />{' '}
            {t('care.complaints.list.overdue')}
          </label>
          <label className="check">
            <input type="checkbox" checked={mine} data-testid="complaints-mine" onChange={(e) => (setMine(e.target.checked), reset())} />{' '}
            {t('care.complaints.list.mine')}
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={escalatedToMe}
              data-testid="complaints-escalated"
              onChange={(e) => (setEscalatedToMe(e.target.checked), reset())}
            />{' '}
            {t('care.complaints.list.escalatedToMe')}
          </label>
        </form>
      </section>
      <section className="panel">
        <ComplaintTable
          pages={pages}
          variables={filters}
          onMore={(cursor) => setPages([...pages, cursor])}
          onOpen={(id) => navigate(`/care/complaints/${id}`)}
        />
      </section>
    </div>
  );
}

function StatusCounts({ onPick }: { onPick: (status: ComplaintStatus) => void }) {
  const { t } = useTranslation();
  const [{ data }] = useQuery({ query: ComplaintCountsDocument, requestPolicy: 'cache-and-network' });
  const counts = data?.complaintCounts ?? [];
  if (counts.length === 0) return null;
  return (
    <section className="panel" aria-label={t('care.complaints.list.counts')}>
      <ul className="complaint-counts" data-testid="complaint-counts">
        {counts.map((c) => (
          <li key={c.status} data-status={c.status.toLowerCase()}>
            <button type="button" className="link-button" onClick={() => onPick(c.status)}>
              {t(`care.complaints.status.${c.status.toLowerCase()}` as 'care.complaints.status.received')}: <strong>{c.total}</strong>
            </button>
            {c.overdue > 0 && (
              <span className="status complaint-overdue" style={{ marginLeft: 6 }}>
                {t('care.complaints.list.countOverdue', { count: c.overdue })}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

type Filters = Omit<ComplaintsQueryVariables, 'first' | 'after'>;

/** The table of tickets, page after page ("load more"). Shared by the region view. */
export function ComplaintTable({
  pages,
  variables,
  onMore,
  onOpen,
}: {
  pages: (string | null)[];
  variables: Filters;
  onMore: (cursor: string) => void;
  onOpen: (id: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <table className="table" data-testid="complaints-table">
      <thead>
        <tr>
          <th scope="col">{t('care.complaints.list.number')}</th>
          <th scope="col">{t('care.complaints.list.customer')}</th>
          <th scope="col">{t('care.complaints.list.summary')}</th>
          <th scope="col">{t('care.complaints.ticket.level')}</th>
          <th scope="col">{t('care.complaints.list.status')}</th>
          <th scope="col">{t('care.complaints.list.department')}</th>
          <th scope="col">{t('care.complaints.list.deadline')}</th>
          <th scope="col">{t('care.complaints.list.received')}</th>
        </tr>
      </thead>
      {pages.map((after, n) => (
        <ComplaintRows
          key={`${n}:${after ?? ''}`}
          variables={{ ...variables, first: PAGE, after }}
          first={n === 0}
          last={n === pages.length - 1}
          onMore={onMore}
          onOpen={onOpen}
        />
      ))}
    </table>
  );
}

function ComplaintRows({
  variables,
  first,
  last,
  onMore,
  onOpen,
}: {
  variables: ComplaintsQueryVariables;
  first: boolean;
  last: boolean;
  onMore: (cursor: string) => void;
  onOpen: (id: string) => void;
}) {
  const { t } = useTranslation();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: ComplaintsDocument,
    variables,
    requestPolicy: 'cache-and-network',
  });
  const rows = (data?.complaints.edges ?? []).map((e) => e.node);
  const info = data?.complaints.pageInfo;
  const status = (content: React.ReactNode) => (
    <tbody>
      <tr>
        <td colSpan={8}>{content}</td>
      </tr>
    </tbody>
  );
  if (error) return status(<ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />);
  if (fetching && !data) return status(<Loading />);
  if (first && rows.length === 0) return status(<p className="empty">{t('care.complaints.list.empty')}</p>);
  return (
    <tbody>
      {rows.map((c) => (
        <ComplaintRow key={c.id} complaint={c} onOpen={onOpen} />
      ))}
      {last && info?.hasNextPage && info.endCursor && (
        <tr>
          <td colSpan={8}>
            <button type="button" className="button button-secondary" onClick={() => onMore(info.endCursor as string)}>
              {t('care.complaints.list.more')}
            </button>
          </td>
        </tr>
      )}
    </tbody>
  );
}

export interface ComplaintRowData {
  id: string;
  number: string;
  customerName: string;
  customerPhone: string;
  vehiclePlate?: string | null;
  summary: string;
  level: ComplaintLevel;
  status: ComplaintStatus;
  department?: string | null;
  responsibleName?: string | null;
  deadlineAt?: string | null;
  overdue: boolean;
  receivedAt: string;
  escalationLevel: number;
  dealerCode?: string;
}

export function ComplaintRow({
  complaint: c,
  onOpen,
  showDealer,
}: {
  complaint: ComplaintRowData;
  onOpen: (id: string) => void;
  showDealer?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <tr
      data-testid="complaint-row"
      data-number={c.number}
      data-status={c.status.toLowerCase()}
      data-overdue={c.overdue}
      tabIndex={0}
      style={{ cursor: 'pointer' }}
      onClick={() => onOpen(c.id)}
      onKeyDown={(e) => e.key === 'Enter' && onOpen(c.id)}
    >
      <td>
        <Link to={`/care/complaints/${c.id}`} className="mono" onClick={(e) => e.stopPropagation()}>
          {c.number}
        </Link>
        {showDealer && <div className="muted">{c.dealerCode}</div>}
      </td>
      <td>
        {c.customerName}
        <div className="muted mono">{c.vehiclePlate ?? c.customerPhone}</div>
      </td>
      <td>{c.summary}</td>
      <td>
        <ComplaintLevelPill level={c.level} />
      </td>
      <td>
        <ComplaintStatusPill status={c.status} />
        {c.escalationLevel > 0 && (
          <div className="muted" data-testid="complaint-escalation">
            {t(`care.complaints.escalation.${c.escalationLevel}` as 'care.complaints.escalation.1')}
          </div>
        )}
      </td>
      <td>
        {c.department ? t(`care.complaints.department.${c.department.toLowerCase()}` as 'care.complaints.department.service') : '—'}
        {c.responsibleName && <div className="muted">{c.responsibleName}</div>}
      </td>
      <td>
        <Countdown at={c.deadlineAt} overdue={c.overdue} />
      </td>
      <td>
        <When at={c.receivedAt} />
      </td>
    </tr>
  );
}
