#!/usr/bin/env node
// Browser checks of reorder suggestions and transfers against a running dealernet server
// and a running arq worker (no mocks).
//
//   BASE_URL=... DN_USERS='{...}' node e2e/parts_reorder.mjs reorder-and-transfer
//       the parts planner runs the suggestions now and watches the run go from queued to
//       done (the worker computes it), opens the numbers behind a suggestion, edits its
//       quantity and accepts it into a plan (browser); the giving dealer's parts manager,
//       in 中文, approves the region transfer asked of it (browser); its keeper ships
//       (API); the requesting dealer's keeper receives it (browser); both ledgers moved.
//
// DN_REORDER_USERS='{"planner":"planner.sh01",...}' overrides the demo users by role.
import path from 'node:path';
import { artifactsDir } from './browser.mjs';
import { apiSession, check, log, run, signInThroughForm, withProfile } from './common.mjs';

const ROLES = {
  planner: 'planner.sh01',
  giver: 'parts.sh02',
  giverKeeper: 'warehouse.sh02',
  keeper: 'warehouse.sh01',
  ...JSON.parse(process.env.DN_REORDER_USERS || '{}'),
};
const RUN_TIMEOUT_MS = 120_000;

const SUGGESTIONS = `query E2ESuggestions { latestReorderRun { id suggestionCount summary { open } }
  reorderSuggestions(filter: {statuses: [OPEN]}, first: 100) { edges { node {
    id status quantity editedQty reorderPoint part { partNumber packSize }
    explanation { order { packSize step } } purchaseOrder { number source status }
  } } } }`;
const SUGGESTION = `query E2ESuggestion($id: ID!) { node(id: $id) { ... on ReorderSuggestion {
  id status quantity editedQty purchaseOrder { number source status urgency }
} } }`;
const TRANSFERS = `query E2ETransfers($side: TransferSide!) { partsTransfers(side: $side, first: 50) {
  edges { node { id number status quantity partNumber side } } } }`;
const ON_HAND = `query E2EOnHand($search: String!) { parts(search: $search, first: 1) {
  edges { node { partNumber stock { onHand } } } } }`;

/** A quantity as the screen writes it (no trailing zeros). */
function qty(value) {
  return String(Math.round(Number(value) * 10_000) / 10_000);
}

async function onHand(api, partNumber) {
  const data = await api.must('reading stock', ON_HAND, { search: partNumber });
  const node = data.parts.edges[0]?.node;
  check(node?.partNumber === partNumber, `part ${partNumber} not found`);
  return Number(node.stock?.onHand ?? 0);
}

