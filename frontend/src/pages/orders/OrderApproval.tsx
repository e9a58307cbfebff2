import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { CopyButton, Money, StatusPill, When } from '../../components/Bits';
import { MutationError } from '../../components/Mutation';
import { SignaturePad } from '../../components/SignaturePad';
import { dealerLocalToIso, isoToDealerLocal } from '../../dates';
import {
  ApproveQuotationAsSupervisorDocument,
  ApproveQuotationBySignatureDocument,
  CreateApprovalLinkDocument,
  DeclineQuotationDocument,
  SendQuotationDocument,
} from '../../gql/graphql';
import { useViewer } from '../../session';
import type { Order, SectionProps } from './RepairOrderPage';

/** Send the quotation, the supervisor's approval above the limit, the customer's decision. */
export function OrderApproval({ order, reload }: SectionProps) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const zone = viewer.currentDealer?.timeZone;
  const status = order.status.toLowerCase();
  const proposed = order.lines.filter((l) => l.status === 'PROPOSED');
  const pending = order.pendingRevision;
  const [promised, setPromised] = useState(() => (order.promisedAt ? isoToDealerLocal(order.promisedAt, zone) : ''));
  const [signature, setSignature] = useState<string | null>(null);
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);
  const send = useAction(SendQuotationDocument);
  const supervisor = useAction(ApproveQuotationAsSupervisorDocument);
  const approve = useAction(ApproveQuotationBySignatureDocument);
  const decline = useAction(DeclineQuotationDocument);
  const createLink = useAction(CreateApprovalLinkDocument);
  const mayQuote = can(viewer, 'quotation', 'create');
  const canSend = mayQuote && !pending && proposed.length > 0 && ['open', 'approved', 'in_progress'].includes(status);
  const error = send.error ?? supervisor.error ?? approve.error ?? decline.error ?? createLink.error;
  const waitingForSupervisor = !!pending && pending.requiresSupervisor && !pending.supervisorApprovedAt;

  if (!canSend && !pending) return null;

  return (
    <section className="panel" aria-labelledby="approval-heading" data-testid="order-approval">
      <div className="panel-header">
        <h2 id="approval-heading">{t('order.approval')}</h2>
      </div>
      <MutationError error={error} />
      {canSend && (
        <form
          className="form-grid"
          data-testid="send-quotation-form"
          onSubmit={(e) => {
            e.preventDefault();
            void send
              .run({ input: { orderId: order.id, promisedAt: promised ? dealerLocalToIso(promised, zone) : null } })
              .then((r) => r.data && reload());
          }}
        >
          <label className="control">
            <span>{status === 'open' ? t('order.promisedAt') : t('order.newPromised')}</span>
            <input
              type="datetime-local"
              className="input"
              value={promised}
              data-testid="promised-input"
              onChange={(e) => setPromised(e.target.value)}
            />
          </label>
          <div className="control" style={{ justifyContent: 'flex-end' }}>
            <button type="submit" className="button button-primary" disabled={send.pending} data-testid="send-quotation">
              {send.pending ? t('order.sending') : t('order.sendQuotation')}
            </button>
          </div>
        </form>
      )}
      {pending && (
        <div data-testid="pending-revision" data-revision={pending.revision} data-requires-supervisor={pending.requiresSupervisor}>
          <p>
            <strong>{t('order.revisionRow', { revision: pending.revision })}</strong> · {t('order.customerPays')}{' '}
            <strong data-testid="pending-customer-total">
              <Money amount={pending.customerTotal} />
            </strong>{' '}
            ({t('common.total')} <Money amount={pending.total} />)
            {pending.promisedAt && (
              <>
                {' '}
                · {t('order.promisedAt')} <When at={pending.promisedAt} />
              </>
            )}
          </p>
          {pending.requiresSupervisor && (
            <div className={`alert ${waitingForSupervisor ? 'alert-warn' : 'alert-ok'}`} data-testid="supervisor-status">
              {waitingForSupervisor ? (
                <>
                  <span>{t('order.needsSupervisor')}</span>
                  {can(viewer, 'quotation', 'approve') && (
                    <button
                      type="button"
                      className="button button-primary"
                      disabled={supervisor.pending}
                      data-testid="supervisor-approve"
                      onClick={() => void supervisor.run({ revisionId: pending.id }).then((r) => r.data && reload())}
                    >
                      {t('order.supervisorApprove')}
                    </button>
                  )}
                </>
              ) : (
                <span>{t('order.supervisorApproved', { name: pending.supervisor?.displayName ?? '' })}</span>
              )}
            </div>
          )}
          {!waitingForSupervisor && mayQuote && (
            <div className="split">
              <div>
                <h3>{t('order.signHere')}</h3>
                <p className="hint">{t('order.approvalIntro')}</p>
                <SignaturePad testId="approval-signature" onChange={setSignature} />
                <div className="form-actions">
                  <button
                    type="button"
                    className="button button-ok"
                    disabled={!signature || approve.pending}
                    data-testid="approve-by-signature"
                    onClick={() =>
                      signature && void approve.run({ revisionId: pending.id, signature }).then((r) => r.data && reload())
                    }
                  >
                    {t('order.approveBySignature')}
                  </button>
                  <button
                    type="button"
                    className="button button-danger"
                    disabled={decline.pending}
                    data-testid="decline-quotation"
                    onClick={() => void decline.run({ revisionId: pending.id, signature }).then((r) => r.data && reload())}
                  >
                    {t('order.declineQuotation')}
                  </button>
                </div>
              </div>
              <div>
                <h3>{t('order.createLink')}</h3>
                {link ? (
                  <>
                    <p className="hint">{t('order.linkIntro', { until: new Date(link.expiresAt).toLocaleString() })}</p>
                    <div className="link-box">
                      <input className="input" readOnly value={link.url} data-testid="approval-link" onFocus={(e) => e.target.select()} />
                      <CopyButton text={link.url} testId="copy-approval-link" />
                    </div>
                  </>
                ) : (
                  <button
                    type="button"
                    className="button button-secondary"
                    disabled={createLink.pending}
                    data-testid="create-approval-link"
                    onClick={() =>
                      void createLink.run({ revisionId: pending.id }).then((r) => {
                        if (r.data) {
                          const made = r.data.createApprovalLink;
                          setLink({ url: new URL(made.path, window.location.origin).toString(), expiresAt: made.expiresAt });
                        }
                      })
                    }
                  >
                    {t('order.createLink')}
                  </button>
                )}
              </div>
            </div>
          )}
        </div>
      )}
    </section>
  );
}

