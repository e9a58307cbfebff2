import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { RevisitQueueDocument } from '../../gql/graphql';
import { CallWindowBanner, RevisitStatusPill } from './RevisitBits';

/** 回访清单: who to call now, overdue first; j/k or arrows move, Enter opens the call. */
export function RevisitQueue() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [mine, setMine] = useState(true);
  const [selected, setSelected] = useState(0);
  const rows = useRef<(HTMLTableRowElement | null)[]>([]);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: RevisitQueueDocument,
    variables: { mine, first: 100 },
    requestPolicy: 'cache-and-network',
  });
  const queue = data?.revisitQueue;
  const items = queue?.items ?? [];

  useEffect(() => {
    if (items.length > 0) rows.current[Math.min(selected, items.length - 1)]?.focus();
    // focus follows the selection, so the list is worked with the keyboard alone
  }, [selected, items.length]);

  const onKeyDown = (event: KeyboardEvent<HTMLTableSectionElement>) => {
    if (items.length === 0) return;
    if (event.key === 'j' || event.key === 'ArrowDown') {
      event.preventDefault();
      setSelected((s) => Math.min(s + 1, items.length - 1));
    } else if (event.key === 'k' || event.key === 'ArrowUp') {
      event.preventDefault();
      setSelected((s) => Math.max(s - 1, 0));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const item = items[Math.min(selected, items.length - 1)];
      if (item) navigate(`/care/revisits/${encodeURIComponent(item.id)}`);
    }
  };

  return (
    <div className="page page-wide" data-testid="page-revisit-queue">
      <PageHeader title={t('care.revisits.queue.title')} intro={t('care.revisits.queue.intro')} />
      <div className="segmented segmented-light" role="tablist" aria-label={t('care.revisits.queue.title')} style={{ marginBottom: 12 }}>
        {([true, false] as const).map((value) => (
          <button
            key={String(value)}
            type="button"
            role="tab"
            aria-selected={mine === value}
            className={mine === value ? 'active' : undefined}
            data-testid={`revisit-queue-${value ? 'mine' : 'all'}`}
            onClick={() => {
              setMine(value);
              setSelected(0);
            }}
          >
            {value ? t('care.revisits.queue.mine') : t('care.revisits.queue.all')}
          </button>
        ))}
      </div>
      {error && <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />}
      {!queue && fetching && <Loading />}
      {queue && (
        <>
          <CallWindowBanner state={queue} />
          <div className="revisit-counts" data-testid="revisit-counts">
            <span>
              <strong data-testid="revisit-count-due">{queue.dueNow}</strong>
              {t('care.revisits.queue.dueNow')}
            </span>
            <span>
              <strong data-testid="revisit-count-overdue">{queue.overdue}</strong>
              {t('care.revisits.queue.overdue')}
            </span>
            <span>
              <strong>{queue.waiting}</strong>
              {t('care.revisits.queue.waiting')}
            </span>
            <span>
              <strong>{queue.contactChecks}</strong>
              <Link to="/care/contact-checks">{t('care.revisits.queue.contactChecks')}</Link>
            </span>
          </div>
          <p className="muted" id="revisit-queue-keys">
            {t('care.revisits.queue.keys')}
          </p>
          {items.length === 0 ? (
            <p className="muted" data-testid="revisit-queue-empty">
              {t('care.revisits.queue.empty')}
            </p>
          ) : (
            <table className="table revisit-queue" data-testid="revisit-queue" aria-describedby="revisit-queue-keys">
              <thead>
                <tr>
                  <th>{t('care.revisits.queue.order')}</th>
                  <th>{t('care.revisits.queue.customer')}</th>
                  <th>{t('care.revisits.queue.vehicle')}</th>
                  <th>{t('care.revisits.queue.dueBy')}</th>
                  <th className="num">{t('care.revisits.queue.attempts')}</th>
                  <th>{t('care.revisits.queue.nextCall')}</th>
                  <th>{t('care.revisits.queue.assignee')}</th>
                  <th />
                </tr>
              </thead>
              <tbody onKeyDown={onKeyDown}>
                {items.map((r, i) => (
                  <tr
                    key={r.id}
                    ref={(el) => {
                      rows.current[i] = el;
                    }}
                    tabIndex={i === selected ? 0 : -1}
                    aria-selected={i === selected}
                    data-testid="revisit-row"
                    data-order={r.orderNumber}
                    onFocus={() => setSelected(i)}
                  >
                    <td>{r.orderNumber}</td>
                    <td>
                      {r.customerName}
                      <div className="muted">{r.customerPhone}</div>
                    </td>
                    <td>
                      {r.plate} <span className="muted">{r.model}</span>
                    </td>
                    <td>
                      {r.dueBy}{' '}
                      {r.overdue && <span className="pill pill-warn">{t('care.revisits.queue.overduePill')}</span>}
                    </td>
                    <td className="num">{r.attempts}</td>
                    <td>
                      <When at={r.nextCallAt} />
                      {r.callbackRequested && <span className="pill pill-info"> {t('care.revisits.queue.callback')}</span>}
                    </td>
                    <td>{r.assigneeName ?? '—'}</td>
                    <td>
                      <RevisitStatusPill status={r.status} />{' '}
                      <Link to={`/care/revisits/${encodeURIComponent(r.id)}`} tabIndex={-1}>
                        {t('care.revisits.queue.open')}
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}
