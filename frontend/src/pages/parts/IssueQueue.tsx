import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { Money, When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import {
  IssuePartsRequestDocument,
  IssueQueueDocument,
  RecentPartsRequestsDocument,
  RefusePartsRequestDocument,
  ReturnIssuedPartsDocument,
  type IssueOldPart,
  type PartsRequestFieldsFragment,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { Signatures } from './PartsRequestPanel';
import { RequestStatus, qty } from './StockBits';
import './Stock.css';

const OLD_PARTS: IssueOldPart[] = ['HAND_OVER', 'SCRAP', 'NONE'];

/** 发料队列: the keeper's queue of signed requests in bin order; issue against the old part. */
export function IssueQueue() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const [{ data, error, fetching }, refetch] = useQuery({ query: IssueQueueDocument, variables: { first: 100 } });
  const [waiting, refetchWaiting] = useQuery({ query: RecentPartsRequestsDocument, variables: { status: ['REQUESTED'], first: 50 } });
  const [recent, refetchRecent] = useQuery({ query: RecentPartsRequestsDocument, variables: { status: ['ISSUED'], first: 30 } });
  const [issued, setIssued] = useState<PartsRequestFieldsFragment | null>(null);
  const mayIssue = can(viewer, 'parts_issue', 'issue');
  const reload = () => {
    refetch({ requestPolicy: 'network-only' });
    refetchWaiting({ requestPolicy: 'network-only' });
    refetchRecent({ requestPolicy: 'network-only' });
  };
  const queue = data?.issueQueue.edges.map((e) => e.node) ?? [];

  return (
    <div className="page page-wide" data-testid="page-issue-queue">
      <PageHeader
        title={t('parts.issuing.queue.title')}
        intro={t('parts.issuing.queue.intro')}
        actions={
          <button type="button" className="button button-secondary" onClick={reload}>
            {t('common.refresh')}
          </button>
        }
      />
      {issued && (
        <div className="alert alert-ok" role="status" data-testid="issued-notice">
          <span>{t('parts.issuing.queue.issued', { number: issued.number })}</span>
          <Link className="button button-secondary button-small" to={`/parts/issue/${issued.id}/slip`} data-testid="issued-slip">
            {t('parts.issuing.queue.printSlip')}
          </Link>
        </div>
      )}
      <section className="panel" aria-labelledby="queue-heading">
        <div className="panel-header">
          <h2 id="queue-heading">{t('parts.issuing.queue.title')}</h2>
          <span className="muted">{queue.length}</span>
        </div>
        {error ? (
          <ErrorPanel error={error} onRetry={reload} />
        ) : fetching && !data ? (
          <Loading />
        ) : queue.length === 0 ? (
          <p className="empty" data-testid="queue-empty">
            {t('parts.issuing.queue.none')}
          </p>
        ) : (
          <div data-testid="issue-queue">
            {queue.map((request) => (
              <QueueCard
                key={request.id}
                request={request}
                mayIssue={mayIssue}
                onDone={(done) => {
                  if (done.status === 'ISSUED') setIssued(done);
                  reload();
                }}
              />
            ))}
          </div>
        )}
      </section>
      <section className="panel" aria-labelledby="waiting-heading" data-testid="awaiting-signatures">
        <div className="panel-header">
          <h2 id="waiting-heading">{t('parts.issuing.queue.waiting')}</h2>
        </div>
        <p className="hint">{t('parts.issuing.queue.waitingIntro')}</p>
        <RequestTable
          rows={waiting.data?.partsRequests.edges.map((e) => e.node) ?? []}
          loading={waiting.fetching && !waiting.data}
          empty={t('parts.issuing.queue.noneWaiting')}
        />
      </section>
      <section className="panel" aria-labelledby="recent-heading" data-testid="recently-issued">
        <div className="panel-header">
          <h2 id="recent-heading">{t('parts.issuing.queue.recent')}</h2>
        </div>
        <p className="hint">{t('parts.issuing.queue.recentIntro')}</p>
        <RequestTable
          rows={recent.data?.partsRequests.edges.map((e) => e.node) ?? []}
          loading={recent.fetching && !recent.data}
          empty={t('parts.issuing.queue.noneRecent')}
          action={mayIssue ? (r) => <ReturnForm request={r} onDone={reload} /> : undefined}
        />
      </section>
    </div>
  );
}

/** One signed request: where it lies, for which car and job, and issue / refuse. */
function QueueCard({
  request,
  mayIssue,
  onDone,
}: {
  request: PartsRequestFieldsFragment;
  mayIssue: boolean;
  onDone: (request: PartsRequestFieldsFragment) => void;
}) {
  const { t } = useTranslation();
  const local = useLocalized();
  const [oldPart, setOldPart] = useState<IssueOldPart>(request.warranty ? 'KEEP_FOR_WARRANTY' : 'HAND_OVER');
  const [refusing, setRefusing] = useState(false);
  const [reason, setReason] = useState('');
  const issue = useAction(IssuePartsRequestDocument);
  const refuse = useAction(RefusePartsRequestDocument);
  const choices: IssueOldPart[] = request.warranty ? ['KEEP_FOR_WARRANTY'] : OLD_PARTS;

  return (
    <article className="issue-card" data-testid="queue-item" data-request-number={request.number} data-bin={request.binLocation}>
      <div className="issue-bin">{request.binLocation || '—'}</div>
      <div>
        <div>
          <span className="mono">{request.partNumber}</span> <strong>{local(request.partName, request.partNameZh)}</strong> ×{' '}
          <strong data-testid="queue-quantity">{qty(request.quantity)}</strong> {request.unit}
          {request.warranty && <span className="pill pill-info"> {t('parts.issuing.request.warranty')}</span>}
          {!request.availableAtRequest && <span className="pill pill-warn"> {t('parts.issuing.request.firstPickMiss')}</span>}
        </div>
        <div>
          <span className="plate" data-testid="queue-plate">
            {request.plate}
          </span>{' '}
          <span className="muted">{request.vehicleModel}</span> · <span className="mono">{request.orderNumber}</span> · {request.lineDescription}
        </div>
        <div className="hint">
          <span className="mono">{request.number}</span> · {t('parts.issuing.request.requestedBy')} {request.requestedBy?.displayName ?? '—'} ·{' '}
          <When at={request.requestedAt} /> · <Signatures request={request} />
        </div>
        <MutationError error={issue.error ?? refuse.error} testId="queue-error" />
      </div>
      {mayIssue && (
        <div className="issue-actions">
          {refusing ? (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void refuse.run({ input: { requestId: request.id, reason: reason.trim() } }).then((r) => {
                  if (r.data) onDone(r.data.refusePartsRequest);
                });
              }}
            >
              <label className="control">
                <span>{t('parts.issuing.actions.refuseReason')}</span>
                <input className="input" required value={reason} autoFocus data-testid="refuse-reason" onChange={(e) => setReason(e.target.value)} />
              </label>
              <div className="inline-list">
                <button type="submit" className="button button-danger button-small" disabled={!reason.trim() || refuse.pending} data-testid="refuse-confirm">
                  {t('parts.issuing.actions.confirmRefuse')}
                </button>
                <button type="button" className="button button-ghost button-small" onClick={() => setRefusing(false)}>
                  {t('parts.issuing.actions.dismiss')}
                </button>
              </div>
            </form>
          ) : (
            <>
              <label className="control">
                <span>{t('parts.issuing.oldPart.label')}</span>
                <select className="input" value={oldPart} data-testid="old-part" onChange={(e) => setOldPart(e.target.value as IssueOldPart)}>
                  {choices.map((choice) => (
                    <option key={choice} value={choice}>
                      {t(`parts.issuing.oldPart.${choice}`)}
                    </option>
                  ))}
                </select>
              </label>
              <button
                type="button"
                className="button button-primary"
                disabled={issue.pending}
                data-testid="issue-button"
                onClick={() =>
                  void issue.run({ input: { requestId: request.id, oldPart } }).then((r) => {
                    if (r.data) onDone(r.data.issuePartsRequest);
                  })
                }
              >
                {t('parts.issuing.actions.issue')}
              </button>
              <button type="button" className="button button-secondary button-small" data-testid="refuse-button" onClick={() => setRefusing(true)}>
                {t('parts.issuing.actions.refuse')}
              </button>
            </>
          )}
        </div>
      )}
    </article>
  );
}

