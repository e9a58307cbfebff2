#!/usr/bin/env node
// Browser check of a partner application's webhooks against a running dealernet server
// and a real receiver (no mocks). The pytest side (tests/browser/test_partner_webhooks.py)
// arranges the application, serves the receiver and runs the delivery attempts between
// the two steps.
//
//   BASE_URL=... DN_USERS='{...}' node e2e/partner_webhooks.mjs subscribe-and-ping <app id> <receiver url>
//       the service manager subscribes the application to order status changes (an event
//       outside its scopes cannot be chosen), sees the signing secret once (printed as
//       `SECRET whsec_...` for the caller to verify signatures), and sends a test event,
//       which the delivery log shows pending
//   ... node e2e/partner_webhooks.mjs log-and-replay <app id>
//       the log shows the test event delivered with its attempt (in Chinese, too); a
//       replay adds a pending delivery marked as a replay, with the same event ID
import { BASE_URL, check, log, run, signInThroughForm, withProfile } from './common.mjs';

const MANAGER = process.env.DN_PARTNER_MANAGER || 'manager.sh01';

async function openApp(page, appId) {
  await signInThroughForm(page, MANAGER);
  await page.goto(`${BASE_URL}/partners/${encodeURIComponent(appId)}`);
  await page.getByTestId('app-webhooks').waitFor();
}

async function subscribeAndPing(appId, receiverUrl) {
  await withProfile('partner-webhooks-subscribe', { locale: 'en-US' }, async (page) => {
    await openApp(page, appId);
    await page.getByTestId('webhook-none').waitFor();
    await page.getByTestId('webhook-add').click();
    await page.getByTestId('webhook-url').fill(receiverUrl);
    const claims = page.locator('[data-event="warranty_claim.decided"] input');
    check(await claims.isDisabled(), 'an event outside the scopes can be chosen');
    const events = await page.getByTestId('webhook-events').innerText();
    check(events.includes('needs scope claims:read'), `the events say: ${events}`);
    await page.locator('[data-event="repair_order.status_changed"] input').check();
    await page.getByTestId('webhook-create').click();
    const secret = (await page.getByTestId('webhook-secret-value').innerText()).trim();
    check(secret.startsWith('whsec_'), `the shown secret reads ${secret}`);
    console.log(`SECRET ${secret}`);
    const row = page.getByTestId('webhook-subscription');
    check((await row.getByTestId('webhook-subscription-url').innerText()) === receiverUrl, 'the subscription URL differs');
    log('the manager subscribes to order status changes; an event outside the scopes cannot be chosen');
    await page.getByRole('button', { name: 'Done' }).click();
    check((await page.getByTestId('webhook-secret').count()) === 0, 'the secret is still shown');
    log('the signing secret is shown once');

    await row.getByTestId('webhook-ping').click();
    await page.locator('[data-testid="webhook-delivery"][data-event="webhook.ping"][data-status="pending"]').waitFor();
    log('a test event is sent and the log shows it pending');
  });
}

async function logAndReplay(appId) {
  await withProfile('partner-webhooks-log', { locale: 'zh-CN' }, async (page) => {
    page.on('dialog', (dialog) => void dialog.accept());
    await openApp(page, appId);
    const delivered = page.locator('[data-testid="webhook-delivery"][data-status="delivered"]');
    await delivered.waitFor();
    check((await delivered.innerText()).includes('已送达'), 'the status is not shown in Chinese');
    await delivered.getByRole('button', { name: '详情' }).click();
    const attempt = page.locator('[data-testid="webhook-attempt"][data-outcome="delivered"]');
    await attempt.waitFor();
    check((await attempt.innerText()).includes('204'), `the attempt reads ${await attempt.innerText()}`);
    log('the log shows the test event delivered, its attempt answered 204 (in Chinese)');

    const eventId = (await delivered.locator('.mono').first().innerText()).trim();
    await delivered.getByTestId('webhook-replay').click();
    await page.getByTestId('webhook-log-notice').waitFor();
    const replay = page.locator('[data-testid="webhook-delivery"][data-status="pending"]');
    await replay.waitFor();
    check((await replay.innerText()).includes(eventId), 'the replay carries another event ID');
    console.log(`EVENT ${eventId}`);
    log('a replay is queued with the same event ID');

    await page.getByTestId('webhook-log-status').selectOption('DEAD');
    await page.getByTestId('webhook-log-empty').waitFor();
    log('filtering by failed shows none');
  });
}

run(async () => {
  check(BASE_URL, 'BASE_URL is not set');
  const [command, appId, receiverUrl] = process.argv.slice(2);
  if (command === 'subscribe-and-ping') return subscribeAndPing(appId, receiverUrl);
  if (command === 'log-and-replay') return logAndReplay(appId);
  throw new Error(`unknown command ${command}; use subscribe-and-ping or log-and-replay`);
});
