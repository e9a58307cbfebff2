import { useEffect, useState } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import {
  CancelWarrantyClaimDocument,
  DetermineWarrantyClaimGoodwillDocument,
  SubmitWarrantyClaimDocument,
  WarrantyClaimCheckDocument,
  type ClaimIssueFieldsFragment,
} from '../../gql/graphql';
import { useViewer } from '../../session';
import { issueText } from './ClaimBits';
import type { ClaimSectionProps } from './ClaimPage';

function IssueList({ issues, kind, lineNumbers }: { issues: ClaimIssueFieldsFragment[]; kind: 'error' | 'warning'; lineNumbers: Map<string, number> }) {
  const { t } = useTranslation();
  if (issues.length === 0) return null;
  return (
    <div>
      <strong>{t(kind === 'error' ? 'warranty.claims.check.errors' : 'warranty.claims.check.warnings')}</strong>
      <ul>
        {issues.map((issue, n) => (
          <li key={n} className={`issue-${kind}`} data-testid={`check-${kind}`} data-code={issue.code}>
            {issue.claimLineId && lineNumbers.has(issue.claimLineId) && (
              <span className="muted">{t('warranty.claims.check.line', { n: lineNumbers.get(issue.claimLineId) })}: </span>
            )}
            {issueText(t, issue)}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The checks before submission, run again after every change (`version`). */
export function ClaimCheckPanel({ claimId, version, lineIds = [] }: { claimId: string; version: number; lineIds?: string[] }) {
  const { t } = useTranslation();
  const [{ data, error, fetching }, refetch] = useQuery({ query: WarrantyClaimCheckDocument, variables: { id: claimId }, requestPolicy: 'network-only' });
  useEffect(() => {
    if (version > 0) refetch({ requestPolicy: 'network-only' });
  }, [version, refetch]);
  const check = data?.warrantyClaimCheck;
  const lineNumbers = new Map(lineIds.map((id, n) => [id, n + 1]));
  return (
    <section className="panel claim-check" aria-labelledby="check-heading" aria-live="polite" data-testid="claim-check" data-ready={check ? String(check.ready) : ''}>
      <div className="panel-header">
        <h2 id="check-heading">{t('warranty.claims.check.title')}</h2>
        <button type="button" className="button button-secondary button-small" onClick={() => refetch({ requestPolicy: 'network-only' })}>
          {t('warranty.claims.check.refresh')}
        </button>
      </div>
      {error ? (
        <ErrorPanel error={error} />
      ) : !check || (fetching && !data) ? (
        <Loading />
      ) : (
        <>
          <p className={check.ready ? 'alert alert-ok' : 'alert alert-error'} data-testid="check-verdict">
            {check.ready ? t('warranty.claims.check.ready') : t('warranty.claims.check.notReady')}
          </p>
          <IssueList issues={check.errors} kind="error" lineNumbers={lineNumbers} />
          <IssueList issues={check.warnings} kind="warning" lineNumbers={lineNumbers} />
        </>
      )}
    </section>
  );
}

/** Submit, cancel, and the service manager's goodwill determination, as each viewer may. */
export function ClaimActions({ claim, changed }: ClaimSectionProps) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const submit = useAction(SubmitWarrantyClaimDocument);
  const cancel = useAction(CancelWarrantyClaimDocument);
  const goodwill = useAction(DetermineWarrantyClaimGoodwillDocument);
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState('');
  const [goodwillReason, setGoodwillReason] = useState('');
  if (!claim.editable) return null;
  const maySubmit = can(viewer, 'warranty_claim', 'submit');
  const mayCancel = can(viewer, 'warranty_claim', 'create');
  const mayDetermine = can(viewer, 'warranty_claim', 'determine') && claim.claimType !== 'GOODWILL';
  const refusedIssues = (submit.error?.extensions?.errors ?? []) as ClaimIssueFieldsFragment[];
  if (!maySubmit && !mayCancel && !mayDetermine) return null;

  return (
    <section className="panel" data-testid="claim-actions">
      {maySubmit && (
        <div className="form-actions">
          <button
            type="button"
            className="button button-primary"
            disabled={submit.pending}
            data-testid="claim-submit"
            onClick={() => void submit.run({ claimId: claim.id, note: '' }).then(() => changed())}
          >
            {submit.pending
              ? t('warranty.claims.submit.submitting')
              : claim.status === 'RETURNED'
                ? t('warranty.claims.submit.resubmit')
                : t('warranty.claims.submit.button')}
          </button>
        </div>
      )}
      {submit.error && submit.error.extensions?.rule === 'claim_checks' ? (
        <div className="alert alert-error" role="alert" data-testid="submit-refused">
          <div>
            <strong>{t('warranty.claims.submit.refused')}</strong>
            <ul>
              {refusedIssues.map((issue, n) => (
                <li key={n} data-code={issue.code}>
                  {issueText(t, { ...issue, blocking: true, claimLineId: issue.claimLineId ?? null, params: issue.params ?? {} })}
                </li>
              ))}
            </ul>
          </div>
        </div>
      ) : (
        <MutationError error={submit.error} />
      )}
      {mayDetermine && (
        <form
          className="form-grid"
          data-testid="goodwill-form"
          onSubmit={(e) => {
            e.preventDefault();
            void goodwill.run({ claimId: claim.id, reason: goodwillReason.trim() }).then((r) => r.data && changed());
          }}
        >
          <div className="span-all">
            <h3>{t('warranty.claims.goodwill.title')}</h3>
            <p className="hint">{t('warranty.claims.goodwill.intro')}</p>
          </div>
          <label className="control span-2">
            <span>{t('warranty.claims.goodwill.reason')}</span>
            <input className="input" value={goodwillReason} data-testid="goodwill-reason" onChange={(e) => setGoodwillReason(e.target.value)} />
          </label>
          <div className="control" style={{ justifyContent: 'flex-end' }}>
            <button type="submit" className="button button-secondary" disabled={!goodwillReason.trim() || goodwill.pending} data-testid="goodwill-determine">
              {t('warranty.claims.goodwill.determine')}
            </button>
          </div>
          <div className="span-all">
            <MutationError error={goodwill.error} />
          </div>
        </form>
      )}
      {mayCancel && (
        <div className="form-actions" style={{ justifyContent: 'flex-end' }}>
          {cancelling ? (
            <form
              className="inline-list"
              onSubmit={(e) => {
                e.preventDefault();
                void cancel.run({ claimId: claim.id, reason: reason.trim() }).then((r) => r.data && changed());
              }}
            >
              <input
                className="input"
                style={{ width: 300 }}
                required
                autoFocus
                placeholder={t('warranty.claims.cancel.reason')}
                aria-label={t('warranty.claims.cancel.reason')}
                value={reason}
                data-testid="claim-cancel-reason"
                onChange={(e) => setReason(e.target.value)}
              />
              <button type="submit" className="button button-danger" disabled={!reason.trim() || cancel.pending} data-testid="claim-cancel-confirm">
                {t('warranty.claims.cancel.confirm')}
              </button>
              <button type="button" className="button button-secondary" onClick={() => setCancelling(false)}>
                {t('common.close')}
              </button>
            </form>
          ) : (
            <button type="button" className="button button-danger button-small" data-testid="claim-cancel" onClick={() => setCancelling(true)}>
              {t('warranty.claims.cancel.button')}
            </button>
          )}
          <MutationError error={cancel.error} />
        </div>
      )}
    </section>
  );
}
