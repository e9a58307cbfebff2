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
const ClaimList = lazy(() => import('./pages/warranty/ClaimList').then((m) => ({ default: m.ClaimList })));
const ClaimNew = lazy(() => import('./pages/warranty/ClaimNew').then((m) => ({ default: m.ClaimNew })));
const ClaimPage = lazy(() => import('./pages/warranty/ClaimPage').then((m) => ({ default: m.ClaimPage })));
const ReviewInbox = lazy(() => import('./pages/warranty/ReviewInbox').then((m) => ({ default: m.ReviewInbox })));
const ReviewClaim = lazy(() => import('./pages/warranty/ReviewClaim').then((m) => ({ default: m.ReviewClaim })));
const DeliveryPanel = lazy(() => import('./pages/warranty/DeliveryPanel').then((m) => ({ default: m.DeliveryPanel })));
const OldPartsStore = lazy(() => import('./pages/warranty/OldPartsStore').then((m) => ({ default: m.OldPartsStore })));
const ShipmentBuilder = lazy(() => import('./pages/warranty/ShipmentBuilder').then((m) => ({ default: m.ShipmentBuilder })));
const ShipmentPackingList = lazy(() => import('./pages/warranty/ShipmentPackingList').then((m) => ({ default: m.ShipmentPackingList })));
const OldPartInspection = lazy(() => import('./pages/warranty/OldPartInspection').then((m) => ({ default: m.OldPartInspection })));
const SettlementPayments = lazy(() => import('./pages/warranty/SettlementPayments').then((m) => ({ default: m.SettlementPayments })));
const RevisitQueue = lazy(() => import('./pages/care/RevisitQueue').then((m) => ({ default: m.RevisitQueue })));
const RevisitCall = lazy(() => import('./pages/care/RevisitCall').then((m) => ({ default: m.RevisitCall })));
const ContactChecks = lazy(() => import('./pages/care/ContactChecks').then((m) => ({ default: m.ContactChecks })));
const CareSettings = lazy(() => import('./pages/care/CareSettings').then((m) => ({ default: m.CareSettings })));
const ComplaintList = lazy(() => import('./pages/care/ComplaintList').then((m) => ({ default: m.ComplaintList })));
const ComplaintNew = lazy(() => import('./pages/care/ComplaintNew').then((m) => ({ default: m.ComplaintNew })));
const ComplaintPage = lazy(() => import('./pages/care/ComplaintPage').then((m) => ({ default: m.ComplaintPage })));
const RegionComplaints = lazy(() => import('./pages/care/RegionComplaints').then((m) => ({ default: m.RegionComplaints })));
const ReminderTargets = lazy(() => import('./pages/care/ReminderTargets').then((m) => ({ default: m.ReminderTargets })));
const CareMeasures = lazy(() => import('./pages/care/CareMeasures').then((m) => ({ default: m.CareMeasures })));
const CareReports = lazy(() => import('./pages/care/CareReports').then((m) => ({ default: m.CareReports })));
const CareReportPage = lazy(() => import('./pages/care/CareReportPage').then((m) => ({ default: m.CareReportPage })));
const RegionDashboard = lazy(() => import('./pages/oversight/RegionDashboard').then((m) => ({ default: m.RegionDashboard })));
const DealerDrilldown = lazy(() => import('./pages/oversight/DealerDrilldown').then((m) => ({ default: m.DealerDrilldown })));
const Outliers = lazy(() => import('./pages/oversight/Outliers').then((m) => ({ default: m.Outliers })));
const QualityFeedback = lazy(() => import('./pages/oversight/QualityFeedback').then((m) => ({ default: m.QualityFeedback })));
const AuditList = lazy(() => import('./pages/oversight/AuditList').then((m) => ({ default: m.AuditList })));
const AuditPage = lazy(() => import('./pages/oversight/AuditPage').then((m) => ({ default: m.AuditPage })));
const Campaigns = lazy(() => import('./pages/oversight/Campaigns').then((m) => ({ default: m.Campaigns })));
const CampaignPage = lazy(() => import('./pages/oversight/CampaignPage').then((m) => ({ default: m.CampaignPage })));
const Bulletins = lazy(() => import('./pages/oversight/Bulletins').then((m) => ({ default: m.Bulletins })));
const MonthlyReports = lazy(() => import('./pages/oversight/MonthlyReports').then((m) => ({ default: m.MonthlyReports })));
const MonthlyReportPage = lazy(() => import('./pages/oversight/MonthlyReportPage').then((m) => ({ default: m.MonthlyReportPage })));
const PurchaseOrders = lazy(() => import('./pages/parts/PurchaseOrders').then((m) => ({ default: m.PurchaseOrders })));
const PurchaseOrderNew = lazy(() => import('./pages/parts/PurchaseOrderNew').then((m) => ({ default: m.PurchaseOrderNew })));
const PurchaseOrderPage = lazy(() => import('./pages/parts/PurchaseOrderPage').then((m) => ({ default: m.PurchaseOrderPage })));
const PurchaseOrderPrint = lazy(() => import('./pages/parts/PurchaseOrderPrint').then((m) => ({ default: m.PurchaseOrderPrint })));
const Suppliers = lazy(() => import('./pages/parts/Suppliers').then((m) => ({ default: m.Suppliers })));
const Receiving = lazy(() => import('./pages/parts/Receiving').then((m) => ({ default: m.Receiving })));
const ReceivingReceipt = lazy(() => import('./pages/parts/ReceivingReceipt').then((m) => ({ default: m.ReceivingReceipt })));
const ReceivingDamageClaims = lazy(() => import('./pages/parts/ReceivingDamageClaims').then((m) => ({ default: m.ReceivingDamageClaims })));
const StockList = lazy(() => import('./pages/parts/StockList').then((m) => ({ default: m.StockList })));
const StockItemPage = lazy(() => import('./pages/parts/StockItemPage').then((m) => ({ default: m.StockItemPage })));
const IssueQueue = lazy(() => import('./pages/parts/IssueQueue').then((m) => ({ default: m.IssueQueue })));
const IssueSlip = lazy(() => import('./pages/parts/IssueSlip').then((m) => ({ default: m.IssueSlip })));
const CountsList = lazy(() => import('./pages/parts/CountsList').then((m) => ({ default: m.CountsList })));
const CountSheet = lazy(() => import('./pages/parts/CountSheet').then((m) => ({ default: m.CountSheet })));
const WriteOffsList = lazy(() => import('./pages/parts/WriteOffsList').then((m) => ({ default: m.WriteOffsList })));
const WriteOffRequest = lazy(() => import('./pages/parts/WriteOffRequest').then((m) => ({ default: m.WriteOffRequest })));
const WriteOffDetail = lazy(() => import('./pages/parts/WriteOffDetail').then((m) => ({ default: m.WriteOffDetail })));
const PartsKpiDashboard = lazy(() => import('./pages/parts/PartsKpiDashboard').then((m) => ({ default: m.PartsKpiDashboard })));
const RegionPartsKpis = lazy(() => import('./pages/parts/RegionPartsKpis').then((m) => ({ default: m.RegionPartsKpis })));
const Reorder = lazy(() => import('./pages/parts/Reorder').then((m) => ({ default: m.Reorder })));
const Transfers = lazy(() => import('./pages/parts/Transfers').then((m) => ({ default: m.Transfers })));
const PartnerApps = lazy(() => import('./pages/partners/PartnerApps').then((m) => ({ default: m.PartnerApps })));
const PartnerAppDetail = lazy(() => import('./pages/partners/PartnerAppDetail').then((m) => ({ default: m.PartnerAppDetail })));

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
        <Route path="parts/stock" element={guarded(requirement('/parts/stock'), <StockList />)} />
        <Route path="parts/stock/:id" element={guarded(requirement('/parts/stock'), <StockItemPage />)} />
        <Route path="parts/purchase-orders" element={guarded(requirement('/parts/purchase-orders'), <PurchaseOrders />)} />
        <Route path="parts/purchase-orders/new" element={guarded(requirement('/parts/purchase-orders'), <PurchaseOrderNew />)} />
        <Route path="parts/purchase-orders/:id" element={guarded(requirement('/parts/purchase-orders'), <PurchaseOrderPage />)} />
        <Route path="parts/purchase-orders/:id/print" element={guarded(requirement('/parts/purchase-orders'), <PurchaseOrderPrint />)} />
        <Route path="parts/suppliers" element={guarded(requirement('/parts/purchase-orders'), <Suppliers />)} />
        <Route path="parts/reorder" element={guarded(requirement('/parts/reorder'), <Reorder />)} />
        <Route path="parts/transfers" element={guarded(requirement('/parts/transfers'), <Transfers />)} />
        <Route path="parts/receiving" element={guarded(requirement('/parts/receiving'), <Receiving />)} />
        <Route path="parts/receiving/claims" element={guarded(requirement('/parts/receiving'), <ReceivingDamageClaims />)} />
        <Route path="parts/receiving/:id" element={guarded(requirement('/parts/receiving'), <ReceivingReceipt />)} />
        <Route path="parts/issue" element={guarded({ object: 'parts_issue', action: 'read' }, <IssueQueue />)} />
        <Route path="parts/issue/:id/slip" element={guarded({ object: 'parts_issue', action: 'read' }, <IssueSlip />)} />
        <Route path="parts/counts" element={guarded(requirement('/parts/counts'), <CountsList />)} />
        <Route path="parts/counts/:id" element={guarded(requirement('/parts/counts'), <CountSheet />)} />
        <Route path="parts/write-offs" element={guarded(requirement('/parts/write-offs'), <WriteOffsList />)} />
        <Route
          path="parts/write-offs/new"
          element={guarded({ object: 'parts_write_off', action: 'request' }, <WriteOffRequest />)}
        />
        <Route path="parts/write-offs/:id" element={guarded(requirement('/parts/write-offs'), <WriteOffDetail />)} />
        <Route path="parts/kpis" element={guarded(requirement('/parts/kpis'), <PartsKpiDashboard />)} />
        <Route path="parts/region" element={guarded(requirement('/parts/region'), <RegionPartsKpis />)} />
        <Route path="warranty/claims" element={guarded(requirement('/warranty/claims'), <ClaimList />)} />
        <Route path="warranty/claims/new" element={guarded({ object: 'warranty_claim', action: 'create' }, <ClaimNew />)} />
        <Route path="warranty/claims/:id" element={guarded(requirement('/warranty/claims'), <ClaimPage />)} />
        <Route path="warranty/deliveries" element={guarded({ object: 'warranty_claim', action: 'read' }, <DeliveryPanel />)} />
        <Route path="warranty/review" element={guarded(requirement('/warranty/review'), <ReviewInbox />)} />
        <Route path="warranty/review/:id" element={guarded({ object: 'warranty_review', action: 'read' }, <ReviewClaim />)} />
        <Route path="warranty/old-parts" element={guarded(requirement('/warranty/old-parts'), <OldPartsStore />)} />
        <Route path="warranty/shipments" element={guarded(requirement('/warranty/shipments'), <ShipmentBuilder />)} />
        <Route path="warranty/shipments/:id" element={guarded(requirement('/warranty/shipments'), <ShipmentBuilder />)} />
        <Route
          path="warranty/shipments/:id/packing-list"
          element={guarded({ object: 'old_parts', action: 'read' }, <ShipmentPackingList />)}
        />
        <Route path="warranty/inspection" element={guarded(requirement('/warranty/inspection'), <OldPartInspection />)} />
        <Route path="warranty/settlement" element={guarded(requirement('/warranty/settlement'), <SettlementPayments />)} />
        <Route path="care/revisits" element={guarded(requirement('/care/revisits'), <RevisitQueue />)} />
        <Route path="care/revisits/:id" element={guarded({ object: 'revisit', action: 'read' }, <RevisitCall />)} />
        <Route path="care/contact-checks" element={guarded(requirement('/care/contact-checks'), <ContactChecks />)} />
        <Route path="care/complaints" element={guarded(requirement('/care/complaints'), <ComplaintList />)} />
        <Route path="care/complaints/new" element={guarded({ object: 'complaint', action: 'create' }, <ComplaintNew />)} />
        <Route path="care/complaints/:id" element={guarded({ object: 'complaint', action: 'read' }, <ComplaintPage />)} />
        <Route path="care/reminders" element={guarded(requirement('/care/reminders'), <ReminderTargets />)} />
        <Route path="care/measures" element={guarded(requirement('/care/measures'), <CareMeasures />)} />
        <Route path="care/reports" element={guarded(requirement('/care/reports'), <CareReports />)} />
        <Route path="care/reports/:id" element={guarded(requirement('/care/reports'), <CareReportPage />)} />
        <Route path="care/settings" element={guarded(requirement('/care/settings'), <CareSettings />)} />
        <Route path="region/complaints" element={guarded(requirement('/region/complaints'), <RegionComplaints />)} />
        <Route path="oversight/dashboard" element={guarded(requirement('/oversight/dashboard'), <RegionDashboard />)} />
        <Route path="oversight/dealers/:id" element={guarded({ object: 'kpi', action: 'read' }, <DealerDrilldown />)} />
        <Route path="oversight/outliers" element={guarded(requirement('/oversight/outliers'), <Outliers />)} />
        <Route path="oversight/quality" element={guarded(requirement('/oversight/quality'), <QualityFeedback />)} />
        <Route path="oversight/audits" element={guarded(requirement('/oversight/audits'), <AuditList />)} />
        <Route path="oversight/audits/:id" element={guarded(requirement('/oversight/audits'), <AuditPage />)} />
        <Route path="oversight/campaigns" element={guarded(requirement('/oversight/campaigns'), <Campaigns />)} />
        <Route path="oversight/campaigns/:id" element={guarded(requirement('/oversight/campaigns'), <CampaignPage />)} />
        <Route path="oversight/bulletins" element={guarded(requirement('/oversight/bulletins'), <Bulletins />)} />
        <Route path="oversight/monthly-reports" element={guarded(requirement('/oversight/monthly-reports'), <MonthlyReports />)} />
        <Route path="oversight/monthly-reports/:id" element={guarded(requirement('/oversight/monthly-reports'), <MonthlyReportPage />)} />
        <Route path="staff" element={guarded(requirement('/staff'), <Staff />)} />
        <Route path="audit-log" element={guarded(requirement('/audit-log'), <AuditLog />)} />
        <Route path="partners" element={guarded(requirement('/partners'), <PartnerApps />)} />
        <Route path="partners/:id" element={guarded(requirement('/partners'), <PartnerAppDetail />)} />
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
