#!/usr/bin/env node
// Browser check of old parts (旧件) against a running dealernet server (no mocks).
//
//   BASE_URL=... DN_USERS='{...}' DN_OLD_PART_CLAIM=WC-... node e2e/warranty_old_parts.mjs tag-ship-inspect
//       the claims specialist (English) tags the claim's replaced part from the 旧件库's
//       "to tag" list straight onto a store location; the manufacturer's warranty
//       technician (中文) asks for it back on 旧件鉴定; the claims specialist packs it in a
//       new shipment, ships it with carrier and tracking and opens the packing list (装箱单:
//       tag, part number, claim number, VIN, quantity), which matches the API; the
//       technician marks the shipment received and rules the part not confirmed, and the
//       claims specialist sees it as a charge-back candidate.
//
//   ... DN_OLD_PART_CLAIM=WC-... node e2e/warranty_old_parts.mjs record-payment
//       the cashier (English) records the manufacturer's remittance on 三包费用结算 and
//       cannot allocate it; the claims specialist (中文) allocates it by the claim number
//       from the remittance: the claim shows paid and the payment's leftover is flagged,
//       as the API says.
//
// The claim (approved for 680.00, with a warranty part line of a repair order at the
// claims specialist's dealer) is arranged by the pytest driver.
// DN_OLD_PART_USERS='{"claims":"claims.sh01","manufacturer":"warranty.hx","cashier":"cashier.sh01"}'
// overrides the users.
import { BASE_URL, apiSession, check, log, run, signInThroughForm, withProfile } from './common.mjs';

const ROLES = {
  claims: 'claims.sh01',
  manufacturer: 'warranty.hx',
  cashier: 'cashier.sh01',
  ...JSON.parse(process.env.DN_OLD_PART_USERS || '{}'),
};
const CLAIM = process.env.DN_OLD_PART_CLAIM || '';

const PART_QUERY = `query E2EOldPart($search: String!) {
  oldParts(search: $search) { edges { node { id tag status location claimNumber vin partNumber shipmentNumber } } }
}`;
const CANDIDATES_QUERY = `query E2ECandidates { warrantyChargeBackCandidates { tag claimNumber result } }`;

async function partOfClaim(api) {
  const edges = (await api.must('reading the old parts', PART_QUERY, { search: CLAIM })).oldParts.edges;
  check(edges.length === 1, `expected one old part of ${CLAIM}, the API has ${edges.length}`);
  return edges[0].node;
}

