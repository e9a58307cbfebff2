import { useCallback, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { Money, When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import {
  AddPurchaseOrderLineDocument,
  ClosePurchaseOrderLineDocument,
  PurchaseOrderDocument,
  RemovePurchaseOrderLineDocument,
  SuppliersDocument,
  UpdatePurchaseOrderDocument,
  UpdatePurchaseOrderLineDocument,
  type PurchaseOrderFieldsFragment,
  type PurchaseOrderLineFieldsFragment,
  type PurchaseUrgency,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { DateOnly, PurchaseStatusPill, ReceiptStatusPill, SupplierName, UrgencyPill, qty } from './PurchaseBits';
import { PurchaseDecision } from './PurchaseDecision';
import { PurchasePartLine, type PartLine } from './PurchasePartLine';

export type PurchaseOrderData = PurchaseOrderFieldsFragment;

export interface PlanSectionProps {
  order: PurchaseOrderData;
  reload: () => void;
}

const PRINTABLE = ['APPROVED', 'ORDERED', 'PARTIALLY_RECEIVED', 'RECEIVED'];

/** 订货计划 / 采购订单: one plan from draft to received, each decision where it applies. */
export function PurchaseOrderPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const [{ data, error, fetching }, refetch] = useQuery({ query: PurchaseOrderDocument, variables: { id } });
  const reload = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);
  const order = data?.node?.__typename === 'PurchaseOrder' ? (data.node as PurchaseOrderData) : null;

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
  const props = { order, reload };
  return (
    <div
      className="page page-wide"
      data-testid="page-purchase-order"
      data-order-id={order.id}
      data-number={order.number}
      data-status={order.status.toLowerCase()}
    >
      <PageHeader
        title={t('parts.purchasing.order.title', { number: order.number })}
        actions={
          <>
            <PurchaseStatusPill value={order.status} urgency={order.urgency} testId="purchase-order-status" />
            <UrgencyPill value={order.urgency} />
            {PRINTABLE.includes(order.status) && (
              <Link className="button button-secondary" to={`/parts/purchase-orders/${order.id}/print`} data-testid="print-plan">
                {t('parts.purchasing.order.print')}
              </Link>
            )}
            <Link className="button button-secondary" to="/parts/purchase-orders">
              {t('parts.purchasing.order.back')}
            </Link>
          </>
        }
      />
      <Header {...props} />
      <Lines {...props} />
      <PurchaseDecision {...props} />
      <Receipts order={order} />
      <History order={order} />
    </div>
  );
}

function Person({ user, at }: { user: { displayName: string } | null | undefined; at?: string | null }) {
  if (!user) return <span className="muted">—</span>;
  return (
    <>
      {user.displayName}
      {at && (
        <div className="hint">
          <When at={at} />
        </div>
      )}
    </>
  );
}

function Header({ order, reload }: PlanSectionProps) {
  const { t } = useTranslation();
  const editing = order.viewerActions.canEdit;
  return (
    <section className="panel">
      <dl className="kv">
        <div>
          <dt>{t('parts.purchasing.order.supplier')}</dt>
          <dd data-testid="plan-supplier-name">
            <SupplierName supplier={order.supplier} />
          </dd>
        </div>
        <div>
          <dt>{t('parts.purchasing.order.source')}</dt>
          <dd>{t(`parts.purchasing.source.${order.source.toLowerCase()}` as 'parts.purchasing.source.manual')}</dd>
        </div>
        <div>
          <dt>{t('parts.purchasing.order.createdBy')}</dt>
          <dd>
            <Person user={order.createdBy} at={order.createdAt} />
          </dd>
        </div>
        <div>
          <dt>{t('parts.purchasing.order.reviewedBy')}</dt>
          <dd data-testid="reviewed-by">
            <Person user={order.reviewedBy} at={order.reviewedAt} />
          </dd>
        </div>
        <div>
          <dt>{t('parts.purchasing.order.approvedBy')}</dt>
          <dd data-testid="approved-by">
            <Person user={order.approvedBy} at={order.approvedAt} />
          </dd>
        </div>
        <div>
          <dt>{t('parts.purchasing.order.orderedBy')}</dt>
          <dd>
            <Person user={order.orderedBy} at={order.orderedAt} />
          </dd>
        </div>
        <div>
          <dt>{t('parts.purchasing.order.expected')}</dt>
          <dd data-testid="expected-on">
            <DateOnly value={order.expectedOn} />
          </dd>
        </div>
        {order.rejectedBy && (
          <div>
            <dt>{t('parts.purchasing.order.rejectedBy')}</dt>
            <dd>
              <Person user={order.rejectedBy} at={order.rejectedAt} />
            </dd>
          </div>
        )}
        {order.cancelledBy && (
          <div>
            <dt>{t('parts.purchasing.order.cancelledBy')}</dt>
            <dd>
              <Person user={order.cancelledBy} at={order.cancelledAt} />
            </dd>
          </div>
        )}
        {order.note && (
          <div style={{ gridColumn: 'span 2' }}>
            <dt>{t('parts.purchasing.order.note')}</dt>
            <dd style={{ fontWeight: 400 }}>{order.note}</dd>
          </div>
        )}
        {order.decisionNote && (
          <div style={{ gridColumn: 'span 2' }}>
            <dt>{t('parts.purchasing.order.decisionNote')}</dt>
            <dd style={{ fontWeight: 400 }} data-testid="decision-note">
              {order.decisionNote}
            </dd>
          </div>
        )}
      </dl>
      {editing && <HeaderForm order={order} reload={reload} />}
    </section>
  );
}

/** A draft's supplier, urgency and note. */
function HeaderForm({ order, reload }: PlanSectionProps) {
  const { t } = useTranslation();
  const [{ data: suppliers }] = useQuery({ query: SuppliersDocument, variables: { includeInactive: false } });
  const [supplierId, setSupplierId] = useState(order.supplier?.id ?? '');
  const [urgency, setUrgency] = useState<PurchaseUrgency>(order.urgency);
  const [note, setNote] = useState(order.note);
  const update = useAction(UpdatePurchaseOrderDocument);
  const changed = supplierId !== (order.supplier?.id ?? '') || urgency !== order.urgency || note !== order.note;
  return (
    <form
      className="form-grid"
      style={{ marginTop: 14 }}
      onSubmit={(e) => {
        e.preventDefault();
        void update
          .run({ input: { orderId: order.id, supplierId: supplierId || null, urgency, note: note.trim() } })
          .then((r) => r.data && reload());
      }}
    >
      <label className="control">
        <span>{t('parts.purchasing.order.supplier')}</span>
        <select className="select" value={supplierId} onChange={(e) => setSupplierId(e.target.value)}>
          <option value="">{t('parts.purchasing.partsCentre')}</option>
          {(suppliers?.suppliers ?? []).map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <label className="control">
        <span>{t('parts.purchasing.order.urgency')}</span>
        <select className="select" value={urgency} onChange={(e) => setUrgency(e.target.value as PurchaseUrgency)}>
          <option value="REGULAR">{t('parts.purchasing.urgency.regular')}</option>
          <option value="EMERGENCY">{t('parts.purchasing.urgency.emergency')}</option>
        </select>
      </label>
      <label className="control span-2">
        <span>{t('parts.purchasing.order.note')}</span>
        <input className="input" value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <div className="form-actions span-2">
        <button type="submit" className="button button-secondary" disabled={!changed || update.pending}>
          {t('parts.purchasing.order.headerSave')}
        </button>
      </div>
      <MutationError error={update.error} />
    </form>
  );
}

/** A number edited in place; sent when the field is left or Enter is pressed. */
function NumberCell({ value, label, testId, onCommit }: { value: string; label: string; testId?: string; onCommit: (value: string) => void }) {
  const [text, setText] = useState(value);
  const commit = () => {
    if (text !== value && text.trim() !== '' && Number.isFinite(Number(text))) onCommit(text.trim());
  };
  return (
    <input
      className="input input-small input-num"
      style={{ width: 90 }}
      aria-label={label}
      inputMode="decimal"
      value={text}
      data-testid={testId}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), commit())}
    />
  );
}

