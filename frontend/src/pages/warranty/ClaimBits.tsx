import { Link } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { ErrorPanel, Loading } from '../../components/Feedback';
import {
  VehicleWarrantyWarningsDocument,
  type ClaimIssueFieldsFragment,
  type EligibilityFieldsFragment,
  type WarrantyClaimStatus,
  type WarrantyWarningFieldsFragment,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import './Claim.css';

type T = ReturnType<typeof useTranslation>['t'];

/** `t` for keys built at run time (a reason or code from the server) with values: the
 * typed signature's inference is too deep for a computed key plus interpolation. */
function dynamic(t: T): (key: string, values: Record<string, unknown>) => string {
  return t as unknown as (key: string, values: Record<string, unknown>) => string;
}

/** A claim's status as a coloured pill in the interface language. */
export function ClaimStatusPill({ status, testId }: { status: WarrantyClaimStatus; testId?: string }) {
  const { t } = useTranslation();
  const value = status.toLowerCase();
  return (
    <span className={`status claim-status-${value}`} data-testid={testId} data-status={value}>
      {t(`warranty.claims.status.${value}` as 'warranty.claims.status.draft')}
    </span>
  );
}

/** The eligibility reason in words, with its figures (campaign, part group, cause...). */
export function eligibilityReason(t: T, e: EligibilityFieldsFragment): string {
  return dynamic(t)(`warranty.claims.eligibility.reason.${e.reason}`, {
    kind: e.campaign ? dynamic(t)(`warranty.claims.campaignKind.${e.campaign.kind.toLowerCase()}`, {}) : '',
    code: e.campaign?.code ?? '',
    partGroup: e.partGroup ?? '',
    cause: e.cause ? dynamic(t)(`warranty.claims.cause.${e.cause.toLowerCase()}`, {}) : '',
    claim: e.firstServiceClaimNumber ?? '',
    monthsLimit: e.monthsLimit ?? '',
    kmLimit: e.kmLimit?.toLocaleString() ?? '',
  });
}

/** Months and km against their limits, when the terms decided. */
export function eligibilityNumbers(t: T, e: EligibilityFieldsFragment): string | null {
  if (e.monthsLimit == null || e.kmLimit == null || e.monthsSinceSale == null || e.km == null) return null;
  return dynamic(t)('warranty.claims.eligibility.numbers', {
    months: e.monthsSinceSale,
    monthsLimit: e.monthsLimit,
    until: e.coveredUntil ?? '—',
    km: e.km.toLocaleString(),
    kmLimit: e.kmLimit.toLocaleString(),
  });
}

function verdict(e: EligibilityFieldsFragment): 'covered' | 'notCovered' | 'undecided' {
  return e.covered === true ? 'covered' : e.covered === false ? 'notCovered' : 'undecided';
}

/** Covered / not covered / cannot decide at a glance; the reason and figures on hover. */
export function EligibilityBadge({ eligibility }: { eligibility: EligibilityFieldsFragment | null | undefined }) {
  const { t } = useTranslation();
  if (!eligibility) return null;
  const which = verdict(eligibility);
  const numbers = eligibilityNumbers(t, eligibility);
  const title = [eligibilityReason(t, eligibility), numbers].filter(Boolean).join(' · ');
  return (
    <span
      className={`pill eligibility eligibility-${which}`}
      title={title}
      aria-label={`${t(`warranty.claims.eligibility.${which}`)}: ${title}`}
      data-testid="eligibility-badge"
      data-covered={which}
      data-reason={eligibility.reason}
    >
      {t(`warranty.claims.eligibility.${which}`)}
    </span>
  );
}

/** The badge with the reason and figures written out (claim lines, the order's warranty panel). */
export function EligibilityDetail({ eligibility }: { eligibility: EligibilityFieldsFragment | null | undefined }) {
  const { t } = useTranslation();
  if (!eligibility) return <span className="muted">—</span>;
  const numbers = eligibilityNumbers(t, eligibility);
  return (
    <div className="eligibility-detail" data-testid="eligibility-detail" data-reason={eligibility.reason}>
      <EligibilityBadge eligibility={eligibility} /> <span>{eligibilityReason(t, eligibility)}</span>
      {numbers && <div className="hint">{numbers}</div>}
    </div>
  );
}

/** One check result in words, from its code and parameters. */
export function issueText(t: T, issue: ClaimIssueFieldsFragment): string {
  const params = (issue.params ?? {}) as Record<string, unknown>;
  const reason = typeof params.reason === 'string' ? params.reason : '';
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) values[key] = Array.isArray(value) ? value.join(', ') : String(value);
  if (reason) {
    values.reason = dynamic(t)(`warranty.claims.eligibility.reason.${reason}`, {
      defaultValue: reason,
      kind: '',
      code: '',
      partGroup: '',
      cause: '',
      claim: '',
      monthsLimit: '',
      kmLimit: '',
    });
  }
  if (typeof params.expectedType === 'string') {
    values.expectedType = dynamic(t)(`warranty.claims.type.${params.expectedType}`, {});
  }
  return dynamic(t)(`warranty.claims.check.issue.${issue.code}`, { ...values, defaultValue: issue.message });
}

