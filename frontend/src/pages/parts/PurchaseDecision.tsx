import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../api/useAction';
import { MutationError } from '../../components/Mutation';
import {
  ApprovePurchaseOrderDocument,
  CancelPurchaseOrderDocument,
  MarkPurchaseOrderOrderedDocument,
  OpenReceiptDocument,
  RejectPurchaseOrderDocument,
  ReviewPurchaseOrderDocument,
  SubmitPurchaseOrderDocument,
} from '../../gql/graphql';
import { formatMoney } from '../../localize';
import { useViewer } from '../../session';
import { dealerToday } from './PurchaseBits';
import type { PlanSectionProps } from './PurchaseOrderPage';

/**
 * The decisions the viewer may take on the plan now, as the server computed them
 * (permissions, segregation of duties, the viewer's approval limit): submit, review,
 * approve, reject, order, cancel, receive. The viewer's authority is shown beside them.
 */
export function PurchaseDecision({ order, reload }: PlanSectionProps) {
  const { t, i18n } = useTranslation();
  const viewer = useViewer();
  const navigate = useNavigate();
  const actions = order.viewerActions;
  const submit = useAction(SubmitPurchaseOrderDocument);
  const review = useAction(ReviewPurchaseOrderDocument);
  const approve = useAction(ApprovePurchaseOrderDocument);
  const reject = useAction(RejectPurchaseOrderDocument);
  const markOrdered = useAction(MarkPurchaseOrderOrderedDocument);
  const cancel = useAction(CancelPurchaseOrderDocument);
  const openReceipt = useAction(OpenReceiptDocument);
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const [backToDraft, setBackToDraft] = useState(true);
  const [expectedOn, setExpectedOn] = useState(dealerToday(viewer.currentDealer?.timeZone, 3));
  const [cancelReason, setCancelReason] = useState('');
  const [deliveryNote, setDeliveryNote] = useState('');
  const done = (result: { data: unknown }) => {
    if (result.data) {
      setNote('');
      setReason('');
      reload();
    }
  };
  const error =
    submit.error ?? review.error ?? approve.error ?? reject.error ?? markOrdered.error ?? cancel.error ?? openReceipt.error;
  const awaitingApproval = order.status === 'REVIEWED' || (order.status === 'SUBMITTED' && order.urgency === 'EMERGENCY');
  const decides = actions.canReview || actions.canApprove || actions.canReject;
  const anything = actions.canSubmit || decides || actions.canOrder || actions.canCancel || actions.canReceive;
  const blocked = {
    own_plan: t('parts.purchasing.decide.ownPlan'),
    reviewed_it: t('parts.purchasing.decide.reviewedIt'),
    above_limit: t('parts.purchasing.decide.aboveLimit'),
  } as Record<string, string>;

  return (
    <section className="panel" aria-labelledby="decision-heading" data-testid="plan-decision">
      <div className="panel-header">
        <h2 id="decision-heading">{t('parts.purchasing.decide.title')}</h2>
      </div>
      <div className="decision-box">
        <p className="muted" data-testid="authority" data-limit={actions.approvalLimit ?? ''} data-within={String(actions.withinLimit)}>
          {actions.approvalLimit != null
            ? t('parts.purchasing.decide.yourLimit', { limit: formatMoney(actions.approvalLimit, null, i18n.language) })
            : t('parts.purchasing.decide.noLimit')}{' '}
          · {t('parts.purchasing.decide.total', { total: formatMoney(order.total, null, i18n.language) })}
        </p>
        {actions.blockedReason && (
          <div className="alert alert-warn" role="status" data-testid="blocked-reason" data-reason={actions.blockedReason}>
            {blocked[actions.blockedReason] ?? actions.blockedReason}
          </div>
        )}
        {!decides && !actions.blockedReason && (order.status === 'SUBMITTED' || order.status === 'REVIEWED') ? (
          <p className="hint" data-testid="nothing-to-decide">
            {awaitingApproval ? t('parts.purchasing.decide.waitingApproval') : t('parts.purchasing.decide.waitingReview')}
          </p>
        ) : (
          !anything &&
          !actions.blockedReason && (
            <p className="hint" data-testid="nothing-to-decide">
              {t('parts.purchasing.decide.nothing')}
            </p>
          )
        )}
        {actions.canSubmit && (
          <div>
            <button
              type="button"
              className="button button-primary"
              disabled={submit.pending || order.lines.length === 0}
              data-testid="submit-plan"
              onClick={() => void submit.run({ orderId: order.id }).then(done)}
            >
              {order.urgency === 'EMERGENCY' ? t('parts.purchasing.decide.submitEmergency') : t('parts.purchasing.decide.submit')}
            </button>
          </div>
        )}
        {(actions.canReview || actions.canApprove) && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              const run = actions.canApprove ? approve.run : review.run;
              void run({ orderId: order.id, note: note.trim() }).then(done);
            }}
          >
            <label className="control" style={{ flex: 1, minWidth: 240 }}>
              <span>{t('parts.purchasing.decide.note')}</span>
              <input className="input" value={note} data-testid="decision-note-input" onChange={(e) => setNote(e.target.value)} />
            </label>
            <button
              type="submit"
              className="button button-ok"
              disabled={review.pending || approve.pending}
              data-testid={actions.canApprove ? 'approve-plan' : 'review-plan'}
            >
              {actions.canApprove ? t('parts.purchasing.decide.approve') : t('parts.purchasing.decide.review')}
            </button>
          </form>
        )}
        {actions.canReject && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void reject.run({ input: { orderId: order.id, reason: reason.trim(), backToDraft } }).then(done);
            }}
          >
            <label className="control" style={{ flex: 1, minWidth: 240 }}>
              <span>{t('parts.purchasing.decide.rejectReason')}</span>
              <input className="input" required value={reason} data-testid="reject-reason" onChange={(e) => setReason(e.target.value)} />
            </label>
            <label className="inline-list">
              <input type="radio" name="reject-kind" checked={backToDraft} onChange={() => setBackToDraft(true)} />
              {t('parts.purchasing.decide.backToDraft')}
            </label>
            <label className="inline-list">
              <input type="radio" name="reject-kind" checked={!backToDraft} onChange={() => setBackToDraft(false)} />
              {t('parts.purchasing.decide.rejectForGood')}
            </label>
            <button type="submit" className="button button-danger" disabled={!reason.trim() || reject.pending} data-testid="reject-plan">
              {t('parts.purchasing.decide.reject')}
            </button>
          </form>
        )}
        {actions.canOrder && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void markOrdered.run({ input: { orderId: order.id, expectedOn } }).then(done);
            }}
          >
            <label className="control">
              <span>{t('parts.purchasing.decide.expectedOn')}</span>
              <input
                className="input"
                type="date"
                required
                min={dealerToday(viewer.currentDealer?.timeZone)}
                value={expectedOn}
                data-testid="expected-on-input"
                onChange={(e) => setExpectedOn(e.target.value)}
              />
            </label>
            <button type="submit" className="button button-primary" disabled={!expectedOn || markOrdered.pending} data-testid="mark-ordered">
              {t('parts.purchasing.decide.markOrdered')}
            </button>
          </form>
        )}
        {actions.canReceive && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void openReceipt
                .run({ input: { purchaseOrderId: order.id, deliveryNote: deliveryNote.trim() } })
                .then((r) => r.data && navigate(`/parts/receiving/${r.data.openReceipt.id}`));
            }}
          >
            <label className="control">
              <span>{t('parts.purchasing.receiving.deliveryNote')}</span>
              <input className="input" value={deliveryNote} onChange={(e) => setDeliveryNote(e.target.value)} />
            </label>
            <button type="submit" className="button button-primary" disabled={openReceipt.pending} data-testid="receive-delivery">
              {t('parts.purchasing.decide.receive')}
            </button>
          </form>
        )}
        {actions.canCancel && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void cancel.run({ input: { orderId: order.id, reason: cancelReason.trim() } }).then(done);
            }}
          >
            <label className="control" style={{ flex: 1, minWidth: 240 }}>
              <span>{t('parts.purchasing.decide.cancelReason')}</span>
              <input className="input" value={cancelReason} data-testid="cancel-plan-reason" onChange={(e) => setCancelReason(e.target.value)} />
            </label>
            <button type="submit" className="button button-danger" disabled={!cancelReason.trim() || cancel.pending} data-testid="cancel-plan">
              {t('parts.purchasing.decide.cancel')}
            </button>
          </form>
        )}
        <MutationError error={error} />
      </div>
    </section>
  );
}
