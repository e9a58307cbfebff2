#!/usr/bin/env node
// Browser check of warranty claims (索赔申请) against a running dealernet server (no mocks).
//
//   BASE_URL=... DN_USERS='{...}' DN_CLAIM_ORDER=E2E-... node e2e/warranty_claims.mjs build-check-submit
//       the claims specialist (English) finds the repair order on "New claim", sees its
//       warranty lines covered, builds a standard claim without the correction; the check
//       panel blocks on CORRECTION_MISSING; he writes the correction, the claim becomes
//       ready, attaches a photo (its SHA-256 as the server has it) and submits: the page
//       and the API say submitted, with the history draft → submitted. In 中文 the claims
//       list shows it as 已提交 and the order page shows its lines 在保 with the claim.
//
// The repair order (in work at SH01, a warranty labour and part line, the part issued) is
// arranged by the pytest driver. DN_CLAIM_USER overrides the claims specialist.
import { createHash } from 'node:crypto';
import { BASE_URL, apiSession, check, log, run, signInThroughForm, withProfile } from './common.mjs';

const CLAIMS = process.env.DN_CLAIM_USER || 'claims.sh01';
const ORDER = process.env.DN_CLAIM_ORDER || '';

const CLAIM_QUERY = `query E2EClaim($id: ID!) { node(id: $id) { ... on WarrantyClaim {
  number status submissionCount files { sha256 } history { fromStatus toStatus }
  order { id number } } } }`;
const CHECK_QUERY = `query E2ECheck($id: ID!) { warrantyClaimCheck(id: $id) { ready errors { code } } }`;

/** A small JPEG (its magic bytes and a body): the server checks the content, not the name. */
function photo() {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`e2e fault photo ${Date.now()}`)]);
}

async function buildCheckSubmit() {
  check(ORDER, 'DN_CLAIM_ORDER is not set');
  const api = await apiSession(CLAIMS);
  let claimId = null;
  let number = null;
  let orderId = null;

  await withProfile('claims-build', { locale: 'en-US' }, async (page) => {
    await signInThroughForm(page, CLAIMS);
    await page.getByTestId('nav-warranty-claims').click();
    await page.getByTestId('page-claims').waitFor();
    await page.getByTestId('new-claim').click();
    await page.getByTestId('page-claim-new').waitFor();
    await page.getByTestId('claim-order-number').fill(ORDER);
    await page.getByTestId('claim-find-order').click();
    await page.getByTestId('claim-builder').waitFor();
    const lines = page.getByTestId('warranty-line');
    await lines.first().waitFor();
    const verdicts = await page.getByTestId('eligibility-badge').evaluateAll((els) => els.map((e) => e.dataset.covered));
    check(verdicts.length === 2 && verdicts.every((v) => v === 'covered'), `the order's warranty lines show ${JSON.stringify(verdicts)}`);
    const picked = await page.getByTestId('pick-line').evaluateAll((els) => els.filter((e) => e.checked).length);
    check(picked === 2, `${picked} lines are picked, expected both`);
    log(`found ${ORDER}: both warranty lines covered and picked`);

    await page.getByTestId('claim-fault-code').fill('BELT-NOISE');
    check((await page.getByTestId('claim-type').inputValue()) === 'STANDARD', 'the claim type is not STANDARD');
    await page.getByTestId('causal-part-select').selectOption({ index: 1 });
    await page.getByTestId('claim-cause').fill('Belt tensioner bearing seized, belt frayed');
    await page.getByTestId('claim-create').click();
    const claimPage = page.getByTestId('page-claim');
    await claimPage.waitFor();
    number = await claimPage.getAttribute('data-claim-number');
    claimId = decodeURIComponent(page.url().split('/warranty/claims/')[1]);
    check((await claimPage.getAttribute('data-status')) === 'draft', 'the new claim is not a draft');
    await page.locator('[data-testid="check-error"][data-code="CORRECTION_MISSING"]').waitFor();
    check((await page.getByTestId('claim-check').getAttribute('data-ready')) === 'false', 'the check panel says ready');
    const server = (await api.must('checking the claim', CHECK_QUERY, { id: claimId })).warrantyClaimCheck;
    check(!server.ready && server.errors.map((e) => e.code).join() === 'CORRECTION_MISSING', `the API check says ${JSON.stringify(server)}`);
    log(`built ${number}; the check blocks on CORRECTION_MISSING, as the API says`);

    await page.getByTestId('claim-correction').fill('Replaced the belt and the tensioner');
    await page.getByTestId('claim-save').click();
    await page.getByTestId('claim-saved').waitFor();
    await page.locator('[data-testid="claim-check"][data-ready="true"]').waitFor();
    log('with the correction written the claim is ready to submit');

    const content = photo();
    const digest = createHash('sha256').update(content).digest('hex');
    await page.getByTestId('claim-upload').setInputFiles({ name: 'belt.jpg', mimeType: 'image/jpeg', buffer: content });
    await page.locator(`[data-testid="claim-file"][data-sha256="${digest}"]`).waitFor();
    const stored = (await api.must('reading the claim', CLAIM_QUERY, { id: claimId })).node;
    check(stored.files.length === 1 && stored.files[0].sha256 === digest, `the API has files ${JSON.stringify(stored.files)}`);
    log(`attached belt.jpg; the server keeps SHA-256 ${digest.slice(0, 12)}…, as computed here`);

    await page.getByTestId('claim-submit').click();
    await page.locator('[data-testid="page-claim"][data-status="submitted"]').waitFor();
    await page.getByTestId('claim-read-only').waitFor();
    const submitted = (await api.must('reading the claim', CLAIM_QUERY, { id: claimId })).node;
    check(submitted.status === 'SUBMITTED' && submitted.submissionCount === 1, `the API has ${submitted.status} (${submitted.submissionCount})`);
    const moves = submitted.history.map((h) => `${h.fromStatus ?? '∅'}→${h.toStatus}`).join(' ');
    check(moves === '∅→DRAFT DRAFT→SUBMITTED', `history ${moves}`);
    orderId = submitted.order.id;
    log(`submitted ${number}: the page and the API say submitted (history ${moves})`);
  });

  await withProfile('claims-list-zh', { locale: 'zh-CN' }, async (page) => {
    await signInThroughForm(page, CLAIMS);
    await page.getByTestId('nav-warranty-claims').filter({ hasText: '索赔申请' }).click();
    await page.getByTestId('claims-search').fill(number);
    const row = page.locator(`[data-testid="claim-row"][data-claim-number="${number}"]`);
    await row.waitFor();
    check((await row.getAttribute('data-status')) === 'submitted', 'the list does not show the claim as submitted');
    await row.getByText('已提交').waitFor();
    await page.goto(`${BASE_URL}/orders/${encodeURIComponent(orderId)}`);
    const panel = page.getByTestId('order-warranty');
    await panel.waitFor();
    await panel.getByTestId('eligibility-badge').filter({ hasText: '在保' }).first().waitFor();
    await panel.getByText(number).first().waitFor();
    log(`in 中文 the list shows ${number} as 已提交 and the order's lines 在保 with the claim`);
  });
}

run(async () => {
  check(BASE_URL, 'BASE_URL is not set');
  const [command] = process.argv.slice(2);
  if (command === 'build-check-submit') return buildCheckSubmit();
  throw new Error(`unknown command ${command}; use build-check-submit`);
});
