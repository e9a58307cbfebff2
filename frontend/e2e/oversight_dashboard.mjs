#!/usr/bin/env node
// Browser check of the regional dashboard against a running dealernet server (no mocks),
// on the demo network with the East region's KPI facts written by the pytest side.
//
//   BASE_URL=... DN_USERS='{...}' node e2e/oversight_dashboard.mjs dashboard
//       the East regional manager (English) opens the region dashboard from the
//       navigation, chooses customer care: exactly the region's dealers, every revisit
//       success cell and the median as the API answers, cells coloured by target as the
//       API decides; the trend has 12 months and the ranking one bar per dealer with a
//       value. Opening a dealer shows its cards; the revisit success drill-down lists the
//       12 months with the API's values. In Chinese the dashboard is 大区经营看板.
import { BASE_URL, apiSession, check, log, run, signInThroughForm, withProfile } from './common.mjs';

const REGIONAL = 'rm.east';
const KPI = 'revisit_success';

function same(shown, expected) {
  if (expected === null || expected === undefined) return shown === '';
  return Number(shown) === Number(expected);
}

async function dashboard() {
  const api = await apiSession(REGIONAL);
  const view = (
    await api.must(
      'reading the dashboard',
      `query E2EDashboard { regionDashboard(months: 12) { month
         kpis { kpi { key } median trend { month median } }
         dealers { dealer { id code } cells { kpi value meetsTarget rank } } } }`,
    )
  ).regionDashboard;
  const figure = view.kpis.find((f) => f.kpi.key === KPI);
  const cellOf = (d) => d.cells.find((c) => c.kpi === KPI);
  check(view.dealers.some((d) => cellOf(d).value !== null), `the API has no ${KPI} for ${view.month}`);

  await withProfile('oversight-dashboard', { locale: 'en-US' }, async (page) => {
    await signInThroughForm(page, REGIONAL);
    await page.getByTestId('nav-region-dashboard').click();
    await page.getByTestId('page-region-dashboard').waitFor();
    await page.getByRole('heading', { name: 'Region dashboard' }).waitFor();
    await page.getByTestId('dashboard-area-care').click();
    await page.getByTestId(`dashboard-column-${KPI}`).waitFor();
    await page.getByTestId(`dashboard-column-${KPI}`).click();
    await page.getByTestId('dashboard-table').waitFor();

    const rows = await page
      .getByTestId('dashboard-dealer-row')
      .evaluateAll((trs, kpi) => trs.map((tr) => {
        const td = tr.querySelector(`td[data-column="${kpi}"]`);
        return { code: tr.dataset.dealerCode, value: td?.dataset.value ?? null, meets: td?.dataset.meets ?? null };
      }), KPI);
    const codes = rows.map((r) => r.code).sort();
    const expected = view.dealers.map((d) => d.dealer.code).sort();
    check(JSON.stringify(codes) === JSON.stringify(expected), `the table lists ${codes}, the API ${expected}`);
    for (const d of view.dealers) {
      const row = rows.find((r) => r.code === d.dealer.code);
      check(same(row.value, cellOf(d).value), `${d.dealer.code}: the cell shows ${row.value}, the API ${cellOf(d).value}`);
    }
    const median = await page.getByTestId('dashboard-median-row').locator(`td[data-column="${KPI}"]`).getAttribute('data-value');
    check(same(median, figure.median), `the median shows ${median}, the API ${figure.median}`);
    log(`${view.month}: exactly the region's dealers with the API's values (${codes.join(', ')}; median ${median})`);

    for (const d of view.dealers) {
      const row = rows.find((r) => r.code === d.dealer.code);
      const meets = cellOf(d).meetsTarget;
      check(row.meets === (meets === null ? '' : String(meets)), `${d.dealer.code}: coloured ${row.meets}, the API says ${meets}`);
    }
    const passing = await page.locator(`td.dash-pass[data-column="${KPI}"]`).count();
    check(passing === view.dealers.filter((d) => cellOf(d).meetsTarget === true).length, `${passing} cells coloured as meeting the target`);
    log(`target colours as the API says (${passing} meet the target)`);

    const points = await page.getByTestId('dashboard-trend-chart-point').evaluateAll((gs) => gs.map((g) => g.dataset.value));
    check(points.length === 12, `the trend shows ${points.length} months`);
    check(same(points[11], figure.trend[11].median), `the trend's last month is ${points[11]}, the API ${figure.trend[11].median}`);
    const bars = await page.getByTestId('dashboard-ranking-chart-bar').count();
    const withValue = view.dealers.filter((d) => cellOf(d).value !== null).length;
    check(bars === withValue, `the ranking has ${bars} bars for ${withValue} dealers`);
    log(`12 months of trend and a bar per dealer (${bars})`);

    const first = view.dealers[0];
    await page.locator(`[data-dealer-code="${first.dealer.code}"] [data-testid="dashboard-dealer-link"]`).click();
    await page.getByTestId('page-dealer-drilldown').waitFor();
    await page.getByTestId(`drill-card-${KPI}`).click();
    await page.locator(`[data-testid="drill-panel"][data-kpi="${KPI}"]`).waitFor();
    const drill = (
      await api.must(
        'reading the drill-down',
        `query E2EDrill($d: ID!) { dealerKpiDrilldown(dealerId: $d, kpi: "${KPI}", months: 12) { months { month value } } }`,
        { d: first.dealer.id },
      )
    ).dealerKpiDrilldown;
    const months = await page.getByTestId('drill-month').evaluateAll((trs) => trs.map((tr) => [tr.dataset.month, tr.dataset.value]));
    check(months.length === 12, `the drill-down lists ${months.length} months`);
    for (const [month, value] of months) {
      const api = drill.months.find((m) => m.month === month);
      check(api && same(value, api.value), `${month}: the drill-down shows ${value}, the API ${api?.value}`);
    }
    const card = await page.getByTestId(`drill-card-${KPI}`).getAttribute('data-value');
    check(same(card, cellOf(first).value), `the ${KPI} card shows ${card}, the API ${cellOf(first).value}`);
    log(`${first.dealer.code}: the drill-down's months match the API`);
  });

  await withProfile('oversight-dashboard-zh', { locale: 'zh-CN' }, async (page) => {
    await signInThroughForm(page, REGIONAL);
    await page.goto(`${BASE_URL}/oversight/dashboard?area=care`);
    await page.getByRole('heading', { name: '大区经营看板' }).waitFor();
    await page.getByRole('columnheader', { name: '回访成功率' }).waitFor();
    log('in Chinese: 大区经营看板 with 回访成功率');
  });
}

const scenarios = { dashboard };
const name = process.argv[2];
check(name in scenarios, `unknown scenario ${name}; one of ${Object.keys(scenarios).join(', ')}`);
run(scenarios[name]);
