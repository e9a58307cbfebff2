import { useTranslation } from 'react-i18next';
import { When } from '../../components/Bits';
import { dealerTime } from '../../dates';
import type {
  RevisitCallResult,
  RevisitFailureReason,
  RevisitOutcome,
  RevisitRowFieldsFragment,
  RevisitStatus,
  RevisitSurveyQuestion,
} from '../../gql/graphql';
import './Revisit.css';

/** Call results with the key that chooses each on the call screen, in the order offered. */
export const RESULTS: readonly [RevisitCallResult, string][] = [
  ['ANSWERED', '1'],
  ['NO_ANSWER', '2'],
  ['BUSY', '3'],
  ['UNREACHABLE', '4'],
  ['SWITCHED_OFF', '5'],
  ['REJECTED_CALL', '6'],
  ['NOT_PRESENT', '7'],
  ['CALL_BACK_LATER', '8'],
  ['DRIVING', '9'],
  ['WRONG_NUMBER', 'w'],
  ['MISMATCH', 'm'],
  ['REFUSED', 'r'],
];

export const OUTCOMES: readonly [RevisitOutcome, string][] = [
  ['SATISFIED', 's'],
  ['QUESTION', 'q'],
  ['COMPLAINT', 'c'],
];

export const SURVEY: readonly RevisitSurveyQuestion[] = [
  'OVERALL',
  'REPAIR_QUALITY',
  'ADVISOR',
  'TIMELINESS',
  'CLEANLINESS',
  'RECOMMEND',
];

export const LEVELS = ['grievance', 'general', 'serious', 'severe'] as const;

export function useRevisitLabels() {
  const { t } = useTranslation();
  return {
    result: (r: RevisitCallResult) => t(`care.revisits.result.${r.toLowerCase()}` as 'care.revisits.result.answered'),
    outcome: (o: RevisitOutcome) => t(`care.revisits.outcome.${o.toLowerCase()}` as 'care.revisits.outcome.satisfied'),
    status: (s: RevisitStatus) => t(`care.revisits.status.${s.toLowerCase()}` as 'care.revisits.status.open'),
    failure: (f: RevisitFailureReason) => t(`care.revisits.failure.${f.toLowerCase()}` as 'care.revisits.failure.no_answer'),
    question: (q: RevisitSurveyQuestion) => t(`care.revisits.survey.${q.toLowerCase()}` as 'care.revisits.survey.overall'),
    level: (l: (typeof LEVELS)[number]) => t(`care.revisits.level.${l}` as 'care.revisits.level.general'),
  };
}

export function RevisitStatusPill({ status }: { status: RevisitStatus }) {
  const labels = useRevisitLabels();
  const tone =
    status === 'SUCCEEDED' ? 'pill-ok' : status === 'FAILED' || status === 'CONTACT_CHECK' ? 'pill-warn' : 'pill-info';
  return (
    <span className={`pill ${tone}`} data-testid="revisit-status" data-status={status.toLowerCase()}>
      {labels.status(status)}
    </span>
  );
}

export interface WindowState {
  callableNow: boolean;
  nextWindowStartsAt: string;
  timeZone: string;
  callWindows: { starts: string; ends: string }[];
}

/** Whether calls may be made now, and when the next window opens when not. */
export function CallWindowBanner({ state, callbackDue = false }: { state: WindowState; callbackDue?: boolean }) {
  const { t } = useTranslation();
  const windows = state.callWindows.map((w) => `${w.starts}–${w.ends}`).join(', ');
  if (state.callableNow || callbackDue) {
    return (
      <div className="alert alert-info" role="status" data-testid="revisit-window" data-callable="true">
        {callbackDue && !state.callableNow
          ? t('care.revisits.window.callbackDue')
          : t('care.revisits.window.inside', { windows, zone: state.timeZone })}
      </div>
    );
  }
  return (
    <div className="alert alert-error" role="status" data-testid="revisit-window" data-callable="false">
      {t('care.revisits.window.outside', { time: dealerTime(state.nextWindowStartsAt, state.timeZone) })}
    </div>
  );
}

/** The facts of the call: order, customer and numbers, car, advisor, when to call. */
export function RevisitFacts({ revisit }: { revisit: RevisitRowFieldsFragment & { vin?: string } }) {
  const { t } = useTranslation();
  return (
    <dl className="revisit-facts" data-testid="revisit-facts">
      <dt>{t('care.revisits.call.order')}</dt>
      <dd data-testid="revisit-order">{revisit.orderNumber}</dd>
      <dt>{t('care.revisits.call.deliveredAt')}</dt>
      <dd>
        <When at={revisit.deliveredAt} />
      </dd>
      <dt>{t('care.revisits.call.customer')}</dt>
      <dd data-testid="revisit-customer">{revisit.customerName}</dd>
      <dt>{t('care.revisits.call.phone')}</dt>
      <dd>
        <a href={`tel:${revisit.customerPhone}`} data-testid="revisit-phone">
          {revisit.customerPhone}
        </a>
      </dd>
      {revisit.customerAltPhone && (
        <>
          <dt>{t('care.revisits.call.altPhone')}</dt>
          <dd>
            <a href={`tel:${revisit.customerAltPhone}`}>{revisit.customerAltPhone}</a>
          </dd>
        </>
      )}
      <dt>{t('care.revisits.call.vehicle')}</dt>
      <dd>
        {revisit.plate} {revisit.model} {revisit.vin && <span className="muted">{revisit.vin}</span>}
      </dd>
      <dt>{t('care.revisits.call.advisor')}</dt>
      <dd>{revisit.advisorName ?? '—'}</dd>
      <dt>{t('care.revisits.call.dueBetween')}</dt>
      <dd>
        {revisit.dueFrom} – {revisit.dueBy}
      </dd>
      <dt>{t('care.revisits.call.round')}</dt>
      <dd>{revisit.round}</dd>
    </dl>
  );
}

interface AttemptRow {
  attemptNo: number;
  round: number;
  calledAt: string;
  phone: string;
  result: RevisitCallResult;
  outcome?: RevisitOutcome | null;
  question?: string;
  note?: string;
  callbackAt?: string | null;
  callerName: string;
  complaintNumber?: string | null;
}

/** The calls so far, oldest first. */
export function AttemptHistory({ attempts }: { attempts: AttemptRow[] }) {
  const { t } = useTranslation();
  const labels = useRevisitLabels();
  if (attempts.length === 0) return <p className="muted">{t('care.revisits.call.noCalls')}</p>;
  return (
    <ol className="revisit-history" data-testid="revisit-history">
      {attempts.map((a) => (
        <li key={a.attemptNo} data-result={a.result.toLowerCase()}>
          <span className="muted">
            #{a.attemptNo} · {t('care.revisits.call.round')} {a.round} · <When at={a.calledAt} /> · {a.callerName} · {a.phone}
          </span>
          <strong> {labels.result(a.result)}</strong>
          {a.outcome && <span> — {labels.outcome(a.outcome)}</span>}
          {a.question && <span> “{a.question}”</span>}
          {a.callbackAt && (
            <span>
              {' '}
              → <When at={a.callbackAt} />
            </span>
          )}
          {a.complaintNumber && <span> · {a.complaintNumber}</span>}
          {a.note && <span className="muted"> · {a.note}</span>}
        </li>
      ))}
    </ol>
  );
}
