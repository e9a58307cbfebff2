import { useEffect, useState, type FormEvent } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../api/useAction';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import {
  CareSettingsDocument,
  UpdateCareSettingsDocument,
  type CareSettingsFieldsFragment,
  type UpdateCareSettingsInput,
} from '../../gql/graphql';
import { formatDateTime } from '../../localize';

const LEVELS = ['grievance', 'general', 'serious', 'severe'] as const;
const DEPARTMENTS = [
  'service',
  'workshop',
  'parts',
  'warranty',
  'front_desk',
  'customer_care',
  'sales',
  'finance',
  'management',
] as const;
type Level = (typeof LEVELS)[number];

const NUMBERS = [
  ['revisitAfterDays', 'care.settings.revisits.afterDays'],
  ['revisitWithinDays', 'care.settings.revisits.withinDays'],
  ['minAttempts', 'care.settings.revisits.minAttempts'],
  ['retryGapMinutes', 'care.settings.revisits.retryGap'],
  ['maintenanceMonths', 'care.settings.reminders.maintenanceMonths'],
  ['maintenanceKm', 'care.settings.reminders.maintenanceKm'],
  ['reminderHorizonDays', 'care.settings.reminders.horizonDays'],
  ['lostAfterMonths', 'care.settings.reminders.lostAfterMonths'],
] as const;
type NumberField = (typeof NUMBERS)[number][0];

/** The form's state: numbers as typed (strings), windows as rows, per-level maps. */
interface Draft {
  numbers: Record<NumberField, string>;
  oneToOne: boolean;
  windows: { starts: string; ends: string }[];
  hours: Record<Level, string>;
  routes: Record<Level, string>;
}

function draftOf(s: CareSettingsFieldsFragment): Draft {
  const numbers = Object.fromEntries(NUMBERS.map(([key]) => [key, String(s[key])])) as Record<NumberField, string>;
  const hours = Object.fromEntries(
    LEVELS.map((level) => [level, String(s.complaintHours.find((h) => h.level === level)?.hours ?? '')]),
  ) as Record<Level, string>;
  const routes = Object.fromEntries(
    LEVELS.map((level) => [level, s.complaintAutoRoute.find((r) => r.level === level)?.department ?? '']),
  ) as Record<Level, string>;
  return {
    numbers,
    oneToOne: s.oneToOne,
    windows: s.callWindows.map((w) => ({ starts: w.starts, ends: w.ends })),
    hours,
    routes,
  };
}

function inputOf(d: Draft): UpdateCareSettingsInput {
  const n = (key: NumberField) => Number(d.numbers[key]);
  return {
    revisitAfterDays: n('revisitAfterDays'),
    revisitWithinDays: n('revisitWithinDays'),
    minAttempts: n('minAttempts'),
    retryGapMinutes: n('retryGapMinutes'),
    maintenanceMonths: n('maintenanceMonths'),
    maintenanceKm: n('maintenanceKm'),
    reminderHorizonDays: n('reminderHorizonDays'),
    lostAfterMonths: n('lostAfterMonths'),
    oneToOne: d.oneToOne,
    callWindows: d.windows.map((w) => ({ starts: w.starts.slice(0, 5), ends: w.ends.slice(0, 5) })),
    complaintHours: LEVELS.map((level) => ({ level, hours: Number(d.hours[level]) })),
    complaintAutoRoute: LEVELS.filter((level) => d.routes[level]).map((level) => ({
      level,
      department: d.routes[level],
    })),
  };
}

const isWhole = (text: string) => /^\d+$/.test(text.trim());

