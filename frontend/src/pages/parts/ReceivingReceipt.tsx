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
  CancelReceiptDocument,
  CheckShippingListDocument,
  ConfirmShelvingDocument,
  CountReceiptLineDocument,
  PartsReceiptDocument,
  PostReceiptDocument,
  type PartsReceiptFieldsFragment,
  type ReceiptQuality,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { ClaimStatusPill, ReceiptStatusPill, qty } from './PurchaseBits';
import { ReceivingClaimForm } from './ReceivingDamageClaims';

type Receipt = PartsReceiptFieldsFragment;
type Line = Receipt['lines'][number];
const QUALITIES: ReceiptQuality[] = ['OK', 'DAMAGED', 'WRONG_PART', 'DEFECTIVE'];

/**
 * 入库单: one delivery through the three inspections. The purchaser confirms what the
 * shipping list says was shipped; the keeper counts each line, judges its quality and
 * refuses faulty parts; posting books the accepted parts into stock; shelving closes it.
 */
export function ReceivingReceipt() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const viewer = useViewer();
  const [{ data, error, fetching }, refetch] = useQuery({ query: PartsReceiptDocument, variables: { id } });
  const reload = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);
  const receipt = data?.node?.__typename === 'PartsReceipt' ? (data.node as Receipt) : null;
  const [shipped, setShipped] = useState<Record<string, string>>({});
  const check = useAction(CheckShippingListDocument);
  const post = useAction(PostReceiptDocument);
  const shelve = useAction(ConfirmShelvingDocument);
  const cancel = useAction(CancelReceiptDocument);
  const [cancelReason, setCancelReason] = useState('');

  if (error) return <ErrorPanel error={error} onRetry={reload} />;
  if (fetching && !data) return <Loading />;
  if (!receipt) {
    return (
      <div className="page">
        <p className="empty" data-testid="not-found">
          {t('errors.NOT_FOUND')}
        </p>
      </div>
    );
  }
  const isOpen = receipt.status === 'OPEN';
  const purchaser = can(viewer, 'purchase_order', 'create');
  const keeper = can(viewer, 'parts_receipt', 'create');
  const counted = receipt.lines.filter((l) => l.countedQty != null).length;
  const needCount = receipt.lines.filter((l) => l.countedQty == null && Number(l.shippedQty) > 0).length;
  const shippedOf = (line: Line) => shipped[line.id] ?? qty(line.shippedQty);

  const confirmShipping = async () => {
    const lines = receipt.lines.map((l) => ({ lineId: l.id, shippedQty: shippedOf(l) || '0' }));
    const result = await check.run({ input: { receiptId: receipt.id, lines } });
    if (result.data) {
      setShipped({});
      reload();
    }
  };

  return (
    <div
      className="page page-wide"
      data-testid="page-receipt"
      data-receipt-id={receipt.id}
      data-number={receipt.number}
      data-status={receipt.status.toLowerCase()}
    >
      <PageHeader
        title={t('parts.purchasing.receipt.title', { number: receipt.number })}
        actions={
          <>
            <ReceiptStatusPill value={receipt.status} testId="receipt-status" />
            <Link className="button button-secondary" to="/parts/receiving">
              {t('parts.purchasing.receipt.back')}
            </Link>
          </>
        }
      />
      <section className="panel">
        <dl className="kv">
          <div>
            <dt>{t('parts.purchasing.receipt.order')}</dt>
            <dd>
              {receipt.purchaseOrder ? (
                <Link className="mono" to={`/parts/purchase-orders/${receipt.purchaseOrder.id}`}>
                  {receipt.purchaseOrder.number}
                </Link>
              ) : (
                '—'
              )}
            </dd>
          </div>
          <div>
            <dt>{t('parts.purchasing.receipt.deliveryNote')}</dt>
            <dd>{receipt.deliveryNote || '—'}</dd>
          </div>
          <div>
            <dt>{t('parts.purchasing.receiving.opened')}</dt>
            <dd>
              {receipt.receivedBy?.displayName}
              <div className="hint">
                <When at={receipt.receivedAt} />
              </div>
            </dd>
          </div>
        </dl>
        <h3>{t('parts.purchasing.receipt.steps')}</h3>
        <ol className="inspection-steps" data-testid="inspection-steps">
          <Step done={!!receipt.shippingListCheckedBy} label={t('parts.purchasing.receipt.stepShipping')} who={receipt.shippingListCheckedBy} at={receipt.shippingListCheckedAt} testId="step-shipping" />
          <Step
            done={needCount === 0 && counted > 0}
            label={t('parts.purchasing.receipt.stepCount')}
            detail={t('parts.purchasing.receipt.countedOf', { counted, total: receipt.lines.length })}
            testId="step-count"
          />
          <Step done={receipt.status === 'POSTED'} label={t('parts.purchasing.receipt.stepPost')} who={receipt.postedBy} at={receipt.postedAt} testId="step-post" />
          <Step done={!!receipt.shelvedAt} label={t('parts.purchasing.receipt.stepShelve')} who={receipt.shelvedBy} at={receipt.shelvedAt} testId="step-shelve" />
        </ol>
      </section>
      <section className="panel" aria-labelledby="receipt-lines-heading">
        <div className="panel-header">
          <h2 id="receipt-lines-heading">{t('parts.purchasing.order.lines')}</h2>
        </div>
        <table className="table line-editor" data-testid="receipt-lines">
          <thead>
            <tr>
              <th scope="col">{t('parts.purchasing.receipt.part')}</th>
              <th scope="col">{t('parts.purchasing.receipt.bin')}</th>
              <th scope="col" className="num">{t('parts.purchasing.receipt.outstanding')}</th>
              <th scope="col" className="num">{t('parts.purchasing.receipt.shipped')}</th>
              <th scope="col" className="num">{t('parts.purchasing.receipt.counted')}</th>
              <th scope="col" className="num">{t('parts.purchasing.receipt.refused')}</th>
              <th scope="col">{t('parts.purchasing.receipt.quality')}</th>
              <th scope="col" className="num">{t('parts.purchasing.receipt.accepted')}</th>
              <th scope="col" className="num">{t('parts.purchasing.receipt.unitCost')}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {receipt.lines.map((line) => (
              <LineRow
                key={line.id}
                line={line}
                editable={isOpen && keeper}
                shippedInput={
                  isOpen && purchaser ? (
                    <input
                      className="input input-small input-num"
                      style={{ width: 80 }}
                      inputMode="decimal"
                      aria-label={t('parts.purchasing.receipt.shipped')}
                      value={shippedOf(line)}
                      data-testid="shipped-qty"
                      onChange={(e) => setShipped((s) => ({ ...s, [line.id]: e.target.value }))}
                    />
                  ) : null
                }
                reload={reload}
              />
            ))}
          </tbody>
        </table>
        <MutationError error={check.error ?? post.error ?? shelve.error ?? cancel.error} />
        <div className="form-actions">
          {isOpen && purchaser && (
            <button type="button" className="button button-secondary" disabled={check.pending} data-testid="check-shipping" onClick={() => void confirmShipping()}>
              {receipt.shippingListCheckedBy ? t('parts.purchasing.receipt.recheckShipping') : t('parts.purchasing.receipt.checkShipping')}
            </button>
          )}
          {isOpen && keeper && (
            <button
              type="button"
              className="button button-primary"
              disabled={post.pending || !receipt.shippingListCheckedBy || needCount > 0}
              data-testid="post-receipt"
              onClick={() => void post.run({ receiptId: receipt.id }).then((r) => r.data && reload())}
            >
              {t('parts.purchasing.receipt.post')}
            </button>
          )}
          {receipt.status === 'POSTED' && !receipt.shelvedAt && keeper && (
            <button
              type="button"
              className="button button-ok"
              disabled={shelve.pending}
              data-testid="confirm-shelving"
              onClick={() => void shelve.run({ receiptId: receipt.id }).then((r) => r.data && reload())}
            >
              {t('parts.purchasing.receipt.shelve')}
            </button>
          )}
        </div>
        {receipt.status === 'POSTED' && (
          <p className="alert alert-ok" role="status" data-testid="receipt-posted">
            {t('parts.purchasing.receipt.posted')}
          </p>
        )}
        {isOpen && keeper && (
          <form
            className="inline-list no-print"
            style={{ marginTop: 12 }}
            onSubmit={(e) => {
              e.preventDefault();
              void cancel.run({ input: { receiptId: receipt.id, reason: cancelReason.trim() } }).then((r) => r.data && reload());
            }}
          >
            <input
              className="input input-small"
              style={{ width: 260 }}
              placeholder={t('parts.purchasing.receipt.cancelReason')}
              aria-label={t('parts.purchasing.receipt.cancelReason')}
              value={cancelReason}
              onChange={(e) => setCancelReason(e.target.value)}
            />
            <button type="submit" className="button button-danger button-small" disabled={!cancelReason.trim() || cancel.pending}>
              {t('parts.purchasing.receipt.cancel')}
            </button>
          </form>
        )}
      </section>
      {receipt.status === 'POSTED' && <DamagedLines receipt={receipt} reload={reload} />}
    </div>
  );
}

