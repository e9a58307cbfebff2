// 异常经销商预警: the region's dealers on the four warranty measures, flagged ones
// highlighted, the spread as a chart, and a click to the numbers and records behind.
import { useState } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { OversightOutliersDocument, type OversightOutliersQuery } from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { OutlierExplanation } from './OutlierExplanation';
import { OutlierPeriodPicker, SpreadChart, measureKey, useOutlierPeriod } from './OutlierBits';
import '../parts/PartsKpi.css';
import './Outliers.css';

type Report = OversightOutliersQuery['oversightOutliers'];
type Measure = Report['measures'][number];

const dash = (v: string | null | undefined) => (v === null || v === undefined ? '—' : v);

export function Outliers() {
  const { t } = useTranslation();
  const local = useLocalized();
  const period = useOutlierPeriod();
  const [picked, setPicked] = useState<{ measure: string; dealer: string } | null>(null);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: OversightOutliersDocument,
    variables: { from: period.from, to: period.to },
    pause: period.problem !== null,
    requestPolicy: 'cache-and-network',
  });
  const report = data?.oversightOutliers;
  const stale = report && (report.from !== period.from || report.to !== period.to);
  const pickedMeasure = report?.measures.find((m) => m.key === picked?.measure);
  const pickedFigure = pickedMeasure?.dealers.find((d) => d.dealer.id === picked?.dealer);

  return (
    <div className="page page-wide" data-testid="page-outliers">
      <PageHeader
        title={t('oversight.outliers.title')}
        intro={report ? t('oversight.outliers.intro', { region: local(report.region.name, report.region.nameZh) }) : undefined}
      />
      <section className="panel">
        <OutlierPeriodPicker period={period} />
        {report && (
          <p className="muted">
            {t('oversight.outliers.rule', {
              z: report.thresholds.z,
              orders: report.thresholds.minOrders,
              claims: report.thresholds.minClaims,
            })}
          </p>
        )}
      </section>
      {period.problem ? null : error ? (
        <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !report || (fetching && stale) ? (
        <Loading />
      ) : report.measures.every((m) => m.dealers.every((d) => d.value === null)) ? (
        <p className="muted" data-testid="outliers-empty">
          {t('oversight.outliers.empty')}
        </p>
      ) : (
        <>
          {pickedMeasure && pickedFigure && (
            <OutlierExplanation
              key={`${pickedMeasure.key}-${pickedFigure.dealer.id}`}
              measure={pickedMeasure}
              figure={pickedFigure}
              from={report.from}
              to={report.to}
              onClose={() => setPicked(null)}
            />
          )}
          {report.measures.map((m) => (
            <MeasureSection
              key={m.key}
              measure={m}
              days={m.key === 'repeat_claims_per_vin' ? report.thresholds.repeatWindowDays : report.thresholds.returnDeadlineDays}
              picked={picked?.measure === m.key ? picked.dealer : null}
              onPick={(dealer) => setPicked({ measure: m.key, dealer })}
            />
          ))}
        </>
      )}
    </div>
  );
}

function MeasureSection({
  measure,
  days,
  picked,
  onPick,
}: {
  measure: Measure;
  days: number;
  picked: string | null;
  onPick(dealer: string): void;
}) {
  const { t } = useTranslation();
  const local = useLocalized();
  const key = measureKey(measure.key);
  const name = t(`oversight.outliers.measures.${key}`);
  const rows = [...measure.dealers].sort((a, b) => Number(b.z ?? -1e9) - Number(a.z ?? -1e9));
  return (
    <section className="panel outlier-measure" data-testid={`outliers-measure-${measure.key}`} aria-label={name}>
      <h2>{name}</h2>
      <p className="muted">{t(`oversight.outliers.definitions.${key}`, { days })}</p>
      <p data-testid="outliers-summary">
        {t('oversight.outliers.summary', {
          median: dash(measure.median),
          mad: dash(measure.mad),
          eligible: measure.eligibleDealers,
          flagged: measure.flaggedDealers,
        })}
      </p>
      <SpreadChart
        testId={`outliers-chart-${measure.key}`}
        label={t('oversight.outliers.chart', { measure: name })}
        median={measure.median === null ? null : Number(measure.median)}
        mad={measure.mad === null ? null : Number(measure.mad)}
        dots={measure.dealers
          .filter((d) => d.value !== null)
          .map((d) => ({ key: d.dealer.id, label: d.dealer.code, value: Number(d.value), flagged: d.flagged, eligible: d.eligible }))}
        onPick={onPick}
      />
      <table className="table">
        <thead>
          <tr>
            <th>{t('oversight.outliers.columns.dealer')}</th>
            <th className="num">{`${t('oversight.outliers.columns.value')} (${t(`oversight.outliers.units.${key}`)})`}</th>
            <th className="num">{t('oversight.outliers.columns.basis')}</th>
            <th className="num">{t('oversight.outliers.columns.z')}</th>
            <th>{t('oversight.outliers.columns.status')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr
              key={d.dealer.id}
              className={`clickable${d.flagged ? ' outlier-flagged' : ''}${picked === d.dealer.id ? ' selected' : ''}`}
              data-testid="outlier-row"
              data-dealer={d.dealer.code}
              data-flagged={d.flagged}
              tabIndex={0}
              onClick={() => onPick(d.dealer.id)}
              onKeyDown={(e) => e.key === 'Enter' && onPick(d.dealer.id)}
            >
              <td>{`${d.dealer.code} ${local(d.dealer.name, d.dealer.nameZh)}`}</td>
              <td className="num">{dash(d.value)}</td>
              <td className="num">{t('oversight.outliers.basis', { numerator: d.numerator, denominator: d.denominator })}</td>
              <td className="num">{dash(d.z)}</td>
              <td>
                <span className={`outlier-status outlier-status-${d.flagged ? 'flagged' : d.eligible ? 'normal' : 'small'}`}>
                  {t(`oversight.outliers.status.${d.flagged ? 'flagged' : d.eligible ? 'normal' : 'tooSmall'}`)}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
