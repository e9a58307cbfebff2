import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { CopyButton, When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import {
  IssuePartnerAppKeyDocument,
  PartnerAppCallsDocument,
  PartnerAppDetailDocument,
  RevokePartnerAppKeyDocument,
  SetPartnerAppDisabledDocument,
  UpdatePartnerAppScopesDocument,
  type PartnerAppFieldsFragment,
  type PartnerAppKeyFieldsFragment,
  type PartnerCallStatus,
  type PartnerCallSummaryFieldsFragment,
  type PartnerScopeFieldsFragment,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { PartnerError, ScopeChecklist } from './PartnerBits';
import { AppWebhooks } from './Webhooks';

/** One partner application: its scopes, keys (issued once, revocable), recent calls and webhooks. */
export function PartnerAppDetail() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const viewer = useViewer();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: PartnerAppDetailDocument,
    variables: { id },
    requestPolicy: 'cache-and-network',
  });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const app = data?.partnerApp;
  const manage = can(viewer, 'api_key', 'manage');
  if (error) return <ErrorPanel error={error} onRetry={reload} />;
  if (fetching && !data) return <Loading />;
  if (!app) {
    return (
      <div className="page" data-testid="page-partner-app">
        <p className="empty">{t('partners.apps.notFound')}</p>
        <Link to="/partners">{t('partners.apps.back')}</Link>
      </div>
    );
  }
  return (
    <div className="page page-wide" data-testid="page-partner-app" data-app={app.name}>
      <p>
        <Link to="/partners">← {t('partners.apps.back')}</Link>
      </p>
      <PageHeader
        title={app.name}
        intro={`${t(`partners.apps.kinds.${app.kind}`)}${app.contactEmail ? ` · ${app.contactEmail}` : ''}${
          app.description ? ` · ${app.description}` : ''
        }`}
        actions={manage ? <DisableToggle app={app} changed={reload} /> : null}
      />
      {app.disabled && (
        <p className="alert alert-warning" data-testid="partner-app-disabled">
          {t('partners.apps.disabled')} <When at={app.disabledAt} />
        </p>
      )}
      <Scopes app={app} catalog={data.partnerScopes} manage={manage} changed={reload} />
      <Keys appId={app.id} keys={app.keys} manage={manage && !app.disabled} changed={reload} />
      <Calls appId={app.id} summary={app.callSummary} />
      <AppWebhooks appId={app.id} />
    </div>
  );
}

function DisableToggle({ app, changed }: { app: PartnerAppFieldsFragment; changed: () => void }) {
  const { t } = useTranslation();
  const toggle = useAction(SetPartnerAppDisabledDocument);
  return (
    <>
      <button
        type="button"
        className={app.disabled ? 'button' : 'button button-danger'}
        data-testid="partner-app-toggle"
        disabled={toggle.pending}
        onClick={() => {
          if (!app.disabled && !window.confirm(t('partners.apps.confirmDisable'))) return;
          void toggle.run({ id: app.id, disabled: !app.disabled }).then((r) => r.data && changed());
        }}
      >
        {app.disabled ? t('partners.apps.enable') : t('partners.apps.disable')}
      </button>
      <PartnerError error={toggle.error} />
    </>
  );
}

function Scopes({
  app,
  catalog,
  manage,
  changed,
}: {
  app: PartnerAppFieldsFragment;
  catalog: readonly PartnerScopeFieldsFragment[];
  manage: boolean;
  changed: () => void;
}) {
  const { t } = useTranslation();
  const local = useLocalized();
  const update = useAction(UpdatePartnerAppScopesDocument);
  const [editing, setEditing] = useState<string[] | null>(null);
  const [saved, setSaved] = useState(false);
  return (
    <section className="panel" data-testid="partner-scopes">
      <div className="panel-header">
        <h2>{t('partners.apps.scopes')}</h2>
        {manage && editing === null && (
          <button
            type="button"
            className="button button-secondary"
            data-testid="partner-scopes-edit"
            onClick={() => {
              setSaved(false);
              setEditing(app.scopes.map((s) => s.key));
            }}
          >
            {t('partners.apps.editScopes')}
          </button>
        )}
      </div>
      {editing === null ? (
        app.scopes.length === 0 ? (
          <p className="muted">{t('partners.apps.noScopes')}</p>
        ) : (
          <ul data-testid="partner-scope-names">
            {app.scopes.map((s) => (
              <li key={s.key} data-scope={s.key}>
                {local(s.name, s.nameZh)} <code className="muted">{s.key}</code>
              </li>
            ))}
          </ul>
        )
      ) : (
        <>
          <ScopeChecklist scopes={catalog} chosen={editing} onChange={setEditing} />
          <PartnerError error={update.error} />
          <div className="actions">
            <button
              type="button"
              className="button"
              data-testid="partner-scopes-save"
              disabled={update.pending}
              onClick={() =>
                void update.run({ id: app.id, scopes: editing }).then((r) => {
                  if (r.data) {
                    setEditing(null);
                    setSaved(true);
                    changed();
                  }
                })
              }
            >
              {t('partners.apps.saveScopes')}
            </button>
            <button type="button" className="button button-secondary" onClick={() => setEditing(null)}>
              {t('partners.apps.cancel')}
            </button>
          </div>
        </>
      )}
      {saved && (
        <p className="alert alert-success" data-testid="partner-scopes-saved">
          {t('partners.apps.scopesSaved')}
        </p>
      )}
    </section>
  );
}

