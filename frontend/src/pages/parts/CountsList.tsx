import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { Money, When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import { dealerLocalToIso } from '../../dates';
import { CreateStockCountDocument, StockCountsDocument, type StockCountKind } from '../../gql/graphql';
import { useViewer } from '../../session';
import { CountStatusPill } from './CountBits';

const KINDS: StockCountKind[] = ['CYCLE', 'DAILY', 'MONTHLY', 'QUARTERLY'];

/** 盘点: the dealer's counts, unfinished ones first, and a new count by kind. */
export function CountsList() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const navigate = useNavigate();
  const [all, setAll] = useState(false);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: StockCountsDocument,
    variables: { status: all ? null : ['OPEN', 'SUBMITTED'], first: 100 },
    requestPolicy: 'cache-and-network',
  });
  const counts = (data?.stockCounts.edges ?? []).map((e) => e.node);

  return (
    <div className="page page-wide" data-testid="page-stock-counts">
      <PageHeader title={t('parts.counts.title')} intro={t('parts.counts.intro')} />
      {can(viewer, 'parts_count', 'record') && <NewCount onCreated={(id) => navigate(`/parts/counts/${id}`)} />}
      <section className="panel">
        <div className="panel-header">
          <h2>{t('parts.counts.title')}</h2>
          <label className="inline-list" style={{ alignItems: 'center' }}>
            <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} data-testid="counts-show-all" />{' '}
            {t('parts.counts.showFinished')}
          </label>
        </div>
        {error ? (
          <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
        ) : fetching && !data ? (
          <Loading />
        ) : counts.length === 0 ? (
          <p className="empty" data-testid="counts-empty">
            {all ? t('parts.counts.none') : t('parts.counts.noneOpen')}
          </p>
        ) : (
          <table className="table" data-testid="counts-table">
            <thead>
              <tr>
                <th scope="col">{t('parts.counts.number')}</th>
                <th scope="col">{t('parts.counts.kind')}</th>
                <th scope="col">{t('parts.counts.statusLabel')}</th>
                <th scope="col" className="num">{t('parts.counts.counted')}</th>
                <th scope="col" className="num">{t('parts.counts.differences')}</th>
                <th scope="col" className="num">{t('parts.counts.value')}</th>
                <th scope="col">{t('parts.counts.created')}</th>
              </tr>
            </thead>
            <tbody>
              {counts.map((c) => (
                <tr
                  key={c.id}
                  data-testid="count-row"
                  data-count-number={c.number}
                  tabIndex={0}
                  style={{ cursor: 'pointer' }}
                  onClick={() => navigate(`/parts/counts/${c.id}`)}
                  onKeyDown={(e) => e.key === 'Enter' && navigate(`/parts/counts/${c.id}`)}
                >
                  <td>
                    <Link to={`/parts/counts/${c.id}`} className="mono" onClick={(e) => e.stopPropagation()}>
                      {c.number}
                    </Link>
                  </td>
                  <td>
                    {t(`parts.counts.kinds.${c.kind.toLowerCase() as Lowercase<StockCountKind>}`)}
                    {c.binPrefix && <span className="muted mono"> {c.binPrefix}</span>}
                  </td>
                  <td>
                    <CountStatusPill status={c.status} />
                  </td>
                  <td className="num">{t('parts.counts.progress', { counted: c.countedCount, total: c.lineCount })}</td>
                  <td className="num">{c.differenceCount}</td>
                  <td className="num">
                    <Money amount={c.differenceValue} />
                  </td>
                  <td>
                    <When at={c.createdAt} />
                    <div className="hint">{c.createdBy?.displayName}</div>
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

function NewCount({ onCreated }: { onCreated: (id: string) => void }) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const [kind, setKind] = useState<StockCountKind>('CYCLE');
  const [since, setSince] = useState('');
  const [binPrefix, setBinPrefix] = useState('');
  const [scopeNote, setScopeNote] = useState('');
  const create = useAction(CreateStockCountDocument);
  const zoned = kind === 'CYCLE' || kind === 'DAILY';

  return (
    <section className="panel" aria-labelledby="new-count-heading">
      <div className="panel-header">
        <h2 id="new-count-heading">{t('parts.counts.newCount')}</h2>
      </div>
      <MutationError error={create.error} />
      <form
        className="form-grid"
        data-testid="new-count-form"
        onSubmit={(e) => {
          e.preventDefault();
          void create
            .run({
              input: {
                kind,
                since: kind === 'CYCLE' && since ? dealerLocalToIso(`${since}T00:00`, viewer.currentDealer?.timeZone) : null,
                binPrefix: zoned ? binPrefix.trim() : '',
                scopeNote: scopeNote.trim(),
              },
            })
            .then((r) => r.data && onCreated(r.data.createStockCount.id));
        }}
      >
        <label className="control">
          <span>{t('parts.counts.kind')}</span>
          <select
            className="select"
            value={kind}
            data-testid="new-count-kind"
            onChange={(e) => setKind(e.target.value as StockCountKind)}
          >
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`parts.counts.kinds.${k.toLowerCase() as Lowercase<StockCountKind>}`)}
              </option>
            ))}
          </select>
          <span className="hint">{t(`parts.counts.kindHelp.${kind.toLowerCase() as Lowercase<StockCountKind>}`)}</span>
        </label>
        {kind === 'CYCLE' && (
          <label className="control">
            <span>{t('parts.counts.since')}</span>
            <input className="input" type="date" value={since} onChange={(e) => setSince(e.target.value)} data-testid="new-count-since" />
            <span className="hint">{t('parts.counts.sinceHelp')}</span>
          </label>
        )}
        {zoned && (
          <label className="control">
            <span>{t('parts.counts.binPrefix')}</span>
            <input
              className="input mono"
              value={binPrefix}
              placeholder="A-02"
              onChange={(e) => setBinPrefix(e.target.value.toUpperCase())}
              data-testid="new-count-bin-prefix"
            />
            <span className="hint">{t('parts.counts.binPrefixHelp')}</span>
          </label>
        )}
        <label className="control">
          <span>{t('parts.counts.scopeNote')}</span>
          <input className="input" value={scopeNote} onChange={(e) => setScopeNote(e.target.value)} />
        </label>
        <div className="form-actions span-all">
          <button type="submit" className="button button-primary" disabled={create.pending} data-testid="new-count-submit">
            {create.pending ? t('parts.counts.creating') : t('parts.counts.create')}
          </button>
        </div>
      </form>
    </section>
  );
}
