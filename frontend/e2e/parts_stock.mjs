#!/usr/bin/env node
// Browser check of stock and issuing against a running dealernet server (no mocks).
//
//   BASE_URL=... DN_USERS='{...}' node e2e/parts_stock.mjs keeper-issues
//       the advisor opens an order for a stocked part and the customer approves it, the
//       technician requests the part and the advisor countersigns (all through the API);
//       the warehouse keeper (in the browser, 中文) finds it in the issue queue under the
//       Parts group with the car's plate, issues it against the old part handed over,
//       prints the slip, and sees the stock list and the item's ledger one lower.
//
// DN_PARTS_USERS='{"keeper":"warehouse.sh01",...}' overrides the demo users by role.
import { apiSession, check, log, randomMobile, randomVin, run, signInThroughForm, withProfile, BASE_URL } from './common.mjs';

const ROLES = {
  advisor: 'advisor.sh01',
  technician: 'tech.sh01',
  keeper: 'warehouse.sh01',
  ...JSON.parse(process.env.DN_PARTS_USERS || '{}'),
};
const SIGNATURE = 'M10 30 C 30 5, 50 55, 70 30 S 110 5, 130 30';

const STOCK_ITEMS = `query E2EStock($search: String!) {
  stockItems(search: $search, belowMin: false, first: 100) {
    edges { node { id binLocation onHand available part { id partNumber } } }
  }
}`;
const REQUEST_FIELDS = 'id number status plate orderNumber missingSignatures';

async function stockOf(api, partNumber) {
  const data = await api.must('reading stock', STOCK_ITEMS, { search: partNumber });
  return data.stockItems.edges.map((e) => e.node).find((n) => n.part.partNumber === partNumber);
}

/** An order approved by the customer for one stocked part, requested and countersigned. */
async function signedRequest() {
  const advisor = await apiSession(ROLES.advisor);
  const stocked = (await advisor.must('reading stock', STOCK_ITEMS, { search: '' })).stockItems.edges
    .map((e) => e.node)
    .filter((n) => n.binLocation && Number(n.available) >= 1);
  check(stocked.length > 0, 'the demo dealer has no stocked part with a bin and one available');
  const item = stocked[0];
  const vin = randomVin();
  const plate = `沪A${vin.slice(-5)}`;
  const opened = (
    await advisor.must(
      'opening a walk-in order',
      `mutation E2EOpen($input: OpenRepairOrderInput!) { openRepairOrder(input: $input) { id number } }`,
      {
        input: {
          customer: { name: 'E2E Parts', phone: randomMobile('137') },
          vehicle: { vin, plate, model: 'HX Aurora 1.5T' },
          mileageIn: 23000,
          customerDescription: 'replace a part',
        },
      },
    )
  ).openRepairOrder;
  const line = (
    await advisor.must('adding the part line', `mutation E2EAdd($input: AddQuotationLineInput!) { addQuotationLine(input: $input) { id } }`, {
      input: { orderId: opened.id, kind: 'PART', partId: item.part.id, quantity: '1' },
    })
  ).addQuotationLine;
  const revision = (
    await advisor.must('sending the quotation', `mutation E2ESend($input: SendQuotationInput!) { sendQuotation(input: $input) { id } }`, {
      input: { orderId: opened.id },
    })
  ).sendQuotation;
  await advisor.must(
    'approving by signature',
    `mutation E2EApprove($r: ID!, $s: String!) { approveQuotationBySignature(revisionId: $r, signature: $s) { status } }`,
    { r: revision.id, s: SIGNATURE },
  );
  log(`order ${opened.number} for ${item.part.partNumber} (bin ${item.binLocation}) approved through the API`);
  const technician = await apiSession(ROLES.technician);
  const requested = (
    await technician.must('requesting the part', `mutation E2ERequest($input: RequestPartsInput!) { requestParts(input: $input) { ${REQUEST_FIELDS} } }`, {
      input: { lineId: line.id },
    })
  ).requestParts;
  check(requested.missingSignatures.join() === 'COUNTERSIGN', `a new request misses ${requested.missingSignatures}`);
  const signed = (
    await advisor.must('countersigning', `mutation E2ESign($id: ID!) { countersignPartsRequest(requestId: $id) { ${REQUEST_FIELDS} } }`, {
      id: requested.id,
    })
  ).countersignPartsRequest;
  check(signed.status === 'SIGNED', `after the countersignature the request is ${signed.status}`);
  log(`${ROLES.technician} requested ${signed.number}, ${ROLES.advisor} countersigned it`);
  return { request: signed, item, order: opened };
}

