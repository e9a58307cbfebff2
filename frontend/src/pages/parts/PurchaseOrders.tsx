import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { Money, When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import {
  CreatePlanFromShortagesDocument,
  PurchaseOrdersDocument,
  PurchaseShortagesDocument,
  type PurchaseOrderStatus,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { DateOnly, PurchaseStatusPill, SupplierName, UrgencyPill, qty } from './PurchaseBits';

type Filter = 'open' | 'draft' | 'review' | 'approval' | 'ordered' | 'closed' | 'all';

const FILTERS: Record<Filter, PurchaseOrderStatus[] | null> = {
  open: ['DRAFT', 'SUBMITTED', 'REVIEWED', 'APPROVED', 'ORDERED', 'PARTIALLY_RECEIVED'],
  draft: ['DRAFT'],
  review: ['SUBMITTED'],
  approval: ['REVIEWED'],
  ordered: ['APPROVED', 'ORDERED', 'PARTIALLY_RECEIVED'],
  closed: ['RECEIVED', 'REJECTED', 'CANCELLED'],
  all: null,
};

const FILTER_LABELS = {
  open: 'parts.purchasing.list.filterOpen',
  draft: 'parts.purchasing.list.filterDraft',
  review: 'parts.purchasing.list.filterReview',
  approval: 'parts.purchasing.list.filterApproval',
  ordered: 'parts.purchasing.list.filterOrdered',
  closed: 'parts.purchasing.list.filterClosed',
  all: 'parts.purchasing.list.filterAll',
} as const;

const DRAFTS = (viewer: ReturnType<typeof useViewer>) =>
  can(viewer, 'parts_plan', 'create') || can(viewer, 'purchase_order', 'create');

/** 订货计划与采购订单: the dealer's plans and orders by status, and the shortages to plan. */
export function PurchaseOrders() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const navigate = useNavigate();
  const [filter, setFilter] = useState<Filter>('open');
  const [search, setSearch] = useState('');
  const [after, setAfter] = useState<string | null>(null);
  const [showShortages, setShowShortages] = useState(false);
  const [planned, setPlanned] = useState<number | null>(null);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: PurchaseOrdersDocument,
    variables: { status: FILTERS[filter], search: search.trim(), first: 50, after },
    requestPolicy: 'cache-and-network',
  });
  const fromShortages = useAction(CreatePlanFromShortagesDocument);
  const drafts = DRAFTS(viewer);
  const orders = (data?.purchaseOrders.edges ?? []).map((e) => e.node);

  const plan = async () => {
    const result = await fromShortages.run({});
    if (result.data) {
      const made = result.data.createPlanFromShortages;
      setPlanned(made.length);
      const [only] = made;
      if (made.length === 1 && only) navigate(`/parts/purchase-orders/${only.id}`);
      else refetch({ requestPolicy: 'network-only' });
    }
  };

  return (
    <div className="page page-wide" data-testid="page-purchase-orders">
      <PageHeader
        title={t('parts.purchasing.list.title')}
        intro={t('parts.purchasing.list.intro')}
        actions={
          <>
            {can(viewer, 'purchase_order', 'read') && (
              <Link className="button button-secondary" to="/parts/suppliers" data-testid="open-suppliers">
                {t('parts.purchasing.list.suppliers')}
              </Link>
            )}
            {drafts && (
              <>
                <button
                  type="button"
                  className="button button-secondary"
                  disabled={fromShortages.pending}
                  data-testid="plan-from-shortages"
                  onClick={() => void plan()}
                >
                  {t('parts.purchasing.list.fromShortages')}
                </button>
                <Link className="button button-primary" to="/parts/purchase-orders/new" data-testid="new-plan">
                  {t('parts.purchasing.list.newPlan')}
                </Link>
              </>
            )}
          </>
        }
      />
      <MutationError error={fromShortages.error} />
      {planned !== null && (
        <div className="alert alert-info" role="status" data-testid="planned-result">
          {planned === 0 ? t('parts.purchasing.list.nothingShort') : t('parts.purchasing.list.plannedCount', { count: planned })}
        </div>
      )}
      <section className="panel">
        <div className="panel-header">
          <div className="filter-chips" role="group" aria-label={t('parts.purchasing.list.status')}>
            {(Object.keys(FILTERS) as Filter[]).map((key) => (
              <button
                key={key}
                type="button"
                className="button button-secondary button-small"
                aria-pressed={filter === key}
                data-testid={`filter-${key}`}
                onClick={() => {
                  setFilter(key);
                  setAfter(null);
                }}
              >
                {t(FILTER_LABELS[key])}
              </button>
            ))}
          </div>
          <input
            className="filter"
            type="search"
            placeholder={t('parts.purchasing.list.filter')}
            aria-label={t('parts.purchasing.list.filter')}
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              setAfter(null);
            }}
          />
        </div>
        {error ? (
          <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
        ) : fetching && !data ? (
          <Loading />
        ) : orders.length === 0 ? (
          <p className="empty">{t('parts.purchasing.list.none')}</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('parts.purchasing.list.number')}</th>
                <th scope="col">{t('parts.purchasing.list.status')}</th>
                <th scope="col">{t('parts.purchasing.list.urgency')}</th>
                <th scope="col">{t('parts.purchasing.list.supplier')}</th>
                <th scope="col" className="num">{t('parts.purchasing.list.lines')}</th>
                <th scope="col" className="num">{t('parts.purchasing.list.total')}</th>
                <th scope="col">{t('parts.purchasing.list.createdBy')}</th>
                <th scope="col">{t('parts.purchasing.list.createdAt')}</th>
                <th scope="col">{t('parts.purchasing.list.expected')}</th>
              </tr>
            </thead>
            <tbody>
              {orders.map((o) => (
                <tr
                  key={o.id}
                  data-testid="purchase-order-row"
                  data-number={o.number}
                  data-status={o.status.toLowerCase()}
                  tabIndex={0}
                  style={{ cursor: 'pointer' }}
                  onClick={() => navigate(`/parts/purchase-orders/${o.id}`)}
                  onKeyDown={(e) => e.key === 'Enter' && navigate(`/parts/purchase-orders/${o.id}`)}
                >
                  <td>
                    <Link to={`/parts/purchase-orders/${o.id}`} className="mono" onClick={(e) => e.stopPropagation()}>
                      {o.number}
                    </Link>
                  </td>
                  <td>
                    <PurchaseStatusPill value={o.status} urgency={o.urgency} />
                  </td>
                  <td>
                    <UrgencyPill value={o.urgency} />
                  </td>
                  <td>
                    <SupplierName supplier={o.supplier} />
                  </td>
                  <td className="num">{o.lineCount}</td>
                  <td className="num">
                    <Money amount={o.total} />
                  </td>
                  <td>{o.createdBy?.displayName}</td>
                  <td>
                    <When at={o.createdAt} />
                  </td>
                  <td>
                    <DateOnly value={o.expectedOn} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {data?.purchaseOrders.pageInfo.hasNextPage && (
          <div className="form-actions">
            <button type="button" className="button button-secondary" onClick={() => setAfter(data.purchaseOrders.pageInfo.endCursor ?? null)}>
              {t('parts.purchasing.list.more')}
            </button>
          </div>
        )}
      </section>
      <section className="panel" aria-labelledby="shortages-heading">
        <div className="panel-header">
          <h2 id="shortages-heading">{t('parts.purchasing.shortages.title')}</h2>
          <button
            type="button"
            className="button button-secondary button-small"
            aria-expanded={showShortages}
            data-testid="toggle-shortages"
            onClick={() => setShowShortages((v) => !v)}
          >
            {showShortages ? t('parts.purchasing.shortages.hide') : t('parts.purchasing.shortages.show')}
          </button>
        </div>
        <p className="hint">{t('parts.purchasing.shortages.intro')}</p>
        {showShortages && <Shortages />}
      </section>
    </div>
  );
}

/** What a plan from shortages would order now, with the numbers behind each quantity. */
function Shortages() {
  const { t } = useTranslation();
  const local = useLocalized();
  const [{ data, error, fetching }, refetch] = useQuery({ query: PurchaseShortagesDocument, requestPolicy: 'network-only' });
  if (error) return <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <Loading />;
  const rows = data?.purchaseShortages ?? [];
  if (rows.length === 0) return <p className="empty">{t('parts.purchasing.shortages.none')}</p>;
  return (
    <table className="table" data-testid="shortages">
      <thead>
        <tr>
          <th scope="col">{t('parts.purchasing.shortages.part')}</th>
          <th scope="col">{t('parts.purchasing.list.supplier')}</th>
          <th scope="col" className="num">{t('parts.purchasing.shortages.onHand')}</th>
          <th scope="col" className="num">{t('parts.purchasing.shortages.reserved')}</th>
          <th scope="col" className="num">{t('parts.purchasing.shortages.onOrder')}</th>
          <th scope="col" className="num">{t('parts.purchasing.shortages.planned')}</th>
          <th scope="col" className="num">{t('parts.purchasing.shortages.position')}</th>
          <th scope="col" className="num">{t('parts.purchasing.shortages.minMax')}</th>
          <th scope="col" className="num">{t('parts.purchasing.shortages.multiple')}</th>
          <th scope="col" className="num">{t('parts.purchasing.shortages.quantity')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((s) => (
          <tr key={s.part?.id} data-testid="shortage-row" data-part-number={s.part?.partNumber}>
            <td>
              <span className="mono">{s.part?.partNumber}</span> {s.part && local(s.part.name, s.part.nameZh)}{' '}
              {s.urgency === 'EMERGENCY' && <UrgencyPill value={s.urgency} />}
              {s.replaces.length > 0 && (
                <div className="hint">{t('parts.purchasing.shortages.replaces', { numbers: s.replaces.map((p) => p.partNumber).join(', ') })}</div>
              )}
            </td>
            <td>
              <SupplierName supplier={s.supplier} />
            </td>
            <td className="num">{qty(s.onHand)}</td>
            <td className="num">{qty(s.reserved)}</td>
            <td className="num">{qty(s.onOrder)}</td>
            <td className="num">{qty(s.planned)}</td>
            <td className="num">{qty(s.position)}</td>
            <td className="num">
              {qty(s.minQty)} / {qty(s.maxQty)}
            </td>
            <td className="num">{qty(s.reorderMultiple)}</td>
            <td className="num">
              <strong>{qty(s.quantity)}</strong>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
