import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { Money, When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import {
  RecordDamageClaimDocument,
  RejectDamageClaimDocument,
  SettleDamageClaimDocument,
  TransportDamageClaimsDocument,
  type DamageClaimAgainst,
  type DamageClaimFieldsFragment,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { ClaimStatusPill, qty } from './PurchaseBits';

/** 运输损坏索赔: claims for parts refused as damaged in transport; settle or record a refusal. */
export function ReceivingDamageClaims() {
  const { t } = useTranslation();
  const local = useLocalized();
  const viewer = useViewer();
  const [openOnly, setOpenOnly] = useState(true);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: TransportDamageClaimsDocument,
    variables: { status: openOnly ? ['OPEN'] : null },
    requestPolicy: 'cache-and-network',
  });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const claims = (data?.transportDamageClaims.edges ?? []).map((e) => e.node);
  const decides = can(viewer, 'purchase_order', 'create');

  return (
    <div className="page page-wide" data-testid="page-damage-claims">
      <PageHeader
        title={t('parts.purchasing.claims.title')}
        intro={t('parts.purchasing.claims.intro')}
        actions={
          <Link className="button button-secondary" to="/parts/receiving">
            {t('parts.purchasing.receipt.back')}
          </Link>
        }
      />
      <section className="panel">
        <div className="panel-header">
          <label className="inline-list" style={{ alignItems: 'center' }}>
            <input type="checkbox" checked={openOnly} onChange={(e) => setOpenOnly(e.target.checked)} /> {t('parts.purchasing.claims.openOnly')}
          </label>
        </div>
        {error ? (
          <ErrorPanel error={error} onRetry={reload} />
        ) : fetching && !data ? (
          <Loading />
        ) : claims.length === 0 ? (
          <p className="empty">{t('parts.purchasing.claims.none')}</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('parts.purchasing.claims.receipt')}</th>
                <th scope="col">{t('parts.purchasing.claims.part')}</th>
                <th scope="col">{t('parts.purchasing.claims.against')}</th>
                <th scope="col" className="num">{t('parts.purchasing.claims.quantity')}</th>
                <th scope="col" className="num">{t('parts.purchasing.claims.amount')}</th>
                <th scope="col">{t('parts.purchasing.claims.description')}</th>
                <th scope="col">{t('parts.purchasing.claims.status')}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {claims.map((c) => (
                <tr key={c.id} data-testid="damage-claim" data-status={c.status.toLowerCase()}>
                  <td>
                    {c.receiptLine?.receipt && (
                      <Link className="mono" to={`/parts/receiving/${c.receiptLine.receipt.id}`}>
                        {c.receiptLine.receipt.number}
                      </Link>
                    )}
                    <div className="hint">
                      <When at={c.createdAt} />
                    </div>
                  </td>
                  <td>
                    <span className="mono">{c.receiptLine?.part?.partNumber}</span>{' '}
                    {c.receiptLine?.part && local(c.receiptLine.part.name, c.receiptLine.part.nameZh)}
                  </td>
                  <td>
                    {t(`parts.purchasing.against.${c.against.toLowerCase()}` as 'parts.purchasing.against.carrier')}
                    <div>{c.party}</div>
                  </td>
                  <td className="num">{qty(c.quantity)}</td>
                  <td className="num">
                    <Money amount={c.amount} />
                    {c.settledAmount != null && (
                      <div className="hint">
                        {t('parts.purchasing.claims.settled')}: <Money amount={c.settledAmount} />
                      </div>
                    )}
                  </td>
                  <td>
                    {c.description}
                    {c.decisionNote && <div className="hint">{c.decisionNote}</div>}
                  </td>
                  <td>
                    <ClaimStatusPill value={c.status} />
                  </td>
                  <td>{decides && c.status === 'OPEN' && <Decide claim={c} onDone={reload} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

function Decide({ claim, onDone }: { claim: DamageClaimFieldsFragment; onDone: () => void }) {
  const { t } = useTranslation();
  const settle = useAction(SettleDamageClaimDocument);
  const reject = useAction(RejectDamageClaimDocument);
  const [amount, setAmount] = useState(claim.amount);
  const [reason, setReason] = useState('');
  return (
    <div className="decision-box">
      <form
        className="inline-list"
        onSubmit={(e) => {
          e.preventDefault();
          void settle.run({ input: { claimId: claim.id, amount: amount.trim() } }).then((r) => r.data && onDone());
        }}
      >
        <input
          className="input input-small input-num"
          style={{ width: 100 }}
          inputMode="decimal"
          aria-label={t('parts.purchasing.claims.settleAmount')}
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
        />
        <button type="submit" className="button button-ok button-small" disabled={settle.pending || amount.trim() === ''} data-testid="settle-claim">
          {t('parts.purchasing.claims.settle')}
        </button>
      </form>
      <form
        className="inline-list"
        onSubmit={(e) => {
          e.preventDefault();
          void reject.run({ input: { claimId: claim.id, reason: reason.trim() } }).then((r) => r.data && onDone());
        }}
      >
        <input
          className="input input-small"
          style={{ width: 160 }}
          placeholder={t('parts.purchasing.claims.rejectReason')}
          aria-label={t('parts.purchasing.claims.rejectReason')}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
        <button type="submit" className="button button-danger button-small" disabled={reject.pending || !reason.trim()}>
          {t('parts.purchasing.claims.reject')}
        </button>
      </form>
      <MutationError error={settle.error ?? reject.error} />
    </div>
  );
}

/** A claim for a damaged line's parts: against the insurer or the carrier. */
export function ReceivingClaimForm({
  lineId,
  claimable,
  unitCost,
  onDone,
}: {
  lineId: string;
  claimable: string;
  unitCost: string;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const record = useAction(RecordDamageClaimDocument);
  const [against, setAgainst] = useState<DamageClaimAgainst>('CARRIER');
  const [party, setParty] = useState('');
  const [quantity, setQuantity] = useState(qty(claimable));
  const [amount, setAmount] = useState((Number(claimable) * Number(unitCost)).toFixed(2));
  const [description, setDescription] = useState('');
  const valid = party.trim() && description.trim() && Number(quantity) > 0 && Number(amount) >= 0;
  return (
    <form
      className="form-grid"
      data-testid="claim-form"
      onSubmit={(e) => {
        e.preventDefault();
        void record
          .run({ input: { receiptLineId: lineId, against, party: party.trim(), quantity, amount, description: description.trim() } })
          .then((r) => r.data && onDone());
      }}
    >
      <label className="control">
        <span>{t('parts.purchasing.receipt.claimAgainst')}</span>
        <select className="select" value={against} onChange={(e) => setAgainst(e.target.value as DamageClaimAgainst)}>
          <option value="CARRIER">{t('parts.purchasing.against.carrier')}</option>
          <option value="INSURER">{t('parts.purchasing.against.insurer')}</option>
        </select>
      </label>
      <label className="control">
        <span>{t('parts.purchasing.receipt.claimParty')}</span>
        <input className="input" required value={party} data-testid="claim-party" onChange={(e) => setParty(e.target.value)} />
      </label>
      <label className="control">
        <span>{t('parts.purchasing.receipt.claimQuantity')}</span>
        <input className="input input-num" inputMode="decimal" value={quantity} onChange={(e) => setQuantity(e.target.value)} />
      </label>
      <label className="control">
        <span>{t('parts.purchasing.receipt.claimAmount')}</span>
        <input className="input input-num" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
      </label>
      <label className="control span-2">
        <span>{t('parts.purchasing.receipt.claimDescription')}</span>
        <input className="input" required value={description} data-testid="claim-description" onChange={(e) => setDescription(e.target.value)} />
      </label>
      <div className="form-actions span-2">
        <button type="submit" className="button button-primary" disabled={!valid || record.pending} data-testid="record-claim">
          {t('parts.purchasing.receipt.claimSubmit')}
        </button>
      </div>
      <MutationError error={record.error} />
    </form>
  );
}
