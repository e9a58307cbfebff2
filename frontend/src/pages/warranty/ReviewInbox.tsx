import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { Money, When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { WarrantyReviewInboxDocument, type SubmissionStatus } from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { ClaimStatusPill, ClaimTypeText } from './ReviewBits';

const PAGE = 50;

/** 索赔审核: the manufacturer's inbox of received claims, across the dealers the viewer reviews. */
export function ReviewInbox() {
  const { t } = useTranslation();
  const local = useLocalized();
  const navigate = useNavigate();
  const [status, setStatus] = useState<SubmissionStatus>('RECEIVED');
  const [dealerId, setDealerId] = useState('');
  const [search, setSearch] = useState('');
  const [pages, setPages] = useState(1);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: WarrantyReviewInboxDocument,
    variables: { status: [status], dealerId: dealerId || null, search: search.trim() || null, first: PAGE * pages },
    requestPolicy: 'cache-and-network',
  });
  const items = (data?.warrantyReviewInbox.edges ?? []).map((e) => e.node);
  const dealers = data?.warrantyReviewDealers ?? [];
  const open = (id: string) => navigate(`/warranty/review/${encodeURIComponent(id)}`);

  return (
    <div className="page page-wide" data-testid="page-review-inbox">
      <PageHeader title={t('warranty.review.inbox.title')} intro={t('warranty.review.inbox.intro')} />
      <div className="inline-list" style={{ marginBottom: 12 }}>
        <div className="segmented segmented-light" role="tablist" aria-label={t('warranty.review.inbox.status')}>
          {(['RECEIVED', 'DECIDED'] as const).map((s) => (
            <button
              key={s}
              type="button"
              role="tab"
              aria-selected={status === s}
              className={status === s ? 'active' : undefined}
              data-testid={`review-tab-${s.toLowerCase()}`}
              onClick={() => {
                setStatus(s);
                setPages(1);
              }}
            >
              {s === 'RECEIVED' ? t('warranty.review.inbox.waiting') : t('warranty.review.inbox.answered')}
            </button>
          ))}
        </div>
        <select
          className="select"
          aria-label={t('warranty.review.inbox.dealer')}
          value={dealerId}
          data-testid="review-dealer-filter"
          onChange={(e) => setDealerId(e.target.value)}
        >
          <option value="">{t('warranty.review.inbox.allDealers')}</option>
          {dealers.map((d) => (
            <option key={d.id} value={d.id}>
              {d.code} {local(d.name, d.nameZh)}
            </option>
          ))}
        </select>
        <input
          className="input"
          type="search"
          aria-label={t('warranty.review.inbox.search')}
          placeholder={t('warranty.review.inbox.search')}
          value={search}
          data-testid="review-search"
          onChange={(e) => setSearch(e.target.value)}
        />
      </div>
      <section className="panel">
        {error ? (
          <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
        ) : fetching && !data ? (
          <Loading />
        ) : items.length === 0 ? (
          <p className="empty" data-testid="review-empty">
            {status === 'RECEIVED' ? t('warranty.review.inbox.none') : t('warranty.review.inbox.noneAnswered')}
          </p>
        ) : (
          <table className="table" data-testid="review-inbox">
            <thead>
              <tr>
                <th>{t('warranty.review.inbox.received')}</th>
                <th>{t('warranty.review.inbox.dealer')}</th>
                <th>{t('warranty.review.inbox.claim')}</th>
                <th>{t('warranty.review.inbox.type')}</th>
                <th>{t('warranty.review.inbox.vin')}</th>
                <th className="num">{t('warranty.review.inbox.requested')}</th>
                <th className="num">{t('warranty.review.inbox.approved')}</th>
                <th>{t('warranty.review.inbox.status')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr
                  key={item.id}
                  data-testid="review-row"
                  data-number={item.claim?.number ?? ''}
                  tabIndex={0}
                  style={{ cursor: 'pointer' }}
                  onClick={() => open(item.id)}
                  onKeyDown={(e) => e.key === 'Enter' && open(item.id)}
                >
                  <td>
                    <When at={item.receivedAt} />
                  </td>
                  <td>
                    <span className="mono">{item.dealer?.code}</span>
                    <div className="hint">{item.dealer ? local(item.dealer.name, item.dealer.nameZh) : ''}</div>
                  </td>
                  <td>
                    <Link to={`/warranty/review/${encodeURIComponent(item.id)}`} className="mono" onClick={(e) => e.stopPropagation()}>
                      {item.claim?.number}
                    </Link>
                    {(item.claim?.submissionCount ?? 1) > 1 && (
                      <div className="hint">{t('warranty.review.inbox.round', { round: item.claim?.submissionCount })}</div>
                    )}
                  </td>
                  <td>{item.claim && <ClaimTypeText type={item.claim.claimType} />}</td>
                  <td className="mono">{item.claim?.vin}</td>
                  <td className="num">
                    <Money amount={item.claim?.requestedAmount} />
                  </td>
                  <td className="num">
                    <Money amount={item.claim?.approvedAmount} />
                  </td>
                  <td>{item.claim && <ClaimStatusPill status={item.claim.status} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {data?.warrantyReviewInbox.pageInfo.hasNextPage && (
          <button type="button" className="button button-secondary" onClick={() => setPages((p) => p + 1)}>
            {t('warranty.review.inbox.loadMore')}
          </button>
        )}
      </section>
    </div>
  );
}
