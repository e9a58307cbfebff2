import { useTranslation } from 'react-i18next';
import type { PartsRequestStatus } from '../../gql/graphql';

/** A quantity without trailing zeros: 4 rather than 4.00, 1.5 rather than 1.50. */
export function qty(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const n = Number(value);
  return Number.isFinite(n) ? String(n) : String(value);
}

interface Flagged {
  belowMin: boolean;
  aboveMax: boolean;
  noMovementDays: number | null;
}

const SLOW_DAYS = 180;

/** Below min / above max / long without movement, as pills. */
export function StockFlags({ item }: { item: Flagged }) {
  const { t } = useTranslation();
  return (
    <span className="inline-list stock-flags">
      {item.belowMin && (
        <span className="pill pill-danger" data-testid="flag-below-min">
          {t('parts.stock.belowMin')}
        </span>
      )}
      {item.aboveMax && <span className="pill pill-warn">{t('parts.stock.aboveMax')}</span>}
      {item.noMovementDays === null ? (
        <span className="pill pill-muted">{t('parts.stock.neverMoved')}</span>
      ) : (
        item.noMovementDays >= SLOW_DAYS && <span className="pill pill-muted">{t('parts.stock.noMovement', { count: item.noMovementDays })}</span>
      )}
    </span>
  );
}

/** A parts request's status as a coloured pill in the interface language. */
export function RequestStatus({ status }: { status: PartsRequestStatus }) {
  const { t } = useTranslation();
  const value = status.toLowerCase() as Lowercase<PartsRequestStatus>;
  return (
    <span className={`status request-${value}`} data-testid="request-status" data-status={value}>
      {t(`parts.issuing.status.${value}`)}
    </span>
  );
}