function warningText(t: T, w: WarrantyWarningFieldsFragment, local: (en: string, zh: string | null | undefined) => string): string {
  const tr = dynamic(t);
  if (w.kind === 'CUMULATIVE_DAYS') return tr('warranty.claims.warnings.cumulativeDays', { count: w.count, threshold: w.threshold });
  if (w.faultKind === 'OPERATION' && w.operation) {
    return tr('warranty.claims.warnings.repeatOperation', {
      operation: local(w.operation.name, w.operation.nameZh),
      count: w.count,
      threshold: w.threshold,
    });
  }
  return tr('warranty.claims.warnings.repeatPartGroup', { partGroup: w.partGroup ?? '', count: w.count, threshold: w.threshold });
}

interface CampaignRef {
  id: string;
  code: string;
  kind: string;
  title: string;
  titleZh: string;
}

/** 三包预警 and open recalls of a vehicle, each warning with the orders behind it. */
export function WarrantyWarningsList({
  warnings,
  campaigns,
  showNone = true,
}: {
  warnings: WarrantyWarningFieldsFragment[];
  campaigns: CampaignRef[];
  showNone?: boolean;
}) {
  const { t } = useTranslation();
  const local = useLocalized();
  if (warnings.length === 0 && campaigns.length === 0) {
    return showNone ? (
      <p className="muted" data-testid="warranty-warnings-none">
        {t('warranty.claims.warnings.none')}
      </p>
    ) : null;
  }
  return (
    <div className="warranty-warnings" data-testid="warranty-warnings">
      {warnings.length > 0 && (
        <div className="alert alert-warn" role="alert">
          <div>
            <strong>{t('warranty.claims.warnings.title')}</strong>
            <ul className="plain-list">
              {warnings.map((w, n) => (
                <li key={n} data-testid="warranty-warning" data-kind={w.kind.toLowerCase()}>
                  {warningText(t, w, local)}{' '}
                  <span className="hint">{t('warranty.claims.warnings.since', { date: w.windowStart })}</span>
                  <div className="inline-list">
                    {w.orders.map((o) => (
                      <Link key={o.id} to={`/orders/${o.id}`} className="mono">
                        {o.number}
                      </Link>
                    ))}
                  </div>
                </li>
              ))}
            </ul>
            <div className="hint">{t('warranty.claims.warnings.routeToSupervisor')}</div>
          </div>
        </div>
      )}
      {campaigns.length > 0 && (
        <div className="alert alert-info" data-testid="open-campaigns">
          <div>
            <strong>{t('warranty.claims.warnings.openCampaigns')}</strong>
            <ul className="plain-list">
              {campaigns.map((c) => (
                <li key={c.id}>
                  <span className="pill pill-info">{t(`warranty.claims.campaignKind.${c.kind.toLowerCase()}` as 'warranty.claims.campaignKind.recall')}</span>{' '}
                  <span className="mono">{c.code}</span> {local(c.title, c.titleZh)}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
    </div>
  );
}

/** A vehicle's 三包预警 fetched by its id: reception and appointments show it before work starts.
 * `withCampaigns={false}` where the campaign banner (with its one-click operation) stands beside it. */
export function VehicleWarrantyWarnings({ vehicleId, withCampaigns = true }: { vehicleId: string; withCampaigns?: boolean }) {
  const [{ data, error, fetching }] = useQuery({
    query: VehicleWarrantyWarningsDocument,
    variables: { id: vehicleId },
    requestPolicy: 'cache-and-network',
  });
  if (error) return <ErrorPanel error={error} />;
  if (fetching && !data) return <Loading />;
  const vehicle = data?.node?.__typename === 'Vehicle' ? data.node : null;
  if (!vehicle) return null;
  return (
    <WarrantyWarningsList
      warnings={vehicle.warrantyWarnings}
      campaigns={withCampaigns ? vehicle.openWarrantyCampaigns : []}
      showNone={false}
    />
  );
}
