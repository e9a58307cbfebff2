import { Fragment, useState, type FormEvent } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import {
  HandOverOldPartDocument,
  OldPartsStoreDocument,
  RequestOldPartReturnsDocument,
  ScrapOldPartDocument,
  StoreOldPartDocument,
  type OldPartFieldsFragment,
  type OldPartStatus,
} from '../../gql/graphql';
import { useViewer } from '../../session';
import { OldPartHistory, OldPartStatusPill, PartName } from './OldPartBits';
import { OldPartLedger } from './OldPartLedger';
import { OldPartTagging } from './OldPartTagging';

const STATUSES: OldPartStatus[] = ['TAGGED', 'STORED', 'REQUESTED', 'SHIPPED', 'INSPECTED', 'SCRAPPED', 'HANDED_OVER'];
type Tab = 'store' | 'toTag' | 'ledger';
type Action = 'store' | 'move' | 'request' | 'scrap' | 'handOver' | 'history';

/** 旧件库: the old-parts store with its filters, the lines waiting for a tag and the reconciliation. */
export function OldPartsStore() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>('store');
  const tabs: [Tab, string][] = [
    ['store', t('warranty.oldParts.store.tabStore')],
    ['toTag', t('warranty.oldParts.store.tabToTag')],
    ['ledger', t('warranty.oldParts.store.tabLedger')],
  ];
  return (
    <div className="page page-wide" data-testid="page-old-parts">
      <PageHeader title={t('warranty.oldParts.store.title')} intro={t('warranty.oldParts.store.intro')} />
      <div className="segmented segmented-light" role="tablist" aria-label={t('warranty.oldParts.store.title')} style={{ marginBottom: 12 }}>
        {tabs.map(([key, label]) => (
          <button
            key={key}
            type="button"
            role="tab"
            aria-selected={tab === key}
            className={tab === key ? 'active' : undefined}
            data-testid={`old-parts-tab-${key}`}
            onClick={() => setTab(key)}
          >
            {label}
          </button>
        ))}
      </div>
      {tab === 'store' && <StoreList />}
      {tab === 'toTag' && <OldPartTagging onTagged={() => undefined} />}
      {tab === 'ledger' && <OldPartLedger />}
    </div>
  );
}

