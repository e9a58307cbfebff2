import { Fragment, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import {
  AcceptReorderSuggestionsDocument,
  DismissReorderSuggestionsDocument,
  EditReorderSuggestionDocument,
  ReorderRunsDocument,
  ReorderSuggestionsDocument,
  RequestReorderRunDocument,
  type ReorderRunFieldsFragment,
  type ReorderSuggestionFieldsFragment,
  type ReorderSuggestionFilter,
} from '../../gql/graphql';
import { useViewer } from '../../session';
import { PartName, RunStatusPill, SuggestionStatusPill, dayText, qty } from './ReorderBits';
import { ReorderWhy } from './ReorderWhy';
import { TransferRequestForm } from './TransferRequestForm';

type Filter = 'open' | 'emergency' | 'transfer' | 'all';

const FILTERS: Record<Filter, ReorderSuggestionFilter> = {
  open: { statuses: ['OPEN'] },
  emergency: { statuses: ['OPEN'], emergencyOnly: true },
  transfer: { statuses: ['OPEN'], transferAvailable: true },
  all: {},
};

const POLL_MS = 2000;

/** 订货建议: run the reorder computation, review its suggestions with the why, decide. */
export function Reorder() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const plans = can(viewer, 'parts_plan', 'create');
  const [{ data, error, fetching }, refetchRuns] = useQuery({ query: ReorderRunsDocument, requestPolicy: 'cache-and-network' });
  const requestRun = useAction(RequestReorderRunDocument);
  const pending = data?.pendingReorderRun ?? null;
  const latest = data?.latestReorderRun ?? null;

  // While a run is queued or running, ask for its status; the list follows when it is done.
  useEffect(() => {
    if (!pending) return;
    const timer = window.setInterval(() => refetchRuns({ requestPolicy: 'network-only' }), POLL_MS);
    return () => window.clearInterval(timer);
  }, [pending, refetchRuns]);

  const lastFailed = data?.reorderRuns.edges.map((e) => e.node).find((r) => r.status === 'FAILED');
  const failedAfterLatest = lastFailed && (!latest || lastFailed.requestedAt > latest.requestedAt) ? lastFailed : null;

  return (
    <div className="page page-wide" data-testid="page-reorder">
      <PageHeader
        title={t('parts.reorder.title')}
        intro={t('parts.reorder.intro')}
        actions={
          plans && (
            <button
              type="button"
              className="button button-primary"
              disabled={requestRun.pending || pending !== null}
              data-testid="run-now"
              onClick={() => void requestRun.run({}).then(() => refetchRuns({ requestPolicy: 'network-only' }))}
            >
              {t('parts.reorder.runNow')}
            </button>
          )
        }
      />
      <MutationError error={requestRun.error} />
      {error ? (
        <ErrorPanel error={error} onRetry={() => refetchRuns({ requestPolicy: 'network-only' })} />
      ) : fetching && !data ? (
        <Loading />
      ) : (
        <>
          <RunPanel pending={pending} latest={latest} failed={failedAfterLatest ?? null} />
          {latest && (
            <Suggestions
              key={latest.id}
              run={latest}
              plans={plans}
              onDecided={() => refetchRuns({ requestPolicy: 'network-only' })}
            />
          )}
        </>
      )}
    </div>
  );
}

function RunPanel({
  pending,
  latest,
  failed,
}: {
  pending: ReorderRunFieldsFragment | null;
  latest: ReorderRunFieldsFragment | null;
  failed: ReorderRunFieldsFragment | null;
}) {
  const { t, i18n } = useTranslation();
  return (
    <section className="panel run-panel" data-testid="run-panel" aria-live="polite">
      {pending && (
        <div className="alert alert-info" role="status" data-testid="run-pending" data-status={pending.status.toLowerCase()}>
          <span className="spinner" aria-hidden="true" />
          <RunStatusPill value={pending.status} />
          <span>
            {t('parts.reorder.run.pending', {
              status: t(`parts.reorder.runStatus.${pending.status.toLowerCase()}` as 'parts.reorder.runStatus.queued'),
              at: new Date(pending.requestedAt).toLocaleTimeString(i18n.language),
            })}
          </span>
          {pending.attempts > 1 && <span className="hint">{t('parts.reorder.run.retried', { attempts: pending.attempts })}</span>}
        </div>
      )}
      {failed && (
        <div className="alert alert-error" role="alert" data-testid="run-failed">
          {t('parts.reorder.run.failed', { error: failed.error })}
        </div>
      )}
      {latest ? (
        <>
          <p data-testid="run-latest" data-run={latest.id}>
            {t('parts.reorder.run.latest', {
              asOf: dayText(latest.asOf, i18n.language),
              trigger: t(`parts.reorder.trigger.${latest.trigger.toLowerCase()}` as 'parts.reorder.trigger.nightly'),
              at: latest.finishedAt ? new Date(latest.finishedAt).toLocaleString(i18n.language) : '',
              considered: latest.itemsConsidered,
              count: latest.suggestionCount,
            })}{' '}
            {latest.serviceLevel && (
              <span className="muted">
                {t('parts.reorder.run.serviceLevel', { level: `${qty(Number(latest.serviceLevel) * 100)}%` })}
              </span>
            )}
          </p>
          <dl className="stats run-summary" data-testid="run-summary">
            {(['open', 'emergency', 'transferable', 'accepted', 'dismissed', 'transferred'] as const).map((key) => (
              <div className="stat" key={key} data-key={key}>
                <dt className="stat-label">{t(`parts.reorder.summary.${key}`)}</dt>
                <dd className="stat-value">{latest.summary[key]}</dd>
              </div>
            ))}
          </dl>
        </>
      ) : (
        !pending && <p className="empty">{t('parts.reorder.run.none')}</p>
      )}
    </section>
  );
}

