import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../api/useAction';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { dealerToday, formatDay } from '../../dates';
import {
  MonthlyReportDocument,
  RegenerateMonthlyReportDocument,
  ReviewMonthlyReportDocument,
  SubmitMonthlyReportDocument,
  type MonthlyReportQuery,
} from '../../gql/graphql';
import { useLocalized, usePageTitle } from '../../localize';
import { useViewer } from '../../session';
import { StatePill, StatusName, TrendBars, count, monthText, num, percent, plain } from './MonthlyReportBits';
import './MonthlyReport.css';

type Report = NonNullable<MonthlyReportQuery['monthlyReport']>;
type Body = Record<string, Record<string, unknown> | undefined>;
type Dict = Record<string, unknown>;

const PAY_TYPES = ['customer', 'warranty', 'insurance', 'internal'] as const;
const KINDS = ['labour', 'part', 'material'] as const;
const LEVELS = ['grievance', 'general', 'serious', 'severe'] as const;

/** One monthly report, printable: the figures by section, the month against the previous
 * months, and the information officer's review and submission. */
export function MonthlyReportPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const [{ data, error, fetching }, refetch] = useQuery({ query: MonthlyReportDocument, variables: { id }, requestPolicy: 'network-only' });
  const report = data?.monthlyReport ?? null;
  usePageTitle(report ? t('oversight.monthlyReports.report.title', { month: monthText(report.month) }) : t('oversight.monthlyReports.title'));
  if (error) return <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <Loading />;
  if (!report) return <p className="empty" data-testid="monthly-report-not-found">{t('oversight.monthlyReports.report.notFound')}</p>;
  return <ReportView report={report} onChanged={() => refetch({ requestPolicy: 'network-only' })} />;
}