function StoreList() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const [status, setStatus] = useState<OldPartStatus | ''>('');
  const [retentionDue, setRetentionDue] = useState(false);
  const [search, setSearch] = useState('');
  const [after, setAfter] = useState<string | null>(null);
  const [active, setActive] = useState<{ id: string; action: Action } | null>(null);
  const [text, setText] = useState('');
  const [{ data, error, fetching }, refetch] = useQuery({
    query: OldPartsStoreDocument,
    variables: { status: status ? [status] : null, retentionDue, search: search.trim() || null, first: 50, after },
    requestPolicy: 'cache-and-network',
  });
  const store = useAction(StoreOldPartDocument);
  const request = useAction(RequestOldPartReturnsDocument);
  const scrap = useAction(ScrapOldPartDocument);
  const handOver = useAction(HandOverOldPartDocument);
  const parts = (data?.oldParts.edges ?? []).map((e) => e.node);
  const mayReceive = can(viewer, 'old_parts', 'receive');
  const mayShip = can(viewer, 'old_parts', 'ship');
  const mayRelease = can(viewer, 'old_parts', 'release');
  const error_ = store.error ?? request.error ?? scrap.error ?? handOver.error;

  const open = (id: string, action: Action) => {
    store.clearError();
    request.clearError();
    scrap.clearError();
    handOver.clearError();
    setText('');
    setActive(active && active.id === id && active.action === action ? null : { id, action });
  };

  const submit = async (event: FormEvent, part: OldPartFieldsFragment, action: Action) => {
    event.preventDefault();
    let ok = false;
    if (action === 'store' || action === 'move') {
      ok = !!(await store.run({ input: { oldPartId: part.id, location: text } })).data;
    } else if (action === 'request') {
      ok = !!(await request.run({ input: { oldPartIds: [part.id], note: text } })).data;
    } else if (action === 'scrap') {
      ok = !!(await scrap.run({ input: { oldPartId: part.id, note: text } })).data;
    } else if (action === 'handOver') {
      ok = !!(await handOver.run({ input: { oldPartId: part.id, note: text } })).data;
    }
    if (ok) {
      setActive(null);
      refetch({ requestPolicy: 'network-only' });
    }
  };

  const actionsOf = (p: OldPartFieldsFragment): Action[] => {
    const list: Action[] = [];
    const waiting = p.status === 'TAGGED' || p.status === 'STORED';
    const customers = !p.mustReturn && !p.claimId;
    if (mayReceive && p.status === 'TAGGED') list.push('store');
    if (mayReceive && (p.status === 'STORED' || p.status === 'REQUESTED')) list.push('move');
    if (mayShip && p.status === 'STORED' && p.claimId) list.push('request');
    if (mayReceive && waiting && (p.retentionOver || customers)) list.push('scrap');
    if (mayRelease && waiting && customers) list.push('handOver');
    list.push('history');
    return list;
  };

  const label: Record<Action, string> = {
    store: t('warranty.oldParts.store.storeAction'),
    move: t('warranty.oldParts.store.moveAction'),
    request: t('warranty.oldParts.store.requestAction'),
    scrap: t('warranty.oldParts.store.scrapAction'),
    handOver: t('warranty.oldParts.store.handOverAction'),
    history: t('warranty.oldParts.store.historyAction'),
  };
  const placeholder: Partial<Record<Action, string>> = {
    store: t('warranty.oldParts.store.locationPlaceholder'),
    move: t('warranty.oldParts.store.locationPlaceholder'),
    request: t('warranty.oldParts.store.requestNote'),
    scrap: t('warranty.oldParts.store.scrapNote'),
    handOver: t('warranty.oldParts.store.handOverNote'),
  };

  return (
    <section className="panel" data-testid="old-parts-store">
      <div className="panel-header">
        <input
          className="filter"
          type="search"
          placeholder={t('warranty.oldParts.store.search')}
          aria-label={t('warranty.oldParts.store.search')}
          value={search}
          data-testid="old-parts-search"
          onChange={(e) => {
            setSearch(e.target.value);
            setAfter(null);
          }}
        />
        <select
          className="select input-small"
          style={{ width: 'auto', flex: '0 0 auto' }}
          aria-label={t('warranty.oldParts.store.statusFilter')}
          value={status}
          data-testid="old-parts-status-filter"
          onChange={(e) => {
            setStatus(e.target.value as OldPartStatus | '');
            setAfter(null);
          }}
        >
          <option value="">{t('warranty.oldParts.store.allStatuses')}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`warranty.oldParts.status.${s.toLowerCase() as Lowercase<OldPartStatus>}`)}
            </option>
          ))}
        </select>
        <label className="inline-list nowrap" style={{ alignItems: 'center', flexWrap: 'nowrap' }}>
          <input
            type="checkbox"
            checked={retentionDue}
            data-testid="old-parts-retention-due"
            onChange={(e) => {
              setRetentionDue(e.target.checked);
              setAfter(null);
            }}
          />{' '}
          {t('warranty.oldParts.store.retentionDue')}
        </label>
      </div>
      <MutationError error={error_} />
      {error ? (
        <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : fetching && !data ? (
        <Loading />
      ) : parts.length === 0 ? (
        <p className="empty">{t('warranty.oldParts.store.none')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('warranty.oldParts.store.tag')}</th>
              <th scope="col">{t('warranty.oldParts.store.part')}</th>
              <th scope="col">{t('warranty.oldParts.store.claim')}</th>
              <th scope="col">{t('warranty.oldParts.store.quantity')}</th>
              <th scope="col">{t('warranty.oldParts.store.status')}</th>
              <th scope="col">{t('warranty.oldParts.store.location')}</th>
              <th scope="col">{t('warranty.oldParts.store.retainUntil')}</th>
              <th scope="col">{t('warranty.oldParts.store.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {parts.map((p) => (
              <Fragment key={p.id}>
                <tr data-testid="old-part-row" data-tag={p.tag} data-status={p.status.toLowerCase()}>
                  <td className="mono nowrap">{p.tag}</td>
                  <td>
                    <PartName number={p.partNumber} name={p.partName} nameZh={p.partNameZh} />
                    <div className="hint">
                      {p.mustReturn ? t('warranty.oldParts.store.mustReturn') : !p.claimId ? t('warranty.oldParts.store.customerPart') : null}
                    </div>
                  </td>
                  <td>
                    {p.claimNumber ? <span className="mono">{p.claimNumber}</span> : <span className="muted">—</span>}
                    <div className="hint mono">{p.vin}</div>
                  </td>
                  <td>{Number(p.quantity)}</td>
                  <td>
                    <OldPartStatusPill status={p.status} />
                    {p.shipmentNumber && <div className="hint mono">{p.shipmentNumber}</div>}
                  </td>
                  <td className="mono">{p.location || <span className="muted">—</span>}</td>
                  <td className="nowrap">
                    {p.retainUntil ?? '—'}
                    {p.retentionOver && (p.status === 'TAGGED' || p.status === 'STORED') && (
                      <div className="pill pill-warn">{t('warranty.oldParts.store.retentionOver')}</div>
                    )}
                  </td>
                  <td>
                    <div className="inline-list">
                      {actionsOf(p).map((a) => (
                        <button
                          key={a}
                          type="button"
                          className="button button-small button-secondary"
                          aria-expanded={active?.id === p.id && active.action === a}
                          data-testid={`old-part-${a}`}
                          onClick={() => open(p.id, a)}
                        >
                          {label[a]}
                        </button>
                      ))}
                    </div>
                  </td>
                </tr>
                {active?.id === p.id && (
                  <tr className="detail-row">
                    <td colSpan={8}>
                      {active.action === 'history' ? (
                        <OldPartHistory id={p.id} />
                      ) : (
                        <form className="inline-list" onSubmit={(e) => void submit(e, p, active.action)}>
                          <input
                            className="input"
                            autoFocus
                            required={active.action !== 'scrap' && active.action !== 'handOver'}
                            aria-label={placeholder[active.action]}
                            placeholder={placeholder[active.action]}
                            value={text}
                            data-testid="old-part-action-text"
                            onChange={(e) => setText(e.target.value)}
                          />
                          <button type="submit" className="button button-primary button-small" data-testid="old-part-action-submit">
                            {t('warranty.oldParts.store.confirm')}
                          </button>
                          <button type="button" className="button button-secondary button-small" onClick={() => setActive(null)}>
                            {t('common.cancel')}
                          </button>
                        </form>
                      )}
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
      {data?.oldParts.pageInfo.hasNextPage && (
        <button type="button" className="button button-secondary" onClick={() => setAfter(data.oldParts.pageInfo.endCursor)}>
          {t('warranty.oldParts.store.loadMore')}
        </button>
      )}
    </section>
  );
}
