#!/usr/bin/env node
// Browser check of the partner applications screens against a running dealernet server
// (no mocks).
//
//   BASE_URL=... DN_USERS='{...}' node e2e/partner_apps.mjs register-and-call
//       the service manager registers an insurer's application with two scopes (the
//       checkboxes show English and Chinese names), is refused a scope they do not hold
//       themselves (SCOPE_NOT_GRANTABLE), adds parts:read, issues a key that is shown
//       once, the partner calls with it (masked personal data), the call appears among
//       the recent calls with its summary, and a revoked key is refused at once.
import { BASE_URL, apiSession, check, log, run, signInThroughForm, withProfile } from './common.mjs';

const MANAGER = process.env.DN_PARTNER_MANAGER || 'manager.sh01';

const APP_QUERY = `query E2EPartnerApp($id: ID!) {
  partnerApp(id: $id) { name scopes { key } keys(includeRevoked: true) { prefix revokedAt } }
}`;
const PARTNER_CALL = `query InsurerCustomers { customers(search: "", first: 3) { edges { node { name phone } } } }`;

async function callAsPartner(key, query) {
  const response = await fetch(`${BASE_URL}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query }),
  });
  return response.json();
}

async function registerAndCall() {
  const api = await apiSession(MANAGER);
  const name = `E2E Insurer ${Math.floor(Math.random() * 1e6)}`;

  await withProfile('partner-apps-manager', { locale: 'en-US' }, async (page) => {
    page.on('dialog', (dialog) => void dialog.accept());
    await signInThroughForm(page, MANAGER);
    await page.getByTestId('nav-partner-apps').click();
    await page.getByTestId('page-partner-apps').waitFor();
    await page.getByTestId('partner-register').click();
    await page.getByTestId('partner-name').fill(name);
    await page.getByTestId('partner-email').fill('it@insurer.example');
    const label = await page.getByTestId('scope-list').innerText();
    check(label.includes('Read repair orders') && label.includes('查看维修工单'), 'the scopes are not named in both languages');
    await page.getByTestId('scope-repair_orders:read').check();
    await page.getByTestId('scope-customers:read').check();
    await page.getByTestId('partner-register-submit').click();
    const row = page.locator(`[data-testid="partner-app-row"][data-name="${name}"]`);
    await row.waitFor();
    log('the manager registers an application with two scopes (English and Chinese names shown)');

    await row.getByTestId('partner-app-link').click();
    await page.getByTestId('page-partner-app').waitFor();
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());

    await page.getByTestId('partner-scopes-edit').click();
    await page.getByTestId('scope-appointments:write').check();
    await page.getByTestId('partner-scopes-save').click();
    const refusal = page.getByTestId('partner-scopes').getByTestId('mutation-error');
    await refusal.waitFor();
    const code = await refusal.getAttribute('data-code');
    check(code === 'SCOPE_NOT_GRANTABLE', `granting appointments:write was answered ${code}`);
    log('a scope the manager does not hold is refused (SCOPE_NOT_GRANTABLE)');
    await page.getByTestId('scope-appointments:write').uncheck();
    await page.getByTestId('scope-parts:read').check();
    await page.getByTestId('partner-scopes-save').click();
    await page.getByTestId('partner-scopes-saved').waitFor();
    const stored = (await api.must('reading the application', APP_QUERY, { id })).partnerApp;
    const keys = stored.scopes.map((s) => s.key).sort().join(',');
    check(keys === 'customers:read,parts:read,repair_orders:read', `the API has scopes ${keys}`);
    log('parts:read is added, as the API then says');

    await page.getByTestId('partner-key-name').fill('production');
    await page.getByTestId('partner-key-issue').click();
    const secret = (await page.getByTestId('partner-key-secret').innerText()).trim();
    check(secret.startsWith('dnk_'), `the shown key reads ${secret}`);
    const answered = await callAsPartner(secret, PARTNER_CALL);
    check(!answered.errors, `the partner's call failed: ${JSON.stringify(answered.errors)}`);
    const people = answered.data.customers.edges.map((e) => e.node);
    check(people.every((p) => p.phone === '' || p.phone.includes('****')), `phones are not masked: ${JSON.stringify(people)}`);
    await page.getByTestId('partner-key-dismiss').click();
    check((await page.getByTestId('partner-key-secret').count()) === 0, 'the secret is still shown');
    log(`a key is issued and shown once; the partner calls with it and sees ${people.length} customers masked`);

    // The call log is written off the request path: it shows within a few seconds.
    const callRow = page.locator('[data-testid="partner-call-row"][data-operation="InsurerCustomers"]');
    for (let attempt = 0; attempt < 20 && (await callRow.count()) === 0; attempt += 1) {
      await page.waitForTimeout(500);
      await page.getByTestId('partner-calls-refresh').click();
      await page.waitForTimeout(300);
    }
    await callRow.first().waitFor();
    await page.reload();
    await page.getByTestId('page-partner-app').waitFor();
    const summary = page.getByTestId('partner-call-summary');
    const calls = Number(await summary.getAttribute('data-calls'));
    check(calls >= 1, `the summary counts ${calls} calls`);
    log(`the call appears among the recent calls; the day's summary counts ${calls}`);

    const keyRow = page.locator('[data-testid="partner-key-row"][data-revoked="false"]');
    await keyRow.getByTestId('partner-key-revoke').click();
    await page.locator('[data-testid="partner-key-row"][data-revoked="true"]').waitFor();
    const refused = await callAsPartner(secret, PARTNER_CALL);
    const refusedCode = refused.errors?.[0]?.extensions?.code;
    check(refusedCode === 'UNAUTHENTICATED', `the revoked key was answered ${refusedCode}`);
    log('the revoked key is refused at once (UNAUTHENTICATED)');
  });
}

run(async () => {
  check(BASE_URL, 'BASE_URL is not set');
  const [command] = process.argv.slice(2);
  if (command === 'register-and-call') return registerAndCall();
  throw new Error(`unknown command ${command}; use register-and-call`);
});
