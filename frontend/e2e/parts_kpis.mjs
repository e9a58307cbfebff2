#!/usr/bin/env node
// Browser check of the parts KPI screens against a running dealernet server (no mocks),
// on the demo data (two years of parts history).
//
//   BASE_URL=... DN_USERS='{...}' node e2e/parts_kpis.mjs dashboard
//       the parts manager of SH01 (中文) opens 配件考核指标 from the navigation: every card
//       shows what the API answers for last month, the aging chart has the four age bands
//       with the API's values, the trend has 12 months; choosing "last 12 months" from
//       the keyboard changes the address and the figures to that period's. The dealer's
//       navigation has no region view, and the region page tells them it is not theirs.
//       The East regional manager (English) opens the region view: exactly the region's
//       dealers, the median row as the API computes it, and sorting by turnover orders
//       the rows by it.
import { BASE_URL, apiSession, check, log, run, signInThroughForm, withProfile } from './common.mjs';

const ROLES = { parts: 'parts.sh01', regional: 'rm.east' };

const FIGURES = `from to fillRate { fillRate requests } stockValue { turnover daysOfSupply inventoryValue }
  deadStock { deadValue slowValue } emergencyOrders { emergencyShare } aging { key value }`;

function same(shown, expected) {
  if (expected === null || expected === undefined) return shown === '';
  return Number(shown) === Number(expected);
}

async function cardValues(page) {
  return page.getByTestId('kpi-cards').locator('[data-testid^="kpi-"]').evaluateAll((cards) =>
    Object.fromEntries(cards.map((c) => [c.dataset.testid.slice(4), c.dataset.value])),
  );
}

async function checkCards(page, kpis, what) {
  const cards = await cardValues(page);
  const expected = {
    'fill-rate': kpis.fillRate.fillRate,
    turnover: kpis.stockValue.turnover,
    'days-of-supply': kpis.stockValue.daysOfSupply,
    'inventory-value': kpis.stockValue.inventoryValue,
    'dead-stock': kpis.deadStock.deadValue,
    'slow-moving': kpis.deadStock.slowValue,
    emergency: kpis.emergencyOrders.emergencyShare,
  };
  for (const [card, value] of Object.entries(expected)) {
    check(card in cards, `no ${card} card on the dashboard (${Object.keys(cards).join(', ')})`);
    check(same(cards[card], value), `${what}: the ${card} card shows ${cards[card]}, the API says ${value}`);
  }
}

