#!/usr/bin/env node
// Browser check of the outlier flags and quality feedback against a running dealernet
// server (no mocks), on the demo network with claims arranged by the Python test.
//
//   BASE_URL=... DN_USERS='{...}' node e2e/oversight_outliers.mjs outliers
//       The East regional manager (English) opens the outlier flags from the navigation:
//       each measure lists exactly SH01 and SH02 with the API's values and z-scores and a
//       dot per dealer in the chart; clicking SH01's repeat-claims row opens the
//       explanation with the API's repeat VINs. In Chinese, 质量信息反馈 shows the S7
//       water-pump failures as the API says and no X5 (South region), the top-parts chart
//       has the API's bars, and choosing a model filters the table. SH01's service manager
//       has no outlier view and sees SH01's failures only.
import { apiSession, check, log, run, signInThroughForm, withProfile } from './common.mjs';

const ROLES = { regional: 'rm.east', manager: 'manager.sh01' };

const OUTLIERS = `query E2EOutliers { oversightOutliers { from to measures { key
  dealers { dealer { id code } value z flagged } } } }`;
const RECORDS = `query E2ERecords($d: ID!, $f: Date, $t: Date) { oversightOutlierRecords(dealerId: $d, from: $f, to: $t) {
  repeatVins { vin claims } } }`;
const QUALITY = `query E2EQuality { qualityFeedback { dealers models rows { part { partNumber } model failures } topParts { failures } } }`;

async function rowsOf(page, key) {
  return page
    .getByTestId(`outliers-measure-${key}`)
    .getByTestId('outlier-row')
    .evaluateAll((rows) => rows.map((r) => ({ code: r.dataset.dealer, flagged: r.dataset.flagged, cells: [...r.cells].map((c) => c.textContent) })));
}

async function outliers() {
  const api = await apiSession(ROLES.regional);
  const report = (await api.must('reading the outliers', OUTLIERS)).oversightOutliers;
  await withProfile('oversight-outliers-region', { locale: 'en-US' }, async (page) => {
    await signInThroughForm(page, ROLES.regional);
    await page.getByTestId('nav-outliers').click();
    await page.getByTestId('page-outliers').waitFor();
    await page.getByRole('heading', { name: 'Outlier flags' }).waitFor();
    await page.getByTestId('outliers-measure-claims_per_100_orders').waitFor();
    for (const measure of report.measures) {
      const rows = await rowsOf(page, measure.key);
      const codes = rows.map((r) => r.code).sort();
      check(JSON.stringify(codes) === JSON.stringify(['SH01', 'SH02']), `${measure.key} lists ${codes}`);
      for (const figure of measure.dealers) {
        const row = rows.find((r) => r.code === figure.dealer.code);
        check(row.cells[1] === (figure.value ?? '—'), `${measure.key} ${figure.dealer.code} shows ${row.cells[1]}, the API ${figure.value}`);
        check(row.cells[3] === (figure.z ?? '—'), `${measure.key} ${figure.dealer.code} z ${row.cells[3]}, the API ${figure.z}`);
        check(row.flagged === String(figure.flagged), `${measure.key} ${figure.dealer.code} flag ${row.flagged}`);
      }
      const dots = await page.getByTestId(`outliers-chart-${measure.key}-dot`).count();
      check(dots === measure.dealers.filter((d) => d.value !== null).length, `${measure.key} chart has ${dots} dots`);
    }
    const claims = report.measures[0].dealers.find((d) => d.dealer.code === 'SH01');
    log(`${report.from}..${report.to}: exactly the region's dealers with the API's figures (SH01 ${claims.value} claims per 100 orders, z ${claims.z})`);

    const sh01 = report.measures[0].dealers.find((d) => d.dealer.code === 'SH01').dealer.id;
    const records = (await api.must('reading the records', RECORDS, { d: sh01, f: report.from, t: report.to })).oversightOutlierRecords;
    await page.getByTestId('outliers-measure-repeat_claims_per_vin').locator('[data-testid="outlier-row"][data-dealer="SH01"]').click();
    await page.getByTestId('outlier-explain').waitFor();
    await page.getByTestId('outlier-repeat-vins').waitFor();
    const vins = await page.getByTestId('outlier-repeat-vins').locator('tbody tr td:first-child').allTextContents();
    check(records.repeatVins.length === 3, `the API lists ${records.repeatVins.length} repeat VINs`);
    check(JSON.stringify(vins) === JSON.stringify(records.repeatVins.map((v) => v.vin)), `the explanation lists ${vins}`);
    log(`SH01's explanation lists its repeat VINs: ${vins.join(', ')}`);
  });

  const quality = (await api.must('reading quality feedback', QUALITY)).qualityFeedback;
  await withProfile('oversight-quality-region', { locale: 'zh-CN' }, async (page) => {
    await signInThroughForm(page, ROLES.regional);
    await page.getByTestId('nav-quality-feedback').click();
    await page.getByTestId('page-quality-feedback').waitFor();
    await page.getByRole('heading', { name: '质量信息反馈' }).waitFor();
    await page.getByTestId('quality-table').waitFor();
    const shown = await page.getByTestId('quality-row').evaluateAll((rows) => rows.map((r) => [r.dataset.part, r.dataset.model, Number(r.dataset.failures)]));
    const expected = quality.rows.map((r) => [r.part.partNumber, r.model, r.failures]);
    check(JSON.stringify(shown) === JSON.stringify(expected), `the table shows ${JSON.stringify(shown)}, the API ${JSON.stringify(expected)}`);
    const s7 = quality.rows.find((r) => r.model === 'Huaxing S7');
    check(s7 && s7.failures === 8, `the API counts ${s7?.failures} S7 failures`);
    check(!shown.some(([, model]) => model === 'Huaxing X5'), 'the South region X5 shows in the East');
    const bars = await page.getByTestId('quality-top-parts-bar').count();
    check(bars === quality.topParts.length, `the chart has ${bars} bars, the API ${quality.topParts.length}`);
    log(`the S7 failures as the API says (${s7.failures}), ${bars} top parts, no X5`);

    await page.getByTestId('quality-model').selectOption('Huaxing S7');
    await page.waitForURL(/model=Huaxing/);
    await page.locator('[data-testid="quality-row"][data-model="Huaxing S7"]').waitFor();
    const models = await page.getByTestId('quality-row').evaluateAll((rows) => [...new Set(rows.map((r) => r.dataset.model))]);
    check(JSON.stringify(models) === JSON.stringify(['Huaxing S7']), `after choosing S7 the table shows ${models}`);
    log('filtered by model: only Huaxing S7 rows');
  });

  await withProfile('oversight-quality-dealer', { locale: 'zh-CN' }, async (page) => {
    await signInThroughForm(page, ROLES.manager);
    check((await page.getByTestId('nav-outliers').count()) === 0, 'dealer staff see the outliers in the navigation');
    await page.getByTestId('nav-quality-feedback').click();
    await page.getByTestId('quality-table').waitFor();
    const shown = await page.getByTestId('quality-row').evaluateAll((rows) => rows.map((r) => [r.dataset.model, Number(r.dataset.failures)]));
    check(JSON.stringify(shown) === JSON.stringify([['Huaxing S7', 6]]), `SH01's manager sees ${JSON.stringify(shown)}`);
    log("dealer staff see no outliers and their own dealer's quality feedback (6 S7 failures)");
  });
}

const scenarios = { outliers };
const name = process.argv[2];
check(name in scenarios, `unknown scenario ${name}; one of ${Object.keys(scenarios).join(', ')}`);
run(scenarios[name]);