/** 回访与投诉规则: the dealer's rules for follow-up calls, complaints and reminders. */
export function CareSettings() {
  const { t } = useTranslation();
  const [{ data, error, fetching }, refetch] = useQuery({ query: CareSettingsDocument, requestPolicy: 'cache-and-network' });
  const settings = data?.careSettings ?? null;

  return (
    <div className="page" data-testid="page-care-settings">
      <PageHeader title={t('care.settings.title')} intro={t('care.settings.intro')} />
      {error ? (
        <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : fetching && !settings ? (
        <Loading />
      ) : settings ? (
        <SettingsForm settings={settings} />
      ) : null}
    </div>
  );
}

/** Who makes the calls, from the policies' duties; a vacant desk (缺编) is said aloud. */
function Callers({ settings }: { settings: CareSettingsFieldsFragment }) {
  const { t } = useTranslation();
  const names = (people: { displayName: string }[]) =>
    people.length ? people.map((p) => p.displayName).join('、') : t('care.settings.revisits.nobody');
  return (
    <div data-testid="care-callers">
      <p>
        <strong>{t('care.settings.revisits.deskCallers')}</strong>
        {': '}
        <span data-testid="desk-callers">{names(settings.deskCallers)}</span>
      </p>
      <p>
        <strong>{t('care.settings.revisits.advisors')}</strong>
        {': '}
        <span>{names(settings.oneToOneAdvisors)}</span>
      </p>
      {settings.deskCallers.length === 0 && (
        <p className="field-error" role="note" data-testid="desk-vacant">
          {t('care.settings.revisits.vacant')}
        </p>
      )}
    </div>
  );
}

function SettingsForm({ settings }: { settings: CareSettingsFieldsFragment }) {
  const { t, i18n } = useTranslation();
  const [draft, setDraft] = useState<Draft>(() => draftOf(settings));
  const [saved, setSaved] = useState(false);
  const update = useAction(UpdateCareSettingsDocument);
  const manage = settings.canManage;
  useEffect(() => setDraft(draftOf(settings)), [settings]);

  const changed = JSON.stringify(draft) !== JSON.stringify(draftOf(settings));
  const complete =
    NUMBERS.every(([key]) => isWhole(draft.numbers[key])) &&
    LEVELS.every((level) => isWhole(draft.hours[level])) &&
    draft.windows.length > 0 &&
    draft.windows.every((w) => w.starts && w.ends);
  const setNumber = (key: NumberField, value: string) => {
    setSaved(false);
    setDraft((d) => ({ ...d, numbers: { ...d.numbers, [key]: value } }));
  };
  const setWindow = (index: number, part: 'starts' | 'ends', value: string) => {
    setSaved(false);
    setDraft((d) => ({ ...d, windows: d.windows.map((w, i) => (i === index ? { ...w, [part]: value } : w)) }));
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await update.run({ input: inputOf(draft) });
    if (result.data) {
      setDraft(draftOf(result.data.updateCareSettings));
      setSaved(true);
    }
  };
  const invalidField = typeof update.error?.extensions?.field === 'string' ? update.error.extensions.field : null;
  const numberInput = (key: NumberField, label: string) => (
    <label className="control" key={key}>
      <span>{t(label as 'care.settings.revisits.afterDays')}</span>
      <input
        className="input input-num"
        inputMode="numeric"
        value={draft.numbers[key]}
        aria-invalid={invalidField === key || !isWhole(draft.numbers[key])}
        data-testid={`setting-${key}`}
        onChange={(e) => setNumber(key, e.target.value)}
      />
    </label>
  );
  const labelled = Object.fromEntries(NUMBERS) as Record<NumberField, string>;

  return (
    <form onSubmit={(e) => void submit(e)} aria-label={t('care.settings.title')} data-testid="care-settings-form">
      <div className="alert alert-info" data-testid="care-settings-state" data-customised={settings.customised}>
        <span>
          {settings.customised
            ? settings.updatedBy
              ? t('care.settings.customised', {
                  name: settings.updatedBy.displayName,
                  at: settings.updatedAt ? formatDateTime(settings.updatedAt, i18n.language, settings.timeZone) : '',
                })
              : t('care.settings.customisedNoName', {
                  at: settings.updatedAt ? formatDateTime(settings.updatedAt, i18n.language, settings.timeZone) : '',
                })
            : t('care.settings.defaults')}{' '}
          {t('care.settings.zone', { zone: settings.timeZone })}
        </span>
      </div>
      {!manage && (
        <p className="muted" data-testid="care-settings-read-only">
          {t('care.settings.readOnly')}
        </p>
      )}
      <fieldset disabled={!manage} style={{ border: 0, padding: 0, margin: 0 }}>
        <section className="panel">
          <h2>{t('care.settings.revisits.heading')}</h2>
          <div className="form-grid">
            {(['revisitAfterDays', 'revisitWithinDays', 'minAttempts', 'retryGapMinutes'] as const).map((key) =>
              numberInput(key, labelled[key]),
            )}
          </div>
          <label className="inline-list" style={{ alignItems: 'center' }}>
            <input
              type="checkbox"
              checked={draft.oneToOne}
              data-testid="setting-oneToOne"
              onChange={(e) => {
                setSaved(false);
                setDraft((d) => ({ ...d, oneToOne: e.target.checked }));
              }}
            />{' '}
            {t('care.settings.revisits.oneToOne')}
          </label>
          <p className="muted">{t('care.settings.revisits.oneToOneHint')}</p>
          <Callers settings={settings} />
        </section>

        <section className="panel" aria-labelledby="care-windows-heading">
          <h2 id="care-windows-heading">{t('care.settings.windows.heading')}</h2>
          <p className="muted">{t('care.settings.windows.hint')}</p>
          {draft.windows.length === 0 && <p className="field-error">{t('care.settings.windows.none')}</p>}
          <table className="table" data-testid="call-windows" aria-invalid={invalidField === 'callWindows'}>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('care.settings.windows.from')}</th>
                <th scope="col">{t('care.settings.windows.to')}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {draft.windows.map((w, index) => (
                <tr key={index} data-testid="call-window">
                  <th scope="row">{t('care.settings.windows.row', { n: index + 1 })}</th>
                  <td>
                    <input
                      className="input input-small"
                      type="time"
                      step={900}
                      min="07:00"
                      max="21:00"
                      aria-label={`${t('care.settings.windows.row', { n: index + 1 })} ${t('care.settings.windows.from')}`}
                      value={w.starts}
                      data-testid="window-starts"
                      onChange={(e) => setWindow(index, 'starts', e.target.value)}
                    />
                  </td>
                  <td>
                    <input
                      className="input input-small"
                      type="time"
                      step={900}
                      min="07:00"
                      max="21:00"
                      aria-label={`${t('care.settings.windows.row', { n: index + 1 })} ${t('care.settings.windows.to')}`}
                      value={w.ends}
                      data-testid="window-ends"
                      onChange={(e) => setWindow(index, 'ends', e.target.value)}
                    />
                  </td>
                  <td>
                    {manage && (
                      <button
                        type="button"
                        className="button button-secondary button-small"
                        aria-label={t('care.settings.windows.remove', { n: index + 1 })}
                        data-testid="remove-window"
                        onClick={() => {
                          setSaved(false);
                          setDraft((d) => ({ ...d, windows: d.windows.filter((_, i) => i !== index) }));
                        }}
                      >
                        {t('common.remove')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {manage && (
            <button
              type="button"
              className="button button-secondary"
              data-testid="add-window"
              onClick={() => {
                setSaved(false);
                setDraft((d) => ({ ...d, windows: [...d.windows, { starts: '', ends: '' }] }));
              }}
            >
              {t('care.settings.windows.add')}
            </button>
          )}
        </section>

        <section className="panel">
          <h2>{t('care.settings.complaints.heading')}</h2>
          <table className="table" data-testid="complaint-rules">
            <thead>
              <tr>
                <th scope="col">{t('care.settings.complaints.level')}</th>
                <th scope="col" className="num">
                  {t('care.settings.complaints.hours')}
                </th>
                <th scope="col">{t('care.settings.complaints.route')}</th>
              </tr>
            </thead>
            <tbody>
              {LEVELS.map((level) => (
                <tr key={level} data-level={level}>
                  <th scope="row">{t(`care.complaints.level.${level}`)}</th>
                  <td className="num">
                    <input
                      className="input input-small input-num"
                      style={{ width: 90 }}
                      inputMode="numeric"
                      aria-label={`${t(`care.complaints.level.${level}`)} ${t('care.settings.complaints.hours')}`}
                      aria-invalid={!isWhole(draft.hours[level])}
                      value={draft.hours[level]}
                      data-testid={`hours-${level}`}
                      onChange={(e) => {
                        setSaved(false);
                        setDraft((d) => ({ ...d, hours: { ...d.hours, [level]: e.target.value } }));
                      }}
                    />
                  </td>
                  <td>
                    <select
                      className="select"
                      aria-label={`${t(`care.complaints.level.${level}`)} ${t('care.settings.complaints.route')}`}
                      value={draft.routes[level]}
                      data-testid={`route-${level}`}
                      onChange={(e) => {
                        setSaved(false);
                        setDraft((d) => ({ ...d, routes: { ...d.routes, [level]: e.target.value } }));
                      }}
                    >
                      <option value="">{t('care.settings.complaints.byManager')}</option>
                      {DEPARTMENTS.map((department) => (
                        <option key={department} value={department}>
                          {t(`care.complaints.department.${department}`)}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        <section className="panel">
          <h2>{t('care.settings.reminders.heading')}</h2>
          <div className="form-grid">
            {(['maintenanceMonths', 'maintenanceKm', 'reminderHorizonDays', 'lostAfterMonths'] as const).map((key) =>
              numberInput(key, labelled[key]),
            )}
          </div>
        </section>
      </fieldset>

      {manage && (
        <div className="form-actions">
          <button
            type="submit"
            className="button"
            disabled={!changed || !complete || update.pending}
            data-testid="save-care-settings"
          >
            {update.pending ? t('common.saving') : t('common.save')}
          </button>
          <button
            type="button"
            className="button button-secondary"
            disabled={!changed || update.pending}
            onClick={() => {
              update.clearError();
              setDraft(draftOf(settings));
            }}
          >
            {t('care.settings.discard')}
          </button>
          {saved && !changed && (
            <span role="status" data-testid="care-settings-saved">
              {t('care.settings.saved')}
            </span>
          )}
        </div>
      )}
      <MutationError error={update.error} />
    </form>
  );
}