/** Every revision sent: nothing approved is changed silently, a change is a new revision. */
export function RevisionHistory({ order }: { order: Order }) {
  const { t } = useTranslation();
  if (order.revisions.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="revisions-heading" data-testid="revisions">
      <div className="panel-header">
        <h2 id="revisions-heading">{t('order.revisions')}</h2>
      </div>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t('order.lineStatus')}</th>
            <th scope="col" className="num">{t('common.total')}</th>
            <th scope="col" className="num">{t('order.customerPays')}</th>
            <th scope="col">{t('order.promisedAt')}</th>
            <th scope="col">{t('order.approval')}</th>
            <th scope="col">{t('orders.opened')}</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {[...order.revisions].reverse().map((r) => (
            <RevisionRow key={r.id} revision={r} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function RevisionRow({ revision: r }: { revision: Order['revisions'][number] }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <tr data-testid="revision-row" data-revision={r.revision} data-status={r.status.toLowerCase()}>
        <td>{r.revision}</td>
        <td>
          <StatusPill family="revision" value={r.status} />
        </td>
        <td className="num">
          <Money amount={r.total} />
        </td>
        <td className="num">
          <Money amount={r.customerTotal} />
        </td>
        <td>
          <When at={r.promisedAt} />
        </td>
        <td>
          {r.approvalMethod ? t(`order.method.${r.approvalMethod.toLowerCase()}` as 'order.method.signature') : '—'}
          {r.decidedAt && (
            <div className="hint">
              <When at={r.decidedAt} />
            </div>
          )}
        </td>
        <td>
          <When at={r.createdAt} />
          {r.preparedBy && <div className="hint">{r.preparedBy.displayName}</div>}
        </td>
        <td>
          <button type="button" className="why-toggle" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
            {open ? t('audit.hide') : t('audit.show')}
          </button>
        </td>
      </tr>
      {open && (
        <tr className="detail-row">
          <td colSpan={8}>
            <table className="table">
              <tbody>
                {r.lines.map((l) => (
                  <tr key={l.lineId} className={l.alreadyApproved ? 'muted' : undefined}>
                    <td>{t(`lineKind.${l.kind.toLowerCase()}` as 'lineKind.labour')}</td>
                    <td>
                      {(l.operationCode || l.partNumber) && <span className="mono">{l.operationCode ?? l.partNumber} </span>}
                      {l.description}
                      {l.additional && <span className="pill pill-info"> {t('order.additional')}</span>}
                    </td>
                    <td className="num">{Number(l.quantity)}</td>
                    <td className="num">{l.hours != null ? Number(l.hours).toFixed(2) : ''}</td>
                    <td className="num">
                      <Money amount={l.amount} />
                    </td>
                    <td>{t(`payType.${l.payType.toLowerCase()}` as 'payType.customer')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </td>
        </tr>
      )}
    </>
  );
}
