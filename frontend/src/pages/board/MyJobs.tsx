import { useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useLiveStatus } from '../../api/live';
import { useAction } from '../../api/useAction';
import { StatusPill } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import { dealerTime } from '../../dates';
import {
  ClockOffJobDocument,
  ClockOnJobDocument,
  FinishJobDocument,
  type BoardOrderFieldsFragment,
  type WorkshopJobFieldsFragment,
} from '../../gql/graphql';
import { useViewer } from '../../session';
import { PartsRequestPanel } from '../parts/PartsRequestPanel';
import { LiveIndicator, useLiveBoard } from './WorkshopBoard';

/** 我的作业: the technician's jobs from the board, with 开工 / 停工 / 完工. */
export function MyJobs() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const live = useLiveStatus();
  const { data, error, fetching, refetch } = useLiveBoard();
  const clockOn = useAction(ClockOnJobDocument);
  const clockOff = useAction(ClockOffJobDocument);
  const finish = useAction(FinishJobDocument);
  const me = viewer.username;
  const jobs: { order: BoardOrderFieldsFragment; job: WorkshopJobFieldsFragment }[] = [];
  for (const order of data?.workshopBoard.orders ?? []) {
    for (const job of order.jobs) {
      if (job.technician?.username === me && job.jobStatus !== 'PENDING') jobs.push({ order, job });
    }
  }
  jobs.sort((a, b) => Number(a.job.jobStatus === 'DONE') - Number(b.job.jobStatus === 'DONE'));
  const [partsOf, setPartsOf] = useState<string | null>(null);
  const mayRequestParts = can(viewer, 'parts_issue', 'request') && can(viewer, 'repair_order', 'read');
  const error_ = clockOn.error ?? clockOff.error ?? finish.error;
  const busy = clockOn.pending || clockOff.pending || finish.pending;
  const after = () => refetch({ requestPolicy: 'network-only' });

  return (
    <div className="page" data-testid="page-my-jobs">
      <PageHeader title={t('myJobs.title')} intro={t('myJobs.intro')} actions={<LiveIndicator status={live} />} />
      <MutationError error={error_} />
      {error ? (
        <ErrorPanel error={error} onRetry={after} />
      ) : fetching && !data ? (
        <Loading />
      ) : jobs.length === 0 ? (
        <div className="panel">
          <p className="empty">{t('myJobs.none')}</p>
        </div>
      ) : (
        <div className="job-list">
          {jobs.map(({ order, job }) => (
            <div
              key={job.id}
              className={`job-card${job.clockedOn ? ' running' : ''}`}
              data-testid="my-job"
              data-line-id={job.id}
              data-order-number={order.number}
              data-job-status={job.jobStatus.toLowerCase()}
            >
              <div className="job-main">
                <div>
                  <span className="plate">{order.vehicle.plate}</span> <span className="muted">{order.vehicle.model}</span>{' '}
                  {can(viewer, 'repair_order', 'read') ? <Link to={`/orders/${order.id}`}>{order.number}</Link> : <span className="mono">{order.number}</span>}
                </div>
                <div>
                  <strong>
                    {job.operationCode ? `${job.operationCode} ` : ''}
                    {job.description}
                  </strong>{' '}
                  <span className="muted">{t('common.hoursValue', { value: job.hours })}</span>
                  {job.additional && <span className="pill pill-info"> {t('order.additional')}</span>}
                </div>
                <div className="hint">
                  {t('myJobs.clocked', { hours: Number(job.clockedHours).toFixed(2) })}
                  {order.promisedAt && ` · ${t('orders.promised')} ${dealerTime(order.promisedAt, viewer.currentDealer?.timeZone)}`}
                </div>
              </div>
              <StatusPill family="job" value={job.jobStatus} />
              {job.jobStatus !== 'DONE' && (
                <div className="inline-list">
                  {job.clockedOn ? (
                    <button type="button" className="button button-secondary" disabled={busy} data-testid="clock-off" onClick={() => void clockOff.run({ lineId: job.id }).then(after)}>
                      {t('myJobs.clockOff')}
                    </button>
                  ) : (
                    <button type="button" className="button button-primary" disabled={busy} data-testid="clock-on" onClick={() => void clockOn.run({ lineId: job.id }).then(after)}>
                      {t('myJobs.clockOn')}
                    </button>
                  )}
                  <button type="button" className="button button-ok" disabled={busy} data-testid="finish-job" onClick={() => void finish.run({ lineId: job.id }).then(after)}>
                    {t('myJobs.done')}
                  </button>
                </div>
              )}
              {mayRequestParts && (
                <button
                  type="button"
                  className="button button-secondary"
                  aria-expanded={partsOf === job.id}
                  data-testid="job-parts"
                  onClick={() => setPartsOf(partsOf === job.id ? null : job.id)}
                >
                  {partsOf === job.id ? t('parts.issuing.panel.hide') : t('parts.issuing.panel.show')}
                </button>
              )}
              {partsOf === job.id && (
                <div style={{ width: '100%' }}>
                  <PartsRequestPanel orderId={order.id} />
                </div>
              )}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
