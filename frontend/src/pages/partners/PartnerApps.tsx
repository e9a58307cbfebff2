import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import {
  PartnerAppsPageDocument,
  RegisterPartnerAppDocument,
  type PartnerAppKind,
  type PartnerScopeFieldsFragment,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { PartnerError, ScopeChecklist } from './PartnerBits';

const KINDS: PartnerAppKind[] = ['INSURER', 'SUPPLIER', 'MANUFACTURER', 'OTHER'];

/** 合作伙伴应用: the dealer's partner applications, their scopes and the day's calls. */
export function PartnerApps() {
  const { t } = useTranslation();
  const local = useLocalized();
  const viewer = useViewer();
  const [registering, setRegistering] = useState(false);
  const [{ data, error, fetching }, refetch] = useQuery({ query: PartnerAppsPageDocument, requestPolicy: 'cache-and-network' });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const manage = can(viewer, 'api_key', 'manage');
  const apps = data?.partnerApps ?? [];
  return (
    <div className="page page-wide" data-testid="page-partner-apps">
      <PageHeader
        title={t('partners.apps.title')}
        intro={t('partners.apps.intro')}
        actions={
          manage && !registering ? (
            <button type="button" className="button" data-testid="partner-register" onClick={() => setRegistering(true)}>
              {t('partners.apps.register')}
            </button>
          ) : null
        }
      />
      {registering && data && (
        <RegisterApp
          scopes={data.partnerScopes}
          onDone={() => {
            setRegistering(false);
            reload();
          }}
        />
      )}
      {error ? (
        <ErrorPanel error={error} onRetry={reload} />
      ) : fetching && !data ? (
        <Loading />
      ) : apps.length === 0 ? (
        <p className="empty" data-testid="partner-apps-empty">
          {t('partners.apps.empty')}
        </p>
      ) : (
        <section className="panel">
          <table className="table" data-testid="partner-apps">
            <thead>
              <tr>
                <th scope="col">{t('partners.apps.name')}</th>
                <th scope="col">{t('partners.apps.kind')}</th>
                <th scope="col">{t('partners.apps.scopes')}</th>
                <th scope="col">{t('partners.apps.keys')}</th>
                <th scope="col">{t('partners.apps.calls24h')}</th>
                <th scope="col">{t('partners.apps.errors24h')}</th>
                <th scope="col">{t('partners.apps.status')}</th>
              </tr>
            </thead>
            <tbody>
              {apps.map((a) => (
                <tr key={a.id} data-testid="partner-app-row" data-name={a.name}>
                  <td>
                    <Link to={`/partners/${encodeURIComponent(a.id)}`} data-testid="partner-app-link">
                      {a.name}
                    </Link>
                  </td>
                  <td>{t(`partners.apps.kinds.${a.kind}`)}</td>
                  <td>{a.scopes.map((s) => local(s.name, s.nameZh)).join('; ') || '—'}</td>
                  <td className="num">{a.keys.length}</td>
                  <td className="num">{a.callSummary.calls}</td>
                  <td className="num">{a.callSummary.errors}</td>
                  <td>{a.disabled ? t('partners.apps.disabled') : t('partners.apps.active')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}

function RegisterApp({ scopes, onDone }: { scopes: readonly PartnerScopeFieldsFragment[]; onDone: () => void }) {
  const { t } = useTranslation();
  const register = useAction(RegisterPartnerAppDocument);
  const [form, setForm] = useState({ name: '', kind: 'INSURER' as PartnerAppKind, contactEmail: '', description: '' });
  const [chosen, setChosen] = useState<string[]>([]);
  const submit = async () => {
    const result = await register.run({ input: { ...form, scopes: chosen } });
    if (result.data) onDone();
  };
  return (
    <section className="panel" data-testid="partner-register-form">
      <h2>{t('partners.apps.registerTitle')}</h2>
      <div className="partner-form">
        <label>
          {t('partners.apps.name')}
          <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} data-testid="partner-name" />
        </label>
        <label>
          {t('partners.apps.kind')}
          <select
            value={form.kind}
            onChange={(e) => setForm({ ...form, kind: e.target.value as PartnerAppKind })}
            data-testid="partner-kind"
          >
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`partners.apps.kinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('partners.apps.contactEmail')}
          <input
            type="email"
            value={form.contactEmail}
            onChange={(e) => setForm({ ...form, contactEmail: e.target.value })}
            data-testid="partner-email"
          />
        </label>
        <label className="wide">
          {t('partners.apps.description')}
          <textarea value={form.description} rows={2} onChange={(e) => setForm({ ...form, description: e.target.value })} />
        </label>
      </div>
      <ScopeChecklist scopes={scopes} chosen={chosen} onChange={setChosen} />
      <PartnerError error={register.error} />
      <div className="actions">
        <button type="button" className="button" disabled={register.pending} data-testid="partner-register-submit" onClick={() => void submit()}>
          {t('partners.apps.create')}
        </button>
        <button type="button" className="button button-secondary" onClick={onDone}>
          {t('partners.apps.cancel')}
        </button>
      </div>
    </section>
  );
}
