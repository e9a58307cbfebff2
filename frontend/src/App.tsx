import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { useTranslation } from 'react-i18next';
import { NAVIGATION } from './access';
import { Layout } from './components/Layout';
import { Loading } from './components/Feedback';
import { AuditLog } from './pages/AuditLog';
import { MyAccess } from './pages/MyAccess';
import { NotFound, RequirePermission } from './pages/Misc';
import { SignIn } from './pages/SignIn';
import { Staff } from './pages/Staff';
import { SessionProvider, useSession } from './session';

const requirement = (path: string) => NAVIGATION.find((e) => e.path === path)!.requires!;

function Screens() {
  const { t } = useTranslation();
  const { status, reload } = useSession();

  if (status === 'loading') {
    return (
      <div className="fullpage">
        <Loading />
      </div>
    );
  }
  if (status === 'unreachable') {
    return (
      <div className="fullpage">
        <div className="alert alert-error" role="alert" data-testid="unreachable">
          <span>{t('errors.NETWORK')}</span>
          <button type="button" className="button button-secondary" onClick={reload}>
            {t('app.retry')}
          </button>
        </div>
      </div>
    );
  }
  // Signed out: the sign-in screen at whatever address was asked for, which then opens.
  if (status === 'signedOut') return <SignIn />;

  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<Navigate to="/my-access" replace />} />
        <Route path="my-access" element={<MyAccess />} />
        <Route
          path="staff"
          element={
            <RequirePermission requires={requirement('/staff')}>
              <Staff />
            </RequirePermission>
          }
        />
        <Route
          path="audit-log"
          element={
            <RequirePermission requires={requirement('/audit-log')}>
              <AuditLog />
            </RequirePermission>
          }
        />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <SessionProvider>
        <Screens />
      </SessionProvider>
    </BrowserRouter>
  );
}
