// The explanation of one dealer's figure: the numbers against the region, and the records
// behind them (repeat VINs, longest labour lines, failed old-part returns).
import { useEffect, useRef } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { OversightOutlierRecordsDocument, type OversightOutliersQuery } from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { measureKey, resultKey } from './OutlierBits';

type Measure = OversightOutliersQuery['oversightOutliers']['measures'][number];
type Figure = Measure['dealers'][number];

const dash = (v: string | null | undefined) => (v === null || v === undefined ? '—' : v);

export function OutlierExplanation({
  measure,
  figure,
  from,
  to,
  onClose,
}: {
  measure: Measure;
  figure: Figure;
  from: string;
  to: string;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const local = useLocalized();
  const [{ data, error, fetching }] = useQuery({
    query: OversightOutlierRecordsDocument,
    variables: { dealerId: figure.dealer.id, from, to },
  });
  const records = data?.oversightOutlierRecords;
  const panel = useRef<HTMLElement>(null);
  useEffect(() => panel.current?.scrollIntoView?.({ block: 'start', behavior: 'smooth' }), []);
  const key = measureKey(measure.key);
  const dealer = `${figure.dealer.code} ${local(figure.dealer.name, figure.dealer.nameZh)}`;
  return (
    <section ref={panel} className="panel outlier-explain" data-testid="outlier-explain" aria-live="polite">
      <header className="page-header-row">
        <h2>{t('oversight.outliers.explain.title', { dealer, measure: t(`oversight.outliers.measures.${key}`) })}</h2>
        <button type="button" className="button button-secondary" onClick={onClose} data-testid="outlier-explain-close">
          {t('oversight.outliers.explain.close')}
        </button>
      </header>
      <p data-testid="outlier-explain-sentence">
        {t('oversight.outliers.explain.sentence', {
          value: `${dash(figure.value)} ${t(`oversight.outliers.units.${key}`)}`,
          median: dash(measure.median),
          mad: dash(measure.mad),
          z: dash(figure.z),
        })}
      </p>
      <p>{t('oversight.outliers.explain.counts', { orders: figure.orders, claims: figure.claims, hours: figure.labourHours })}</p>
      {error ? (
        <ErrorPanel error={error} />
      ) : !records || fetching ? (
        <Loading />
      ) : (
        <div className="outlier-records">
          <h3>{t('oversight.outliers.explain.repeatVins')}</h3>
          {records.repeatVins.length === 0 ? (
            <p className="muted">{t('oversight.outliers.explain.none')}</p>
          ) : (
            <table className="table" data-testid="outlier-repeat-vins">
              <thead>
                <tr>
                  <th>{t('oversight.outliers.explain.vin')}</th>
                  <th>{t('oversight.outliers.explain.claims')}</th>
                  <th>{t('oversight.outliers.explain.faults')}</th>
                </tr>
              </thead>
              <tbody>
                {records.repeatVins.map((v) => (
                  <tr key={v.vin}>
                    <td className="mono">{v.vin}</td>
                    <td title={v.numbers.join(', ')}>{v.claims}</td>
                    <td>{`${v.firstFault} … ${v.lastFault}`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>{t('oversight.outliers.explain.labourLines')}</h3>
          {records.labourLines.length === 0 ? (
            <p className="muted">{t('oversight.outliers.explain.none')}</p>
          ) : (
            <table className="table" data-testid="outlier-labour-lines">
              <thead>
                <tr>
                  <th>{t('oversight.outliers.explain.claim')}</th>
                  <th>{t('oversight.outliers.explain.vin')}</th>
                  <th>{t('oversight.outliers.explain.description')}</th>
                  <th className="num">{t('oversight.outliers.explain.hours')}</th>
                  <th className="num">{t('oversight.outliers.explain.standard')}</th>
                </tr>
              </thead>
              <tbody>
                {records.labourLines.map((line, n) => (
                  <tr key={`${line.claimNumber}-${n}`}>
                    <td>{line.claimNumber}</td>
                    <td className="mono">{line.vin}</td>
                    <td>{line.description}</td>
                    <td className="num">{line.hours}</td>
                    <td className="num">{dash(line.standardHours)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>{t('oversight.outliers.explain.returnFailures')}</h3>
          {records.returnFailures.length === 0 ? (
            <p className="muted">{t('oversight.outliers.explain.none')}</p>
          ) : (
            <table className="table" data-testid="outlier-return-failures">
              <thead>
                <tr>
                  <th>{t('oversight.outliers.explain.tag')}</th>
                  <th>{t('oversight.outliers.explain.claim')}</th>
                  <th>{t('oversight.outliers.explain.part')}</th>
                  <th>{t('oversight.outliers.explain.result')}</th>
                </tr>
              </thead>
              <tbody>
                {records.returnFailures.map((f) => (
                  <tr key={f.tag}>
                    <td>{f.tag}</td>
                    <td>{f.claimNumber}</td>
                    <td>{`${f.partNumber} ${f.partName}`}</td>
                    <td>{t(`oversight.outliers.results.${resultKey(f.inspectionResult)}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}
