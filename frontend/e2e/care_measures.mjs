#!/usr/bin/env node
// Browser check of the care measures and reports against a running dealernet server
// (no mocks), on the seeded care demo.
//
//   BASE_URL=... DN_USERS='{...}' node e2e/care_measures.mjs measures-and-reports
//       the customer-relations manager (中文) sees last month's 回访率, 回访成功率 and
//       重大投诉率 as the API answers them, against their targets, and a 12-month trend;
//       the front-desk supervisor (English) generates yesterday's daily problem report,
//       opens it, submits it with a note once, and the API then says it is submitted.
//
// DN_MEASURES_USERS='{"crm":"crm.sh01","frontDesk":"frontdesk.sh01"}' overrides the users.
import { BASE_URL, apiSession, check, log, run, signInThroughForm, withProfile } from './common.mjs';

const ROLES = {
  crm: 'crm.sh01',
  frontDesk: 'frontdesk.sh01',
  ...JSON.parse(process.env.DN_MEASURES_USERS || '{}'),
};

const MEASURES_QUERY = `query E2ECareMeasures($from: Date!, $to: Date!) {
  careMeasures(from: $from, to: $to) {
    coverage { value met } successRate { value met } majorComplaintRate { value met }
    deliveredOrders
  }
}`;

const REPORT_QUERY = `query E2ECareReport($id: ID!) {
  careReport(id: $id) { status note kind periodStart }
}`;

async function measuresAndReports() {
  const crm = await apiSession(ROLES.crm);
  await withProfile('care-measures-crm', { locale: 'zh-CN' }, async (page) => {
    await signInThroughForm(page, ROLES.crm);
    await page.getByTestId('nav-care-measures').click();
    await page.getByTestId('page-care-measures').waitFor();
    await page.getByTestId('care-kpi-cards').waitFor();
    const from = await page.getByTestId('kpi-from').inputValue();
    const to = await page.getByTestId('kpi-to').inputValue();
    const api = (await crm.must('reading the care measures', MEASURES_QUERY, { from, to })).careMeasures;
    check(api.deliveredOrders > 0, `the demo delivered nothing in ${from}..${to}`);
    for (const [id, figure] of [
      ['coverage', api.coverage],
      ['success', api.successRate],
      ['major', api.majorComplaintRate],
    ]) {
      const card = page.getByTestId(`care-kpi-${id}`);
      const shown = await card.getAttribute('data-value');
      check(shown === (figure.value ?? ''), `the ${id} card shows ${shown}, the API ${figure.value}`);
      const met = await card.getByTestId('care-target').getAttribute('data-met');
      check(met === (figure.met === null ? '' : String(figure.met)), `the ${id} target says ${met}, the API ${figure.met}`);
    }
    const title = await page.getByTestId('care-kpi-success').getAttribute('aria-label');
    check(title === '回访成功率', `the success card is titled "${title}"`);
    const points = await page.getByTestId('care-trend-coverage-point').count();
    check(points === 12, `the trend has ${points} months`);
    log(`in 中文 the manager sees ${from}..${to}: 回访率 ${api.coverage.value}, 回访成功率 ${api.successRate.value} as the API, and 12 months of trend`);
  });

  const desk = await apiSession(ROLES.frontDesk);
  await withProfile('care-reports-front-desk', { locale: 'en-US' }, async (page) => {
    await signInThroughForm(page, ROLES.frontDesk);
    await page.getByTestId('nav-care-reports').click();
    await page.getByTestId('page-care-reports').waitFor();
    const today = await page.getByTestId('care-report-generate-period').inputValue();
    const yesterday = new Date(Date.parse(`${today}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    await page.getByTestId('care-report-generate-kind').selectOption('DAILY_PROBLEMS');
    await page.getByTestId('care-report-generate-period').fill(yesterday);
    await page.getByTestId('care-report-generate-submit').click();
    await page.getByTestId('care-report').waitFor();
    const heading = await page.locator('[data-testid="care-report"] h1').innerText();
    check(heading.includes('Daily problem report') && heading.includes(yesterday), `the report is titled "${heading}"`);
    await page.getByTestId('care-report-calls_with_problems').waitFor();
    await page.getByTestId('care-report-low_scores').waitFor();
    log(`the front-desk supervisor generated the daily problem report of ${yesterday} and reads its sections`);

    const id = decodeURIComponent(page.url().split('/care/reports/')[1]);
    await page.getByTestId('care-report-submit-note').fill('Checked with the advisors');
    await page.getByTestId('care-report-submit').click();
    await page.locator('[data-testid="care-report"][data-status="SUBMITTED"]').waitFor();
    check((await page.getByTestId('care-report-submit').count()) === 0, 'a submitted report can be submitted again');
    const stored = (await desk.must('reading the report', REPORT_QUERY, { id })).careReport;
    check(stored.status === 'SUBMITTED' && stored.note === 'Checked with the advisors', `the API has ${JSON.stringify(stored)}`);
    const status = await page.getByTestId('care-report-status').getAttribute('data-status');
    check(status === 'submitted', `the badge says ${status}`);
    log('submitted once with its note, on time, as the API says');

    await page.getByTestId('nav-care-reports').click();
    const row = page.locator(`[data-testid="care-report-row"][data-period="${yesterday}"]`);
    await row.waitFor();
    check((await row.getByTestId('care-report-status').getAttribute('data-status')) === 'submitted', 'the list disagrees');
    log('the list shows it submitted');
  });
}

run(async () => {
  check(BASE_URL, 'BASE_URL is not set');
  const [command] = process.argv.slice(2);
  if (command === 'measures-and-reports') return measuresAndReports();
  throw new Error(`unknown command ${command}; use measures-and-reports`);
});
