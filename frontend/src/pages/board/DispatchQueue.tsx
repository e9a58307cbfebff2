import { useState } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../api/useAction';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import { dealerTime } from '../../dates';
import { DispatchJobDocument, DispatchQueueDocument } from '../../gql/graphql';
import { useViewer } from '../../session';

/** 派工: approved jobs waiting for a technician, and each technician's load today. */
export function DispatchQueue() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const zone = viewer.currentDealer?.timeZone;
  const [{ data, error, fetching }, refetch] = useQuery({ query: DispatchQueueDocument, requestPolicy: 'cache-and-network' });
  const dispatch = useAction(DispatchJobDocument);
  const [choice, setChoice] = useState<Record<string, string>>({});
  const queue = data?.dispatchQueue;
  const technicians = queue?.technicians ?? [];
  const teams = [...new Set(technicians.map((x) => x.team).filter(Boolean))];

  const assign = async (lineId: string) => {
    const value = choice[lineId] ?? '';
    if (!value) return;
    const input = value.startsWith('team:') ? { lineId, team: value.slice(5) } : { lineId, technicianId: value };
    const result = await dispatch.run({ input });
    if (result.data) refetch({ requestPolicy: 'network-only' });
  };

  return (
    <div className="page page-wide" data-testid="page-dispatch">
      <PageHeader title={t('dispatch.title')} intro={t('dispatch.intro')} />
      <MutationError error={dispatch.error} />
      {error ? (
        <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : fetching && !data ? (
        <Loading />
      ) : (
        <div className="split">
          <section className="panel" aria-labelledby="queue-heading" data-testid="dispatch-queue">
            <div className="panel-header">
              <h2 id="queue-heading">{t('dispatch.queue')}</h2>
              <span className="muted">{queue?.lines.length ?? 0}</span>
            </div>
            {!queue?.lines.length ? (
              <p className="empty">{t('dispatch.none')}</p>
            ) : (
              <table className="table">
                <tbody>
                  {queue.lines.map((line) => (
                    <tr key={line.id} data-testid="dispatch-line" data-line-id={line.id} data-order-number={line.orderNumber}>
                      <td>
                        <span className="plate">{line.plate}</span> <span className="muted">{line.model}</span>
                        <div className="hint mono">{line.orderNumber}</div>
                      </td>
                      <td>
                        {line.operationCode ? <span className="mono">{line.operationCode} </span> : null}
                        {line.description}
                        <div className="hint">
                          {t('common.hoursValue', { value: line.hours })}
                          {line.promisedAt && ` · ${t('orders.promised')} ${dealerTime(line.promisedAt, zone)}`}
                        </div>
                      </td>
                      <td>
                        <select
                          className="select input-small"
                          aria-label={t('dispatch.technician')}
                          value={choice[line.id] ?? ''}
                          data-testid="dispatch-technician"
                          onChange={(e) => setChoice((c) => ({ ...c, [line.id]: e.target.value }))}
                        >
                          <option value="">—</option>
                          {technicians.map((x) => (
                            <option key={x.technician.id} value={x.technician.id}>
                              {x.technician.displayName} ({Number(x.assignedHours).toFixed(1)}/{Number(x.shiftHours).toFixed(1)} h)
                            </option>
                          ))}
                          {teams.map((team) => (
                            <option key={team} value={`team:${team}`}>
                              {team}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td>
                        <button
                          type="button"
                          className="button button-primary button-small"
                          disabled={!choice[line.id] || dispatch.pending}
                          data-testid="dispatch-assign"
                          onClick={() => void assign(line.id)}
                        >
                          {t('dispatch.assign')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section className="panel" aria-labelledby="load-heading">
            <div className="panel-header">
              <h2 id="load-heading">{t('dispatch.onShift')}</h2>
            </div>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('dispatch.technician')}</th>
                  <th scope="col" className="num">{t('dispatch.load')}</th>
                  <th scope="col" className="fill-col" aria-hidden="true" />
                </tr>
              </thead>
              <tbody>
                {technicians.map((x) => {
                  const shift = Number(x.shiftHours);
                  const assigned = Number(x.assignedHours);
                  return (
                    <tr key={x.technician.id}>
                      <th scope="row">
                        {x.technician.displayName}
                        {x.team && <div className="hint">{x.team}</div>}
                      </th>
                      <td className="num">
                        {assigned.toFixed(1)} / {shift.toFixed(1)}
                      </td>
                      <td className="fill-col" aria-hidden="true">
                        <div className="fillbar">
                          <div className={`fillbar-value${assigned > shift ? ' short' : ''}`} style={{ width: `${shift > 0 ? Math.min(assigned / shift, 1) * 100 : 0}%` }} />
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>
        </div>
      )}
    </div>
  );
}
