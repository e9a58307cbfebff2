import { useState } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../api/useAction';
import { When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import {
  InspectOldPartDocument,
  OldPartInspectionQueueDocument,
  OldPartShipmentDetailDocument,
  OldPartsAwaitingRequestDocument,
  ReceiveOldPartShipmentDocument,
  RequestOldPartReturnsDocument,
  type InspectionResult,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { InspectionResultText, OldPartStatusPill, PartName, ShipmentStatusPill } from './OldPartBits';

const RESULTS: InspectionResult[] = ['CONFIRMED', 'NOT_CONFIRMED', 'NOT_RECEIVED'];

/** 旧件鉴定 (manufacturer): shipments on their way or received, each part's ruling; parts to ask for. */
export function OldPartInspection() {
  const { t } = useTranslation();
  const local = useLocalized();
  const [chosen, setChosen] = useState<string | null>(null);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: OldPartInspectionQueueDocument,
    variables: { status: null },
    requestPolicy: 'cache-and-network',
  });
  const receive = useAction(ReceiveOldPartShipmentDocument);
  const shipments = (data?.oldPartShipmentsToInspect.edges ?? []).map((e) => e.node);

  const markReceived = async (id: string) => {
    if ((await receive.run({ shipmentId: id })).data) refetch({ requestPolicy: 'network-only' });
  };

  return (
    <div className="page page-wide" data-testid="page-inspection">
      <PageHeader title={t('warranty.oldParts.inspection.title')} intro={t('warranty.oldParts.inspection.intro')} />
      <div className="split">
        <section className="panel" aria-labelledby="inspection-queue">
          <div className="panel-header">
            <h2 id="inspection-queue">{t('warranty.oldParts.inspection.queue')}</h2>
          </div>
          <MutationError error={receive.error} />
          {error ? (
            <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
          ) : fetching && !data ? (
            <Loading />
          ) : shipments.length === 0 ? (
            <p className="empty">{t('warranty.oldParts.inspection.none')}</p>
          ) : (
            <table className="table">
              <tbody>
                {shipments.map((s) => (
                  <tr
                    key={s.id}
                    className={s.id === chosen ? 'row-highlight' : undefined}
                    data-testid="inspection-shipment"
                    data-number={s.number}
                    tabIndex={0}
                    style={{ cursor: 'pointer' }}
                    onClick={() => setChosen(s.id)}
                    onKeyDown={(e) => e.key === 'Enter' && setChosen(s.id)}
                  >
                    <td>
                      <span className="mono">{s.number}</span>
                      <div className="hint">
                        {s.dealerCode} {local(s.dealerName, s.dealerNameZh)}
                      </div>
                    </td>
                    <td>
                      {s.carrier} <span className="mono">{s.tracking}</span>
                      <div className="hint">
                        <When at={s.shippedAt} />
                      </div>
                    </td>
                    <td>{t('warranty.oldParts.shipments.partCount', { count: s.partCount })}</td>
                    <td>
                      <ShipmentStatusPill status={s.status} />
                    </td>
                    <td>
                      {s.status === 'SHIPPED' && (
                        <button
                          type="button"
                          className="button button-secondary button-small"
                          data-testid="inspection-receive"
                          onClick={(e) => {
                            e.stopPropagation();
                            void markReceived(s.id);
                          }}
                        >
                          {t('warranty.oldParts.inspection.receive')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        {chosen ? (
          <ShipmentInspection id={chosen} onChanged={() => refetch({ requestPolicy: 'network-only' })} />
        ) : (
          <section className="panel">
            <p className="empty">{t('warranty.oldParts.inspection.pick')}</p>
          </section>
        )}
      </div>
      <AwaitingRequest />
    </div>
  );
}

/** One shipment (kept on screen after its last part is ruled on and it leaves the queue). */
function ShipmentInspection({ id, onChanged }: { id: string; onChanged: () => void }) {
  const { t } = useTranslation();
  const [{ data, error, fetching }, refetch] = useQuery({ query: OldPartShipmentDetailDocument, variables: { id }, requestPolicy: 'cache-and-network' });
  const inspect = useAction(InspectOldPartDocument);
  const [result, setResult] = useState<Record<string, InspectionResult>>({});
  const [note, setNote] = useState<Record<string, string>>({});
  const shipment = data?.node && 'parts' in data.node ? data.node : null;

  const record = async (partId: string) => {
    const chosen = result[partId] ?? 'CONFIRMED';
    if ((await inspect.run({ input: { oldPartId: partId, result: chosen, note: note[partId] ?? '' } })).data) {
      refetch({ requestPolicy: 'network-only' });
      onChanged();
    }
  };

  if (error) return <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <Loading />;
  if (!shipment) return null;
  const received = shipment.status === 'RECEIVED';

  return (
    <section className="panel" data-testid="inspection-detail" data-number={shipment.number}>
      <div className="panel-header">
        <h2 className="mono">{shipment.number}</h2>
        <ShipmentStatusPill status={shipment.status} />
      </div>
      <MutationError error={inspect.error} />
      <table className="table">
        <tbody>
          {shipment.parts.map((p) => (
            <tr key={p.id} data-testid="inspection-part" data-tag={p.tag}>
              <td>
                <span className="mono">{p.tag}</span>
                <div className="hint">
                  <PartName number={p.partNumber} name={p.partName} nameZh={p.partNameZh} />
                </div>
                <div className="hint mono">
                  {p.claimNumber} · {p.vin}
                </div>
              </td>
              <td>
                <OldPartStatusPill status={p.status} />
              </td>
              <td colSpan={p.status === 'SHIPPED' && received ? 1 : 2}>
                {p.status === 'INSPECTED' ? (
                  <>
                    <InspectionResultText result={p.inspectionResult} /> <span className="muted">{p.inspectionNote}</span>
                  </>
                ) : p.status === 'SHIPPED' && received ? (
                  <div className="inline-list">
                    <select
                      className="select input-small"
                      style={{ width: 'auto', flex: '0 0 auto' }}
                      aria-label={t('warranty.oldParts.inspection.result')}
                      value={result[p.id] ?? 'CONFIRMED'}
                      data-testid="inspection-result"
                      onChange={(e) => setResult((r) => ({ ...r, [p.id]: e.target.value as InspectionResult }))}
                    >
                      {RESULTS.map((r) => (
                        <option key={r} value={r}>
                          {t(`warranty.oldParts.result.${r.toLowerCase() as Lowercase<InspectionResult>}`)}
                        </option>
                      ))}
                    </select>
                    <input
                      className="input"
                      aria-label={t('warranty.oldParts.inspection.note')}
                      placeholder={t('warranty.oldParts.inspection.note')}
                      value={note[p.id] ?? ''}
                      data-testid="inspection-note"
                      onChange={(e) => setNote((n) => ({ ...n, [p.id]: e.target.value }))}
                    />
                  </div>
                ) : null}
              </td>
              {p.status === 'SHIPPED' && received && (
                <td>
                  <button
                    type="button"
                    className="button button-primary button-small"
                    disabled={inspect.pending}
                    data-testid="inspection-save"
                    onClick={() => void record(p.id)}
                  >
                    {t('warranty.oldParts.inspection.save')}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function AwaitingRequest() {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [asked, setAsked] = useState<number | null>(null);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: OldPartsAwaitingRequestDocument,
    variables: { search: search.trim() || null },
    requestPolicy: 'cache-and-network',
  });
  const request = useAction(RequestOldPartReturnsDocument);
  const parts = (data?.oldPartsAwaitingRequest.edges ?? []).map((e) => e.node);
  // One request acts in one dealer: the chosen parts must share it.
  const dealerOfChosen = parts.find((p) => chosen.includes(p.id))?.dealerCode ?? null;

  const ask = async () => {
    const result = await request.run({ input: { oldPartIds: chosen, note: '' } });
    if (result.data) {
      setAsked(result.data.requestOldPartReturns.length);
      setChosen([]);
      refetch({ requestPolicy: 'network-only' });
    }
  };

  return (
    <section className="panel" data-testid="awaiting-request" style={{ marginTop: 20 }}>
      <div className="panel-header">
        <h2>{t('warranty.oldParts.inspection.awaiting')}</h2>
        <input
          className="filter"
          type="search"
          placeholder={t('warranty.oldParts.store.search')}
          aria-label={t('warranty.oldParts.store.search')}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <button
          type="button"
          className="button button-primary"
          disabled={chosen.length === 0 || request.pending}
          data-testid="awaiting-ask"
          onClick={() => void ask()}
        >
          {t('warranty.oldParts.inspection.askReturn')}
        </button>
      </div>
      <p className="hint">{t('warranty.oldParts.inspection.awaitingIntro')}</p>
      {asked !== null && (
        <div className="alert alert-ok" role="status">
          {t('warranty.oldParts.inspection.asked', { count: asked })}
        </div>
      )}
      <MutationError error={request.error} />
      {error ? (
        <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : fetching && !data ? (
        <Loading />
      ) : parts.length === 0 ? (
        <p className="empty">{t('warranty.oldParts.inspection.noneAwaiting')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col" />
              <th scope="col">{t('warranty.oldParts.inspection.dealer')}</th>
              <th scope="col">{t('warranty.oldParts.store.tag')}</th>
              <th scope="col">{t('warranty.oldParts.store.part')}</th>
              <th scope="col">{t('warranty.oldParts.store.claim')}</th>
              <th scope="col">{t('warranty.oldParts.store.status')}</th>
              <th scope="col">{t('warranty.oldParts.store.retainUntil')}</th>
            </tr>
          </thead>
          <tbody>
            {parts.map((p) => (
              <tr key={p.id} data-testid="awaiting-part" data-tag={p.tag}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={p.tag}
                    checked={chosen.includes(p.id)}
                    disabled={dealerOfChosen !== null && dealerOfChosen !== p.dealerCode}
                    onChange={(e) => setChosen((c) => (e.target.checked ? [...c, p.id] : c.filter((x) => x !== p.id)))}
                  />
                </td>
                <td>{p.dealerCode}</td>
                <td className="mono">{p.tag}</td>
                <td>
                  <PartName number={p.partNumber} name={p.partName} nameZh={p.partNameZh} />
                </td>
                <td>
                  <span className="mono">{p.claimNumber}</span>
                  <div className="hint mono">{p.vin}</div>
                </td>
                <td>
                  <OldPartStatusPill status={p.status} />
                </td>
                <td>{p.retainUntil ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
