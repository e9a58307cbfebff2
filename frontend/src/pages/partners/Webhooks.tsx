import { useState, type FormEvent } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../api/useAction';
import { CopyButton, When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { isChinese } from '../../i18n';
import {
  AppWebhookDeliveriesDocument,
  AppWebhookSubscriptionsDocument,
  CreateWebhookSubscriptionDocument,
  DisableWebhookSubscriptionDocument,
  ReplayWebhookDeliveryDocument,
  RotateWebhookSecretDocument,
  SendWebhookPingDocument,
  UpdateWebhookSubscriptionDocument,
  type WebhookDeliveryFieldsFragment,
  type WebhookDeliveryStatus,
  type WebhookSubscriptionFieldsFragment,
} from '../../gql/graphql';
import './Webhooks.css';

const PAGE = 25;
const STATUSES: WebhookDeliveryStatus[] = ['DEAD', 'PENDING', 'DELIVERED'];

interface EventTypeOption {
  key: string;
  name: string;
  nameZh: string;
  requiredScope: string;
}

/**
 * The webhooks of one partner application: its subscriptions (add, change, disable,
 * rotate the secret, send a test event) and the delivery log with every attempt and a
 * replay button. Rendered by the application's detail page.
 */
export function AppWebhooks({ appId }: { appId: string }) {
  const { t } = useTranslation();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: AppWebhookSubscriptionsDocument,
    variables: { appId },
    requestPolicy: 'cache-and-network',
  });
  const [secret, setSecret] = useState<{ url: string; value: string } | null>(null);
  const [adding, setAdding] = useState(false);
  const [logVersion, setLogVersion] = useState(0);
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const reloadLog = () => setLogVersion((v) => v + 1);

  if (error) return <ErrorPanel error={error} onRetry={reload} />;
  if (fetching && !data) return <Loading />;
  const app = data?.node?.__typename === 'PartnerApp' ? data.node : null;
  const granted = new Set((app?.scopes ?? []).map((s) => s.key));
  const eventTypes = data?.webhookEventTypes ?? [];
  const subscriptions = data?.webhookSubscriptions ?? [];

  return (
    <section className="panel" data-testid="app-webhooks">
      <div className="panel-header">
        <h2>{t('partners.webhooks.title')}</h2>
      </div>
      <p className="hint">{t('partners.webhooks.intro')}</p>
      {secret && (
        <div className="alert alert-ok webhook-secret" role="status" data-testid="webhook-secret">
          <div>
            <strong>{t('partners.webhooks.secretOnce')}</strong>
            <div className="hint">{secret.url}</div>
            <code className="mono" data-testid="webhook-secret-value">
              {secret.value}
            </code>
          </div>
          <div className="inline-list">
            <CopyButton text={secret.value} testId="webhook-secret-copy" />
            <button type="button" className="button button-secondary" onClick={() => setSecret(null)}>
              {t('partners.webhooks.dismiss')}
            </button>
          </div>
        </div>
      )}
      <h3>{t('partners.webhooks.subscriptions')}</h3>
      {subscriptions.length === 0 ? (
        <p className="empty" data-testid="webhook-none">
          {t('partners.webhooks.none')}
        </p>
      ) : (
        <ul className="webhook-subscriptions" data-testid="webhook-subscriptions">
          {subscriptions.map((s) => (
            <SubscriptionRow
              key={s.id}
              subscription={s}
              eventTypes={eventTypes}
              granted={granted}
              onSecret={(value) => setSecret({ url: s.url, value })}
              onChanged={() => {
                reload();
                reloadLog();
              }}
            />
          ))}
        </ul>
      )}
      {adding ? (
        <SubscriptionForm
          appId={appId}
          eventTypes={eventTypes}
          granted={granted}
          onDone={(created) => {
            setAdding(false);
            if (created) {
              setSecret(created);
              reload();
            }
          }}
        />
      ) : (
        !app?.disabled && (
          <button
            type="button"
            className="button button-primary"
            data-testid="webhook-add"
            onClick={() => setAdding(true)}
          >
            {t('partners.webhooks.add')}
          </button>
        )
      )}
      <DeliveryLog
        key={logVersion}
        appId={appId}
        eventTypes={eventTypes}
        subscriptions={subscriptions}
      />
    </section>
  );
}

