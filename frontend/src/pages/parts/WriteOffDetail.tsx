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
  CancelWriteOffDocument,
  DisposeWriteOffDocument,
  SignWriteOffDocument,
  WriteOffDocument,
  type LossParty,
  type WriteOffCapacity,
  type WriteOffFieldsFragment,
  type WriteOffReason,
} from '../../gql/graphql';
import { formatDateTime, useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { qty, WriteOffStatusPill } from './CountBits';
import './WriteOffs.css';

type WriteOff = WriteOffFieldsFragment;

const capacityKey = (c: WriteOffCapacity) => `parts.writeOffs.capacities.${c.toLowerCase() as Lowercase<WriteOffCapacity>}` as const;

/** 报损单: the request, the three signatures (who is missing, who may sign), the loss split, disposal. */
export function WriteOffDetail() {
  const { t } = useTranslation();
  const local = useLocalized();
  const { id = '' } = useParams();
  const [{ data, error, fetching }, refetch] = useQuery({ query: WriteOffDocument, variables: { id } });
  const reload = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);
  const writeOff = data?.node?.__typename === 'WriteOff' ? (data.node as WriteOff) : null;

  if (error) return <ErrorPanel error={error} onRetry={reload} />;
  if (fetching && !data) return <Loading />;
  if (!writeOff) {
    return (
      <div className="page">
        <p className="empty" data-testid="not-found">
          {t('errors.NOT_FOUND')}
        </p>
      </div>
    );
  }
  return (
    <div
      className="page page-wide"
      data-testid="page-write-off"
      data-number={writeOff.number}
      data-status={writeOff.status.toLowerCase()}
    >
      <PageHeader
        title={`${t('parts.writeOffs.number')} ${writeOff.number}`}
        actions={
          <>
            <WriteOffStatusPill status={writeOff.status} testId="write-off-status" />
            <Link className="button button-secondary" to="/parts/write-offs">
              {t('common.back')}
            </Link>
          </>
        }
      />
      <section className="panel">
        <dl className="kv">
          <div>
            <dt>{t('parts.writeOffs.part')}</dt>
            <dd>
              <span className="mono">{writeOff.part.partNumber}</span> {local(writeOff.part.name, writeOff.part.nameZh)}
              <div className="muted">
                {t('parts.writeOffs.detail.bin')}: <span className="mono">{writeOff.binLocation || '—'}</span>
              </div>
            </dd>
          </div>
          <div>
            <dt>{t('parts.writeOffs.quantity')}</dt>
            <dd>
              {qty(writeOff.quantity)} {writeOff.part.unit}
            </dd>
          </div>
          <div>
            <dt>{t('parts.writeOffs.reason')}</dt>
            <dd>{t(`parts.writeOffs.reasons.${writeOff.reason.toLowerCase() as Lowercase<WriteOffReason>}`)}</dd>
          </div>
          <div>
            <dt>{t('parts.writeOffs.detail.unitCost')}</dt>
            <dd>
              <Money amount={writeOff.unitCost} />
              {writeOff.lossAmount == null && <div className="muted">{t('parts.writeOffs.detail.estimate')}</div>}
            </dd>
          </div>
          <div>
            <dt>{writeOff.lossAmount != null ? t('parts.writeOffs.detail.loss') : t('parts.writeOffs.value')}</dt>
            <dd data-testid="write-off-value">
              <Money amount={writeOff.value} />
            </dd>
          </div>
          <div>
            <dt>{t('parts.writeOffs.detail.requestedBy')}</dt>
            <dd>
              {writeOff.requestedBy?.displayName}
              <div className="muted">
                <When at={writeOff.requestedAt} />
              </div>
            </dd>
          </div>
          <div>
            <dt>{t('parts.writeOffs.detail.keeper')}</dt>
            <dd>{writeOff.warehouseKeeper?.displayName}</dd>
          </div>
          <div style={{ gridColumn: 'span 2' }}>
            <dt>{t('parts.writeOffs.detail.description')}</dt>
            <dd style={{ fontWeight: 400 }}>{writeOff.description}</dd>
          </div>
          <div style={{ gridColumn: 'span 2' }}>
            <dt>&nbsp;</dt>
            <dd className="muted">✓ {t('parts.writeOffs.detail.attestation')}</dd>
          </div>
        </dl>
      </section>
      <Signatures writeOff={writeOff} reload={reload} />
      <LossSplit writeOff={writeOff} />
      <Disposal writeOff={writeOff} reload={reload} />
    </div>
  );
}

