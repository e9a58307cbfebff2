import { useState } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { Money, StatusPill } from '../../components/Bits';
import { MutationError } from '../../components/Mutation';
import { SearchPicker, useDebounced } from '../../components/SearchPicker';
import {
  AddQuotationLineDocument,
  PartsDocument,
  RemoveQuotationLineDocument,
  SearchOperationsDocument,
  UpdateQuotationLineDocument,
  type LineKind,
  type OperationFieldsFragment,
  type OrderLineFieldsFragment,
  type PayType,
  type TotalsFieldsFragment,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { OrderLineEligibility } from '../warranty/ClaimOrderPanel';
import { KindTotalsRows } from './KindTotals';
import type { Order, SectionProps } from './RepairOrderPage';

export const PAY_TYPES: PayType[] = ['CUSTOMER', 'WARRANTY', 'INSURANCE', 'INTERNAL'];
const KINDS: LineKind[] = ['LABOUR', 'PART', 'MATERIAL'];

/** Lines may be edited while the order is open; after approval new lines are additional work. */
function editable(order: Order): 'quote' | 'additional' | null {
  const status = order.status.toLowerCase();
  if (status === 'open') return 'quote';
  if (status === 'approved' || status === 'in_progress') return 'additional';
  return null;
}

/** 报价单 lines: labour at standard hours, parts and materials, each with its pay type. */
export function OrderLines({ order, reload }: SectionProps) {
  const { t } = useTranslation();
  const local = useLocalized();
  const viewer = useViewer();
  const mode = editable(order);
  const mayEdit =
    can(viewer, 'quotation', 'create') && (mode === 'quote' || (mode === 'additional' && can(viewer, 'repair_order', 'add_items')));
  const update = useAction(UpdateQuotationLineDocument);
  const remove = useAction(RemoveQuotationLineDocument);
  const lines = order.lines.filter((l) => l.status !== 'CANCELLED');

  const changeLine = async (line: OrderLineFieldsFragment, patch: { payType?: PayType; hours?: string; unitPrice?: string; quantity?: string }) => {
    const result = await update.run({ input: { lineId: line.id, ...patch } });
    if (result.data) reload();
  };

  return (
    <section className="panel" aria-labelledby="lines-heading" data-testid="order-lines">
      <div className="panel-header">
        <h2 id="lines-heading">{t('order.lines')}</h2>
        <span className="muted">{t('order.revision', { revision: order.revision })}</span>
      </div>
      <p className="hint">{t('order.linesIntro')}</p>
      <MutationError error={update.error ?? remove.error} />
      {lines.length === 0 ? (
        <p className="empty">{t('order.noLines')}</p>
      ) : (
        <table className="table line-editor">
          <thead>
            <tr>
              <th scope="col">{t('order.kind')}</th>
              <th scope="col">{t('order.lineDescription')}</th>
              <th scope="col" className="num">{t('order.quantity')}</th>
              <th scope="col" className="num">{t('order.hours')}</th>
              <th scope="col" className="num">{t('order.unitPrice')}</th>
              <th scope="col" className="num">{t('order.amount')}</th>
              <th scope="col">{t('order.payType')}</th>
              <th scope="col">{t('order.lineStatus')}</th>
              <th scope="col">{t('order.job')}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => {
              const open = mayEdit && line.status === 'PROPOSED';
              return (
                <tr
                  key={line.id}
                  className={`${line.additional ? 'row-additional' : ''}${line.status === 'DECLINED' ? ' row-declined' : ''}`}
                  data-testid="order-line"
                  data-line-id={line.id}
                  data-kind={line.kind.toLowerCase()}
                  data-status={line.status.toLowerCase()}
                >
                  <td>{t(`lineKind.${line.kind.toLowerCase()}` as 'lineKind.labour')}</td>
                  <td>
                    {line.operation && <span className="mono">{line.operation.code} </span>}
                    {line.part && <span className="mono">{line.part.partNumber} </span>}
                    {line.operation ? local(line.operation.name, line.operation.nameZh) : line.part ? local(line.part.name, line.part.nameZh) : line.description}
                    {line.operation && line.description && line.description !== line.operation.name && line.description !== line.operation.nameZh && (
                      <div className="hint">{line.description}</div>
                    )}
                    {line.additional && (
                      <span className="pill pill-info" title={line.reportedBy?.displayName}>
                        {t('order.additional')}
                      </span>
                    )}
                  </td>
                  <td className="num">{Number(line.quantity)}</td>
                  <td className="num">
                    {line.kind === 'LABOUR' && open ? (
                      <NumberCell value={line.hours ?? ''} label={t('order.hours')} onCommit={(hours) => void changeLine(line, { hours })} />
                    ) : line.hours != null ? (
                      Number(line.hours).toFixed(2)
                    ) : (
                      ''
                    )}
                  </td>
                  <td className="num">
                    {open ? (
                      <NumberCell value={line.unitPrice} label={t('order.unitPrice')} onCommit={(unitPrice) => void changeLine(line, { unitPrice })} />
                    ) : (
                      <Money amount={line.unitPrice} />
                    )}
                  </td>
                  <td className="num">
                    <Money amount={line.amount} />
                  </td>
                  <td>
                    {open ? (
                      <select
                        className="select input-small"
                        aria-label={t('order.payType')}
                        value={line.payType}
                        data-testid="line-pay-type"
                        onChange={(e) => void changeLine(line, { payType: e.target.value as PayType })}
                      >
                        {PAY_TYPES.map((p) => (
                          <option key={p} value={p}>
                            {t(`payType.${p.toLowerCase()}` as 'payType.customer')}
                          </option>
                        ))}
                      </select>
                    ) : (
                      t(`payType.${line.payType.toLowerCase()}` as 'payType.customer')
                    )}
                    {line.payType === 'WARRANTY' && <OrderLineEligibility orderId={order.id} lineId={line.id} />}
                  </td>
                  <td>
                    <StatusPill family="line" value={line.status} />
                  </td>
                  <td>
                    {line.kind === 'LABOUR' && line.status === 'APPROVED' && (
                      <>
                        <StatusPill family="job" value={line.jobStatus} />
                        {line.technician && <div className="hint">{line.technician.displayName}</div>}
                      </>
                    )}
                  </td>
                  <td>
                    {open && (
                      <button
                        type="button"
                        className="button button-secondary button-small"
                        aria-label={t('order.removeLine')}
                        title={t('order.removeLine')}
                        onClick={() => void remove.run({ lineId: line.id }).then((r) => r.data && reload())}
                      >
                        ×
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {mayEdit && <AddLine order={order} reload={reload} />}
    </section>
  );
}

/** A number edited in place; sent when the field is left or Enter is pressed. */
function NumberCell({ value, label, onCommit }: { value: string; label: string; onCommit: (value: string) => void }) {
  const [text, setText] = useState(value);
  const commit = () => {
    if (text !== value && text.trim() !== '' && Number.isFinite(Number(text))) onCommit(text.trim());
  };
  return (
    <input
      className="input input-small input-num"
      style={{ width: 86 }}
      aria-label={label}
      inputMode="decimal"
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), commit())}
    />
  );
}

interface PartChoice {
  id: string;
  partNumber: string;
  name: string;
  nameZh: string;
  listPrice: string;
  available: string | null;
}

function AddLine({ order, reload }: SectionProps) {
  const { t } = useTranslation();
  const local = useLocalized();
  const [kind, setKind] = useState<LineKind>('LABOUR');
  const [payType, setPayType] = useState<PayType>('CUSTOMER');
  const [query, setQuery] = useState('');
  const [operation, setOperation] = useState<OperationFieldsFragment | null>(null);
  const [part, setPart] = useState<PartChoice | null>(null);
  const [description, setDescription] = useState('');
  const [quantity, setQuantity] = useState('1');
  const [unitPrice, setUnitPrice] = useState('');
  const search = useDebounced(query.trim());
  const [{ data: ops, fetching: opsFetching }] = useQuery({
    query: SearchOperationsDocument,
    variables: { search },
    pause: kind !== 'LABOUR' || search.length < 1,
  });
  const [{ data: parts, fetching: partsFetching }] = useQuery({
    query: PartsDocument,
    variables: { search, first: 10 },
    pause: kind !== 'PART' || search.length < 1,
  });
  const add = useAction(AddQuotationLineDocument);

  const reset = () => {
    setQuery('');
    setOperation(null);
    setPart(null);
    setDescription('');
    setQuantity('1');
    setUnitPrice('');
  };
  const ready =
    kind === 'LABOUR' ? !!operation || !!description.trim() : kind === 'PART' ? !!part : !!description.trim() && !!unitPrice;

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!ready) return;
    const result = await add.run({
      input: {
        orderId: order.id,
        kind,
        payType,
        operationId: kind === 'LABOUR' ? (operation?.id ?? null) : null,
        partId: kind === 'PART' ? (part?.id ?? null) : null,
        description: description.trim(),
        quantity: kind === 'LABOUR' ? '1' : quantity || '1',
        hours: kind === 'LABOUR' && !operation ? '1' : null,
        unitPrice: unitPrice.trim() ? unitPrice.trim() : null,
      },
    });
    if (result.data) {
      reset();
      reload();
    }
  };

  const partResults: PartChoice[] = (parts?.parts.edges ?? []).map(({ node }) => ({
    id: node.id,
    partNumber: node.partNumber,
    name: node.name,
    nameZh: node.nameZh,
    listPrice: node.listPrice,
    available: node.stock ? node.stock.available : null,
  }));

  return (
    <form className="add-line" data-testid="add-line" onSubmit={(e) => void submit(e)} style={{ marginTop: 14 }}>
      <h3>{t('order.addLine')}</h3>
      <div className="form-grid">
        <label className="control">
          <span>{t('order.kind')}</span>
          <select
            className="select"
            value={kind}
            data-testid="line-kind"
            onChange={(e) => {
              setKind(e.target.value as LineKind);
              reset();
            }}
          >
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`lineKind.${k.toLowerCase()}` as 'lineKind.labour')}
              </option>
            ))}
          </select>
        </label>
        {kind === 'LABOUR' && (
          <div className="span-2">
            {operation ? (
              <div className="control">
                <span>{t('order.operation')}</span>
                <div className="chosen" data-testid="chosen-operation">
                  <div>
                    <span className="mono">{operation.code}</span> {local(operation.name, operation.nameZh)}{' '}
                    <span className="muted">{t('common.hoursValue', { value: operation.standardHours })}</span>
                  </div>
                  <button type="button" className="button button-secondary button-small" onClick={() => setOperation(null)}>
                    {t('customerForm.change')}
                  </button>
                </div>
              </div>
            ) : (
              <SearchPicker
                label={t('order.operation')}
                placeholder={t('order.searchOperation')}
                query={query}
                onQuery={setQuery}
                results={(ops?.labourOperations.edges ?? []).map((e) => e.node)}
                fetching={opsFetching}
                keyOf={(o) => o.id}
                testId="line-operation-search"
                render={(o) => (
                  <span>
                    <span className="mono">{o.code}</span> {local(o.name, o.nameZh)}{' '}
                    <span className="muted">{t('common.hoursValue', { value: o.standardHours })}</span>
                  </span>
                )}
                onPick={(o) => {
                  setOperation(o);
                  setQuery('');
                }}
              />
            )}
          </div>
        )}
        {kind === 'PART' && (
          <div className="span-2">
            {part ? (
              <div className="control">
                <span>{t('order.part')}</span>
                <div className="chosen" data-testid="chosen-part">
                  <div>
                    <span className="mono">{part.partNumber}</span> {local(part.name, part.nameZh)}{' '}
                    {part.available != null && (
                      <span className={Number(part.available) > 0 ? 'muted' : 'field-error'}>
                        {Number(part.available) > 0 ? t('order.inStock', { count: Number(part.available) }) : t('order.outOfStock')}
                      </span>
                    )}
                  </div>
                  <button type="button" className="button button-secondary button-small" onClick={() => setPart(null)}>
                    {t('customerForm.change')}
                  </button>
                </div>
              </div>
            ) : (
              <SearchPicker
                label={t('order.part')}
                placeholder={t('order.searchPart')}
                query={query}
                onQuery={setQuery}
                results={partResults}
                fetching={partsFetching}
                keyOf={(p) => p.id}
                testId="line-part-search"
                render={(p) => (
                  <span>
                    <span className="mono">{p.partNumber}</span> {local(p.name, p.nameZh)} <Money amount={p.listPrice} />{' '}
                    {p.available != null && <span className="muted">{t('order.inStock', { count: Number(p.available) })}</span>}
                  </span>
                )}
                onPick={(p) => {
                  setPart(p);
                  setQuery('');
                }}
              />
            )}
          </div>
        )}
        {(kind === 'MATERIAL' || (kind === 'LABOUR' && !operation)) && (
          <label className="control span-2">
            <span>{t('order.lineDescription')}</span>
            <input className="input" value={description} data-testid="line-description" onChange={(e) => setDescription(e.target.value)} />
          </label>
        )}
        {kind !== 'LABOUR' && (
          <label className="control">
            <span>{t('order.quantity')}</span>
            <input className="input input-num" inputMode="decimal" value={quantity} data-testid="line-quantity" onChange={(e) => setQuantity(e.target.value)} />
          </label>
        )}
        <label className="control">
          <span>
            {t('order.unitPrice')} {kind !== 'MATERIAL' && <span className="hint">({t('common.optional')})</span>}
          </span>
          <input className="input input-num" inputMode="decimal" value={unitPrice} data-testid="line-unit-price" onChange={(e) => setUnitPrice(e.target.value)} />
        </label>
        <label className="control">
          <span>{t('order.payType')}</span>
          <select className="select" value={payType} data-testid="new-line-pay-type" onChange={(e) => setPayType(e.target.value as PayType)}>
            {PAY_TYPES.map((p) => (
              <option key={p} value={p}>
                {t(`payType.${p.toLowerCase()}` as 'payType.customer')}
              </option>
            ))}
          </select>
        </label>
      </div>
      <MutationError error={add.error} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={!ready || add.pending} data-testid="add-line-submit">
          {t('order.addLine')}
        </button>
      </div>
    </form>
  );
}

/** Labour, parts, materials and the total, and what each payer owes (customer's share first). */
export function TotalsPanel({ order }: { order: Order }) {
  const { t } = useTranslation();
  const totals: TotalsFieldsFragment = order.totals;
  return (
    <section className="panel" aria-labelledby="totals-heading" data-testid="order-totals">
      <div className="panel-header">
        <h2 id="totals-heading">{t('order.totals')}</h2>
      </div>
      <div className="split">
        <table className="table totals-table">
          <tbody>
            <KindTotalsRows labour={totals.labour} parts={totals.parts} materials={totals.materials} />
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('common.total')}</th>
              <td className="num" data-testid="order-total">
                <Money amount={totals.total} />
              </td>
            </tr>
          </tfoot>
        </table>
        <table className="table totals-table">
          <tbody>
            {totals.byPayType.map((p) => (
              <tr key={p.payType} data-testid="pay-type-total" data-pay-type={p.payType.toLowerCase()}>
                <th scope="row">{t(`payType.${p.payType.toLowerCase()}` as 'payType.customer')}</th>
                <td className="num">
                  <Money amount={p.amount} />
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('order.customerPays')}</th>
              <td className="num" data-testid="customer-share">
                <Money amount={totals.customerShare} />
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}
