#!/usr/bin/env node
// Browser checks of purchasing and receiving against a running dealernet server (no mocks).
//
//   BASE_URL=... DN_USERS='{...}' node e2e/parts_purchasing.mjs plan-approved-and-received
//       the parts planner drafts a plan by hand and submits it (browser); the parts manager
//       reviews it (API); the service manager, in 中文, sees their approval limit, approves
//       and opens the printable plan form with its three copies (browser); the planner
//       marks it ordered (API); the warehouse keeper receives the delivery (browser), the
//       planner checks the shipping list (API), the keeper counts, posts and confirms
//       shelving (browser); the order is received and the stock grew by the delivery.
//
// DN_PURCHASING_USERS='{"planner":"planner.sh01",...}' overrides the demo users by role.
import { BASE_URL, apiSession, check, log, run, signInThroughForm, withProfile } from './common.mjs';

const ROLES = {
  planner: 'planner.sh01',
  partsManager: 'parts.sh01',
  manager: 'manager.sh01',
  keeper: 'warehouse.sh01',
  ...JSON.parse(process.env.DN_PURCHASING_USERS || '{}'),
};
const PART_NUMBER = process.env.DN_PURCHASING_PART || 'HX3707100';
const QUANTITY = 8;

const ORDER_QUERY = `query E2EPurchaseOrder($id: ID!) { node(id: $id) { ... on PurchaseOrder {
  id number status total approvedBy { username } reviewedBy { username }
  lines { quantity receivedQty onHand part { partNumber } }
} } }`;

async function order(api, id) {
  return (await api.must('reading the plan', ORDER_QUERY, { id })).node;
}

