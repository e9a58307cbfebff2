import { Fragment, useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import { dealerToday, formatDay } from '../../dates';
import {
  GenerateReminderTargetsDocument,
  RecordReminderContactDocument,
  ReminderOverviewDocument,
  ReminderTargetsDocument,
  type ReminderKind,
  type ReminderResult,
  type ReminderStatus,
  type ReminderTargetFieldsFragment,
} from '../../gql/graphql';
import { formatDateTime } from '../../localize';
import { useViewer } from '../../session';
import { ReminderBooking } from './ReminderBooking';
import { ReminderLapsed } from './ReminderLapsed';
import { ReminderWhy } from './ReminderWhy';
import './Reminders.css';

const KINDS: ReminderKind[] = ['MAINTENANCE', 'INSURANCE', 'WARRANTY_EXPIRY', 'DECLINED_WORK', 'RECALL'];
const STATUSES: ReminderStatus[] = ['OPEN', 'CONTACTED', 'BOOKED', 'DECLINED', 'DISMISSED', 'EXPIRED'];
const RESULTS: ReminderResult[] = ['CONTACTED', 'DECLINED', 'DISMISSED'];
const RESULT_KEYS: Partial<Record<string, ReminderResult>> = { r: 'CONTACTED', d: 'DECLINED', x: 'DISMISSED' };
const WORKABLE: ReminderStatus[] = ['OPEN', 'CONTACTED'];
const LAPSED_DUTY = 'lapsed_customer_analysis';

type Tab = ReminderKind | 'LAPSED';
type Editing = { id: string; mode: ReminderResult | 'BOOK' };

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T12:00:00Z`) - Date.parse(`${from}T12:00:00Z`)) / 86_400_000);
}

function typing(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  return !!element && (['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName) || element.isContentEditable);
}

/** 客户提醒: effective targets per kind with why each is due; the call's result, or an
 * appointment booked from the call; the lapsed customers apart for the supervisor. */
export function ReminderTargets() {
  const { t, i18n } = useTranslation();
  const viewer = useViewer();
  const [params, setParams] = useSearchParams();
  const tabParam = (params.get('kind') ?? 'MAINTENANCE').toUpperCase();
  const lapsedAllowed = viewer.duties.some((d) => d.key === LAPSED_DUTY);
  const tab: Tab = tabParam === 'LAPSED' && lapsedAllowed ? 'LAPSED' : KINDS.includes(tabParam as ReminderKind) ? (tabParam as ReminderKind) : 'MAINTENANCE';
  const [status, setStatus] = useState<ReminderStatus>('OPEN');
  const [after, setAfter] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const mayWork = can(viewer, 'reminder', 'create');
  const [{ data: overview }, refetchOverview] = useQuery({
    query: ReminderOverviewDocument,
    variables: { status: 'OPEN' },
    requestPolicy: 'cache-and-network',
  });
  const generate = useAction(GenerateReminderTargetsDocument);
  const counts = new Map((overview?.reminderTargetCounts ?? []).map((c) => [c.kind, c.count]));
  const run = overview?.reminderLastRun;

  const choose = (next: Tab) => {
    setAfter(null);
    setNotice(null);
    setParams(next === 'MAINTENANCE' ? {} : { kind: next.toLowerCase() }, { replace: true });
  };

  return (
    <div className="page page-wide" data-testid="page-reminders">
      <PageHeader
        title={t('care.reminders.title')}
        intro={t('care.reminders.intro')}
        actions={
          mayWork && (
            <button
              type="button"
              className="button button-secondary"
              disabled={generate.pending}
              data-testid="reminders-generate"
              onClick={() =>
                void generate.run({}).then((result) => {
                  const made = result.data?.generateReminderTargets;
                  if (made) {
                    setNotice(t('care.reminders.generated', made));
                    refetchOverview({ requestPolicy: 'network-only' });
                  }
                })
              }
            >
              {t('care.reminders.generate')}
            </button>
          )
        }
      />
      <MutationError error={generate.error} />
      {notice && (
        <div className="alert alert-info" role="status" data-testid="reminders-notice">
          {notice}
        </div>
      )}
      <p className="muted" data-testid="reminders-last-run">
        {run
          ? t('care.reminders.lastRun', {
              at: formatDateTime(run.generatedAt, i18n.language, viewer.currentDealer?.timeZone ?? undefined),
              trigger: t(`care.reminders.trigger.${run.trigger}` as 'care.reminders.trigger.nightly', { defaultValue: run.trigger }),
              asOf: formatDay(run.asOf, i18n.language),
            })
          : t('care.reminders.noRun')}
      </p>
      <div className="segmented segmented-light" role="tablist" aria-label={t('care.reminders.tabsLabel')} style={{ marginBottom: 12 }}>
        {KINDS.map((kind) => (
          <button
            key={kind}
            type="button"
            role="tab"
            aria-selected={tab === kind}
            className={tab === kind ? 'active' : undefined}
            data-testid={`reminders-tab-${kind.toLowerCase()}`}
            onClick={() => choose(kind)}
          >
            {t(`care.reminders.kind.${kind.toLowerCase()}` as 'care.reminders.kind.maintenance')}{' '}
            <span className="badge" data-testid={`reminders-count-${kind.toLowerCase()}`}>
              {counts.get(kind) ?? 0}
            </span>
          </button>
        ))}
        {lapsedAllowed && (
          <button
            type="button"
            role="tab"
            aria-selected={tab === 'LAPSED'}
            className={tab === 'LAPSED' ? 'active' : undefined}
            data-testid="reminders-tab-lapsed"
            onClick={() => choose('LAPSED')}
          >
            {t('care.reminders.lapsedTab')}
          </button>
        )}
      </div>
      {tab === 'LAPSED' ? (
        <ReminderLapsed />
      ) : (
        <>
          <div className="toolbar inline-list" style={{ marginBottom: 12 }}>
            <label className="control control-inline">
              <span>{t('care.reminders.statusLabel')}</span>
              <select
                className="select"
                value={status}
                data-testid="reminders-status"
                onChange={(e) => {
                  setAfter(null);
                  setStatus(e.target.value as ReminderStatus);
                }}
              >
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {t(`care.reminders.status.${s.toLowerCase()}` as 'care.reminders.status.open')}
                  </option>
                ))}
              </select>
            </label>
            {mayWork && <span className="hint">{t('care.reminders.shortcuts')}</span>}
          </div>
          <TargetList
            key={`${tab}-${status}-${after ?? ''}`}
            kind={tab}
            status={status}
            after={after}
            mayWork={mayWork}
            onMore={setAfter}
            onChanged={() => refetchOverview({ requestPolicy: 'network-only' })}
          />
        </>
      )}
    </div>
  );
}

function TargetList({
  kind,
  status,
  after,
  mayWork,
  onMore,
  onChanged,
}: {
  kind: ReminderKind;
  status: ReminderStatus;
  after: string | null;
  mayWork: boolean;
  onMore: (cursor: string | null) => void;
  onChanged: () => void;
}) {
  const { t, i18n } = useTranslation();
  const viewer = useViewer();
  const today = dealerToday(viewer.currentDealer?.timeZone);
  const mayBook = mayWork && can(viewer, 'appointment', 'create');
  const [{ data, error, fetching }, refetch] = useQuery({
    query: ReminderTargetsDocument,
    variables: { kind, status, first: 50, after },
    requestPolicy: 'cache-and-network',
  });
  const record = useAction(RecordReminderContactDocument);
  const [selected, setSelected] = useState(0);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [note, setNote] = useState('');
  const [noteMissing, setNoteMissing] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const rows = (data?.reminderTargets.edges ?? []).map((e) => e.node);

  const open = useCallback(
    (target: ReminderTargetFieldsFragment, mode: Editing['mode']) => {
      if (!WORKABLE.includes(target.status)) return;
      if (mode === 'BOOK' ? !mayBook : !mayWork) return;
      record.clearError();
      setNote('');
      setNoteMissing(false);
      setDone(null);
      setEditing({ id: target.id, mode });
    },
    [mayBook, mayWork, record],
  );

  const changed = (text: string) => {
    setEditing(null);
    setDone(text);
    refetch({ requestPolicy: 'network-only' });
    onChanged();
  };

  const submit = async (target: ReminderTargetFieldsFragment, result: ReminderResult) => {
    if (result === 'DISMISSED' && !note.trim()) {
      setNoteMissing(true);
      return;
    }
    const outcome = await record.run({ id: target.id, result, note: note.trim() });
    if (outcome.data) changed(t(`care.reminders.result.${result.toLowerCase()}` as 'care.reminders.result.contacted'));
  };

  // j/k move through the list; r, d, x record a result, b books (outside text fields).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || editing) return;
      const current = rows[selected];
      const result = RESULT_KEYS[e.key];
      if (e.key === 'j') setSelected((i) => Math.min(i + 1, Math.max(rows.length - 1, 0)));
      else if (e.key === 'k') setSelected((i) => Math.max(i - 1, 0));
      else if (current && result) open(current, result);
      else if (current && e.key === 'b') open(current, 'BOOK');
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [rows, selected, editing, open]);

  if (error) return <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <Loading />;

  return (
    <section className="panel" data-testid="reminder-list">
      {done && (
        <div className="alert alert-info" role="status" data-testid="reminder-done">
          {done}
        </div>
      )}
      {rows.length === 0 ? (
        <p className="empty" data-testid="reminders-empty">
          {t('care.reminders.empty')}
        </p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('care.reminders.col.due')}</th>
              <th scope="col">{t('care.reminders.col.customer')}</th>
              <th scope="col">{t('care.reminders.col.vehicle')}</th>
              <th scope="col">{t('care.reminders.col.why')}</th>
              <th scope="col">{t('care.reminders.col.lastContact')}</th>
              <th scope="col">{t('care.reminders.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((target, index) => {
              const days = daysBetween(today, target.dueOn);
              const workable = WORKABLE.includes(target.status);
              const isEditing = editing?.id === target.id;
              return (
                <Fragment key={target.id}>
                  <tr
                    data-testid="reminder-row"
                    data-kind={target.kind.toLowerCase()}
                    data-status={target.status.toLowerCase()}
                    data-customer={target.customer?.name ?? ''}
                    aria-selected={index === selected}
                    className={index === selected ? 'selected' : undefined}
                    onClick={() => setSelected(index)}
                  >
                    <td className="nowrap">
                      <span>{formatDay(target.dueOn, i18n.language)}</span>
                      <div className={days < 0 ? 'pill pill-warn' : 'muted'}>
                        {days < 0
                          ? t('care.reminders.overdue', { days: -days })
                          : days === 0
                            ? t('care.reminders.today')
                            : t('care.reminders.inDays', { days })}
                      </div>
                    </td>
                    <td>
                      {target.customer?.name}
                      <div className="muted">
                        <a href={`tel:${target.customer?.phone ?? ''}`}>{target.customer?.phone}</a>
                      </div>
                    </td>
                    <td>
                      {target.vehicle?.plateDisplay || target.vehicle?.vin}
                      <div className="muted">{target.vehicle?.model}</div>
                    </td>
                    <td>
                      <ReminderWhy kind={target.kind} basis={target.basis} />
                    </td>
                    <td data-testid="reminder-last-contact">
                      {target.lastContact ? (
                        <>
                          {t('care.reminders.contactBy', {
                            status: t(`care.reminders.status.${target.lastContact.status.toLowerCase()}` as 'care.reminders.status.open'),
                            by: target.lastContact.by?.displayName ?? '',
                          })}
                          <div className="muted">
                            <When at={target.lastContact.at} />
                          </div>
                          {target.lastContact.note && <div className="muted">{target.lastContact.note}</div>}
                        </>
                      ) : (
                        <span className="muted">{t('care.reminders.noContact')}</span>
                      )}
                    </td>
                    <td>
                      <span className={`pill ${target.status === 'BOOKED' ? 'pill-ok' : 'pill-muted'}`} data-testid="reminder-status">
                        {t(`care.reminders.status.${target.status.toLowerCase()}` as 'care.reminders.status.open')}
                      </span>
                      {target.appointment && (
                        <div className="muted">
                          <When at={target.appointment.startsAt} />
                        </div>
                      )}
                      {workable && mayWork && (
                        <div className="inline-list" style={{ marginTop: 6 }}>
                          {RESULTS.map((result) => (
                            <button
                              key={result}
                              type="button"
                              className="button button-small button-secondary"
                              data-testid={`reminder-${result.toLowerCase()}`}
                              onClick={() => open(target, result)}
                            >
                              {t(`care.reminders.result.${result.toLowerCase()}` as 'care.reminders.result.contacted')}
                            </button>
                          ))}
                          {mayBook && (
                            <button
                              type="button"
                              className="button button-small button-primary"
                              data-testid="reminder-book"
                              onClick={() => open(target, 'BOOK')}
                            >
                              {t('care.reminders.book')}
                            </button>
                          )}
                        </div>
                      )}
                    </td>
                  </tr>
                  {isEditing && editing.mode === 'BOOK' && (
                    <tr>
                      <td colSpan={6}>
                        <ReminderBooking
                          target={target}
                          onCancel={() => setEditing(null)}
                          onBooked={(booked) =>
                            changed(
                              t('care.reminders.booked', {
                                at: booked.appointment
                                  ? formatDateTime(booked.appointment.startsAt, i18n.language, viewer.currentDealer?.timeZone ?? undefined)
                                  : '',
                              }),
                            )
                          }
                        />
                      </td>
                    </tr>
                  )}
                  {isEditing && editing.mode !== 'BOOK' && (
                    <tr>
                      <td colSpan={6}>
                        <form
                          className="inline-list"
                          data-testid="reminder-result-form"
                          onSubmit={(e) => {
                            e.preventDefault();
                            void submit(target, editing.mode as ReminderResult);
                          }}
                          onKeyDown={(e) => {
                            if (e.key === 'Escape') setEditing(null);
                          }}
                        >
                          <label className="control span-2">
                            <span>{t('care.reminders.note')}</span>
                            <input
                              className="input"
                              autoFocus
                              value={note}
                              placeholder={t('care.reminders.notePlaceholder')}
                              aria-invalid={noteMissing}
                              data-testid="reminder-note"
                              onChange={(e) => {
                                setNote(e.target.value);
                                setNoteMissing(false);
                              }}
                            />
                          </label>
                          <button type="submit" className="button button-primary" disabled={record.pending} data-testid="reminder-result-submit">
                            {t(`care.reminders.result.${editing.mode.toLowerCase()}` as 'care.reminders.result.contacted')}
                          </button>
                          <button type="button" className="button button-secondary" onClick={() => setEditing(null)}>
                            {t('care.reminders.cancel')}
                          </button>
                          {noteMissing && (
                            <span className="alert alert-error" role="alert">
                              {t('care.reminders.dismissNeedsNote')}
                            </span>
                          )}
                          <MutationError error={record.error} />
                        </form>
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
      {data?.reminderTargets.pageInfo.hasNextPage && (
        <button type="button" className="button button-secondary" onClick={() => onMore(data.reminderTargets.pageInfo.endCursor ?? null)}>
          {t('care.reminders.more')}
        </button>
      )}
    </section>
  );
}
