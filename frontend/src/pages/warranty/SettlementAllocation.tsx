import { useMemo, useState, type FormEvent } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { Money } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import {
  AllocateWarrantyPaymentDocument,
  SettlementChargeBackCandidatesDocument,
  SettlementPaymentDetailDocument,
  type AllocationKind,
  type AllocationLineInput,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { InspectionResultText } from './OldPartBits';

const LINE = /^(-\s*)?(\S+)(?:\s+([0-9]+(?:\.[0-9]{1,2})?))?$/;

/** Remittance text, one claim per line: "WC-1 950", "WC-2" (its outstanding), "- WC-3 200" (a charge-back). */
export function parseRemittance(text: string): { lines: AllocationLineInput[]; badLine: number | null } {
  const lines: AllocationLineInput[] = [];
  const rows = text.split('\n');
  for (let i = 0; i < rows.length; i += 1) {
    const row = (rows[i] ?? '').trim();
    if (!row) continue;
    const match = LINE.exec(row);
    if (!match) return { lines, badLine: i + 1 };
    const [, minus, claimNumber, amount] = match;
    if ((minus && !amount) || !claimNumber) return { lines, badLine: i + 1 };
    lines.push({ claimNumber, amount: amount ?? null, kind: minus ? 'CHARGE_BACK' : 'PAYMENT' });
  }
  return { lines, badLine: null };
}

/** One payment: its allocations, and (for the claims specialist) allocating the remittance. */
export function SettlementAllocation({ paymentId, onChanged }: { paymentId: string; onChanged: () => void }) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const local = useLocalized();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: SettlementPaymentDetailDocument,
    variables: { id: paymentId },
    requestPolicy: 'cache-and-network',
  });
  const mayAllocate = can(viewer, 'warranty_claim', 'submit');
  const [{ data: candidateData }, refetchCandidates] = useQuery({
    query: SettlementChargeBackCandidatesDocument,
    pause: !mayAllocate,
    requestPolicy: 'cache-and-network',
  });
  const allocate = useAction(AllocateWarrantyPaymentDocument);
  const [text, setText] = useState('');
  const [chargeBacks, setChargeBacks] = useState<string[]>([]);
  const [paidCount, setPaidCount] = useState<number | null>(null);
  const parsed = useMemo(() => parseRemittance(text), [text]);
  const payment = data?.node && 'allocations' in data.node ? data.node : null;
  const candidates = candidateData?.warrantyChargeBackCandidates ?? [];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (parsed.badLine !== null) return;
    const lines: AllocationLineInput[] = [
      ...parsed.lines,
      ...candidates
        .filter((c) => chargeBacks.includes(c.oldPartId))
        .map((c) => ({ claimId: c.claimId, kind: 'CHARGE_BACK' as AllocationKind, oldPartId: c.oldPartId, note: c.note })),
    ];
    const result = await allocate.run({ input: { paymentId, lines } });
    if (result.data) {
      setPaidCount(result.data.allocateWarrantyPayment.paidClaimIds.length);
      setText('');
      setChargeBacks([]);
      refetch({ requestPolicy: 'network-only' });
      refetchCandidates({ requestPolicy: 'network-only' });
      onChanged();
    }
  };

  if (error) return <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <Loading />;
  if (!payment) return null;
  const total = parsed.lines.length + chargeBacks.length;

  return (
    <section className="panel" data-testid="payment-detail" data-reference={payment.reference}>
      <div className="panel-header">
        <h2 className="mono">{payment.reference}</h2>
        <span>
          <Money amount={payment.amount} /> · {t('warranty.settlement.payments.unallocated')}{' '}
          <strong data-testid="payment-detail-unallocated">
            <Money amount={payment.unallocated} />
          </strong>
        </span>
      </div>
      <h3>{t('warranty.settlement.allocation.heading')}</h3>
      {payment.allocations.length === 0 ? (
        <p className="empty">{t('warranty.settlement.allocation.none')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('warranty.settlement.allocation.claim')}</th>
              <th scope="col">{t('warranty.settlement.allocation.kind')}</th>
              <th scope="col">{t('warranty.settlement.allocation.part')}</th>
              <th scope="col" className="amount">
                {t('warranty.settlement.allocation.amount')}
              </th>
            </tr>
          </thead>
          <tbody>
            {payment.allocations.map((a) => (
              <tr key={a.id} data-testid="allocation-row" data-claim-number={a.claimNumber}>
                <td className="mono">{a.claimNumber}</td>
                <td>{t(`warranty.settlement.kind.${a.kind.toLowerCase() as 'payment' | 'charge_back'}`)}</td>
                <td className="mono">{a.oldPartTag ?? ''}</td>
                <td className="amount">
                  <Money amount={a.amount} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {mayAllocate && (
        <form onSubmit={(e) => void submit(e)} data-testid="allocation-form">
          {paidCount !== null && (
            <div className="alert alert-ok" role="status" data-testid="allocation-done">
              {paidCount > 0 ? t('warranty.settlement.allocation.paidClaims', { count: paidCount }) : t('warranty.settlement.allocation.allocated')}
            </div>
          )}
          <MutationError error={allocate.error} />
          <label className="control">
            <span>{t('warranty.settlement.allocation.remittance')}</span>
            <textarea
              className="textarea mono"
              rows={5}
              value={text}
              aria-describedby="remittance-hint"
              data-testid="allocation-lines"
              onChange={(e) => {
                setText(e.target.value);
                setPaidCount(null);
              }}
            />
          </label>
          <p id="remittance-hint" className="hint">
            {t('warranty.settlement.allocation.remittanceHint')}
          </p>
          {parsed.badLine !== null && (
            <p className="field-error" role="alert">
              {t('warranty.settlement.allocation.badLine', { line: parsed.badLine })}
            </p>
          )}
          <h3>{t('warranty.settlement.allocation.candidates')}</h3>
          <p className="hint">{t('warranty.settlement.allocation.candidatesIntro')}</p>
          {candidates.length === 0 ? (
            <p className="empty">{t('warranty.settlement.allocation.noCandidates')}</p>
          ) : (
            <ul className="checklist">
              {candidates.map((c) => (
                <li key={c.oldPartId}>
                  <label>
                    <input
                      type="checkbox"
                      checked={chargeBacks.includes(c.oldPartId)}
                      data-testid="charge-back-candidate"
                      data-tag={c.tag}
                      onChange={(e) => setChargeBacks((x) => (e.target.checked ? [...x, c.oldPartId] : x.filter((y) => y !== c.oldPartId)))}
                    />{' '}
                    <span className="mono">{c.claimNumber}</span> <span className="mono">{c.tag}</span> {local(c.partName, c.partNameZh)}{' '}
                    <InspectionResultText result={c.result} /> <span className="muted">{c.note}</span> ·{' '}
                    {t('warranty.settlement.allocation.suggested')} <Money amount={c.suggestedAmount} />
                  </label>
                </li>
              ))}
            </ul>
          )}
          <div className="form-actions">
            <span className="hint">{t('warranty.settlement.allocation.parsed', { count: total })}</span>
            <button
              type="submit"
              className="button button-primary"
              disabled={total === 0 || parsed.badLine !== null || allocate.pending}
              data-testid="allocation-submit"
            >
              {t('warranty.settlement.allocation.allocate')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
