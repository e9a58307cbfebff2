import type { ReactNode } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { CareMeasuresDocument, type CareMeasuresQuery } from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { MonthChart, PeriodPicker, useKpiFormat, useMonthLabels, usePeriod } from '../parts/PartsKpiBits';
import '../parts/PartsKpi.css';

type Measures = CareMeasuresQuery['careMeasures'];
type Target = Measures['coverage'];
type Format = ReturnType<typeof useKpiFormat>;

/** The figure against its target: "target ≥ 80% · met" (or missed), nothing when unmeasured. */
function TargetLine({ target, format }: { target: Target; format: Format }) {
  const { t } = useTranslation();
  const goal = t(target.atMost ? 'care.measures.target.atMost' : 'care.measures.target.atLeast', { value: format.percent(target.target) });
  return (
    <span data-testid="care-target" data-met={target.met === null ? '' : String(target.met)}>
      {goal}
      {target.met !== null && (
        <>
          {' · '}
          <strong className={target.met ? 'pill pill-ok' : 'pill pill-danger'}>{t(target.met ? 'care.measures.target.met' : 'care.measures.target.missed')}</strong>
        </>
      )}
    </span>
  );
}

function Card({ id, title, value, raw, hint, target, format }: { id: string; title: string; value: ReactNode; raw: string | null; hint: ReactNode; target?: Target; format: Format }) {
  const tone = target?.met === true ? ' kpi-good' : target?.met === false ? ' kpi-bad' : '';
  return (
    <section className={`kpi-card${tone}`} data-testid={`care-kpi-${id}`} data-value={raw ?? ''} aria-label={title}>
      <h2 className="kpi-card-title">{title}</h2>
      <p className="kpi-card-value">{value}</p>
      {target && (
        <p className="kpi-card-hint">
          <TargetLine target={target} format={format} />
        </p>
      )}
      <p className="kpi-card-hint">{hint}</p>
    </section>
  );
}

/** 客服考核指标: 回访率, 回访成功率, CSI, 重大投诉率 and time to close over a period, with a 12-month trend. */
export function CareMeasures() {
  const { t } = useTranslation();
  const local = useLocalized();
  const viewer = useViewer();
  const period = usePeriod();
  const format = useKpiFormat();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: CareMeasuresDocument,
    variables: { from: period.from, to: period.to, months: 12 },
    pause: period.problem !== null,
    requestPolicy: 'cache-and-network',
  });
  const dealer = viewer.currentDealer;
  const measures = data?.careMeasures;
  const stale = measures && (measures.from !== period.from || measures.to !== period.to);
  return (
    <div className="page page-wide" data-testid="page-care-measures">
      <PageHeader title={t('care.measures.title')} intro={dealer ? t('care.measures.intro', { dealer: local(dealer.name, dealer.nameZh) }) : undefined} />
      <section className="panel">
        <PeriodPicker period={period} />
      </section>
      {period.problem ? null : error ? (
        <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !measures || (fetching && stale) ? (
        <Loading />
      ) : (
        <Figures m={measures} format={format} />
      )}
      {data && !period.problem && !error && <Trend trend={data.careMeasureTrend} format={format} />}
      <Definitions />
    </div>
  );
}

