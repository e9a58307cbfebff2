import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { StatusPill, When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { RepairOrdersDocument, type RepairOrderStatus } from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';

const OPEN: RepairOrderStatus[] = ['OPEN', 'AWAITING_APPROVAL', 'APPROVED', 'IN_PROGRESS', 'WORK_DONE', 'READY', 'SETTLED'];

/** 维修工单: the dealer's orders, open ones first; filter by plate, number or customer. */
export function RepairOrders() {
  const { t } = useTranslation();
  const local = useLocalized();
  const viewer = useViewer();
  const navigate = useNavigate();
  const [all, setAll] = useState(false);
  const [filter, setFilter] = useState('');
  const [{ data, error, fetching }, refetch] = useQuery({
    query: RepairOrdersDocument,
    variables: { status: all ? null : OPEN, first: 100 },
    requestPolicy: 'cache-and-network',
  });
  const needle = filter.trim().toLowerCase();
  const orders = (data?.repairOrders.edges ?? [])
    .map((e) => e.node)
    .filter(
      (o) =>
        !needle ||
        o.number.toLowerCase().includes(needle) ||
        (o.vehicle?.plate ?? '').toLowerCase().includes(needle) ||
        (o.vehicle?.plateDisplay ?? '').toLowerCase().includes(needle) ||
        (o.customer?.name ?? '').toLowerCase().includes(needle),
    );
  const dealer = viewer.currentDealer;

  return (
    <div className="page page-wide" data-testid="page-repair-orders">
      <PageHeader
        title={t('orders.title')}
        intro={dealer ? t('orders.intro', { dealer: local(dealer.name, dealer.nameZh) }) : undefined}
        actions={
          can(viewer, 'repair_order', 'create') && (
            <Link className="button button-primary" to="/reception">
              {t('reception.openOrder')}
            </Link>
          )
        }
      />
      <section className="panel">
        <div className="panel-header">
          <input
            className="filter"
            type="search"
            placeholder={t('orders.filter')}
            aria-label={t('orders.filter')}
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
          <label className="inline-list" style={{ alignItems: 'center' }}>
            <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> {t('orders.showClosed')}
          </label>
        </div>
        {error ? (
          <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
        ) : fetching && !data ? (
          <Loading />
        ) : orders.length === 0 ? (
          <p className="empty">{t('orders.none')}</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('orders.number')}</th>
                <th scope="col">{t('orders.vehicle')}</th>
                <th scope="col">{t('orders.customer')}</th>
                <th scope="col">{t('orders.status')}</th>
                <th scope="col">{t('orders.advisor')}</th>
                <th scope="col">{t('orders.promised')}</th>
                <th scope="col">{t('orders.opened')}</th>
              </tr>
            </thead>
            <tbody>
              {orders.map((o) => (
                <tr
                  key={o.id}
                  data-testid="order-row"
                  data-order-number={o.number}
                  tabIndex={0}
                  style={{ cursor: 'pointer' }}
                  onClick={() => navigate(`/orders/${o.id}`)}
                  onKeyDown={(e) => e.key === 'Enter' && navigate(`/orders/${o.id}`)}
                >
                  <td>
                    <Link to={`/orders/${o.id}`} className="mono" onClick={(e) => e.stopPropagation()}>
                      {o.number}
                    </Link>
                  </td>
                  <td>
                    <span className="plate">{o.vehicle?.plateDisplay}</span> <span className="muted">{o.vehicle?.model}</span>
                  </td>
                  <td>{o.customer?.name}</td>
                  <td>
                    <StatusPill family="order" value={o.status} />
                  </td>
                  <td>{o.advisor?.displayName}</td>
                  <td>
                    <When at={o.promisedAt} />
                  </td>
                  <td>
                    <When at={o.openedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