async function dashboard() {
  const partsApi = await apiSession(ROLES.parts);
  await withProfile('parts-kpis-dealer', { locale: 'zh-CN' }, async (page) => {
    await signInThroughForm(page, ROLES.parts);
    check((await page.getByTestId('nav-region-parts').count()) === 0, 'dealer staff see the region view in the navigation');
    await page.getByTestId('nav-parts-kpis').click();
    await page.getByTestId('page-parts-kpis').waitFor();
    await page.getByRole('heading', { name: '配件考核指标' }).waitFor();
    await page.getByTestId('kpi-cards').waitFor();
    const from = await page.getByTestId('kpi-from').inputValue();
    const to = await page.getByTestId('kpi-to').inputValue();
    check(from.endsWith('-01'), `the default period starts ${from}, not on the first of last month`);
    const month = (await partsApi.must('reading the KPIs', `query E2EKpis($f: Date!, $t: Date!) { partsKpis(from: $f, to: $t) { ${FIGURES} trend { from } } }`, { f: from, t: to })).partsKpis;
    await checkCards(page, month, `${from}..${to}`);
    check(month.fillRate.requests > 0 && month.stockValue.turnover !== null, 'the demo has nothing to measure last month');
    log(`last month ${from}..${to}: every card matches the API (fill rate ${month.fillRate.fillRate}, turnover ${month.stockValue.turnover})`);

    const bars = await page.getByTestId('kpi-aging-chart-bar').evaluateAll((gs) => gs.map((g) => [g.dataset.key, g.dataset.value]));
    check(bars.length === 4, `the aging chart has ${bars.length} bands`);
    for (const [key, value] of bars) {
      const band = month.aging.find((b) => b.key === key);
      check(band && Number(band.value) === Number(value), `aging band ${key} shows ${value}, the API ${band?.value}`);
    }
    const points = await page.getByTestId('kpi-turnover-chart-point').count();
    check(points === 12 && month.trend.length === 12, `the trend shows ${points} months`);
    log(`aging bands ${bars.map(([k, v]) => `${k}=${v}`).join(', ')} as the API; 12 months of trend`);

    // Keyboard: focus the "last 12 months" preset and press Enter.
    await page.getByTestId('kpi-period-lastYear').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/period=lastYear/);
    // The URL changes first; the inputs follow on the next render (slow on a loaded machine).
    await page
      .waitForFunction((prev) => document.querySelector('[data-testid="kpi-from"]')?.value !== prev, from, { timeout: 45000 })
      .catch(() => {});
    const yearFrom = await page.getByTestId('kpi-from').inputValue();
    const yearTo = await page.getByTestId('kpi-to').inputValue();
    check(yearFrom !== from, 'choosing the last 12 months kept the period');
    const year = (await partsApi.must('reading the KPIs', `query E2EKpis($f: Date!, $t: Date!) { partsKpis(from: $f, to: $t) { ${FIGURES} } }`, { f: yearFrom, t: yearTo })).partsKpis;
    await page.locator(`[data-testid="kpi-days-of-supply"][data-value="${year.stockValue.daysOfSupply ?? ''}"]`).waitFor();
    await checkCards(page, year, `${yearFrom}..${yearTo}`);
    log(`the last 12 months (${yearFrom}..${yearTo}) from the keyboard: the address and every card follow`);

    await page.goto(`${BASE_URL}/parts/region`);
    await page.getByTestId('region-kpis-none').waitFor();
    log('the region view tells dealer staff it is for overseers');
  });

  const regionalApi = await apiSession(ROLES.regional);
  await withProfile('parts-kpis-region', { locale: 'en-US' }, async (page) => {
    await signInThroughForm(page, ROLES.regional);
    await page.getByTestId('nav-region-parts').click();
    await page.getByTestId('page-region-parts-kpis').waitFor();
    await page.getByRole('heading', { name: 'Region parts KPIs' }).waitFor();
    await page.getByTestId('region-kpi-table').waitFor();
    const from = await page.getByTestId('kpi-from').inputValue();
    const to = await page.getByTestId('kpi-to').inputValue();
    const view = (
      await regionalApi.must(
        'reading the region',
        `query E2ERegion($f: Date!, $t: Date!) { regionPartsKpis(from: $f, to: $t) { region { code }
           summary { fillRateMedian turnoverMedian daysOfSupplyMedian deadValueMedian emergencyShareMedian }
           dealers { dealer { code } stockValue { turnover } } } }`,
        { f: from, t: to },
      )
    ).regionPartsKpis;
    const codes = await page.getByTestId('region-dealer-row').evaluateAll((rows) => rows.map((r) => r.dataset.dealerCode));
    const expected = view.dealers.map((d) => d.dealer.code).sort();
    check(JSON.stringify([...codes].sort()) === JSON.stringify(expected), `the table lists ${codes}, the region has ${expected}`);
    check(!codes.includes('GZ01') && !codes.includes('SZ01'), `another region's dealer is listed: ${codes}`);
    const medians = await page
      .getByTestId('region-median-row')
      .locator('td')
      .evaluateAll((cells) => Object.fromEntries(cells.map((c) => [c.dataset.column, c.dataset.value])));
    for (const [column, field] of [
      ['fillRate', 'fillRateMedian'],
      ['turnover', 'turnoverMedian'],
      ['daysOfSupply', 'daysOfSupplyMedian'],
      ['deadValue', 'deadValueMedian'],
      ['emergencyShare', 'emergencyShareMedian'],
    ]) {
      check(same(medians[column], view.summary[field]), `median ${column} shows ${medians[column]}, the API ${view.summary[field]}`);
    }
    log(`${view.region.code}: dealers ${codes.join(', ')} and the region's medians as the API says`);

    await page.getByTestId('region-sort-turnover').click();
    await page.locator('th[aria-sort="descending"] [data-testid="region-sort-turnover"]').waitFor();
    const order = await page.getByTestId('region-dealer-row').evaluateAll((rows) => rows.map((r) => r.dataset.dealerCode));
    const byTurnover = [...view.dealers]
      .sort((a, b) => Number(b.stockValue.turnover ?? -1) - Number(a.stockValue.turnover ?? -1))
      .map((d) => d.dealer.code);
    check(JSON.stringify(order) === JSON.stringify(byTurnover), `sorted by turnover: ${order}, expected ${byTurnover}`);
    log(`sorted by turnover, highest first: ${order.join(', ')}`);
  });
}

const scenarios = { dashboard };
const name = process.argv[2];
check(name in scenarios, `unknown scenario ${name}; one of ${Object.keys(scenarios).join(', ')}`);
run(scenarios[name]);
