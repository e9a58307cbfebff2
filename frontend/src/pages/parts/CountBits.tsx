import { useTranslation } from 'react-i18next';
import type { StockCountStatus, WriteOffStatus } from '../../gql/graphql';

/** Status colours of counts and write-offs, mapped onto the shared status palette. */
const TONE: Record<string, string> = {
  open: 'open',
  submitted: 'awaiting_approval',
  approved: 'approved',
  cancelled: 'cancelled',
  requested: 'awaiting_approval',
  rejected: 'declined',
  disposed: 'delivered',
};

/** A count's status as a coloured pill in the interface language. */
export function CountStatusPill({ status, testId }: { status: StockCountStatus; testId?: string }) {
  const { t } = useTranslation();
  const value = status.toLowerCase() as Lowercase<StockCountStatus>;
  return (
    <span className={`status status-${TONE[value]}`} data-testid={testId} data-status={value}>
      {t(`parts.counts.status.${value}`)}
    </span>
  );
}

/** A write-off's status as a coloured pill in the interface language. */
export function WriteOffStatusPill({ status, testId }: { status: WriteOffStatus; testId?: string }) {
  const { t } = useTranslation();
  const value = status.toLowerCase() as Lowercase<WriteOffStatus>;
  return (
    <span className={`status status-${TONE[value]}`} data-testid={testId} data-status={value}>
      {t(`parts.writeOffs.status.${value}`)}
    </span>
  );
}

/** A quantity without trailing zeros ("4", "2.5"), as counters write it. */
export function qty(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const number = Number(value);
  return Number.isFinite(number) ? String(number) : value;
}

/** A signed quantity ("+2", "-1.5"), for differences. */
export function signedQty(value: string | null | undefined): string {
  const text = qty(value);
  return text && Number(value) > 0 ? `+${text}` : text;
}
