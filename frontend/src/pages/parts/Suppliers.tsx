import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import {
  CreateSupplierDocument,
  SetPreferredSupplierDocument,
  SetSupplierActiveDocument,
  SuppliersDocument,
  UpdateSupplierDocument,
  type SuppliersQuery,
} from '../../gql/graphql';
import { useViewer } from '../../session';
import { PurchasePartLine, type PartLine } from './PurchasePartLine';

type Supplier = SuppliersQuery['suppliers'][number];

/** 供应商: where parts come from besides the manufacturer's parts centre. */
export function Suppliers() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const [showInactive, setShowInactive] = useState(false);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: SuppliersDocument,
    variables: { includeInactive: showInactive },
    requestPolicy: 'cache-and-network',
  });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const manage = can(viewer, 'purchase_order', 'create');
  const suppliers = data?.suppliers ?? [];

  return (
    <div className="page page-wide" data-testid="page-suppliers">
      <PageHeader
        title={t('parts.purchasing.suppliers.title')}
        intro={t('parts.purchasing.suppliers.intro')}
        actions={
          <Link className="button button-secondary" to="/parts/purchase-orders">
            {t('parts.purchasing.order.back')}
          </Link>
        }
      />
      <section className="panel">
        <div className="panel-header">
          <label className="inline-list" style={{ alignItems: 'center' }}>
            <input type="checkbox" checked={showInactive} onChange={(e) => setShowInactive(e.target.checked)} />{' '}
            {t('parts.purchasing.suppliers.showInactive')}
          </label>
        </div>
        {error ? (
          <ErrorPanel error={error} onRetry={reload} />
        ) : fetching && !data ? (
          <Loading />
        ) : suppliers.length === 0 ? (
          <p className="empty">{t('parts.purchasing.suppliers.none')}</p>
        ) : (
          <table className="table line-editor">
            <thead>
              <tr>
                <th scope="col">{t('parts.purchasing.suppliers.name')}</th>
                <th scope="col">{t('parts.purchasing.suppliers.contact')}</th>
                <th scope="col">{t('parts.purchasing.suppliers.phone')}</th>
                <th scope="col" className="num">{t('parts.purchasing.suppliers.leadTime')}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {suppliers.map((s) => (
                <SupplierRow key={s.id} supplier={s} manage={manage} onDone={reload} />
              ))}
            </tbody>
          </table>
        )}
        {manage && <AddSupplier onDone={reload} />}
      </section>
      {manage && <PreferredSupplier suppliers={suppliers.filter((s) => s.active)} />}
    </div>
  );
}

