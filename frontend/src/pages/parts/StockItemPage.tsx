import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { Money, When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import {
  SetStockQuotaDocument,
  StockItemDocument,
  UpdateStockItemSettingsDocument,
  type StockItemQuery,
  type StockMovementKind,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { StockFlags, qty } from './StockBits';
import './Stock.css';

type Item = Extract<NonNullable<StockItemQuery['node']>, { __typename: 'StockItem' }>;
type Movement = Item['movements']['edges'][number]['node'];

const BIN = /^[A-Z0-9]+-[A-Z0-9]+-[A-Z0-9]+-[A-Z0-9]+$/;

/** The translation key of a movement kind. */
function kindKey(kind: StockMovementKind) {
  return `parts.stock.kind.${kind.toLowerCase() as Lowercase<StockMovementKind>}` as const;
}

/** One stock item: balances, supersession, settings, quotas, FIFO lots and the ledger. */
export function StockItemPage() {
  const { t } = useTranslation();
  const local = useLocalized();
  const viewer = useViewer();
  const { id = '' } = useParams();
  const [after, setAfter] = useState<string | null>(null);
  const [older, setOlder] = useState<Movement[]>([]);
  const [{ data, error, fetching }, refetch] = useQuery({ query: StockItemDocument, variables: { id, after } });
  const reload = () => {
    setAfter(null);
    setOlder([]);
    refetch({ requestPolicy: 'network-only' });
  };
  useEffect(() => {
    setAfter(null);
    setOlder([]);
  }, [id]);

  if (error) return <ErrorPanel error={error} onRetry={reload} />;
  const item = data?.node?.__typename === 'StockItem' ? (data.node as Item) : null;
  if (fetching && !item) return <Loading />;
  if (!item) {
    return (
      <div className="page">
        <p className="empty" data-testid="not-found">
          {t('parts.stock.item.notFound')}
        </p>
        <Link to="/parts/stock">{t('parts.stock.item.back')}</Link>
      </div>
    );
  }
  const part = item.part;
  const movements = [...older, ...item.movements.edges.map((e) => e.node)];
  const successor = part?.currentSuccessor;

  return (
    <div className="page page-wide" data-testid="page-stock-item" data-bin={item.binLocation}>
      <PageHeader
        title={t('parts.stock.item.title', { number: part?.partNumber ?? '', name: part ? local(part.name, part.nameZh) : '' })}
        intro={
          <>
            <Link to="/parts/stock">← {t('parts.stock.item.back')}</Link>
            {part && part.packSize > 1 && <> · {t('parts.stock.item.packSize', { count: part.packSize })}</>}
            {part && (
              <>
                {' '}
                · {t('parts.stock.item.listPrice')} <Money amount={part.listPrice} />
              </>
            )}
          </>
        }
        actions={!item.active && <span className="pill pill-muted">{t('parts.stock.item.inactive')}</span>}
      />
      {(part?.supersededBy || (part?.supersedes.length ?? 0) > 0) && (
        <div className="alert alert-info" role="note" data-testid="supersession">
          {part?.supersededBy && <span>{t('parts.stock.item.supersededBy', { number: part.supersededBy.partNumber })}</span>}
          {successor && successor.partNumber !== part?.supersededBy?.partNumber && (
            <span> {t('parts.stock.item.currentSuccessor', { number: successor.partNumber })}</span>
          )}
          {successor?.stockItem && (
            <>
              {' '}
              <Link to={`/parts/stock/${successor.stockItem.id}`}>{t('parts.stock.item.openSuccessor')}</Link>
            </>
          )}
          {(part?.supersedes.length ?? 0) > 0 && (
            <span> {t('parts.stock.item.supersedes', { numbers: part!.supersedes.map((p) => p.partNumber).join(', ') })}</span>
          )}
        </div>
      )}
      <section className="panel">
        <div className="stock-figures">
          <Figure label={t('parts.stock.bin')} value={item.binLocation || t('parts.stock.noBin')} testId="item-bin" />
          <Figure label={t('parts.stock.onHand')} value={qty(item.onHand)} testId="item-on-hand" />
          <Figure label={t('parts.stock.reserved')} value={qty(item.reserved)} />
          <Figure label={t('parts.stock.available')} value={qty(item.available)} testId="item-available" />
          <Figure label={t('parts.stock.onOrder')} value={qty(item.onOrder)} />
          <Figure label={t('parts.stock.minMax')} value={`${qty(item.minQty)} / ${qty(item.maxQty)}`} />
          <div className="stat">
            <span className="stat-label">{t('parts.stock.item.value')}</span>
            <span className="stat-value">
              <Money amount={item.stockValue} />
            </span>
          </div>
          <div className="stat">
            <span className="stat-label">{t('parts.stock.item.lastMovement')}</span>
            <span className="stat-value">
              <When at={item.lastMovementAt} />
            </span>
          </div>
        </div>
        <div style={{ marginTop: 8 }}>
          <StockFlags item={item} />
        </div>
      </section>
      <div className="split">
        <SettingsForm item={item} editable={can(viewer, 'parts_catalog', 'update')} onSaved={reload} />
        <QuotaForm item={item} editable={can(viewer, 'parts_stock', 'set_quota')} onSaved={reload} />
      </div>
      <section className="panel" aria-labelledby="lots-heading" data-testid="lots">
        <div className="panel-header">
          <h2 id="lots-heading">{t('parts.stock.lots.title')}</h2>
        </div>
        <p className="hint">{t('parts.stock.lots.intro')}</p>
        {item.lots.length === 0 ? (
          <p className="empty">{t('parts.stock.lots.none')}</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('parts.stock.lots.received')}</th>
                <th scope="col">{t('parts.stock.lots.from')}</th>
                <th scope="col" className="num">{t('parts.stock.lots.quantity')}</th>
                <th scope="col" className="num">{t('parts.stock.lots.remaining')}</th>
                <th scope="col" className="num">{t('parts.stock.lots.unitCost')}</th>
                <th scope="col" className="num">{t('parts.stock.lots.value')}</th>
              </tr>
            </thead>
            <tbody>
              {item.lots.map((lot, index) => (
                <tr key={`${lot.receivedAt}-${index}`} data-testid="lot-row">
                  <td>
                    <When at={lot.receivedAt} />
                  </td>
                  <td>{t(kindKey(lot.kind))}</td>
                  <td className="num">{qty(lot.quantity)}</td>
                  <td className="num">{qty(lot.remaining)}</td>
                  <td className="num">
                    <Money amount={lot.unitCost} />
                  </td>
                  <td className="num">
                    <Money amount={lot.value} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel" aria-labelledby="ledger-heading" data-testid="ledger">
        <div className="panel-header">
          <h2 id="ledger-heading">{t('parts.stock.ledger.title')}</h2>
        </div>
        <p className="hint">{t('parts.stock.ledger.intro')}</p>
        {movements.length === 0 ? (
          <p className="empty">{t('parts.stock.ledger.none')}</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('parts.stock.ledger.when')}</th>
                <th scope="col">{t('parts.stock.ledger.kind')}</th>
                <th scope="col" className="num">{t('parts.stock.ledger.quantity')}</th>
                <th scope="col" className="num">{t('parts.stock.ledger.unitCost')}</th>
                <th scope="col" className="num">{t('parts.stock.ledger.value')}</th>
                <th scope="col">{t('parts.stock.ledger.document')}</th>
                <th scope="col">{t('parts.stock.ledger.reason')}</th>
                <th scope="col">{t('parts.stock.ledger.who')}</th>
              </tr>
            </thead>
            <tbody>
              {movements.map((m) => (
                <tr key={m.id} data-testid="movement-row" data-kind={m.kind.toLowerCase()}>
                  <td>
                    <When at={m.createdAt} />
                  </td>
                  <td>{t(kindKey(m.kind))}</td>
                  <td className={`num ${Number(m.quantity) < 0 ? 'field-error' : ''}`}>{qty(m.quantity)}</td>
                  <td className="num">
                    <Money amount={m.unitCost} />
                  </td>
                  <td className="num">
                    <Money amount={m.value} />
                  </td>
                  <td className="mono">{m.documentNumber ?? m.documentType}</td>
                  <td>{m.reason}</td>
                  <td>{m.createdBy?.displayName ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {item.movements.pageInfo.hasNextPage && (
          <div className="form-actions">
            <button
              type="button"
              className="button button-secondary"
              disabled={fetching}
              onClick={() => {
                setOlder(movements);
                setAfter(item.movements.pageInfo.endCursor ?? null);
              }}
            >
              {t('parts.stock.loadMore')}
            </button>
          </div>
        )}
      </section>
    </div>
  );
}

function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="stat">
      <span className="stat-label">{label}</span>
      <span className="stat-value" data-testid={testId}>
        {value}
      </span>
    </div>
  );
}

/** 货位 / 库区 / 成本: the keeper's and the parts manager's catalog work. */
function SettingsForm({ item, editable, onSaved }: { item: Item; editable: boolean; onSaved: () => void }) {
  const { t } = useTranslation();
  const [bin, setBin] = useState(item.binLocation);
  const [zone, setZone] = useState(item.zone);
  const [cost, setCost] = useState(item.unitCost);
  const [saved, setSaved] = useState(false);
  const save = useAction(UpdateStockItemSettingsDocument);
  useEffect(() => {
    setBin(item.binLocation);
    setZone(item.zone);
    setCost(item.unitCost);
  }, [item.binLocation, item.zone, item.unitCost]);
  const normalised = bin.trim().toUpperCase();
  const binOk = normalised === '' || BIN.test(normalised);

  return (
    <section className="panel" aria-labelledby="settings-heading" data-testid="stock-settings">
      <div className="panel-header">
        <h2 id="settings-heading">{t('parts.stock.settings.title')}</h2>
      </div>
      <p className="hint">{t('parts.stock.settings.intro')}</p>
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          setSaved(false);
          void save
            .run({ input: { stockItemId: item.id, binLocation: normalised, zone: zone.trim(), unitCost: cost.trim() || null } })
            .then((r) => {
              if (r.data) {
                setSaved(true);
                onSaved();
              }
            });
        }}
      >
        <label className="control">
          <span>{t('parts.stock.settings.bin')}</span>
          <input
            className="input mono"
            value={bin}
            disabled={!editable}
            placeholder="A-01-3-04"
            aria-invalid={!binOk}
            aria-describedby="bin-format"
            data-testid="settings-bin"
            onChange={(e) => setBin(e.target.value)}
          />
          <small id="bin-format" className={binOk ? 'hint' : 'field-error'}>
            {t('parts.stock.settings.binFormat')}
          </small>
        </label>
        <label className="control">
          <span>{t('parts.stock.settings.zone')}</span>
          <input className="input" value={zone} disabled={!editable} data-testid="settings-zone" onChange={(e) => setZone(e.target.value)} />
        </label>
        <label className="control">
          <span>{t('parts.stock.settings.unitCost')}</span>
          <input
            className="input input-num"
            inputMode="decimal"
            value={cost}
            disabled={!editable}
            data-testid="settings-cost"
            onChange={(e) => setCost(e.target.value)}
          />
        </label>
        {editable && (
          <div className="form-actions span-all">
            <button type="submit" className="button button-primary" disabled={!binOk || save.pending} data-testid="settings-save">
              {save.pending ? t('common.saving') : t('common.save')}
            </button>
            {saved && (
              <span className="muted" role="status">
                {t('parts.stock.settings.saved')}
              </span>
            )}
          </div>
        )}
        <div className="span-all">
          <MutationError error={save.error} testId="settings-error" />
        </div>
      </form>
    </section>
  );
}

/** 储备上下限, order multiple and lead time: the parts manager's quotas. */
function QuotaForm({ item, editable, onSaved }: { item: Item; editable: boolean; onSaved: () => void }) {
  const { t } = useTranslation();
  const [min, setMin] = useState(item.minQty);
  const [max, setMax] = useState(item.maxQty);
  const [multiple, setMultiple] = useState(item.reorderMultiple);
  const [lead, setLead] = useState(String(item.leadTimeDays));
  const [saved, setSaved] = useState(false);
  const save = useAction(SetStockQuotaDocument);
  useEffect(() => {
    setMin(item.minQty);
    setMax(item.maxQty);
    setMultiple(item.reorderMultiple);
    setLead(String(item.leadTimeDays));
  }, [item.minQty, item.maxQty, item.reorderMultiple, item.leadTimeDays]);
  const maxBelowMin = Number(max) < Number(min);
  const field = (label: string, value: string, set: (v: string) => void, testId: string) => (
    <label className="control">
      <span>{label}</span>
      <input
        className="input input-num"
        inputMode="decimal"
        value={value}
        disabled={!editable}
        data-testid={testId}
        onChange={(e) => set(e.target.value)}
      />
    </label>
  );

  return (
    <section className="panel" aria-labelledby="quota-heading" data-testid="stock-quota">
      <div className="panel-header">
        <h2 id="quota-heading">{t('parts.stock.quota.title')}</h2>
      </div>
      <p className="hint">{editable ? t('parts.stock.quota.intro') : t('parts.stock.quota.readOnly')}</p>
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          setSaved(false);
          void save
            .run({
              input: {
                stockItemId: item.id,
                minQty: min.trim(),
                maxQty: max.trim(),
                reorderMultiple: multiple.trim(),
                leadTimeDays: Number.parseInt(lead, 10) || 0,
              },
            })
            .then((r) => {
              if (r.data) {
                setSaved(true);
                onSaved();
              }
            });
        }}
      >
        {field(t('parts.stock.quota.min'), min, setMin, 'quota-min')}
        {field(t('parts.stock.quota.max'), max, setMax, 'quota-max')}
        {field(t('parts.stock.quota.multiple'), multiple, setMultiple, 'quota-multiple')}
        <label className="control">
          <span>{t('parts.stock.quota.leadTime')}</span>
          <input
            className="input input-num"
            inputMode="numeric"
            value={lead}
            disabled={!editable}
            data-testid="quota-lead"
            onChange={(e) => setLead(e.target.value)}
          />
        </label>
        {maxBelowMin && (
          <p className="field-error span-all" role="alert">
            {t('parts.stock.quota.maxBelowMin')}
          </p>
        )}
        {editable && (
          <div className="form-actions span-all">
            <button type="submit" className="button button-primary" disabled={maxBelowMin || save.pending} data-testid="quota-save">
              {save.pending ? t('common.saving') : t('common.save')}
            </button>
            {saved && (
              <span className="muted" role="status">
                {t('parts.stock.quota.saved')}
              </span>
            )}
          </div>
        )}
        <div className="span-all">
          <MutationError error={save.error} testId="quota-error" />
        </div>
      </form>
    </section>
  );
}