function Step({
  done,
  label,
  who,
  at,
  detail,
  testId,
}: {
  done: boolean;
  label: string;
  who?: { displayName: string } | null;
  at?: string | null;
  detail?: string;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <li data-done={done} data-testid={testId}>
      <strong>
        {done ? '✓ ' : ''}
        {label}
      </strong>
      {who && <span className="hint">{t('parts.purchasing.receipt.by', { name: who.displayName })}</span>}
      {at && (
        <div className="hint">
          <When at={at} />
        </div>
      )}
      {detail && <div className="hint">{detail}</div>}
    </li>
  );
}

/** One line: the keeper's count, refusal and quality judgement, saved per line. */
function LineRow({ line, editable, shippedInput, reload }: { line: Line; editable: boolean; shippedInput: React.ReactNode; reload: () => void }) {
  const { t } = useTranslation();
  const local = useLocalized();
  const [counted, setCounted] = useState(line.countedQty != null ? qty(line.countedQty) : '');
  const [refused, setRefused] = useState(qty(line.refusedQty));
  const [quality, setQuality] = useState<ReceiptQuality>(line.quality);
  const [over, setOver] = useState(line.overDeliveryAccepted);
  const [note, setNote] = useState(line.note);
  const count = useAction(CountReceiptLineDocument);
  const accepted = Number(counted || 0) - Number(refused || 0);
  const overOutstanding = Number.isFinite(accepted) && accepted > Number(line.outstandingQty);
  const valid = counted.trim() !== '' && Number(counted) >= 0 && Number(refused || 0) >= 0 && accepted >= 0;

  const save = async () => {
    const result = await count.run({
      input: {
        lineId: line.id,
        countedQty: counted.trim(),
        refusedQty: refused.trim() || '0',
        quality,
        acceptOverDelivery: over && overOutstanding,
        note: note.trim(),
      },
    });
    if (result.data) reload();
  };

  return (
    <>
      <tr data-testid="receipt-line" data-part-number={line.part?.partNumber} data-line-id={line.id} data-counted={line.countedQty != null}>
        <td>
          <span className="mono">{line.part?.partNumber}</span> {line.part && local(line.part.name, line.part.nameZh)}
          {line.countedBy && <div className="hint">{line.countedBy.displayName}</div>}
        </td>
        <td className="mono">{line.binLocation || '—'}</td>
        <td className="num">{qty(line.outstandingQty)}</td>
        <td className="num">{shippedInput ?? qty(line.shippedQty)}</td>
        <td className="num">
          {editable ? (
            <input
              className="input input-small input-num"
              style={{ width: 80 }}
              inputMode="decimal"
              aria-label={t('parts.purchasing.receipt.counted')}
              value={counted}
              placeholder={t('parts.purchasing.receipt.notCounted')}
              data-testid="counted-qty"
              onChange={(e) => setCounted(e.target.value)}
            />
          ) : line.countedQty != null ? (
            qty(line.countedQty)
          ) : (
            <span className="muted">{t('parts.purchasing.receipt.notCounted')}</span>
          )}
        </td>
        <td className="num">
          {editable ? (
            <input
              className="input input-small input-num"
              style={{ width: 70 }}
              inputMode="decimal"
              aria-label={t('parts.purchasing.receipt.refused')}
              value={refused}
              data-testid="refused-qty"
              onChange={(e) => setRefused(e.target.value)}
            />
          ) : (
            qty(line.refusedQty)
          )}
        </td>
        <td>
          {editable ? (
            <select
              className="select input-small"
              aria-label={t('parts.purchasing.receipt.quality')}
              value={quality}
              data-testid="quality"
              onChange={(e) => setQuality(e.target.value as ReceiptQuality)}
            >
              {QUALITIES.map((q) => (
                <option key={q} value={q}>
                  {t(`parts.purchasing.quality.${q.toLowerCase()}` as 'parts.purchasing.quality.ok')}
                </option>
              ))}
            </select>
          ) : (
            t(`parts.purchasing.quality.${line.quality.toLowerCase()}` as 'parts.purchasing.quality.ok')
          )}
        </td>
        <td className="num" data-testid="accepted-qty">
          {line.countedQty != null ? qty(line.acceptedQty) : '—'}
        </td>
        <td className="num">
          <Money amount={line.unitCost} />
        </td>
        <td>
          {editable && (
            <button type="button" className="button button-secondary button-small" disabled={!valid || count.pending} data-testid="save-count" onClick={() => void save()}>
              {t('parts.purchasing.receipt.saveCount')}
            </button>
          )}
        </td>
      </tr>
      {editable && (overOutstanding || count.error || quality !== 'OK' || note) && (
        <tr>
          <td colSpan={10}>
            <div className="inline-list">
              {overOutstanding && (
                <label className="inline-list">
                  <input type="checkbox" checked={over} data-testid="accept-over" onChange={(e) => setOver(e.target.checked)} />
                  {t('parts.purchasing.receipt.overDelivery')}
                </label>
              )}
              <input
                className="input input-small"
                style={{ width: 280 }}
                placeholder={t('parts.purchasing.receipt.note')}
                aria-label={t('parts.purchasing.receipt.note')}
                value={note}
                onChange={(e) => setNote(e.target.value)}
              />
            </div>
            <MutationError error={count.error} />
          </td>
        </tr>
      )}
    </>
  );
}

