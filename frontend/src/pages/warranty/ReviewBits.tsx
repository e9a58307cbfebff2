import { useTranslation } from 'react-i18next';
import type { DeliveryStatus, ManufacturerDecisionKind } from '../../gql/graphql';

type ClaimStatus = keyof typeof import('../../i18n/warranty/review').en.claimStatus;

const CLAIM_TONE: Record<string, string> = {
  draft: 'pill-muted',
  submitted: 'pill-info',
  accepted: 'pill-info',
  approved: 'pill-ok',
  partially_approved: 'pill-warn',
  rejected: 'pill-muted',
  returned: 'pill-warn',
  paid: 'pill-ok',
  cancelled: 'pill-muted',
};

/** A claim's status (the server sends the lower-case value) in the interface language. */
export function ClaimStatusPill({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <span className={`pill ${CLAIM_TONE[status] ?? 'pill-muted'}`} data-testid="review-claim-status" data-status={status}>
      {t(`warranty.review.claimStatus.${status as ClaimStatus}`, { defaultValue: status })}
    </span>
  );
}

const DELIVERY_TONE: Record<DeliveryStatus, string> = {
  PENDING: 'pill-info',
  DELIVERED: 'pill-ok',
  DEAD: 'pill-warn',
};

export function DeliveryStatusPill({ status }: { status: DeliveryStatus }) {
  const { t } = useTranslation();
  const key = status.toLowerCase() as Lowercase<DeliveryStatus>;
  return (
    <span className={`pill ${DELIVERY_TONE[status]}`} data-testid="delivery-status" data-status={key}>
      {t(`warranty.review.deliveryStatus.${key}`)}
    </span>
  );
}

export function DecisionText({ decision }: { decision: ManufacturerDecisionKind }) {
  const { t } = useTranslation();
  return <strong>{t(`warranty.review.decision.${decision.toLowerCase() as Lowercase<ManufacturerDecisionKind>}`)}</strong>;
}

/** The claim type (lower-case from the server) in words. */
export function ClaimTypeText({ type }: { type: string }) {
  const { t } = useTranslation();
  return <>{t(`warranty.review.claimType.${type as 'standard'}`, { defaultValue: type })}</>;
}

/** Cents-exact sum of decimal strings (amounts arrive as strings to keep precision). */
export function sumAmounts(amounts: readonly string[]): string {
  const cents = amounts.reduce((total, a) => total + Math.round(Number(a || '0') * 100), 0);
  return (cents / 100).toFixed(2);
}
