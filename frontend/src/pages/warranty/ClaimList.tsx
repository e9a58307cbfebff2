import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { Money, When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { useDebounced } from '../../components/SearchPicker';
import { WarrantyClaimsDocument, type WarrantyClaimStatus, type WarrantyClaimType } from '../../gql/graphql';
import { useViewer } from '../../session';
import { ClaimStatusPill } from './ClaimBits';
import { ClaimTerms } from './ClaimTerms';

export const CLAIM_STATUSES: WarrantyClaimStatus[] = [
  'DRAFT',
  'SUBMITTED',
  'ACCEPTED',
  'RETURNED',
  'APPROVED',
  'PARTIALLY_APPROVED',
  'REJECTED',
  'PAID',
  'CANCELLED',
];
export const CLAIM_TYPES: WarrantyClaimType[] = ['STANDARD', 'FIRST_SERVICE', 'CAMPAIGN', 'GOODWILL'];
const PAGE = 50;

/** 索赔申请: the dealer's claims, newest first, filtered by status, type, period and text. */
export function ClaimList() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const navigate = useNavigate();
  const [status, setStatus] = useState<WarrantyClaimStatus | ''>('');
  const [claimType, setClaimType] = useState<WarrantyClaimType | ''>('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [text, setText] = useState('');
  const [pages, setPages] = useState<(string | null)[]>([null]);
  const search = useDebounced(text.trim());
  const filters = {
    status: status ? [status] : null,
    claimType: claimType ? [claimType] : null,
    createdFrom: from || null,
    createdTo: to || null,
    search: search || null,
  };
  const reset = () => setPages([null]);

  return (
    <div className="page page-wide" data-testid="page-claims">
      <PageHeader
        title={t('warranty.claims.title')}
        intro={t('warranty.claims.intro')}
        actions={
          can(viewer, 'warranty_claim', 'create') && (
            <Link className="button button-primary" to="/warranty/claims/new" data-testid="new-claim">
              {t('warranty.claims.newClaim')}
            </Link>
          )
        }
      />
      <section className="panel">
        <form className="form-grid" aria-label={t('warranty.claims.list.filters')} onSubmit={(e) => e.preventDefault()}>
          <label className="control">
            <span>{t('warranty.claims.list.status')}</span>
            <select
              className="select"
              value={status}
              data-testid="claims-status-filter"
              onChange={(e) => {
                setStatus(e.target.value as WarrantyClaimStatus | '');
                reset();
              }}
            >
              <option value="">{t('warranty.claims.list.allStatuses')}</option>
              {CLAIM_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`warranty.claims.status.${s.toLowerCase()}` as 'warranty.claims.status.draft')}
                </option>
              ))}
            </select>
          </label>
          <label className="control">
            <span>{t('warranty.claims.list.type')}</span>
            <select
              className="select"
              value={claimType}
              onChange={(e) => {
                setClaimType(e.target.value as WarrantyClaimType | '');
                reset();
              }}
            >
              <option value="">{t('warranty.claims.list.allTypes')}</option>
              {CLAIM_TYPES.map((c) => (
                <option key={c} value={c}>
                  {t(`warranty.claims.type.${c.toLowerCase()}` as 'warranty.claims.type.standard')}
                </option>
              ))}
            </select>
          </label>
          <label className="control">
            <span>{t('warranty.claims.list.from')}</span>
            <input className="input" type="date" value={from} onChange={(e) => (setFrom(e.target.value), reset())} />
          </label>
          <label className="control">
            <span>{t('warranty.claims.list.to')}</span>
            <input className="input" type="date" value={to} onChange={(e) => (setTo(e.target.value), reset())} />
          </label>
          <label className="control span-2">
            <span>{t('warranty.claims.list.search')}</span>
            <input
              className="input"
              type="search"
              placeholder={t('warranty.claims.list.searchPlaceholder')}
              value={text}
              data-testid="claims-search"
              onChange={(e) => (setText(e.target.value), reset())}
            />
          </label>
        </form>
      </section>
      <section className="panel">
        <table className="table" data-testid="claims-table">
          <thead>
            <tr>
              <th scope="col">{t('warranty.claims.list.number')}</th>
              <th scope="col">{t('warranty.claims.list.order')}</th>
              <th scope="col">{t('warranty.claims.list.vin')}</th>
              <th scope="col">{t('warranty.claims.list.fault')}</th>
              <th scope="col">{t('warranty.claims.list.type')}</th>
              <th scope="col">{t('warranty.claims.list.status')}</th>
              <th scope="col" className="num">
                {t('warranty.claims.list.requested')}
              </th>
              <th scope="col" className="num">
                {t('warranty.claims.list.approved')}
              </th>
              <th scope="col">{t('warranty.claims.list.created')}</th>
            </tr>
          </thead>
          {pages.map((after, n) => (
            <ClaimPage
              key={`${n}:${after ?? ''}`}
              variables={{ ...filters, first: PAGE, after }}
              last={n === pages.length - 1}
              first={n === 0}
              onMore={(cursor) => setPages([...pages, cursor])}
              onOpen={(id) => navigate(`/warranty/claims/${id}`)}
            />
          ))}
        </table>
      </section>
      <ClaimTerms />
    </div>
  );
}

