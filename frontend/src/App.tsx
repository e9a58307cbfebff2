import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { useTranslation } from 'react-i18next';
import { NAVIGATION, type Requirement } from './access';
import { Layout } from './components/Layout';
import { Loading } from './components/Feedback';
import { AuditLog } from './pages/AuditLog';
import { MyAccess } from './pages/MyAccess';
import { NotFound, RequirePermission } from './pages/Misc';
import { SignIn } from './pages/SignIn';
import { Staff } from './pages/Staff';
import { SessionProvider, useSession } from './session';

// The service screens load on first use: sign-in and the approval link stay small.
const Appointments = lazy(() => import('./pages/appointments/Appointments').then((m) => ({ default: m.Appointments })));
const BookAppointment = lazy(() => import('./pages/appointments/BookAppointment').then((m) => ({ default: m.BookAppointment })));
const WorkshopBoard = lazy(() => import('./pages/board/WorkshopBoard').then((m) => ({ default: m.WorkshopBoard })));
const DispatchQueue = lazy(() => import('./pages/board/DispatchQueue').then((m) => ({ default: m.DispatchQueue })));
const MyJobs = lazy(() => import('./pages/board/MyJobs').then((m) => ({ default: m.MyJobs })));
const RepairOrderPage = lazy(() => import('./pages/orders/RepairOrderPage').then((m) => ({ default: m.RepairOrderPage })));
const RepairOrders = lazy(() => import('./pages/orders/RepairOrders').then((m) => ({ default: m.RepairOrders })));
const PublicApproval = lazy(() => import('./pages/PublicApproval').then((m) => ({ default: m.PublicApproval })));
const Reception = lazy(() => import('./pages/reception/Reception').then((m) => ({ default: m.Reception })));
const WalkaroundPage = lazy(() => import('./pages/reception/WalkaroundPage').then((m) => ({ default: m.WalkaroundPage })));

const requirement = (path: string) => NAVIGATION.find((e) => e.path === path)!.requires!;

function guarded(requires: Requirement, element: ReactNode) {
  return (
    <RequirePermission requires={requires}>
      <Suspense fallback={<Loading />}>{element}</Suspense>
    </RequirePermission>
  );
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
        <Route
          path="/approve/:token"
          element={
            <Suspense fallback={<Loading />}>
              <PublicApproval />
            </Suspense>
          }
        />
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
