import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { RegionSevereComplaintsDocument } from '../../gql/graphql';
import { ComplaintRow } from './ComplaintList';

const PAGE = 50;

/** 大区强烈投诉: the severe complaints of the region's dealers, open first; read only. */
export function RegionComplaints() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [openOnly, setOpenOnly] = useState(true);
  const [pages, setPages] = useState<(string | null)[]>([null]);
  return (
    <div className="page page-wide" data-testid="page-region-complaints">
      <PageHeader title={t('care.complaints.region.title')} intro={t('care.complaints.region.intro')} />
      <section className="panel">
        <label className="check">
          <input
            type="checkbox"
            checked={openOnly}
            data-testid="region-open-only"
            onChange={(e) => {
              setOpenOnly(e.target.checked);
              setPages([null]);
            }}
          />{' '}
          {t('care.complaints.region.openOnly')}
        </label>
      </section>
      <section className="panel">
        <table className="table" data-testid="region-complaints-table">
          <thead>
            <tr>
              <th scope="col">
                {t('care.complaints.list.number')} / {t('care.complaints.region.dealer')}
              </th>
              <th scope="col">{t('care.complaints.list.customer')}</th>
              <th scope="col">{t('care.complaints.list.summary')}</th>
              <th scope="col">{t('care.complaints.ticket.level')}</th>
              <th scope="col">{t('care.complaints.list.status')}</th>
              <th scope="col">{t('care.complaints.list.department')}</th>
              <th scope="col">{t('care.complaints.list.deadline')}</th>
              <th scope="col">{t('care.complaints.list.received')}</th>
            </tr>
          </thead>
          {pages.map((after, n) => (
            <RegionRows
              key={`${openOnly}:${n}:${after ?? ''}`}
              openOnly={openOnly}
              after={after}
              first={n === 0}
              last={n === pages.length - 1}
              onMore={(cursor) => setPages([...pages, cursor])}
              onOpen={(id) => navigate(`/care/complaints/${id}`)}
            />
          ))}
        </table>
      </section>
    </div>
  );
}

function RegionRows({
  openOnly,
  after,
  first,
  last,
  onMore,
  onOpen,
}: {
  openOnly: boolean;
  after: string | null;
  first: boolean;
  last: boolean;
  onMore: (cursor: string) => void;
  onOpen: (id: string) => void;
}) {
  const { t } = useTranslation();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: RegionSevereComplaintsDocument,
    variables: { openOnly, first: PAGE, after },
    requestPolicy: 'cache-and-network',
  });
  const rows = (data?.regionSevereComplaints.edges ?? []).map((e) => e.node);
  const info = data?.regionSevereComplaints.pageInfo;
  const status = (content: React.ReactNode) => (
    <tbody>
      <tr>
        <td colSpan={8}>{content}</td>
      </tr>
    </tbody>
  );
  if (error) return status(<ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />);
  if (fetching && !data) return status(<Loading />);
  if (first && rows.length === 0) return status(<p className="empty">{t('care.complaints.region.empty')}</p>);
  return (
    <tbody>
      {rows.map((c) => (
        <ComplaintRow key={c.id} complaint={c} onOpen={onOpen} showDealer />
      ))}
      {last && info?.hasNextPage && info.endCursor && (
        <tr>
          <td colSpan={8}>
            <button type="button" className="button button-secondary" onClick={() => onMore(info.endCursor as string)}>
              {t('care.complaints.list.more')}
            </button>
          </td>
        </tr>
      )}
    </tbody>
  );
}