function Suggestions({
  run,
  plans,
  onDecided,
}: {
  run: ReorderRunFieldsFragment;
  plans: boolean;
  /** A suggestion was decided: the run's counts change. */
  onDecided: () => void;
}) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const [filter, setFilter] = useState<Filter>('open');
  const [search, setSearch] = useState('');
  const [after, setAfter] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [open, setOpen] = useState<string | null>(null);
  const [transferFor, setTransferFor] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [notice, setNotice] = useState<{ text: string; orders?: { id: string; number: string }[] } | null>(null);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: ReorderSuggestionsDocument,
    variables: { filter: { ...FILTERS[filter], search: search.trim() }, first: 50, after },
    requestPolicy: 'cache-and-network',
  });
  const accept = useAction(AcceptReorderSuggestionsDocument);
  const dismiss = useAction(DismissReorderSuggestionsDocument);
  const rows = (data?.reorderSuggestions.edges ?? []).map((e) => e.node);
  const openRows = rows.filter((s) => s.status === 'OPEN');
  const chosen = [...selected].filter((id) => openRows.some((s) => s.id === id));
  const transfers = can(viewer, 'parts_transfer', 'request');

  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const acceptChosen = async () => {
    const result = await accept.run({ ids: chosen });
    if (result.data) {
      const orders = result.data.acceptReorderSuggestions.purchaseOrders;
      setNotice({ text: t('parts.reorder.bulk.accepted', { orders: orders.map((o) => o.number).join(', ') }), orders });
      setSelected(new Set());
      refetch({ requestPolicy: 'network-only' });
      onDecided();
    }
  };

  const dismissChosen = async () => {
    const result = await dismiss.run({ input: { ids: chosen, reason } });
    if (result.data) {
      setSelected(new Set());
      setReason('');
      refetch({ requestPolicy: 'network-only' });
      onDecided();
    }
  };

  return (
    <section className="panel" aria-label={t('parts.reorder.title')}>
      <div className="panel-header">
        <div className="filter-chips" role="group" aria-label={t('parts.reorder.filter.label')}>
          {(Object.keys(FILTERS) as Filter[]).map((key) => (
            <button
              key={key}
              type="button"
              className="button button-secondary button-small"
              aria-pressed={filter === key}
              data-testid={`reorder-filter-${key}`}
              onClick={() => {
                setFilter(key);
                setAfter(null);
              }}
            >
              {t(`parts.reorder.filter.${key}`)}
            </button>
          ))}
        </div>
        <input
          className="filter"
          type="search"
          placeholder={t('parts.reorder.filter.search')}
          aria-label={t('parts.reorder.filter.search')}
          value={search}
          data-testid="reorder-search"
          onChange={(e) => {
            setSearch(e.target.value);
            setAfter(null);
          }}
        />
      </div>
      {notice && (
        <div className="alert alert-ok" role="status" data-testid="reorder-notice">
          <span>{notice.text}</span>
          {notice.orders?.map((o) => (
            <Link key={o.id} to={`/parts/purchase-orders/${o.id}`} className="mono" data-testid="created-plan">
              {o.number}
            </Link>
          ))}
        </div>
      )}
      <MutationError error={accept.error ?? dismiss.error} />
      {plans && chosen.length > 0 && (
        <div className="bulk-bar" data-testid="bulk-bar">
          <strong>{t('parts.reorder.bulk.selected', { count: chosen.length })}</strong>
          <button
            type="button"
            className="button button-primary button-small"
            disabled={accept.pending}
            data-testid="accept-selected"
            onClick={() => void acceptChosen()}
          >
            {t('parts.reorder.bulk.accept')}
          </button>
          <span className="hint">{t('parts.reorder.bulk.emergencyNote')}</span>
          <input
            className="input"
            placeholder={t('parts.reorder.bulk.dismissReason')}
            aria-label={t('parts.reorder.bulk.dismissReason')}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <button
            type="button"
            className="button button-secondary button-small"
            disabled={dismiss.pending}
            data-testid="dismiss-selected"
            onClick={() => void dismissChosen()}
          >
            {t('parts.reorder.bulk.dismiss')}
          </button>
        </div>
      )}
      {error ? (
        <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : fetching && !data ? (
        <Loading />
      ) : rows.length === 0 ? (
        <p className="empty" data-testid="reorder-empty">
          {filter === 'open' && !search && run.summary.open === 0 ? t('parts.reorder.table.none') : t('parts.reorder.table.noneFiltered')}
        </p>
      ) : (
        <div className="table-scroll">
          <table className="table reorder-table" data-testid="reorder-table">
            <thead>
              <tr>
                {plans && (
                  <th scope="col">
                    <input
                      type="checkbox"
                      aria-label={t('parts.reorder.table.selectAll')}
                      checked={openRows.length > 0 && openRows.every((s) => selected.has(s.id))}
                      onChange={(e) => setSelected(e.target.checked ? new Set(openRows.map((s) => s.id)) : new Set())}
                    />
                  </th>
                )}
                <th scope="col">{t('parts.reorder.table.part')}</th>
                <th scope="col" className="num">{t('parts.reorder.table.onHand')}</th>
                <th scope="col" className="num">{t('parts.reorder.table.reserved')}</th>
                <th scope="col" className="num">{t('parts.reorder.table.onOrder')}</th>
                <th scope="col" className="num">{t('parts.reorder.table.reorderPoint')}</th>
                <th scope="col" className="num">{t('parts.reorder.table.orderUpTo')}</th>
                <th scope="col" className="num">{t('parts.reorder.table.suggested')}</th>
                <th scope="col" className="num">{t('parts.reorder.table.quantity')}</th>
                <th scope="col">{t('parts.reorder.table.status')}</th>
                <th scope="col">{t('parts.reorder.table.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => (
                <Fragment key={s.id}>
                  <SuggestionRow
                    suggestion={s}
                    plans={plans}
                    transfers={transfers}
                    selected={selected.has(s.id)}
                    onToggle={() => toggle(s.id)}
                    whyOpen={open === s.id}
                    onWhy={() => setOpen((o) => (o === s.id ? null : s.id))}
                    onTransfer={() => setTransferFor((o) => (o === s.id ? null : s.id))}
                    onDismissed={() => {
                      refetch({ requestPolicy: 'network-only' });
                      onDecided();
                    }}
                  />
                  {open === s.id && (
                    <tr className="detail-row">
                      <td colSpan={plans ? 11 : 10}>
                        <ReorderWhy suggestion={s} />
                      </td>
                    </tr>
                  )}
                  {transferFor === s.id && (
                    <tr className="detail-row">
                      <td colSpan={plans ? 11 : 10}>
                        <TransferRequestForm
                          suggestion={{ id: s.id, quantity: s.quantity, part: s.part ?? null, offers: s.transferOffers }}
                          onClose={() => setTransferFor(null)}
                          onDone={(transfer) => {
                            setTransferFor(null);
                            setNotice({
                              text: t('parts.transfers.done.requested', {
                                number: transfer.number,
                                dealer: transfer.givingDealer.code,
                              }),
                            });
                            refetch({ requestPolicy: 'network-only' });
                            onDecided();
                          }}
                        />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data?.reorderSuggestions.pageInfo.hasNextPage && (
        <div className="form-actions">
          <button
            type="button"
            className="button button-secondary"
            onClick={() => setAfter(data.reorderSuggestions.pageInfo.endCursor ?? null)}
          >
            {t('parts.reorder.table.more')}
          </button>
        </div>
      )}
    </section>
  );
}

function SuggestionRow({
  suggestion: s,
  plans,
  transfers,
  selected,
  onToggle,
  whyOpen,
  onWhy,
  onTransfer,
  onDismissed,
}: {
  suggestion: ReorderSuggestionFieldsFragment;
  plans: boolean;
  transfers: boolean;
  selected: boolean;
  onToggle: () => void;
  whyOpen: boolean;
  onWhy: () => void;
  onTransfer: () => void;
  onDismissed: () => void;
}) {
  const { t } = useTranslation();
  const isOpen = s.status === 'OPEN';
  const dismiss = useAction(DismissReorderSuggestionsDocument);
  return (
    <tr
      data-testid="suggestion-row"
      data-part={s.part?.partNumber}
      data-status={s.status.toLowerCase()}
      className={s.emergency ? 'row-emergency' : undefined}
    >
      {plans && (
        <td>
          {isOpen && (
            <input
              type="checkbox"
              aria-label={`${t('parts.reorder.table.select')} ${s.part?.partNumber ?? ''}`}
              checked={selected}
              data-testid="suggestion-select"
              onChange={onToggle}
            />
          )}
        </td>
      )}
      <td>
        <PartName part={s.part} />
        {s.stockItem?.binLocation && (
          <div className="mono hint" title={t('parts.reorder.table.bin')}>
            {s.stockItem.binLocation}
          </div>
        )}
        <div className="flags">
          {s.emergency && (
            <span className="pill pill-danger" data-testid="emergency">
              {t('parts.reorder.table.emergency')}
            </span>
          )}
          {s.transferOffers.length > 0 && (
            <span className="pill pill-info" data-testid="offers">
              {t('parts.reorder.table.offers', { count: s.transferOffers.length })}
            </span>
          )}
        </div>
      </td>
      <td className="num">{qty(s.onHand)}</td>
      <td className="num">{qty(s.reserved)}</td>
      <td className="num">{qty(s.onOrder)}</td>
      <td className="num">{qty(s.reorderPoint)}</td>
      <td className="num">{qty(s.orderUpTo)}</td>
      <td className="num" data-testid="suggested">{qty(s.suggestedQty)}</td>
      <td className="num">
        {plans && isOpen ? <QuantityInput suggestion={s} /> : <span data-testid="quantity">{qty(s.quantity)}</span>}
      </td>
      <td>
        <SuggestionStatusPill value={s.status} />
        {s.purchaseOrder && (
          <div>
            <Link to={`/parts/purchase-orders/${s.purchaseOrder.id}`} className="mono">
              {t('parts.reorder.table.plan', { number: s.purchaseOrder.number })}
            </Link>
          </div>
        )}
        {s.decidedAt && (
          <div className="hint">
            <When at={s.decidedAt} />
          </div>
        )}
      </td>
      <td className="actions">
        <div className="row-actions">
          <button
            type="button"
            className="button button-secondary button-small"
            aria-expanded={whyOpen}
            data-testid="why-toggle"
            onClick={onWhy}
          >
            {whyOpen ? t('parts.reorder.table.hideWhy') : t('parts.reorder.table.why')}
          </button>
          {isOpen && transfers && s.transferOffers.length > 0 && (
            <button type="button" className="button button-secondary button-small" data-testid="transfer-open" onClick={onTransfer}>
              {t('parts.reorder.table.transfer')}
            </button>
          )}
          {isOpen && plans && (
            <button
              type="button"
              className="button button-secondary button-small"
              disabled={dismiss.pending}
              data-testid="dismiss-one"
              onClick={() => void dismiss.run({ input: { ids: [s.id], reason: '' } }).then((r) => r.data && onDismissed())}
            >
              {t('parts.reorder.table.dismiss')}
            </button>
          )}
        </div>
        <MutationError error={dismiss.error} />
      </td>
    </tr>
  );
}

/** The quantity to order, saved on Enter or when leaving the field (whole packs only). */
function QuantityInput({ suggestion }: { suggestion: ReorderSuggestionFieldsFragment }) {
  const { t } = useTranslation();
  const [value, setValue] = useState(qty(suggestion.quantity));
  const edit = useAction(EditReorderSuggestionDocument);
  useEffect(() => setValue(qty(suggestion.quantity)), [suggestion.quantity]);
  const save = async () => {
    if (value.trim() === '' || Number(value) === Number(suggestion.quantity)) return;
    await edit.run({ input: { id: suggestion.id, quantity: value.trim() } });
  };
  return (
    <>
      <input
        className="input input-num input-small"
        inputMode="decimal"
        aria-label={t('parts.reorder.table.quantityLabel', { part: suggestion.part?.partNumber ?? '' })}
        value={value}
        data-testid="quantity-input"
        aria-invalid={edit.error ? true : undefined}
        onChange={(e) => setValue(e.target.value)}
        onBlur={() => void save()}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            void save();
          }
        }}
      />
      <MutationError error={edit.error} testId="quantity-error" />
    </>
  );
}

