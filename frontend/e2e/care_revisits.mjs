#!/usr/bin/env node
// Browser check of a follow-up call (回访) against a running dealernet server (no mocks).
//
//   BASE_URL=... DN_USERS='{...}' DN_REVISIT_ID=... DN_REVISIT_ORDER=... node e2e/care_revisits.mjs keyboard-call
//       the customer-service specialist (中文) works one call with the keyboard alone: signs
//       in by typing, moves down the 回访 queue with j until the arranged order is selected,
//       opens it with Enter, finds the focus on the first result, presses 1 (已接通), s (满意),
//       scores the six survey questions with number keys, types a note and records the call
//       with Enter; the page reports the revisit succeeded and the API has the same result,
//       survey and note. No mouse click anywhere.
//
// The revisit (an order delivered two days ago at SH01, assigned to the specialist, call
// windows all day so the check runs at any hour) is arranged by the pytest driver.
// DN_REVISIT_USER overrides the specialist (default cs.sh01).
import path from 'node:path';
import { artifactsDir } from './browser.mjs';
import { BASE_URL, USERS, apiSession, check, log, run, withProfile } from './common.mjs';

const CALLER = process.env.DN_REVISIT_USER || 'cs.sh01';
const REVISIT = process.env.DN_REVISIT_ID || '';
const ORDER = process.env.DN_REVISIT_ORDER || '';
const SCORES = ['5', '4', '5', '3', '4', '5'];
const NOTE = 'keyboard only 全键盘';

const REVISIT_QUERY = `query E2ERevisit($id: ID!) {
  revisit(id: $id) { status outcome attempts survey { question score } attemptLog { result outcome note } }
}`;

async function focusedTestId(page) {
  return page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '');
}

async function keyboardCall() {
  check(REVISIT && ORDER, 'DN_REVISIT_ID / DN_REVISIT_ORDER are not set');
  const api = await apiSession(CALLER);

  await withProfile('revisit-keyboard-call', { locale: 'zh-CN' }, async (page) => {
    await page.goto(`${BASE_URL}/`);
    await page.getByTestId('sign-in-form').waitFor();
    await page.getByTestId('username').pressSequentially(CALLER);
    await page.keyboard.press('Tab');
    await page.keyboard.type(USERS[CALLER]);
    await page.keyboard.press('Enter');
    await page.getByTestId('viewer-name').waitFor();

    await page.goto(`${BASE_URL}/care/revisits`);
    await page.getByTestId('page-revisit-queue').waitFor();
    await page.locator('[data-testid="revisit-window"][data-callable="true"]').waitFor();
    await page.getByTestId('revisit-row').first().waitFor();
    const rows = await page.getByTestId('revisit-row').count();
    let found = false;
    for (let i = 0; i < rows; i += 1) {
      const order = await page.evaluate(() => document.activeElement?.getAttribute('data-order'));
      if (order === ORDER) {
        found = true;
        break;
      }
      await page.keyboard.press('j');
    }
    check(found, `moving down the queue with j never selected order ${ORDER}`);
    await page.keyboard.press('Enter');
    log(`the 回访 queue selected ${ORDER} with j and opened it with Enter`);

    await page.getByTestId('revisit-call-form').waitFor();
    await page.getByTestId('revisit-order').filter({ hasText: ORDER }).waitFor();
    await page.getByTestId('revisit-work-done').waitFor();
    await page.getByTestId('revisit-result-answered').filter({ hasText: '已接通' }).waitFor();
    check((await focusedTestId(page)) === 'revisit-result-answered', `focus starts on ${await focusedTestId(page)}, not the first result`);

    await page.keyboard.press('1');
    await page.locator('[data-testid="revisit-result-answered"][aria-pressed="true"]').waitFor();
    check((await focusedTestId(page)) === 'revisit-outcome-satisfied', 'after 1 the focus is not on the outcomes');
    await page.keyboard.press('s');
    await page.locator('[data-testid="revisit-outcome-satisfied"][aria-pressed="true"]').waitFor();
    check((await focusedTestId(page)) === 'revisit-survey-overall', 'after s the focus is not on the first survey question');
    for (const score of SCORES) await page.keyboard.press(score);
    check((await focusedTestId(page)) === 'revisit-note', 'after the survey the focus is not on the note');
    const shown = await page.locator('.revisit-survey-question').evaluateAll((rows) =>
      rows.map((r) => [r.getAttribute('data-testid').replace('revisit-survey-', '').toUpperCase(), Number(r.getAttribute('data-score'))]),
    );
    await page.keyboard.type(NOTE);
    await page.screenshot({ path: path.join(artifactsDir(), 'revisit-call-form.png'), fullPage: true });
    await page.keyboard.press('Enter');
    const done = page.locator('[data-testid="revisit-recorded"][data-status="succeeded"]');
    await done.waitFor();
    await done.filter({ hasText: '回访成功' }).waitFor();
    check((await focusedTestId(page)) === 'revisit-next', 'after recording the focus is not on the way back to the queue');
    log(`recorded with 1, s, ${SCORES.join(' ')} and Enter; the page says 回访成功`);

    const server = (await api.must('reading the revisit', REVISIT_QUERY, { id: REVISIT })).revisit;
    check(server.status === 'SUCCEEDED' && server.outcome === 'SATISFIED', `the API has ${server.status} / ${server.outcome}`);
    check(server.attempts === 1, `the API counts ${server.attempts} calls`);
    const apiSurvey = server.survey.map((a) => [a.question, a.score]);
    check(JSON.stringify(apiSurvey) === JSON.stringify(shown), `the page scored ${JSON.stringify(shown)}, the API has ${JSON.stringify(apiSurvey)}`);
    const [attempt] = server.attemptLog;
    check(attempt.result === 'ANSWERED' && attempt.note === NOTE, `the API logged ${JSON.stringify(attempt)}`);
    log(`the API agrees: succeeded, satisfied, survey ${apiSurvey.map((a) => a[1]).join('')}, note logged`);

    await page.keyboard.press('Enter');
    await page.getByTestId('page-revisit-queue').waitFor();
    log('Enter on the focused link went back to the queue');
  });
}

const SCENARIOS = { 'keyboard-call': keyboardCall };

run(async () => {
  const name = process.argv[2];
  const scenario = SCENARIOS[name];
  check(scenario, `unknown scenario ${name}; one of ${Object.keys(SCENARIOS).join(', ')}`);
  await scenario();
});