function eventName(types: EventTypeOption[], key: string, language: string): string {
  const found = types.find((e) => e.key === key);
  if (!found) return key;
  return isChinese(language) ? found.nameZh : found.name;
}

function EventChoices({
  eventTypes,
  granted,
  chosen,
  onChange,
}: {
  eventTypes: EventTypeOption[];
  granted: Set<string>;
  chosen: string[];
  onChange: (next: string[]) => void;
}) {
  const { t, i18n } = useTranslation();
  return (
    <fieldset className="webhook-events" data-testid="webhook-events">
      <legend>{t('partners.webhooks.events')}</legend>
      <p className="hint">{t('partners.webhooks.eventsHint')}</p>
      {eventTypes.map((e) => {
        const allowed = granted.has(e.requiredScope);
        return (
          <label key={e.key} data-event={e.key}>
            <input
              type="checkbox"
              checked={chosen.includes(e.key)}
              disabled={!allowed && !chosen.includes(e.key)}
              onChange={(ev) =>
                onChange(ev.target.checked ? [...chosen, e.key] : chosen.filter((k) => k !== e.key))
              }
            />{' '}
            {eventName(eventTypes, e.key, i18n.language)} <code className="muted">{e.key}</code>
            {!allowed && (
              <span className="hint"> · {t('partners.webhooks.needsScope', { scope: e.requiredScope })}</span>
            )}
          </label>
        );
      })}
    </fieldset>
  );
}

function SubscriptionForm({
  appId,
  eventTypes,
  granted,
  onDone,
}: {
  appId: string;
  eventTypes: EventTypeOption[];
  granted: Set<string>;
  onDone: (created: { url: string; value: string } | null) => void;
}) {
  const { t } = useTranslation();
  const create = useAction(CreateWebhookSubscriptionDocument);
  const [url, setUrl] = useState('https://');
  const [events, setEvents] = useState<string[]>([]);
  const [description, setDescription] = useState('');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const made = (await create.run({ input: { appId, url, eventTypes: events, description } })).data
      ?.createWebhookSubscription;
    if (made) onDone({ url: made.subscription.url, value: made.signingSecret });
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} data-testid="webhook-form">
      <label className="field">
        <span>{t('partners.webhooks.url')}</span>
        <input
          type="url"
          required
          value={url}
          placeholder={t('partners.webhooks.urlHint')}
          onChange={(e) => setUrl(e.target.value)}
          data-testid="webhook-url"
        />
      </label>
      <EventChoices eventTypes={eventTypes} granted={granted} chosen={events} onChange={setEvents} />
      <label className="field">
        <span>{t('partners.webhooks.description')}</span>
        <input value={description} maxLength={500} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <MutationError error={create.error} />
      <div className="inline-list">
        <button
          type="submit"
          className="button button-primary"
          disabled={create.pending || events.length === 0}
          data-testid="webhook-create"
        >
          {t('partners.webhooks.create')}
        </button>
        <button type="button" className="button button-secondary" onClick={() => onDone(null)}>
          {t('partners.webhooks.cancel')}
        </button>
      </div>
    </form>
  );
}