function ReportView({ report, onChanged }: { report: Report; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const localized = useLocalized();
  const body = (report.body ?? {}) as Body;
  const trend = report.trend;
  const f = (key: string) => t(`oversight.monthlyReports.figure.${key}` as 'oversight.monthlyReports.figure.total');
  const s = (key: string) => t(`oversight.monthlyReports.section.${key}` as 'oversight.monthlyReports.section.service');
  const service = body.service ?? {};
  const revenue = body.revenue ?? {};
  const care = body.care ?? {};
  const parts = body.parts ?? {};
  const warranty = body.warranty ?? {};
  const headcount = body.headcount ?? {};
  const byKindPay = (revenue.by_kind_and_pay_type ?? {}) as Record<string, Dict>;
  const byPay = (revenue.by_pay_type ?? {}) as Dict;
  const byKind = (revenue.by_kind ?? {}) as Dict;
  const hours = (revenue.labour_hours_by_pay_type ?? {}) as Dict;
  const levels = (care.complaints_by_level ?? {}) as Dict;
  const roles = (Array.isArray(headcount.roles) ? headcount.roles : []) as Dict[];

  return (
    <div
      className="page page-wide monthly-report"
      data-testid="monthly-report"
      data-status={report.status}
      data-state={report.state}
    >
      <div className="inline-list no-print" style={{ marginBottom: 12 }}>
        <Link className="button button-secondary" to="/oversight/monthly-reports">
          {t('oversight.monthlyReports.report.back')}
        </Link>
        <button type="button" className="button button-secondary" data-testid="monthly-report-print" onClick={() => window.print()}>
          {t('oversight.monthlyReports.report.print')}
        </button>
      </div>
      <h1>
        {report.dealerCode} · {t('oversight.monthlyReports.report.title', { month: monthText(report.month) })}
      </h1>
      <dl className="kv">
        <div>
          <dt>{t('oversight.monthlyReports.dealer')}</dt>
          <dd>
            {report.dealerCode} {report.dealerName}
          </dd>
        </div>
        <div>
          <dt>{t('oversight.monthlyReports.dueOn')}</dt>
          <dd>{formatDay(report.dueOn, i18n.language)}</dd>
        </div>
        <div>
          <dt>{t('oversight.monthlyReports.status')}</dt>
          <dd>
            <StatusName status={report.status} /> <StatePill state={report.state} />
          </dd>
        </div>
        <div>
          <dt>{t('oversight.monthlyReports.report.generatedAt')}</dt>
          <dd>{new Date(report.generatedAt).toLocaleString(i18n.language)}</dd>
        </div>
        {report.reviewedBy && (
          <div>
            <dt>{t('oversight.monthlyReports.report.reviewedBy')}</dt>
            <dd>{report.reviewedBy.displayName}</dd>
          </div>
        )}
        {report.submittedBy && report.submittedAt && (
          <div>
            <dt>{t('oversight.monthlyReports.report.submittedBy')}</dt>
            <dd>
              {report.submittedBy.displayName} · {new Date(report.submittedAt).toLocaleString(i18n.language)}
            </dd>
          </div>
        )}
        {report.note && (
          <div>
            <dt>{t('oversight.monthlyReports.report.note')}</dt>
            <dd data-testid="monthly-report-note">{report.note}</dd>
          </div>
        )}
      </dl>

      <Actions report={report} onChanged={onChanged} />

      {trend.length > 1 && (
        <section className="panel">
          <h2>{s('trend')}</h2>
          <TrendBars
            current={report.month}
            series={[
              { key: 'delivered', label: f('delivered'), points: trend.map((p) => ({ month: p.month, value: p.delivered ?? null })) },
              { key: 'revenue', label: f('revenue'), points: trend.map((p) => ({ month: p.month, value: num(p.revenue) })) },
              { key: 'hours', label: f('labourHoursSold'), points: trend.map((p) => ({ month: p.month, value: num(p.labourHoursSold) })) },
              { key: 'csi', label: f('csi'), points: trend.map((p) => ({ month: p.month, value: num(p.csi) })) },
              { key: 'claims', label: f('claims'), points: trend.map((p) => ({ month: p.month, value: p.claimsSubmitted ?? null })) },
            ]}
          />
        </section>
      )}

      <div className="monthly-sections">
        <section className="panel" data-testid="monthly-section-service">
          <h2>{s('service')}</h2>
          <Figures
            rows={[
              [f('orders'), count(service.orders)],
              [f('delivered'), count(service.delivered)],
              [f('appointmentShare'), percent(service.appointment_share)],
              [f('labourHoursSold'), plain(service.labour_hours_sold)],
              [f('billedHours'), plain(service.billed_hours)],
              [f('clockedHours'), plain(service.clocked_hours)],
              [f('efficiency'), percent(service.efficiency)],
              [f('productivity'), percent(service.productivity)],
              [f('firstTimeFix'), percent(service.first_time_fix_rate)],
            ]}
          />
        </section>
        <section className="panel" data-testid="monthly-section-care">
          <h2>{s('care')}</h2>
          <Figures
            rows={[
              [f('coverage'), percent(care.coverage)],
              [f('success'), percent(care.success_rate)],
              [f('csi'), plain(care.csi, 1)],
              [f('complaints'), count(care.complaints)],
              ...LEVELS.map((l): [string, string] => [`· ${f(l)}`, count(levels[l])]),
              [f('majorComplaintRate'), percent(care.major_complaint_rate)],
            ]}
          />
        </section>
      </div>

      <section className="panel" data-testid="monthly-section-revenue">
        <h2>{s('revenue')}</h2>
        <table className="table">
          <thead>
            <tr>
              <th />
              {PAY_TYPES.map((p) => (
                <th key={p} className="num">
                  {f(p)}
                </th>
              ))}
              <th className="num">{f('total')}</th>
            </tr>
          </thead>
          <tbody>
            {KINDS.map((k) => (
              <tr key={k} data-testid="monthly-revenue-row" data-kind={k}>
                <th scope="row">{f(k)}</th>
                {PAY_TYPES.map((p) => (
                  <td key={p} className="num">
                    {plain(byKindPay[k]?.[p])}
                  </td>
                ))}
                <td className="num">{plain(byKind[k])}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">{f('total')}</th>
              {PAY_TYPES.map((p) => (
                <td key={p} className="num">
                  {plain(byPay[p])}
                </td>
              ))}
              <td className="num" data-testid="monthly-revenue-total">
                {plain(revenue.total)}
              </td>
            </tr>
            <tr>
              <th scope="row">{f('labourHours')}</th>
              {PAY_TYPES.map((p) => (
                <td key={p} className="num">
                  {plain(hours[p])}
                </td>
              ))}
              <td className="num">{plain(service.labour_hours_sold)}</td>
            </tr>
          </tbody>
        </table>
      </section>

      <div className="monthly-sections">
        <section className="panel" data-testid="monthly-section-parts">
          <h2>{s('parts')}</h2>
          <Figures
            rows={[
              [f('sales'), plain(parts.sales)],
              [f('fillRate'), percent(parts.fill_rate)],
              [f('inventoryValue'), plain(parts.inventory_value)],
              [f('turnover'), plain(parts.turnover)],
              [f('deadItems'), count(parts.dead_items)],
              [f('deadValue'), plain(parts.dead_value)],
              [f('deadShare'), percent(parts.dead_value_share)],
            ]}
          />
        </section>
        <section className="panel" data-testid="monthly-section-warranty">
          <h2>{s('warranty')}</h2>
          <table className="table">
            <thead>
              <tr>
                <th />
                <th className="num">{f('count')}</th>
                <th className="num">{f('amount')}</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">{f('submitted')}</th>
                <td className="num">{count(warranty.submitted_count)}</td>
                <td className="num">{plain(warranty.submitted_amount)}</td>
              </tr>
              <tr>
                <th scope="row">{f('approved')}</th>
                <td className="num">{count(warranty.approved_count)}</td>
                <td className="num">{plain(warranty.approved_amount)}</td>
              </tr>
              <tr>
                <th scope="row">{f('rejected')}</th>
                <td className="num" data-testid="monthly-claims-rejected">
                  {count(warranty.rejected_count)}
                </td>
                <td className="num">–</td>
              </tr>
              <tr>
                <th scope="row">{f('paid')}</th>
                <td className="num">–</td>
                <td className="num">{plain(warranty.paid_amount)}</td>
              </tr>
              <tr>
                <th scope="row">{f('outstanding')}</th>
                <td className="num">–</td>
                <td className="num">{plain(warranty.outstanding_amount)}</td>
              </tr>
            </tbody>
          </table>
        </section>
      </div>

      <section className="panel" data-testid="monthly-section-headcount">
        <h2>{s('headcount')}</h2>
        <table className="table">
          <thead>
            <tr>
              <th>{f('role')}</th>
              <th className="num">{f('planned')}</th>
              <th className="num">{f('filled')}</th>
            </tr>
          </thead>
          <tbody>
            {roles.map((r) => {
              const short = Number(r.filled ?? 0) < Number(r.planned ?? 0);
              return (
                <tr key={String(r.role)} className={short ? 'monthly-short' : undefined}>
                  <td>{localized(String(r.name ?? r.role), r.name_zh as string | undefined)}</td>
                  <td className="num">{count(r.planned)}</td>
                  <td className="num">{count(r.filled)}</td>
                </tr>
              );
            })}
            <tr>
              <th scope="row">{f('total')}</th>
              <td className="num">{count(headcount.planned)}</td>
              <td className="num">{count(headcount.filled)}</td>
            </tr>
          </tbody>
        </table>
      </section>
    </div>
  );
}

function Figures({ rows }: { rows: [string, string][] }) {
  return (
    <dl className="kv monthly-figures">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd className="num">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Regenerate / review (with a note) / submit, as the report's state and the viewer's
 * permission allow; the server refuses anything else. */
function Actions({ report, onChanged }: { report: Report; onChanged: () => void }) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const [note, setNote] = useState(report.note);
  const regenerate = useAction(RegenerateMonthlyReportDocument);
  const review = useAction(ReviewMonthlyReportDocument);
  const submit = useAction(SubmitMonthlyReportDocument);
  const steps = report.allowedSteps;
  if (report.status === 'SUBMITTED') return <p className="muted no-print">{t('oversight.monthlyReports.report.frozen')}</p>;
  if (steps.length === 0) return null;
  const pastDue = dealerToday(viewer.currentDealer?.timeZone) > report.dueOn;
  const done = (ok: boolean) => ok && onChanged();
  return (
    <section className="panel no-print" data-testid="monthly-report-actions">
      {steps.includes('review') && (
        <label className="control">
          <span>{t('oversight.monthlyReports.report.noteLabel')}</span>
          <textarea className="input" rows={2} value={note} data-testid="monthly-report-note-input" onChange={(e) => setNote(e.target.value)} />
        </label>
      )}
      {pastDue && steps.includes('submit') && <p className="alert alert-warn">{t('oversight.monthlyReports.report.lateWarning')}</p>}
      <div className="inline-list">
        {steps.includes('regenerate') && (
          <button
            type="button"
            className="button button-secondary"
            data-testid="monthly-report-regenerate"
            disabled={regenerate.pending}
            onClick={async () => done(!!(await regenerate.run({ id: report.id })).data)}
          >
            {t('oversight.monthlyReports.report.regenerate')}
          </button>
        )}
        {steps.includes('review') && (
          <button
            type="button"
            className="button button-secondary"
            data-testid="monthly-report-review"
            disabled={review.pending}
            onClick={async () => done(!!(await review.run({ id: report.id, note })).data)}
          >
            {t('oversight.monthlyReports.report.review')}
          </button>
        )}
        {steps.includes('submit') && (
          <button
            type="button"
            className="button button-primary"
            data-testid="monthly-report-submit"
            disabled={submit.pending}
            onClick={async () => done(!!(await submit.run({ id: report.id })).data)}
          >
            {t('oversight.monthlyReports.report.submitReport')}
          </button>
        )}
      </div>
      <MutationError error={regenerate.error ?? review.error ?? submit.error} />
    </section>
  );
}
