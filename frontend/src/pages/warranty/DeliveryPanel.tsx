import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../api/useAction';
import { When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import { RetryWarrantyDeliveryDocument, WarrantyDeliveriesDocument, type DeliveryStatus } from '../../gql/graphql';
import { DeliveryStatusPill } from './ReviewBits';
import './Review.css';

const PAGE = 50;
type Tab = DeliveryStatus | 'ALL';
const TABS: Tab[] = ['DEAD', 'PENDING', 'DELIVERED', 'ALL'];

/**
 * 索赔上报状态: how the dealer's claims reached the manufacturer; failed messages (dead
 * letters) are sent again from here. `?claim=<id>` shows one claim's messages.
 */
export function DeliveryPanel() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const claimId = params.get('claim');
  const [tab, setTab] = useState<Tab>(claimId ? 'ALL' : 'DEAD');
  const [pages, setPages] = useState(1);
  const [notice, setNotice] = useState<string | null>(null);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: WarrantyDeliveriesDocument,
    variables: { status: tab === 'ALL' ? null : [tab], claimId, first: PAGE * pages },
    requestPolicy: 'cache-and-network',
  });
  const retry = useAction(RetryWarrantyDeliveryDocument);
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const messages = (data?.warrantyDeliveries.edges ?? []).map((e) => e.node);
  const counts = data?.warrantyDeliveryCounts;

  const sendAgain = async (id: string) => {
    setNotice(null);
    const done = (await retry.run({ id })).data?.retryWarrantyDelivery;
    if (done) {
      setNotice(t('warranty.review.deliveries.retried', { claim: done.claimNumber }));
      reload();
    }
  };

  return (
    <div className="page page-wide" data-testid="page-deliveries">
      <PageHeader
        title={t('warranty.review.deliveries.title')}
        intro={t('warranty.review.deliveries.intro')}
        actions={
          counts && (
            <span className="muted" data-testid="delivery-counts" data-dead={counts.dead}>
              {t('warranty.review.deliveries.counts', counts)}
            </span>
          )
        }
      />
      <div className="inline-list" style={{ marginBottom: 12 }}>
        <div className="segmented segmented-light" role="tablist" aria-label={t('warranty.review.deliveries.status')}>
          {TABS.map((s) => (
            <button
              key={s}
              type="button"
              role="tab"
              aria-selected={tab === s}
              className={tab === s ? 'active' : undefined}
              data-testid={`delivery-tab-${s.toLowerCase()}`}
              onClick={() => {
                setTab(s);
                setPages(1);
              }}
            >
              {t(`warranty.review.deliveries.${s.toLowerCase() as 'dead'}`)}
              {s === 'DEAD' && counts && counts.dead > 0 ? ` (${counts.dead})` : ''}
            </button>
          ))}
        </div>
        {claimId && (
          <button
            type="button"
            className="button button-secondary button-small"
            onClick={() => {
              params.delete('claim');
              setParams(params);
            }}
          >
            {t('warranty.review.deliveries.allClaims')}
          </button>
        )}
      </div>
      {notice && (
        <p className="alert alert-ok" role="status" data-testid="delivery-notice">
          {notice}
        </p>
      )}
      <MutationError error={retry.error} />
      <section className="panel">
        {error ? (
          <ErrorPanel error={error} onRetry={reload} />
        ) : fetching && !data ? (
          <Loading />
        ) : messages.length === 0 ? (
          <p className="empty" data-testid="delivery-empty">
            {tab === 'DEAD' ? t('warranty.review.deliveries.noneDead') : t('warranty.review.deliveries.none')}
          </p>
        ) : (
          <table className="table" data-testid="delivery-table">
            <thead>
              <tr>
                <th>{t('warranty.review.deliveries.claim')}</th>
                <th>{t('warranty.review.deliveries.channel')}</th>
                <th>{t('warranty.review.deliveries.status')}</th>
                <th className="num">{t('warranty.review.deliveries.attempts')}</th>
                <th>{t('warranty.review.deliveries.when')}</th>
                <th>{t('warranty.review.deliveries.error')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <tr key={m.id} data-testid="delivery-row" data-claim={m.claimNumber} data-status={m.status.toLowerCase()}>
                  <td>
                    <Link to={`/warranty/deliveries?claim=${encodeURIComponent(m.claimId)}`} className="mono">
                      {m.claimNumber}
                    </Link>
                    <div className="hint">{t(`warranty.review.deliveryKind.${m.kind.toLowerCase() as 'submit'}`)}</div>
                  </td>
                  <td>{t(`warranty.review.connector.${m.connector.toLowerCase() as 'inbox'}`)}</td>
                  <td>
                    <DeliveryStatusPill status={m.status} />
                  </td>
                  <td className="num">{m.attempts}</td>
                  <td className="hint">
                    {m.status === 'DELIVERED' ? (
                      <When at={m.deliveredAt} />
                    ) : m.inFlight ? (
                      t('warranty.review.deliveries.inFlight')
                    ) : m.nextAttemptAt ? (
                      <>
                        {t('warranty.review.deliveries.nextAttempt')} <When at={m.nextAttemptAt} />
                      </>
                    ) : (
                      <When at={m.createdAt} />
                    )}
                  </td>
                  <td>
                    <span className="delivery-error" data-testid="delivery-error">
                      {m.lastError}
                    </span>
                  </td>
                  <td>
                    {m.canRetry && (
                      <button
                        type="button"
                        className="button button-primary button-small"
                        disabled={retry.pending}
                        data-testid="delivery-retry"
                        onClick={() => void sendAgain(m.id)}
                      >
                        {t('warranty.review.deliveries.retry')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {data?.warrantyDeliveries.pageInfo.hasNextPage && (
          <button type="button" className="button button-secondary" onClick={() => setPages((p) => p + 1)}>
            {t('warranty.review.deliveries.loadMore')}
          </button>
        )}
      </section>
    </div>
  );
}