interface PageVariables {
  status: WarrantyClaimStatus[] | null;
  claimType: WarrantyClaimType[] | null;
  createdFrom: string | null;
  createdTo: string | null;
  search: string | null;
  first: number;
  after: string | null;
}

/** One page of the list (its own query): "load more" appends the next one below. */
function ClaimPage({
  variables,
  first,
  last,
  onMore,
  onOpen,
}: {
  variables: PageVariables;
  first: boolean;
  last: boolean;
  onMore: (cursor: string) => void;
  onOpen: (id: string) => void;
}) {
  const { t } = useTranslation();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: WarrantyClaimsDocument,
    variables,
    requestPolicy: 'cache-and-network',
  });
  const claims = (data?.warrantyClaims.edges ?? []).map((e) => e.node);
  const info = data?.warrantyClaims.pageInfo;
  const status = (content: React.ReactNode) => (
    <tbody>
      <tr>
        <td colSpan={9}>{content}</td>
      </tr>
    </tbody>
  );
  if (error) return status(<ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />);
  if (fetching && !data) return status(<Loading />);
  if (first && claims.length === 0) return status(<p className="empty">{t('warranty.claims.list.empty')}</p>);
  return (
    <tbody>
      {claims.map((c) => (
        <tr
          key={c.id}
          data-testid="claim-row"
          data-claim-number={c.number}
          data-status={c.status.toLowerCase()}
          tabIndex={0}
          style={{ cursor: 'pointer' }}
          onClick={() => onOpen(c.id)}
          onKeyDown={(e) => e.key === 'Enter' && onOpen(c.id)}
        >
          <td>
            <Link to={`/warranty/claims/${c.id}`} className="mono" onClick={(e) => e.stopPropagation()}>
              {c.number}
            </Link>
          </td>
          <td className="mono">{c.order?.number}</td>
          <td className="mono">{c.vin}</td>
          <td className="mono">{c.faultCode}</td>
          <td>{t(`warranty.claims.type.${c.claimType.toLowerCase()}` as 'warranty.claims.type.standard')}</td>
          <td>
            <ClaimStatusPill status={c.status} />
          </td>
          <td className="num">
            <Money amount={c.requestedAmount} />
          </td>
          <td className="num">
            <Money amount={c.approvedAmount} />
          </td>
          <td>
            <When at={c.createdAt} />
          </td>
        </tr>
      ))}
      {last && info?.hasNextPage && info.endCursor && (
        <tr className="more-row">
          <td colSpan={9}>
            <button type="button" className="button button-secondary" onClick={() => onMore(info.endCursor!)}>
              {t('app.loadMore')}
            </button>
          </td>
        </tr>
      )}
    </tbody>
  );
}
