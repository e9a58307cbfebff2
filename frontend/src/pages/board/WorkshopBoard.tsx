import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useQuery, useSubscription } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useLiveStatus, type LiveStatus } from '../../api/live';
import { StatusPill } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { dealerTime } from '../../dates';
import { WorkshopBoardChangedDocument, WorkshopBoardDocument, type BoardOrderFieldsFragment } from '../../gql/graphql';
import { useViewer } from '../../session';

type View = 'status' | 'bay' | 'technician';

const STATUS_COLUMNS = ['open', 'awaiting_approval', 'approved', 'in_progress', 'work_done', 'ready', 'settled'];

interface Column {
  key: string;
  title: string;
  orders: BoardOrderFieldsFragment[];
}

/**
 * The board query, refetched whenever the server announces a change over the socket.
 * `changes` counts the announcements seen (the page shows when the last one came).
 */
export function useLiveBoard() {
  const [result, refetch] = useQuery({ query: WorkshopBoardDocument, requestPolicy: 'cache-and-network' });
  const [changes, setChanges] = useState(0);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  useSubscription({ query: WorkshopBoardChangedDocument }, (_previous, event) => {
    setChanges((n) => n + 1);
    return event;
  });
  useEffect(() => {
    if (changes > 0) refetch({ requestPolicy: 'network-only' });
  }, [changes, refetch]);
  useEffect(() => {
    if (result.data && !result.stale) setUpdatedAt(new Date());
  }, [result.data, result.stale]);
  return { ...result, refetch, changes, updatedAt };
}

export function LiveIndicator({ status }: { status: LiveStatus }) {
  const { t } = useTranslation();
  const text = status === 'live' ? t('board.live') : status === 'connecting' ? t('board.connecting') : t('board.offline');
  return (
    <span className={`live-indicator ${status}`} role="status" aria-live="polite" data-testid="live-indicator" data-state={status}>
      {text}
    </span>
  );
}

/** 维修管理看板: open orders by status, bay or technician; late and waiting-for-parts stand out. */
export function WorkshopBoard() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const live = useLiveStatus();
  const [view, setView] = useState<View>(() => (localStorage.getItem('dn.boardView') as View | null) ?? 'status');
  const { data, error, fetching, refetch, changes, updatedAt } = useLiveBoard();
  const orders = useMemo(() => data?.workshopBoard.orders ?? [], [data]);

  const choose = useCallback((next: View) => {
    setView(next);
    try {
      localStorage.setItem('dn.boardView', next);
    } catch {
      // not kept; the choice still applies
    }
  }, []);

  // Keys for a screen on the workshop wall: 1 / 2 / 3 switch the view, R refreshes.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.ctrlKey || event.metaKey || event.altKey || target?.closest('input, select, textarea')) return;
      const views: Record<string, View> = { '1': 'status', '2': 'bay', '3': 'technician' };
      if (views[event.key]) choose(views[event.key]!);
      else if (event.key === 'r' || event.key === 'R') refetch({ requestPolicy: 'network-only' });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [choose, refetch]);

  const columns = useMemo<Column[]>(() => {
    if (view === 'status') {
      return STATUS_COLUMNS.map((status) => ({
        key: status,
        title: t(`status.order.${status}` as 'status.order.open'),
        orders: orders.filter((o) => o.status.toLowerCase() === status),
      }));
    }
    if (view === 'bay') {
      const bays = new Map<string, Column>();
      for (const o of orders) {
        const key = o.bay?.code ?? '';
        if (!bays.has(key)) bays.set(key, { key: key || '-', title: o.bay ? `${o.bay.code} ${o.bay.name}` : t('board.noBay'), orders: [] });
        bays.get(key)!.orders.push(o);
      }
      return [...bays.entries()].sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b))).map(([, c]) => c);
    }
    const people = new Map<string, Column>();
    const unassigned: Column = { key: '-', title: t('board.unassigned'), orders: [] };
    for (const tech of data?.workshopBoard.technicians ?? []) {
      people.set(tech.technician.id, { key: tech.technician.id, title: tech.technician.displayName, orders: [] });
    }
    for (const o of orders) {
      const ids = new Set(o.jobs.map((j) => j.technician?.id).filter((x): x is string => !!x));
      if (ids.size === 0) unassigned.orders.push(o);
      for (const j of o.jobs) {
        if (!j.technician || !ids.has(j.technician.id)) continue;
        ids.delete(j.technician.id);
        if (!people.has(j.technician.id)) people.set(j.technician.id, { key: j.technician.id, title: j.technician.displayName, orders: [] });
        people.get(j.technician.id)!.orders.push(o);
      }
    }
    return [unassigned, ...people.values()];
  }, [view, orders, data, t]);

  return (
    <div className="page page-full" data-testid="page-board">
      <PageHeader title={t('board.title')} intro={t('board.intro')} />
      <div className="board-toolbar">
        <div className="segmented segmented-light" role="group" aria-label={t('board.title')}>
          {(['status', 'bay', 'technician'] as const).map((v) => (
            <button
              key={v}
              type="button"
              aria-pressed={view === v}
              aria-keyshortcuts={v === 'status' ? '1' : v === 'bay' ? '2' : '3'}
              className={view === v ? 'active' : undefined}
              data-testid={`board-view-${v}`}
              onClick={() => choose(v)}
            >
              {t(v === 'status' ? 'board.byStatus' : v === 'bay' ? 'board.byBay' : 'board.byTechnician')}
            </button>
          ))}
        </div>
        <LiveIndicator status={live} />
        <span className="muted" data-testid="board-count" data-changes={changes}>
          {t('board.orders', { count: orders.length })}
          {updatedAt && ` · ${t('board.updated', { time: updatedAt.toLocaleTimeString() })}`}
        </span>
        <button
          type="button"
          className="button button-secondary button-small"
          aria-keyshortcuts="R"
          title={t('board.keys')}
          onClick={() => refetch({ requestPolicy: 'network-only' })}
        >
          {t('common.refresh')}
        </button>
        <span className="hint">{t('board.keys')}</span>
      </div>
      {error ? (
        <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : fetching && !data ? (
        <Loading />
      ) : (
        <div className="board" data-testid="board" data-view={view}>
          {columns.map((column) => (
            <section key={column.key} className="board-column" aria-label={column.title} data-testid="board-column" data-column={column.key}>
              <h2>
                <span>{column.title}</span>
                <span className="muted">{column.orders.length}</span>
              </h2>
              {column.orders.map((o) => (
                <BoardCard key={o.id} order={o} linked={can(viewer, 'repair_order', 'read')} />
              ))}
            </section>
          ))}
        </div>
      )}
      {!error && data && orders.length === 0 && <p className="empty">{t('board.empty')}</p>}
    </div>
  );
}

