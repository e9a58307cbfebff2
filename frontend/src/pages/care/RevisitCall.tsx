import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { RevisitCallDocument, type RecordRevisitAttemptMutation } from '../../gql/graphql';
import { AttemptHistory, CallWindowBanner, RevisitFacts, RevisitStatusPill, useRevisitLabels } from './RevisitBits';
import { RevisitCallForm } from './RevisitCallForm';

const CALLBACK_TOLERANCE_MS = 15 * 60 * 1000;
type Recorded = RecordRevisitAttemptMutation['recordRevisitAttempt'];

/** 回访: one call with the order, the work done and the calls so far; usable by keyboard only. */
export function RevisitCall() {
  const { t } = useTranslation();
  const labels = useRevisitLabels();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const [recorded, setRecorded] = useState<Recorded | null>(null);
  const backLink = useRef<HTMLAnchorElement>(null);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: RevisitCallDocument,
    variables: { id },
    requestPolicy: 'cache-and-network',
  });

  useEffect(() => {
    if (recorded) backLink.current?.focus();
  }, [recorded]);

  if (error) return <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!data && fetching) return <Loading />;
  const revisit = data?.revisit;
  const windows = data?.revisitQueue;
  if (!revisit || !windows) {
    return (
      <div className="page" data-testid="page-revisit-call">
        <div className="alert alert-error" role="alert" data-testid="revisit-not-found">
          {t('errors.NOT_FOUND')}
        </div>
      </div>
    );
  }
  const callbackDue =
    revisit.callbackRequested &&
    !!revisit.nextCallAt &&
    Math.abs(new Date(revisit.nextCallAt).getTime() - Date.now()) <= CALLBACK_TOLERANCE_MS;
  const mayCall = revisit.status === 'OPEN' && (windows.callableNow || callbackDue) && !recorded;
  const leave = () => navigate('/care/revisits');

  return (
    <div className="page page-wide" data-testid="page-revisit-call" data-status={revisit.status.toLowerCase()}>
      <PageHeader
        title={t('care.revisits.call.title', { order: revisit.orderNumber })}
        actions={
          <Link to="/care/revisits" className="button button-secondary">
            {t('care.revisits.call.back')}
          </Link>
        }
      />
      <div className="revisit-call-grid">
        <section className="panel" aria-label={t('care.revisits.call.order')}>
          <p>
            <RevisitStatusPill status={revisit.status} />{' '}
            {revisit.failureReason && <span className="muted">{labels.failure(revisit.failureReason)}</span>}
          </p>
          <RevisitFacts revisit={revisit} />
          <h2>{t('care.revisits.call.workDone')}</h2>
          {revisit.workDone.length === 0 ? (
            <p className="muted">{t('care.revisits.call.noWork')}</p>
          ) : (
            <ul data-testid="revisit-work-done">
              {revisit.workDone.map((line, i) => (
                <li key={i}>
                  {line.description}{' '}
                  <span className="muted">
                    {line.hours != null
                      ? t('care.revisits.call.hours', { hours: line.hours })
                      : t('care.revisits.call.quantity', { quantity: line.quantity })}
                  </span>
                </li>
              ))}
            </ul>
          )}
          <h2>{t('care.revisits.call.history')}</h2>
          <AttemptHistory attempts={revisit.attemptLog} />
          {revisit.survey.length > 0 && (
            <>
              <h2>{t('care.revisits.call.surveyDone')}</h2>
              <ul data-testid="revisit-survey-done">
                {revisit.survey.map((a) => (
                  <li key={a.question}>{t('care.revisits.call.scoreOf', { question: labels.question(a.question), score: a.score })}</li>
                ))}
              </ul>
            </>
          )}
          {revisit.complaintNumber && (
            <p>
              {t('care.revisits.call.complaintOpened', { number: revisit.complaintNumber })}
            </p>
          )}
        </section>
        <section className="panel" aria-label={t('care.revisits.call.resultLegend')}>
          {recorded ? (
            <div role="status" data-testid="revisit-recorded" data-status={recorded.revisit.status.toLowerCase()}>
              <p>
                {t('care.revisits.call.recorded', {
                  n: recorded.attempt.attemptNo,
                  status: labels.status(recorded.revisit.status),
                })}
              </p>
              {recorded.revisit.nextCallAt && (
                <p>
                  {t('care.revisits.queue.nextCall')}: <When at={recorded.revisit.nextCallAt} />
                </p>
              )}
              {recorded.revisit.complaintNumber && recorded.revisit.complaintId && (
                <p data-testid="revisit-complaint-number">
                  <Link to={`/care/complaints/${encodeURIComponent(recorded.revisit.complaintId)}`}>
                    {t('care.revisits.call.complaintOpened', { number: recorded.revisit.complaintNumber })}
                  </Link>
                </p>
              )}
              <Link ref={backLink} to="/care/revisits" className="button button-primary" data-testid="revisit-next">
                {t('care.revisits.call.nextInQueue')}
              </Link>
            </div>
          ) : revisit.status !== 'OPEN' ? (
            <p className="muted" data-testid="revisit-not-open">
              {t('care.revisits.call.notOpen', { status: labels.status(revisit.status) })}
            </p>
          ) : (
            <>
              <CallWindowBanner state={windows} callbackDue={callbackDue} />
              {mayCall && (
                <RevisitCallForm
                  revisitId={revisit.id}
                  timeZone={windows.timeZone}
                  onLeave={leave}
                  onRecorded={(done) => {
                    setRecorded(done);
                    refetch({ requestPolicy: 'network-only' });
                  }}
                />
              )}
            </>
          )}
        </section>
      </div>
    </div>
  );
}