function Signatures({ writeOff, reload }: { writeOff: WriteOff; reload: () => void }) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const [note, setNote] = useState('');
  const sign = useAction(SignWriteOffDocument);
  const cancel = useAction(CancelWriteOffDocument);
  const requested = writeOff.status === 'REQUESTED';
  const run = (capacity: WriteOffCapacity, approve: boolean) =>
    void sign.run({ input: { writeOffId: writeOff.id, capacity, approve, note: note.trim() } }).then((r) => {
      if (r.data) {
        setNote('');
        reload();
      }
    });

  return (
    <section className="panel" aria-labelledby="signatures-heading" data-testid="write-off-signatures">
      <div className="panel-header">
        <h2 id="signatures-heading">{t('parts.writeOffs.detail.signatures')}</h2>
        {requested && writeOff.missingCapacities.length > 0 && (
          <span className="muted" data-testid="write-off-missing">
            {t('parts.writeOffs.missing')}: {writeOff.missingCapacities.map((c) => t(capacityKey(c))).join(', ')}
          </span>
        )}
      </div>
      <MutationError error={sign.error ?? cancel.error} />
      <table className="table signature-table">
        <thead>
          <tr>
            <th scope="col">{t('parts.writeOffs.detail.capacity')}</th>
            <th scope="col">{t('parts.writeOffs.detail.signedBy')}</th>
            <th scope="col">{t('parts.counts.note')}</th>
          </tr>
        </thead>
        <tbody>
          {writeOff.signing.map((s) => (
            <tr key={s.capacity} data-testid="signature-row" data-capacity={s.capacity.toLowerCase()} data-signed={s.signature ? s.signature.decision.toLowerCase() : ''}>
              <th scope="row">{t(capacityKey(s.capacity))}</th>
              <td>
                {s.signature ? (
                  <>
                    <span className={`status status-${s.signature.decision === 'APPROVED' ? 'approved' : 'declined'}`}>
                      {s.signature.decision === 'APPROVED'
                        ? t('parts.writeOffs.detail.approved', { name: s.signature.signer?.displayName ?? '' })
                        : t('parts.writeOffs.detail.refused', { name: s.signature.signer?.displayName ?? '' })}
                    </span>{' '}
                    <When at={s.signature.signedAt} />
                  </>
                ) : requested ? (
                  <>
                    <span className="muted">{t('parts.writeOffs.detail.notSigned')}</span>
                    <div className="eligible" data-testid="signature-eligible">
                      {s.eligible.length
                        ? t('parts.writeOffs.detail.maySign', { names: s.eligible.map((p) => p.displayName).join(', ') })
                        : t('parts.writeOffs.detail.nobody')}
                    </div>
                  </>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td>{s.signature?.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {requested && writeOff.viewerCapacities.length > 0 && (
        <div className="form-grid" data-testid="sign-form">
          <label className="control span-all">
            <span>{t('parts.writeOffs.detail.note')}</span>
            <textarea className="textarea" value={note} onChange={(e) => setNote(e.target.value)} data-testid="sign-note" />
          </label>
          <div className="form-actions span-all">
            {writeOff.viewerCapacities.map((capacity) => (
              <span key={capacity} className="inline-list">
                <button
                  type="button"
                  className="button button-ok"
                  disabled={sign.pending}
                  data-testid={`sign-approve-${capacity.toLowerCase()}`}
                  onClick={() => run(capacity, true)}
                >
                  {t('parts.writeOffs.detail.approveAs', { capacity: t(capacityKey(capacity)) })}
                </button>
                <button
                  type="button"
                  className="button button-danger"
                  disabled={sign.pending || !note.trim()}
                  data-testid={`sign-refuse-${capacity.toLowerCase()}`}
                  onClick={() => run(capacity, false)}
                >
                  {t('parts.writeOffs.detail.refuseAs', { capacity: t(capacityKey(capacity)) })}
                </button>
              </span>
            ))}
          </div>
        </div>
      )}
      {requested && can(viewer, 'parts_write_off', 'request') && (
        <div className="form-actions">
          <button
            type="button"
            className="button button-secondary"
            disabled={cancel.pending}
            data-testid="withdraw-write-off"
            onClick={() => {
              if (!window.confirm(t('parts.writeOffs.detail.withdrawConfirm'))) return;
              void cancel.run({ input: { writeOffId: writeOff.id, note: '' } }).then((r) => r.data && reload());
            }}
          >
            {t('parts.writeOffs.detail.withdraw')}
          </button>
        </div>
      )}
    </section>
  );
}

function LossSplit({ writeOff }: { writeOff: WriteOff }) {
  const { t } = useTranslation();
  if (writeOff.lossShares.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="loss-heading" data-testid="loss-split">
      <div className="panel-header">
        <h2 id="loss-heading">{t('parts.writeOffs.detail.lossSplit')}</h2>
      </div>
      <p className="hint">{t('parts.writeOffs.detail.lossSplitHelp')}</p>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t('parts.writeOffs.detail.party')}</th>
            <th scope="col">{t('parts.writeOffs.detail.person')}</th>
            <th scope="col" className="num">{t('parts.writeOffs.detail.share')}</th>
            <th scope="col" className="num">{t('parts.writeOffs.detail.amount')}</th>
          </tr>
        </thead>
        <tbody>
          {writeOff.lossShares.map((s) => (
            <tr key={s.party} data-testid="loss-share" data-party={s.party.toLowerCase()} data-amount={s.amount}>
              <th scope="row">{t(`parts.writeOffs.parties.${s.party.toLowerCase() as Lowercase<LossParty>}`)}</th>
              <td>{s.person?.displayName ?? '—'}</td>
              <td className="num">{Math.round(Number(s.share) * 100)}%</td>
              <td className="num">
                <Money amount={s.amount} />
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={3}>
              {t('common.total')}
            </th>
            <td className="num">
              <Money amount={writeOff.lossAmount} />
            </td>
          </tr>
        </tfoot>
      </table>
    </section>
  );
}

function Disposal({ writeOff, reload }: { writeOff: WriteOff; reload: () => void }) {
  const { t, i18n } = useTranslation();
  const viewer = useViewer();
  const [note, setNote] = useState('');
  const dispose = useAction(DisposeWriteOffDocument);
  if (writeOff.status === 'DISPOSED') {
    return (
      <section className="panel" data-testid="write-off-disposed">
        <div className="panel-header">
          <h2>{t('parts.writeOffs.detail.disposal')}</h2>
        </div>
        <p>
          {t('parts.writeOffs.detail.disposed', { name: writeOff.disposedBy?.displayName ?? '' })} <When at={writeOff.disposedAt} />
        </p>
        <p className="muted">{writeOff.disposalNote}</p>
      </section>
    );
  }
  if (writeOff.status !== 'APPROVED') return null;
  const zone = viewer.currentDealer?.timeZone ?? undefined;
  const due = writeOff.disposableFrom;
  const early = due != null && new Date(due).getTime() > Date.now();
  return (
    <section className="panel" aria-labelledby="disposal-heading" data-testid="write-off-disposal">
      <div className="panel-header">
        <h2 id="disposal-heading">{t('parts.writeOffs.detail.disposal')}</h2>
      </div>
      {due && (
        <p className={early ? 'alert alert-info' : 'hint'}>
          {t('parts.writeOffs.detail.storedUntil', { date: formatDateTime(due, i18n.language, zone) })}
        </p>
      )}
      <MutationError error={dispose.error} />
      {can(viewer, 'parts_write_off', 'request') && (
        <form
          className="form-grid"
          onSubmit={(e) => {
            e.preventDefault();
            void dispose.run({ input: { writeOffId: writeOff.id, note: note.trim() } }).then((r) => r.data && reload());
          }}
        >
          <label className="control span-all">
            <span>{t('parts.writeOffs.detail.disposalNote')}</span>
            <input className="input" value={note} onChange={(e) => setNote(e.target.value)} data-testid="disposal-note" />
          </label>
          <div className="form-actions span-all">
            <button
              type="submit"
              className="button button-primary"
              disabled={dispose.pending || early || !note.trim()}
              data-testid="dispose-write-off"
            >
              {t('parts.writeOffs.detail.dispose')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
