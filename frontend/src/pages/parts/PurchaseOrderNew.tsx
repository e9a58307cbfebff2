import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../api/useAction';
import { Money } from '../../components/Bits';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import { CreatePurchaseOrderDocument, SuppliersDocument, type PurchaseUrgency } from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { qty } from './PurchaseBits';
import { PurchasePartLine, type PartLine } from './PurchasePartLine';

/** 新建订货计划: a plan by hand, a draft until the planner submits it. */
export function PurchaseOrderNew() {
  const { t } = useTranslation();
  const local = useLocalized();
  const navigate = useNavigate();
  const [{ data: suppliers }] = useQuery({ query: SuppliersDocument, variables: { includeInactive: false } });
  const [supplierId, setSupplierId] = useState('');
  const [urgency, setUrgency] = useState<PurchaseUrgency>('REGULAR');
  const [note, setNote] = useState('');
  const [lines, setLines] = useState<PartLine[]>([]);
  const create = useAction(CreatePurchaseOrderDocument);

  const addLine = (line: PartLine) => {
    setLines((current) => [...current.filter((l) => l.part.id !== line.part.id), line]);
    return true;
  };

  const submit = async () => {
    if (lines.length === 0) return;
    const result = await create.run({
      input: {
        supplierId: supplierId || null,
        urgency,
        note: note.trim(),
        lines: lines.map((l) => ({ partId: l.part.id, quantity: l.quantity, unitPrice: l.unitPrice || null })),
      },
    });
    if (result.data) navigate(`/parts/purchase-orders/${result.data.createPurchaseOrder.id}`);
  };

  return (
    <div className="page page-wide" data-testid="page-purchase-order-new">
      <PageHeader
        title={t('parts.purchasing.create.title')}
        intro={t('parts.purchasing.create.intro')}
        actions={
          <Link className="button button-secondary" to="/parts/purchase-orders">
            {t('parts.purchasing.order.back')}
          </Link>
        }
      />
      <section className="panel">
        <div className="form-grid">
          <label className="control">
            <span>{t('parts.purchasing.create.supplier')}</span>
            <select className="select" value={supplierId} data-testid="plan-supplier" onChange={(e) => setSupplierId(e.target.value)}>
              <option value="">{t('parts.purchasing.partsCentre')}</option>
              {(suppliers?.suppliers ?? []).map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <label className="control">
            <span>{t('parts.purchasing.create.urgency')}</span>
            <select className="select" value={urgency} data-testid="plan-urgency" onChange={(e) => setUrgency(e.target.value as PurchaseUrgency)}>
              <option value="REGULAR">{t('parts.purchasing.urgency.regular')}</option>
              <option value="EMERGENCY">{t('parts.purchasing.urgency.emergency')}</option>
            </select>
          </label>
          <label className="control span-2">
            <span>{t('parts.purchasing.create.note')}</span>
            <input className="input" value={note} data-testid="plan-note" onChange={(e) => setNote(e.target.value)} />
          </label>
        </div>
        {urgency === 'EMERGENCY' && <p className="hint">{t('parts.purchasing.create.emergencyHint')}</p>}
      </section>
      <section className="panel" aria-labelledby="new-lines-heading">
        <div className="panel-header">
          <h2 id="new-lines-heading">{t('parts.purchasing.order.lines')}</h2>
        </div>
        {lines.length === 0 ? (
          <p className="empty">{t('parts.purchasing.create.noLines')}</p>
        ) : (
          <table className="table" data-testid="new-plan-lines">
            <thead>
              <tr>
                <th scope="col">{t('parts.purchasing.order.part')}</th>
                <th scope="col" className="num">{t('parts.purchasing.order.quantity')}</th>
                <th scope="col" className="num">{t('parts.purchasing.order.unitPrice')}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {lines.map((l) => (
                <tr key={l.part.id} data-testid="new-plan-line" data-part-number={l.part.partNumber}>
                  <td>
                    <span className="mono">{l.part.partNumber}</span> {local(l.part.name, l.part.nameZh)}
                  </td>
                  <td className="num">{qty(l.quantity)}</td>
                  <td className="num">{l.unitPrice ? <Money amount={l.unitPrice} /> : <span className="muted">—</span>}</td>
                  <td>
                    <button
                      type="button"
                      className="button button-secondary button-small"
                      aria-label={t('parts.purchasing.order.removeLine')}
                      title={t('parts.purchasing.order.removeLine')}
                      onClick={() => setLines((current) => current.filter((x) => x.part.id !== l.part.id))}
                    >
                      ×
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <PurchasePartLine onAdd={addLine} />
        <MutationError error={create.error} />
        <div className="form-actions">
          <button
            type="button"
            className="button button-primary"
            disabled={lines.length === 0 || create.pending}
            data-testid="create-plan"
            onClick={() => void submit()}
          >
            {create.pending ? t('parts.purchasing.create.creating') : t('parts.purchasing.create.submit')}
          </button>
        </div>
      </section>
    </div>
  );
}