async function reorderAndTransfer() {
  const planner = await apiSession(ROLES.planner);
  let acceptedId = '';

  await withProfile('reorder-planner', {}, async (page) => {
    await signInThroughForm(page, ROLES.planner);
    await page.getByTestId('nav-reorder').click();
    await page.getByTestId('page-reorder').waitFor();
    await page.getByTestId('run-now').click();
    const pending = page.getByTestId('run-pending');
    await pending.waitFor();
    const state = await pending.getAttribute('data-status');
    check(['queued', 'running'].includes(state), `a requested run is queued or running, is ${state}`);
    log(`planner ${ROLES.planner} asked for a run: it shows as “${(await pending.innerText()).split('\n')[0]}”`);
    await pending.waitFor({ state: 'detached', timeout: RUN_TIMEOUT_MS });
    await page.getByTestId('run-latest').waitFor();
    const api = await planner.must('reading the suggestions', SUGGESTIONS);
    const open = api.reorderSuggestions.edges.map((e) => e.node);
    check(open.length > 0, 'the demo history should give open suggestions');
    const rows = page.getByTestId('suggestion-row');
    await rows.first().waitFor();
    check(
      (await rows.count()) === Math.min(open.length, 50),
      `the table shows ${await rows.count()} rows, the API ${open.length} open suggestions`,
    );
    log(`the worker finished the run: ${api.latestReorderRun.suggestionCount} suggestions, ${open.length} open, all listed`);

    const first = rows.first();
    const partNumber = await first.getAttribute('data-part');
    const suggestion = open.find((s) => s.part.partNumber === partNumber);
    check(suggestion, `row ${partNumber} is not an open suggestion of the API`);
    await first.getByTestId('why-toggle').click();
    const why = page.getByTestId('reorder-why');
    await why.waitFor();
    const point = await why.getByTestId('why-reorder-point').innerText();
    check(point.includes(qty(suggestion.reorderPoint)), `why shows “${point}”, the API ${suggestion.reorderPoint}`);
    check((await why.getByTestId('why-position').innerText()).length > 0, 'the position is broken down');
    await page.screenshot({ path: path.join(artifactsDir(), 'reorder-why.png'), fullPage: true });
    log(`the why panel of ${partNumber} shows the numbers: “${point}”`);

    const wanted = Number(suggestion.quantity) + Number(suggestion.explanation.order.packSize);
    const input = first.getByTestId('quantity-input');
    await input.fill(String(wanted));
    await input.press('Enter');
    for (let i = 0; i < 50; i += 1) {
      const node = (await planner.must('reading the suggestion', SUGGESTION, { id: suggestion.id })).node;
      if (Number(node.editedQty) === wanted) break;
      check(i < 49, `the edited quantity was not saved (${node.editedQty})`);
      await page.waitForTimeout(100);
    }
    log(`edited the quantity of ${partNumber} to ${wanted} (one more pack)`);

    await first.getByTestId('suggestion-select').check();
    await page.getByTestId('accept-selected').click();
    const notice = page.getByTestId('reorder-notice');
    await notice.waitFor();
    const plan = (await page.getByTestId('created-plan').first().innerText()).trim();
    const accepted = (await planner.must('reading the suggestion', SUGGESTION, { id: suggestion.id })).node;
    check(accepted.status === 'ACCEPTED', `the suggestion should be accepted, is ${accepted.status}`);
    check(accepted.purchaseOrder?.number === plan, `the notice names ${plan}, the suggestion ${accepted.purchaseOrder?.number}`);
    check(accepted.purchaseOrder.source === 'SUGGESTIONS' && accepted.purchaseOrder.status === 'DRAFT', 'a draft plan from suggestions');
    check(Number(accepted.quantity) === wanted, `the plan orders the edited ${wanted}`);
    acceptedId = accepted.id;
    log(`accepted into draft plan ${plan} (${accepted.purchaseOrder.urgency.toLowerCase()})`);
  });
  check(acceptedId, 'nothing was accepted');

  const giver = await apiSession(ROLES.giver);
  const asked = (await giver.must('listing transfers', TRANSFERS, { side: 'GIVING' })).partsTransfers.edges
    .map((e) => e.node)
    .find((tr) => tr.status === 'REQUESTED');
  check(asked, `${ROLES.giver} should have a transfer request of the demo to decide`);
  const keeper = await apiSession(ROLES.keeper);
  const receiverBefore = await onHand(keeper, asked.partNumber);
  const giverKeeper = await apiSession(ROLES.giverKeeper);
  const giverBefore = await onHand(giverKeeper, asked.partNumber);

  await withProfile('transfer-giver-zh', { locale: 'zh-CN' }, async (page) => {
    await signInThroughForm(page, ROLES.giver);
    await page.getByTestId('nav-transfers').filter({ hasText: '调拨' }).click();
    await page.getByTestId('page-transfers').waitFor();
    const row = page.locator(`[data-testid="transfer-row"][data-number="${asked.number}"]`);
    await row.waitFor();
    await row.getByTestId('transfer-approve').click();
    await row.getByTestId('transfer-note').fill('同区支援');
    await row.getByTestId('transfer-confirm').click();
    await page.getByTestId('transfer-notice').filter({ hasText: '已批准' }).waitFor();
    log(`${ROLES.giver} approved ${asked.number} (${qty(asked.quantity)} × ${asked.partNumber}) in 中文`);
  });

  await giverKeeper.must('shipping', `mutation E2EShip($id: ID!) { shipPartsTransfer(id: $id) { status unitCost } }`, {
    id: asked.id,
  });
  const giverAfter = await onHand(giverKeeper, asked.partNumber);
  check(giverAfter === giverBefore - Number(asked.quantity), `the giver's stock went ${giverBefore} -> ${giverAfter}`);
  log(`${ROLES.giverKeeper} shipped it (API): the giver's stock went ${giverBefore} -> ${giverAfter}`);

  await withProfile('transfer-receiver', {}, async (page) => {
    await signInThroughForm(page, ROLES.keeper);
    await page.getByTestId('nav-transfers').click();
    await page.getByTestId('page-transfers').waitFor();
    await page.getByTestId('transfers-tab-receiving').click();
    const row = page.locator(`[data-testid="transfer-row"][data-number="${asked.number}"][data-status="shipped"]`);
    await row.waitFor();
    await row.getByTestId('transfer-receive').click();
    await page.getByTestId('transfer-notice').waitFor();
    const receiverAfter = await onHand(keeper, asked.partNumber);
    check(
      receiverAfter === receiverBefore + Number(asked.quantity),
      `the receiver's stock went ${receiverBefore} -> ${receiverAfter}`,
    );
    log(`${ROLES.keeper} received it: stock went ${receiverBefore} -> ${receiverAfter}, both ledgers moved`);
  });
}

const SCENARIOS = { 'reorder-and-transfer': reorderAndTransfer };

run(async () => {
  const name = process.argv[2];
  const scenario = SCENARIOS[name];
  if (!scenario) throw new Error(`usage: parts_reorder.mjs ${Object.keys(SCENARIOS).join('|')}`);
  console.log(`• ${name}`);
  await scenario();
});