function BoardCard({ order: o, linked }: { order: BoardOrderFieldsFragment; linked: boolean }) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const zone = viewer.currentDealer?.timeZone;
  const technicians = [...new Set(o.jobs.map((j) => j.technician?.displayName).filter(Boolean))];
  const body = (
    <>
      <div className="board-card-top">
        <span className="plate">{o.vehicle.plate || '—'}</span>
        <span className="mono muted">{o.number.split('-').slice(-1)[0]}</span>
      </div>
      <div className="meta">
        <span>{o.vehicle.model}</span>
        <span>{o.customerName}</span>
      </div>
      <div className="meta">
        <span title={t('orders.advisor')}>{o.advisor.displayName}</span>
        {o.promisedAt && (
          <span title={t('orders.promised')} className={o.late ? 'field-error' : undefined}>
            ⏱ {dealerTime(o.promisedAt, zone)}
          </span>
        )}
        {technicians.length > 0 && <span title={t('order.technician')}>🔧 {technicians.join(', ')}</span>}
      </div>
      {o.jobs.length > 0 && (
        <ul className="jobs">
          {o.jobs.map((j) => (
            <li key={j.id}>
              <span>{j.operationCode ?? ''} {j.description}</span>
              <StatusPill family="job" value={j.jobStatus} />
            </li>
          ))}
        </ul>
      )}
      <div className="flags">
        <StatusPill family="order" value={o.status} />
        {o.waitingForParts && <span className="pill pill-warn" data-testid="flag-waiting-parts">{t('board.waitingParts')}</span>}
        {o.late && <span className="pill pill-danger" data-testid="flag-late">{t('board.late')}</span>}
        {o.reworkCount > 0 && <span className="pill pill-danger">{t('order.reworks', { count: o.reworkCount })}</span>}
      </div>
    </>
  );
  const className = `board-card${o.waitingForParts ? ' waiting' : ''}${o.late ? ' late' : ''}`;
  const attrs = { 'data-testid': 'board-card', 'data-order-id': o.id, 'data-order-number': o.number, 'data-status': o.status.toLowerCase() };
  return linked ? (
    <Link className={className} to={`/orders/${o.id}`} {...attrs}>
      {body}
    </Link>
  ) : (
    <div className={className} {...attrs}>
      {body}
    </div>
  );
}