async function tagShipInspect() {
  check(CLAIM, 'DN_OLD_PART_CLAIM is not set');
  const claimsApi = await apiSession(ROLES.claims);
  let tag = null;
  let shipment = null;

  await withProfile('old-parts-claims', { locale: 'en-US' }, async (page) => {
    await signInThroughForm(page, ROLES.claims);
    await page.getByTestId('nav-old-parts').click();
    await page.getByTestId('page-old-parts').waitFor();
    await page.getByTestId('old-parts-tab-toTag').click();
    const line = page.locator(`[data-testid="old-part-to-tag"][data-claim-number="${CLAIM}"]`);
    await line.getByTestId('old-part-tag-location').fill('OP-E2E-01');
    await line.getByTestId('old-part-tag-submit').click();
    const done = page.getByTestId('old-part-tagged');
    await done.waitFor();
    tag = await done.getAttribute('data-tag');
    await line.waitFor({ state: 'detached' });
    const server = await partOfClaim(claimsApi);
    check(server.tag === tag, `the page says tag ${tag}, the API ${server.tag}`);
    check(server.status === 'STORED' && server.location === 'OP-E2E-01', `the part is ${server.status} at ${server.location}`);
    await page.getByTestId('old-parts-tab-store').click();
    await page.getByTestId('old-parts-search').fill(tag);
    const row = page.locator(`[data-testid="old-part-row"][data-tag="${tag}"]`);
    await row.waitFor();
    check((await row.getAttribute('data-status')) === 'stored', 'the store does not show the part as stored');
    log(`tagged ${tag} from claim ${CLAIM} onto OP-E2E-01; the store lists it as stored`);
  });

  await withProfile('old-parts-manufacturer-ask', { locale: 'zh-CN' }, async (page) => {
    await signInThroughForm(page, ROLES.manufacturer);
    await page.getByTestId('nav-old-part-inspection').filter({ hasText: '旧件鉴定' }).click();
    await page.getByTestId('page-inspection').waitFor();
    const row = page.locator(`[data-testid="awaiting-part"][data-tag="${tag}"]`);
    await row.locator('input[type="checkbox"]').check();
    await page.getByTestId('awaiting-ask').click();
    await row.waitFor({ state: 'detached' });
    const server = await partOfClaim(claimsApi);
    check(server.status === 'REQUESTED', `after the manufacturer asked, the part is ${server.status}`);
    log('the manufacturer (中文) asked for the part back on 旧件鉴定');
  });

  await withProfile('old-parts-shipment', { locale: 'en-US' }, async (page) => {
    await signInThroughForm(page, ROLES.claims);
    await page.getByTestId('nav-old-part-shipments').click();
    await page.getByTestId('page-shipments').waitFor();
    await page.getByTestId('shipment-new').click();
    const detail = page.getByTestId('shipment-detail');
    await detail.waitFor();
    shipment = await detail.getAttribute('data-number');
    await page.locator(`[data-testid="shipment-candidate"][data-tag="${tag}"]`).check();
    await page.getByTestId('shipment-add').click();
    await page.locator(`[data-testid="shipment-part"][data-tag="${tag}"]`).waitFor();
    await page.getByTestId('shipment-carrier').fill('SF Express');
    await page.getByTestId('shipment-tracking').fill('SF7788990011');
    await page.getByTestId('shipment-ship').click();
    await page.locator('[data-testid="shipment-detail"][data-status="shipped"]').waitFor();
    log(`packed ${tag} in ${shipment} and shipped it with SF Express SF7788990011`);

    await page.getByTestId('shipment-packing-list').click();
    const list = page.getByTestId('packing-list');
    await list.waitFor();
    const server = await partOfClaim(claimsApi);
    const lines = await page.getByTestId('packing-list-line').evaluateAll((rows) =>
      rows.map((r) => ({
        tag: r.dataset.tag,
        partNumber: r.querySelector('[data-testid="packing-list-part-number"]').textContent.trim(),
        claim: r.querySelector('[data-testid="packing-list-claim"]').textContent.trim(),
        vin: r.querySelector('[data-testid="packing-list-vin"]').textContent.trim(),
        quantity: r.querySelector('td.amount').textContent.trim(),
      })),
    );
    check(lines.length === 1, `the packing list has ${lines.length} lines`);
    const [printed] = lines;
    const expected = { tag, partNumber: server.partNumber, claim: CLAIM, vin: server.vin, quantity: '1' };
    check(JSON.stringify(printed) === JSON.stringify(expected), `packing list line ${JSON.stringify(printed)}, expected ${JSON.stringify(expected)}`);
    check(server.status === 'SHIPPED' && server.shipmentNumber === shipment, `the API has the part ${server.status} in ${server.shipmentNumber}`);
    await page.getByTestId('packing-list-total').filter({ hasText: '1' }).waitFor();
    log(`packing list ${shipment}: ${printed.tag} · ${printed.partNumber} · ${printed.claim} · ${printed.vin} · 1, as the API says`);
  });

  await withProfile('old-parts-inspection', { locale: 'zh-CN' }, async (page) => {
    await signInThroughForm(page, ROLES.manufacturer);
    await page.getByTestId('nav-old-part-inspection').click();
    const row = page.locator(`[data-testid="inspection-shipment"][data-number="${shipment}"]`);
    await row.getByTestId('inspection-receive').click();
    await row.locator('[data-testid="shipment-status"][data-status="received"]').waitFor();
    await row.click();
    const part = page.locator(`[data-testid="inspection-part"][data-tag="${tag}"]`);
    await part.getByTestId('inspection-result').selectOption('NOT_CONFIRMED');
    await part.getByTestId('inspection-note').fill('密封完好，无渗漏');
    await part.getByTestId('inspection-save').click();
    await part.locator('[data-result="not_confirmed"]').filter({ hasText: '鉴定不属实' }).waitFor();
    log('the manufacturer (中文) received the shipment and ruled the part 鉴定不属实');
  });

  const candidates = (await claimsApi.must('reading charge-back candidates', CANDIDATES_QUERY)).warrantyChargeBackCandidates;
  check(
    candidates.some((c) => c.tag === tag && c.claimNumber === CLAIM && c.result === 'NOT_CONFIRMED'),
    `the claims specialist does not see ${tag} as a charge-back candidate: ${JSON.stringify(candidates)}`,
  );
  log(`${tag} is now a charge-back candidate of ${CLAIM}`);
}

