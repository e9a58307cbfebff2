import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../api/useAction';
import { MutationError } from '../../components/Mutation';
import { dealerLocalToIso } from '../../dates';
import {
  RecordRevisitAttemptDocument,
  type RecordRevisitAttemptMutation,
  type RevisitCallResult,
  type RevisitOutcome,
  type RevisitSurveyQuestion,
} from '../../gql/graphql';
import { LEVELS, OUTCOMES, RESULTS, SURVEY, useRevisitLabels } from './RevisitBits';

const CALL_BACK: RevisitCallResult[] = ['CALL_BACK_LATER', 'DRIVING'];
type Level = (typeof LEVELS)[number];

function isTyping(target: EventTarget): boolean {
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}

/**
 * The call form, keyboard first: focus starts on the first result; the key shown on each
 * choice picks it and moves focus to what that choice needs next (outcome, survey, callback
 * time, note); survey questions take 1-5; Enter records the call; Esc starts over (or
 * leaves, when nothing was chosen).
 */
export function RevisitCallForm({
  revisitId,
  timeZone,
  onRecorded,
  onLeave,
}: {
  revisitId: string;
  timeZone: string;
  onRecorded: (data: RecordRevisitAttemptMutation['recordRevisitAttempt']) => void;
  onLeave: () => void;
}) {
  const { t } = useTranslation();
  const labels = useRevisitLabels();
  const record = useAction(RecordRevisitAttemptDocument);
  const [result, setResult] = useState<RevisitCallResult | null>(null);
  const [outcome, setOutcome] = useState<RevisitOutcome | null>(null);
  const [scores, setScores] = useState<Partial<Record<RevisitSurveyQuestion, number>>>({});
  const [question, setQuestion] = useState('');
  const [level, setLevel] = useState<Level>('general');
  const [summary, setSummary] = useState('');
  const [detail, setDetail] = useState('');
  const [callbackLocal, setCallbackLocal] = useState('');
  const [note, setNote] = useState('');
  const form = useRef<HTMLFormElement>(null);
  const firstResult = useRef<HTMLButtonElement>(null);
  const firstOutcome = useRef<HTMLButtonElement>(null);
  const surveyRows = useRef<(HTMLDivElement | null)[]>([]);
  const questionInput = useRef<HTMLInputElement>(null);
  const levelSelect = useRef<HTMLSelectElement>(null);
  const callbackInput = useRef<HTMLInputElement>(null);
  const noteInput = useRef<HTMLInputElement>(null);
  const [focusNext, setFocusNext] = useState<'result' | 'outcome' | 'survey' | 'question' | 'level' | 'callback' | 'note' | null>(
    'result',
  );

  useEffect(() => {
    const target = {
      result: firstResult.current,
      outcome: firstOutcome.current,
      survey: surveyRows.current[0] ?? null,
      question: questionInput.current,
      level: levelSelect.current,
      callback: callbackInput.current,
      note: noteInput.current,
    };
    if (focusNext) {
      target[focusNext]?.focus();
      setFocusNext(null);
    }
  }, [focusNext, result, outcome]);

  const reset = () => {
    setResult(null);
    setOutcome(null);
    setScores({});
    setQuestion('');
    setLevel('general');
    setSummary('');
    setDetail('');
    setCallbackLocal('');
    setNote('');
    record.clearError();
    setFocusNext('result');
  };

  const chooseResult = (value: RevisitCallResult) => {
    setResult(value);
    setOutcome(null);
    if (value !== 'ANSWERED') setScores({});
    setFocusNext(value === 'ANSWERED' ? 'outcome' : CALL_BACK.includes(value) ? 'callback' : 'note');
  };

  const chooseOutcome = (value: RevisitOutcome) => {
    setOutcome(value);
    setFocusNext(value === 'SATISFIED' ? 'survey' : value === 'QUESTION' ? 'question' : 'level');
  };

  const onResultKey = (event: KeyboardEvent) => {
    const hit = RESULTS.find(([, key]) => key === event.key.toLowerCase());
    if (hit && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      chooseResult(hit[0]);
    }
  };

  const onOutcomeKey = (event: KeyboardEvent) => {
    const hit = OUTCOMES.find(([, key]) => key === event.key.toLowerCase());
    if (hit && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      chooseOutcome(hit[0]);
    }
  };

  const onSurveyKey = (event: KeyboardEvent, index: number) => {
    const q = SURVEY[index];
    if (!q) return;
    if (/^[1-5]$/.test(event.key)) {
      event.preventDefault();
      setScores((s) => ({ ...s, [q]: Number(event.key) }));
      const next = surveyRows.current[index + 1];
      if (next) next.focus();
      else noteInput.current?.focus();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      surveyRows.current[index + (event.key === 'ArrowDown' ? 1 : -1)]?.focus();
    } else if (event.key === '0' || event.key === 'Backspace' || event.key === 'Delete') {
      event.preventDefault();
      setScores((s) => {
        const copy = { ...s };
        delete copy[q];
        return copy;
      });
    }
  };

  const onFormKey = (event: KeyboardEvent<HTMLFormElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      if (result) reset();
      else onLeave();
    } else if (event.key === 'Enter' && !isTyping(event.target) && !(event.target instanceof HTMLButtonElement)) {
      event.preventDefault();
      form.current?.requestSubmit();
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!result || record.pending) return;
    const answered = result === 'ANSWERED';
    const outcome_ = answered ? outcome : null;
    const done = await record.run({
      input: {
        revisitId,
        result,
        outcome: outcome_,
        question: outcome_ === 'QUESTION' ? question : '',
        note,
        callbackAt: CALL_BACK.includes(result) && callbackLocal ? dealerLocalToIso(callbackLocal, timeZone) : null,
        survey: answered
          ? SURVEY.filter((q) => scores[q] !== undefined).map((q) => ({ question: q, score: scores[q] as number }))
          : [],
        complaintLevel: level,
        complaintSummary: outcome_ === 'COMPLAINT' ? summary : '',
        complaintDetail: outcome_ === 'COMPLAINT' ? detail : '',
      },
    });
    if (done.data) onRecorded(done.data.recordRevisitAttempt);
  };

  const answered = result === 'ANSWERED';
  return (
    <form ref={form} onSubmit={submit} onKeyDown={onFormKey} data-testid="revisit-call-form" aria-describedby="revisit-call-keys">
      <p className="muted" id="revisit-call-keys">
        {t('care.revisits.call.keys')}
      </p>
      <fieldset className="revisit-choices" onKeyDown={onResultKey} data-testid="revisit-results">
        <legend>{t('care.revisits.call.resultLegend')}</legend>
        {RESULTS.map(([value, key], i) => (
          <button
            key={value}
            ref={i === 0 ? firstResult : undefined}
            type="button"
            className="button button-secondary revisit-choice"
            aria-pressed={result === value}
            aria-keyshortcuts={key}
            data-testid={`revisit-result-${value.toLowerCase()}`}
            onClick={() => chooseResult(value)}
          >
            <kbd>{key.toUpperCase()}</kbd>
            {labels.result(value)}
          </button>
        ))}
      </fieldset>

      {answered && (
        <fieldset className="revisit-choices" onKeyDown={onOutcomeKey} data-testid="revisit-outcomes">
          <legend>{t('care.revisits.call.outcomeLegend')}</legend>
          {OUTCOMES.map(([value, key], i) => (
            <button
              key={value}
              ref={i === 0 ? firstOutcome : undefined}
              type="button"
              className="button button-secondary revisit-choice"
              aria-pressed={outcome === value}
              aria-keyshortcuts={key}
              data-testid={`revisit-outcome-${value.toLowerCase()}`}
              onClick={() => chooseOutcome(value)}
            >
              <kbd>{key.toUpperCase()}</kbd>
              {labels.outcome(value)}
            </button>
          ))}
        </fieldset>
      )}

      {answered && outcome && (
        <fieldset className="revisit-choices revisit-choices-block" data-testid="revisit-survey">
          <legend>{t('care.revisits.call.surveyLegend')}</legend>
          <div className="revisit-survey">
            {SURVEY.map((q, i) => (
              <div
                key={q}
                ref={(el) => {
                  surveyRows.current[i] = el;
                }}
                role="radiogroup"
                tabIndex={0}
                aria-label={t('care.revisits.call.scoreOf', {
                  question: labels.question(q),
                  score: scores[q] ?? t('care.revisits.call.noScore'),
                })}
                className="revisit-survey-question"
                data-testid={`revisit-survey-${q.toLowerCase()}`}
                data-score={scores[q] ?? ''}
                onKeyDown={(event) => onSurveyKey(event, i)}
              >
                <span>{labels.question(q)}</span>
                {[1, 2, 3, 4, 5].map((score) => (
                  <button
                    key={score}
                    type="button"
                    role="radio"
                    tabIndex={-1}
                    aria-checked={scores[q] === score}
                    aria-label={String(score)}
                    className="revisit-score"
                    onClick={() => setScores((s) => ({ ...s, [q]: score }))}
                  >
                    {score}
                  </button>
                ))}
              </div>
            ))}
          </div>
          {outcome === 'SATISFIED' && <p className="muted">{t('care.revisits.call.surveyHint')}</p>}
        </fieldset>
      )}

      {answered && outcome === 'QUESTION' && (
        <label className="field">
          <span>{t('care.revisits.call.question')}</span>
          <input
            ref={questionInput}
            value={question}
            required
            data-testid="revisit-question"
            onChange={(e) => setQuestion(e.target.value)}
          />
        </label>
      )}

      {answered && outcome === 'COMPLAINT' && (
        <>
          <label className="field">
            <span>{t('care.revisits.call.complaintLevel')}</span>
            <select ref={levelSelect} value={level} data-testid="revisit-complaint-level" onChange={(e) => setLevel(e.target.value as Level)}>
              {LEVELS.map((l) => (
                <option key={l} value={l}>
                  {labels.level(l)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('care.revisits.call.complaintSummary')}</span>
            <input value={summary} required data-testid="revisit-complaint-summary" onChange={(e) => setSummary(e.target.value)} />
          </label>
          <label className="field">
            <span>{t('care.revisits.call.complaintDetail')}</span>
            <input value={detail} data-testid="revisit-complaint-detail" onChange={(e) => setDetail(e.target.value)} />
          </label>
        </>
      )}

      {result && CALL_BACK.includes(result) && (
        <>
          {result === 'DRIVING' && <p className="alert alert-info">{t('care.revisits.call.drivingNote')}</p>}
          <label className="field">
            <span>{t('care.revisits.call.callbackAt')}</span>
            <input
              ref={callbackInput}
              type="datetime-local"
              value={callbackLocal}
              required={result === 'CALL_BACK_LATER'}
              data-testid="revisit-callback-at"
              onChange={(e) => setCallbackLocal(e.target.value)}
            />
          </label>
        </>
      )}

      {result && (
        <label className="field">
          <span>{t('care.revisits.call.note')}</span>
          <input ref={noteInput} value={note} data-testid="revisit-note" onChange={(e) => setNote(e.target.value)} />
        </label>
      )}

      <MutationError error={record.error} />
      <div className="page-actions">
        <button type="submit" className="button button-primary" disabled={!result || record.pending} data-testid="revisit-submit">
          <kbd>Enter</kbd>
          {t('care.revisits.call.submit')}
        </button>
        <button type="button" className="button button-secondary" data-testid="revisit-cancel" onClick={() => (result ? reset() : onLeave())}>
          <kbd>Esc</kbd>
          {t('care.revisits.call.cancel')}
        </button>
      </div>
    </form>
  );
}