function Keys({
  appId,
  keys,
  manage,
  changed,
}: {
  appId: string;
  keys: readonly PartnerAppKeyFieldsFragment[];
  manage: boolean;
  changed: () => void;
}) {
  const { t } = useTranslation();
  const issue = useAction(IssuePartnerAppKeyDocument);
  const revoke = useAction(RevokePartnerAppKeyDocument);
  const [name, setName] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <section className="panel" data-testid="partner-keys">
      <div className="panel-header">
        <h2>{t('partners.apps.keysTitle')}</h2>
      </div>
      {manage && (
        <div className="actions">
          <label>
            {t('partners.apps.keyName')}{' '}
            <input
              value={name}
              placeholder={t('partners.apps.keyNamePlaceholder')}
              onChange={(e) => setName(e.target.value)}
              data-testid="partner-key-name"
            />
          </label>
          <button
            type="button"
            className="button"
            data-testid="partner-key-issue"
            disabled={issue.pending}
            onClick={() =>
              void issue.run({ appId, name }).then((r) => {
                if (r.data) {
                  setSecret(r.data.issuePartnerAppKey.key);
                  setName('');
                  changed();
                }
              })
            }
          >
            {t('partners.apps.issueKey')}
          </button>
        </div>
      )}
      {secret && (
        <div className="alert alert-success" data-testid="partner-key-secret-panel">
          <p>{t('partners.apps.issuedOnce')}</p>
          <div className="secret-once">
            <code data-testid="partner-key-secret">{secret}</code>
            <CopyButton text={secret} testId="partner-key-copy" />
            <button type="button" className="button button-secondary" data-testid="partner-key-dismiss" onClick={() => setSecret(null)}>
              {t('partners.apps.dismiss')}
            </button>
          </div>
        </div>
      )}
      <PartnerError error={issue.error ?? revoke.error} />
      {keys.length === 0 ? (
        <p className="muted">{t('partners.apps.keysEmpty')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('partners.apps.keyName')}</th>
              <th scope="col">{t('partners.apps.prefix')}</th>
              <th scope="col">{t('partners.apps.created')}</th>
              <th scope="col">{t('partners.apps.lastUsed')}</th>
              <th scope="col">{t('partners.apps.status')}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id} data-testid="partner-key-row" data-prefix={k.prefix} data-revoked={k.revokedAt ? 'true' : 'false'}>
                <td>{k.name}</td>
                <td>
                  <code>dnk_{k.prefix}_…</code>
                </td>
                <td>
                  <When at={k.createdAt} />
                </td>
                <td>{k.lastUsedAt ? <When at={k.lastUsedAt} /> : <span className="muted">{t('partners.apps.never')}</span>}</td>
                <td>
                  {k.revokedAt ? (
                    <>
                      {t('partners.apps.revoked')} <When at={k.revokedAt} />
                    </>
                  ) : (
                    t('partners.apps.active')
                  )}
                </td>
                <td>
                  {manage && !k.revokedAt && (
                    <button
                      type="button"
                      className="button button-secondary"
                      data-testid="partner-key-revoke"
                      disabled={revoke.pending}
                      onClick={() => {
                        if (!window.confirm(t('partners.apps.confirmRevoke', { prefix: k.prefix }))) return;
                        void revoke.run({ appId, keyId: k.id }).then((r) => r.data && changed());
                      }}
                    >
                      {t('partners.apps.revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const PAGE_SIZE = 25;
const FILTERS: PartnerCallStatus[] = ['ALL', 'OK', 'ERROR'];

function Calls({ appId, summary }: { appId: string; summary: PartnerCallSummaryFieldsFragment }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<PartnerCallStatus>('ALL');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [generation, setGeneration] = useState(0);
  return (
    <section className="panel" data-testid="partner-calls">
      <div className="panel-header">
        <h2>{t('partners.apps.callsTitle')}</h2>
        <div className="actions">
          <select
            value={status}
            data-testid="partner-calls-filter"
            onChange={(e) => {
              setStatus(e.target.value as PartnerCallStatus);
              setCursors([null]);
            }}
          >
            {FILTERS.map((f) => (
              <option key={f} value={f}>
                {t(`partners.apps.filter.${f}`)}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="button button-secondary"
            data-testid="partner-calls-refresh"
            onClick={() => {
              setCursors([null]);
              setGeneration((g) => g + 1);
            }}
          >
            {t('partners.apps.refresh')}
          </button>
        </div>
      </div>
      <h3>{t('partners.apps.summary')}</h3>
      <div className="call-summary" data-testid="partner-call-summary" data-calls={summary.calls} data-errors={summary.errors}>
        <div>
          <span className="muted">{t('partners.apps.calls')}</span>
          <strong>{summary.calls}</strong>
        </div>
        <div>
          <span className="muted">{t('partners.apps.errors')}</span>
          <strong>{summary.errors}</strong>
        </div>
        <div>
          <span className="muted">{t('partners.apps.p95')}</span>
          <strong>{t('partners.apps.ms', { ms: summary.p95DurationMs })}</strong>
        </div>
        <div>
          <span className="muted">{t('partners.apps.costUsed')}</span>
          <strong>{summary.costUsed}</strong>
        </div>
        <div>
          <span className="muted">{t('partners.apps.lastCall')}</span>
          <strong>
            <When at={summary.lastCallAt} />
          </strong>
        </div>
      </div>
      <table className="table" data-testid="partner-calls-table">
        <thead>
          <tr>
            <th scope="col">{t('partners.apps.when')}</th>
            <th scope="col">{t('partners.apps.operation')}</th>
            <th scope="col">{t('partners.apps.http')}</th>
            <th scope="col">{t('partners.apps.errorCodes')}</th>
            <th scope="col">{t('partners.apps.cost')}</th>
            <th scope="col">{t('partners.apps.duration')}</th>
            <th scope="col">{t('partners.apps.key')}</th>
            <th scope="col">{t('partners.apps.from')}</th>
          </tr>
        </thead>
        {cursors.map((after, index) => (
          <CallsPage
            key={`${generation}:${status}:${after ?? 'first'}`}
            appId={appId}
            status={status}
            after={after}
            first={index === 0}
            last={index === cursors.length - 1}
            onMore={(cursor) => setCursors((c) => [...c, cursor])}
          />
        ))}
      </table>
    </section>
  );
}

function CallsPage({
  appId,
  status,
  after,
  first,
  last,
  onMore,
}: {
  appId: string;
  status: PartnerCallStatus;
  after: string | null;
  first: boolean;
  last: boolean;
  onMore: (cursor: string) => void;
}) {
  const { t } = useTranslation();
  const [{ data, error, fetching }] = useQuery({
    query: PartnerAppCallsDocument,
    variables: { id: appId, first: PAGE_SIZE, after, status },
    requestPolicy: 'network-only',
  });
  const connection = data?.partnerApp?.recentCalls;
  if (error) {
    return (
      <tbody>
        <tr>
          <td colSpan={8}>
            <ErrorPanel error={error} />
          </td>
        </tr>
      </tbody>
    );
  }
  if (!connection) {
    return fetching ? (
      <tbody>
        <tr>
          <td colSpan={8}>
            <Loading />
          </td>
        </tr>
      </tbody>
    ) : null;
  }
  return (
    <tbody>
      {first && connection.edges.length === 0 && (
        <tr>
          <td colSpan={8} className="muted" data-testid="partner-calls-empty">
            {t('partners.apps.callsEmpty')}
          </td>
        </tr>
      )}
      {connection.edges.map(({ node: c }) => {
        const failed = c.httpStatus >= 400 || c.errorCodes.length > 0;
        return (
          <tr key={c.id} data-testid="partner-call-row" data-operation={c.operationName} className={failed ? 'call-failed' : undefined}>
            <td>
              <When at={c.at} />
            </td>
            <td>
              {c.operationName || <span className="muted">{t('partners.apps.anonymous')}</span>}{' '}
              <span className="muted">{c.operationType}</span>
              {c.persistedHash && (
                <span className="muted" title={c.persistedHash}>
                  {' '}
                  · {t('partners.apps.persisted')}
                </span>
              )}
            </td>
            <td className="num">{c.httpStatus}</td>
            <td>{c.errorCodes.join(', ') || '—'}</td>
            <td className="num">{c.cost}</td>
            <td className="num">{t('partners.apps.ms', { ms: c.durationMs })}</td>
            <td>
              <code>{c.keyPrefix}</code>
            </td>
            <td>{c.remoteAddr}</td>
          </tr>
        );
      })}
      {last && connection.pageInfo.hasNextPage && connection.pageInfo.endCursor && (
        <tr>
          <td colSpan={8}>
            <button
              type="button"
              className="button button-secondary"
              data-testid="partner-calls-more"
              onClick={() => onMore(connection.pageInfo.endCursor!)}
            >
              {t('partners.apps.loadMore')}
            </button>
          </td>
        </tr>
      )}
    </tbody>
  );
}