/** Requests as a table (awaiting signatures, recently issued), each with an optional action. */
function RequestTable({
  rows,
  loading,
  empty,
  action,
}: {
  rows: PartsRequestFieldsFragment[];
  loading: boolean;
  empty: string;
  action?: (request: PartsRequestFieldsFragment) => ReactNode;
}) {
  const { t } = useTranslation();
  const local = useLocalized();
  if (loading) return <Loading />;
  if (rows.length === 0) return <p className="empty">{empty}</p>;
  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">{t('parts.issuing.request.number')}</th>
          <th scope="col">{t('parts.issuing.request.bin')}</th>
          <th scope="col">{t('parts.issuing.request.part')}</th>
          <th scope="col" className="num">{t('parts.issuing.request.quantity')}</th>
          <th scope="col">{t('parts.issuing.request.plate')}</th>
          <th scope="col">{t('parts.issuing.request.order')}</th>
          <th scope="col">{t('parts.issuing.request.status')}</th>
          <th scope="col" />
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} data-testid="request-row" data-request-number={r.number}>
            <td className="mono">
              <Link to={`/parts/issue/${r.id}/slip`}>{r.number}</Link>
            </td>
            <td className="mono">{r.binLocation}</td>
            <td>
              <span className="mono">{r.partNumber}</span> {local(r.partName, r.partNameZh)}
            </td>
            <td className="num">
              {qty(r.quantity)}
              {Number(r.returnedQty) > 0 && <div className="hint">{t('parts.issuing.request.returned', { count: Number(r.returnedQty) })}</div>}
            </td>
            <td>
              <span className="plate">{r.plate}</span>
            </td>
            <td className="mono">{r.orderNumber}</td>
            <td>
              <RequestStatus status={r.status} /> <Signatures request={r} />
              {r.issueUnitCost && (
                <div className="hint">
                  <When at={r.issuedAt} /> · <Money amount={r.issueUnitCost} />
                </div>
              )}
            </td>
            <td>{action?.(r)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** 退料: unused parts back on the shelf at the issue's cost. */
function ReturnForm({ request, onDone }: { request: PartsRequestFieldsFragment; onDone: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [quantity, setQuantity] = useState('1');
  const [reason, setReason] = useState('');
  const back = useAction(ReturnIssuedPartsDocument);
  if (!open) {
    return (
      <button type="button" className="button button-secondary button-small" data-testid="return-open" onClick={() => setOpen(true)}>
        {t('parts.issuing.actions.returnUnused')}
      </button>
    );
  }
  return (
    <form
      className="inline-list"
      onSubmit={(e) => {
        e.preventDefault();
        void back.run({ input: { requestId: request.id, quantity: quantity.trim(), reason: reason.trim() } }).then((r) => {
          if (r.data) {
            setOpen(false);
            onDone();
          }
        });
      }}
    >
      <label className="control">
        <span>{t('parts.issuing.actions.returnQuantity')}</span>
        <input className="input input-num input-small" inputMode="decimal" value={quantity} onChange={(e) => setQuantity(e.target.value)} />
      </label>
      <label className="control">
        <span>{t('parts.issuing.actions.returnReason')}</span>
        <input className="input" required value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <button type="submit" className="button button-secondary button-small" disabled={!reason.trim() || back.pending}>
        {t('parts.issuing.actions.confirmReturn')}
      </button>
      <button type="button" className="button button-ghost button-small" onClick={() => setOpen(false)}>
        {t('parts.issuing.actions.dismiss')}
      </button>
      <MutationError error={back.error} />
    </form>
  );
}
