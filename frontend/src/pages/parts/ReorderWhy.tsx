import { useTranslation } from 'react-i18next';
import type { ReorderSuggestionFieldsFragment } from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { dayText, qty } from './ReorderBits';

/**
 * Every number behind a suggestion, in the order the worker computed them: demand,
 * season, forecast and levels, the inventory position, the rounding. Each line shows
 * the formula with its figures, so the planner can check it by hand.
 */
export function ReorderWhy({ suggestion }: { suggestion: ReorderSuggestionFieldsFragment }) {
  const { t, i18n } = useTranslation();
  const local = useLocalized();
  const { demand, season, forecast, stock, order } = suggestion.explanation;
  const day = (value: string) => dayText(value, i18n.language);
  /** The day before an exclusive end: the last day counted. */
  const lastDay = (value: string) => dayText(shift(value, -1), i18n.language);
  const source =
    forecast.leadTimeSource === 'SUPPLIER'
      ? t('parts.reorder.why.leadTimeSupplier', { supplier: forecast.supplier ?? '' })
      : t('parts.reorder.why.leadTimeStockItem');
  const position: [string, string, string][] = [
    ['onHand', t('parts.reorder.why.onHand'), stock.onHand],
    ['reserved', t('parts.reorder.why.reserved'), stock.reserved],
    ['onOrder', t('parts.reorder.why.onOrder'), stock.onOrder],
    ['inPlan', t('parts.reorder.why.inPlan'), stock.inPlan],
    ['transfersIn', t('parts.reorder.why.transfersIn'), stock.transfersIn],
    ['transfersOut', t('parts.reorder.why.transfersOut'), stock.transfersOut],
    ['predecessorAvailable', t('parts.reorder.why.predecessorAvailable'), stock.predecessorAvailable],
  ];
  return (
    <div className="why-panel reorder-why" data-testid="reorder-why">
      <div className="why-title">{t('parts.reorder.why.title')}</div>
      <div className="reorder-why-grid">
        <section>
          <h3>{t('parts.reorder.why.demand')}</h3>
          <ul>
            <li>{t('parts.reorder.why.history', { days: demand.historyDays, qty: qty(demand.historyQty) })}</li>
            <li data-testid="why-window">
              {t('parts.reorder.why.window', {
                days: demand.windowDays,
                qty: qty(demand.windowQty),
                mean: qty(demand.meanPerDay),
                sd: qty(demand.sdPerDay),
              })}
            </li>
            {demand.firstDay && <li>{t('parts.reorder.why.firstDay', { date: day(demand.firstDay) })}</li>}
          </ul>
          {demand.predecessors.length > 0 && (
            <>
              <h4>{t('parts.reorder.why.predecessors')}</h4>
              <ul data-testid="why-predecessors">
                {demand.predecessors.map((p) => (
                  <li key={p.partNumber}>
                    {t('parts.reorder.why.predecessor', {
                      part: p.partNumber,
                      demand: qty(p.demand),
                      available: qty(p.available),
                    })}
                  </li>
                ))}
              </ul>
            </>
          )}
          <h3>{t('parts.reorder.why.season')}</h3>
          <p data-testid="why-season">
            {season.applied
              ? t('parts.reorder.why.seasonApplied', {
                  from: day(season.fromDay),
                  to: lastDay(season.toDay),
                  qty: qty(season.qty),
                  days: daysBetween(season.fromDay, season.toDay),
                  yearFrom: day(season.yearFrom),
                  yearTo: lastDay(season.yearTo),
                  yearQty: qty(season.yearQty),
                  yearDays: daysBetween(season.yearFrom, season.yearTo),
                  raw: qty(season.raw),
                  factor: qty(season.factor),
                })
              : t('parts.reorder.why.seasonNotApplied')}
          </p>
        </section>
        <section>
          <h3>{t('parts.reorder.why.forecast')}</h3>
          <ul>
            <li>
              {t('parts.reorder.why.perDay', {
                mean: qty(demand.meanPerDay),
                factor: qty(season.factor),
                demand: qty(forecast.demandPerDay),
                sd: qty(forecast.sdPerDay),
              })}
            </li>
            <li>{t('parts.reorder.why.leadTime', { days: forecast.leadTimeDays, source })}</li>
            <li>
              {t('parts.reorder.why.leadTimeDemand', {
                demand: qty(forecast.demandPerDay),
                days: forecast.leadTimeDays,
                value: qty(forecast.leadTimeDemand),
              })}
            </li>
            <li data-testid="why-safety">
              {t('parts.reorder.why.safetyStock', {
                z: qty(forecast.z),
                level: `${qty(Number(forecast.serviceLevel) * 100)}%`,
                sd: qty(forecast.sdPerDay),
                days: forecast.leadTimeDays,
                value: qty(forecast.safetyStock),
              })}
            </li>
            <li data-testid="why-reorder-point">
              {t('parts.reorder.why.reorderPoint', {
                ltd: qty(forecast.leadTimeDemand),
                ss: qty(forecast.safetyStock),
                value: qty(forecast.reorderPoint),
              })}
            </li>
            <li>
              {t('parts.reorder.why.reviewDemand', {
                days: forecast.reviewPeriodDays,
                value: qty(forecast.reviewPeriodDemand),
              })}
            </li>
            <li>
              {t('parts.reorder.why.orderUpTo', {
                max: qty(stock.maxQty),
                rop: qty(forecast.reorderPoint),
                rpd: qty(forecast.reviewPeriodDemand),
                value: qty(forecast.orderUpTo),
              })}
            </li>
          </ul>
        </section>
        <section>
          <h3>{t('parts.reorder.why.position')}</h3>
          <table className="position-table" data-testid="why-position">
            <tbody>
              {position.map(([key, label, value]) => (
                <tr key={key} className={Number(value) === 0 && key !== 'onHand' ? 'muted' : undefined}>
                  <th scope="row">{label}</th>
                  <td className="num">{qty(value)}</td>
                </tr>
              ))}
              <tr className="total">
                <th scope="row">{t('parts.reorder.why.positionTotal')}</th>
                <td className="num">{qty(stock.position)}</td>
              </tr>
            </tbody>
          </table>
          {Number(stock.appointmentReserved) > 0 && (
            <p className="hint">{t('parts.reorder.why.appointmentReserved', { qty: qty(stock.appointmentReserved) })}</p>
          )}
          <p>{t('parts.reorder.why.trigger', { min: qty(stock.minQty), value: qty(stock.triggerLevel) })}</p>
          <h3>{t('parts.reorder.why.order')}</h3>
          <ul>
            <li>
              {t('parts.reorder.why.need', {
                out: qty(forecast.orderUpTo),
                position: qty(stock.position),
                value: qty(order.need),
              })}
            </li>
            <li data-testid="why-step">
              {t('parts.reorder.why.step', {
                step: qty(order.step),
                multiple: qty(order.multiple),
                pack: order.packSize,
                quantity: qty(order.quantity),
              })}
            </li>
            {order.emergency && (
              <li className="emergency-text">{t('parts.reorder.why.shortage', { qty: qty(order.shortage) })}</li>
            )}
          </ul>
          <h3>{t('parts.reorder.why.offers')}</h3>
          {suggestion.transferOffers.length === 0 ? (
            <p className="muted">{t('parts.reorder.why.noOffers')}</p>
          ) : (
            <ul data-testid="why-offers">
              {suggestion.transferOffers.map((o) => (
                <li key={`${o.dealerId}-${o.partId}`}>
                  {t('parts.reorder.why.offer', {
                    dealer: `${o.dealerCode} ${local(o.dealerName, o.dealerNameZh)}`,
                    qty: qty(o.quantity),
                    part: o.partNumber,
                  })}
                  {o.slowMoving && <span className="pill pill-muted">{t('parts.reorder.why.slowMoving')}</span>}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}

function utcDay(value: string): number {
  const [y = 1970, m = 1, d = 1] = value.split('-').map(Number);
  return Date.UTC(y, m - 1, d);
}

function shift(value: string, days: number): string {
  return new Date(utcDay(value) + days * 86_400_000).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((utcDay(to) - utcDay(from)) / 86_400_000);
}
