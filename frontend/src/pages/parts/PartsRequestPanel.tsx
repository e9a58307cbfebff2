import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import {
  CancelPartsRequestDocument,
  CountersignPartsRequestDocument,
  OrderPartsRequestsDocument,
  RefusePartsRequestDocument,
  RequestPartsDocument,
  SignWarrantyPartsRequestDocument,
  type OrderPartsRequestsQuery,
  type PartsRequestFieldsFragment,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { RequestStatus, qty } from './StockBits';
import './Stock.css';

type Order = Extract<NonNullable<OrderPartsRequestsQuery['node']>, { __typename: 'RepairOrder' }>;
type Line = Order['lines'][number];

const IN_WORK = ['APPROVED', 'IN_PROGRESS'];
const OPEN_STATUSES = ['REQUESTED', 'SIGNED', 'ISSUED', 'RETURNED'];

/** Who has signed a request, and whose signature is still missing. */
export function Signatures({ request }: { request: PartsRequestFieldsFragment }) {
  const { t } = useTranslation();
  const names = [
    request.countersignedBy && `${t('parts.issuing.signature.countersign')}: ${request.countersignedBy.displayName}`,
    request.warrantySignedBy && `${t('parts.issuing.signature.warranty')}: ${request.warrantySignedBy.displayName}`,
  ].filter(Boolean);
  const missing = request.missingSignatures.map((s) => t(`parts.issuing.signature.${s === 'COUNTERSIGN' ? 'countersign' : 'warranty'}`));
  return (
    <span className="signatures" data-testid="signatures" data-missing={request.missingSignatures.join(',').toLowerCase()}>
      {names.join(' · ')}
      {missing.length > 0 && (
        <span className="field-error">
          {names.length > 0 && ' · '}
          {t('parts.issuing.signature.missing', { names: missing.join(', ') })}
        </span>
      )}
    </span>
  );
}

/**
 * 领料: the approved part lines of one repair order with their requests. The technician
 * requests, the advisor countersigns, the claims specialist signs warranty lines; each
 * sees the buttons of the steps their permissions allow.
 */
export function PartsRequestPanel({ orderId }: { orderId: string }) {
  const { t } = useTranslation();
  const [{ data, error, fetching }, refetch] = useQuery({ query: OrderPartsRequestsDocument, variables: { orderId } });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const order = data?.node?.__typename === 'RepairOrder' ? (data.node as Order) : null;
  const lines = order?.lines.filter((l) => l.kind === 'PART') ?? [];
  const inWork = order ? IN_WORK.includes(order.status) : false;

  return (
    <section className="panel" aria-labelledby={`parts-heading-${orderId}`} data-testid="parts-requests">
      <div className="panel-header">
        <h2 id={`parts-heading-${orderId}`}>{t('parts.issuing.panel.title')}</h2>
      </div>
      <p className="hint">{t('parts.issuing.panel.intro')}</p>
      {error ? (
        <ErrorPanel error={error} onRetry={reload} />
      ) : fetching && !data ? (
        <Loading />
      ) : lines.length === 0 ? (
        <p className="empty">{t('parts.issuing.panel.none')}</p>
      ) : (
        <>
          {!inWork && <p className="hint">{t('parts.issuing.panel.notInWork')}</p>}
          {lines.map((line) => (
            <PartLine key={line.id} line={line} inWork={inWork} onChange={reload} />
          ))}
        </>
      )}
    </section>
  );
}

function PartLine({ line, inWork, onChange }: { line: Line; inWork: boolean; onChange: () => void }) {
  const { t } = useTranslation();
  const local = useLocalized();
  const viewer = useViewer();
  const held = line.partsRequests
    .filter((r) => OPEN_STATUSES.includes(r.status))
    .reduce((sum, r) => sum + Number(r.quantity) - Number(r.returnedQty), 0);
  const left = Math.max(Number(line.quantity) - held, 0);
  const [quantity, setQuantity] = useState('');
  const request = useAction(RequestPartsDocument);
  const mayRequest = inWork && left > 0 && can(viewer, 'parts_issue', 'request');

  return (
    <div className="request-line" data-testid="part-line" data-line-id={line.id} data-part-number={line.part?.partNumber ?? ''}>
      <div className="grant-row">
        <span className="grant-label">
          <span className="mono">{line.part?.partNumber}</span> {line.part ? local(line.part.name, line.part.nameZh) : line.description} × {qty(line.quantity)}
        </span>
        {line.payType === 'WARRANTY' && <span className="pill pill-info">{t('parts.issuing.request.warranty')}</span>}
        {left > 0 && <span className="muted">{t('parts.issuing.panel.stillNeeded', { count: left })}</span>}
      </div>
      {line.partsRequests.length === 0 ? (
        <p className="hint">{t('parts.issuing.panel.noRequests')}</p>
      ) : (
        <ul className="grant-list">
          {line.partsRequests.map((r) => (
            <RequestItem key={r.id} request={r} onChange={onChange} />
          ))}
        </ul>
      )}
      {mayRequest && (
        <form
          className="inline-list"
          onSubmit={(e) => {
            e.preventDefault();
            void request.run({ input: { lineId: line.id, quantity: quantity.trim() || null } }).then((r) => {
              if (r.data) {
                setQuantity('');
                onChange();
              }
            });
          }}
        >
          <label className="control">
            <span>{t('parts.issuing.actions.requestQuantity')}</span>
            <input
              className="input input-num input-small"
              inputMode="decimal"
              placeholder={qty(left)}
              value={quantity}
              data-testid="request-quantity"
              onChange={(e) => setQuantity(e.target.value)}
            />
          </label>
          <button type="submit" className="button button-primary button-small" disabled={request.pending} data-testid="request-parts">
            {t('parts.issuing.actions.request')}
          </button>
        </form>
      )}
      <MutationError error={request.error} testId="request-error" />
    </div>
  );
}

function RequestItem({ request, onChange }: { request: PartsRequestFieldsFragment; onChange: () => void }) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const countersign = useAction(CountersignPartsRequestDocument);
  const warrantySign = useAction(SignWarrantyPartsRequestDocument);
  const cancel = useAction(CancelPartsRequestDocument);
  const refuse = useAction(RefusePartsRequestDocument);
  const [closing, setClosing] = useState<'cancel' | 'refuse' | null>(null);
  const [reason, setReason] = useState('');
  const open = request.status === 'REQUESTED' || request.status === 'SIGNED';
  const needs = (s: 'COUNTERSIGN' | 'WARRANTY') => request.missingSignatures.includes(s);
  const mayCountersign = needs('COUNTERSIGN') && can(viewer, 'parts_issue', 'countersign');
  const mayWarranty = needs('WARRANTY') && can(viewer, 'parts_issue', 'warranty_sign');
  const mayCancel = open && can(viewer, 'parts_issue', 'request');
  const mayRefuse = request.status === 'REQUESTED' && (mayCountersign || mayWarranty);
  const busy = countersign.pending || warrantySign.pending || cancel.pending || refuse.pending;
  const done = (r: { data: unknown }) => {
    if (r.data) {
      setClosing(null);
      setReason('');
      onChange();
    }
  };

  return (
    <li className="grant" data-testid="parts-request" data-request-number={request.number} data-status={request.status.toLowerCase()}>
      <div className="grant-row">
        <span className="mono">{request.number}</span>
        <RequestStatus status={request.status} />
        <span>× {qty(request.quantity)}</span>
        {Number(request.returnedQty) > 0 && <span className="muted">{t('parts.issuing.request.returned', { count: Number(request.returnedQty) })}</span>}
        <span className="muted">
          {request.requestedBy?.displayName} · <When at={request.requestedAt} />
        </span>
        {!request.availableAtRequest && <span className="pill pill-warn">{t('parts.issuing.request.firstPickMiss')}</span>}
        {(request.status === 'ISSUED' || request.status === 'RETURNED') && can(viewer, 'parts_issue', 'read') && (
          <Link to={`/parts/issue/${request.id}/slip`}>{t('parts.issuing.actions.slip')}</Link>
        )}
      </div>
      <div className="hint">
        <Signatures request={request} />
        {request.reason && <> · {t('parts.issuing.request.reason', { reason: request.reason })}</>}
      </div>
      {closing ? (
        <form
          className="inline-list"
          onSubmit={(e) => {
            e.preventDefault();
            const input = { input: { requestId: request.id, reason: reason.trim() } };
            void (closing === 'cancel' ? cancel.run(input) : refuse.run(input)).then(done);
          }}
        >
          <label className="control">
            <span>{closing === 'cancel' ? t('parts.issuing.actions.cancelReason') : t('parts.issuing.actions.refuseReason')}</span>
            <input className="input" required autoFocus value={reason} data-testid="close-reason" onChange={(e) => setReason(e.target.value)} />
          </label>
          <button type="submit" className="button button-danger button-small" disabled={!reason.trim() || busy} data-testid="close-confirm">
            {closing === 'cancel' ? t('parts.issuing.actions.confirmCancel') : t('parts.issuing.actions.confirmRefuse')}
          </button>
          <button type="button" className="button button-ghost button-small" onClick={() => setClosing(null)}>
            {t('parts.issuing.actions.dismiss')}
          </button>
        </form>
      ) : (
        (mayCountersign || mayWarranty || mayCancel || mayRefuse) && (
          <div className="inline-list">
            {mayCountersign && (
              <button
                type="button"
                className="button button-primary button-small"
                disabled={busy}
                data-testid="countersign"
                onClick={() => void countersign.run({ requestId: request.id }).then(done)}
              >
                {t('parts.issuing.actions.countersign')}
              </button>
            )}
            {mayWarranty && (
              <button
                type="button"
                className="button button-primary button-small"
                disabled={busy}
                data-testid="warranty-sign"
                onClick={() => void warrantySign.run({ requestId: request.id }).then(done)}
              >
                {t('parts.issuing.actions.warrantySign')}
              </button>
            )}
            {mayRefuse && (
              <button type="button" className="button button-secondary button-small" disabled={busy} onClick={() => setClosing('refuse')}>
                {t('parts.issuing.actions.refuse')}
              </button>
            )}
            {mayCancel && (
              <button type="button" className="button button-secondary button-small" disabled={busy} data-testid="cancel-request" onClick={() => setClosing('cancel')}>
                {t('parts.issuing.actions.cancel')}
              </button>
            )}
          </div>
        )
      )}
      <MutationError error={countersign.error ?? warrantySign.error ?? cancel.error ?? refuse.error} />
    </li>
  );
}