function SubscriptionRow({
  subscription: s,
  eventTypes,
  granted,
  onSecret,
  onChanged,
}: {
  subscription: WebhookSubscriptionFieldsFragment;
  eventTypes: EventTypeOption[];
  granted: Set<string>;
  onSecret: (secret: string) => void;
  onChanged: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [editing, setEditing] = useState(false);
  const [url, setUrl] = useState(s.url);
  const [events, setEvents] = useState<string[]>(s.eventTypes);
  const [notice, setNotice] = useState<string | null>(null);
  const update = useAction(UpdateWebhookSubscriptionDocument);
  const disable = useAction(DisableWebhookSubscriptionDocument);
  const rotate = useAction(RotateWebhookSecretDocument);
  const ping = useAction(SendWebhookPingDocument);
  const error = update.error ?? disable.error ?? rotate.error ?? ping.error;

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if ((await update.run({ input: { id: s.id, url, eventTypes: events } })).data) {
      setEditing(false);
      onChanged();
    }
  };

  return (
    <li className="webhook-subscription" data-testid="webhook-subscription" data-active={s.active}>
      <div className="inline-list">
        <code className="mono" data-testid="webhook-subscription-url">
          {s.url}
        </code>
        <span className={`status webhook-pill-${s.active ? 'active' : 'disabled'}`}>
          {s.active ? t('partners.webhooks.active') : t('partners.webhooks.disabled')}
        </span>
        <span className="hint">{t('partners.webhooks.secretHint', { hint: s.secretHint })}</span>
        {s.previousSecretValidUntil && (
          <span className="hint">
            {t('partners.webhooks.previousSecret')}{' '}
            <When at={s.previousSecretValidUntil} />
          </span>
        )}
      </div>
      {s.description && <p className="hint">{s.description}</p>}
      {editing ? (
        <form className="form" onSubmit={(e) => void save(e)}>
          <label className="field">
            <span>{t('partners.webhooks.url')}</span>
            <input type="url" required value={url} onChange={(e) => setUrl(e.target.value)} />
          </label>
          <EventChoices eventTypes={eventTypes} granted={granted} chosen={events} onChange={setEvents} />
          <div className="inline-list">
            <button type="submit" className="button button-primary" disabled={update.pending || events.length === 0}>
              {t('partners.webhooks.save')}
            </button>
            <button type="button" className="button button-secondary" onClick={() => setEditing(false)}>
              {t('partners.webhooks.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <p data-testid="webhook-subscription-events">
          {s.eventTypes.map((k) => eventName(eventTypes, k, i18n.language)).join(' · ')}
        </p>
      )}
      {notice && (
        <p className="alert alert-ok" role="status">
          {notice}
        </p>
      )}
      <MutationError error={error} />
      {s.active && !editing && (
        <div className="inline-list">
          <button
            type="button"
            className="button button-secondary button-small"
            disabled={ping.pending}
            data-testid="webhook-ping"
            onClick={async () => {
              setNotice(null);
              if ((await ping.run({ id: s.id })).data) {
                setNotice(t('partners.webhooks.pinged'));
                onChanged();
              }
            }}
          >
            {t('partners.webhooks.ping')}
          </button>
          <button type="button" className="button button-secondary button-small" onClick={() => setEditing(true)}>
            {t('partners.webhooks.edit')}
          </button>
          <button
            type="button"
            className="button button-secondary button-small"
            disabled={rotate.pending}
            data-testid="webhook-rotate"
            onClick={async () => {
              if (!window.confirm(t('partners.webhooks.confirmRotate'))) return;
              const done = (await rotate.run({ id: s.id })).data?.rotateWebhookSecret;
              if (done) {
                onSecret(done.signingSecret);
                onChanged();
              }
            }}
          >
            {t('partners.webhooks.rotate')}
          </button>
          <button
            type="button"
            className="button button-danger button-small"
            disabled={disable.pending}
            data-testid="webhook-disable"
            onClick={async () => {
              if (!window.confirm(t('partners.webhooks.confirmDisable'))) return;
              if ((await disable.run({ id: s.id })).data) onChanged();
            }}
          >
            {t('partners.webhooks.disable')}
          </button>
        </div>
      )}
    </li>
  );
}

function DeliveryLog({
  appId,
  eventTypes,
  subscriptions,
}: {
  appId: string;
  eventTypes: EventTypeOption[];
  subscriptions: WebhookSubscriptionFieldsFragment[];
}) {
  const { t, i18n } = useTranslation();
  const [status, setStatus] = useState<WebhookDeliveryStatus | ''>('');
  const [eventType, setEventType] = useState('');
  const [subscriptionId, setSubscriptionId] = useState('');
  const [pages, setPages] = useState(1);
  const [open, setOpen] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: AppWebhookDeliveriesDocument,
    variables: {
      appId,
      status: status ? [status] : null,
      eventType: eventType || null,
      subscriptionId: subscriptionId || null,
      first: PAGE * pages,
    },
    requestPolicy: 'cache-and-network',
  });
  const replay = useAction(ReplayWebhookDeliveryDocument);
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const deliveries = (data?.webhookDeliveries.edges ?? []).map((e) => e.node);

  const sendAgain = async (id: string) => {
    setNotice(null);
    if ((await replay.run({ id })).data) {
      setNotice(t('partners.webhooks.replayed'));
      reload();
    }
  };

  return (
    <div data-testid="webhook-log">
      <h3>{t('partners.webhooks.log')}</h3>
      <div className="inline-list" style={{ marginBottom: 12 }}>
        <select
          value={status}
          aria-label={t('partners.webhooks.status')}
          data-testid="webhook-log-status"
          onChange={(e) => {
            setStatus(e.target.value as WebhookDeliveryStatus | '');
            setPages(1);
          }}
        >
          <option value="">{t('partners.webhooks.allStatuses')}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`partners.webhooks.deliveryStatus.${s.toLowerCase() as 'dead'}`)}
            </option>
          ))}
        </select>
        <select
          value={eventType}
          aria-label={t('partners.webhooks.event')}
          data-testid="webhook-log-event"
          onChange={(e) => {
            setEventType(e.target.value);
            setPages(1);
          }}
        >
          <option value="">{t('partners.webhooks.allEvents')}</option>
          {eventTypes.map((e) => (
            <option key={e.key} value={e.key}>
              {eventName(eventTypes, e.key, i18n.language)}
            </option>
          ))}
          <option value="webhook.ping">{t('partners.webhooks.test')}</option>
        </select>
        {subscriptions.length > 1 && (
          <select
            value={subscriptionId}
            aria-label={t('partners.webhooks.subscriptions')}
            onChange={(e) => {
              setSubscriptionId(e.target.value);
              setPages(1);
            }}
          >
            <option value="">{t('partners.webhooks.allSubscriptions')}</option>
            {subscriptions.map((s) => (
              <option key={s.id} value={s.id}>
                {s.url}
              </option>
            ))}
          </select>
        )}
        <button type="button" className="button button-secondary button-small" onClick={reload}>
          {t('partners.webhooks.refresh')}
        </button>
      </div>
      {notice && (
        <p className="alert alert-ok" role="status" data-testid="webhook-log-notice">
          {notice}
        </p>
      )}
      <MutationError error={replay.error} />
      {error ? (
        <ErrorPanel error={error} onRetry={reload} />
      ) : fetching && !data ? (
        <Loading />
      ) : deliveries.length === 0 ? (
        <p className="empty" data-testid="webhook-log-empty">
          {t('partners.webhooks.logEmpty')}
        </p>
      ) : (
        <table className="table" data-testid="webhook-log-table">
          <thead>
            <tr>
              <th>{t('partners.webhooks.event')}</th>
              <th>{t('partners.webhooks.status')}</th>
              <th className="num">{t('partners.webhooks.attempts')}</th>
              <th>{t('partners.webhooks.when')}</th>
              <th>{t('partners.webhooks.lastResult')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <DeliveryRows
                key={d.id}
                delivery={d}
                eventLabel={d.isTest ? t('partners.webhooks.test') : eventName(eventTypes, d.eventType, i18n.language)}
                open={open === d.id}
                onToggle={() => setOpen(open === d.id ? null : d.id)}
                replaying={replay.pending}
                onReplay={() => void sendAgain(d.id)}
              />
            ))}
          </tbody>
        </table>
      )}
      {data?.webhookDeliveries.pageInfo.hasNextPage && (
        <button type="button" className="button button-secondary" onClick={() => setPages((p) => p + 1)}>
          {t('partners.webhooks.loadMore')}
        </button>
      )}
    </div>
  );
}

