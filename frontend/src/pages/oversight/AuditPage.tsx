import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../api/useAction';
import { When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import { formatDay } from '../../dates';
import {
  CancelDealerAuditDocument,
  CloseDealerAuditDocument,
  DealerAuditDocument,
  StartDealerAuditDocument,
  SubmitDealerAuditDocument,
  type DealerAuditDetailFragment,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { AuditStatusPill, PercentBars, sectionLabel } from './AuditBits';
import { AuditChecklist } from './AuditChecklist';
import { AuditFindings } from './AuditFindings';
import './Audit.css';

/** One audit (巡查): its standing, the steps the viewer may take, the score per section as a
 * chart, the checklist with points and notes, and the findings with their follow-up.
 * Printable: the browser's print leaves the controls out. */
export function AuditPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: DealerAuditDocument,
    variables: { id },
    requestPolicy: 'cache-and-network',
  });
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  if (error) return <ErrorPanel error={error} onRetry={refresh} />;
  if (!data) return fetching ? <Loading /> : null;
  const audit = data.dealerAudit;
  if (!audit) {
    return (
      <div className="page" data-testid="page-audit">
        <p className="empty">{t('errors.NOT_FOUND')}</p>
      </div>
    );
  }
  return <AuditView audit={audit} onChange={refresh} />;
}

function AuditView({ audit, onChange }: { audit: DealerAuditDetailFragment; onChange: () => void }) {
  const { t, i18n } = useTranslation();
  const localized = useLocalized();
  const scored = audit.sections.flatMap((s) => s.items).filter((i) => i.points != null).length;
  const total = audit.sections.flatMap((s) => s.items).length;
  return (
    <div className="page page-wide audit-print" data-testid="page-audit" data-status={audit.status}>
      <PageHeader
        title={t('oversight.audits.detailTitle', { number: audit.number })}
        intro={
          <>
            {audit.dealerCode} {localized(audit.dealerName, audit.dealerNameZh)} · <AuditStatusPill status={audit.status} />
          </>
        }
        actions={
          <span className="audit-no-print">
            <Link className="button button-secondary" to="/oversight/audits">
              {t('oversight.audits.back')}
            </Link>{' '}
            <button type="button" className="button button-secondary" onClick={() => window.print()} data-testid="audit-print">
              {t('oversight.audits.print')}
            </button>
          </span>
        }
      />
      <section className="panel">
        <dl className="kv">
          <dt>{t('oversight.audits.detail.auditor')}</dt>
          <dd>{audit.auditorName}</dd>
          <dt>{t('oversight.audits.detail.plannedOn')}</dt>
          <dd>{formatDay(audit.plannedOn, i18n.language)}</dd>
          {audit.visitedAt && (
            <>
              <dt>{t('oversight.audits.detail.visitedAt')}</dt>
              <dd>
                <When at={audit.visitedAt} />
              </dd>
            </>
          )}
          {audit.submittedAt && (
            <>
              <dt>{t('oversight.audits.detail.submittedAt')}</dt>
              <dd>
                <When at={audit.submittedAt} />
              </dd>
            </>
          )}
          {audit.closedAt && (
            <>
              <dt>{t('oversight.audits.detail.closedAt')}</dt>
              <dd>
                <When at={audit.closedAt} />
              </dd>
            </>
          )}
          <dt>{t('oversight.audits.detail.score')}</dt>
          <dd data-testid="audit-score">
            {audit.score != null && audit.maxScore != null
              ? t('oversight.audits.detail.scoreOf', {
                  score: audit.score,
                  max: audit.maxScore,
                  percent: audit.scorePercent?.toFixed(1) ?? '–',
                })
              : t('oversight.audits.detail.scored', { scored, total })}
          </dd>
          {audit.summary && (
            <>
              <dt>{t('oversight.audits.detail.summary')}</dt>
              <dd>{audit.summary}</dd>
            </>
          )}
        </dl>
        <AuditSteps audit={audit} onDone={onChange} />
      </section>
      <section className="panel">
        <h2>{t('oversight.audits.detail.chart')}</h2>
        <PercentBars
          label={t('oversight.audits.detail.chart')}
          testId="audit-section-chart"
          bars={audit.sections.map((s) => ({ key: s.section, label: sectionLabel(t, s.section), percent: s.percent ?? null }))}
        />
      </section>
      <AuditFindings audit={audit} onChange={onChange} />
      <AuditChecklist audit={audit} onChange={onChange} />
    </div>
  );
}

/** Start, submit (with a summary), close, cancel (with a reason): as the server allows. */
function AuditSteps({ audit, onDone }: { audit: DealerAuditDetailFragment; onDone: () => void }) {
  const { t } = useTranslation();
  const can = audit.viewerCan;
  const start = useAction(StartDealerAuditDocument);
  const submit = useAction(SubmitDealerAuditDocument);
  const close = useAction(CloseDealerAuditDocument);
  const cancel = useAction(CancelDealerAuditDocument);
  const [summary, setSummary] = useState('');
  const [reason, setReason] = useState('');
  const [cancelling, setCancelling] = useState(false);
  const error = [start, submit, close, cancel].map((a) => a.error).find((e) => e) ?? null;
  const after = (result: { data: unknown }) => {
    if (result.data) onDone();
  };
  const onCancel = async (event: FormEvent) => {
    event.preventDefault();
    after(await cancel.run({ id: audit.id, reason }));
  };
  if (!can.start && !can.submit && !can.close && !can.cancel) return null;
  return (
    <div className="audit-no-print">
      <div className="audit-actions">
        {can.start && (
          <button
            type="button"
            className="button button-primary"
            data-testid="audit-start"
            disabled={start.pending}
            onClick={async () => after(await start.run({ id: audit.id }))}
          >
            {t('oversight.audits.steps.start')}
          </button>
        )}
        {can.submit && (
          <>
            <label className="control">
              <span>{t('oversight.audits.steps.summaryLabel')}</span>
              <input className="input" value={summary} data-testid="audit-summary-text" onChange={(e) => setSummary(e.target.value)} />
            </label>
            <button
              type="button"
              className="button button-primary"
              data-testid="audit-submit"
              disabled={submit.pending}
              onClick={async () => after(await submit.run({ id: audit.id, summary }))}
            >
              {t('oversight.audits.steps.submit')}
            </button>
          </>
        )}
        {can.close && (
          <button
            type="button"
            className="button button-primary"
            data-testid="audit-close"
            disabled={close.pending}
            onClick={async () => after(await close.run({ id: audit.id }))}
          >
            {t('oversight.audits.steps.close')}
          </button>
        )}
        {can.cancel && (
          <button type="button" className="button button-secondary" data-testid="audit-cancel" onClick={() => setCancelling(!cancelling)}>
            {t('oversight.audits.steps.cancel')}
          </button>
        )}
      </div>
      {cancelling && (
        <form className="audit-actions" onSubmit={onCancel}>
          <label className="control">
            <span>{t('oversight.audits.steps.reason')}</span>
            <input className="input" required value={reason} data-testid="audit-cancel-reason" onChange={(e) => setReason(e.target.value)} />
          </label>
          <button type="submit" className="button button-danger" disabled={cancel.pending} data-testid="audit-cancel-confirm">
            {t('oversight.audits.steps.confirmCancel')}
          </button>
        </form>
      )}
      <MutationError error={error} />
    </div>
  );
}
