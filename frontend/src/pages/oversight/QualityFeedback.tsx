// 质量信息反馈: failures by part and model over the dealers the viewer reads, with the top
// failing parts and the monthly trend as charts.
import { useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { QualityFeedbackDocument } from '../../gql/graphql';
import { isChinese } from '../../i18n';
import { useLocalized } from '../../localize';
import { HorizontalBars, MonthChart } from '../parts/PartsKpiBits';
import { OutlierPeriodPicker, useOutlierPeriod } from './OutlierBits';
import '../parts/PartsKpi.css';
import './Outliers.css';

export function QualityFeedback() {
  const { t, i18n } = useTranslation();
  const local = useLocalized();
  const period = useOutlierPeriod();
  const [params, setParams] = useSearchParams();
  const model = params.get('model') || null;
  const partGroup = params.get('group') || null;
  const [{ data, error, fetching }, refetch] = useQuery({
    query: QualityFeedbackDocument,
    variables: { from: period.from, to: period.to, model, partGroup },
    pause: period.problem !== null,
    requestPolicy: 'cache-and-network',
  });
  const feedback = data?.qualityFeedback;
  const stale = feedback && (feedback.from !== period.from || feedback.to !== period.to);
  const monthFormat = new Intl.DateTimeFormat(isChinese(i18n.language) ? 'zh-CN' : 'en-GB', { month: 'short', timeZone: 'UTC' });

  function choose(key: 'model' | 'group', value: string) {
    const keep = new URLSearchParams(params);
    if (value) keep.set(key, value);
    else keep.delete(key);
    setParams(keep, { replace: true });
  }

  return (
    <div className="page page-wide" data-testid="page-quality-feedback">
      <PageHeader
        title={t('oversight.outliers.quality.title')}
        intro={feedback ? t('oversight.outliers.quality.intro', { count: feedback.dealers }) : undefined}
      />
      <section className="panel quality-filters">
        <OutlierPeriodPicker period={period} />
        <label className="kpi-date">
          <span>{t('oversight.outliers.quality.model')}</span>
          <select value={model ?? ''} data-testid="quality-model" onChange={(e) => choose('model', e.target.value)}>
            <option value="">{t('oversight.outliers.quality.all')}</option>
            {(feedback?.models ?? (model ? [model] : [])).map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <label className="kpi-date">
          <span>{t('oversight.outliers.quality.partGroup')}</span>
          <select value={partGroup ?? ''} data-testid="quality-group" onChange={(e) => choose('group', e.target.value)}>
            <option value="">{t('oversight.outliers.quality.all')}</option>
            {(feedback?.partGroups ?? (partGroup ? [partGroup] : [])).map((g) => (
              <option key={g} value={g}>
                {g}
              </option>
            ))}
          </select>
        </label>
      </section>
      {period.problem ? null : error ? (
        <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !feedback || (fetching && stale) ? (
        <Loading />
      ) : feedback.rows.length === 0 ? (
        <p className="muted" data-testid="quality-empty">
          {t('oversight.outliers.quality.empty')}
        </p>
      ) : (
        <>
          <section className="kpi-charts">
            <figure>
              <figcaption>{t('oversight.outliers.quality.topParts')}</figcaption>
              <HorizontalBars
                testId="quality-top-parts"
                label={t('oversight.outliers.quality.topParts')}
                bars={feedback.topParts.map((p) => ({
                  key: p.part.id,
                  label: local(p.part.name, p.part.nameZh).slice(0, 16),
                  value: p.failures,
                  text: String(p.failures),
                }))}
              />
            </figure>
            <figure>
              <figcaption>{t('oversight.outliers.quality.trend')}</figcaption>
              <MonthChart
                kind="bars"
                testId="quality-trend"
                label={t('oversight.outliers.quality.trend')}
                points={feedback.trend.map((m, n) => ({
                  key: m.month,
                  label: monthFormat.format(new Date(`${m.month}T12:00:00Z`)),
                  sub: n === 0 || m.month.endsWith('-01-01') ? m.month.slice(0, 4) : undefined,
                  full: m.month.slice(0, 7),
                  value: m.failures,
                  text: String(m.failures),
                }))}
              />
            </figure>
          </section>
          <section className="panel">
            <h2>{t('oversight.outliers.quality.table')}</h2>
            <div className="table-scroll">
              <table className="table" data-testid="quality-table">
                <thead>
                  <tr>
                    <th>{t('oversight.outliers.quality.columns.part')}</th>
                    <th>{t('oversight.outliers.quality.columns.group')}</th>
                    <th>{t('oversight.outliers.quality.columns.model')}</th>
                    <th className="num">{t('oversight.outliers.quality.columns.failures')}</th>
                    <th className="num">{t('oversight.outliers.quality.columns.claims')}</th>
                    <th className="num">{t('oversight.outliers.quality.columns.reworks')}</th>
                    <th className="num">{t('oversight.outliers.quality.columns.dealers')}</th>
                    <th className="num">{t('oversight.outliers.quality.columns.vehicles')}</th>
                    <th>{t('oversight.outliers.quality.columns.first')}</th>
                    <th>{t('oversight.outliers.quality.columns.last')}</th>
                    <th className="num">{t('oversight.outliers.quality.columns.km')}</th>
                    <th className="num">{t('oversight.outliers.quality.columns.months')}</th>
                    <th>{t('oversight.outliers.quality.columns.faultCodes')}</th>
                  </tr>
                </thead>
                <tbody>
                  {feedback.rows.map((r) => (
                    <tr key={`${r.part.id}-${r.model}`} data-testid="quality-row" data-part={r.part.partNumber} data-model={r.model} data-failures={r.failures}>
                      <td>{`${r.part.partNumber} ${local(r.part.name, r.part.nameZh)}`}</td>
                      <td>{r.part.partGroup}</td>
                      <td>{r.model || '—'}</td>
                      <td className="num">{r.failures}</td>
                      <td className="num">{r.claims}</td>
                      <td className="num">{r.reworks}</td>
                      <td className="num">{r.dealers}</td>
                      <td className="num">{r.vehicles}</td>
                      <td>{r.firstOn}</td>
                      <td>{r.lastOn}</td>
                      <td className="num">{r.medianKm === null ? '—' : Math.round(Number(r.medianKm))}</td>
                      <td className="num">{r.medianMonthsInService ?? '—'}</td>
                      <td className="mono">{r.faultCodes.join(', ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
      <p className="muted">{t('oversight.outliers.quality.definition')}</p>
    </div>
  );
}
