import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import { OpenReceiptDocument, ReceivingOverviewDocument } from '../../gql/graphql';
import { useViewer } from '../../session';
import { DateOnly, PurchaseStatusPill, ReceiptStatusPill, SupplierName, UrgencyPill, qty } from './PurchaseBits';

/** 入库验收: orders awaiting a delivery, and the receipts in progress and done. */
export function Receiving() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const navigate = useNavigate();
  const [{ data, error, fetching }, refetch] = useQuery({ query: ReceivingOverviewDocument, requestPolicy: 'cache-and-network' });
  const open = useAction(OpenReceiptDocument);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const mayReceive = can(viewer, 'parts_receipt', 'create');
  const awaiting = (data?.awaiting.edges ?? []).map((e) => e.node);
  const receipts = (data?.partsReceipts.edges ?? []).map((e) => e.node);

  const receive = async (orderId: string) => {
    const result = await open.run({ input: { purchaseOrderId: orderId, deliveryNote: (notes[orderId] ?? '').trim() } });
    if (result.data) navigate(`/parts/receiving/${result.data.openReceipt.id}`);
  };

  return (
    <div className="page page-wide" data-testid="page-receiving">
      <PageHeader
        title={t('parts.purchasing.receiving.title')}
        intro={t('parts.purchasing.receiving.intro')}
        actions={
          <Link className="button button-secondary" to="/parts/receiving/claims" data-testid="open-claims">
            {t('parts.purchasing.receiving.claims')}
          </Link>
        }
      />
      {error ? (
        <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : fetching && !data ? (
        <Loading />
      ) : (
        <>
          <section className="panel" aria-labelledby="awaiting-heading">
            <div className="panel-header">
              <h2 id="awaiting-heading">{t('parts.purchasing.receiving.awaiting')}</h2>
            </div>
            <MutationError error={open.error} />
            {awaiting.length === 0 ? (
              <p className="empty">{t('parts.purchasing.receiving.noneAwaiting')}</p>
            ) : (
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('parts.purchasing.receiving.order')}</th>
                    <th scope="col">{t('parts.purchasing.list.status')}</th>
                    <th scope="col">{t('parts.purchasing.list.supplier')}</th>
                    <th scope="col">{t('parts.purchasing.list.expected')}</th>
                    <th scope="col" className="num">{t('parts.purchasing.receiving.outstanding')}</th>
                    <th scope="col">{mayReceive && t('parts.purchasing.receiving.deliveryNote')}</th>
                    <th scope="col" />
                  </tr>
                </thead>
                <tbody>
                  {awaiting.map((o) => (
                    <tr key={o.id} data-testid="awaiting-order" data-number={o.number}>
                      <td>
                        <Link className="mono" to={`/parts/purchase-orders/${o.id}`}>
                          {o.number}
                        </Link>{' '}
                        {o.urgency === 'EMERGENCY' && <UrgencyPill value={o.urgency} />}
                      </td>
                      <td>
                        <PurchaseStatusPill value={o.status} />
                      </td>
                      <td>
                        <SupplierName supplier={o.supplier} />
                      </td>
                      <td>
                        <DateOnly value={o.expectedOn} />
                      </td>
                      <td className="num">{qty(o.outstandingQty)}</td>
                      <td>
                        {mayReceive && (
                          <input
                            className="input input-small"
                            aria-label={t('parts.purchasing.receiving.deliveryNote')}
                            value={notes[o.id] ?? ''}
                            data-testid="delivery-note"
                            onChange={(e) => setNotes((n) => ({ ...n, [o.id]: e.target.value }))}
                          />
                        )}
                      </td>
                      <td>
                        {mayReceive && (
                          <button
                            type="button"
                            className="button button-primary button-small"
                            disabled={open.pending}
                            data-testid="receive-order"
                            onClick={() => void receive(o.id)}
                          >
                            {t('parts.purchasing.receiving.receive')}
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section className="panel" aria-labelledby="receipts-heading">
            <div className="panel-header">
              <h2 id="receipts-heading">{t('parts.purchasing.receiving.receipts')}</h2>
            </div>
            {receipts.length === 0 ? (
              <p className="empty">{t('parts.purchasing.receiving.noReceipts')}</p>
            ) : (
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('parts.purchasing.receiving.number')}</th>
                    <th scope="col">{t('parts.purchasing.list.status')}</th>
                    <th scope="col">{t('parts.purchasing.receiving.order')}</th>
                    <th scope="col">{t('parts.purchasing.receiving.deliveryNote')}</th>
                    <th scope="col">{t('parts.purchasing.receiving.opened')}</th>
                  </tr>
                </thead>
                <tbody>
                  {receipts.map((r) => (
                    <tr
                      key={r.id}
                      data-testid="receipt-row"
                      data-number={r.number}
                      data-status={r.status.toLowerCase()}
                      tabIndex={0}
                      style={{ cursor: 'pointer' }}
                      onClick={() => navigate(`/parts/receiving/${r.id}`)}
                      onKeyDown={(e) => e.key === 'Enter' && navigate(`/parts/receiving/${r.id}`)}
                    >
                      <td>
                        <Link className="mono" to={`/parts/receiving/${r.id}`} onClick={(e) => e.stopPropagation()}>
                          {r.number}
                        </Link>
                      </td>
                      <td>
                        <ReceiptStatusPill value={r.status} />
                      </td>
                      <td className="mono">{r.purchaseOrder?.number}</td>
                      <td>{r.deliveryNote || '—'}</td>
                      <td>
                        <When at={r.receivedAt} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </div>
  );
}
