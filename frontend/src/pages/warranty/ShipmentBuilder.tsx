import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import {
  AddOldPartsToShipmentDocument,
  CreateOldPartShipmentDocument,
  OldPartShipmentDetailDocument,
  OldPartShipmentsDocument,
  RemoveOldPartFromShipmentDocument,
  ShipmentRequestedPartsDocument,
  ShipOldPartShipmentDocument,
} from '../../gql/graphql';
import { useViewer } from '../../session';
import { InspectionResultText, OldPartStatusPill, PartName, ShipmentStatusPill } from './OldPartBits';

/** 旧件回运: batches of requested parts, packed, shipped with carrier and tracking, with a packing list. */
export function ShipmentBuilder() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const navigate = useNavigate();
  const { id } = useParams();
  const [note, setNote] = useState('');
  const [{ data, error, fetching }, refetch] = useQuery({ query: OldPartShipmentsDocument, variables: { status: null }, requestPolicy: 'cache-and-network' });
  const create = useAction(CreateOldPartShipmentDocument);
  const shipments = (data?.oldPartShipments.edges ?? []).map((e) => e.node);
  const mayShip = can(viewer, 'old_parts', 'ship');

  const start = async (event: FormEvent) => {
    event.preventDefault();
    const result = await create.run({ note });
    if (result.data) {
      setNote('');
      refetch({ requestPolicy: 'network-only' });
      navigate(`/warranty/shipments/${result.data.createOldPartShipment.id}`);
    }
  };

  return (
    <div className="page page-wide" data-testid="page-shipments">
      <PageHeader title={t('warranty.oldParts.shipments.title')} intro={t('warranty.oldParts.shipments.intro')} />
      <div className="split">
        <section className="panel" aria-labelledby="shipments-heading">
          <div className="panel-header">
            <h2 id="shipments-heading">{t('warranty.oldParts.shipments.number')}</h2>
          </div>
          {mayShip && (
            <form className="inline-list" onSubmit={(e) => void start(e)} style={{ marginBottom: 10 }}>
              <input
                className="input"
                aria-label={t('warranty.oldParts.shipments.note')}
                placeholder={t('warranty.oldParts.shipments.note')}
                value={note}
                onChange={(e) => setNote(e.target.value)}
              />
              <button type="submit" className="button button-primary" disabled={create.pending} data-testid="shipment-new">
                {t('warranty.oldParts.shipments.newShipment')}
              </button>
            </form>
          )}
          <MutationError error={create.error} />
          {error ? (
            <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
          ) : fetching && !data ? (
            <Loading />
          ) : shipments.length === 0 ? (
            <p className="empty">{t('warranty.oldParts.shipments.none')}</p>
          ) : (
            <table className="table">
              <tbody>
                {shipments.map((s) => (
                  <tr
                    key={s.id}
                    className={s.id === id ? 'row-highlight' : undefined}
                    data-testid="shipment-row"
                    data-number={s.number}
                    tabIndex={0}
                    style={{ cursor: 'pointer' }}
                    onClick={() => navigate(`/warranty/shipments/${s.id}`)}
                    onKeyDown={(e) => e.key === 'Enter' && navigate(`/warranty/shipments/${s.id}`)}
                  >
                    <td>
                      <Link to={`/warranty/shipments/${s.id}`} className="mono" onClick={(e) => e.stopPropagation()}>
                        {s.number}
                      </Link>
                      {s.note && <div className="hint">{s.note}</div>}
                    </td>
                    <td>{t('warranty.oldParts.shipments.partCount', { count: s.partCount })}</td>
                    <td>
                      <ShipmentStatusPill status={s.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        {id ? (
          <ShipmentDetail id={id} onChanged={() => refetch({ requestPolicy: 'network-only' })} />
        ) : (
          <section className="panel">
            <p className="empty">{t('warranty.oldParts.shipments.pick')}</p>
          </section>
        )}
      </div>
    </div>
  );
}

function ShipmentDetail({ id, onChanged }: { id: string; onChanged: () => void }) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const [{ data, error, fetching }, refetch] = useQuery({ query: OldPartShipmentDetailDocument, variables: { id }, requestPolicy: 'cache-and-network' });
  const shipment = data?.node && 'parts' in data.node ? data.node : null;
  const packing = shipment?.status === 'PACKING';
  const mayShip = can(viewer, 'old_parts', 'ship');
  const [{ data: requested }, refetchRequested] = useQuery({
    query: ShipmentRequestedPartsDocument,
    pause: !packing || !mayShip,
    requestPolicy: 'cache-and-network',
  });
  const add = useAction(AddOldPartsToShipmentDocument);
  const remove = useAction(RemoveOldPartFromShipmentDocument);
  const ship = useAction(ShipOldPartShipmentDocument);
  const [chosen, setChosen] = useState<string[]>([]);
  const [carrier, setCarrier] = useState('');
  const [tracking, setTracking] = useState('');
  const loose = (requested?.oldParts.edges ?? []).map((e) => e.node).filter((p) => !p.shipmentNumber);

  const reload = () => {
    refetch({ requestPolicy: 'network-only' });
    refetchRequested({ requestPolicy: 'network-only' });
    onChanged();
  };
  const addChosen = async () => {
    if ((await add.run({ input: { shipmentId: id, oldPartIds: chosen } })).data) {
      setChosen([]);
      reload();
    }
  };
  const takeOut = async (partId: string) => {
    if ((await remove.run({ input: { shipmentId: id, oldPartId: partId } })).data) reload();
  };
  const send = async (event: FormEvent) => {
    event.preventDefault();
    if ((await ship.run({ input: { shipmentId: id, carrier, tracking } })).data) reload();
  };

  if (error) return <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <Loading />;
  if (!shipment) return <p className="empty">{t('warranty.oldParts.shipments.pick')}</p>;

  return (
    <section className="panel" data-testid="shipment-detail" data-number={shipment.number} data-status={shipment.status.toLowerCase()}>
      <div className="panel-header">
        <h2 className="mono">{shipment.number}</h2>
        <ShipmentStatusPill status={shipment.status} />
        <Link className="button button-secondary button-small" to={`/warranty/shipments/${id}/packing-list`} data-testid="shipment-packing-list">
          {t('warranty.oldParts.shipments.packingList')}
        </Link>
      </div>
      <dl className="kv">
        <div>
          <dt>{t('warranty.oldParts.shipments.created')}</dt>
          <dd>
            <When at={shipment.createdAt} />
          </dd>
        </div>
        {shipment.requestedByManufacturerAt && (
          <div>
            <dt>{t('warranty.oldParts.shipments.requestedAt')}</dt>
            <dd>
              <When at={shipment.requestedByManufacturerAt} />
            </dd>
          </div>
        )}
        {shipment.shippedAt && (
          <div>
            <dt>{t('warranty.oldParts.shipments.shipped')}</dt>
            <dd data-testid="shipment-carrier-shown">
              <When at={shipment.shippedAt} /> · {shipment.carrier} <span className="mono">{shipment.tracking}</span>
              {shipment.shippedBy && <span className="muted"> · {shipment.shippedBy.displayName}</span>}
            </dd>
          </div>
        )}
        {shipment.receivedAt && (
          <div>
            <dt>{t('warranty.oldParts.shipments.received')}</dt>
            <dd>
              <When at={shipment.receivedAt} />
            </dd>
          </div>
        )}
      </dl>
      <MutationError error={add.error ?? remove.error ?? ship.error} />
      <h3>{t('warranty.oldParts.shipments.packed')}</h3>
      {shipment.parts.length === 0 ? (
        <p className="empty">{t('warranty.oldParts.shipments.empty')}</p>
      ) : (
        <table className="table">
          <tbody>
            {shipment.parts.map((p) => (
              <tr key={p.id} data-testid="shipment-part" data-tag={p.tag}>
                <td className="mono">{p.tag}</td>
                <td>
                  <PartName number={p.partNumber} name={p.partName} nameZh={p.partNameZh} />
                </td>
                <td className="mono">{p.claimNumber}</td>
                <td>
                  <OldPartStatusPill status={p.status} /> <InspectionResultText result={p.inspectionResult} />
                </td>
                <td>
                  {packing && mayShip && (
                    <button type="button" className="button button-secondary button-small" onClick={() => void takeOut(p.id)}>
                      {t('common.remove')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {packing && mayShip && (
        <>
          <h3>{t('warranty.oldParts.shipments.requestedParts')}</h3>
          {loose.length === 0 ? (
            <p className="empty">{t('warranty.oldParts.shipments.noRequested')}</p>
          ) : (
            <>
              <ul className="checklist">
                {loose.map((p) => (
                  <li key={p.id}>
                    <label>
                      <input
                        type="checkbox"
                        checked={chosen.includes(p.id)}
                        data-testid="shipment-candidate"
                        data-tag={p.tag}
                        onChange={(e) => setChosen((c) => (e.target.checked ? [...c, p.id] : c.filter((x) => x !== p.id)))}
                      />{' '}
                      <span className="mono">{p.tag}</span> <PartName number={p.partNumber} name={p.partName} nameZh={p.partNameZh} />{' '}
                      <span className="muted mono">{p.claimNumber}</span>
                    </label>
                  </li>
                ))}
              </ul>
              <button
                type="button"
                className="button button-secondary"
                disabled={chosen.length === 0 || add.pending}
                data-testid="shipment-add"
                onClick={() => void addChosen()}
              >
                {t('warranty.oldParts.shipments.addSelected')}
              </button>
            </>
          )}
          <form className="form-grid" onSubmit={(e) => void send(e)} style={{ marginTop: 16 }}>
            <label className="control">
              <span>{t('warranty.oldParts.shipments.carrier')}</span>
              <input className="input" required value={carrier} data-testid="shipment-carrier" onChange={(e) => setCarrier(e.target.value)} />
            </label>
            <label className="control">
              <span>{t('warranty.oldParts.shipments.tracking')}</span>
              <input className="input mono" required value={tracking} data-testid="shipment-tracking" onChange={(e) => setTracking(e.target.value)} />
            </label>
            <div className="control" style={{ justifyContent: 'flex-end' }}>
              <button type="submit" className="button button-primary" disabled={ship.pending || shipment.parts.length === 0} data-testid="shipment-ship">
                {t('warranty.oldParts.shipments.ship')}
              </button>
            </div>
          </form>
        </>
      )}
    </section>
  );
}