function inDays(days) {
  const date = new Date(Date.now() + days * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(date);
}

async function planApprovedAndReceived() {
  const planner = await apiSession(ROLES.planner);
  let orderId = '';
  let number = '';

  await withProfile('purchasing-planner', {}, async (page) => {
    await signInThroughForm(page, ROLES.planner);
    await page.getByTestId('nav-purchase-orders').click();
    await page.getByTestId('page-purchase-orders').waitFor();
    await page.getByTestId('new-plan').click();
    await page.getByTestId('page-purchase-order-new').waitFor();
    await page.getByTestId('plan-line-search').fill(PART_NUMBER);
    await page.getByTestId('plan-line-search-option').first().waitFor();
    await page.getByTestId('plan-line-search').press('Enter');
    await page.getByTestId('plan-line-chosen').waitFor();
    await page.getByTestId('plan-line-quantity').fill(String(QUANTITY));
    await page.getByTestId('plan-line-add').click();
    await page.locator(`[data-testid="new-plan-line"][data-part-number="${PART_NUMBER}"]`).waitFor();
    await page.getByTestId('create-plan').click();
    const detail = page.getByTestId('page-purchase-order');
    await detail.waitFor();
    orderId = await detail.getAttribute('data-order-id');
    number = await detail.getAttribute('data-number');
    check(orderId && number, 'the new plan has no id or number');
    check((await detail.getAttribute('data-status')) === 'draft', 'a new plan is a draft');
    log(`planner ${ROLES.planner} drafted ${number} with ${QUANTITY} × ${PART_NUMBER}`);
    await page.getByTestId('submit-plan').click();
    await page.locator('[data-testid="page-purchase-order"][data-status="submitted"]').waitFor();
    const waiting = await page.getByTestId('nothing-to-decide').innerText();
    check(/review/i.test(waiting), `after submitting the planner should see it waits for review: ${waiting}`);
    log('submitted: it waits for the parts manager’s review');
  });

  const before = await order(planner, orderId);
  const onHandBefore = Number(before.lines[0].onHand);
  const partsManager = await apiSession(ROLES.partsManager);
  await partsManager.must(
    'reviewing',
    `mutation E2EReview($id: ID!) { reviewPurchaseOrder(orderId: $id, note: "quantities checked") { status } }`,
    { id: orderId },
  );
  log(`parts manager ${ROLES.partsManager} reviewed it (API)`);

  await withProfile('purchasing-manager', { locale: 'zh-CN' }, async (page) => {
    await signInThroughForm(page, ROLES.manager);
    await page.goto(`${BASE_URL}/parts/purchase-orders/${orderId}`);
    await page.locator('[data-testid="page-purchase-order"][data-status="reviewed"]').waitFor();
    const authority = page.getByTestId('authority');
    const limit = await authority.getAttribute('data-limit');
    check(limit && Number(limit) > 0, `the service manager's approval limit is not shown: ${limit}`);
    check((await authority.getAttribute('data-within')) === 'true', 'the plan should be within the limit');
    check((await authority.innerText()).includes('采购审批权限'), 'the authority is shown in Chinese');
    log(`the service manager sees their approval limit (${limit}) beside the plan total, in 中文`);
    await page.getByTestId('decision-note-input').fill('同意');
    await page.getByTestId('approve-plan').click();
    await page.locator('[data-testid="page-purchase-order"][data-status="approved"]').waitFor();
    check((await page.getByTestId('approved-by').innerText()).trim().length > 0, 'approved-by is empty');
    log(`service manager ${ROLES.manager} approved ${number}`);
    await page.getByTestId('print-plan').click();
    await page.getByTestId('page-plan-print').waitFor();
    const copies = await page.getByTestId('plan-form-copy').count();
    check(copies === 3, `the plan form should have 3 copies, has ${copies}`);
    const text = await page.getByTestId('page-plan-print').innerText();
    check(text.includes('订货计划单') && text.includes(number), 'the printed form lacks its title or number');
    check(['计划员联', '采购员联', '财务联'].every((c) => text.includes(c)), 'copies for planner, purchaser and finance');
    log('the printable plan form shows three copies: planner, purchaser, finance');
  });

  await planner.must(
    'marking ordered',
    `mutation E2EOrdered($input: MarkPurchaseOrderOrderedInput!) { markPurchaseOrderOrdered(input: $input) { status } }`,
    { input: { orderId, expectedOn: inDays(2) } },
  );
  log(`planner marked ${number} ordered (API)`);

  await withProfile('purchasing-keeper', {}, async (page) => {
    await signInThroughForm(page, ROLES.keeper);
    await page.getByTestId('nav-receiving').click();
    await page.getByTestId('page-receiving').waitFor();
    const row = page.locator(`[data-testid="awaiting-order"][data-number="${number}"]`);
    await row.waitFor();
    await row.getByTestId('delivery-note').fill('SL-E2E-1');
    await row.getByTestId('receive-order').click();
    const receiptPage = page.getByTestId('page-receipt');
    await receiptPage.waitFor();
    const receiptId = await receiptPage.getAttribute('data-receipt-id');
    const receiptNumber = await receiptPage.getAttribute('data-number');
    check(!(await page.getByTestId('post-receipt').isEnabled()), 'posting must wait for the shipping list check');
    log(`keeper ${ROLES.keeper} opened receipt ${receiptNumber}; posting waits for the shipping list check`);

    await planner.must(
      'checking the shipping list',
      `mutation E2ECheck($input: CheckShippingListInput!) { checkShippingList(input: $input) { id } }`,
      { input: { receiptId, lines: [] } },
    );
    log('the planner (purchaser) checked the shipping list (API)');
    await page.reload();
    await page.locator('[data-testid="step-shipping"][data-done="true"]').waitFor();

    const line = page.locator(`[data-testid="receipt-line"][data-part-number="${PART_NUMBER}"]`);
    await line.getByTestId('counted-qty').fill(String(QUANTITY));
    await line.getByTestId('save-count').click();
    await page.locator(`[data-testid="receipt-line"][data-part-number="${PART_NUMBER}"][data-counted="true"]`).waitFor();
    check((await line.getByTestId('accepted-qty').innerText()).trim() === String(QUANTITY), 'accepted should equal the count');
    log(`counted ${QUANTITY}, quality OK`);
    await page.getByTestId('post-receipt').click();
    await page.locator('[data-testid="page-receipt"][data-status="posted"]').waitFor();
    await page.getByTestId('confirm-shelving').click();
    await page.locator('[data-testid="step-shelve"][data-done="true"]').waitFor();
    log('posted into stock and shelving confirmed: all three inspections done');
  });

  const after = await order(planner, orderId);
  check(after.status === 'RECEIVED', `the order should be received, is ${after.status}`);
  check(Number(after.lines[0].receivedQty) === QUANTITY, `received ${after.lines[0].receivedQty}`);
  const onHandAfter = Number(after.lines[0].onHand);
  check(onHandAfter === onHandBefore + QUANTITY, `on hand went ${onHandBefore} -> ${onHandAfter}`);
  log(`the order is received and ${PART_NUMBER} on hand went ${onHandBefore} -> ${onHandAfter}`);
}

const SCENARIOS = { 'plan-approved-and-received': planApprovedAndReceived };

run(async () => {
  const name = process.argv[2];
  const scenario = SCENARIOS[name];
  if (!scenario) throw new Error(`usage: parts_purchasing.mjs ${Object.keys(SCENARIOS).join('|')}`);
  console.log(`• ${name}`);
  await scenario();
});
