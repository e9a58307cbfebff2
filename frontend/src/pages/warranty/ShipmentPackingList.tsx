import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { OldPartShipmentDetailDocument } from '../../gql/graphql';
import { useLocalized, usePageTitle } from '../../localize';
import { InspectionResultText } from './OldPartBits';
import './ShipmentPackingList.css';

/** 装箱单: what is in the box (tag, part, claim, VIN, quantity), printed and put in with the parts. */
export function ShipmentPackingList() {
  const { t } = useTranslation();
  const local = useLocalized();
  const { id = '' } = useParams();
  const [{ data, error, fetching }, refetch] = useQuery({ query: OldPartShipmentDetailDocument, variables: { id }, requestPolicy: 'network-only' });
  const shipment = data?.node && 'packingList' in data.node ? data.node : null;
  usePageTitle(shipment ? `${t('warranty.oldParts.packingList.title')} ${shipment.number}` : t('warranty.oldParts.packingList.title'));

  if (error) return <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <Loading />;
  if (!shipment) return <p className="empty">{t('warranty.oldParts.shipments.pick')}</p>;
  const total = shipment.packingList.reduce((sum, line) => sum + Number(line.quantity), 0);
  const inspected = shipment.packingList.some((line) => line.inspectionResult);

  return (
    <div className="page page-wide packing-list" data-testid="packing-list" data-number={shipment.number}>
      <div className="inline-list no-print" style={{ marginBottom: 12 }}>
        <Link className="button button-secondary" to={`/warranty/shipments/${id}`}>
          {t('warranty.oldParts.packingList.back')}
        </Link>
        <button type="button" className="button button-primary" data-testid="packing-list-print" onClick={() => window.print()}>
          {t('warranty.oldParts.packingList.print')}
        </button>
      </div>
      <h1>{t('warranty.oldParts.packingList.title')}</h1>
      <dl className="kv">
        <div>
          <dt>{t('warranty.oldParts.packingList.dealer')}</dt>
          <dd>
            {shipment.dealerCode} {local(shipment.dealerName, shipment.dealerNameZh)}
          </dd>
        </div>
        <div>
          <dt>{t('warranty.oldParts.packingList.shipment')}</dt>
          <dd className="mono">{shipment.number}</dd>
        </div>
        <div>
          <dt>{t('warranty.oldParts.packingList.date')}</dt>
          <dd>
            <When at={shipment.shippedAt ?? shipment.createdAt} />
          </dd>
        </div>
        <div>
          <dt>{t('warranty.oldParts.shipments.carrier')}</dt>
          <dd>{shipment.carrier || '—'}</dd>
        </div>
        <div>
          <dt>{t('warranty.oldParts.shipments.tracking')}</dt>
          <dd className="mono">{shipment.tracking || '—'}</dd>
        </div>
      </dl>
      <table className="table" style={{ marginTop: 16 }}>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t('warranty.oldParts.store.tag')}</th>
            <th scope="col">{t('warranty.oldParts.store.part')}</th>
            <th scope="col">{t('warranty.oldParts.store.claim')}</th>
            <th scope="col">{t('warranty.oldParts.store.vin')}</th>
            <th scope="col" className="amount">
              {t('warranty.oldParts.store.quantity')}
            </th>
            {inspected && <th scope="col">{t('warranty.oldParts.packingList.result')}</th>}
          </tr>
        </thead>
        <tbody>
          {shipment.packingList.map((line, i) => (
            <tr key={line.tag} data-testid="packing-list-line" data-tag={line.tag}>
              <td>{i + 1}</td>
              <td className="mono">{line.tag}</td>
              <td>
                <span className="mono" data-testid="packing-list-part-number">
                  {line.partNumber}
                </span>{' '}
                {local(line.partName, line.partNameZh)}
              </td>
              <td className="mono" data-testid="packing-list-claim">
                {line.claimNumber ?? '—'}
              </td>
              <td className="mono" data-testid="packing-list-vin">
                {line.vin ?? '—'}
              </td>
              <td className="amount">{Number(line.quantity)}</td>
              {inspected && (
                <td>
                  <InspectionResultText result={line.inspectionResult} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <p data-testid="packing-list-total">{t('warranty.oldParts.packingList.total', { count: total })}</p>
      <div className="signatures">
        <div>{t('warranty.oldParts.packingList.packedBy')}</div>
        <div>{t('warranty.oldParts.packingList.receivedBy')}</div>
      </div>
    </div>
  );
}
