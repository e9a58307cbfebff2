#!/usr/bin/env node
// Browser check of claim delivery and the manufacturer's review against a running
// dealernet server and its worker (no mocks).
//
//   BASE_URL=... DN_USERS='{...}' DN_REVIEW_CLAIMS='{"waiting":"WC-..","dead":"WC-.."}' \
//     node e2e/warranty_review.mjs retry-and-review
//       the claims specialist (English) opens "Claim delivery", finds the dead message of
//       the "dead" claim with its error under "Failed", sends it again, and sees it
//       delivered by the worker; the manufacturer's warranty technician (中文) opens
//       索赔审核, finds both claims, opens the "waiting" one and approves it line by line
//       (the part line cut, with a reason); the page and the API agree on the outcome.
//
// The two submitted claims of SH01 are arranged by the pytest driver, which also runs the
// worker. DN_REVIEW_USERS='{"claims":"claims.sh01","manufacturer":"warranty.hx"}' overrides.
import { BASE_URL, apiSession, check, log, run, signInThroughForm, withProfile } from './common.mjs';

const ROLES = {
  claims: 'claims.sh01',
  manufacturer: 'warranty.hx',
  ...JSON.parse(process.env.DN_REVIEW_USERS || '{}'),
};
const CLAIMS = JSON.parse(process.env.DN_REVIEW_CLAIMS || '{}');

const DELIVERIES = `query E2EDeliveries { warrantyDeliveries { edges { node { claimNumber status attempts } } } }`;
const INBOX = `query E2EInbox($search: String, $status: [SubmissionStatus!]) {
  warrantyReviewInbox(search: $search, status: $status) {
    edges { node { id status claim { number status approvedAmount } lines { amount approvedAmount decision } } }
  }
}`;

async function retryAndReview() {
  check(CLAIMS.waiting && CLAIMS.dead, 'DN_REVIEW_CLAIMS is not set');
  const claimsApi = await apiSession(ROLES.claims);
  const reviewerApi = await apiSession(ROLES.manufacturer);

  await withProfile('review-deliveries', { locale: 'en-US' }, async (page) => {
    await signInThroughForm(page, ROLES.claims);
    await page.getByTestId('nav-warranty-deliveries').click();
    await page.getByTestId('page-deliveries').waitFor();
    const dead = page.locator(`[data-testid="delivery-row"][data-claim="${CLAIMS.dead}"]`);
    await dead.waitFor();
    const error = await dead.getByTestId('delivery-error').innerText();
    check(error.includes('HTTP 503'), `the failed row shows "${error}", not the last error`);
    await dead.getByTestId('delivery-retry').click();
    await page.getByTestId('delivery-notice').waitFor();
    await dead.waitFor({ state: 'detached' });
    log(`${CLAIMS.dead}: the failed message with its error, sent again`);

    await page.getByTestId('delivery-tab-delivered').click();
    const delivered = page.locator(`[data-testid="delivery-row"][data-claim="${CLAIMS.dead}"][data-status="delivered"]`);
    for (let i = 0; i < 40 && !(await delivered.count()); i += 1) {
      await page.waitForTimeout(500);
      await page.getByTestId('delivery-tab-all').click();
      await page.getByTestId('delivery-tab-delivered').click();
    }
    await delivered.waitFor({ timeout: 5000 });
    const server = (await claimsApi.must('reading deliveries', DELIVERIES)).warrantyDeliveries.edges.map((e) => e.node);
    const mine = server.filter((m) => [CLAIMS.dead, CLAIMS.waiting].includes(m.claimNumber));
    check(
      mine.length === 2 && mine.every((m) => m.status === 'DELIVERED'),
      `the API has the two messages as ${JSON.stringify(mine)}`,
    );
    log('both messages delivered by the worker (the retried one and the one the sweep found)');
  });

  await withProfile('review-inbox', { locale: 'zh-CN' }, async (page) => {
    await signInThroughForm(page, ROLES.manufacturer);
    await page.getByTestId('nav-warranty-review').filter({ hasText: '索赔审核' }).click();
    await page.getByTestId('page-review-inbox').waitFor();
    for (const number of [CLAIMS.waiting, CLAIMS.dead]) {
      await page.locator(`[data-testid="review-row"][data-number="${number}"]`).waitFor();
    }
    log('索赔审核 lists both claims received from SH01');

    await page.getByTestId('review-search').fill(CLAIMS.waiting);
    const row = page.locator(`[data-testid="review-row"][data-number="${CLAIMS.waiting}"]`);
    await row.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('page-review-claim').waitFor();
    await page.getByTestId('review-choice-partial').check();
    const cuts = page.getByTestId('review-cut');
    check((await cuts.count()) === 2, `the form offers ${await cuts.count()} lines to cut, the claim has 2`);
    const part = cuts.nth(1);
    await part.getByTestId('review-cut-amount').fill('600.00');
    await part.getByTestId('review-cut-reason').fill('按配件价格表核减');
    const total = await page.getByTestId('review-approved-total').innerText();
    check(total.includes('870.00'), `the form shows the approved total as "${total}"`);
    await page.getByTestId('review-reason').fill('配件价格超出价格表');
    await page.getByTestId('review-submit').click();
    await page.getByTestId('review-done').filter({ hasText: '部分批准' }).waitFor();
    const approved = page.getByTestId('review-line-approved');
    await approved.nth(1).filter({ hasText: '600.00' }).waitFor();
    log(`${CLAIMS.waiting}: 部分批准 with the part line cut to 600.00 and its reason`);

    const inbox = (await reviewerApi.must('reading the inbox', INBOX, { search: CLAIMS.waiting, status: ['DECIDED'] }))
      .warrantyReviewInbox.edges;
    check(inbox.length === 1, `the API has ${inbox.length} answered copies of ${CLAIMS.waiting}`);
    const { claim, lines } = inbox[0].node;
    check(
      claim.status === 'partially_approved' && claim.approvedAmount === '870.00',
      `the API has the claim ${claim.status} at ${claim.approvedAmount}`,
    );
    check(
      lines.map((l) => l.approvedAmount).join(',') === '270.00,600.00' && lines[1].decision === 'REDUCED',
      `the API has the lines as ${JSON.stringify(lines)}`,
    );
    log('the page shows what the API says: partially approved, 870.00 of 950.00');
  });
}

run(async () => {
  check(BASE_URL, 'BASE_URL is not set');
  const [command] = process.argv.slice(2);
  if (command === 'retry-and-review') return retryAndReview();
  throw new Error(`unknown command ${command}; use retry-and-review`);
});
