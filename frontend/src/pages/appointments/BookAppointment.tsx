import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../api/useAction';
import type { ApiError } from '../../api/client';
import { CapacityBar } from '../../components/Bits';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import { SearchPicker, useDebounced } from '../../components/SearchPicker';
import { VehiclePicker, type ChosenVehicle } from '../../components/VehiclePicker';
import { addDays, DAY_SLOTS, dealerToday, formatDay } from '../../dates';
import {
  BookAppointmentDocument,
  SearchOperationsDocument,
  WorkshopCapacityDocument,
  type AppointmentChannel,
  type OperationFieldsFragment,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { CampaignFlag } from '../oversight/CampaignFlag';

interface Item {
  key: string;
  operation: OperationFieldsFragment | null;
  description: string;
  hours: string;
  /** Added from an open campaign's banner: booked as a CAMPAIGN item. */
  campaign?: boolean;
}

const CHANNELS: AppointmentChannel[] = ['PHONE', 'WALK_IN', 'ONLINE', 'OUTBOUND', 'WECHAT'];

interface Missing {
  partNumber: string;
  missing: string;
}

/** Books an appointment: who, when, what; the server checks capacity and parts stock. */
export function BookAppointment() {
  const { t, i18n } = useTranslation();
  const local = useLocalized();
  const viewer = useViewer();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const zone = viewer.currentDealer?.timeZone;
  const [chosen, setChosen] = useState<ChosenVehicle | null>(null);
  const [day, setDay] = useState(params.get('date') || addDays(dealerToday(zone), 1));
  const [slot, setSlot] = useState('09:00');
  const [channel, setChannel] = useState<AppointmentChannel>('PHONE');
  const [request, setRequest] = useState('');
  const [items, setItems] = useState<Item[]>([]);
  const [opQuery, setOpQuery] = useState('');
  const [fault, setFault] = useState('');
  const [expected, setExpected] = useState('');
  const opSearch = useDebounced(opQuery.trim());
  const [{ data: ops, fetching: opsFetching }] = useQuery({
    query: SearchOperationsDocument,
    variables: { search: opSearch },
    pause: opSearch.length < 1,
  });
  const [{ data: capacityData }] = useQuery({ query: WorkshopCapacityDocument, variables: { from: day, days: 7 } });
  const book = useAction(BookAppointmentDocument);
  const [refusal, setRefusal] = useState<ApiError | null>(null);

  const capacity = capacityData?.workshopCapacity ?? [];
  const today = capacity.find((c) => c.date === day);
  const hours = items.reduce((sum, i) => sum + (Number(i.hours) || 0), 0);

  const submit = async (waitForParts = false) => {
    if (!chosen || items.length === 0) return;
    if (!waitForParts) setRefusal(null);
    const result = await book.run({
      input: {
        customerId: chosen.customer.id,
        vehicleId: chosen.vehicle.id,
        startsAt: `${day}T${slot}:00`,
        channel,
        customerRequest: request.trim(),
        items: items.map((i) =>
          i.operation
            ? {
                kind: i.campaign ? 'CAMPAIGN' : i.operation.kind === 'MAINTENANCE' ? 'MAINTENANCE' : 'FAULT',
                operationId: i.operation.id,
                description: i.description,
              }
            : { kind: 'FAULT', description: i.description, hours: i.hours || null },
        ),
        waitForParts,
        partsExpectedOn: waitForParts ? expected : null,
      },
    });
    if (result.error) {
      if (result.error.code === 'CAPACITY_FULL' || result.error.code === 'PARTS_MISSING') {
        book.clearError();
        setRefusal(result.error);
      }
      return;
    }
    if (result.data) navigate(`/appointments?date=${day}&booked=${encodeURIComponent(result.data.bookAppointment.appointment.id)}`);
  };

  const suggested = (refusal?.extensions?.suggestedDates as string[] | undefined) ?? [];
  const missing = (refusal?.extensions?.missing as Missing[] | undefined) ?? [];

  return (
    <div className="page" data-testid="page-book-appointment">
      <PageHeader
        title={t('appointments.bookTitle')}
        actions={
          <Link className="button button-secondary" to={`/appointments?date=${day}`}>
            {t('common.back')}
          </Link>
        }
      />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit(false);
        }}
      >
        <section className="panel">
          <div className="panel-header">
            <h2>{t('customerForm.customer')}</h2>
          </div>
          <VehiclePicker chosen={chosen} onChosen={setChosen} />
          {chosen && (
            <CampaignFlag
              vehicleId={chosen.vehicle.id}
              onAddItem={(c) => {
                const op = c.operation;
                if (!op) return;
                const item: Item = {
                  key: `c-${c.campaignId}`,
                  operation: { ...op, kind: 'REPAIR' },
                  description: `${c.code} ${local(c.title, c.titleZh)}`,
                  hours: op.standardHours,
                  campaign: true,
                };
                setItems((list) => [...list, item]);
              }}
            />
          )}
        </section>

        <section className="panel">
          <div className="panel-header">
            <h2>{t('appointments.slot')}</h2>
          </div>
          <div className="form-grid">
            <label className="control">
              <span>{t('common.date')}</span>
              <input type="date" className="input" required value={day} onChange={(e) => setDay(e.target.value)} data-testid="book-date" />
            </label>
            <label className="control">
              <span>{t('common.time')}</span>
              <select className="select" value={slot} onChange={(e) => setSlot(e.target.value)} data-testid="book-slot">
                {DAY_SLOTS.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </label>
            <label className="control">
              <span>{t('appointments.channel')}</span>
              <select className="select" value={channel} onChange={(e) => setChannel(e.target.value as AppointmentChannel)}>
                {CHANNELS.map((c) => (
                  <option key={c} value={c}>
                    {t(`channel.${c.toLowerCase()}` as 'channel.phone')}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {today && (
            <CapacityBar available={Number(today.availableHours)} booked={Number(today.bookedHours)} free={Number(today.freeHours)} />
          )}
          {capacity.length > 1 && (
            <div className="inline-list" style={{ marginTop: 10 }} aria-label={t('appointments.capacity')}>
              {capacity.map((c) => (
                <button
                  key={c.date}
                  type="button"
                  className={`button button-small ${c.date === day ? 'button-primary' : 'button-secondary'}`}
                  onClick={() => setDay(c.date)}
                >
                  {formatDay(c.date, i18n.language).replace(/ \d{4}$/, '')} · {Number(c.freeHours).toFixed(1)} h
                </button>
              ))}
            </div>
          )}
        </section>

        <section className="panel">
          <div className="panel-header">
            <h2>{t('appointments.itemsTitle')}</h2>
            <span className="muted">{t('common.hoursValue', { value: hours.toFixed(1) })}</span>
          </div>
          <div className="form-grid">
            <div className="span-2">
              <SearchPicker
                label={t('appointments.fromCatalog')}
                placeholder={t('appointments.searchOperation')}
                query={opQuery}
                onQuery={setOpQuery}
                results={(ops?.labourOperations.edges ?? []).map((e) => e.node)}
                fetching={opsFetching}
                keyOf={(o) => o.id}
                testId="operation-search"
                render={(o) => (
                  <span>
                    <span className="mono">{o.code}</span> {local(o.name, o.nameZh)}{' '}
                    <span className="muted">{t('common.hoursValue', { value: o.standardHours })}</span>
                  </span>
                )}
                onPick={(o) => {
                  setItems((list) => [...list, { key: `op-${o.id}-${list.length}`, operation: o, description: '', hours: o.standardHours }]);
                  setOpQuery('');
                }}
              />
            </div>
            <label className="control span-2">
              <span>{t('appointments.faultText')}</span>
              <div className="link-box">
                <input
                  className="input"
                  value={fault}
                  data-testid="fault-text"
                  onChange={(e) => setFault(e.target.value)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') {
                      e.preventDefault();
                      if (fault.trim()) {
                        setItems((list) => [...list, { key: `f-${list.length}`, operation: null, description: fault.trim(), hours: '1' }]);
                        setFault('');
                      }
                    }
                  }}
                />
                <button
                  type="button"
                  className="button button-secondary"
                  disabled={!fault.trim()}
                  onClick={() => {
                    setItems((list) => [...list, { key: `f-${list.length}`, operation: null, description: fault.trim(), hours: '1' }]);
                    setFault('');
                  }}
                >
                  {t('appointments.addFault')}
                </button>
              </div>
            </label>
          </div>
          {items.length === 0 ? (
            <p className="empty">{t('appointments.noItems')}</p>
          ) : (
            <table className="table" data-testid="book-items">
              <tbody>
                {items.map((item) => (
                  <tr key={item.key}>
                    <td>
                      <span className="pill pill-muted">
                        {item.operation ? t(`itemKind.${item.operation.kind === 'MAINTENANCE' ? 'maintenance' : 'fault'}`) : t('itemKind.fault')}
                      </span>
                    </td>
                    <td>
                      {item.operation ? (
                        <>
                          <span className="mono">{item.operation.code}</span> {local(item.operation.name, item.operation.nameZh)}
                        </>
                      ) : (
                        item.description
                      )}
                    </td>
                    <td className="num">
                      {item.operation ? (
                        Number(item.hours).toFixed(2)
                      ) : (
                        <input
                          className="input input-small input-num"
                          style={{ width: 70 }}
                          aria-label={t('appointments.standardHours')}
                          value={item.hours}
                          onChange={(e) => setItems((list) => list.map((x) => (x.key === item.key ? { ...x, hours: e.target.value } : x)))}
                        />
                      )}
                    </td>
                    <td className="num">
                      <button
                        type="button"
                        className="button button-secondary button-small"
                        aria-label={t('common.remove')}
                        onClick={() => setItems((list) => list.filter((x) => x.key !== item.key))}
                      >
                        ×
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <label className="control" style={{ marginTop: 12 }}>
            <span>{t('appointments.request')}</span>
            <textarea className="textarea" value={request} onChange={(e) => setRequest(e.target.value)} />
          </label>
        </section>

        {refusal?.code === 'CAPACITY_FULL' && (
          <div className="alert alert-warn" role="alert" data-testid="capacity-full">
            <span>
              {t('appointments.capacityFull', {
                needed: String(refusal.extensions?.neededHours ?? ''),
                free: String(refusal.extensions?.freeHours ?? ''),
              })}
            </span>
            {suggested.length > 0 && (
              <span className="inline-list">
                {t('appointments.suggestedDates')}
                {suggested.map((d) => (
                  <button key={d} type="button" className="button button-secondary button-small" data-testid="suggested-date" onClick={() => setDay(d)}>
                    {formatDay(d, i18n.language)}
                  </button>
                ))}
              </span>
            )}
          </div>
        )}
        {refusal?.code === 'PARTS_MISSING' && (
          <div className="alert alert-warn" role="alert" data-testid="parts-missing">
            <span>{t('appointments.partsMissing')}</span>
            <ul>
              {missing.map((m) => (
                <li key={m.partNumber}>{t('appointments.partMissingLine', { part: m.partNumber, missing: m.missing })}</li>
              ))}
            </ul>
            <label className="inline-list" style={{ alignItems: 'center' }}>
              {t('appointments.waitForParts')}
              <input type="date" className="input" style={{ width: 160 }} value={expected} onChange={(e) => setExpected(e.target.value)} data-testid="parts-expected" />
            </label>
            <button type="button" className="button button-primary" disabled={!expected || book.pending} onClick={() => void submit(true)} data-testid="book-waiting">
              {t('appointments.bookWaiting')}
            </button>
          </div>
        )}
        <MutationError error={book.error} />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={!chosen || items.length === 0 || book.pending} data-testid="book-submit">
            {book.pending ? t('appointments.submitting') : t('appointments.submit')}
          </button>
        </div>
      </form>
    </div>
  );
}
