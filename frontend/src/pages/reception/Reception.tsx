import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../api/useAction';
import { StatusPill } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import { SearchPicker, useDebounced } from '../../components/SearchPicker';
import { dealerTime, dealerToday } from '../../dates';
import {
  AppointmentDayDocument,
  OpenRepairOrderDocument,
  ReceptionAppointmentDocument,
  SearchVehiclesDocument,
  type AppointmentFieldsFragment,
  type OpenRepairOrderInput,
  type VehicleFieldsFragment,
  type CustomerFieldsFragment,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { CampaignFlag } from '../oversight/CampaignFlag';
import { VehicleWarrantyWarnings } from '../warranty/ClaimBits';

const VIN = /^[A-HJ-NPR-Z0-9]{17}$/;

/** 接待: open a repair order from today's appointment or for a walk-in, then the walk-around. */
export function Reception() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const appointmentId = params.get('appointment');

  return (
    <div className="page page-wide" data-testid="page-reception">
      <PageHeader title={t('reception.title')} intro={t('reception.intro')} />
      {appointmentId ? (
        <FromAppointment id={appointmentId} onBack={() => setParams({})} />
      ) : (
        <div className="split">
          <TodaysAppointments onReceive={(id) => setParams({ appointment: id })} />
          <WalkIn />
        </div>
      )}
    </div>
  );
}

