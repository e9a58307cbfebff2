import { useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { RoleCatalogDocument } from '../gql/graphql';
import { WhyToggle, type RoleNamer } from '../components/Why';
import { formatMoney, useLocalized, usePageTitle } from '../localize';
import { useViewer, type Viewer } from '../session';

type Permission = Viewer['permissions'][number];

/** 我的权限: what the viewer may do at the current dealer, and the policy lines behind it. */
export function MyAccess() {
  const { t, i18n } = useTranslation();
  const local = useLocalized();
  const viewer = useViewer();
  usePageTitle(t('myAccess.title'));
  const [catalog] = useQuery({ query: RoleCatalogDocument });
  const dealer = viewer.currentDealer;
  const timeZone = dealer?.timeZone;

  const roleName: RoleNamer = useMemo(() => {
    const names = new Map<string, { name: string; nameZh: string }>();
    for (const { role } of catalog.data?.roleCatalog ?? []) names.set(role.key, role);
    for (const access of viewer.dealers) for (const g of access.roles) names.set(g.role.key, g.role);
    for (const g of viewer.roles) names.set(g.role.key, g.role);
    return (key: string) => {
      const role = names.get(key);
      return role ? local(role.name, role.nameZh) : key;
    };
  }, [catalog.data, viewer, local]);

  const [filter, setFilter] = useState('');
  const groups = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const matches = (p: Permission) =>
      !needle ||
      [p.object, p.action, p.label, p.labelZh, `${p.object}:${p.action}`].some((text) =>
        text.toLowerCase().includes(needle),
      );
    const byObject = new Map<string, Permission[]>();
    for (const p of viewer.permissions) {
      if (!matches(p)) continue;
      const list = byObject.get(p.object) ?? [];
      list.push(p);
      byObject.set(p.object, list);
    }
    return [...byObject.entries()];
  }, [viewer.permissions, filter]);

  // Object keys contain dots (network.staff), so look them up in the map, not by key path.
  const objectTitle = (object: string): string => {
    const names = i18n.getResource(i18n.language, 'translation', 'objects') as Record<string, string> | undefined;
    const fallback = i18n.getResource('en', 'translation', 'objects') as Record<string, string> | undefined;
    return names?.[object] ?? fallback?.[object] ?? object.replace(/[._]/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
  };

  return (
    <div className="page" data-testid="page-my-access">
      <header className="page-header">
        <h1>{t('myAccess.title')}</h1>
        <p className="muted">
          {dealer
            ? t('myAccess.intro', { dealer: local(dealer.name, dealer.nameZh) })
            : t('myAccess.introNoDealer')}
        </p>
      </header>

      <section className="panel" aria-labelledby="roles-heading" data-testid="roles">
        <div className="panel-header">
          <h2 id="roles-heading">{t('myAccess.roles')}</h2>
        </div>
        {viewer.roles.length === 0 ? (
          <p className="empty">{t('myAccess.noRoles')}</p>
        ) : (
          <ul className="grant-list">
            {viewer.roles.map((grant) => (
              <li key={`${grant.role.key}-${grant.source}`} className="grant" data-testid="role" data-role={grant.role.key}>
                <div className="grant-row">
                  <span className="grant-label">{local(grant.role.name, grant.role.nameZh)}</span>
                  <span className="muted grant-source">{t(`grantSource.${grant.source}`)}</span>
                  <WhyToggle
                    lines={[grant.line]}
                    roleName={roleName}
                    timeZone={timeZone}
                    testId={`role:${grant.role.key}:${grant.source}`}
                  />
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>

      <div className="split">
        <section className="panel" aria-labelledby="duties-heading" data-testid="duties">
          <div className="panel-header">
            <h2 id="duties-heading">{t('myAccess.duties')}</h2>
          </div>
          {viewer.duties.length === 0 ? (
            <p className="empty">{t('myAccess.noDuties')}</p>
          ) : (
            <ul className="grant-list">
              {viewer.duties.map((duty) => (
                <li key={duty.key} className="grant" data-testid="duty" data-duty={duty.key}>
                  <div className="grant-row">
                    <span className="grant-label">{local(duty.name, duty.nameZh)}</span>
                    <WhyToggle lines={duty.lines} roleName={roleName} timeZone={timeZone} testId={`duty:${duty.key}`} />
                  </div>
                  {duty.description && <p className="grant-description">{duty.description}</p>}
                </li>
              ))}
            </ul>
          )}
        </section>

        <section className="panel" aria-labelledby="limits-heading" data-testid="limits">
          <div className="panel-header">
            <h2 id="limits-heading">{t('myAccess.limits')}</h2>
          </div>
          {viewer.authorityLimits.length === 0 ? (
            <p className="empty">{t('myAccess.noLimits')}</p>
          ) : (
            <ul className="grant-list">
              {viewer.authorityLimits.map((limit) => (
                <li key={limit.key} className="grant" data-testid="limit" data-limit={limit.key}>
                  <div className="grant-row">
                    <span className="grant-label">{local(limit.label, limit.labelZh)}</span>
                    <span className="muted grant-source">
                      {t('myAccess.limitRole', { role: local(limit.role.name, limit.role.nameZh) })}
                    </span>
                    <span className="amount" data-testid="limit-amount">
                      <span className="muted">{t('myAccess.limitAmount')}</span>{' '}
                      {formatMoney(limit.amount, limit.currency, i18n.language)}
                    </span>
                    <WhyToggle lines={limit.lines} roleName={roleName} timeZone={timeZone} testId={`limit:${limit.key}`} />
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <section className="panel" aria-labelledby="permissions-heading" data-testid="permissions">
        <div className="panel-header">
          <h2 id="permissions-heading">{t('myAccess.permissions')}</h2>
          <span className="muted">{t('myAccess.permissionsCount', { count: viewer.permissions.length })}</span>
          {viewer.permissions.length > 8 && (
            <input
              type="search"
              className="filter"
              placeholder={t('myAccess.filter')}
              aria-label={t('myAccess.filter')}
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              data-testid="permission-filter"
            />
          )}
        </div>
        {viewer.permissions.length === 0 ? (
          <p className="empty">{t('myAccess.noPermissions')}</p>
        ) : groups.length === 0 ? (
          <p className="empty">{t('myAccess.noMatch')}</p>
        ) : (
          <div className="object-groups">
            {groups.map(([object, permissions]) => (
              <section key={object} className="object-group" data-testid="permission-group" data-object={object}>
                <h3>
                  {objectTitle(object)} <code className="object-key">{object}</code>
                </h3>
                <ul className="grant-list">
                  {permissions.map((p) => (
                    <li
                      key={`${p.object}:${p.action}`}
                      className="grant"
                      data-testid="permission"
                      data-permission={`${p.object}:${p.action}`}
                    >
                      <div className="grant-row">
                        <span className="grant-label">{local(p.label, p.labelZh)}</span>
                        <code className="action" title={t('myAccess.action')}>
                          {p.action}
                        </code>
                        <WhyToggle
                          lines={p.lines}
                          roleName={roleName}
                          timeZone={timeZone}
                          testId={`${p.object}:${p.action}`}
                        />
                      </div>
                    </li>
                  ))}
                </ul>
              </section>
            ))}
          </div>
        )}
      </section>

    </div>
  );
}
