import { useTranslation } from 'react-i18next';
import { formatDay } from '../../dates';
import type { ReminderKind } from '../../gql/graphql';
import { useLocalized } from '../../localize';

type Basis = Record<string, unknown>;

function text(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

/** Why a target is due, from the rule and numbers the generator stored in `basis`. */
export function ReminderWhy({ kind, basis }: { kind: ReminderKind; basis: unknown }) {
  const { t, i18n } = useTranslation();
  const local = useLocalized();
  const b: Basis = basis && typeof basis === 'object' ? (basis as Basis) : {};
  const day = (value: unknown) => (value ? formatDay(String(value), i18n.language) : '—');
  const km = (value: unknown) => (value === null || value === undefined ? '—' : Number(value).toLocaleString(i18n.language));
  const lines: string[] = [];

  if (kind === 'MAINTENANCE') {
    const dateRule = text(b.date_rule);
    lines.push(b.by === 'km' ? t('care.reminders.why.byKm') : t('care.reminders.why.byDate'));
    if (dateRule === 'next_service_date') lines.push(t('care.reminders.why.next_service_date', { date: day(b.date_due) }));
    if (dateRule === 'maintenance_months')
      lines.push(t('care.reminders.why.maintenance_months', { last: day(b.last_service_on), months: text(b.months), date: day(b.date_due) }));
    if (dateRule === 'first_service') lines.push(t('care.reminders.why.first_service', { months: text(b.months), date: day(b.date_due) }));
    const kmRule = text(b.km_rule);
    if (kmRule === 'next_service_km') lines.push(t('care.reminders.why.next_service_km', { km: km(b.target_km) }));
    if (kmRule === 'maintenance_km') lines.push(t('care.reminders.why.maintenance_km', { last: km(b.last_service_km), km: km(b.target_km) }));
    if (kmRule === 'first_service') lines.push(t('care.reminders.why.first_service_km', { km: km(b.target_km) }));
    lines.push(
      b.km_due
        ? t('care.reminders.why.pace', { pace: text(b.km_per_day), reading: km(b.reading_km), on: day(b.reading_on), date: day(b.km_due) })
        : t('care.reminders.why.noPace'),
    );
  } else if (kind === 'INSURANCE') {
    lines.push(t('care.reminders.why.insurance', { date: day(b.expires_on) }));
  } else if (kind === 'WARRANTY_EXPIRY') {
    lines.push(t('care.reminders.why.warranty', { sale: day(b.sale_date), months: text(b.base_months), date: day(b.expires_on) }));
    if (b.estimated_km !== null && b.estimated_km !== undefined)
      lines.push(t('care.reminders.why.warrantyKm', { km: km(b.estimated_km), limit: km(b.base_km) }));
  } else if (kind === 'DECLINED_WORK') {
    lines.push(t('care.reminders.why.declined', { order: text(b.order_number), description: text(b.description) }));
  } else if (kind === 'RECALL') {
    lines.push(t('care.reminders.why.recall', { code: text(b.campaign_code), title: local(text(b.title), text(b.title_zh) || null) }));
    if (b.ends_on) lines.push(t('care.reminders.why.recallEnds', { date: day(b.ends_on) }));
  }

  return (
    <ul className="reminder-why" data-testid="reminder-why" data-by={text(b.by)}>
      {lines.map((line, i) => (
        <li key={i} className={i === 0 ? undefined : 'muted'}>
          {line}
        </li>
      ))}
    </ul>
  );
}
