import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { Money, StatusPill, When } from '../../components/Bits';
import { MutationError } from '../../components/Mutation';
import {
  CreateSettlementDocument,
  DeliverVehicleDocument,
  RecordPaymentDocument,
  type OldPartDisposition,
  type PaymentMethod,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { KindTotalsRows } from './KindTotals';
import type { Order, SectionProps } from './RepairOrderPage';

const METHODS: PaymentMethod[] = ['CASH', 'CARD', 'WECHAT', 'ALIPAY', 'TRANSFER', 'INSURER', 'NONE'];
const DISPOSITIONS: OldPartDisposition[] = ['KEEP_FOR_WARRANTY', 'HAND_OVER', 'SCRAP'];

/** 结算: the invoice by pay type, and the cashier's payment of the customer's share. */
export function SettlementPanel({ order, reload }: SectionProps) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const settlement = order.settlement;
  const create = useAction(CreateSettlementDocument);
  const pay = useAction(RecordPaymentDocument);
  const [method, setMethod] = useState<PaymentMethod>('WECHAT');
  const [amount, setAmount] = useState<string | null>(null);

  return (
    <section className="panel" aria-labelledby="settlement-heading" data-testid="settlement">
      <div className="panel-header">
        <h2 id="settlement-heading">{t('order.settlement')}</h2>
      </div>
      <p className="hint">{t('order.settlementIntro')}</p>
      <MutationError error={create.error ?? pay.error} />
      {!settlement ? (
        can(viewer, 'settlement', 'create') && (
          <button
            type="button"
            className="button button-primary"
            disabled={create.pending}
            data-testid="create-settlement"
            onClick={() => void create.run({ orderId: order.id }).then((r) => r.data && reload())}
          >
            {t('order.createSettlement')}
          </button>
        )
      ) : (
        <>
          <table className="table totals-table">
            <tbody>
              <KindTotalsRows labour={settlement.labourTotal} parts={settlement.partsTotal} materials={settlement.materialsTotal} />
              {settlement.byPayType.map((p) => (
                <tr key={p.payType}>
                  <td className="muted">{t(`payType.${p.payType.toLowerCase()}` as 'payType.customer')}</td>
                  <td className="num muted">
                    <Money amount={p.amount} />
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('order.customerPays')}</th>
                <td className="num" data-testid="settlement-customer-amount">
                  <Money amount={settlement.customerAmount} />
                </td>
              </tr>
            </tfoot>
          </table>
          {settlement.paidAt ? (
            <p className="alert alert-ok" data-testid="payment-recorded">
              {t('order.paid', {
                amount: settlement.paidAmount ?? '',
                method: settlement.paymentMethod ? t(`paymentMethod.${settlement.paymentMethod.toLowerCase()}` as 'paymentMethod.cash') : '',
              })}
              {' · '}
              <When at={settlement.paidAt} />
              {settlement.cashier && ` · ${settlement.cashier.displayName}`}
            </p>
          ) : (
            can(viewer, 'settlement', 'collect') && (
              <form
                className="form-grid"
                data-testid="payment-form"
                onSubmit={(e) => {
                  e.preventDefault();
                  void pay
                    .run({ input: { orderId: order.id, amount: amount ?? settlement.customerAmount, method } })
                    .then((r) => r.data && reload());
                }}
              >
                <label className="control">
                  <span>{t('order.paymentMethod')}</span>
                  <select className="select" value={method} onChange={(e) => setMethod(e.target.value as PaymentMethod)}>
                    {METHODS.map((m) => (
                      <option key={m} value={m}>
                        {t(`paymentMethod.${m.toLowerCase()}` as 'paymentMethod.cash')}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="control">
                  <span>{t('order.paidAmount')}</span>
                  <input
                    className="input input-num"
                    inputMode="decimal"
                    value={amount ?? settlement.customerAmount}
                    onChange={(e) => setAmount(e.target.value)}
                  />
                </label>
                <div className="control" style={{ justifyContent: 'flex-end' }}>
                  <button type="submit" className="button button-primary" disabled={pay.pending} data-testid="record-payment">
                    {t('order.collect')}
                  </button>
                </div>
              </form>
            )
          )}
        </>
      )}
    </section>
  );
}

/** 交车: mileage out, next service date and km, and what happens to each old part. */
export function Delivery({ order, reload }: SectionProps) {
  const { t } = useTranslation();
  const local = useLocalized();
  const viewer = useViewer();
  const deliver = useAction(DeliverVehicleDocument);
  const parts = order.lines.filter((l) => l.kind === 'PART' && l.status === 'APPROVED');
  const [mileage, setMileage] = useState(order.mileageIn != null ? String(order.mileageIn) : '');
  const [nextDate, setNextDate] = useState('');
  const [nextKm, setNextKm] = useState(order.mileageIn != null ? String(order.mileageIn + 10000) : '');
  const [dispositions, setDispositions] = useState<Record<string, OldPartDisposition>>(() =>
    Object.fromEntries(parts.map((l) => [l.id, l.payType === 'WARRANTY' ? 'KEEP_FOR_WARRANTY' : 'HAND_OVER'])),
  );

  if (order.status.toLowerCase() === 'delivered') {
    return (
      <section className="panel" aria-labelledby="delivery-heading" data-testid="delivery" data-delivered="true">
        <div className="panel-header">
          <h2 id="delivery-heading">{t('order.delivery')}</h2>
        </div>
        <dl className="kv">
          <div>
            <dt>{t('order.delivered')}</dt>
            <dd>
              <When at={order.deliveredAt} />
            </dd>
          </div>
          <div>
            <dt>{t('order.nextServiceDate')}</dt>
            <dd>{order.nextServiceDate ?? '—'}</dd>
          </div>
          <div>
            <dt>{t('order.nextServiceKm')}</dt>
            <dd>{order.nextServiceKm != null ? t('common.kmValue', { value: order.nextServiceKm.toLocaleString() }) : '—'}</dd>
          </div>
        </dl>
        {parts.some((l) => l.oldPartDisposition) && (
          <ul className="hint">
            {parts.map((l) => (
              <li key={l.id}>
                {l.part ? `${l.part.partNumber} ${local(l.part.name, l.part.nameZh)}` : l.description}:{' '}
                {l.oldPartDisposition ? t(`disposition.${l.oldPartDisposition.toLowerCase()}` as 'disposition.scrap') : '—'}
              </li>
            ))}
          </ul>
        )}
      </section>
    );
  }
  if (!can(viewer, 'repair_order', 'deliver')) return null;

  return (
    <form
      className="panel"
      aria-labelledby="delivery-heading"
      data-testid="delivery"
      onSubmit={(e) => {
        e.preventDefault();
        void deliver
          .run({
            input: {
              orderId: order.id,
              mileageOut: Number(mileage),
              nextServiceDate: nextDate || null,
              nextServiceKm: nextKm ? Number(nextKm) : null,
              oldParts: parts.map((l) => ({ lineId: l.id, disposition: dispositions[l.id] ?? 'HAND_OVER' })),
            },
          })
          .then((r) => r.data && reload());
      }}
    >
      <div className="panel-header">
        <h2 id="delivery-heading">{t('order.delivery')}</h2>
      </div>
      <p className="hint">{t('order.deliveryIntro')}</p>
      <div className="form-grid">
        <label className="control">
          <span>{t('customerForm.mileage')}</span>
          <input className="input input-num" required inputMode="numeric" value={mileage} data-testid="mileage-out" onChange={(e) => setMileage(e.target.value.replace(/[^0-9]/g, ''))} />
        </label>
        <label className="control">
          <span>{t('order.nextServiceDate')}</span>
          <input type="date" className="input" value={nextDate} data-testid="next-service-date" onChange={(e) => setNextDate(e.target.value)} />
        </label>
        <label className="control">
          <span>{t('order.nextServiceKm')}</span>
          <input className="input input-num" inputMode="numeric" value={nextKm} data-testid="next-service-km" onChange={(e) => setNextKm(e.target.value.replace(/[^0-9]/g, ''))} />
        </label>
      </div>
      {parts.length > 0 && (
        <>
          <h3>{t('order.oldParts')}</h3>
          <table className="table">
            <tbody>
              {parts.map((l) => (
                <tr key={l.id} data-testid="old-part" data-line-id={l.id}>
                  <td>
                    {l.part ? (
                      <>
                        <span className="mono">{l.part.partNumber}</span> {local(l.part.name, l.part.nameZh)}
                      </>
                    ) : (
                      l.description
                    )}
                  </td>
                  <td>{t(`payType.${l.payType.toLowerCase()}` as 'payType.customer')}</td>
                  <td>
                    <select
                      className="select input-small"
                      aria-label={t('order.oldParts')}
                      value={dispositions[l.id]}
                      onChange={(e) => setDispositions((d) => ({ ...d, [l.id]: e.target.value as OldPartDisposition }))}
                    >
                      {DISPOSITIONS.map((d) => (
                        <option key={d} value={d}>
                          {t(`disposition.${d.toLowerCase()}` as 'disposition.scrap')}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <MutationError error={deliver.error} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={!mileage || deliver.pending} data-testid="deliver-vehicle">
          {t('order.deliver')}
        </button>
      </div>
    </form>
  );
}

/** Every status change of the order, oldest first: the board's history. */
export function OrderHistory({ order }: { order: Order }) {
  const { t } = useTranslation();
  if (order.history.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="history-heading" data-testid="order-history">
      <div className="panel-header">
        <h2 id="history-heading">{t('order.history')}</h2>
      </div>
      <table className="table">
        <tbody>
          {order.history.map((e, i) => (
            <tr key={i}>
              <td>
                <When at={e.at} />
              </td>
              <td>
                {e.fromStatus && (
                  <>
                    <StatusPill family="order" value={e.fromStatus} /> →{' '}
                  </>
                )}
                <StatusPill family="order" value={e.toStatus} />
              </td>
              <td>{e.actor?.displayName ?? ''}</td>
              <td className="muted">{e.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
