import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../api/useAction';
import { When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { CareReportDocument, SubmitCareReportDocument } from '../../gql/graphql';
import { useLocalized, usePageTitle } from '../../localize';
import { useViewer } from '../../session';
import { useKpiFormat } from '../parts/PartsKpiBits';
import { ReportStatus, periodText, useKindName } from './CareReportBits';

type Row = Record<string, unknown>;
type Body = Record<string, unknown>;
type Column = { key: string; label: string; render?: (row: Row) => string };

const rowsOf = (value: unknown): Row[] => (Array.isArray(value) ? (value as Row[]) : []);
const text = (value: unknown): string => (value === null || value === undefined || value === '' ? '—' : String(value));

/** One printable report (generated from the data), submitted once by whoever owns its kind. */
export function CareReportPage() {
  const { t } = useTranslation();
  const kindName = useKindName();
  const local = useLocalized();
  const viewer = useViewer();
  const { id = '' } = useParams();
  const [{ data, error, fetching }, refetch] = useQuery({ query: CareReportDocument, variables: { id }, requestPolicy: 'network-only' });
  const report = data?.careReport ?? null;
  usePageTitle(report ? `${kindName(report.kind)} ${periodText(report)}` : t('care.measures.reports.title'));
  if (error) return <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <Loading />;
  if (!report) return <p className="empty">{t('care.measures.report.notFound')}</p>;
  const body = (report.body ?? {}) as Body;
  const dealer = viewer.currentDealer;
  return (
    <div className="page page-wide care-report" data-testid="care-report" data-kind={report.kind} data-status={report.status}>
      <div className="inline-list no-print" style={{ marginBottom: 12 }}>
        <Link className="button button-secondary" to="/care/reports">
          {t('care.measures.report.back')}
        </Link>
        <button type="button" className="button button-secondary" data-testid="care-report-print" onClick={() => window.print()}>
          {t('care.measures.report.print')}
        </button>
      </div>
      <h1>
        {kindName(report.kind)} · {periodText(report)}
      </h1>
      <dl className="kv">
        {dealer && (
          <div>
            <dt>{t('care.measures.report.dealer')}</dt>
            <dd>
              {dealer.code} {local(dealer.name, dealer.nameZh)}
            </dd>
          </div>
        )}
        <div>
          <dt>{t('care.measures.reports.dueOn')}</dt>
          <dd className="mono">{report.dueOn}</dd>
        </div>
        <div>
          <dt>{t('care.measures.reports.status')}</dt>
          <dd>
            <ReportStatus report={report} />
            {report.submittedBy && (
              <span className="muted">
                {' '}
                {t('care.measures.report.submittedBy', { name: report.submittedBy.displayName })} <When at={report.submittedAt} />
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('care.measures.reports.generatedAt')}</dt>
          <dd>
            <When at={report.generatedAt} />
          </dd>
        </div>
        {report.note && (
          <div>
            <dt>{t('care.measures.report.note')}</dt>
            <dd data-testid="care-report-note">{report.note}</dd>
          </div>
        )}
      </dl>
      {report.canSubmit && <SubmitForm id={report.id} />}
      {report.kind === 'DAILY_PROBLEMS' && <Daily body={body} />}
      {report.kind === 'MONTHLY_REVISITS' && <MonthlyRevisits body={body} />}
      {report.kind === 'MONTHLY_COMPLAINTS' && <MonthlyComplaints body={body} />}
    </div>
  );
}

function SubmitForm({ id }: { id: string }) {
  const { t } = useTranslation();
  const submit = useAction(SubmitCareReportDocument);
  const [note, setNote] = useState('');
  return (
    <form
      className="panel no-print"
      data-testid="care-report-submit-form"
      onSubmit={async (e) => {
        e.preventDefault();
        await submit.run({ id, note });
      }}
    >
      <label className="field">
        <span>{t('care.measures.report.note')}</span>
        <textarea value={note} rows={2} data-testid="care-report-submit-note" onChange={(e) => setNote(e.target.value)} />
      </label>
      <button type="submit" className="button button-primary" disabled={submit.pending} data-testid="care-report-submit">
        {t('care.measures.report.submit')}
      </button>
      <MutationError error={submit.error} />
    </form>
  );
}

function Section({ id, rows, columns }: { id: string; rows: Row[]; columns: Column[] }) {
  const { t } = useTranslation();
  return (
    <section className="panel" data-testid={`care-report-${id}`} data-count={rows.length}>
      <div className="panel-header">
        <h2>
          {t(`care.measures.report.sections.${id}` as 'care.measures.report.sections.complaints')} ({rows.length})
        </h2>
      </div>
      {rows.length === 0 ? (
        <p className="muted">{t('care.measures.report.none')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.key} scope="col">
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, n) => (
              <tr key={n}>
                {columns.map((c) => (
                  <td key={c.key}>{c.render ? c.render(row) : text(row[c.key])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function useColumns() {
  const { t, i18n } = useTranslation();
  const when = (key: string) => (row: Row) => (row[key] ? new Date(String(row[key])).toLocaleString(i18n.language) : '—');
  const label = (prefix: string) => (key: string) => (row: Row) => (row[key] ? t(`${prefix}.${String(row[key])}` as 'care.measures.levels.general') : '—');
  const c = (key: string, name: string, render?: (row: Row) => string): Column => ({ key, label: t(`care.measures.report.${name}` as 'care.measures.report.order'), render });
  return {
    order: c('order_number', 'order'),
    customer: c('customer', 'customer'),
    phone: c('phone', 'phone'),
    advisor: c('advisor', 'advisor'),
    calledAt: c('called_at', 'calledAt', when('called_at')),
    lastCalled: c('last_called_at', 'calledAt', when('last_called_at')),
    outcome: c('outcome', 'outcome', label('care.measures.report.outcomes')('outcome')),
    question: c('question', 'questionAsked', (r) => text(r.question || r.note)),
    reason: c('failure_reason', 'reason', label('care.measures.report.reasons')('failure_reason')),
    round: c('round', 'round'),
    attempts: c('attempts', 'attempts'),
    checkedBy: c('checked_by', 'checkedBy'),
    checkedAt: c('contact_checked_at', 'calledAt', when('contact_checked_at')),
    note: c('contact_note', 'questionAsked'),
    number: c('number', 'number'),
    level: c('level', 'level', label('care.measures.levels')('level')),
    channel: c('channel', 'channel', label('care.measures.channels')('channel')),
    summary: c('summary', 'summary'),
    department: c('department', 'department', label('care.measures.report.departments')('department')),
    responsible: c('responsible', 'responsible'),
    dueAt: c('due_at', 'dueAt', when('due_at')),
    dueBy: c('due_by', 'dueAt'),
    received: c('received_at', 'received', when('received_at')),
    surveyQuestion: c('question', 'question', label('care.measures.questions')('question')),
    score: c('score', 'score'),
    resolution: c('resolution', 'resolution'),
    feedback: c('customer_feedback', 'feedback'),
    hours: c('hours_to_close', 'hours'),
    stillOpen: c('still_open', 'stillOpen', (r) => t(r.still_open ? 'care.measures.report.yes' : 'care.measures.report.no')),
    carried: c('carried_over', 'carried', (r) => t(r.carried_over ? 'care.measures.report.yes' : 'care.measures.report.no')),
  };
}

function Daily({ body }: { body: Body }) {
  const k = useColumns();
  return (
    <>
      <Section id="calls_with_problems" rows={rowsOf(body.calls_with_problems)} columns={[k.calledAt, k.order, k.customer, k.phone, k.advisor, k.outcome, k.question]} />
      <Section id="failed_revisits" rows={rowsOf(body.failed_revisits)} columns={[k.lastCalled, k.order, k.customer, k.phone, k.advisor, k.reason, k.round, k.attempts]} />
      <Section id="contact_checks" rows={rowsOf(body.contact_checks)} columns={[k.checkedAt, k.order, k.customer, k.phone, k.advisor, k.checkedBy, k.note]} />
      <Section id="new_complaints" rows={rowsOf(body.new_complaints)} columns={[k.received, k.number, k.level, k.channel, k.customer, k.summary, k.department, k.dueAt]} />
      <Section id="overdue_complaints" rows={rowsOf(body.overdue_complaints)} columns={[k.dueAt, k.number, k.level, k.customer, k.summary, k.department, k.responsible]} />
      <Section id="low_scores" rows={rowsOf(body.low_scores)} columns={[k.calledAt, k.order, k.customer, k.advisor, k.surveyQuestion, k.score]} />
    </>
  );
}

function MonthlyRevisits({ body }: { body: Body }) {
  const { t } = useTranslation();
  const k = useColumns();
  const format = useKpiFormat();
  const m = (body.measures ?? {}) as Record<string, string | number | null>;
  const category = (body.by_category ?? {}) as Record<string, number>;
  const departments = (body.complaints_by_department ?? {}) as Record<string, number>;
  const figures: [string, string][] = [
    [t('care.measures.cards.coverage'), format.percent(m.coverage as string | null)],
    [t('care.measures.cards.successRate'), format.percent(m.success_rate as string | null)],
    [t('care.measures.cards.attempts'), format.ratio(m.attempts_per_success as string | null)],
    [t('care.measures.cards.csi'), format.days(m.csi as string | null)],
    [t('care.measures.cards.majorRate'), format.percent(m.major_complaint_rate as string | null)],
    [t('care.measures.cards.timeToClose'), format.days(m.close_hours_median as string | null)],
  ];
  return (
    <>
      <section className="panel" data-testid="care-report-measures">
        <div className="panel-header">
          <h2>{t('care.measures.report.sections.measures')}</h2>
        </div>
        <dl className="kv">
          {figures.map(([name, value]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section className="panel" data-testid="care-report-by_category">
        <div className="panel-header">
          <h2>{t('care.measures.report.sections.by_category')}</h2>
        </div>
        <dl className="kv">
          {(['question', 'complaint', 'low_score', 'failed'] as const).map((key) => (
            <div key={key}>
              <dt>{t(`care.measures.report.categories.${key}`)}</dt>
              <dd>{category[key] ?? 0}</dd>
            </div>
          ))}
        </dl>
      </section>
      <Section
        id="by_advisor"
        rows={rowsOf(body.by_advisor)}
        columns={[
          k.advisor,
          { key: 'questions', label: t('care.measures.report.categories.question') },
          { key: 'complaints', label: t('care.measures.report.categories.complaint') },
          { key: 'low_scores', label: t('care.measures.report.categories.low_score') },
          { key: 'failed', label: t('care.measures.report.categories.failed') },
        ]}
      />
      <Section
        id="complaints_by_department"
        rows={Object.entries(departments).map(([department, count]) => ({ department, count }))}
        columns={[k.department, { key: 'count', label: t('care.measures.trend.complaints') }]}
      />
      <Section id="failed_revisits" rows={rowsOf(body.failed_revisits)} columns={[k.dueBy, k.order, k.customer, k.phone, k.advisor, k.reason, k.attempts, k.note]} />
    </>
  );
}

function MonthlyComplaints({ body }: { body: Body }) {
  const { t } = useTranslation();
  const k = useColumns();
  const counts: [string, unknown][] = [
    ['received', body.received],
    ['carried', body.carried_over],
    ['hours', body.closed],
    ['stillOpen', body.still_open],
  ];
  return (
    <>
      <section className="panel" data-testid="care-report-counts">
        <div className="panel-header">
          <h2>{t('care.measures.report.counts')}</h2>
        </div>
        <dl className="kv">
          {counts.map(([key, value]) => (
            <div key={key}>
              <dt>{t(`care.measures.report.${key}` as 'care.measures.report.received')}</dt>
              <dd data-testid={`care-report-count-${key}`}>{text(value)}</dd>
            </div>
          ))}
        </dl>
      </section>
      <Section
        id="complaints"
        rows={rowsOf(body.complaints)}
        columns={[k.received, k.number, k.level, k.channel, k.customer, k.summary, k.department, k.resolution, k.feedback, k.hours, k.stillOpen, k.carried]}
      />
    </>
  );
}
