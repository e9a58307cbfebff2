import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import type { ApiError } from '../../api/client';
import { useAction } from '../../api/useAction';
import { MutationError } from '../../components/Mutation';
import { SearchPicker, useDebounced } from '../../components/SearchPicker';
import { addDays, DAY_SLOTS, dealerToday, formatDay } from '../../dates';
import {
  BookFromReminderDocument,
  SearchOperationsDocument,
  type OperationFieldsFragment,
  type ReminderTargetFieldsFragment,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';

interface Missing {
  partNumber: string;
  missing: string;
}

/** The work to book, prefilled from the target (a recall books as a campaign item). */
function prefill(target: ReminderTargetFieldsFragment, kindLabel: string): string {
  const basis = (target.basis ?? {}) as Record<string, unknown>;
  if (target.kind === 'DECLINED_WORK' && basis.description) return String(basis.description);
  if (target.kind === 'RECALL' && basis.campaign_code) return `${kindLabel} ${String(basis.campaign_code)}`;
  return kindLabel;
}

/** A compact booking form for the customer on the phone: day, time, the work; the
 * server checks capacity and parts as for any booking (channel OUTBOUND). */
export function ReminderBooking({
  target,
  onBooked,
  onCancel,
}: {
  target: ReminderTargetFieldsFragment;
  onBooked: (target: ReminderTargetFieldsFragment) => void;
  onCancel: () => void;
}) {
  const { t, i18n } = useTranslation();
  const viewer = useViewer();
  const zone = viewer.currentDealer?.timeZone;
  const kindLabel = t(`care.reminders.kind.${target.kind.toLowerCase()}` as 'care.reminders.kind.maintenance');
  const [day, setDay] = useState(addDays(dealerToday(zone), 1));
  const [slot, setSlot] = useState('09:00');
  const [work, setWork] = useState(prefill(target, kindLabel));
  const [hours, setHours] = useState('1');
  const [request, setRequest] = useState('');
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const [operation, setOperation] = useState<OperationFieldsFragment | null>(null);
  const [opQuery, setOpQuery] = useState('');
  const opSearch = useDebounced(opQuery.trim());
  const [{ data: ops, fetching: opsFetching }] = useQuery({
    query: SearchOperationsDocument,
    variables: { search: opSearch },
    pause: opSearch.length < 1,
  });
  const local = useLocalized();
  const book = useAction(BookFromReminderDocument);

  const submit = async () => {
    setRefusal(null);
    const result = await book.run({
      id: target.id,
      input: {
        startsAt: `${day}T${slot}:00`,
        items: [
          operation
            ? {
                kind: target.kind === 'RECALL' ? 'CAMPAIGN' : operation.kind === 'MAINTENANCE' ? 'MAINTENANCE' : 'FAULT',
                operationId: operation.id,
              }
            : { kind: target.kind === 'RECALL' ? 'CAMPAIGN' : 'FAULT', description: work.trim(), hours: hours || null },
        ],
        customerRequest: request.trim(),
      },
    });
    if (result.error) {
      if (result.error.code === 'CAPACITY_FULL' || result.error.code === 'PARTS_MISSING') {
        book.clearError();
        setRefusal(result.error);
      }
      return;
    }
    if (result.data) onBooked(result.data.bookFromReminder.reminder);
  };

  const suggested = (refusal?.extensions?.suggestedDates as string[] | undefined) ?? [];
  const missing = (refusal?.extensions?.missing as Missing[] | undefined) ?? [];

  return (
    <form
      className="reminder-booking"
      data-testid="reminder-booking"
      aria-label={t('care.reminders.bookTitle')}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <h3>{t('care.reminders.bookTitle')}</h3>
      <p className="muted">
        {t('care.reminders.bookFor', {
          customer: target.customer?.name ?? '',
          vehicle: target.vehicle?.plateDisplay || target.vehicle?.vin || '',
        })}
      </p>
      <div className="form-grid">
        <label className="control">
          <span>{t('care.reminders.date')}</span>
          <input
            type="date"
            className="input"
            required
            autoFocus
            value={day}
            min={dealerToday(zone)}
            onChange={(e) => setDay(e.target.value)}
            data-testid="reminder-book-date"
          />
        </label>
        <label className="control">
          <span>{t('care.reminders.time')}</span>
          <select className="select" value={slot} onChange={(e) => setSlot(e.target.value)} data-testid="reminder-book-slot">
            {DAY_SLOTS.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <div className="span-2">
          {operation ? (
            <p data-testid="reminder-book-operation">
              <span className="mono">{operation.code}</span> {local(operation.name, operation.nameZh)}{' '}
              <span className="muted">{t('common.hoursValue', { value: operation.standardHours })}</span>{' '}
              <button type="button" className="button button-small button-secondary" onClick={() => setOperation(null)}>
                {t('care.reminders.noOperation')}
              </button>
            </p>
          ) : (
            <SearchPicker
              label={t('care.reminders.operation')}
              placeholder={t('care.reminders.operationPlaceholder')}
              query={opQuery}
              onQuery={setOpQuery}
              results={(ops?.labourOperations.edges ?? []).map((e) => e.node)}
              fetching={opsFetching}
              keyOf={(o) => o.id}
              testId="reminder-book-operation-search"
              render={(o) => (
                <span>
                  <span className="mono">{o.code}</span> {local(o.name, o.nameZh)}{' '}
                  <span className="muted">{t('common.hoursValue', { value: o.standardHours })}</span>
                </span>
              )}
              onPick={(o) => {
                setOperation(o);
                setOpQuery('');
              }}
            />
          )}
        </div>
        {!operation && (
          <label className="control span-2">
            <span>{t('care.reminders.item')}</span>
            <input className="input" required value={work} onChange={(e) => setWork(e.target.value)} data-testid="reminder-book-work" />
          </label>
        )}
        {!operation && (
          <label className="control">
            <span>{t('care.reminders.itemHours')}</span>
            <input
              className="input input-num"
              inputMode="decimal"
              value={hours}
              onChange={(e) => setHours(e.target.value)}
              data-testid="reminder-book-hours"
            />
          </label>
        )}
        <label className="control span-2">
          <span>{t('care.reminders.request')}</span>
          <input className="input" value={request} onChange={(e) => setRequest(e.target.value)} data-testid="reminder-book-request" />
        </label>
      </div>
      {refusal?.code === 'CAPACITY_FULL' && (
        <div className="alert alert-error" role="alert" data-testid="reminder-book-full">
          <span>{t('care.reminders.full')}</span>{' '}
          {suggested.map((d) => (
            <button key={d} type="button" className="button button-small button-secondary" onClick={() => setDay(d)} data-testid="suggested-day">
              {formatDay(d, i18n.language)}
            </button>
          ))}
        </div>
      )}
      {refusal?.code === 'PARTS_MISSING' && (
        <div className="alert alert-error" role="alert">
          {t('care.reminders.partsMissing', { parts: missing.map((m) => `${m.partNumber} ×${m.missing}`).join(', ') })}
        </div>
      )}
      <MutationError error={book.error} />
      <div className="inline-list">
        <button type="submit" className="button button-primary" disabled={book.pending || (!operation && !work.trim())} data-testid="reminder-book-submit">
          {t('care.reminders.confirmBook')}
        </button>
        <button type="button" className="button button-secondary" onClick={onCancel}>
          {t('care.reminders.cancel')}
        </button>
      </div>
    </form>
  );
}