async function keeperIssues() {
  console.log('the keeper issues a requested part');
  const { request, item, order } = await signedRequest();
  const plate = request.plate;
  const keeperApi = await apiSession(ROLES.keeper);
  await withProfile('keeper-issues', { locale: 'zh-CN' }, async (page) => {
    await signInThroughForm(page, ROLES.keeper);
    const nav = page.getByTestId('navigation');
    await nav.locator('.nav-group').filter({ hasText: '配件' }).waitFor();
    await page.getByTestId('nav-issue-queue').filter({ hasText: '发料' }).click();
    await page.getByTestId('page-issue-queue').waitFor();
    const card = page.locator(`[data-testid="queue-item"][data-request-number="${request.number}"]`);
    await card.waitFor();
    const shownPlate = (await card.getByTestId('queue-plate').innerText()).trim();
    check(shownPlate === plate, `the queue shows plate ${shownPlate}, the order's car is ${plate}`);
    check((await card.getAttribute('data-bin')) === item.binLocation, `the queue item is not at bin ${item.binLocation}`);
    log(`${request.number} waits in the queue at ${item.binLocation} with plate ${plate}`);
    const oldPart = await card.getByTestId('old-part').inputValue();
    check(oldPart === 'HAND_OVER', `a customer line defaults to handing the old part over, not ${oldPart}`);
    await card.getByTestId('old-part').selectOption('SCRAP');
    await card.getByTestId('issue-button').click();
    await page.getByTestId('issued-notice').filter({ hasText: request.number }).waitFor();
    await card.waitFor({ state: 'detached' });
    log('issued from the queue; the request left it');

    await page.getByTestId('issued-slip').click();
    await page.getByTestId('page-issue-slip').waitFor();
    const slipPlate = (await page.getByTestId('slip-plate').innerText()).trim();
    check(slipPlate === plate, `the slip carries plate ${slipPlate}, not ${plate}`);
    check((await page.getByTestId('slip-order').innerText()).trim() === order.number, 'the slip names another order');
    await page.locator('.slip').filter({ hasText: '报废' }).waitFor();
    log(`the issue slip carries the plate ${plate}, the order and 报废 (scrapped old part)`);

    const after = await stockOf(keeperApi, item.part.partNumber);
    check(Number(after.onHand) === Number(item.onHand) - 1, `on hand went ${item.onHand} -> ${after.onHand}, not down by one`);
    await page.getByTestId('nav-parts-stock').click();
    await page.getByTestId('page-stock').waitFor();
    await page.getByTestId('stock-search').fill(item.part.partNumber);
    const row = page.locator(`[data-testid="stock-row"][data-part-number="${item.part.partNumber}"]`);
    await row.getByTestId('stock-on-hand').filter({ hasText: new RegExp(`^${Number(after.onHand)}$`) }).waitFor();
    await row.locator('a').first().click();
    await page.getByTestId('page-stock-item').waitFor();
    const newest = page.getByTestId('movement-row').first();
    check((await newest.getAttribute('data-kind')) === 'issue', 'the newest movement of the item is not the issue');
    await newest.filter({ hasText: request.number }).waitFor();
    log(`the stock list shows ${after.onHand} on hand and the ledger's newest line is the issue of ${request.number}`);
  });
  const final = (
    await keeperApi.must('reading the request', `query E2EReq($id: ID!) { node(id: $id) { ... on PartsRequest { status oldPart issuedBy { username } } } }`, {
      id: request.id,
    })
  ).node;
  check(final.status === 'ISSUED' && final.oldPart === 'SCRAP', `the server has the request ${JSON.stringify(final)}`);
  check(final.issuedBy?.username === ROLES.keeper, `issued by ${final.issuedBy?.username}, not ${ROLES.keeper}`);
  log('the server has it issued by the keeper with the old part scrapped');
}

run(async () => {
  check(BASE_URL, 'BASE_URL is not set');
  const [command] = process.argv.slice(2);
  if (command === 'keeper-issues') return keeperIssues();
  throw new Error(`unknown command ${command}; use keeper-issues`);
});
