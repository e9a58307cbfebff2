import { NavLink, Outlet } from 'react-router';
import { useTranslation } from 'react-i18next';
import { navGroup, visibleNavigation } from '../access';
import { useLocalized } from '../localize';
import { useSession, useViewer } from '../session';
import { DealerSwitcher } from './DealerSwitcher';
import { LanguageSwitch } from './LanguageSwitch';

export function Layout() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const { signOut } = useSession();
  const nav = visibleNavigation(viewer);

  return (
    <div className="shell">
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">DN</span>
          <span className="brand-name">{t('app.name')}</span>
          <span className="brand-tagline">{t('app.tagline')}</span>
        </div>
        <div className="topbar-right">
          <LanguageSwitch tone="dark" />
          <div className="account">
            <span className="account-label">{t('header.account')}</span>
            <span className="account-name" data-testid="viewer-name">
              {viewer.displayName}
            </span>
            {viewer.username && <span className="account-username">{viewer.username}</span>}
            {viewer.kind === 'API_KEY' && <span className="badge">{t('header.apiKey')}</span>}
          </div>
          <button type="button" className="button button-ghost" data-testid="sign-out" onClick={() => void signOut()}>
            {t('header.signOut')}
          </button>
        </div>
      </header>
      <ContextBar />
      <div className="body">
        <nav className="sidebar" aria-label={t('nav.label')} data-testid="navigation">
          <ul>
            {nav.map((entry, index) => {
              const group = navGroup(entry);
              const opensGroup = group !== null && (index === 0 || navGroup(nav[index - 1]!) !== group);
              return (
                <li key={entry.path}>
                  {opensGroup && <div className="nav-group">{t(group)}</div>}
                  <NavLink to={entry.path} data-testid={entry.testId}>
                    {t(entry.label)}
                  </NavLink>
                </li>
              );
            })}
          </ul>
        </nav>
        <main className="content">
          <Outlet />
        </main>
      </div>
    </div>
  );
}

/** Where the viewer works now (dealer, or region and the dealer in view) and as what. */
function ContextBar() {
  const { t } = useTranslation();
  const local = useLocalized();
  const viewer = useViewer();
  const dealer = viewer.currentDealer;
  const regional =
    viewer.roles.some((g) => g.source === 'REGION' || g.source === 'MANUFACTURER') &&
    !viewer.roles.some((g) => g.source === 'MEMBERSHIP');

  return (
    <section className="contextbar" aria-label={t('header.dealer')}>
      {regional && dealer && (
        <div className="context-item" data-testid="current-region">
          <span className="context-label">{t('header.region')}</span>
          <span className="context-value">{local(dealer.region.name, dealer.region.nameZh)}</span>
        </div>
      )}
      <div
        className="context-item"
        data-testid="current-dealer"
        data-dealer-id={dealer?.id ?? ''}
        data-dealer-code={dealer?.code ?? ''}
      >
        <span className="context-label">{regional ? t('header.viewingDealer') : t('header.dealer')}</span>
        {viewer.dealers.length > 1 ? (
          <DealerSwitcher />
        ) : dealer ? (
          <span className="context-value">
            {local(dealer.name, dealer.nameZh)} <span className="code">{dealer.code}</span>
          </span>
        ) : (
          <span className="context-value muted">{t('header.noDealer')}</span>
        )}
      </div>
      <div className="context-item context-roles">
        <span className="context-label">{t('header.roles')}</span>
        <ul className="chips" data-testid="current-roles">
          {viewer.roles.length === 0 && <li className="muted">{t('header.noRoles')}</li>}
          {viewer.roles.map((grant) => (
            <li
              key={`${grant.role.key}-${grant.source}`}
              className={`chip chip-${grant.source.toLowerCase()}`}
              title={t(`grantSource.${grant.source}`)}
              data-role={grant.role.key}
            >
              {local(grant.role.name, grant.role.nameZh)}
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
