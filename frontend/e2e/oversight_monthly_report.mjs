#!/usr/bin/env node
// Browser check of the monthly report to the manufacturer (月报) against a running dealernet
// server (no mocks), on the demo network (`dealernet seed` leaves six months of reports per
// demo dealer: most on time, SH02's of four months ago late, SH01's of last month a draft).
//
//   BASE_URL=... DN_USERS='{...}' node e2e/oversight_monthly_report.mjs reports
//       The East regional manager (English) sees the grid of exactly the region's dealers,
//       each cell coloured by the state the API gives, and opens a submitted report read
//       only, its revenue total the API's. SH01's service manager (Chinese) opens last
//       month's draft, reviews it with a note and submits it; the API has it submitted,
//       on time or late (按时 / 逾期) as the page says.
import { apiSession, check, log, run, signInThroughForm, withProfile } from './common.mjs';

const ROLES = { regional: 'rm.east', manager: 'manager.sh01' };
const GRID = `query E2EGrid { regionMonthlyReports { months dealers { dealerCode cells { month state status report } } } }`;
const ONE = 'query E2EReport($id: ID!) { monthlyReport(id: $id) { id status state body allowedSteps note } }';
const LIST = 'query E2EList { monthlyReports { id month status state } }';

async function reports() {
  const regional = await apiSession(ROLES.regional);
  const grid = (await regional.must('reading the grid', GRID)).regionMonthlyReports;
  const codes = grid.dealers.map((d) => d.dealerCode).sort();
  check(JSON.stringify(codes) === JSON.stringify(['SH01', 'SH02']), `the API grid lists ${codes}`);
  const late = grid.dealers.flatMap((d) => d.cells.filter((c) => c.state === 'LATE').map((c) => ({ ...c, dealer: d.dealerCode })));
  check(late.length >= 1 && late.every((c) => c.dealer === 'SH02'), `late cells: ${JSON.stringify(late)}`);
  const opened = grid.dealers
    .find((d) => d.dealerCode === 'SH01')
    .cells.filter((c) => c.report)
    .at(-1);
  check(opened, 'SH01 has no submitted report in the grid');
  const apiReport = (await regional.must('reading a submitted report', ONE, { id: opened.report })).monthlyReport;

  await withProfile('oversight-monthly-region', { locale: 'en-US' }, async (page) => {
    await signInThroughForm(page, ROLES.regional);
    await page.getByTestId('nav-monthly-reports').click();
    await page.getByTestId('monthly-report-grid').waitFor();
    await page.getByRole('heading', { name: 'Monthly reports of the region' }).waitFor();
    const shown = (await page.getByTestId('monthly-grid-row').evaluateAll((rows) => rows.map((r) => r.dataset.dealer))).sort();
    check(JSON.stringify(shown) === JSON.stringify(['SH01', 'SH02']), `the grid lists ${shown}`);
    for (const dealer of grid.dealers) {
      const states = await page
        .locator(`[data-testid="monthly-grid-row"][data-dealer="${dealer.dealerCode}"] [data-testid="monthly-grid-cell"]`)
        .evaluateAll((cells) => cells.map((c) => `${c.dataset.month}:${c.dataset.state}`));
      const expected = dealer.cells.map((c) => `${c.month}:${c.state}`);
      check(JSON.stringify(states) === JSON.stringify(expected), `${dealer.dealerCode}: page ${states} API ${expected}`);
    }
    const lateCell = page.locator(`[data-testid="monthly-grid-row"][data-dealer="SH02"] [data-testid="monthly-grid-cell"][data-state="LATE"]`);
    check((await lateCell.first().textContent()).includes('Late'), 'the late cell does not say Late');
    log(`exactly the region's dealers: ${shown.join(', ')}, every cell as the API says`);

    await page
      .locator(`[data-testid="monthly-grid-row"][data-dealer="SH01"] [data-testid="monthly-grid-cell"][data-month="${opened.month}"] a`)
      .click();
    await page.locator('[data-testid="monthly-report"][data-status="SUBMITTED"]').waitFor();
    const total = (await page.getByTestId('monthly-revenue-total').textContent()).replace(/[^0-9.]/g, '');
    check(Number(total) === Number(apiReport.body.revenue.total), `page total ${total}, API ${apiReport.body.revenue.total}`);
    check((await page.getByTestId('monthly-report-actions').count()) === 0, 'the regional manager is offered actions');
    check(apiReport.allowedSteps.length === 0, 'the API offers the regional manager steps');
    log(`opens a submitted report read only, revenue ${total} as the API says`);
  });

  const manager = await apiSession(ROLES.manager);
  const mine = (await manager.must('listing the reports', LIST)).monthlyReports;
  const draft = mine.find((r) => r.status === 'DRAFT');
  check(draft, `no draft among ${JSON.stringify(mine)}`);

  await withProfile('oversight-monthly-dealer', { locale: 'zh-CN' }, async (page) => {
    await signInThroughForm(page, ROLES.manager);
    await page.getByTestId('nav-monthly-reports').click();
    await page.getByRole('heading', { name: '月报' }).first().waitFor();
    await page.getByTestId('monthly-report-row').first().waitFor();
    check((await page.getByTestId('monthly-report-grid').count()) === 0, 'the dealer sees the region grid');
    const rows = await page.getByTestId('monthly-report-row').count();
    check(rows === mine.length, `${rows} rows for ${mine.length} reports`);
    await page.locator(`[data-testid="monthly-report-row"][data-month="${draft.month}"] a`).click();
    await page.locator('[data-testid="monthly-report"][data-status="DRAFT"]').waitFor();
    await page.getByTestId('monthly-section-headcount').waitFor();
    await page.getByTestId('monthly-report-note-input').fill('已核对工单与索赔数据');
    await page.getByTestId('monthly-report-review').click();
    await page.locator('[data-testid="monthly-report"][data-status="REVIEWED"]').waitFor();
    await page.getByTestId('monthly-report-submit').click();
    await page.locator('[data-testid="monthly-report"][data-status="SUBMITTED"]').waitFor();
    const after = (await manager.must('reading it submitted', ONE, { id: draft.id })).monthlyReport;
    check(after.status === 'SUBMITTED' && after.note === '已核对工单与索赔数据', `the API has ${after.status} / ${after.note}`);
    const stateText = await page.getByTestId('monthly-report-state').first().textContent();
    const expected = after.state === 'LATE' ? '逾期' : '按时';
    check(stateText.includes(expected), `the page says ${stateText}, the API ${after.state}`);
    log(`in Chinese: reviewed and submitted, ${stateText.trim()} as the API says`);
  });
}

const scenarios = { reports };
run(async () => {
  const name = process.argv[2];
  check(scenarios[name], `unknown scenario ${name}`);
  await scenarios[name]();
});
