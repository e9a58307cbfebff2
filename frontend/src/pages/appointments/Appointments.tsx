import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { CapacityBar, StatusPill } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import { addDays, dealerTime, dealerToday, formatDay } from '../../dates';
import {
  AppointmentConfirmationQueueDocument,
  AppointmentDayDocument,
  CancelAppointmentDocument,
  ConfirmAppointmentDocument,
  MarkAppointmentNoShowDocument,
  MarkPartsPickedDocument,
  PrePickListDocument,
  type AppointmentFieldsFragment,
  type ConfirmationStage,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';

/** 预约: one workshop day — capacity, the appointments, confirmations due and the pre-pick list. */
export function Appointments() {
  const { t, i18n } = useTranslation();
  const viewer = useViewer();
  const zone = viewer.currentDealer?.timeZone;
  const [params, setParams] = useSearchParams();
  const day = params.get('date') || dealerToday(zone);
  const go = (next: string) => setParams({ date: next }, { replace: true });
  const booked = params.get('booked');
  const confirmDuty = viewer.duties.some((d) => d.key === 'appointment_confirmation');

  return (
    <div className="page page-wide" data-testid="page-appointments">
      <PageHeader
        title={t('appointments.title')}
        intro={t('appointments.intro')}
        actions={
          can(viewer, 'appointment', 'create') && (
            <Link className="button button-primary" to={`/appointments/new?date=${day}`} data-testid="book-appointment">
              {t('appointments.book')}
            </Link>
          )
        }
      />
      <div className="board-toolbar" role="group" aria-label={t('appointments.day')}>
        <button type="button" className="button button-secondary" onClick={() => go(addDays(day, -1))} aria-label={t('common.previousDay')}>
          ‹
        </button>
        <input
          type="date"
          className="input"
          style={{ width: 160 }}
          value={day}
          aria-label={t('appointments.day')}
          data-testid="appointment-date"
          onChange={(e) => e.target.value && go(e.target.value)}
        />
        <button type="button" className="button button-secondary" onClick={() => go(addDays(day, 1))} aria-label={t('common.nextDay')}>
          ›
        </button>
        <button type="button" className="button button-secondary" onClick={() => go(dealerToday(zone))}>
          {t('common.today')}
        </button>
        <strong>{formatDay(day, i18n.language)}</strong>
      </div>
      <DayPanel day={day} booked={booked} />
      <div className="split">
        {confirmDuty && <ConfirmationQueue />}
        {can(viewer, 'parts_stock', 'read') && <PrePickList day={day} />}
      </div>
    </div>
  );
}

function DayPanel({ day, booked }: { day: string; booked: string | null }) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const [{ data, error, fetching }, refetch] = useQuery({ query: AppointmentDayDocument, variables: { date: day } });
  const capacity = data?.workshopCapacity[0];
  const appointments = data?.appointments ?? [];
  const justBooked = booked ? appointments.find((a) => a.id === booked) : undefined;

  return (
    <>
      {justBooked && (
        <div className="alert alert-ok" role="status" data-testid="booked-ok">
          {t('appointments.bookedOk', { time: `${justBooked.workDate} ${dealerTime(justBooked.startsAt, viewer.currentDealer?.timeZone)}` })}
        </div>
      )}
      <section className="panel" aria-labelledby="capacity-heading">
        <div className="panel-header">
          <h2 id="capacity-heading">{t('appointments.capacity')}</h2>
        </div>
        {capacity ? (
          <CapacityBar
            available={Number(capacity.availableHours)}
            booked={Number(capacity.bookedHours)}
            free={Number(capacity.freeHours)}
          />
        ) : fetching ? (
          <Loading />
        ) : null}
      </section>
      <section className="panel" aria-labelledby="day-heading" data-testid="appointment-list">
        <div className="panel-header">
          <h2 id="day-heading">{t('appointments.list')}</h2>
          <span className="muted">{appointments.length}</span>
        </div>
        {error ? (
          <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
        ) : fetching && !data ? (
          <Loading />
        ) : appointments.length === 0 ? (
          <p className="empty">{t('appointments.none')}</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('appointments.time')}</th>
                <th scope="col">{t('appointments.vehicle')}</th>
                <th scope="col">{t('appointments.customer')}</th>
                <th scope="col">{t('appointments.items')}</th>
                <th scope="col" className="num">{t('common.hours')}</th>
                <th scope="col">{t('appointments.status')}</th>
                <th scope="col">{t('appointments.advisor')}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {appointments.map((a) => (
                <AppointmentRow
                  key={a.id}
                  appointment={a}
                  canReceive={can(viewer, 'repair_order', 'create') && day === dealerToday(viewer.currentDealer?.timeZone)}
                  highlight={a.id === booked}
                />
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

function ItemsText({ appointment }: { appointment: AppointmentFieldsFragment }) {
  const local = useLocalized();
  return (
    <>
      {appointment.items
        .map((i) => (i.operation ? `${i.operation.code} ${local(i.operation.name, i.operation.nameZh)}` : i.description))
        .join('; ')}
    </>
  );
}

function AppointmentRow({
  appointment: a,
  canReceive,
  highlight,
}: {
  appointment: AppointmentFieldsFragment;
  canReceive: boolean;
  highlight: boolean;
}) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const zone = viewer.currentDealer?.timeZone;
  const cancel = useAction(CancelAppointmentDocument);
  const noShow = useAction(MarkAppointmentNoShowDocument);
  const live = a.status === 'BOOKED' || a.status === 'CONFIRMED';
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState('');

  return (
    <>
      <tr
        data-testid="appointment-row"
        data-appointment-id={a.id}
        data-status={a.status.toLowerCase()}
        data-waiting-parts={!!a.partsExpectedOn}
        className={highlight ? 'row-highlight' : undefined}
      >
        <td className="mono">{dealerTime(a.startsAt, zone)}</td>
        <td>
          <span className="plate">{a.vehicle?.plateDisplay || a.vehicle?.plate}</span>{' '}
          <span className="muted">{a.vehicle?.model}</span>
        </td>
        <td>
          {a.customer?.name}
          <div className="hint">{a.customer?.phone}</div>
        </td>
        <td>
          <ItemsText appointment={a} />
          {a.partsExpectedOn && (
            <div>
              <span className="pill pill-warn">{t('appointments.waitingParts', { date: a.partsExpectedOn })}</span>
            </div>
          )}
        </td>
        <td className="num">{Number(a.bookedHours).toFixed(1)}</td>
        <td>
          <StatusPill family="appointment" value={a.status} />
        </td>
        <td>{a.advisor?.displayName ?? <span className="muted">—</span>}</td>
        <td className="nowrap">
          {a.repairOrderId ? (
            <Link to={`/orders/${a.repairOrderId}`}>{t('common.open')}</Link>
          ) : (
            live && (
              <div className="inline-list">
                {canReceive && (
                  <Link className="button button-primary button-small" to={`/reception?appointment=${a.id}`} data-testid="receive-appointment">
                    {t('reception.receive')}
                  </Link>
                )}
                {can(viewer, 'appointment', 'cancel') && (
                  <>
                    <button type="button" className="button button-secondary button-small" onClick={() => void noShow.run({ id: a.id })}>
                      {t('appointments.noShow')}
                    </button>
                    <button type="button" className="button button-danger button-small" onClick={() => setCancelling((c) => !c)}>
                      {t('appointments.cancelAppointment')}
                    </button>
                  </>
                )}
              </div>
            )
          )}
        </td>
      </tr>
      {(cancelling || cancel.error || noShow.error) && (
        <tr className="detail-row">
          <td colSpan={8}>
            <MutationError error={cancel.error ?? noShow.error} />
            {cancelling && (
              <form
                className="form-actions"
                onSubmit={(e) => {
                  e.preventDefault();
                  void cancel.run({ id: a.id, reason }).then((r) => r.data && setCancelling(false));
                }}
              >
                <input
                  className="input"
                  style={{ maxWidth: 360 }}
                  required
                  autoFocus
                  placeholder={t('appointments.cancelReason')}
                  aria-label={t('appointments.cancelReason')}
                  value={reason}
                  onChange={(e) => setReason(e.target.value)}
                />
                <button type="submit" className="button button-danger" disabled={cancel.pending || !reason.trim()}>
                  {t('appointments.cancelAppointment')}
                </button>
              </form>
            )}
          </td>
        </tr>
      )}
    </>
  );
}

function ConfirmationQueue() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const zone = viewer.currentDealer?.timeZone;
  const [{ data, error, fetching }, refetch] = useQuery({ query: AppointmentConfirmationQueueDocument });
  const confirm = useAction(ConfirmAppointmentDocument);
  const due = data?.appointmentConfirmationQueue ?? [];

  return (
    <section className="panel" aria-labelledby="queue-heading" data-testid="confirmation-queue">
      <div className="panel-header">
        <h2 id="queue-heading">{t('appointments.confirmQueue')}</h2>
        <span className="muted">{due.length}</span>
      </div>
      <p className="hint">{t('appointments.confirmIntro')}</p>
      <MutationError error={confirm.error} />
      {error ? (
        <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : fetching && !data ? (
        <Loading />
      ) : due.length === 0 ? (
        <p className="empty">{t('appointments.queueEmpty')}</p>
      ) : (
        <table className="table">
          <tbody>
            {due.map((d) => (
              <tr
                key={`${d.appointment.id}-${d.stage}`}
                data-testid="confirmation-due"
                data-stage={d.stage}
                data-appointment-id={d.appointment.id}
              >
                <td>
                  <span className={`pill ${d.stage === 'HOUR_BEFORE' ? 'pill-warn' : 'pill-info'}`}>
                    {d.stage === 'HOUR_BEFORE' ? t('appointments.hourBefore') : t('appointments.dayBefore')}
                  </span>
                </td>
                <td className="mono">{d.appointment.workDate} {dealerTime(d.appointment.startsAt, zone)}</td>
                <td>
                  <span className="plate">{d.appointment.vehicle?.plateDisplay}</span>
                  <div className="hint">
                    {d.appointment.customer?.name} · {d.appointment.customer?.phone}
                  </div>
                </td>
                <td>
                  {can(viewer, 'appointment', 'confirm') && (
                    <button
                      type="button"
                      className="button button-secondary button-small"
                      disabled={confirm.pending}
                      data-testid="confirm-appointment"
                      onClick={() =>
                        void confirm
                          .run({ id: d.appointment.id, stage: d.stage as ConfirmationStage })
                          .then(() => refetch({ requestPolicy: 'network-only' }))
                      }
                    >
                      {t('appointments.confirm')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function PrePickList({ day }: { day: string }) {
  const { t } = useTranslation();
  const local = useLocalized();
  const viewer = useViewer();
  const zone = viewer.currentDealer?.timeZone;
  const [{ data, error, fetching }, refetch] = useQuery({ query: PrePickListDocument, variables: { date: day } });
  const pick = useAction(MarkPartsPickedDocument);
  const lines = data?.prePickList ?? [];

  return (
    <section className="panel" aria-labelledby="prepick-heading" data-testid="pre-pick-list">
      <div className="panel-header">
        <h2 id="prepick-heading">{t('appointments.prePick')}</h2>
        <span className="muted">{lines.length}</span>
      </div>
      <p className="hint">{t('appointments.prePickIntro')}</p>
      <MutationError error={pick.error} />
      {error ? (
        <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : fetching && !data ? (
        <Loading />
      ) : lines.length === 0 ? (
        <p className="empty">{t('appointments.prePickEmpty')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col" aria-label="✓" />
              <th scope="col">{t('appointments.bin')}</th>
              <th scope="col">{t('appointments.partName')}</th>
              <th scope="col" className="num">{t('appointments.quantity')}</th>
              <th scope="col">{t('appointments.forAppointment')}</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <tr key={l.reservation.id} data-testid="pre-pick-line">
                <td>
                  <input
                    type="checkbox"
                    checked={l.reservation.picked}
                    aria-label={`${l.partNumber} ${t('appointments.prePick')}`}
                    onChange={(e) => void pick.run({ reservationId: l.reservation.id, picked: e.target.checked })}
                  />
                </td>
                <td className="mono">{l.reservation.binLocation || '—'}</td>
                <td>
                  <span className="mono">{l.partNumber}</span> {local(l.partName, l.partNameZh)}
                </td>
                <td className="num">
                  {Number(l.reservation.quantity)} {l.unit}
                </td>
                <td>
                  <span className="mono">{dealerTime(l.startsAt, zone)}</span> {l.appointment?.vehicle?.plateDisplay}
                  {l.partsExpectedOn && <div className="pill pill-warn">{l.partsExpectedOn}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