function TodaysAppointments({ onReceive }: { onReceive: (id: string) => void }) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const zone = viewer.currentDealer?.timeZone;
  const [{ data, error, fetching }, refetch] = useQuery({
    query: AppointmentDayDocument,
    variables: { date: dealerToday(zone) },
    requestPolicy: 'cache-and-network',
  });
  const waiting = (data?.appointments ?? []).filter((a) => !a.repairOrderId && (a.status === 'BOOKED' || a.status === 'CONFIRMED'));

  return (
    <section className="panel" aria-labelledby="today-heading" data-testid="todays-appointments">
      <div className="panel-header">
        <h2 id="today-heading">{t('reception.todays')}</h2>
        <span className="muted">{waiting.length}</span>
      </div>
      {error ? (
        <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : fetching && !data ? (
        <Loading />
      ) : waiting.length === 0 ? (
        <p className="empty">{t('reception.noneToday')}</p>
      ) : (
        <table className="table">
          <tbody>
            {waiting.map((a) => (
              <tr key={a.id} data-testid="reception-appointment" data-appointment-id={a.id}>
                <td className="mono">{dealerTime(a.startsAt, zone)}</td>
                <td>
                  <span className="plate">{a.vehicle?.plateDisplay}</span> <span className="muted">{a.vehicle?.model}</span>
                  <div className="hint">{a.customer?.name}</div>
                </td>
                <td>
                  <StatusPill family="appointment" value={a.status} />
                </td>
                <td>
                  <button type="button" className="button button-primary button-small" data-testid="receive" onClick={() => onReceive(a.id)}>
                    {t('reception.receive')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function useOpenOrder() {
  const navigate = useNavigate();
  const open = useAction(OpenRepairOrderDocument);
  const submit = async (input: OpenRepairOrderInput) => {
    const result = await open.run({ input });
    if (result.data) navigate(`/orders/${result.data.openRepairOrder.id}/walkaround`);
  };
  return { submit, pending: open.pending, error: open.error };
}

function ArrivalFields({
  mileage,
  setMileage,
  description,
  setDescription,
}: {
  mileage: string;
  setMileage: (v: string) => void;
  description: string;
  setDescription: (v: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="form-grid">
      <label className="control">
        <span>{t('customerForm.mileage')}</span>
        <input
          className="input input-num"
          required
          inputMode="numeric"
          value={mileage}
          data-testid="mileage-in"
          onChange={(e) => setMileage(e.target.value.replace(/[^0-9]/g, ''))}
        />
      </label>
      <label className="control span-all">
        <span>{t('reception.description')}</span>
        <textarea className="textarea" value={description} data-testid="customer-description" onChange={(e) => setDescription(e.target.value)} />
      </label>
    </div>
  );
}

function FromAppointment({ id, onBack }: { id: string; onBack: () => void }) {
  const { t } = useTranslation();
  const local = useLocalized();
  const [{ data, error, fetching }] = useQuery({ query: ReceptionAppointmentDocument, variables: { id } });
  const appointment = data?.node?.__typename === 'Appointment' ? (data.node as AppointmentFieldsFragment) : null;
  const [mileage, setMileage] = useState('');
  const [description, setDescription] = useState<string | null>(null);
  const open = useOpenOrder();

  if (error) return <ErrorPanel error={error} />;
  if (fetching && !data) return <Loading />;
  if (!appointment) return <p className="empty">{t('errors.NOT_FOUND')}</p>;
  const text =
    description ??
    [appointment.customerRequest, ...appointment.items.map((i) => (i.operation ? local(i.operation.name, i.operation.nameZh) : i.description))]
      .filter(Boolean)
      .join('; ');

  return (
    <form
      className="panel"
      data-testid="receive-form"
      onSubmit={(e) => {
        e.preventDefault();
        void open.submit({ appointmentId: appointment.id, mileageIn: Number(mileage), customerDescription: text });
      }}
    >
      <div className="panel-header">
        <h2>
          <span className="plate">{appointment.vehicle?.plateDisplay}</span> {appointment.vehicle?.model}
        </h2>
        <span className="muted">
          {appointment.customer?.name} · {appointment.customer?.phone}
        </span>
      </div>
      {appointment.vehicle && <CampaignFlag vehicleId={appointment.vehicle.id} />}
      {appointment.vehicle && <VehicleWarrantyWarnings vehicleId={appointment.vehicle.id} withCampaigns={false} />}
      <ArrivalFields mileage={mileage} setMileage={setMileage} description={text} setDescription={setDescription} />
      <MutationError error={open.error} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={!mileage || open.pending} data-testid="open-order">
          {open.pending ? t('reception.opening') : t('reception.openOrder')}
        </button>
        <button type="button" className="button button-secondary" onClick={onBack}>
          {t('common.back')}
        </button>
      </div>
    </form>
  );
}

type Existing = VehicleFieldsFragment & { customer: CustomerFieldsFragment | null };

function WalkIn() {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [existing, setExisting] = useState<Existing | null>(null);
  const [fresh, setFresh] = useState(false);
  const [person, setPerson] = useState({ name: '', phone: '' });
  const [car, setCar] = useState({ vin: '', plate: '', model: '' });
  const [mileage, setMileage] = useState('');
  const [description, setDescription] = useState('');
  const search = useDebounced(query.trim());
  const [{ data, fetching }] = useQuery({ query: SearchVehiclesDocument, variables: { search, first: 8 }, pause: search.length < 2 || !!existing });
  const open = useOpenOrder();
  const vinOk = VIN.test(car.vin);
  const ready = !!mileage && (existing ? true : fresh && vinOk && !!person.name.trim() && !!person.phone.trim());

  return (
    <form
      className="panel"
      aria-labelledby="walkin-heading"
      data-testid="walk-in"
      onSubmit={(e) => {
        e.preventDefault();
        if (!ready) return;
        void open.submit(
          existing
            ? { vehicleId: existing.id, mileageIn: Number(mileage), customerDescription: description }
            : {
                customer: { name: person.name.trim(), phone: person.phone.trim() },
                vehicle: { vin: car.vin, plate: car.plate.trim(), model: car.model.trim() },
                mileageIn: Number(mileage),
                customerDescription: description,
              },
        );
      }}
    >
      <div className="panel-header">
        <h2 id="walkin-heading">{t('reception.walkIn')}</h2>
      </div>
      {existing ? (
        <>
          <div className="chosen" data-testid="chosen-vehicle">
            <div>
              <span className="plate">{existing.plateDisplay}</span> {existing.model} <span className="mono muted">{existing.vin}</span>
              <div className="muted">
                {existing.customer?.name} · {existing.customer?.phone}
              </div>
            </div>
            <button type="button" className="button button-secondary button-small" onClick={() => setExisting(null)}>
              {t('customerForm.change')}
            </button>
          </div>
          <CampaignFlag vehicleId={existing.id} />
          <VehicleWarrantyWarnings vehicleId={existing.id} withCampaigns={false} />
        </>
      ) : !fresh ? (
        <div className="form-grid">
          <div className="span-2">
            <SearchPicker
              label={`${t('customerForm.customer')} / ${t('customerForm.vehicle')}`}
              placeholder={t('customerForm.searchCustomer')}
              query={query}
              onQuery={setQuery}
              results={(data?.vehicles.edges ?? []).map((e) => e.node)}
              fetching={fetching}
              keyOf={(v) => v.id}
              testId="walkin-search"
              render={(v) => (
                <div>
                  <span className="plate">{v.plateDisplay}</span> {v.model} <span className="mono muted">{v.vin}</span>
                  <div className="muted">{v.customer?.name}</div>
                </div>
              )}
              onPick={setExisting}
            />
          </div>
          <div className="control" style={{ justifyContent: 'flex-end' }}>
            <button type="button" className="button button-secondary" data-testid="walkin-new" onClick={() => setFresh(true)}>
              {t('customerForm.newCustomer')}
            </button>
          </div>
        </div>
      ) : (
        <>
          <p className="hint">{t('reception.walkInIntro')}</p>
          <div className="form-grid">
            <label className="control">
              <span>{t('customerForm.name')}</span>
              <input className="input" required autoFocus value={person.name} data-testid="walkin-name" onChange={(e) => setPerson({ ...person, name: e.target.value })} />
            </label>
            <label className="control">
              <span>{t('customerForm.phone')}</span>
              <input className="input" required type="tel" value={person.phone} data-testid="walkin-phone" onChange={(e) => setPerson({ ...person, phone: e.target.value })} />
            </label>
            <label className="control span-2">
              <span>
                {t('customerForm.vin')} <span className="hint">{t('customerForm.vinHint')}</span>
              </span>
              <input
                className="input mono"
                required
                maxLength={17}
                value={car.vin}
                aria-invalid={car.vin.length > 0 && !vinOk}
                data-testid="walkin-vin"
                onChange={(e) => setCar({ ...car, vin: e.target.value.toUpperCase().replace(/\s/g, '') })}
              />
            </label>
            <label className="control">
              <span>{t('customerForm.plate')}</span>
              <input className="input" value={car.plate} data-testid="walkin-plate" onChange={(e) => setCar({ ...car, plate: e.target.value })} />
            </label>
            <label className="control">
              <span>{t('customerForm.model')}</span>
              <input className="input" value={car.model} data-testid="walkin-model" onChange={(e) => setCar({ ...car, model: e.target.value })} />
            </label>
          </div>
        </>
      )}
      <ArrivalFields mileage={mileage} setMileage={setMileage} description={description} setDescription={setDescription} />
      <MutationError error={open.error} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={!ready || open.pending} data-testid="walkin-open-order">
          {open.pending ? t('reception.opening') : t('reception.openOrder')}
        </button>
        {fresh && (
          <button type="button" className="button button-secondary" onClick={() => setFresh(false)}>
            {t('common.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