/** Posted lines refused as damaged in transport: claims to the insurer or carrier. */
function DamagedLines({ receipt, reload }: { receipt: Receipt; reload: () => void }) {
  const { t } = useTranslation();
  const local = useLocalized();
  const viewer = useViewer();
  const damaged = receipt.lines.filter((l) => l.quality === 'DAMAGED' && Number(l.refusedQty) > 0);
  if (damaged.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="damage-heading" data-testid="damaged-lines">
      <div className="panel-header">
        <h2 id="damage-heading">{t('parts.purchasing.receipt.claim')}</h2>
      </div>
      {damaged.map((line) => (
        <div key={line.id} style={{ marginBottom: 14 }} data-testid="damaged-line" data-part-number={line.part?.partNumber}>
          <p>
            <span className="mono">{line.part?.partNumber}</span> {line.part && local(line.part.name, line.part.nameZh)} ·{' '}
            <span className="muted">{t('parts.purchasing.receipt.claimable', { count: Number(line.claimableQty) })}</span>
          </p>
          {line.claims.length > 0 && (
            <ul className="inline-list">
              {line.claims.map((c) => (
                <li key={c.id}>
                  {t(`parts.purchasing.against.${c.against.toLowerCase()}` as 'parts.purchasing.against.carrier')} {c.party} · {qty(c.quantity)} ·{' '}
                  <Money amount={c.amount} /> <ClaimStatusPill value={c.status} />
                </li>
              ))}
            </ul>
          )}
          {Number(line.claimableQty) > 0 && can(viewer, 'parts_receipt', 'refuse') && (
            <ReceivingClaimForm lineId={line.id} claimable={line.claimableQty} unitCost={line.unitCost} onDone={reload} />
          )}
        </div>
      ))}
    </section>
  );
}
