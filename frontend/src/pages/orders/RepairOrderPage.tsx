import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery, useSubscription } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { StatusPill, When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { CampaignFlag } from '../oversight/CampaignFlag';
import { useAction } from '../../api/useAction';
import { MutationError } from '../../components/Mutation';
import {
  CancelRepairOrderDocument,
  RepairOrderDocument,
  WorkshopBoardChangedDocument,
  type OrderFieldsFragment,
} from '../../gql/graphql';
import { useViewer } from '../../session';
import { ClaimOrderPanel } from '../warranty/ClaimOrderPanel';
import { OrderApproval, RevisionHistory } from './OrderApproval';
import { Delivery, OrderHistory, SettlementPanel } from './OrderClosing';
import { OrderLines, TotalsPanel } from './OrderLines';
import { AdditionalWork, OrderParts, QualityChecks } from './OrderWorkshop';

export type Order = OrderFieldsFragment;

export interface SectionProps {
  order: Order;
  reload: () => void;
}

/** 维修工单: one order through the whole process, each step shown when it applies. */
export function RepairOrderPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const viewer = useViewer();
  const [{ data, error, fetching }, refetch] = useQuery({ query: RepairOrderDocument, variables: { id } });
  const reload = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);
  const order = data?.node?.__typename === 'RepairOrder' ? (data.node as Order) : null;
  // Changes made elsewhere (the customer's link, the workshop, the cashier) show up here
  // as they happen: the board's change events name the order.
  const [changes, setChanges] = useState(0);
  useSubscription({ query: WorkshopBoardChangedDocument, pause: !can(viewer, 'workshop_board', 'read') }, (_previous, event) => {
    if (event.workshopBoardChanged.orderId === id) setChanges((n) => n + 1);
    return event;
  });
  useEffect(() => {
    if (changes > 0) reload();
  }, [changes, reload]);

  if (error) return <ErrorPanel error={error} onRetry={reload} />;
  if (fetching && !data) return <Loading />;
  if (!order) {
    return (
      <div className="page">
        <p className="empty" data-testid="not-found">
          {t('errors.NOT_FOUND')}
        </p>
      </div>
    );
  }
  const status = order.status.toLowerCase();
  const props = { order, reload };
  const started = !['open', 'awaiting_approval', 'approved', 'cancelled'].includes(status);

  return (
    <div className="page page-wide" data-testid="page-repair-order" data-order-id={order.id} data-order-number={order.number} data-status={status}>
      <PageHeader
        title={t('order.title', { number: order.number })}
        actions={
          <>
            <StatusPill family="order" value={order.status} testId="order-status" />
            <Link className="button button-secondary" to={`/orders/${order.id}/walkaround`} data-testid="open-walkaround">
              {t('order.openWalkaround')}
              {order.walkaround?.signed && ' ✓'}
            </Link>
          </>
        }
      />
      <CancelOrder order={order} reload={reload} />
      <section className="panel">
        <dl className="kv">
          <div>
            <dt>{t('orders.vehicle')}</dt>
            <dd>
              <span className="plate">{order.vehicle?.plateDisplay}</span> {order.vehicle?.model}
              <div className="mono muted">{order.vehicle?.vin}</div>
            </dd>
          </div>
          <div>
            <dt>{t('orders.customer')}</dt>
            <dd>
              {order.customer?.name}
              <div className="muted">{order.customer?.phone}</div>
            </dd>
          </div>
          <div>
            <dt>{t('orders.advisor')}</dt>
            <dd>
              {order.advisor?.displayName}
              {order.deliveringAdvisor && order.deliveringAdvisor.id !== order.advisor?.id && (
                <div className="muted">
                  {t('order.deliveringAdvisor')}: {order.deliveringAdvisor.displayName}
                </div>
              )}
            </dd>
          </div>
          <div>
            <dt>{t('order.mileageIn')}</dt>
            <dd>{order.mileageIn != null ? t('common.kmValue', { value: order.mileageIn.toLocaleString() }) : '—'}</dd>
          </div>
          <div>
            <dt>{t('order.promisedAt')}</dt>
            <dd data-testid="promised-at">
              <When at={order.promisedAt} />
            </dd>
          </div>
          <div>
            <dt>{t('orders.opened')}</dt>
            <dd>
              <When at={order.openedAt} />
            </dd>
          </div>
          <div className="span-2" style={{ gridColumn: 'span 2' }}>
            <dt>{t('order.description')}</dt>
            <dd style={{ fontWeight: 400 }}>{order.customerDescription || '—'}</dd>
          </div>
          {order.reworkCount > 0 && (
            <div>
              <dt>&nbsp;</dt>
              <dd>
                <span className="pill pill-danger">{t('order.reworks', { count: order.reworkCount })}</span>
              </dd>
            </div>
          )}
        </dl>
      </section>
      {order.vehicle && <CampaignFlag vehicleId={order.vehicle.id} orderId={order.id} onAdded={reload} />}
      <OrderLines {...props} />
      <TotalsPanel order={order} />
      <ClaimOrderPanel orderId={order.id} />
      {(can(viewer, 'quotation', 'read') || can(viewer, 'quotation', 'create')) && (
        <>
          <OrderApproval {...props} />
          <RevisionHistory order={order} />
        </>
      )}
      {status !== 'open' && status !== 'cancelled' && <AdditionalWork {...props} />}
      <OrderParts {...props} />
      {started && <QualityChecks {...props} />}
      {(status === 'ready' || status === 'settled' || status === 'delivered') && <SettlementPanel {...props} />}
      {(status === 'settled' || status === 'delivered') && <Delivery {...props} />}
      <OrderHistory order={order} />
    </div>
  );
}

/** Cancelling is possible only before work starts, with the reason on record. */
function CancelOrder({ order, reload }: SectionProps) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const cancel = useAction(CancelRepairOrderDocument);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const status = order.status.toLowerCase();
  if (!can(viewer, 'repair_order', 'update') || !['open', 'awaiting_approval', 'approved'].includes(status)) return null;
  return (
    <div className="form-actions" style={{ marginTop: -10, marginBottom: 14, justifyContent: 'flex-end' }}>
      {open ? (
        <form
          className="inline-list"
          onSubmit={(e) => {
            e.preventDefault();
            void cancel.run({ input: { orderId: order.id, reason: reason.trim() } }).then((r) => r.data && reload());
          }}
        >
          <input
            className="input"
            style={{ width: 300 }}
            required
            autoFocus
            placeholder={t('order.cancelReason')}
            aria-label={t('order.cancelReason')}
            value={reason}
            data-testid="cancel-reason"
            onChange={(e) => setReason(e.target.value)}
          />
          <button type="submit" className="button button-danger" disabled={!reason.trim() || cancel.pending} data-testid="cancel-order-confirm">
            {t('order.cancelOrder')}
          </button>
          <button type="button" className="button button-secondary" onClick={() => setOpen(false)}>
            {t('common.close')}
          </button>
        </form>
      ) : (
        <button type="button" className="button button-danger button-small" data-testid="cancel-order" onClick={() => setOpen(true)}>
          {t('order.cancelOrder')}
        </button>
      )}
      <MutationError error={cancel.error} />
    </div>
  );
}
