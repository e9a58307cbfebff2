import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { Money, When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import {
  ApprovePartsTransferDocument,
  CancelPartsTransferDocument,
  PartsTransfersDocument,
  ReceivePartsTransferDocument,
  RejectPartsTransferDocument,
  ShipPartsTransferDocument,
  type PartsTransferFieldsFragment,
  type TransferAction,
  type TransferSide,
  type TransferStatus,
} from '../../gql/graphql';
import { useViewer } from '../../session';
import { DealerName, PartName, TransferStatusPill, qty } from './ReorderBits';
import { TransferRequestForm } from './TransferRequestForm';

const OPEN: TransferStatus[] = ['REQUESTED', 'APPROVED', 'SHIPPED'];

/** 调拨: requests other dealers made of us (approve, ship) and ours (receive, cancel). */
export function Transfers() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const [side, setSide] = useState<TransferSide>('GIVING');
  const [openOnly, setOpenOnly] = useState(true);
  const [after, setAfter] = useState<string | null>(null);
  const [requesting, setRequesting] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: PartsTransfersDocument,
    variables: { side, statuses: openOnly ? OPEN : null, first: 50, after },
    requestPolicy: 'cache-and-network',
  });
  const rows = (data?.partsTransfers.edges ?? []).map((e) => e.node);
  const reload = () => refetch({ requestPolicy: 'network-only' });

  return (
    <div className="page page-wide" data-testid="page-transfers">
      <PageHeader
        title={t('parts.transfers.title')}
        intro={t('parts.transfers.intro')}
        actions={
          can(viewer, 'parts_transfer', 'request') && (
            <button
              type="button"
              className="button button-primary"
              aria-expanded={requesting}
              data-testid="transfer-request-open"
              onClick={() => setRequesting((v) => !v)}
            >
              {t('parts.transfers.request.open')}
            </button>
          )
        }
      />
      {notice && (
        <div className="alert alert-ok" role="status" data-testid="transfer-notice">
          {notice}
        </div>
      )}
      {requesting && (
        <TransferRequestForm
          onClose={() => setRequesting(false)}
          onDone={(transfer) => {
            setRequesting(false);
            setNotice(t('parts.transfers.done.requested', { number: transfer.number, dealer: transfer.givingDealer.code }));
            setSide('RECEIVING');
            setAfter(null);
          }}
        />
      )}
      <section className="panel">
        <div className="panel-header">
          <div className="segmented segmented-light" role="tablist" aria-label={t('parts.transfers.title')}>
            {(['GIVING', 'RECEIVING'] as const).map((value) => (
              <button
                key={value}
                type="button"
                role="tab"
                aria-selected={side === value}
                className={side === value ? 'active' : undefined}
                data-testid={`transfers-tab-${value.toLowerCase()}`}
                onClick={() => {
                  setSide(value);
                  setAfter(null);
                }}
              >
                {t(value === 'GIVING' ? 'parts.transfers.tabs.giving' : 'parts.transfers.tabs.receiving')}
              </button>
            ))}
          </div>
          <div className="filter-chips" role="group">
            {[true, false].map((value) => (
              <button
                key={String(value)}
                type="button"
                className="button button-secondary button-small"
                aria-pressed={openOnly === value}
                onClick={() => {
                  setOpenOnly(value);
                  setAfter(null);
                }}
              >
                {t(value ? 'parts.transfers.filter.open' : 'parts.transfers.filter.all')}
              </button>
            ))}
          </div>
        </div>
        {error ? (
          <ErrorPanel error={error} onRetry={reload} />
        ) : fetching && !data ? (
          <Loading />
        ) : rows.length === 0 ? (
          <p className="empty" data-testid="transfers-empty">
            {t('parts.transfers.table.none')}
          </p>
        ) : (
          <div className="table-scroll">
            <table className="table" data-testid="transfers-table">
              <thead>
                <tr>
                  <th scope="col">{t('parts.transfers.table.number')}</th>
                  <th scope="col">{t('parts.transfers.table.part')}</th>
                  <th scope="col">{side === 'GIVING' ? t('parts.transfers.table.to') : t('parts.transfers.table.from')}</th>
                  <th scope="col" className="num">{t('parts.transfers.table.quantity')}</th>
                  <th scope="col" className="num">{t('parts.transfers.table.unitCost')}</th>
                  <th scope="col">{t('parts.transfers.table.status')}</th>
                  <th scope="col">{t('parts.transfers.table.requested')}</th>
                  <th scope="col">{t('parts.transfers.table.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((transfer) => (
                  <TransferRow
                    key={transfer.id}
                    transfer={transfer}
                    onDone={(text) => {
                      setNotice(text);
                      reload();
                    }}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
        {data?.partsTransfers.pageInfo.hasNextPage && (
          <div className="form-actions">
            <button
              type="button"
              className="button button-secondary"
              onClick={() => setAfter(data.partsTransfers.pageInfo.endCursor ?? null)}
            >
              {t('parts.transfers.table.more')}
            </button>
          </div>
        )}
      </section>
    </div>
  );
}

type Asking = 'REJECT' | 'CANCEL' | 'APPROVE' | null;

const LABELS = {
  APPROVE: 'parts.transfers.action.approve',
  REJECT: 'parts.transfers.action.reject',
  SHIP: 'parts.transfers.action.ship',
  RECEIVE: 'parts.transfers.action.receive',
  CANCEL: 'parts.transfers.action.cancel',
} as const satisfies Record<TransferAction, string>;

function TransferRow({ transfer: tr, onDone }: { transfer: PartsTransferFieldsFragment; onDone: (text: string) => void }) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState<Asking>(null);
  const [note, setNote] = useState('');
  const approve = useAction(ApprovePartsTransferDocument);
  const reject = useAction(RejectPartsTransferDocument);
  const ship = useAction(ShipPartsTransferDocument);
  const receive = useAction(ReceivePartsTransferDocument);
  const cancel = useAction(CancelPartsTransferDocument);
  const pending = approve.pending || reject.pending || ship.pending || receive.pending || cancel.pending;
  const error = approve.error ?? reject.error ?? ship.error ?? receive.error ?? cancel.error;
  const other = tr.side === 'GIVING' ? tr.requestingDealer : tr.givingDealer;

  const act = async (action: TransferAction) => {
    const id = tr.id;
    const done = (key: 'approved' | 'rejected' | 'shipped' | 'received' | 'cancelled') =>
      onDone(t(`parts.transfers.done.${key}`, { number: tr.number }));
    if (action === 'APPROVE') {
      if ((await approve.run({ input: { id, note } })).data) done('approved');
    } else if (action === 'REJECT') {
      if ((await reject.run({ input: { id, note } })).data) done('rejected');
    } else if (action === 'SHIP') {
      if ((await ship.run({ id })).data) done('shipped');
    } else if (action === 'RECEIVE') {
      if ((await receive.run({ id })).data) done('received');
    } else if ((await cancel.run({ input: { id, reason: note } })).data) done('cancelled');
    setAsking(null);
    setNote('');
  };

  const PROMPTS = {
    APPROVE: t('parts.transfers.action.approveNote'),
    REJECT: t('parts.transfers.action.rejectReason'),
    CANCEL: t('parts.transfers.action.cancelReason'),
  };

  return (
    <tr data-testid="transfer-row" data-number={tr.number} data-status={tr.status.toLowerCase()}>
      <td className="mono">{tr.number}</td>
      <td>
        <PartName part={tr.part} number={tr.partNumber} />
        {tr.note && <div className="hint">{t('parts.transfers.table.note', { note: tr.note })}</div>}
      </td>
      <td>
        <DealerName dealer={other} />
      </td>
      <td className="num">{qty(tr.quantity)}</td>
      <td className="num">{tr.shippedAt ? <Money amount={tr.unitCost} /> : <span className="muted">—</span>}</td>
      <td>
        <TransferStatusPill value={tr.status} />
        {tr.decisionNote && <div className="hint">{t('parts.transfers.table.decision', { note: tr.decisionNote })}</div>}
      </td>
      <td>
        <When at={tr.requestedAt} />
        {tr.requestedBy && <div className="hint">{tr.requestedBy.displayName}</div>}
      </td>
      <td className="actions">
        {asking ? (
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void act(asking);
            }}
          >
            <label className="control">
              <span>{PROMPTS[asking]}</span>
              <input
                className="input"
                value={note}
                required={asking !== 'APPROVE'}
                autoFocus
                data-testid="transfer-note"
                onChange={(e) => setNote(e.target.value)}
              />
            </label>
            <button type="submit" className="button button-primary button-small" disabled={pending} data-testid="transfer-confirm">
              {t('parts.transfers.action.confirm')}
            </button>
            <button type="button" className="button button-secondary button-small" onClick={() => setAsking(null)}>
              {t('parts.transfers.action.back')}
            </button>
          </form>
        ) : (
          tr.actions.map((action) => (
            <button
              key={action}
              type="button"
              className={`button button-small ${action === 'REJECT' || action === 'CANCEL' ? 'button-secondary' : 'button-primary'}`}
              disabled={pending}
              data-testid={`transfer-${action.toLowerCase()}`}
              onClick={() =>
                action === 'APPROVE' || action === 'REJECT' || action === 'CANCEL' ? setAsking(action) : void act(action)
              }
            >
              {t(LABELS[action])}
            </button>
          ))
        )}
        <MutationError error={error} />
      </td>
    </tr>
  );
}
