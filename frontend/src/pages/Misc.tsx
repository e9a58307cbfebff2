import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { can, type Requirement } from '../access';
import { useViewer } from '../session';

export function NotFound() {
  const { t } = useTranslation();
  return (
    <div className="page">
      <div className="panel notice" data-testid="not-found">
        <p>{t('errors.notFound')}</p>
        <Link to="/my-access">{t('errors.backHome')}</Link>
      </div>
    </div>
  );
}

/** Renders `children` only for viewers holding the permission; others get a plain notice. */
export function RequirePermission({ requires, children }: { requires: Requirement; children: ReactNode }) {
  const { t } = useTranslation();
  const viewer = useViewer();
  if (can(viewer, requires.object, requires.action)) return <>{children}</>;
  return (
    <div className="page">
      <div className="panel notice" data-testid="not-permitted">
        <p>{t('errors.notPermitted')}</p>
        <Link to="/my-access">{t('errors.backHome')}</Link>
      </div>
    </div>
  );
}
