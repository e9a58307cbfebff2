import { useState } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { Money } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { WarrantyTermsDocument } from '../../gql/graphql';

/** The manufacturer's warranty terms, read-only for the claims staff (opened on demand). */
export function ClaimTerms() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [{ data, error, fetching }] = useQuery({ query: WarrantyTermsDocument, pause: !open });
  const terms = data?.warrantyTerms;
  return (
    <section className="panel" aria-labelledby="terms-heading" data-testid="claim-terms">
      <div className="panel-header">
        <h2 id="terms-heading">{t('warranty.claims.terms.title')}</h2>
        <button type="button" className="button button-secondary button-small" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? t('warranty.claims.terms.hide') : t('warranty.claims.terms.show')}
        </button>
      </div>
      {!open ? null : error ? (
        <ErrorPanel error={error} />
      ) : fetching && !data ? (
        <Loading />
      ) : !terms ? (
        <p className="empty">{t('warranty.claims.terms.none')}</p>
      ) : (
        <div className="split">
          <dl className="kv">
            <div>
              <dt>{t('warranty.claims.terms.base')}</dt>
              <dd>{t('warranty.claims.terms.period', { months: terms.baseMonths, km: terms.baseKm.toLocaleString() })}</dd>
            </div>
            <div>
              <dt>{t('warranty.claims.terms.firstService')}</dt>
              <dd>{t('warranty.claims.terms.period', { months: terms.firstServiceMonths, km: terms.firstServiceKm.toLocaleString() })}</dd>
            </div>
            <div>
              <dt>{t('warranty.claims.terms.deadline')}</dt>
              <dd>{t('warranty.claims.terms.deadlineDays', { days: terms.claimDeadlineDays })}</dd>
            </div>
            <div>
              <dt>{t('warranty.claims.terms.duplicates')}</dt>
              <dd>{t('warranty.claims.terms.days', { days: terms.duplicateWindowDays })}</dd>
            </div>
            <div>
              <dt>{t('warranty.claims.terms.labourRate')}</dt>
              <dd>
                <Money amount={terms.labourRate} />
              </dd>
            </div>
            <div>
              <dt>{t('warranty.claims.terms.files')}</dt>
              <dd>{terms.requiresFiles ? t('common.yes') : t('common.no')}</dd>
            </div>
            <div style={{ gridColumn: 'span 2' }}>
              <dt>{t('warranty.claims.terms.excluded')}</dt>
              <dd style={{ fontWeight: 400 }}>
                {terms.excludedCauses.map((c) => t(`warranty.claims.cause.${c.toLowerCase()}` as 'warranty.claims.cause.defect')).join(' · ')}
              </dd>
            </div>
            <div style={{ gridColumn: 'span 2' }}>
              <dt>{t('warranty.claims.terms.warnings')}</dt>
              <dd style={{ fontWeight: 400 }}>
                {t('warranty.claims.terms.warningsValue', {
                  repairs: terms.repeatRepairThreshold,
                  days: terms.cumulativeRepairDaysThreshold,
                  months: terms.warningWindowMonths,
                })}
              </dd>
            </div>
          </dl>
          <table className="table">
            <caption className="muted" style={{ textAlign: 'left' }}>
              {t('warranty.claims.terms.partGroups')}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('warranty.claims.terms.partGroup')}</th>
                <th scope="col">{t('warranty.claims.terms.base')}</th>
                <th scope="col">{t('warranty.claims.terms.mustReturn')}</th>
              </tr>
            </thead>
            <tbody>
              {terms.partGroupTerms.map((g) => (
                <tr key={g.partGroup}>
                  <td className="mono">{g.partGroup}</td>
                  <td>{t('warranty.claims.terms.period', { months: g.months, km: g.km.toLocaleString() })}</td>
                  <td>{g.mustReturn ? t('common.yes') : t('common.no')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
