import { useCallback, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { Money, When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { WarrantyClaimDocument, type WarrantyClaimFieldsFragment, type OrderWarrantyFieldsFragment } from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { ClaimStatusPill } from './ClaimBits';
import { ClaimActions, ClaimCheckPanel } from './ClaimCheckPanel';
import { ClaimFactsEditor, ClaimLines } from './ClaimEditor';
import { ClaimFiles } from './ClaimFiles';

export type Claim = WarrantyClaimFieldsFragment & { order: OrderWarrantyFieldsFragment | null };

export interface ClaimSectionProps {
  claim: Claim;
  /** Refetch the claim and its checks after a change. */
  changed: () => void;
  /** The claims specialist may change it now (editable and warranty_claim:create). */
  editing: boolean;
}

/** 索赔申请: one claim, edited while a draft or returned, then read-only with the answers. */
export function ClaimPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const viewer = useViewer();
  const [{ data, error, fetching }, refetch] = useQuery({ query: WarrantyClaimDocument, variables: { id } });
  const [checks, setChecks] = useState(0);
  const changed = useCallback(() => {
    refetch({ requestPolicy: 'network-only' });
    setChecks((n) => n + 1);
  }, [refetch]);
  const claim = data?.node?.__typename === 'WarrantyClaim' ? (data.node as Claim) : null;

  if (error) return <ErrorPanel error={error} onRetry={changed} />;
  if (fetching && !data) return <Loading />;
  if (!claim) {
    return (
      <div className="page">
        <p className="empty" data-testid="not-found">
          {t('errors.NOT_FOUND')}
        </p>
      </div>
    );
  }
  const editing = claim.editable && can(viewer, 'warranty_claim', 'create');
  const props: ClaimSectionProps = { claim, changed, editing };

  return (
    <div className="page page-wide" data-testid="page-claim" data-claim-number={claim.number} data-status={claim.status.toLowerCase()}>
      <PageHeader
        title={t('warranty.claims.detail.title', { number: claim.number })}
        actions={
          <>
            <ClaimStatusPill status={claim.status} testId="claim-status" />
            <Link className="button button-secondary" to="/warranty/claims">
              {t('warranty.claims.detail.back')}
            </Link>
          </>
        }
      />
      <ClaimSummary claim={claim} />
      {!claim.editable && (
        <p className="alert alert-info" data-testid="claim-read-only">
          {t('warranty.claims.detail.readOnly')}
        </p>
      )}
      {editing && <ClaimFactsEditor {...props} />}
      {!editing && <ClaimFactsView claim={claim} />}
      <ClaimLines {...props} />
      <ClaimFiles {...props} />
      {claim.editable && <ClaimCheckPanel claimId={claim.id} version={checks} lineIds={claim.lines.map((l) => l.id)} />}
      <ClaimActions {...props} />
      <ClaimAnswers claim={claim} />
    </div>
  );
}

function ClaimSummary({ claim }: { claim: Claim }) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const local = useLocalized();
  return (
    <section className="panel">
      <dl className="kv">
        <div>
          <dt>{t('warranty.claims.detail.order')}</dt>
          <dd>
            {claim.order ? (
              <Link to={`/orders/${claim.order.id}`} className="mono">
                {claim.order.number}
              </Link>
            ) : (
              '—'
            )}
          </dd>
        </div>
        <div>
          <dt>{t('warranty.claims.detail.vehicle')}</dt>
          <dd>
            <span className="plate">{claim.vehicle?.plateDisplay}</span> {claim.vehicle?.model}
            <div className="mono muted" data-testid="claim-vin">
              {claim.vin}
            </div>
          </dd>
        </div>
        <div>
          <dt>{t('warranty.claims.detail.mileage')}</dt>
          <dd>{t('common.kmValue', { value: claim.mileage.toLocaleString() })}</dd>
        </div>
        <div>
          <dt>{t('warranty.claims.list.type')}</dt>
          <dd data-testid="claim-type-value" data-type={claim.claimType.toLowerCase()}>
            {t(`warranty.claims.type.${claim.claimType.toLowerCase()}` as 'warranty.claims.type.standard')}
            {claim.campaign && (
              <div className="muted">
                <span className="mono">{claim.campaign.code}</span> {local(claim.campaign.title, claim.campaign.titleZh)}
              </div>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('warranty.claims.list.fault')}</dt>
          <dd>
            <span className="mono">{claim.faultCode}</span>
            <div className="muted">{claim.faultDate}</div>
          </dd>
        </div>
        <div>
          <dt>{t('warranty.claims.detail.requested')}</dt>
          <dd data-testid="claim-requested">
            <Money amount={claim.requestedAmount} />
          </dd>
        </div>
        <div>
          <dt>{t('warranty.claims.detail.approved')}</dt>
          <dd>
            <Money amount={claim.approvedAmount} />
          </dd>
        </div>
        <div>
          <dt>{t('warranty.claims.detail.paid')}</dt>
          <dd>
            <Money amount={claim.paidAmount} />
          </dd>
        </div>
        <div>
          <dt>{t('warranty.claims.detail.createdBy')}</dt>
          <dd>
            {claim.createdBy?.displayName}
            <div className="muted">
              <When at={claim.createdAt} />
            </div>
          </dd>
        </div>
        <div>
          <dt>{t('warranty.claims.detail.submittedBy')}</dt>
          <dd>
            {claim.submittedBy?.displayName ?? '—'}
            {claim.submittedAt && (
              <div className="muted">
                <When at={claim.submittedAt} /> · {t('warranty.claims.detail.submissions')}: {claim.submissionCount}
                {can(viewer, 'warranty_claim', 'submit') && (
                  <>
                    {' · '}
                    <Link to={`/warranty/deliveries?claim=${encodeURIComponent(claim.id)}`} data-testid="claim-deliveries-link">
                      {t('warranty.claims.detail.deliveries')}
                    </Link>
                  </>
                )}
              </div>
            )}
          </dd>
        </div>
      </dl>
      {claim.claimType === 'GOODWILL' && claim.goodwillDeterminedBy && (
        <p className="alert alert-info" data-testid="goodwill-determined">
          {t('warranty.claims.goodwill.determined', { name: claim.goodwillDeterminedBy.displayName, reason: claim.goodwillReason })}
        </p>
      )}
    </section>
  );
}

function ClaimFactsView({ claim }: { claim: Claim }) {
  const { t } = useTranslation();
  const local = useLocalized();
  return (
    <section className="panel" aria-labelledby="facts-heading">
      <div className="panel-header">
        <h2 id="facts-heading">{t('warranty.claims.detail.facts')}</h2>
      </div>
      <dl className="kv">
        <div className="span-2" style={{ gridColumn: 'span 2' }}>
          <dt>{t('warranty.claims.build.complaint')}</dt>
          <dd style={{ fontWeight: 400 }}>{claim.complaint || '—'}</dd>
        </div>
        <div className="span-2" style={{ gridColumn: 'span 2' }}>
          <dt>{t('warranty.claims.build.cause')}</dt>
          <dd style={{ fontWeight: 400 }}>{claim.cause || '—'}</dd>
        </div>
        <div className="span-2" style={{ gridColumn: 'span 2' }}>
          <dt>{t('warranty.claims.build.correction')}</dt>
          <dd style={{ fontWeight: 400 }}>{claim.correction || '—'}</dd>
        </div>
        <div>
          <dt>{t('warranty.claims.build.causalPart')}</dt>
          <dd>
            {claim.causalPart ? (
              <>
                <span className="mono">{claim.causalPart.partNumber}</span> {local(claim.causalPart.name, claim.causalPart.nameZh)}
              </>
            ) : (
              '—'
            )}
          </dd>
        </div>
      </dl>
    </section>
  );
}

/** The manufacturer's answers and every status change, oldest first. */
function ClaimAnswers({ claim }: { claim: Claim }) {
  const { t } = useTranslation();
  return (
    <div className="split">
      <section className="panel" aria-labelledby="decisions-heading" data-testid="claim-decisions">
        <div className="panel-header">
          <h2 id="decisions-heading">{t('warranty.claims.detail.decisions')}</h2>
        </div>
        {claim.decisions.length === 0 ? (
          <p className="empty">{t('warranty.claims.detail.noDecisions')}</p>
        ) : (
          <ul className="claim-timeline">
            {claim.decisions.map((d, n) => (
              <li key={n} data-testid="claim-decision" data-decision={d.decision.toLowerCase()}>
                <strong>{t(`warranty.claims.decisionKind.${d.decision.toLowerCase()}` as 'warranty.claims.decisionKind.approved')}</strong>{' '}
                {d.approvedAmount != null && <Money amount={d.approvedAmount} />}
                <div className="muted">
                  <When at={d.decidedAt} /> · {d.source}
                </div>
                {d.reason && <div>{t('warranty.claims.detail.decisionReason', { reason: d.reason })}</div>}
              </li>
            ))}
          </ul>
        )}
        {claim.decisionReason && <p className="hint">{t('warranty.claims.detail.decisionReason', { reason: claim.decisionReason })}</p>}
      </section>
      <section className="panel" aria-labelledby="history-heading" data-testid="claim-history">
        <div className="panel-header">
          <h2 id="history-heading">{t('warranty.claims.detail.history')}</h2>
        </div>
        <ol className="claim-timeline">
          {claim.history.map((h, n) => (
            <li key={n} data-testid="claim-event" data-to={h.toStatus.toLowerCase()}>
              {h.fromStatus && (
                <>
                  <ClaimStatusPill status={h.fromStatus} /> →{' '}
                </>
              )}
              <ClaimStatusPill status={h.toStatus} />
              <div className="muted">
                <When at={h.at} /> ·{' '}
                {h.actor?.displayName ?? (h.systemActor ? t('warranty.claims.detail.system', { actor: h.systemActor }) : '—')}
              </div>
              {h.note && <div>{h.note}</div>}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