function Lines({ order, reload }: PlanSectionProps) {
  const { t } = useTranslation();
  const local = useLocalized();
  const viewer = useViewer();
  const editing = order.viewerActions.canEdit;
  const receiving = ['ORDERED', 'PARTIALLY_RECEIVED'].includes(order.status) && can(viewer, 'purchase_order', 'create');
  const update = useAction(UpdatePurchaseOrderLineDocument);
  const remove = useAction(RemovePurchaseOrderLineDocument);
  const add = useAction(AddPurchaseOrderLineDocument);
  const change = async (line: PurchaseOrderLineFieldsFragment, patch: { quantity?: string; unitPrice?: string }) => {
    const result = await update.run({ input: { lineId: line.id, ...patch } });
    if (result.data) reload();
  };
  const addLine = async (line: PartLine) => {
    const result = await add.run({
      input: { orderId: order.id, partId: line.part.id, quantity: line.quantity, unitPrice: line.unitPrice || null },
    });
    if (result.data) reload();
    return !!result.data;
  };
  const showReceived = !['DRAFT', 'SUBMITTED', 'REVIEWED', 'APPROVED', 'REJECTED'].includes(order.status);

  return (
    <section className="panel" aria-labelledby="plan-lines-heading" data-testid="plan-lines">
      <div className="panel-header">
        <h2 id="plan-lines-heading">{t('parts.purchasing.order.lines')}</h2>
        <span>
          {t('parts.purchasing.order.total')}: <strong data-testid="plan-total"><Money amount={order.total} /></strong>
        </span>
      </div>
      <MutationError error={update.error ?? remove.error} />
      {order.lines.length === 0 ? (
        <p className="empty">{t('parts.purchasing.order.noLines')}</p>
      ) : (
        <table className="table line-editor">
          <thead>
            <tr>
              <th scope="col">{t('parts.purchasing.order.part')}</th>
              <th scope="col">{t('parts.purchasing.order.bin')}</th>
              <th scope="col" className="num">{t('parts.purchasing.order.onHand')}</th>
              <th scope="col" className="num">{t('parts.purchasing.order.quantity')}</th>
              <th scope="col" className="num">{t('parts.purchasing.order.unitPrice')}</th>
              <th scope="col" className="num">{t('parts.purchasing.order.amount')}</th>
              {showReceived && (
                <>
                  <th scope="col" className="num">{t('parts.purchasing.order.received')}</th>
                  <th scope="col" className="num">{t('parts.purchasing.order.refused')}</th>
                  <th scope="col" className="num">{t('parts.purchasing.order.outstanding')}</th>
                </>
              )}
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {order.lines.map((line) => (
              <tr key={line.id} data-testid="plan-line-row" data-part-number={line.part?.partNumber} data-line-id={line.id}>
                <td>
                  <span className="mono">{line.part?.partNumber}</span> {line.part && local(line.part.name, line.part.nameZh)}
                  {line.priceChanged && !['RECEIVED', 'CANCELLED', 'REJECTED'].includes(order.status) && (
                    <div className="hint">{t('parts.purchasing.order.priceChanged', { cost: line.itemUnitCost })}</div>
                  )}
                  {line.closed && (
                    <div className="hint">
                      <span className="pill pill-muted">{t('parts.purchasing.order.closedShort')}</span> {line.closeReason}
                    </div>
                  )}
                </td>
                <td className="mono">{line.binLocation || '—'}</td>
                <td className="num">{qty(line.onHand)}</td>
                <td className="num">
                  {editing ? (
                    <NumberCell
                      value={line.quantity}
                      label={t('parts.purchasing.order.quantity')}
                      testId="plan-line-quantity"
                      onCommit={(quantity) => void change(line, { quantity })}
                    />
                  ) : (
                    qty(line.quantity)
                  )}
                </td>
                <td className="num">
                  {editing ? (
                    <NumberCell
                      value={line.unitPrice}
                      label={t('parts.purchasing.order.unitPrice')}
                      onCommit={(unitPrice) => void change(line, { unitPrice })}
                    />
                  ) : (
                    <Money amount={line.unitPrice} />
                  )}
                </td>
                <td className="num">
                  <Money amount={line.amount} />
                </td>
                {showReceived && (
                  <>
                    <td className="num">{qty(line.receivedQty)}</td>
                    <td className="num">{qty(line.refusedQty)}</td>
                    <td className="num" data-testid="line-outstanding">
                      {qty(line.outstandingQty)}
                    </td>
                  </>
                )}
                <td>
                  {editing && (
                    <button
                      type="button"
                      className="button button-secondary button-small"
                      aria-label={t('parts.purchasing.order.removeLine')}
                      title={t('parts.purchasing.order.removeLine')}
                      onClick={() => void remove.run({ lineId: line.id }).then((r) => r.data && reload())}
                    >
                      ×
                    </button>
                  )}
                  {receiving && !line.closed && Number(line.outstandingQty) > 0 && <CloseShort line={line} reload={reload} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing && (
        <>
          <h3>{t('parts.purchasing.order.addLine')}</h3>
          <PurchasePartLine onAdd={addLine} pending={add.pending} testId="add-plan-line" />
          <MutationError error={add.error} />
        </>
      )}
    </section>
  );
}

/** The rest of a line will not come (short-shipped for good): it stops counting as on order. */
function CloseShort({ line, reload }: { line: PurchaseOrderLineFieldsFragment; reload: () => void }) {
  const { t } = useTranslation();
  const close = useAction(ClosePurchaseOrderLineDocument);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  if (!open) {
    return (
      <button type="button" className="button button-secondary button-small" onClick={() => setOpen(true)}>
        {t('parts.purchasing.order.closeShort')}
      </button>
    );
  }
  return (
    <form
      className="inline-list"
      onSubmit={(e) => {
        e.preventDefault();
        void close.run({ input: { lineId: line.id, reason: reason.trim() } }).then((r) => r.data && reload());
      }}
    >
      <input
        className="input input-small"
        required
        autoFocus
        placeholder={t('parts.purchasing.order.closeReason')}
        aria-label={t('parts.purchasing.order.closeReason')}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
      />
      <button type="submit" className="button button-danger button-small" disabled={!reason.trim() || close.pending}>
        {t('parts.purchasing.order.closeShort')}
      </button>
      <button type="button" className="button button-secondary button-small" onClick={() => setOpen(false)}>
        {t('common.close')}
      </button>
      <MutationError error={close.error} />
    </form>
  );
}

function Receipts({ order }: { order: PurchaseOrderData }) {
  const { t } = useTranslation();
  const viewer = useViewer();
  if (!can(viewer, 'parts_receipt', 'read') || ['DRAFT', 'SUBMITTED', 'REVIEWED', 'REJECTED'].includes(order.status)) return null;
  return (
    <section className="panel" aria-labelledby="plan-receipts-heading">
      <div className="panel-header">
        <h2 id="plan-receipts-heading">{t('parts.purchasing.order.receipts')}</h2>
      </div>
      {order.receipts.length === 0 ? (
        <p className="empty">{t('parts.purchasing.order.noReceipts')}</p>
      ) : (
        <table className="table">
          <tbody>
            {order.receipts.map((r) => (
              <tr key={r.id} data-testid="plan-receipt">
                <td>
                  <Link className="mono" to={`/parts/receiving/${r.id}`}>
                    {r.number}
                  </Link>
                </td>
                <td>
                  <ReceiptStatusPill value={r.status} />
                </td>
                <td>
                  <When at={r.postedAt ?? r.receivedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function History({ order }: { order: PurchaseOrderData }) {
  const { t } = useTranslation();
  return (
    <section className="panel" aria-labelledby="plan-history-heading">
      <div className="panel-header">
        <h2 id="plan-history-heading">{t('parts.purchasing.order.history')}</h2>
      </div>
      {order.history.length === 0 ? (
        <p className="empty">{t('parts.purchasing.order.noHistory')}</p>
      ) : (
        <ol className="grant-list" data-testid="plan-history">
          {order.history.map((h, index) => (
            <li key={index} className="detail-row" data-to={h.toStatus.toLowerCase()}>
              <When at={h.at} /> · <PurchaseStatusPill value={h.toStatus} urgency={order.urgency} /> {h.actor?.displayName}
              {h.note && <span className="muted"> — {h.note}</span>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
