import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import { SearchPicker, useDebounced } from '../../components/SearchPicker';
import { PartsCatalogDocument, StartStockingDocument, StockItemsDocument, type StockItemFieldsFragment } from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { StockFlags, qty } from './StockBits';
import './Stock.css';

const PAGE = 50;

interface Paging {
  key: string;
  after: string | null;
  earlier: StockItemFieldsFragment[];
}

/** 配件库存: every stocked part in bin order (the walk through the store), with its balances. */
export function StockList() {
  const { t } = useTranslation();
  const local = useLocalized();
  const viewer = useViewer();
  const navigate = useNavigate();
  const [search, setSearch] = useState('');
  const [zone, setZone] = useState('');
  const [belowMin, setBelowMin] = useState(false);
  const [starting, setStarting] = useState(false);
  const needle = useDebounced(search.trim(), 250);
  // Pages loaded so far belong to one filter; a new filter starts from the first page.
  const filterKey = JSON.stringify([needle, zone, belowMin]);
  const [paging, setPaging] = useState<Paging>({ key: filterKey, after: null, earlier: [] });
  const { after, earlier } = paging.key === filterKey ? paging : { after: null, earlier: [] };
  const [{ data, error, fetching }, refetch] = useQuery({
    query: StockItemsDocument,
    variables: { search: needle, zone: zone || null, belowMin, first: PAGE, after },
    requestPolicy: 'cache-and-network',
  });
  const page = data?.stockItems.edges.map((e) => e.node) ?? [];
  const items = [...earlier, ...page];
  const filtered = Boolean(needle || zone || belowMin);

  return (
    <div className="page page-wide" data-testid="page-stock">
      <PageHeader
        title={t('parts.stock.title')}
        intro={t('parts.stock.intro')}
        actions={
          can(viewer, 'parts_catalog', 'update') && (
            <button
              type="button"
              className="button button-secondary"
              aria-expanded={starting}
              data-testid="start-stocking-toggle"
              onClick={() => setStarting((open) => !open)}
            >
              {starting ? t('common.close') : t('parts.stock.start.title')}
            </button>
          )
        }
      />
      {starting && <StartStocking onStarted={(id) => navigate(`/parts/stock/${id}`)} />}
      <section className="panel">
        <div className="panel-header stock-filters">
          <input
            className="filter"
            type="search"
            placeholder={t('parts.stock.search')}
            aria-label={t('parts.stock.search')}
            value={search}
            data-testid="stock-search"
            onChange={(e) => setSearch(e.target.value)}
          />
          <label className="inline-list" style={{ alignItems: 'center' }}>
            <span>{t('parts.stock.zone')}</span>
            <select className="input input-small" value={zone} data-testid="stock-zone" onChange={(e) => setZone(e.target.value)}>
              <option value="">{t('parts.stock.allZones')}</option>
              {(data?.stockZones ?? []).map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          </label>
          <label className="inline-list" style={{ alignItems: 'center' }}>
            <input type="checkbox" checked={belowMin} data-testid="stock-below-min" onChange={(e) => setBelowMin(e.target.checked)} />
            {t('parts.stock.belowMinOnly')}
          </label>
        </div>
        {error ? (
          <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
        ) : fetching && items.length === 0 ? (
          <Loading />
        ) : items.length === 0 ? (
          <p className="empty" data-testid="stock-empty">
            {filtered ? t('parts.stock.none') : t('parts.stock.noneAtAll')}
          </p>
        ) : (
          <table className="table" data-testid="stock-table">
            <thead>
              <tr>
                <th scope="col">{t('parts.stock.bin')}</th>
                <th scope="col">{t('parts.stock.partNumber')}</th>
                <th scope="col">{t('parts.stock.part')}</th>
                <th scope="col">{t('parts.stock.zone')}</th>
                <th scope="col" className="num">{t('parts.stock.onHand')}</th>
                <th scope="col" className="num">{t('parts.stock.reserved')}</th>
                <th scope="col" className="num">{t('parts.stock.available')}</th>
                <th scope="col" className="num">{t('parts.stock.onOrder')}</th>
                <th scope="col" className="num">{t('parts.stock.minMax')}</th>
                <th scope="col">{t('parts.stock.flags')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr
                  key={item.id}
                  className={item.belowMin ? 'row-below-min' : undefined}
                  data-testid="stock-row"
                  data-bin={item.binLocation}
                  data-part-number={item.part?.partNumber ?? ''}
                  data-below-min={item.belowMin ? 'true' : 'false'}
                >
                  <td className="mono nowrap">{item.binLocation || <span className="muted">{t('parts.stock.noBin')}</span>}</td>
                  <td className="mono">
                    <Link to={`/parts/stock/${item.id}`}>{item.part?.partNumber}</Link>
                  </td>
                  <td>{item.part ? local(item.part.name, item.part.nameZh) : ''}</td>
                  <td>{item.zone}</td>
                  <td className="num" data-testid="stock-on-hand">{qty(item.onHand)}</td>
                  <td className="num">{qty(item.reserved)}</td>
                  <td className="num">{qty(item.available)}</td>
                  <td className="num">{qty(item.onOrder)}</td>
                  <td className="num nowrap">
                    {qty(item.minQty)} / {qty(item.maxQty)}
                  </td>
                  <td>
                    <StockFlags item={item} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {data?.stockItems.pageInfo.hasNextPage && (
          <div className="form-actions">
            <button
              type="button"
              className="button button-secondary"
              disabled={fetching}
              data-testid="stock-more"
              onClick={() => setPaging({ key: filterKey, after: data.stockItems.pageInfo.endCursor ?? null, earlier: items })}
            >
              {t('parts.stock.loadMore')}
            </button>
          </div>
        )}
      </section>
    </div>
  );
}

type CatalogPart = {
  id: string;
  partNumber: string;
  name: string;
  nameZh: string;
  stockedHere: boolean;
  supersededBy: { partNumber: string } | null;
};

/** 新增库存配件: a catalog part not stocked here, with its bin, zone and cost. */
function StartStocking({ onStarted }: { onStarted: (stockItemId: string) => void }) {
  const { t } = useTranslation();
  const local = useLocalized();
  const [query, setQuery] = useState('');
  const [part, setPart] = useState<CatalogPart | null>(null);
  const [bin, setBin] = useState('');
  const [zone, setZone] = useState('');
  const [cost, setCost] = useState('');
  const needle = useDebounced(query.trim(), 250);
  const [{ data, fetching }] = useQuery({
    query: PartsCatalogDocument,
    variables: { search: needle, stocked: false, first: 10 },
    pause: !needle,
  });
  const start = useAction(StartStockingDocument);
  const results = (data?.partsCatalog.edges ?? []).map((e) => e.node);

  return (
    <section className="panel" aria-labelledby="start-stocking-heading" data-testid="start-stocking">
      <div className="panel-header">
        <h2 id="start-stocking-heading">{t('parts.stock.start.title')}</h2>
      </div>
      <p className="hint">{t('parts.stock.start.intro')}</p>
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          if (!part) return;
          void start
            .run({ input: { partId: part.id, binLocation: bin.trim() || null, zone: zone.trim() || null, unitCost: cost.trim() || null } })
            .then((r) => {
              if (r.data) onStarted(r.data.startStocking.id);
            });
        }}
      >
        {part ? (
          <div className="control span-2">
            <span>{t('parts.stock.start.chosen')}</span>
            <div className="chosen" data-testid="start-part">
              <span className="mono">{part.partNumber}</span> {local(part.name, part.nameZh)}{' '}
              <button type="button" className="button button-ghost button-small" onClick={() => setPart(null)}>
                {t('parts.stock.start.change')}
              </button>
            </div>
          </div>
        ) : (
          <div className="span-2">
            <SearchPicker
              label={t('parts.stock.start.search')}
              placeholder={t('parts.stock.start.searchPlaceholder')}
              query={query}
              onQuery={setQuery}
              results={results}
              fetching={fetching}
              keyOf={(p) => p.id}
              render={(p) => (
                <>
                  <span className="mono">{p.partNumber}</span> {local(p.name, p.nameZh)}
                  {p.supersededBy && <span className="muted"> · {t('parts.stock.start.superseded', { number: p.supersededBy.partNumber })}</span>}
                </>
              )}
              onPick={(p) => setPart(p)}
              testId="start-search"
            />
          </div>
        )}
        <label className="control">
          <span>{t('parts.stock.settings.bin')}</span>
          <input
            className="input mono"
            value={bin}
            placeholder="A-01-3-04"
            title={t('parts.stock.settings.binFormat')}
            data-testid="start-bin"
            onChange={(e) => setBin(e.target.value)}
          />
        </label>
        <label className="control">
          <span>{t('parts.stock.settings.zone')}</span>
          <input className="input" value={zone} data-testid="start-zone" onChange={(e) => setZone(e.target.value)} />
        </label>
        <label className="control">
          <span>{t('parts.stock.settings.unitCost')}</span>
          <input className="input input-num" inputMode="decimal" value={cost} data-testid="start-cost" onChange={(e) => setCost(e.target.value)} />
        </label>
        <div className="control" style={{ justifyContent: 'flex-end' }}>
          <button type="submit" className="button button-primary" disabled={!part || start.pending} data-testid="start-submit">
            {t('parts.stock.start.submit')}
          </button>
        </div>
        <div className="span-all">
          <MutationError error={start.error} />
        </div>
      </form>
    </section>
  );
}