function SupplierRow({ supplier, manage, onDone }: { supplier: Supplier; manage: boolean; onDone: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(supplier.name);
  const [contact, setContact] = useState(supplier.contact);
  const [phone, setPhone] = useState(supplier.phone);
  const [leadTime, setLeadTime] = useState(String(supplier.leadTimeDays));
  const update = useAction(UpdateSupplierDocument);
  const activate = useAction(SetSupplierActiveDocument);
  const changed =
    name !== supplier.name || contact !== supplier.contact || phone !== supplier.phone || leadTime !== String(supplier.leadTimeDays);
  if (!manage) {
    return (
      <tr data-testid="supplier-row">
        <td>
          {supplier.name} {!supplier.active && <span className="pill pill-muted">{t('parts.purchasing.suppliers.inactive')}</span>}
        </td>
        <td>{supplier.contact}</td>
        <td>{supplier.phone}</td>
        <td className="num">{supplier.leadTimeDays}</td>
        <td />
      </tr>
    );
  }
  return (
    <tr data-testid="supplier-row" data-active={supplier.active}>
      <td>
        <input className="input input-small" aria-label={t('parts.purchasing.suppliers.name')} value={name} onChange={(e) => setName(e.target.value)} />
        {!supplier.active && <span className="pill pill-muted">{t('parts.purchasing.suppliers.inactive')}</span>}
        <MutationError error={update.error ?? activate.error} />
      </td>
      <td>
        <input className="input input-small" aria-label={t('parts.purchasing.suppliers.contact')} value={contact} onChange={(e) => setContact(e.target.value)} />
      </td>
      <td>
        <input className="input input-small" aria-label={t('parts.purchasing.suppliers.phone')} value={phone} onChange={(e) => setPhone(e.target.value)} />
      </td>
      <td className="num">
        <input
          className="input input-small input-num"
          style={{ width: 70 }}
          inputMode="numeric"
          aria-label={t('parts.purchasing.suppliers.leadTime')}
          value={leadTime}
          onChange={(e) => setLeadTime(e.target.value)}
        />
      </td>
      <td className="inline-list">
        <button
          type="button"
          className="button button-secondary button-small"
          disabled={!changed || update.pending || !name.trim() || !/^\d+$/.test(leadTime)}
          onClick={() =>
            void update
              .run({ input: { supplierId: supplier.id, name: name.trim(), contact: contact.trim(), phone: phone.trim(), leadTimeDays: Number(leadTime) } })
              .then((r) => r.data && onDone())
          }
        >
          {t('common.save')}
        </button>
        <button
          type="button"
          className={`button button-small ${supplier.active ? 'button-danger' : 'button-secondary'}`}
          disabled={activate.pending}
          data-testid="toggle-supplier"
          onClick={() => void activate.run({ supplierId: supplier.id, active: !supplier.active }).then((r) => r.data && onDone())}
        >
          {supplier.active ? t('parts.purchasing.suppliers.deactivate') : t('parts.purchasing.suppliers.reactivate')}
        </button>
      </td>
    </tr>
  );
}

function AddSupplier({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const create = useAction(CreateSupplierDocument);
  const [name, setName] = useState('');
  const [contact, setContact] = useState('');
  const [phone, setPhone] = useState('');
  const [leadTime, setLeadTime] = useState('3');
  return (
    <form
      className="form-grid"
      style={{ marginTop: 16 }}
      data-testid="add-supplier"
      onSubmit={(e) => {
        e.preventDefault();
        void create
          .run({ input: { name: name.trim(), contact: contact.trim(), phone: phone.trim(), leadTimeDays: Number(leadTime) } })
          .then((r) => {
            if (r.data) {
              setName('');
              setContact('');
              setPhone('');
              setLeadTime('3');
              onDone();
            }
          });
      }}
    >
      <label className="control">
        <span>{t('parts.purchasing.suppliers.name')}</span>
        <input className="input" required value={name} data-testid="supplier-name" onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="control">
        <span>{t('parts.purchasing.suppliers.contact')}</span>
        <input className="input" value={contact} onChange={(e) => setContact(e.target.value)} />
      </label>
      <label className="control">
        <span>{t('parts.purchasing.suppliers.phone')}</span>
        <input className="input" value={phone} onChange={(e) => setPhone(e.target.value)} />
      </label>
      <label className="control">
        <span>{t('parts.purchasing.suppliers.leadTime')}</span>
        <input className="input input-num" inputMode="numeric" value={leadTime} onChange={(e) => setLeadTime(e.target.value)} />
      </label>
      <div className="form-actions span-2">
        <button type="submit" className="button button-primary" disabled={!name.trim() || !/^\d+$/.test(leadTime) || create.pending} data-testid="create-supplier">
          {t('parts.purchasing.suppliers.add')}
        </button>
      </div>
      <MutationError error={create.error} />
    </form>
  );
}

/** Which supplier a part is ordered from when plans are made from shortages. */
function PreferredSupplier({ suppliers }: { suppliers: Supplier[] }) {
  const { t } = useTranslation();
  const assign = useAction(SetPreferredSupplierDocument);
  const [supplierId, setSupplierId] = useState('');
  const [changed, setChanged] = useState<number | null>(null);
  const set = async (line: PartLine) => {
    setChanged(null);
    const result = await assign.run({ input: { partIds: [line.part.id], supplierId: supplierId || null } });
    if (result.data) setChanged(result.data.setPreferredSupplier);
    return !!result.data;
  };
  return (
    <section className="panel" aria-labelledby="preferred-heading" data-testid="preferred-supplier">
      <div className="panel-header">
        <h2 id="preferred-heading">{t('parts.purchasing.suppliers.preferredTitle')}</h2>
      </div>
      <p className="hint">{t('parts.purchasing.suppliers.preferredIntro')}</p>
      <label className="control" style={{ maxWidth: 320 }}>
        <span>{t('parts.purchasing.create.supplier')}</span>
        <select className="select" value={supplierId} onChange={(e) => setSupplierId(e.target.value)}>
          <option value="">{t('parts.purchasing.partsCentre')}</option>
          {suppliers.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <PurchasePartLine onAdd={set} pending={assign.pending} testId="preferred-part" hideQuantity />
      {changed !== null && (
        <p className="alert alert-ok" role="status">
          {changed === 0 ? t('parts.purchasing.suppliers.preferredUnchanged') : t('parts.purchasing.suppliers.preferredDone', { count: changed })}
        </p>
      )}
      <MutationError error={assign.error} />
    </section>
  );
}
