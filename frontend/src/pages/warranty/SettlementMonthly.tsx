import { useState } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { Money } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { dealerToday } from '../../dates';
import { SettlementMonthlyDocument } from '../../gql/graphql';
import { useViewer } from '../../session';

/** YYYY-MM of the month `back` months before `month` (YYYY-MM). */
function monthsBefore(month: string, back: number): string {
  const [year = 1970, m = 1] = month.split('-').map(Number);
  const index = year * 12 + (m - 1) - back;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The monthly reconciliation in the dealer's time zone, with a totals row. */
export function SettlementMonthly() {
  const { t, i18n } = useTranslation();
  const viewer = useViewer();
  const zone = viewer.currentDealer?.timeZone ?? 'UTC';
  const thisMonth = dealerToday(zone).slice(0, 7);
  const [from, setFrom] = useState(monthsBefore(thisMonth, 11));
  const [to, setTo] = useState(thisMonth);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: SettlementMonthlyDocument,
    variables: { fromMonth: `${from}-01`, toMonth: `${to}-01` },
    requestPolicy: 'cache-and-network',
  });
  const rows = data?.warrantyMonthlyReconciliation ?? [];
  const sum = (key: 'submittedAmount' | 'approvedAmount' | 'paidAmount' | 'chargedBackAmount' | 'receivedAmount') =>
    rows.reduce((total, r) => total + Number(r[key]), 0).toFixed(2);
  const count = (key: 'submittedCount' | 'approvedCount') => rows.reduce((total, r) => total + r[key], 0);
  const monthName = (day: string) =>
    new Intl.DateTimeFormat(i18n.language.startsWith('zh') ? 'zh-CN' : 'en-GB', { year: 'numeric', month: 'short', timeZone: 'UTC' }).format(
      new Date(`${day}T12:00:00Z`),
    );

  return (
    <section className="panel" data-testid="settlement-monthly">
      <div className="panel-header">
        <label className="inline-list nowrap" style={{ alignItems: 'center', flexWrap: 'nowrap' }}>
          {t('warranty.settlement.monthly.from')}
          <input className="input input-small" type="month" value={from} max={to} onChange={(e) => e.target.value && setFrom(e.target.value)} />
        </label>
        <label className="inline-list nowrap" style={{ alignItems: 'center', flexWrap: 'nowrap' }}>
          {t('warranty.settlement.monthly.to')}
          <input className="input input-small" type="month" value={to} min={from} onChange={(e) => e.target.value && setTo(e.target.value)} />
        </label>
        <span className="hint">{t('warranty.settlement.monthly.zone', { zone })}</span>
      </div>
      {error ? (
        <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : fetching && !data ? (
        <Loading />
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col" rowSpan={2}>
                {t('warranty.settlement.monthly.month')}
              </th>
              <th scope="colgroup" colSpan={2}>
                {t('warranty.settlement.monthly.submitted')}
              </th>
              <th scope="colgroup" colSpan={2}>
                {t('warranty.settlement.monthly.approved')}
              </th>
              <th scope="col" rowSpan={2} className="amount">
                {t('warranty.settlement.monthly.paid')}
              </th>
              <th scope="col" rowSpan={2} className="amount">
                {t('warranty.settlement.monthly.chargedBack')}
              </th>
              <th scope="col" rowSpan={2} className="amount">
                {t('warranty.settlement.monthly.received')}
              </th>
              <th scope="col" rowSpan={2} className="amount">
                {t('warranty.settlement.monthly.outstanding')}
              </th>
            </tr>
            <tr>
              <th scope="col">{t('warranty.settlement.monthly.count')}</th>
              <th scope="col" className="amount">
                {t('warranty.settlement.monthly.amount')}
              </th>
              <th scope="col">{t('warranty.settlement.monthly.count')}</th>
              <th scope="col" className="amount">
                {t('warranty.settlement.monthly.amount')}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.month} data-testid="month-row" data-month={r.month}>
                <th scope="row">{monthName(r.month)}</th>
                <td>{r.submittedCount}</td>
                <td className="amount">
                  <Money amount={r.submittedAmount} />
                </td>
                <td>{r.approvedCount}</td>
                <td className="amount">
                  <Money amount={r.approvedAmount} />
                </td>
                <td className="amount">
                  <Money amount={r.paidAmount} />
                </td>
                <td className="amount">
                  <Money amount={r.chargedBackAmount} />
                </td>
                <td className="amount">
                  <Money amount={r.receivedAmount} />
                </td>
                <td className="amount" data-testid="month-outstanding">
                  <Money amount={r.outstandingAmount} />
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('warranty.settlement.monthly.total')}</th>
              <td>{count('submittedCount')}</td>
              <td className="amount">
                <Money amount={sum('submittedAmount')} />
              </td>
              <td>{count('approvedCount')}</td>
              <td className="amount">
                <Money amount={sum('approvedAmount')} />
              </td>
              <td className="amount">
                <Money amount={sum('paidAmount')} />
              </td>
              <td className="amount">
                <Money amount={sum('chargedBackAmount')} />
              </td>
              <td className="amount">
                <Money amount={sum('receivedAmount')} />
              </td>
              <td className="amount">
                <Money amount={rows.at(-1)?.outstandingAmount ?? '0'} />
              </td>
            </tr>
          </tfoot>
        </table>
      )}
    </section>
  );
}
