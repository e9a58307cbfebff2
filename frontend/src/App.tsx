import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { useTranslation } from 'react-i18next';
import { NAVIGATION, type Requirement } from './access';
import { Layout } from './components/Layout';
import { Loading } from './components/Feedback';
import { Appointments } from './pages/appointments/Appointments';
import { BookAppointment } from './pages/appointments/BookAppointment';
import { AuditLog } from './pages/AuditLog';
import { WorkshopBoard } from './pages/board/WorkshopBoard';
import { DispatchQueue } from './pages/board/DispatchQueue';
import { MyJobs } from './pages/board/MyJobs';
import { MyAccess } from './pages/MyAccess';
import { NotFound, RequirePermission } from './pages/Misc';
import { RepairOrderPage } from './pages/orders/RepairOrderPage';
import { RepairOrders } from './pages/orders/RepairOrders';
import { PublicApproval } from './pages/PublicApproval';
import { Reception } from './pages/reception/Reception';
import { WalkaroundPage } from './pages/reception/WalkaroundPage';
import { SignIn } from './pages/SignIn';
import { Staff } from './pages/Staff';
import { SessionProvider, useSession } from './session';

const requirement = (path: string) => NAVIGATION.find((e) => e.path === path)!.requires!;

function guarded(requires: Requirement, element: React.ReactNode) {
  return <RequirePermission requires={requires}>{element}</RequirePermission>;
}

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
        <Route path="appointments" element={guarded(requirement('/appointments'), <Appointments />)} />
        <Route
          path="appointments/new"
          element={guarded({ object: 'appointment', action: 'create' }, <BookAppointment />)}
        />
        <Route path="reception" element={guarded(requirement('/reception'), <Reception />)} />
        <Route path="orders" element={guarded(requirement('/orders'), <RepairOrders />)} />
        <Route path="orders/:id" element={guarded(requirement('/orders'), <RepairOrderPage />)} />
        <Route path="orders/:id/walkaround" element={guarded(requirement('/orders'), <WalkaroundPage />)} />
        <Route path="board" element={guarded(requirement('/board'), <WorkshopBoard />)} />
        <Route path="dispatch" element={guarded(requirement('/dispatch'), <DispatchQueue />)} />
        <Route path="my-jobs" element={guarded(requirement('/my-jobs'), <MyJobs />)} />
        <Route path="staff" element={guarded(requirement('/staff'), <Staff />)} />
        <Route path="audit-log" element={guarded(requirement('/audit-log'), <AuditLog />)} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <Routes>
        {/* The customer's one-time approval link: no account, no session, a phone. */}
        <Route path="/approve/:token" element={<PublicApproval />} />
        <Route
          path="*"
          element={
            <SessionProvider>
              <Screens />
            </SessionProvider>
          }
        />
      </Routes>
    </BrowserRouter>
  );
}
