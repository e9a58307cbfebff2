import { useTranslation } from 'react-i18next';
import './Purchase.css';

/** Pieces the purchasing and receiving screens share: statuses, urgency, supplier, quantities. */

/** An order's status; a submitted emergency order awaits approval, not review. */
export function PurchaseStatusPill({ value, urgency, testId }: { value: string; urgency?: string; testId?: string }) {
  const { t } = useTranslation();
  const key = value.toLowerCase();
  const shown = key === 'submitted' && urgency === 'EMERGENCY' ? 'reviewed' : key;
  return (
    <span className={`status status-po-${key}`} data-testid={testId} data-status={key}>
      {t(`parts.purchasing.status.${shown}` as 'parts.purchasing.status.draft', { defaultValue: value })}
    </span>
  );
}

export function ReceiptStatusPill({ value, testId }: { value: string; testId?: string }) {
  const { t } = useTranslation();
  const key = value.toLowerCase();
  return (
    <span className={`status status-gr-${key}`} data-testid={testId} data-status={key}>
      {t(`parts.purchasing.receiptStatus.${key}` as 'parts.purchasing.receiptStatus.open', { defaultValue: value })}
    </span>
  );
}

export function ClaimStatusPill({ value }: { value: string }) {
  const { t } = useTranslation();
  const key = value.toLowerCase();
  return (
    <span className={`status status-claim-${key}`} data-status={key}>
      {t(`parts.purchasing.claimStatus.${key}` as 'parts.purchasing.claimStatus.open', { defaultValue: value })}
    </span>
  );
}

export function UrgencyPill({ value }: { value: string }) {
  const { t } = useTranslation();
  const emergency = value === 'EMERGENCY';
  return (
    <span className={`pill ${emergency ? 'pill-danger' : 'pill-muted'}`} data-urgency={value.toLowerCase()}>
      {t(emergency ? 'parts.purchasing.urgency.emergency' : 'parts.purchasing.urgency.regular')}
    </span>
  );
}

/** A supplier's name; none is the manufacturer's parts centre. */
export function SupplierName({ supplier }: { supplier: { name: string } | null | undefined }) {
  const { t } = useTranslation();
  return supplier ? <>{supplier.name}</> : <span className="muted">{t('parts.purchasing.partsCentre')}</span>;
}

/** A quantity without trailing zeros ("12", "2.5"). */
export function qty(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const n = Number(value);
  return Number.isFinite(n) ? String(Math.round(n * 100) / 100) : String(value);
}

/** A date (yyyy-mm-dd) as the interface language writes it. */
export function DateOnly({ value }: { value: string | null | undefined }) {
  const { i18n } = useTranslation();
  if (!value) return <span className="muted">—</span>;
  const [y = 1970, m = 1, d = 1] = value.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  const text = new Intl.DateTimeFormat(i18n.language.startsWith('zh') ? 'zh-CN' : 'en-GB', {
    dateStyle: 'medium',
    timeZone: 'UTC',
  }).format(date);
  return <time dateTime={value}>{text}</time>;
}

/** Today in the dealer's time zone, as yyyy-mm-dd (for date inputs). */
export function dealerToday(timeZone: string | null | undefined, plusDays = 0): string {
  const now = new Date(Date.now() + plusDays * 86_400_000);
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: timeZone ?? undefined }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}
