import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { formatDay } from '../../dates';
import { LapsedVehiclesDocument } from '../../gql/graphql';

/** 到期未来厂: cars of customers not back for the dealer's months, for the front-desk
 * supervisor's analysis; they are not called for appointments. */
export function ReminderLapsed() {
  const { t, i18n } = useTranslation();
  const [after, setAfter] = useState<string | null>(null);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: LapsedVehiclesDocument,
    variables: { first: 50, after },
    requestPolicy: 'cache-and-network',
  });
  if (error) return <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <Loading />;
  const page = data?.lapsedVehicles;
  const items = page?.items ?? [];
  return (
    <section className="panel" data-testid="reminder-lapsed">
      <p className="hint">{t('care.reminders.lapsed.intro', { months: page?.lostAfterMonths ?? '' })}</p>
      {items.length === 0 ? (
        <p className="empty">{t('care.reminders.lapsed.empty')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('care.reminders.col.customer')}</th>
              <th scope="col">{t('care.reminders.col.vehicle')}</th>
              <th scope="col">{t('care.reminders.lapsed.lastVisit')}</th>
              <th scope="col">{t('care.reminders.lapsed.order')}</th>
              <th scope="col" className="num">
                {t('care.reminders.lapsed.km')}
              </th>
              <th scope="col" className="num">
                {t('care.reminders.lapsed.months')}
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.vehicle?.id ?? `${item.customer?.id}-${item.seenOn}`} data-testid="lapsed-row" data-customer={item.customer?.name ?? ''}>
                <td>
                  {item.customer?.name}
                  <div className="muted">{item.customer?.phone}</div>
                </td>
                <td>
                  {item.vehicle?.plateDisplay || item.vehicle?.vin}
                  <div className="muted">{item.vehicle?.model}</div>
                </td>
                <td>
                  {item.lastVisitOn ? (
                    formatDay(item.lastVisitOn, i18n.language)
                  ) : (
                    <span className="muted">
                      {t('care.reminders.lapsed.never')} · {t('care.reminders.lapsed.seen')} {formatDay(item.seenOn, i18n.language)}
                    </span>
                  )}
                </td>
                <td className="mono">{item.lastOrderNumber ?? '—'}</td>
                <td className="num">{item.lastKm === null || item.lastKm === undefined ? '—' : item.lastKm.toLocaleString(i18n.language)}</td>
                <td className="num" data-testid="lapsed-months">
                  {item.monthsAway}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page?.hasNextPage && (
        <button type="button" className="button button-secondary" onClick={() => setAfter(page.endCursor ?? null)}>
          {t('care.reminders.more')}
        </button>
      )}
    </section>
  );
}