function DeliveryRows({
  delivery: d,
  eventLabel,
  open,
  onToggle,
  replaying,
  onReplay,
}: {
  delivery: WebhookDeliveryFieldsFragment;
  eventLabel: string;
  open: boolean;
  onToggle: () => void;
  replaying: boolean;
  onReplay: () => void;
}) {
  const { t } = useTranslation();
  const status = d.status.toLowerCase() as 'dead';
  return (
    <>
      <tr data-testid="webhook-delivery" data-status={status} data-event={d.eventType}>
        <td>
          {eventLabel}
          <div className="hint mono" title={t('partners.webhooks.eventId')}>
            {d.eventId}
          </div>
          {d.replayOf && <div className="hint">{t('partners.webhooks.replayOf')}</div>}
        </td>
        <td>
          <span className={`status webhook-pill-${status}`}>{t(`partners.webhooks.deliveryStatus.${status}`)}</span>
        </td>
        <td className="num">{d.attempts}</td>
        <td className="hint">
          {d.status === 'DELIVERED' ? (
            <When at={d.deliveredAt} />
          ) : d.inFlight ? (
            t('partners.webhooks.inFlight')
          ) : d.nextAttemptAt ? (
            <>
              {t('partners.webhooks.nextAttempt')} <When at={d.nextAttemptAt} />
            </>
          ) : (
            <When at={d.occurredAt} />
          )}
        </td>
        <td>
          {d.lastHttpStatus !== null && <code>HTTP {d.lastHttpStatus}</code>}{' '}
          <span className="webhook-error">{d.lastError}</span>
        </td>
        <td className="nowrap">
          <button type="button" className="button button-secondary button-small" onClick={onToggle}>
            {open ? t('partners.webhooks.hide') : t('partners.webhooks.details')}
          </button>{' '}
          {d.canReplay && (
            <button
              type="button"
              className="button button-primary button-small"
              disabled={replaying}
              data-testid="webhook-replay"
              onClick={onReplay}
            >
              {t('partners.webhooks.replay')}
            </button>
          )}
        </td>
      </tr>
      {open && (
        <tr data-testid="webhook-delivery-details">
          <td colSpan={6}>
            <table className="table webhook-attempts">
              <thead>
                <tr>
                  <th className="num">{t('partners.webhooks.attempt')}</th>
                  <th>{t('partners.webhooks.when')}</th>
                  <th>{t('partners.webhooks.outcomeLabel')}</th>
                  <th className="num">{t('partners.webhooks.httpStatus')}</th>
                  <th className="num">{t('partners.webhooks.duration')}</th>
                  <th>{t('partners.webhooks.error')}</th>
                  <th>{t('partners.webhooks.response')}</th>
                </tr>
              </thead>
              <tbody>
                {d.attemptLog.map((a) => (
                  <tr key={a.attempt} data-testid="webhook-attempt" data-outcome={a.outcome.toLowerCase()}>
                    <td className="num">{a.attempt}</td>
                    <td>
                      <When at={a.startedAt} />
                    </td>
                    <td>{t(`partners.webhooks.outcome.${a.outcome.toLowerCase() as 'sending'}`)}</td>
                    <td className="num">{a.httpStatus ?? '—'}</td>
                    <td className="num">
                      {a.durationMs === null ? '—' : t('partners.webhooks.ms', { ms: a.durationMs })}
                    </td>
                    <td>{a.error}</td>
                    <td>
                      <code className="mono">{a.responseExcerpt}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h4>{t('partners.webhooks.payload')}</h4>
            <pre className="mono webhook-payload">{JSON.stringify(d.payload, null, 2)}</pre>
          </td>
        </tr>
      )}
    </>
  );
}
