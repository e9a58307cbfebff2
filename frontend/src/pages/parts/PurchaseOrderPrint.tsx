import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { Money, When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { usePageTitle, useLocalized } from '../../localize';
import { PurchaseOrderDocument, type PurchaseOrderFieldsFragment } from '../../gql/graphql';
import { useViewer } from '../../session';
import { DateOnly, SupplierName, qty } from './PurchaseBits';

const COPIES = ['planner', 'purchaser', 'finance'] as const;
const PRINTABLE = ['APPROVED', 'ORDERED', 'PARTIALLY_RECEIVED', 'RECEIVED'];

/**
 * 订货计划单: the approved plan form, in three copies (planner, purchaser, finance), each
 * with the lines, the total and who drafted, reviewed and approved it. Printing leaves
 * the application's chrome out.
 */
export function PurchaseOrderPrint() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  usePageTitle(t('parts.purchasing.print.title'));
  const [{ data, error, fetching }, refetch] = useQuery({ query: PurchaseOrderDocument, variables: { id } });
  const order = data?.node?.__typename === 'PurchaseOrder' ? (data.node as PurchaseOrderFieldsFragment) : null;

  if (error) return <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <Loading />;
  if (!order) {
    return (
      <div className="page">
        <p className="empty">{t('errors.NOT_FOUND')}</p>
      </div>
    );
  }
  const printable = PRINTABLE.includes(order.status);
  return (
    <div className="page page-wide" data-testid="page-plan-print" data-number={order.number}>
      <div className="form-actions no-print" style={{ justifyContent: 'space-between', marginBottom: 16 }}>
        <Link className="button button-secondary" to={`/parts/purchase-orders/${order.id}`}>
          {t('common.back')}
        </Link>
        {printable && (
          <button type="button" className="button button-primary" data-testid="print-now" onClick={() => window.print()}>
            {t('parts.purchasing.print.printNow')}
          </button>
        )}
      </div>
      {printable ? (
        COPIES.map((copy) => <PlanForm key={copy} order={order} copy={copy} />)
      ) : (
        <p className="empty" data-testid="not-printable">
          {t('parts.purchasing.print.notApproved')}
        </p>
      )}
    </div>
  );
}

function PlanForm({ order, copy }: { order: PurchaseOrderFieldsFragment; copy: (typeof COPIES)[number] }) {
  const { t } = useTranslation();
  const local = useLocalized();
  const viewer = useViewer();
  const dealer = viewer.currentDealer;
  const signer = (label: string, user: { displayName: string } | null | undefined, at: string | null | undefined) => (
    <div>
      <strong>{label}</strong>
      <div>{user?.displayName ?? '—'}</div>
      <div className="muted">{at ? <When at={at} /> : '—'}</div>
    </div>
  );
  return (
    <article className="plan-form" data-testid="plan-form-copy" data-copy={copy}>
      <div className="copy-label">{t('parts.purchasing.print.copy', { who: t(`parts.purchasing.print.${copy}`) })}</div>
      <h2>{t('parts.purchasing.print.heading')}</h2>
      <dl className="kv">
        <div>
          <dt>{t('parts.purchasing.print.dealer')}</dt>
          <dd>{dealer ? local(dealer.name, dealer.nameZh) : ''}</dd>
        </div>
        <div>
          <dt>{t('parts.purchasing.print.number')}</dt>
          <dd className="mono">{order.number}</dd>
        </div>
        <div>
          <dt>{t('parts.purchasing.order.supplier')}</dt>
          <dd>
            <SupplierName supplier={order.supplier} />
          </dd>
        </div>
        <div>
          <dt>{t('parts.purchasing.order.urgency')}</dt>
          <dd>{t(order.urgency === 'EMERGENCY' ? 'parts.purchasing.urgency.emergency' : 'parts.purchasing.urgency.regular')}</dd>
        </div>
        <div>
          <dt>{t('parts.purchasing.order.expected')}</dt>
          <dd>
            <DateOnly value={order.expectedOn} />
          </dd>
        </div>
      </dl>
      <table>
        <thead>
          <tr>
            <th>#</th>
            <th>{t('parts.purchasing.order.part')}</th>
            <th>{t('parts.purchasing.order.quantity')}</th>
            <th>{t('parts.purchasing.order.unitPrice')}</th>
            <th>{t('parts.purchasing.order.amount')}</th>
          </tr>
        </thead>
        <tbody>
          {order.lines.map((line, index) => (
            <tr key={line.id}>
              <td>{index + 1}</td>
              <td>
                <span className="mono">{line.part?.partNumber}</span> {line.part && local(line.part.name, line.part.nameZh)}
              </td>
              <td className="num">
                {qty(line.quantity)} {line.part?.unit}
              </td>
              <td className="num">
                <Money amount={line.unitPrice} />
              </td>
              <td className="num">
                <Money amount={line.amount} />
              </td>
            </tr>
          ))}
          <tr>
            <td colSpan={4}>
              <strong>{t('parts.purchasing.order.total')}</strong>
            </td>
            <td className="num">
              <strong data-testid="print-total">
                <Money amount={order.total} />
              </strong>
            </td>
          </tr>
        </tbody>
      </table>
      {order.note && <p>{order.note}</p>}
      <div className="signatures">
        {signer(t('parts.purchasing.print.drafted'), order.createdBy, order.createdAt)}
        {order.urgency === 'EMERGENCY' && !order.reviewedBy ? (
          <div>
            <strong>{t('parts.purchasing.print.reviewed')}</strong>
            <div className="muted">{t('parts.purchasing.print.fastChannel')}</div>
          </div>
        ) : (
          signer(t('parts.purchasing.print.reviewed'), order.reviewedBy, order.reviewedAt)
        )}
        {signer(t('parts.purchasing.print.approved'), order.approvedBy, order.approvedAt)}
      </div>
    </article>
  );
}