const BALANCE_QUERY = `query E2EBalance($search: String!) {
  warrantyClaimBalances(onlyOpen: false, search: $search) { rows { number status paid outstanding } }
}`;

async function recordPayment() {
  check(CLAIM, 'DN_OLD_PART_CLAIM is not set');
  const reference = `HX-E2E-${CLAIM.slice(-8)}`;

  await withProfile('settlement-cashier', { locale: 'en-US' }, async (page) => {
    await signInThroughForm(page, ROLES.cashier);
    await page.getByTestId('nav-warranty-settlement').click();
    await page.getByTestId('page-settlement').waitFor();
    await page.getByTestId('payment-reference').fill(reference);
    await page.getByTestId('payment-amount').fill('1000.00');
    await page.getByTestId('payment-record').click();
    const detail = page.locator(`[data-testid="payment-detail"][data-reference="${reference}"]`);
    await detail.waitFor();
    await page.locator(`[data-testid="payment-row"][data-reference="${reference}"] [data-testid="payment-unallocated"][data-value="1000.00"]`).waitFor();
    check((await page.getByTestId('allocation-form').count()) === 0, 'the cashier is offered to allocate the payment');
    log(`the cashier recorded ${reference} for 1000.00; allocating is not offered to finance`);
  });

  await withProfile('settlement-claims', { locale: 'zh-CN' }, async (page) => {
    await signInThroughForm(page, ROLES.claims);
    await page.getByTestId('nav-warranty-settlement').click();
    await page.locator(`[data-testid="payment-row"][data-reference="${reference}"]`).click();
    await page.getByTestId('allocation-lines').fill(CLAIM);
    await page.getByTestId('allocation-submit').click();
    await page.getByTestId('allocation-done').waitFor();
    await page.locator(`[data-testid="allocation-row"][data-claim-number="${CLAIM}"]`).waitFor();
    await page.locator(`[data-testid="payment-row"][data-reference="${reference}"] [data-testid="payment-unallocated"][data-value="320.00"]`).waitFor();
    await page.getByTestId('settlement-tab-claims').click();
    await page.getByTestId('settlement-only-open').uncheck();
    const row = page.locator(`[data-testid="claim-balance"][data-claim-number="${CLAIM}"]`);
    await row.waitFor();
    check((await row.getAttribute('data-status')) === 'paid', `the claim shows ${await row.getAttribute('data-status')}`);
    const api = await apiSession(ROLES.claims);
    const [balance] = (await api.must('reading the claim balance', BALANCE_QUERY, { search: CLAIM })).warrantyClaimBalances.rows;
    check(
      balance && balance.status === 'PAID' && balance.paid === '680.00' && balance.outstanding === '0.00',
      `the API has the claim ${JSON.stringify(balance)}`,
    );
    log(`the claims specialist (中文) allocated it to ${CLAIM}: paid 680.00, 320.00 left over on the payment`);
  });
}

run(async () => {
  check(BASE_URL, 'BASE_URL is not set');
  const [command] = process.argv.slice(2);
  if (command === 'tag-ship-inspect') return tagShipInspect();
  if (command === 'record-payment') return recordPayment();
  throw new Error(`unknown command ${command}; use tag-ship-inspect or record-payment`);
});