function Figures({ m, format }: { m: Measures; format: Format }) {
  const { t } = useTranslation();
  const nothing = <span className="muted">{t('care.measures.nothing')}</span>;
  const pct = (v: string | null) => (v === null ? nothing : format.percent(v));
  return (
    <>
      <div className="kpi-grid" data-testid="care-kpi-cards">
        <Card
          id="coverage"
          title={t('care.measures.cards.coverage')}
          raw={m.coverage.value}
          value={pct(m.coverage.value)}
          target={m.coverage}
          format={format}
          hint={t('care.measures.cards.coverageHint', { called: m.calledOrders, delivered: m.deliveredOrders, never: m.dueNeverCalled })}
        />
        <Card
          id="success"
          title={t('care.measures.cards.successRate')}
          raw={m.successRate.value}
          value={pct(m.successRate.value)}
          target={m.successRate}
          format={format}
          hint={t('care.measures.cards.successHint', {
            succeeded: m.succeeded,
            due: m.revisitsDue,
            failed: m.failed,
            check: m.contactCheck,
            open: m.stillOpen,
          })}
        />
        <Card
          id="attempts"
          title={t('care.measures.cards.attempts')}
          raw={m.attemptsPerSuccess}
          value={m.attemptsPerSuccess === null ? nothing : format.ratio(m.attemptsPerSuccess)}
          format={format}
          hint={t('care.measures.cards.attemptsHint', { calls: m.calls, answered: m.answeredCalls })}
        />
        <Card
          id="csi"
          title={t('care.measures.cards.csi')}
          raw={m.csi}
          value={m.csi === null ? nothing : format.days(m.csi)}
          format={format}
          hint={t('care.measures.cards.csiHint', { answers: m.surveyAnswers })}
        />
        <Card
          id="major"
          title={t('care.measures.cards.majorRate')}
          raw={m.majorComplaintRate.value}
          value={pct(m.majorComplaintRate.value)}
          target={m.majorComplaintRate}
          format={format}
          hint={t('care.measures.cards.majorHint', { major: m.majorComplaints, complaints: m.complaints, delivered: m.deliveredOrders })}
        />
        <Card
          id="close"
          title={t('care.measures.cards.timeToClose')}
          raw={m.closeHoursMedian}
          value={m.closeHoursMedian === null ? nothing : t('care.measures.cards.timeValue', { value: format.days(m.closeHoursMedian) })}
          format={format}
          hint={t('care.measures.cards.timeHint', { closed: m.closedComplaints, p90: format.days(m.closeHoursP90) })}
        />
      </div>
      <div className="kpi-charts">
        <section className="panel" data-testid="care-csi-questions">
          <div className="panel-header">
            <h2>{t('care.measures.csiTable.title')}</h2>
          </div>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('care.measures.csiTable.question')}</th>
                <th scope="col" className="num">
                  {t('care.measures.csiTable.answers')}
                </th>
                <th scope="col" className="num">
                  {t('care.measures.csiTable.csi')}
                </th>
              </tr>
            </thead>
            <tbody>
              {m.csiByQuestion.map((q) => (
                <tr key={q.question}>
                  <th scope="row">{t(`care.measures.questions.${q.question}` as 'care.measures.questions.overall')}</th>
                  <td className="num">{q.answers}</td>
                  <td className="num">{format.days(q.csi)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="panel" data-testid="care-complaint-counts">
          <div className="panel-header">
            <h2>{t('care.measures.complaints.title')}</h2>
          </div>
          <Counts title={t('care.measures.complaints.byLevel')} rows={m.complaintsByLevel} prefix="levels" testId="care-by-level" />
          <Counts title={t('care.measures.complaints.byChannel')} rows={m.complaintsByChannel} prefix="channels" testId="care-by-channel" />
        </section>
      </div>
    </>
  );
}

function Counts({ title, rows, prefix, testId }: { title: string; rows: { key: string; count: number }[]; prefix: 'levels' | 'channels'; testId: string }) {
  const { t } = useTranslation();
  return (
    <dl className="kv" data-testid={testId}>
      <div>
        <dt>
          <strong>{title}</strong>
        </dt>
        <dd />
      </div>
      {rows.map((r) => (
        <div key={r.key} data-key={r.key} data-count={r.count}>
          <dt>{t(`care.measures.${prefix}.${r.key}` as 'care.measures.levels.general')}</dt>
          <dd>{r.count}</dd>
        </div>
      ))}
    </dl>
  );
}

function Trend({ trend, format }: { trend: CareMeasuresQuery['careMeasureTrend']; format: Format }) {
  const { t } = useTranslation();
  const months = useMonthLabels()(trend);
  const series = (pick: (m: (typeof months)[number]) => string | null, scale: number, text: (v: string | null) => string) =>
    months.map((m) => {
      const v = pick(m);
      return { key: m.from, label: m.label, sub: m.sub, full: m.full, value: v === null ? null : Number(v) * scale, text: v === null ? '' : text(v) };
    });
  const coverage = series((m) => m.coverage, 100, format.percent);
  const success = series((m) => m.successRate, 100, format.percent);
  const csi = series((m) => m.csi, 1, format.days);
  const major = series((m) => m.majorComplaintRate, 100, format.percent);
  const describe = (title: string, points: { full: string; text: string }[]) =>
    t('care.measures.trend.chart', { title, points: points.map((p) => `${p.full} ${p.text || '—'}`).join(', ') });
  const charts = [
    { id: 'coverage', title: t('care.measures.trend.coverage'), points: coverage, kind: 'line' as const, floor: 0 },
    { id: 'success', title: t('care.measures.trend.successRate'), points: success, kind: 'line' as const, floor: 0 },
    { id: 'csi', title: t('care.measures.trend.csi'), points: csi, kind: 'bars' as const, floor: 0 },
    { id: 'major', title: t('care.measures.trend.majorRate'), points: major, kind: 'bars' as const, floor: 0 },
  ];
  return (
    <section className="panel" data-testid="care-trend">
      <div className="panel-header">
        <h2>{t('care.measures.trend.title')}</h2>
      </div>
      <div className="kpi-charts">
        {charts.map((c) => (
          <figure key={c.id}>
            <figcaption>{c.title}</figcaption>
            <MonthChart points={c.points} kind={c.kind} floor={c.floor} testId={`care-trend-${c.id}`} label={describe(c.title, c.points)} />
          </figure>
        ))}
      </div>
      <details>
        <summary>{t('care.measures.trend.table')}</summary>
        <table className="table" data-testid="care-trend-table">
          <thead>
            <tr>
              <th scope="col">{t('care.measures.trend.month')}</th>
              <th scope="col" className="num">
                {t('care.measures.trend.delivered')}
              </th>
              <th scope="col" className="num">
                {t('care.measures.trend.coverage')}
              </th>
              <th scope="col" className="num">
                {t('care.measures.trend.successRate')}
              </th>
              <th scope="col" className="num">
                {t('care.measures.trend.csi')}
              </th>
              <th scope="col" className="num">
                {t('care.measures.trend.complaints')}
              </th>
              <th scope="col" className="num">
                {t('care.measures.trend.majorRate')}
              </th>
            </tr>
          </thead>
          <tbody>
            {months.map((m) => (
              <tr key={m.from}>
                <th scope="row">{m.full}</th>
                <td className="num">{m.deliveredOrders}</td>
                <td className="num">{format.percent(m.coverage)}</td>
                <td className="num">{format.percent(m.successRate)}</td>
                <td className="num">{format.days(m.csi)}</td>
                <td className="num">{m.complaints}</td>
                <td className="num">{format.percent(m.majorComplaintRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}

function Definitions() {
  const { t } = useTranslation();
  return (
    <details className="panel kpi-definitions" data-testid="care-definitions">
      <summary>{t('care.measures.definitions.title')}</summary>
      <ul>
        {(['coverage', 'successRate', 'attempts', 'csi', 'majorRate', 'timeToClose'] as const).map((key) => (
          <li key={key}>{t(`care.measures.definitions.${key}`)}</li>
        ))}
      </ul>
    </details>
  );
}
