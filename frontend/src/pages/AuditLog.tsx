import { Fragment, useState } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { AuditLogDocument, type AuditLogQuery } from '../gql/graphql';
import { ErrorPanel, Loading } from '../components/Feedback';
import { formatDateTime, useLocalized, usePageTitle } from '../localize';
import { useViewer } from '../session';

const PAGE_SIZE = 50;
type Entry = AuditLogQuery['auditLog']['edges'][number]['node'];

/** 审计日志: the current dealer's append-only change log, newest first. */
export function AuditLog() {
  const { t } = useTranslation();
  const local = useLocalized();
  const viewer = useViewer();
  const dealer = viewer.currentDealer;
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  usePageTitle(t('audit.title'));

  return (
    <div className="page" data-testid="page-audit-log">
      <header className="page-header">
        <h1>{t('audit.title')}</h1>
        {dealer && (
          <p className="muted">
            {t('audit.intro', { dealer: local(dealer.name, dealer.nameZh) })}{' '}
            <span className="hint">{t('audit.timesIn', { zone: dealer.timeZone })}</span>
          </p>
        )}
      </header>
      <section className="panel" data-testid="audit">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('audit.at')}</th>
              <th scope="col">{t('audit.actor')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.object')}</th>
              <th scope="col">{t('audit.details')}</th>
            </tr>
          </thead>
          {cursors.map((after, index) => (
            <AuditPage
              key={after ?? 'first'}
              after={after}
              first={index === 0}
              last={index === cursors.length - 1}
              onMore={(cursor) => setCursors((c) => [...c, cursor])}
            />
          ))}
        </table>
      </section>
    </div>
  );
}

function AuditPage({
  after,
  first,
  last,
  onMore,
}: {
  after: string | null;
  first: boolean;
  last: boolean;
  onMore: (cursor: string) => void;
}) {
  const { t } = useTranslation();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: AuditLogDocument,
    variables: { first: PAGE_SIZE, after },
  });
  const edges = data?.auditLog.edges ?? [];
  const pageInfo = data?.auditLog.pageInfo;

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
            {t('audit.empty')}
          </td>
        </tr>
      )}
      {edges.map(({ node }) => (
        <AuditRow key={node.id} entry={node} />
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

function pretty(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2);
}

function AuditRow({ entry }: { entry: Entry }) {
  const { t, i18n } = useTranslation();
  const viewer = useViewer();
  const [open, setOpen] = useState(false);
  const before = pretty(entry.before);
  const after = pretty(entry.after);
  const hasChange = Boolean(before || after);

  return (
    <Fragment>
      <tr data-testid="audit-row">
        <td className="nowrap">{formatDateTime(entry.at, i18n.language, viewer.currentDealer?.timeZone)}</td>
        <td>{entry.actorName || <span className="muted">{t('audit.system')}</span>}</td>
        <td>
          <code className="action">{entry.action}</code>
        </td>
        <td className="mono" title={entry.requestId ? `request ${entry.requestId}` : undefined}>
          {entry.objectType} <span className="muted">#{entry.objectId}</span>
        </td>
        <td>
          {hasChange && (
            <button type="button" className="why-toggle" aria-expanded={open} onClick={() => setOpen((v) => !v)}>
              <span className="chevron" aria-hidden="true">{open ? '▾' : '▸'}</span>
              {open ? t('audit.hide') : t('audit.show')}
            </button>
          )}
        </td>
      </tr>
      {open && (
        <tr className="detail-row">
          <td colSpan={5}>
            <div className="diff">
              <div>
                <div className="diff-title">{t('audit.before')}</div>
                <pre>{before || t('app.none')}</pre>
              </div>
              <div>
                <div className="diff-title">{t('audit.after')}</div>
                <pre>{after || t('app.none')}</pre>
              </div>
            </div>
          </td>
        </tr>
      )}
    </Fragment>
  );
}
