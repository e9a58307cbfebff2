import { useState } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import {
  CreateCustomerDocument,
  CreateVehicleDocument,
  SearchVehiclesDocument,
  type CustomerFieldsFragment,
  type VehicleFieldsFragment,
} from '../gql/graphql';
import { useAction } from '../api/useAction';
import { MutationError } from './Mutation';
import { SearchPicker, useDebounced } from './SearchPicker';

export interface ChosenVehicle {
  customer: CustomerFieldsFragment;
  vehicle: VehicleFieldsFragment;
}

const VIN = /^[A-HJ-NPR-Z0-9]{17}$/;

/**
 * Who and which car: search by plate, VIN, name or phone, or record a first visit
 * (new customer and vehicle with its VIN). The parent gets both records.
 */
export function VehiclePicker({
  chosen,
  onChosen,
  allowNew = true,
}: {
  chosen: ChosenVehicle | null;
  onChosen: (value: ChosenVehicle | null) => void;
  allowNew?: boolean;
}) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [creating, setCreating] = useState(false);
  const search = useDebounced(query.trim());
  const [{ data, fetching }] = useQuery({
    query: SearchVehiclesDocument,
    variables: { search, first: 8 },
    pause: search.length < 2 || !!chosen,
  });
  const results = (data?.vehicles.edges ?? []).map((e) => e.node).filter((v) => v.customer);

  if (chosen) {
    return (
      <div className="chosen" data-testid="chosen-vehicle" data-vehicle-id={chosen.vehicle.id}>
        <div>
          <div>
            <span className="plate">{chosen.vehicle.plateDisplay || chosen.vehicle.plate || '—'}</span>{' '}
            <span>{chosen.vehicle.model}</span> <span className="mono muted">{chosen.vehicle.vin}</span>
          </div>
          <div className="muted">
            {chosen.customer.name} · {chosen.customer.phone}
          </div>
        </div>
        <button type="button" className="button button-secondary button-small" onClick={() => onChosen(null)}>
          {t('customerForm.change')}
        </button>
      </div>
    );
  }

  return (
    <div className="vehicle-picker">
      {!creating && (
        <div className="form-grid">
          <div className="span-2">
            <SearchPicker
              label={`${t('customerForm.customer')} / ${t('customerForm.vehicle')}`}
              placeholder={t('customerForm.searchCustomer')}
              query={query}
              onQuery={setQuery}
              results={results}
              fetching={fetching}
              keyOf={(v) => v.id}
              testId="vehicle-search"
              render={(v) => (
                <div>
                  <span className="plate">{v.plateDisplay || v.plate || '—'}</span> {v.model}{' '}
                  <span className="mono muted">{v.vin}</span>
                  <div className="muted">
                    {v.customer?.name} · {v.customer?.phone}
                  </div>
                </div>
              )}
              onPick={(v) => {
                const { customer, ...vehicle } = v;
                if (customer) onChosen({ customer, vehicle });
              }}
            />
          </div>
          {allowNew && (
            <div className="control" style={{ justifyContent: 'flex-end' }}>
              <button
                type="button"
                className="button button-secondary"
                data-testid="new-customer"
                onClick={() => setCreating(true)}
              >
                {t('customerForm.newCustomer')}
              </button>
            </div>
          )}
        </div>
      )}
      {creating && <NewCustomerVehicle onCancel={() => setCreating(false)} onCreated={onChosen} />}
    </div>
  );
}

function NewCustomerVehicle({
  onCancel,
  onCreated,
}: {
  onCancel: () => void;
  onCreated: (value: ChosenVehicle) => void;
}) {
  const { t } = useTranslation();
  const createCustomer = useAction(CreateCustomerDocument);
  const createVehicle = useAction(CreateVehicleDocument);
  const [customer, setCustomer] = useState<CustomerFieldsFragment | null>(null);
  const [form, setForm] = useState({ name: '', phone: '', vin: '', plate: '', model: '', modelYear: '', mileage: '' });
  const set = (key: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm((f) => ({ ...f, [key]: key === 'vin' ? e.target.value.toUpperCase().replace(/\s/g, '') : e.target.value }));
  const vinOk = VIN.test(form.vin);
  const pending = createCustomer.pending || createVehicle.pending;

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    let owner = customer;
    if (!owner) {
      const made = await createCustomer.run({ input: { name: form.name.trim(), phone: form.phone.trim() } });
      if (!made.data) return;
      owner = made.data.createCustomer;
      setCustomer(owner);
    }
    const vehicle = await createVehicle.run({
      input: {
        customerId: owner.id,
        vin: form.vin,
        plate: form.plate.trim(),
        model: form.model.trim(),
        modelYear: form.modelYear ? Number(form.modelYear) : null,
        mileageKm: form.mileage ? Number(form.mileage) : null,
      },
    });
    if (!vehicle.data) return;
    onCreated({ customer: owner, vehicle: vehicle.data.createVehicle });
  };

  return (
    <form className="new-customer" data-testid="new-customer-form" onSubmit={(e) => void submit(e)}>
      <h3>{t('customerForm.newCustomer')}</h3>
      <div className="form-grid">
        <label className="control">
          <span>{t('customerForm.name')}</span>
          <input className="input" required value={form.name} onChange={set('name')} disabled={!!customer} data-testid="customer-name" autoFocus />
        </label>
        <label className="control">
          <span>{t('customerForm.phone')}</span>
          <input className="input" required type="tel" value={form.phone} onChange={set('phone')} disabled={!!customer} data-testid="customer-phone" />
        </label>
      </div>
      <h3>{t('customerForm.newVehicle')}</h3>
      <div className="form-grid">
        <label className="control span-2">
          <span>
            {t('customerForm.vin')} <span className="hint">{t('customerForm.vinHint')}</span>
          </span>
          <input
            className="input mono"
            required
            maxLength={17}
            value={form.vin}
            onChange={set('vin')}
            aria-invalid={form.vin.length > 0 && !vinOk}
            data-testid="vehicle-vin"
          />
        </label>
        <label className="control">
          <span>{t('customerForm.plate')}</span>
          <input className="input" value={form.plate} onChange={set('plate')} data-testid="vehicle-plate" />
        </label>
        <label className="control">
          <span>{t('customerForm.model')}</span>
          <input className="input" value={form.model} onChange={set('model')} data-testid="vehicle-model" />
        </label>
        <label className="control">
          <span>{t('customerForm.modelYear')}</span>
          <input className="input input-num" inputMode="numeric" value={form.modelYear} onChange={set('modelYear')} />
        </label>
        <label className="control">
          <span>{t('customerForm.mileage')}</span>
          <input className="input input-num" inputMode="numeric" value={form.mileage} onChange={set('mileage')} data-testid="vehicle-mileage" />
        </label>
      </div>
      <MutationError error={createCustomer.error ?? createVehicle.error} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={pending || !vinOk} data-testid="create-customer-vehicle">
          {pending ? t('common.saving') : t('common.save')}
        </button>
        <button type="button" className="button button-secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
