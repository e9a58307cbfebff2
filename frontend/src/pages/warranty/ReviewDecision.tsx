import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../api/useAction';
import { Money } from '../../components/Bits';
import { MutationError } from '../../components/Mutation';
import {
  ApproveWarrantyClaimDocument,
  PartiallyApproveWarrantyClaimDocument,
  RejectWarrantyClaimDocument,
  ReturnWarrantyClaimDocument,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import type { Submission } from './ReviewClaim';
import { ClaimStatusPill, sumAmounts } from './ReviewBits';
import './Review.css';

type Choice = 'approve' | 'partial' | 'reject' | 'return';
const CHOICES: Choice[] = ['approve', 'partial', 'reject', 'return'];

interface Cut {
  amount: string;
  reason: string;
}

/** The reviewer's answer: approve, approve line by line (amount and reason per cut line), reject, return. */
export function ReviewDecision({ item, onDecided }: { item: Submission; onDecided: () => void }) {
  const { t } = useTranslation();
  const local = useLocalized();
  const [choice, setChoice] = useState<Choice>('approve');
  const [reason, setReason] = useState('');
  const [cuts, setCuts] = useState<Record<string, Cut>>({});
  const [done, setDone] = useState<string | null>(null);
  const approve = useAction(ApproveWarrantyClaimDocument);
  const partial = useAction(PartiallyApproveWarrantyClaimDocument);
  const reject = useAction(RejectWarrantyClaimDocument);
  const giveBack = useAction(ReturnWarrantyClaimDocument);
  const action = { approve, partial, reject, return: giveBack }[choice];
  const pending = approve.pending || partial.pending || reject.pending || giveBack.pending;

  const amountOf = (lineId: string, requested: string) => cuts[lineId]?.amount ?? requested;
  const approvedTotal = sumAmounts(item.lines.map((l) => (choice === 'partial' ? amountOf(l.lineId, l.amount) : l.amount)));

  if (!item.canDecide) {
    return (
      <section className="panel" data-testid="review-decide-closed">
        <div className="panel-header">
          <h2>{t('warranty.review.decide.title')}</h2>
        </div>
        <p className="muted">
          {item.status === 'RECEIVED' ? t('warranty.review.decide.notYours') : t('warranty.review.decide.answered')}
        </p>
        {done && (
          <p className="alert alert-ok" role="status" data-testid="review-done">
            {done}
          </p>
        )}
      </section>
    );
  }

  const submit = async () => {
    const submissionId = item.id;
    let status: string | null = null;
    if (choice === 'approve') {
      status = (await approve.run({ input: { submissionId, reason } })).data?.approveWarrantyClaim.claim?.status ?? null;
    } else if (choice === 'partial') {
      const lines = item.lines.flatMap((l) => {
        const cut = cuts[l.lineId];
        return cut && Number(cut.amount) !== Number(l.amount)
          ? [{ lineId: l.lineId, approvedAmount: cut.amount, reason: cut.reason }]
          : [];
      });
      status =
        (await partial.run({ input: { submissionId, reason, lines } })).data?.partiallyApproveWarrantyClaim.claim?.status ??
        null;
    } else if (choice === 'reject') {
      status = (await reject.run({ input: { submissionId, reason } })).data?.rejectWarrantyClaim.claim?.status ?? null;
    } else {
      status = (await giveBack.run({ input: { submissionId, reason } })).data?.returnWarrantyClaim.claim?.status ?? null;
    }
    if (status) {
      setDone(t('warranty.review.decide.done', { status: t(`warranty.review.claimStatus.${status as 'approved'}`) }));
      onDecided();
    }
  };

  const reasonLabel =
    choice === 'reject'
      ? t('warranty.review.decide.reasonReject')
      : choice === 'return'
        ? t('warranty.review.decide.reasonReturn')
        : choice === 'partial'
          ? t('warranty.review.decide.reasonPartial')
          : t('warranty.review.decide.reasonOptional');

  return (
    <section className="panel" aria-labelledby="review-decide" data-testid="review-decide">
      <div className="panel-header">
        <h2 id="review-decide">{t('warranty.review.decide.title')}</h2>
        {item.claim && <ClaimStatusPill status={item.claim.status} />}
      </div>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <fieldset className="review-choices">
          <legend className="muted">{t('warranty.review.decide.choose')}</legend>
          {CHOICES.map((c) => (
            <label key={c}>
              <input
                type="radio"
                name="decision"
                value={c}
                checked={choice === c}
                data-testid={`review-choice-${c}`}
                onChange={() => setChoice(c)}
              />
              {t(`warranty.review.decide.${c}`)}
            </label>
          ))}
        </fieldset>
        {choice === 'partial' && (
          <div data-testid="review-cuts">
            <p className="hint">{t('warranty.review.decide.partialHint')}</p>
            {item.lines.map((line) => {
              const cut = cuts[line.lineId];
              const amount = amountOf(line.lineId, line.amount);
              const reduced = Number(amount) !== Number(line.amount);
              const label = `${line.itemCode} ${local(line.itemName, line.itemNameZh) || line.description}`;
              return (
                <div className="review-cut" key={line.lineId} data-testid="review-cut">
                  <span>
                    {label}{' '}
                    <span className="hint">
                      <Money amount={line.amount} />
                    </span>
                  </span>
                  <input
                    className="input input-num"
                    type="number"
                    min="0"
                    max={line.amount}
                    step="0.01"
                    inputMode="decimal"
                    aria-label={`${t('warranty.review.detail.approvedAmount')}: ${label}`}
                    value={amount}
                    data-testid="review-cut-amount"
                    onChange={(e) =>
                      setCuts((all) => ({ ...all, [line.lineId]: { amount: e.target.value, reason: cut?.reason ?? '' } }))
                    }
                  />
                  {reduced && (
                    <input
                      className="input review-cut-reason"
                      aria-label={`${t('warranty.review.detail.lineReason')}: ${label}`}
                      placeholder={t('warranty.review.detail.lineReason')}
                      value={cut?.reason ?? ''}
                      required
                      data-testid="review-cut-reason"
                      onChange={(e) => setCuts((all) => ({ ...all, [line.lineId]: { amount, reason: e.target.value } }))}
                    />
                  )}
                </div>
              );
            })}
          </div>
        )}
        {(choice === 'approve' || choice === 'partial') && (
          <p data-testid="review-approved-total">
            {t('warranty.review.decide.approvedTotal', {
              amount: approvedTotal,
              requested: item.claim?.requestedAmount ?? '',
            })}
          </p>
        )}
        <label className="field" style={{ display: 'grid', gap: 4 }}>
          <span>{reasonLabel}</span>
          <textarea
            className="textarea"
            rows={3}
            value={reason}
            required={choice !== 'approve'}
            data-testid="review-reason"
            onChange={(e) => setReason(e.target.value)}
          />
        </label>
        <MutationError error={action.error} />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={pending} data-testid="review-submit">
            {t('warranty.review.decide.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
