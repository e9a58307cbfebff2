import { useState } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { Money } from '../../components/Bits';
import { SearchPicker, useDebounced } from '../../components/SearchPicker';
import { PartsDocument } from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { qty } from './PurchaseBits';

export interface PickedPart {
  id: string;
  partNumber: string;
  name: string;
  nameZh: string;
  listPrice: string;
  onHand: string | null;
}

export interface PartLine {
  part: PickedPart;
  quantity: string;
  unitPrice: string;
}

/** Pick a part from the manufacturer's catalog with a quantity and an optional price. */
export function PurchasePartLine({
  onAdd,
  pending,
  testId = 'plan-line',
  hideQuantity = false,
}: {
  onAdd: (line: PartLine) => Promise<boolean> | boolean;
  pending?: boolean;
  testId?: string;
  /** Only the part is wanted (e.g. to name its supplier). */
  hideQuantity?: boolean;
}) {
  const { t } = useTranslation();
  const local = useLocalized();
  const [query, setQuery] = useState('');
  const [part, setPart] = useState<PickedPart | null>(null);
  const [quantity, setQuantity] = useState('1');
  const [unitPrice, setUnitPrice] = useState('');
  const search = useDebounced(query.trim());
  const [{ data, fetching }] = useQuery({ query: PartsDocument, variables: { search, first: 10 }, pause: search.length < 1 });
  const results: PickedPart[] = (data?.parts.edges ?? []).map(({ node }) => ({
    id: node.id,
    partNumber: node.partNumber,
    name: node.name,
    nameZh: node.nameZh,
    listPrice: node.listPrice,
    onHand: node.stock ? node.stock.onHand : null,
  }));
  const valid = !!part && Number(quantity) > 0 && (unitPrice.trim() === '' || Number(unitPrice) >= 0);

  const add = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!part || !valid) return;
    const done = await onAdd({ part, quantity: quantity.trim(), unitPrice: unitPrice.trim() });
    if (done) {
      setPart(null);
      setQuery('');
      setQuantity('1');
      setUnitPrice('');
    }
  };

  return (
    <form className="add-line" data-testid={testId} onSubmit={(e) => void add(e)}>
      <div className="form-grid">
        <div className="span-2">
          {part ? (
            <div className="control">
              <span>{t('parts.purchasing.create.part')}</span>
              <div className="chosen" data-testid={`${testId}-chosen`}>
                <div>
                  <span className="mono">{part.partNumber}</span> {local(part.name, part.nameZh)}{' '}
                  <span className="muted">
                    {t('parts.purchasing.create.listPrice', { price: part.listPrice })}
                    {part.onHand != null && ` · ${t('parts.purchasing.create.stock', { value: qty(part.onHand) })}`}
                  </span>
                </div>
                <button type="button" className="button button-secondary button-small" onClick={() => setPart(null)}>
                  {t('customerForm.change')}
                </button>
              </div>
            </div>
          ) : (
            <SearchPicker
              label={t('parts.purchasing.create.part')}
              placeholder={t('parts.purchasing.create.searchPart')}
              query={query}
              onQuery={setQuery}
              results={results}
              fetching={fetching}
              keyOf={(p) => p.id}
              testId={`${testId}-search`}
              render={(p) => (
                <span>
                  <span className="mono">{p.partNumber}</span> {local(p.name, p.nameZh)} <Money amount={p.listPrice} />
                  {p.onHand != null && <span className="muted"> · {t('parts.purchasing.create.stock', { value: qty(p.onHand) })}</span>}
                </span>
              )}
              onPick={(p) => {
                setPart(p);
                setQuery('');
              }}
            />
          )}
        </div>
        {!hideQuantity && (
          <>
            <label className="control">
              <span>{t('parts.purchasing.create.quantity')}</span>
              <input
                className="input input-num"
                inputMode="decimal"
                required
                value={quantity}
                data-testid={`${testId}-quantity`}
                onChange={(e) => setQuantity(e.target.value)}
              />
            </label>
            <label className="control">
              <span>{t('parts.purchasing.create.unitPrice')}</span>
              <input
                className="input input-num"
                inputMode="decimal"
                value={unitPrice}
                data-testid={`${testId}-price`}
                onChange={(e) => setUnitPrice(e.target.value)}
              />
            </label>
          </>
        )}
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-secondary" disabled={!valid || pending} data-testid={`${testId}-add`}>
          {hideQuantity ? t('parts.purchasing.suppliers.preferredSave') : t('parts.purchasing.create.addLine')}
        </button>
      </div>
    </form>
  );
}
