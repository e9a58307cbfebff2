import { useNavigate, useParams } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { Money, When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { PartsIssueSlipDocument } from '../../gql/graphql';
import { useLocalized, usePageTitle } from '../../localize';
import { RequestStatus, qty } from './StockBits';
import './Stock.css';

/** 出库单: the issue slip as printed, with the plate and the signatures of the three parties. */
export function IssueSlip() {
  const { t } = useTranslation();
  const local = useLocalized();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const [{ data, error, fetching }, refetch] = useQuery({ query: PartsIssueSlipDocument, variables: { requestId: id } });
  const slip = data?.partsIssueSlip ?? null;
  usePageTitle(slip ? t('parts.issuing.slip.title', { number: slip.number }) : t('parts.issuing.slip.heading'));

  if (error) return <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <Loading />;
  if (!slip) {
    return (
      <div className="page">
        <p className="empty" data-testid="not-found">
          {t('parts.issuing.slip.notFound')}
        </p>
      </div>
    );
  }
  const signature = (label: string, name: string | null, at: string | null) => (
    <div className="slip-signature">
      <div className="muted">{label}</div>
      {name ? (
        <div>
          <strong>{name}</strong> · <When at={at} />
        </div>
      ) : (
        <div className="muted">{t('parts.issuing.slip.notYet')}</div>
      )}
    </div>
  );

  return (
    <div className="page" data-testid="page-issue-slip" data-request-number={slip.number}>
      <div className="inline-list no-print" style={{ marginBottom: 12 }}>
        <button type="button" className="button button-secondary" onClick={() => navigate(-1)}>
          {t('parts.issuing.slip.back')}
        </button>
        <button type="button" className="button button-primary" data-testid="print-slip" onClick={() => window.print()}>
          {t('parts.issuing.slip.print')}
        </button>
      </div>
      <article className="slip" aria-labelledby="slip-heading">
        <h1 id="slip-heading">{t('parts.issuing.slip.heading')}</h1>
        <p style={{ textAlign: 'center' }}>
          {local(slip.dealerName, slip.dealerNameZh)} ({slip.dealerCode}) · <span className="mono">{slip.number}</span>{' '}
          <RequestStatus status={slip.status} />
        </p>
        <table>
          <tbody>
            <tr>
              <th scope="row">{t('parts.issuing.slip.plate')}</th>
              <td className="slip-plate" data-testid="slip-plate">
                {slip.plate}
              </td>
              <th scope="row">{t('parts.issuing.slip.order')}</th>
              <td className="mono" data-testid="slip-order">
                {slip.orderNumber}
              </td>
            </tr>
            <tr>
              <th scope="row">{t('parts.issuing.slip.model')}</th>
              <td>{slip.vehicleModel}</td>
              <th scope="row">{t('parts.issuing.slip.vin')}</th>
              <td className="mono">{slip.vin}</td>
            </tr>
            <tr>
              <th scope="row">{t('parts.issuing.slip.line')}</th>
              <td colSpan={3}>
                {slip.lineDescription}
                {slip.warranty && <strong> · {t('parts.issuing.slip.warranty')}</strong>}
              </td>
            </tr>
          </tbody>
        </table>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('parts.issuing.slip.bin')}</th>
              <th scope="col">{t('parts.issuing.slip.part')}</th>
              <th scope="col">{t('parts.issuing.slip.quantity')}</th>
              <th scope="col">{t('parts.issuing.slip.unitCost')}</th>
              <th scope="col">{t('parts.issuing.slip.amount')}</th>
              <th scope="col">{t('parts.issuing.slip.oldPart')}</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td className="mono">{slip.binLocation}</td>
              <td>
                <span className="mono">{slip.partNumber}</span> {local(slip.partName, slip.partNameZh)}
              </td>
              <td data-testid="slip-quantity">
                {qty(slip.quantity)} {slip.unit}
                {Number(slip.returnedQty) > 0 && (
                  <div className="hint">
                    {t('parts.issuing.slip.returned')}: {qty(slip.returnedQty)}
                  </div>
                )}
              </td>
              <td>
                <Money amount={slip.unitCost} />
              </td>
              <td>
                <Money amount={slip.amount} />
              </td>
              <td>{slip.oldPart ? t(`parts.issuing.oldPart.${slip.oldPart}`) : '—'}</td>
            </tr>
          </tbody>
        </table>
        <div className="slip-signatures">
          {signature(t('parts.issuing.slip.requestedBy'), slip.requestedBy, slip.requestedAt)}
          {signature(t('parts.issuing.slip.countersignedBy'), slip.countersignedBy, slip.countersignedAt)}
          {slip.warranty && signature(t('parts.issuing.slip.warrantySignedBy'), slip.warrantySignedBy, slip.warrantySignedAt)}
          {signature(t('parts.issuing.slip.issuedBy'), slip.issuedBy, slip.issuedAt)}
        </div>
      </article>
    </div>
  );
}
