#!/usr/bin/env node
// Browser check of stock counts (盘点) against a running dealernet server (no mocks).
//
//   BASE_URL=... DN_USERS='{...}' DN_COUNT_BIN=Z-99 node e2e/parts_counts.mjs count-with-difference
//       the warehouse keeper (English) opens a cycle count of the bins starting with
//       DN_COUNT_BIN from the navigation, types the counted quantities from the keyboard
//       (Enter goes to the next bin), one bin is short: the difference is highlighted, the
//       keeper gives its cause and names the person responsible, and submits; the parts
//       manager (中文) sees it may decide and approves it; the ledger then holds the
//       count adjustment, as the API confirms.
//
// The bins must hold stock items with stock (the pytest driver arranges them).
// DN_COUNT_USERS='{"keeper":"warehouse.sh01","manager":"parts.sh01"}' overrides the users.
import { BASE_URL, apiSession, check, log, run, signInThroughForm, withProfile } from './common.mjs';

const ROLES = {
  keeper: 'warehouse.sh01',
  manager: 'parts.sh01',
  ...JSON.parse(process.env.DN_COUNT_USERS || '{}'),
};
const BIN = process.env.DN_COUNT_BIN || '';

const COUNT_QUERY = `query E2ECount($id: ID!) { node(id: $id) { ... on StockCount {
  id number status differenceCount
  lines { id binLocation expectedQty countedQty difference adjustmentQty responsibility
          responsiblePerson { displayName } part { partNumber } }
} } }`;

async function count(api, id) {
  return (await api.must('reading the count', COUNT_QUERY, { id })).node;
}

async function countWithDifference() {
  check(BIN, 'DN_COUNT_BIN is not set');
  const keeperApi = await apiSession(ROLES.keeper);
  let countId = null;
  let shortBin = null;

  await withProfile('count-keeper', { locale: 'en-US' }, async (page) => {
    await signInThroughForm(page, ROLES.keeper);
    await page.getByTestId('nav-stock-counts').click();
    await page.getByTestId('page-stock-counts').waitFor();
    await page.getByTestId('new-count-kind').selectOption('CYCLE');
    await page.getByTestId('new-count-bin-prefix').fill(BIN);
    await page.getByTestId('new-count-submit').click();
    await page.getByTestId('page-count-sheet').waitFor();
    countId = new URL(page.url()).pathname.split('/').pop();
    const number = await page.getByTestId('page-count-sheet').getAttribute('data-count-number');
    const server = await count(keeperApi, countId);
    check(server.number === number, `the sheet shows ${number}, the server ${server.number}`);
    const bins = await page.getByTestId('count-line').evaluateAll((rows) => rows.map((r) => r.dataset.bin));
    const sorted = [...bins].sort();
    check(bins.length >= 2, `the count of ${BIN}* has ${bins.length} lines, expected the arranged bins`);
    check(JSON.stringify(bins) === JSON.stringify(sorted), `lines are not in bin order: ${bins.join(', ')}`);
    check(
      JSON.stringify(bins) === JSON.stringify(server.lines.map((l) => l.binLocation)),
      `the sheet's bins ${bins.join(', ')} differ from the server's`,
    );
    log(`cycle count ${number} of ${BIN}* opened with ${bins.length} lines in bin order: ${bins.join(', ')}`);

    // Keyboard entry: the first bin as booked, Enter, the second one short, Enter.
    const inputs = page.getByTestId('line-counted');
    const expected = server.lines.map((l) => Number(l.expectedQty));
    await inputs.nth(0).click();
    await page.keyboard.type(String(expected[0]));
    await page.keyboard.press('Enter');
    const focused = await page.evaluate(() => document.activeElement?.closest('tr')?.dataset.bin);
    check(focused === bins[1], `Enter moved the focus to ${focused}, not to the next bin ${bins[1]}`);
    await page.keyboard.type(String(expected[1] - 1));
    await page.keyboard.press('Enter');
    shortBin = bins[1];
    const short = page.locator(`[data-testid="count-line"][data-bin="${shortBin}"]`);
    await short.getByTestId('line-difference').filter({ hasText: '-1' }).waitFor();
    const highlighted = await short.evaluate((row) => row.parentElement.classList.contains('count-diff'));
    check(highlighted, 'the short bin is not highlighted');
    log(`counted from the keyboard: ${bins[0]} as booked, ${shortBin} one short, highlighted`);

    const form = page.getByTestId('explain-form');
    await form.getByTestId('explain-cause').fill('Issued without a slip on the night shift');
    await form.getByTestId('explain-responsibility').selectOption('WAREHOUSE_KEEPER');
    const keeperName = (await keeperApi.must('who am I', 'query E2EMe { viewer { displayName } }')).viewer.displayName;
    await form.getByTestId('explain-person').selectOption({ label: keeperName });
    await form.getByTestId('explain-save').click();
    await form.getByTestId('explain-save').filter({ hasText: '✓' }).waitFor();
    const explained = (await count(keeperApi, countId)).lines.find((l) => l.binLocation === shortBin);
    check(explained.responsibility === 'WAREHOUSE_KEEPER', `the server has responsibility ${explained.responsibility}`);
    check(explained.responsiblePerson?.displayName === keeperName, 'the responsible person was not saved');
    log(`difference explained: warehouse keeper ${keeperName}`);

    await page.getByTestId('submit-count').click();
    await page.locator('[data-testid="count-status"][data-status="submitted"]').waitFor();
    await page.getByTestId('count-awaiting').waitFor();
    log('submitted; the keeper waits for someone else to approve');
  });

  const managerApi = await apiSession(ROLES.manager);
  await withProfile('count-manager', { locale: 'zh-CN' }, async (page) => {
    await signInThroughForm(page, ROLES.manager);
    await page.getByTestId('nav-stock-counts').filter({ hasText: '库存盘点' }).click();
    await page.locator(`[data-testid="count-row"]`).first().waitFor();
    await page.goto(`${BASE_URL}/parts/counts/${countId}`);
    await page.locator('[data-testid="count-status"][data-status="submitted"]').filter({ hasText: '待审核' }).waitFor();
    await page.getByTestId('approve-count').click();
    await page.locator('[data-testid="count-status"][data-status="approved"]').filter({ hasText: '已审核' }).waitFor();
    log('the parts manager (中文) approved it');
  });

  const done = await count(managerApi, countId);
  check(done.status === 'APPROVED', `the server says ${done.status}`);
  const line = done.lines.find((l) => l.binLocation === shortBin);
  check(Number(line.adjustmentQty) === -1, `the ledger booked ${line.adjustmentQty} for ${shortBin}, expected -1`);
  check(done.lines.filter((l) => l.adjustmentQty !== null).length === 1, 'more than the short bin was adjusted');
  log(`the ledger holds a count adjustment of -1 for ${shortBin}`);
}

run(async () => {
  check(BASE_URL, 'BASE_URL is not set');
  const [command] = process.argv.slice(2);
  if (command === 'count-with-difference') return countWithDifference();
  throw new Error(`unknown command ${command}; use count-with-difference`);
});
