import { useCallback, useEffect, useState } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { DealerStaffDocument, HeadcountDocument } from '../gql/graphql';
import { ErrorPanel, Loading } from '../components/Feedback';
import { can } from '../access';
import { useLocalized, usePageTitle } from '../localize';
import { useViewer } from '../session';

const PAGE_SIZE = 50;

/** 员工与岗位编制: the current dealer's staff with their roles, and headcount per role. */
export function Staff() {
  const { t } = useTranslation();
  const local = useLocalized();
  const viewer = useViewer();
  const dealer = viewer.currentDealer;
  usePageTitle(t('staff.title'));

  return (
    <div className="page" data-testid="page-staff">
      <header className="page-header">
        <h1>{t('staff.title')}</h1>
        {dealer && <p className="muted">{t('staff.intro', { dealer: local(dealer.name, dealer.nameZh) })}</p>}
      </header>
      {can(viewer, 'network.headcount', 'read') && <HeadcountPanel />}
      <StaffPanel />
    </div>
  );
}

function HeadcountPanel() {
  const { t } = useTranslation();
  const local = useLocalized();
  const [{ data, error, fetching }, refetch] = useQuery({ query: HeadcountDocument });
  const lines = data?.viewer?.currentDealer?.headcount ?? [];
  const total = lines.reduce(
    (sum, l) => ({ planned: sum.planned + l.planned, filled: sum.filled + l.filled, vacant: sum.vacant + l.vacant }),
    { planned: 0, filled: 0, vacant: 0 },
  );

  return (
    <section className="panel" aria-labelledby="headcount-heading" data-testid="headcount">
      <div className="panel-header">
        <h2 id="headcount-heading">{t('staff.headcount')}</h2>
      </div>
      {error ? (
        <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : fetching && !data ? (
        <Loading />
      ) : lines.length === 0 ? (
        <p className="empty">{t('staff.noHeadcount')}</p>
      ) : (
        <>
        <div className="stats" data-testid="headcount-totals">
          <div className="stat">
            <div className="stat-label">{t('staff.planned')}</div>
            <div className="stat-value">{total.planned}</div>
          </div>
          <div className="stat">
            <div className="stat-label">{t('staff.filled')}</div>
            <div className="stat-value">{total.filled}</div>
          </div>
          <div className={`stat${total.vacant > 0 ? ' stat-warn' : ''}`}>
            <div className="stat-label">{t('staff.vacant')}</div>
            <div className="stat-value">{total.vacant}</div>
          </div>
        </div>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('staff.role')}</th>
              <th scope="col" className="num">{t('staff.planned')}</th>
              <th scope="col" className="num">{t('staff.filled')}</th>
              <th scope="col" className="num">{t('staff.vacant')}</th>
              <th scope="col" className="fill-col" aria-hidden="true" />
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => (
              <tr key={line.roleKey} data-testid="headcount-row" data-role={line.roleKey}>
                <th scope="row">{local(line.role.name, line.role.nameZh)}</th>
                <td className="num">{line.planned}</td>
                <td className="num">{line.filled}</td>
                <td className="num">
                  {line.vacant > 0 ? (
                    <span className="pill pill-warn">{line.vacant}</span>
                  ) : line.filled > line.planned ? (
                    <span className="pill pill-info">{t('staff.overStaffed', { count: line.filled - line.planned })}</span>
                  ) : (
                    <span className="muted" title={t('staff.fullyStaffed')}>0</span>
                  )}
                </td>
                <td className="fill-col" aria-hidden="true">
                  <FillBar planned={line.planned} filled={line.filled} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </>
      )}
    </section>
  );
}

function FillBar({ planned, filled }: { planned: number; filled: number }) {
  const ratio = planned > 0 ? Math.min(filled / planned, 1) : filled > 0 ? 1 : 0;
  return (
    <div className="fillbar">
      <div className={`fillbar-value${filled < planned ? ' short' : ''}`} style={{ width: `${ratio * 100}%` }} />
    </div>
  );
}

function StaffPanel() {
  const { t } = useTranslation();
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [counts, setCounts] = useState<Record<number, number>>({});
  const shown = Object.values(counts).reduce((a, b) => a + b, 0);
  const countSetter = useCallback(
    (index: number) => (n: number) => setCounts((c) => (c[index] === n ? c : { ...c, [index]: n })),
    [],
  );

  return (
    <section className="panel" aria-labelledby="staff-heading" data-testid="staff">
      <div className="panel-header">
        <h2 id="staff-heading">{t('staff.staff')}</h2>
        <span className="muted">{t('staff.staffCount', { count: shown })}</span>
      </div>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t('staff.name')}</th>
            <th scope="col">{t('staff.username')}</th>
            <th scope="col">{t('staff.postTitle')}</th>
            <th scope="col">{t('staff.roles')}</th>
            <th scope="col">{t('staff.status')}</th>
          </tr>
        </thead>
        {cursors.map((after, index) => (
          <StaffPage
            key={after ?? 'first'}
            after={after}
            last={index === cursors.length - 1}
            first={index === 0}
            onCount={countSetter(index)}
            onMore={(cursor) => setCursors((c) => [...c, cursor])}
          />
        ))}
      </table>
    </section>
  );
}

function StaffPage({
  after,
  first,
  last,
  onCount,
  onMore,
}: {
  after: string | null;
  first: boolean;
  last: boolean;
  onCount: (n: number) => void;
  onMore: (cursor: string) => void;
}) {
  const { t } = useTranslation();
  const local = useLocalized();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: DealerStaffDocument,
    variables: { first: PAGE_SIZE, after },
  });
  const staff = data?.viewer?.currentDealer?.staff;
  const edges = staff?.edges ?? [];
  const pageInfo = staff?.pageInfo;
  const count = data ? edges.length : 0;
  useEffect(() => onCount(count), [count, onCount]);

  return (
    <tbody>
      {error && (
        <tr>
          <td colSpan={5}>
            <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
          </td>
        </tr>
      )}
      {fetching && !data && (
        <tr>
          <td colSpan={5}>
            <Loading />
          </td>
        </tr>
      )}
      {first && data && edges.length === 0 && (
        <tr>
          <td colSpan={5} className="empty">
            {t('staff.noStaff')}
          </td>
        </tr>
      )}
      {edges.map(({ node }) => (
        <tr key={node.id} data-testid="staff-row" className={node.active ? undefined : 'inactive'}>
          <th scope="row">{node.user?.displayName ?? t('app.none')}</th>
          <td className="mono">{node.user?.username}</td>
          <td>{node.title || <span className="muted">{t('app.none')}</span>}</td>
          <td>
            <ul className="chips">
              {node.roles.map((role) => (
                <li key={role.key} className="chip" data-role={role.key}>
                  {local(role.name, role.nameZh)}
                </li>
              ))}
            </ul>
          </td>
          <td>
            {node.active ? (
              <span className="muted">{t('staff.active')}</span>
            ) : (
              <span className="pill pill-muted">{t('staff.inactive')}</span>
            )}
          </td>
        </tr>
      ))}
      {last && pageInfo?.hasNextPage && pageInfo.endCursor && (
        <tr className="more-row">
          <td colSpan={5}>
            <button type="button" className="button button-secondary" onClick={() => onMore(pageInfo.endCursor!)}>
              {t('app.loadMore')}
            </button>
          </td>
        </tr>
      )}
    </tbody>
  );
}
